//! AWG Segment Factory host library.
