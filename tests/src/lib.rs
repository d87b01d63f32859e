//! End-to-end test helpers.
//!
//! * [`reference`]: the plain per-sample renderer every synthesis backend is checked
//!   against;
//! * [`exact_phase`]: exact rational phase for long parts;
//! * [`bins`]: the built `awgsf` binary and plugin files;
//! * [`outcome`]: running the binary and checking exit code, messages and that
//!   nothing crashed;
//! * [`scratch`]: temporary directories, configs and small programs.

pub mod bins;
pub mod exact_phase;
pub mod outcome;
pub mod reference;
pub mod scratch;
