//! Human-readable tables and JSON reports printed by the CLI.

pub mod inspect;
pub mod run;
pub mod table;
