//! Compilation stages: resolve (seconds to samples), quantise (card granularity,
//! wrap-continuous loops), lowering to render plans (phases included) and the step
//! table.

pub mod ir;
pub mod lower;
pub mod quantize;
pub mod resolve;
pub mod steps;
pub mod tones;

pub use ir::*;
pub use lower::{lower, ColumnBinding, LowerOptions, LoweredSegment, OutputLayout};
pub use quantize::{
    quantize, QuantLimits, QuantizedProgram, QuantizedSegment, SegmentQuantization,
};
pub use resolve::resolve;
pub use steps::step_table;
