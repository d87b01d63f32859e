//! AWG Segment Factory: compiles multi-tone RF programs into what an arbitrary
//! waveform generator plays in sequence-replay mode.
//!
//! Stages, each with its own type: [`program::Program`] (intent) →
//! [`pipeline::resolve`] (integer samples, tone identities) → [`pipeline::quantize`]
//! (card granularity, wrap-continuous loops) → phases → render plan → samples and a
//! step table, computed and played by plugins.

pub mod bench;
pub mod calib;
pub mod cli;
pub mod compiler;
pub mod config;
pub mod error;
pub mod input;
pub mod machine;
pub mod phases;
pub mod pipeline;
pub mod plot;
pub mod plugins;
pub mod program;
pub mod progress;
pub mod render;
pub mod report;
pub mod session;
pub mod setup;
pub mod shared;
pub mod upload;
pub mod verify;
