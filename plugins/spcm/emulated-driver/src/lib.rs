//! An emulated Spectrum driver library: a stand-in for `libspcm_linux.so` /
//! `spcm_win64.dll` that exports the same C entry points and behaves like a
//! sequence-replay generator card (an M4i.6622-x8 by default).
//!
//! It keeps registers, segment memory and step memory per device string, enforces
//! the card's rules (sequence mode for `SPC_SEQMODE_*` registers, power-of-two
//! segment counts, segment granularity, minimum and slot capacity, step and loop
//! limits, channel masks, DMA only with a defined transfer, setup changes only while
//! stopped, an unread error locking the driver until `spcm_dwGetErrorInfo_i32`), and
//! fails with the driver's error codes and a text.
//!
//! Tests load the same library file as the plugin under test (the same path gives
//! the same process-wide state) and reach extra functions:
//! `spcm_emu_reset`, `spcm_emu_remove`, `spcm_emu_fail_open`, `spcm_emu_fail_register`,
//! `spcm_emu_dma_timeout`, `spcm_emu_is_running`, `spcm_emu_call_log_json`,
//! `spcm_emu_state_json`. Each records nothing in the call log.

pub mod card;
pub mod config;
mod dma;
pub mod emulator;
pub mod ffi;
pub mod log;
mod playback;
#[path = "../../src/regs.rs"]
pub mod regs;
mod rules;
mod state;
#[cfg(test)]
mod tests;

pub use card::{EmuCard, Fail};
pub use config::CardConfig;
pub use emulator::{global, Emulator, DEFAULT_DEVICE};
pub use state::fnv1a64;
