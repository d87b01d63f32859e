//! Programs: the intent model, its builder, validation, file formats, digests and
//! presets.

pub mod builder;
pub mod digest;
pub mod error;
pub mod json;
pub mod model;
pub mod numeric;
pub mod suggest;
pub mod units;
pub mod validate;

pub use builder::{ChannelOps, ProgramBuilder};
pub use error::{Location, ProgramError, TextPosition};
pub use model::*;
