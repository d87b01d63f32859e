//! Start phases of a segment's tones (SEMANTICS.md section 6).

pub mod crest;
pub mod start;
