//! The reference programs, and the `large` benchmark program, shipped as TOML files
//! under `configs/programs/` and built into the binary.

use super::error::{Location, ProgramError};
use super::load::{LoadedProgram, ProgramFormat};
use super::suggest::did_you_mean;

/// (name, TOML text), sorted by name.
const PRESETS: &[(&str, &str)] = &[
    (
        "large",
        include_str!("../../../../configs/programs/large.toml"),
    ),
    (
        "ramp_down_chirp_2ch",
        include_str!("../../../../configs/programs/ramp_down_chirp_2ch.toml"),
    ),
    (
        "recreate_mol_exp",
        include_str!("../../../../configs/programs/recreate_mol_exp.toml"),
    ),
    (
        "rt_spec_analyser_rearr_hotswap",
        include_str!("../../../../configs/programs/rt_spec_analyser_rearr_hotswap.toml"),
    ),
    (
        "simple_tweens",
        include_str!("../../../../configs/programs/simple_tweens.toml"),
    ),
    (
        "spec_analyser_test",
        include_str!("../../../../configs/programs/spec_analyser_test.toml"),
    ),
];

/// The preset names, sorted.
pub fn names() -> Vec<&'static str> {
    PRESETS.iter().map(|(n, _)| *n).collect()
}

/// The TOML text of a preset.
pub fn text(name: &str) -> Option<&'static str> {
    PRESETS.iter().find(|(n, _)| *n == name).map(|(_, t)| *t)
}

/// A preset, read from its TOML (source `preset:NAME`). Unknown names give an error
/// listing the presets.
pub fn get(name: &str) -> Result<LoadedProgram, ProgramError> {
    let text = text(name).ok_or_else(|| {
        ProgramError::new(
            Location::default(),
            format!(
                "unknown preset `{name}`{} (presets: {})",
                did_you_mean(name, names()),
                names().join(", ")
            ),
        )
    })?;
    LoadedProgram::from_text(text, &format!("preset:{name}"), Some(ProgramFormat::Toml))
}
