//! The `awgsf` command: argument parsing, terminal reports, progress bars, file
//! watching and benchmarks over the `awgsf-core` library (compiler and sessions)
//! and `awgsf-plot` (pictures).

pub mod bench;
pub mod cli;
pub mod progress;
pub mod report;
