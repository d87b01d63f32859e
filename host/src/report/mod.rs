//! Human-readable tables and JSON reports printed by the CLI.

pub mod inspect;
pub mod run;
pub mod table;
pub mod warnings;

/// A report the CLI prints as text.
pub trait Render {
    /// The text summary.
    fn render(&self) -> String;
}
