//! End-to-end test helpers.
//!
//! * [`reference`]: the plain per-sample renderer every synthesis backend is checked
//!   against;
//! * [`exact_phase`]: exact rational phase for long parts;
//! * [`bins`]: the built `awgsf` binary and plugin files.

pub mod bins;
pub mod exact_phase;
pub mod reference;
