//! Integration tests of `awgsf-core`, one test binary: the program readers and
//! builder, the stages, phases, calibration and the input fuzzers.

#[cfg(feature = "fit")]
mod calib_fit;
mod calib_input;
mod calib_setup;
mod common;
mod crest;
mod exact_chain;
mod fuzz_readers;
mod golden_quantize;
mod partial_compile;
mod preset_large;
mod program_formats;
mod program_toml;
mod program_toml_props;
mod quantize_properties;
mod reference_differences;
mod validation_rules;
