//! An open card: register access, data transfers and driver errors read back with
//! `spcm_dwGetErrorInfo_i32`.

use std::cell::Cell;
use std::ffi::{c_char, c_void, CString};
use std::fmt;
use std::ptr::NonNull;
use std::sync::Arc;

use awgsf_plugin_api::{ErrorKind, PluginError, PluginResult};

use crate::driver::Driver;
use crate::regs::*;

/// Size of the error-text buffer handed to the driver (it writes at most
/// `ERRORTEXTLEN` bytes).
const TEXT_BUFFER: usize = 1000;
const _: () = assert!(ERRORTEXTLEN < TEXT_BUFFER);

/// The driver call that failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DriverCall {
    /// `spcm_dwSetParam_i64(reg, value)`.
    Set {
        /// Register.
        reg: i32,
        /// Value.
        value: i64,
    },
    /// `spcm_dwGetParam_i64(reg)`.
    Get {
        /// Register.
        reg: i32,
    },
    /// `spcm_dwDefTransfer_i64(SPCM_BUF_DATA, direction, ..., bytes)`.
    Transfer {
        /// `SPCM_DIR_*`.
        direction: u32,
        /// Length.
        bytes: u64,
    },
    /// `spcm_dwInvalidateBuf(SPCM_BUF_DATA)`.
    Invalidate,
}

/// Names of the `SPC_M2CMD` bits set in `cmd`.
pub fn command_names(cmd: i64) -> String {
    const NAMES: [(i64, &str); 12] = [
        (M2CMD_CARD_RESET, "CARD_RESET"),
        (M2CMD_CARD_WRITESETUP, "CARD_WRITESETUP"),
        (M2CMD_CARD_START, "CARD_START"),
        (M2CMD_CARD_ENABLETRIGGER, "CARD_ENABLETRIGGER"),
        (M2CMD_CARD_FORCETRIGGER, "CARD_FORCETRIGGER"),
        (M2CMD_CARD_DISABLETRIGGER, "CARD_DISABLETRIGGER"),
        (M2CMD_CARD_STOP, "CARD_STOP"),
        (M2CMD_CARD_WAITTRIGGER, "CARD_WAITTRIGGER"),
        (M2CMD_CARD_WAITREADY, "CARD_WAITREADY"),
        (M2CMD_DATA_STARTDMA, "DATA_STARTDMA"),
        (M2CMD_DATA_WAITDMA, "DATA_WAITDMA"),
        (M2CMD_DATA_STOPDMA, "DATA_STOPDMA"),
    ];
    let names: Vec<&str> = NAMES
        .iter()
        .filter(|(bit, _)| cmd & bit != 0)
        .map(|(_, n)| *n)
        .collect();
    names.join("|")
}

fn value_text(reg: i32, value: i64) -> String {
    if reg == SPC_M2CMD {
        format!("0x{value:x} ({})", command_names(value))
    } else if (SPC_SEQMODE_STEPMEM0..=SPC_SEQMODE_STEPMEM_LAST).contains(&reg) {
        format!("0x{value:016x}")
    } else {
        value.to_string()
    }
}

impl fmt::Display for DriverCall {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            DriverCall::Set { reg, value } => write!(
                f,
                "writing {} ({reg}) = {}",
                register_name(reg),
                value_text(reg, value)
            ),
            DriverCall::Get { reg } => write!(f, "reading {} ({reg})", register_name(reg)),
            DriverCall::Transfer { direction, bytes } => write!(
                f,
                "spcm_dwDefTransfer_i64(SPCM_BUF_DATA, {}, {bytes} bytes)",
                if direction == SPCM_DIR_CARDTOPC {
                    "SPCM_DIR_CARDTOPC"
                } else {
                    "SPCM_DIR_PCTOCARD"
                }
            ),
            DriverCall::Invalidate => write!(f, "spcm_dwInvalidateBuf(SPCM_BUF_DATA)"),
        }
    }
}

/// A non-zero driver return, with what `spcm_dwGetErrorInfo_i32` said about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DriverError {
    /// The call.
    pub call: DriverCall,
    /// Its return code.
    pub code: u32,
    /// Register the driver names.
    pub info_reg: u32,
    /// Value the driver names.
    pub info_value: i32,
    /// The driver's text.
    pub text: String,
}

impl DriverError {
    /// `TIMEOUT` for `ERR_TIMEOUT`, `DEVICE` otherwise.
    pub fn kind(&self) -> ErrorKind {
        if self.code == ERR_TIMEOUT {
            ErrorKind::TIMEOUT
        } else {
            ErrorKind::DEVICE
        }
    }

    /// The error as a plugin error, prefixed with what was being done.
    pub fn into_plugin(self, context: &str) -> PluginError {
        PluginError::new(self.kind(), format!("{context}: {self}"))
    }
}

impl fmt::Display for DriverError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} failed with {} (0x{:x})",
            self.call,
            error_name(self.code),
            self.code
        )?;
        let ours = match self.call {
            DriverCall::Set { reg, .. } | DriverCall::Get { reg } => reg as u32,
            _ => 0,
        };
        if self.info_reg != 0 && self.info_reg != ours {
            write!(
                f,
                " at {} = {}",
                register_name(self.info_reg as i32),
                self.info_value
            )?;
        }
        if self.text.is_empty() {
            write!(f, ": the driver gave no text")
        } else {
            write!(f, ": driver says \"{}\"", self.text)
        }
    }
}

/// Reads the error text out of the driver's buffer.
fn buffer_text(buf: &[u8]) -> String {
    let end = buf.iter().position(|&b| b == 0).unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).trim().to_string()
}

/// An open card handle. Closing happens on drop.
pub struct Device {
    driver: Arc<Driver>,
    handle: NonNull<c_void>,
    /// A transfer buffer is defined and not yet invalidated.
    defined: Cell<bool>,
    /// Device string it was opened with.
    pub name: String,
}

// SAFETY: a Spectrum driver handle may be used from any thread; the plugin uses one
// handle from one thread at a time (`&mut self` calls behind the host's `Card`).
unsafe impl Send for Device {}

impl fmt::Debug for Device {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Device").field("name", &self.name).finish()
    }
}

impl Device {
    /// Opens `name`; a failure names the device and carries the driver's reason.
    pub fn open(driver: Arc<Driver>, name: &str) -> PluginResult<Device> {
        let c_name = CString::new(name).map_err(|_| {
            PluginError::invalid_input(format!(
                "spcm settings: device {name:?} contains a NUL byte"
            ))
        })?;
        // SAFETY: a NUL-terminated device string, as spcm_hOpen expects.
        let handle = unsafe { (driver.api.open)(c_name.as_ptr()) };
        match NonNull::new(handle) {
            Some(handle) => Ok(Device {
                driver,
                handle,
                defined: Cell::new(false),
                name: name.to_string(),
            }),
            None => {
                let (code, _, _, text) = error_info(&driver, std::ptr::null_mut());
                let reason = if text.is_empty() {
                    "the driver gave no reason".to_string()
                } else {
                    format!("driver says \"{text}\"")
                };
                let code = if code == ERR_OK {
                    String::new()
                } else {
                    format!(" [{} 0x{code:x}]", error_name(code))
                };
                Err(PluginError::not_available(format!(
                    "no card at {name}: spcm_hOpen(\"{name}\") failed, {reason}{code}"
                )))
            }
        }
    }

    /// The driver it was opened through.
    pub fn driver(&self) -> &Driver {
        &self.driver
    }

    fn check(&self, rc: u32, call: DriverCall) -> Result<(), DriverError> {
        if rc == ERR_OK {
            return Ok(());
        }
        let (_, info_reg, info_value, text) = error_info(&self.driver, self.handle.as_ptr());
        Err(DriverError {
            call,
            code: rc,
            info_reg,
            info_value,
            text,
        })
    }

    /// `spcm_dwSetParam_i64`.
    pub fn set(&self, reg: i32, value: i64) -> Result<(), DriverError> {
        // SAFETY: open handle; plain integer arguments.
        let rc = unsafe { (self.driver.api.set_i64)(self.handle.as_ptr(), reg, value) };
        self.check(rc, DriverCall::Set { reg, value })
    }

    /// `spcm_dwGetParam_i64`.
    pub fn get(&self, reg: i32) -> Result<i64, DriverError> {
        let mut value = 0i64;
        // SAFETY: open handle; `value` is a valid out-pointer for the call.
        let rc = unsafe { (self.driver.api.get_i64)(self.handle.as_ptr(), reg, &mut value) };
        self.check(rc, DriverCall::Get { reg }).map(|()| value)
    }

    /// Defines a transfer of `samples` into the addressed segment.
    ///
    /// The driver keeps the address: the caller starts the DMA and waits for it
    /// (`M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA`) before `samples` goes away, or
    /// stops and invalidates it on failure.
    pub fn define_write(&self, samples: &[i16]) -> Result<(), DriverError> {
        let bytes = std::mem::size_of_val(samples) as u64;
        self.defined.set(true);
        // SAFETY: open handle; the driver only reads `bytes` bytes from the buffer
        // for a PC-to-card transfer, within the caller's borrow (see above).
        let rc = unsafe {
            (self.driver.api.def_transfer)(
                self.handle.as_ptr(),
                SPCM_BUF_DATA,
                SPCM_DIR_PCTOCARD,
                0,
                samples.as_ptr() as *mut c_void,
                0,
                bytes,
            )
        };
        self.check(
            rc,
            DriverCall::Transfer {
                direction: SPCM_DIR_PCTOCARD,
                bytes,
            },
        )
    }

    /// Defines a transfer from the addressed segment into `out` (same contract as
    /// [`Device::define_write`]).
    pub fn define_read(&self, out: &mut [i16]) -> Result<(), DriverError> {
        let bytes = std::mem::size_of_val(out) as u64;
        self.defined.set(true);
        // SAFETY: open handle; the driver writes at most `bytes` bytes into `out`
        // while the caller's exclusive borrow lasts (see `define_write`).
        let rc = unsafe {
            (self.driver.api.def_transfer)(
                self.handle.as_ptr(),
                SPCM_BUF_DATA,
                SPCM_DIR_CARDTOPC,
                0,
                out.as_mut_ptr() as *mut c_void,
                0,
                bytes,
            )
        };
        self.check(
            rc,
            DriverCall::Transfer {
                direction: SPCM_DIR_CARDTOPC,
                bytes,
            },
        )
    }

    /// `spcm_dwInvalidateBuf(SPCM_BUF_DATA)` when a transfer buffer is defined: the
    /// driver forgets the buffer address.
    pub fn invalidate(&self) -> Result<(), DriverError> {
        if !self.defined.replace(false) {
            return Ok(());
        }
        // SAFETY: open handle.
        let rc = unsafe { (self.driver.api.invalidate)(self.handle.as_ptr(), SPCM_BUF_DATA) };
        self.check(rc, DriverCall::Invalidate)
    }
}

impl Drop for Device {
    fn drop(&mut self) {
        // SAFETY: the handle is open and not used after this.
        unsafe { (self.driver.api.close)(self.handle.as_ptr()) };
    }
}

/// `spcm_dwGetErrorInfo_i32`: code, register, value, text.
fn error_info(driver: &Driver, handle: *mut c_void) -> (u32, u32, i32, String) {
    let mut reg = 0u32;
    let mut value = 0i32;
    let mut text = vec![0u8; TEXT_BUFFER];
    // SAFETY: valid out-pointers; the text buffer exceeds ERRORTEXTLEN bytes.
    let code = unsafe {
        (driver.api.error_info)(
            handle,
            &mut reg,
            &mut value,
            text.as_mut_ptr() as *mut c_char,
        )
    };
    (code, reg, value, buffer_text(&text))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_name_register_value_and_text() {
        let e = DriverError {
            call: DriverCall::Set {
                reg: SPC_AMP0 + 100,
                value: 1000,
            },
            code: ERR_VALUE,
            info_reg: (SPC_AMP0 + 100) as u32,
            info_value: 1000,
            text: "out of range".into(),
        };
        assert_eq!(
            e.to_string(),
            "writing SPC_AMP1 (30110) = 1000 failed with ERR_VALUE (0x101): driver says \"out of range\""
        );
        let e = DriverError {
            call: DriverCall::Set {
                reg: SPC_M2CMD,
                value: M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA,
            },
            code: ERR_TIMEOUT,
            info_reg: 0,
            info_value: 0,
            text: String::new(),
        };
        assert_eq!(e.kind(), ErrorKind::TIMEOUT);
        assert_eq!(
            e.to_string(),
            "writing SPC_M2CMD (100) = 0x30000 (DATA_STARTDMA|DATA_WAITDMA) failed with ERR_TIMEOUT (0x107): the driver gave no text"
        );
        assert_eq!(buffer_text(b"abc \0junk"), "abc");
    }
}
