//! Programs: the intent model, its builder, validation, file formats (TOML for
//! people, the reference JSON layout), loading by path or preset, digests.

pub mod builder;
pub mod digest;
pub mod error;
pub mod json;
pub mod limits;
pub mod load;
pub mod model;
pub mod numeric;
pub mod presets;
pub mod random;
pub mod source_map;
pub mod suggest;
pub mod toml_format;
pub mod units;
pub mod validate;

pub use builder::{ChannelOps, ProgramBuilder};
pub use error::{Location, ProgramError, TextPosition};
pub use load::{load_program, save_program, LoadedProgram, ProgramFormat};
pub use model::*;
pub use source_map::SourceMap;
pub use toml_format::{from_toml_str, to_toml_string};
