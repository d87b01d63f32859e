//! Compilation stages: resolve (seconds to samples) and quantise (card granularity,
//! wrap-continuous loops).

pub mod ir;
pub mod quantize;
pub mod resolve;

pub use ir::*;
pub use quantize::{
    quantize, QuantLimits, QuantizedProgram, QuantizedSegment, SegmentQuantization,
};
pub use resolve::resolve;
