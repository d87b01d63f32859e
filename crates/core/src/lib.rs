//! AWG Segment Factory's core library: compiles multi-tone RF programs into what an
//! arbitrary waveform generator plays in sequence-replay mode, and drives cards
//! through hardware plugins in sessions.
//!
//! Stages, each with its own type: [`program::Program`] (intent) →
//! [`pipeline::resolve`] (integer samples, tone identities) → [`pipeline::quantize`]
//! (card granularity, wrap-continuous loops) → [`phases`] → [`render`] plan → samples
//! and a step table, computed and played by plugins ([`plugins`], [`session`]).
//!
//! This crate has no command-line, terminal or plotting dependencies: the `awgsf`
//! binary renders its reports and progress bars, `awgsf-plot` draws pictures.
//! The calibration fit solver is behind the `fit` feature.

pub mod calib;
pub mod compiler;
pub mod config;
pub mod error;
pub mod format;
pub mod input;
pub mod layout;
pub mod machine;
pub mod phases;
pub mod pipeline;
pub mod plugins;
pub mod program;
pub mod rearrange;
pub mod render;
pub mod session;
pub mod shared;
pub mod upload;
pub mod verify;
pub mod warnings;

pub use error::{Error, Result};
