//! The process-wide set of emulated cards, keyed by device string, and the handles
//! open on them.

use std::collections::{BTreeMap, HashMap};
use std::sync::{LazyLock, Mutex, MutexGuard};

use crate::card::{EmuCard, Fail};
use crate::config::CardConfig;
use crate::log::Call;
use crate::regs::*;

/// Device string of the card present from the start.
pub const DEFAULT_DEVICE: &str = "/dev/spcm0";

/// Every emulated card and open handle.
#[derive(Debug)]
pub struct Emulator {
    cards: BTreeMap<String, EmuCard>,
    handles: HashMap<usize, String>,
    next_handle: usize,
    open_error: Option<Fail>,
}

impl Default for Emulator {
    fn default() -> Self {
        Emulator::new()
    }
}

impl Emulator {
    /// One default card (M4i.6622-x8) at [`DEFAULT_DEVICE`].
    pub fn new() -> Emulator {
        let mut cards = BTreeMap::new();
        cards.insert(
            DEFAULT_DEVICE.to_string(),
            EmuCard::new(CardConfig::default()),
        );
        Emulator {
            cards,
            handles: HashMap::new(),
            next_handle: 0x1000,
            open_error: None,
        }
    }

    /// Puts a fresh card at `device` (replacing one there; its handles become invalid).
    pub fn reset_card(&mut self, device: &str, config: CardConfig) {
        self.handles.retain(|_, d| d != device);
        self.cards.insert(device.to_string(), EmuCard::new(config));
    }

    /// Removes the card at `device`; false if there was none.
    pub fn remove_card(&mut self, device: &str) -> bool {
        self.handles.retain(|_, d| d != device);
        self.cards.remove(device).is_some()
    }

    /// The card at `device`.
    pub fn card(&self, device: &str) -> Option<&EmuCard> {
        self.cards.get(device)
    }

    /// The card at `device`, mutable.
    pub fn card_mut(&mut self, device: &str) -> Option<&mut EmuCard> {
        self.cards.get_mut(device)
    }

    /// `spcm_hOpen`: a handle, or `None` with the reason kept for
    /// `spcm_dwGetErrorInfo_i32(NULL, ...)`.
    pub fn open(&mut self, device: &str) -> Option<usize> {
        let outcome = match self.cards.get_mut(device) {
            None => Err(Fail::new(
                ERR_BOARDNOTFOUND,
                0,
                0,
                format!("no card found at {device}"),
            )),
            Some(card) => {
                let result = if card.faults.open != ERR_OK {
                    Err(Fail::new(
                        card.faults.open,
                        0,
                        0,
                        format!("emulated driver: injected open failure of {device}"),
                    ))
                } else if card.open {
                    Err(Fail::new(
                        ERR_BOARDINUSE,
                        0,
                        0,
                        format!("card {device} is already in use"),
                    ))
                } else {
                    card.open = true;
                    Ok(())
                };
                let rc = result.as_ref().err().map_or(ERR_OK, |f| f.code);
                card.log.push(Call {
                    device: Some(device.to_string()),
                    ..Call::plain("spcm_hOpen", rc)
                });
                result
            }
        };
        match outcome {
            Ok(()) => {
                let handle = self.next_handle;
                self.next_handle += 0x10;
                self.handles.insert(handle, device.to_string());
                self.open_error = None;
                Some(handle)
            }
            Err(fail) => {
                self.open_error = Some(fail);
                None
            }
        }
    }

    /// `spcm_vClose`.
    pub fn close(&mut self, handle: usize) {
        if let Some(device) = self.handles.remove(&handle) {
            if let Some(card) = self.cards.get_mut(&device) {
                card.open = false;
                card.log.push(Call::plain("spcm_vClose", ERR_OK));
            }
        }
    }

    /// Runs `f` on the card behind `handle`; `None` for an invalid handle.
    pub fn with_handle<R>(
        &mut self,
        handle: usize,
        f: impl FnOnce(&mut EmuCard) -> R,
    ) -> Option<R> {
        let device = self.handles.get(&handle)?;
        self.cards.get_mut(device).map(f)
    }

    /// `spcm_dwGetErrorInfo_i32(NULL, ...)`: the last open failure.
    pub fn take_open_error(&mut self) -> Option<Fail> {
        self.open_error.take()
    }
}

static EMULATOR: LazyLock<Mutex<Emulator>> = LazyLock::new(|| Mutex::new(Emulator::new()));

/// The process-wide emulator.
pub fn global() -> MutexGuard<'static, Emulator> {
    EMULATOR
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
