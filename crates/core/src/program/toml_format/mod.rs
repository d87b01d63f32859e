//! The TOML program format, written for people (described in `docs/programs.md`).
//!
//! ```toml
//! logical_channels = ["H", "V"]
//!
//! [definitions.loading_H]
//! channel = "H"
//! freqs = { linspace = ["92 MHz", "110 MHz", 12] }
//! amps = 0.08
//!
//! [[segments]]
//! name = "wait"
//! mode = "wait_trig"
//! ops = [
//!   { op = "use_def", channel = "H", def = "loading_H" },
//!   { op = "hold", time = "200 us" },
//! ]
//! ```
//!
//! Times and frequencies take units (`"40 us"`, `"92 MHz"`, see
//! [`crate::program::units`]) or plain numbers in seconds and hertz. Reading keeps a
//! [`SourceMap`] so that later errors can name the line; writing gives text that
//! reads back to an equal model, so TOML and the reference JSON layout convert into
//! each other without loss.

mod node;
mod read;
mod write;

use toml::de::DeTable;

use super::error::{Location, ProgramError};
use super::model::{OpKind, Program};
use super::source_map::SourceMap;

pub use write::to_toml_string;

/// Keys of the top-level table.
pub const TOP_KEYS: &[&str] = &["logical_channels", "definitions", "segments"];
/// Keys of a definition.
pub const DEFINITION_KEYS: &[&str] = &["channel", "freqs", "amps", "phases"];
/// Keys of a segment.
pub const SEGMENT_KEYS: &[&str] = &[
    "name",
    "mode",
    "loop",
    "phase_mode",
    "snap_len_to_quantum",
    "snap_freqs_to_wrap",
    "ops",
];
/// Op names, as written in `op = "..."` (the names of [`OpKind::ALL`]).
pub const OP_NAMES: &[&str] = &OpKind::NAMES;

/// Reads a program from TOML text. `source` (a file name, or empty) is named in
/// errors. The program is not validated; see [`crate::program::validate`].
pub fn from_toml_str(text: &str, source: &str) -> Result<Program, ProgramError> {
    from_toml_str_with_map(text, source).map(|(program, _)| program)
}

/// Reads a program from TOML text, with the position of every definition, segment,
/// op and key.
pub fn from_toml_str_with_map(
    text: &str,
    source: &str,
) -> Result<(Program, SourceMap), ProgramError> {
    let doc = node::Doc::new(text, source);
    let root = DeTable::parse(text).map_err(|e| {
        doc.error_at(
            &Location::default(),
            e.span().map_or(0, |s| s.start),
            format!("TOML syntax error: {}", e.message().trim_end()),
        )
    })?;
    read::read_program(&node::Table::root(&doc, &root))
}
