//! The call log: one record per driver call made on a card, in call order.

use serde::Serialize;

/// One driver call as the emulated card saw it.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Call {
    /// Entry point (`spcm_dwSetParam_i64`, ...).
    #[serde(rename = "fn")]
    pub func: &'static str,
    /// Register (get/set calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reg: Option<i32>,
    /// Value written or read (get/set calls).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<i64>,
    /// Device string (`spcm_hOpen`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub device: Option<String>,
    /// Transfer definition (`spcm_dwDefTransfer_i64`, `spcm_dwInvalidateBuf`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub transfer: Option<TransferArgs>,
    /// Returned error code (0 = `ERR_OK`).
    pub rc: u32,
}

/// Arguments of a transfer call, without the host pointer.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct TransferArgs {
    /// `SPCM_BUF_*`.
    pub buffer_type: u32,
    /// `SPCM_DIR_*` (absent for `spcm_dwInvalidateBuf`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub direction: Option<u32>,
    /// Notify size, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub notify: Option<u32>,
    /// Offset in the addressed segment, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub offset: Option<u64>,
    /// Length, bytes.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub bytes: Option<u64>,
}

impl Call {
    /// A register call.
    pub fn register(func: &'static str, reg: i32, value: i64, rc: u32) -> Call {
        Call {
            func,
            reg: Some(reg),
            value: Some(value),
            device: None,
            transfer: None,
            rc,
        }
    }

    /// A call without register or transfer arguments.
    pub fn plain(func: &'static str, rc: u32) -> Call {
        Call {
            func,
            reg: None,
            value: None,
            device: None,
            transfer: None,
            rc,
        }
    }
}
