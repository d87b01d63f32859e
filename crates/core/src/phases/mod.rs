//! Start phases of a segment's tones (docs/semantics.md section 6).

pub mod crest;
pub mod start;
