//! AWG Segment Factory host library.

pub mod calib;
