//! End-to-end test helpers.
//!
//! * [`bins`]: the built `awgsf` binary and plugin files;
//! * [`outcome`]: running the binary and checking exit code, messages and that
//!   nothing crashed;
//! * [`scratch`]: temporary directories, configs and small programs.

pub mod bins;
pub mod outcome;
pub mod scratch;
