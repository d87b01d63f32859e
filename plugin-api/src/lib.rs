//! The ABI contract between the `awgsf` host and its plugins.
//!
//! This crate holds only what crosses a shared-library boundary: `#[repr(C)]`
//! [`StableAbi`](abi_stable::StableAbi) data (render plans, card descriptions, card
//! settings, segments, steps, errors), one root module per plugin role, the
//! `#[sabi_trait]` traits those modules hand out, and the panic guard that every
//! exported function goes through.
//!
//! A third-party plugin depends on this crate alone:
//!
//! * a **synthesis** plugin implements [`SynthesisBackend`] and exports it with
//!   [`export_synthesis_plugin!`];
//! * a **hardware** plugin implements [`HardwareBackend`] and exports it with
//!   [`export_hardware_plugin!`].
//!
//! The macros wrap every call in [`std::panic::catch_unwind`], so a panic inside a
//! plugin becomes a [`PluginError`] of kind [`ErrorKind::PANIC`] instead of taking
//! the host process down.
//!
//! [`contract`] says what the host checks before each call and what a plugin must
//! check all the same; [`settings`] parses a plugin's settings table.

pub mod card;
pub mod contract;
pub mod error;
pub mod guard;
pub mod module;
pub mod output_dir;
pub mod plan;
pub mod settings;
pub mod upload_check;
pub mod version;

pub use abi_stable;
pub use card::*;
pub use error::{ErrorKind, PluginError, PluginResult};
pub use guard::{guarded, HardwareBackend, SynthesisBackend};
pub use module::*;
pub use plan::*;
pub use upload_check::{STEP_WORD_MAX_LOOPS, STEP_WORD_MAX_SEGMENT, STEP_WORD_MAX_STEP};
pub use version::*;
