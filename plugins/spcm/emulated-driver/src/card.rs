//! One emulated card: its registers, segment and step memory, the pending error,
//! injected faults and the call log. Register rules live in `rules.rs`, commands and
//! playback in `playback.rs`, data transfers in `dma.rs`.

use std::collections::BTreeMap;

use crate::config::CardConfig;
use crate::log::{Call, TransferArgs};
use crate::regs::*;

/// A failed call: what `spcm_dwGetErrorInfo_i32` reports afterwards.
#[derive(Debug, Clone, PartialEq)]
pub struct Fail {
    /// Error code returned.
    pub code: u32,
    /// Register the error concerns (0 if none).
    pub reg: i32,
    /// Value written (0 if none).
    pub value: i64,
    /// Driver text.
    pub text: String,
}

impl Fail {
    /// A failure of `reg = value`.
    pub fn new(code: u32, reg: i32, value: i64, text: impl Into<String>) -> Fail {
        Fail {
            code,
            reg,
            value,
            text: text.into(),
        }
    }
}

/// Failures a test asked for.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Error code every `spcm_hOpen` of the card fails with (0: opens work).
    pub open: u32,
    /// One-shot failures of register writes.
    pub registers: Vec<RegisterFault>,
    /// The DMA transfer (counted from 0 since the request) that times out.
    pub dma_timeout: Option<u32>,
}

/// Fail the write of `reg` after `skip` successful writes of it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RegisterFault {
    /// Register.
    pub reg: i32,
    /// Writes of `reg` to let pass first.
    pub skip: u32,
    /// Error code to return.
    pub code: u32,
}

/// A transfer defined with `spcm_dwDefTransfer_i64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    /// `SPCM_DIR_*`.
    pub direction: u32,
    /// Host buffer address.
    pub ptr: usize,
    /// Offset in the addressed segment, bytes.
    pub offset: u64,
    /// Length, bytes.
    pub bytes: u64,
}

/// Replay state.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Playback {
    /// Started and not finished or stopped.
    pub running: bool,
    /// Trigger engine enabled.
    pub armed: bool,
    /// A trigger has started replay.
    pub triggered: bool,
    /// Step being replayed (or waited in).
    pub step: u32,
    /// The step changed since `SPC_SEQMODE_STATUS` was last read.
    pub step_changed: bool,
}

/// One emulated card.
#[derive(Debug)]
pub struct EmuCard {
    /// Fixed properties.
    pub config: CardConfig,
    /// Values written to writable registers.
    pub(crate) regs: BTreeMap<i32, i64>,
    /// Step memory.
    pub(crate) steps: BTreeMap<u32, u64>,
    /// Segment sizes, samples per channel.
    pub(crate) sizes: BTreeMap<u32, i64>,
    /// Segment memory, interleaved sample bytes.
    pub(crate) memory: BTreeMap<u32, Vec<u8>>,
    /// The defined transfer.
    pub(crate) transfer: Option<Transfer>,
    /// Replay state.
    pub(crate) play: Playback,
    /// A handle is open.
    pub(crate) open: bool,
    /// The error not yet read with `spcm_dwGetErrorInfo_i32`.
    pub(crate) pending: Option<Fail>,
    /// Requested failures.
    pub faults: Faults,
    /// Every call, in order.
    pub log: Vec<Call>,
    /// Writes per register since the last fault request.
    pub(crate) write_counts: BTreeMap<i32, u32>,
    /// DMA transfers since the last timeout request.
    pub(crate) dma_count: u32,
}

impl EmuCard {
    /// A card fresh from power-up.
    pub fn new(config: CardConfig) -> EmuCard {
        EmuCard {
            config,
            regs: BTreeMap::new(),
            steps: BTreeMap::new(),
            sizes: BTreeMap::new(),
            memory: BTreeMap::new(),
            transfer: None,
            play: Playback::default(),
            open: false,
            pending: None,
            faults: Faults::default(),
            log: Vec::new(),
            write_counts: BTreeMap::new(),
            dma_count: 0,
        }
    }

    /// Whether the card replays.
    pub fn running(&self) -> bool {
        self.play.running
    }

    /// Whether a handle is open.
    pub fn is_open(&self) -> bool {
        self.open
    }

    /// Current value of a writable register (its power-up default if never written).
    pub fn reg(&self, reg: i32) -> i64 {
        self.regs
            .get(&reg)
            .copied()
            .or_else(|| self.default_value(reg))
            .unwrap_or(0)
    }

    /// Segment memory as written (interleaved sample bytes).
    pub fn segment_bytes(&self, segment: u32) -> Option<&[u8]> {
        self.memory.get(&segment).map(Vec::as_slice)
    }

    /// Enabled channels.
    pub(crate) fn enabled_channels(&self) -> u32 {
        (self.reg(SPC_CHENABLE) as u64).count_ones()
    }

    /// Bytes of one sample of every enabled channel.
    pub(crate) fn frame_bytes(&self) -> i64 {
        i64::from(self.enabled_channels()) * self.config.bytes_per_sample
    }

    /// `spcm_dwSetParam_*`.
    pub fn set(&mut self, func: &'static str, reg: i32, value: i64) -> u32 {
        let rc = if self.pending.is_some() {
            ERR_LASTERR
        } else {
            let result = self
                .injected(reg, value)
                .and_then(|()| self.write(reg, value));
            self.finish(result)
        };
        self.log.push(Call::register(func, reg, value, rc));
        rc
    }

    /// `spcm_dwGetParam_*`; `narrow` for the 32-bit call.
    pub fn get(&mut self, func: &'static str, reg: i32, narrow: bool) -> (u32, i64) {
        let (rc, value) = if self.pending.is_some() {
            (ERR_LASTERR, 0)
        } else {
            let result = self.read(reg).and_then(|v| {
                if narrow && i32::try_from(v).is_err() {
                    Err(Fail::new(
                        ERR_EXCEEDSINT32,
                        reg,
                        0,
                        format!(
                            "{} = {v} does not fit the 32-bit call, use spcm_dwGetParam_i64",
                            register_name(reg)
                        ),
                    ))
                } else {
                    Ok(v)
                }
            });
            match result {
                Ok(v) => (ERR_OK, v),
                Err(f) => (self.finish(Err(f)), 0),
            }
        };
        self.log.push(Call::register(func, reg, value, rc));
        (rc, value)
    }

    /// `spcm_dwDefTransfer_i64`.
    pub fn def_transfer(
        &mut self,
        buffer_type: u32,
        direction: u32,
        notify: u32,
        ptr: usize,
        offset: u64,
        bytes: u64,
    ) -> u32 {
        let rc = if self.pending.is_some() {
            ERR_LASTERR
        } else {
            let result = self.define_transfer(buffer_type, direction, notify, ptr, offset, bytes);
            self.finish(result)
        };
        self.log.push(Call {
            transfer: Some(TransferArgs {
                buffer_type,
                direction: Some(direction),
                notify: Some(notify),
                offset: Some(offset),
                bytes: Some(bytes),
            }),
            ..Call::plain("spcm_dwDefTransfer_i64", rc)
        });
        rc
    }

    /// `spcm_dwInvalidateBuf`.
    pub fn invalidate(&mut self, buffer_type: u32) -> u32 {
        let rc = if self.pending.is_some() {
            ERR_LASTERR
        } else if buffer_type != SPCM_BUF_DATA {
            self.finish(Err(Fail::new(
                ERR_VALUE,
                0,
                i64::from(buffer_type),
                format!("buffer type {buffer_type} does not exist on a generator"),
            )))
        } else {
            self.transfer = None;
            ERR_OK
        };
        self.log.push(Call {
            transfer: Some(TransferArgs {
                buffer_type,
                direction: None,
                notify: None,
                offset: None,
                bytes: None,
            }),
            ..Call::plain("spcm_dwInvalidateBuf", rc)
        });
        rc
    }

    /// `spcm_dwGetErrorInfo_i32`: takes the pending error.
    pub fn take_error(&mut self) -> Option<Fail> {
        let fail = self.pending.take();
        let rc = fail.as_ref().map_or(ERR_OK, |f| f.code);
        self.log.push(Call::plain("spcm_dwGetErrorInfo_i32", rc));
        fail
    }

    /// Records a failure as the pending error and returns its code.
    pub(crate) fn finish(&mut self, result: Result<(), Fail>) -> u32 {
        match result {
            Ok(()) => ERR_OK,
            Err(fail) => {
                let code = fail.code;
                self.pending = Some(fail);
                code
            }
        }
    }

    /// Applies a requested register failure, if this write is the one.
    fn injected(&mut self, reg: i32, value: i64) -> Result<(), Fail> {
        let count = self.write_counts.entry(reg).or_insert(0);
        let seen = *count;
        *count += 1;
        let hit = self
            .faults
            .registers
            .iter()
            .position(|f| f.reg == reg && f.skip == seen);
        match hit {
            Some(i) => {
                let fault = self.faults.registers.remove(i);
                Err(Fail::new(
                    fault.code,
                    reg,
                    value,
                    format!(
                        "emulated driver: injected failure of {} = {value}",
                        register_name(reg)
                    ),
                ))
            }
            None => Ok(()),
        }
    }

    /// Forgets registers, memory and replay state (`M2CMD_CARD_RESET`).
    pub(crate) fn reset_state(&mut self) {
        self.regs.clear();
        self.steps.clear();
        self.sizes.clear();
        self.memory.clear();
        self.transfer = None;
        self.play = Playback::default();
    }
}
