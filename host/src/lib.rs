//! AWG Segment Factory host library.

pub mod phases;
