//! Synthesis test support against the plugin API alone: random render plans, the
//! plain reference renderer every synthesis backend is held to, and the exact phase
//! of a tone anywhere in a part.
//!
//! * [`plans`]: random render plans from a seed;
//! * [`reference`]: the plain per-sample `f64` renderer;
//! * [`exact`]: the exact phase of a tone anywhere in a part.

pub mod exact;
pub mod plans;
pub mod reference;
