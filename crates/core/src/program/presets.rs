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

/// What a preset is, in one sentence: the first sentence of the comment at the top
/// of its TOML (`large`: "Large benchmark program: a 100 x 100 tweezer grid.").
pub fn description(name: &str) -> Option<String> {
    let text = text(name)?;
    let words: Vec<&str> = text
        .lines()
        .map_while(|l| l.strip_prefix('#'))
        .map(str::trim)
        .take_while(|l| !l.is_empty())
        .flat_map(str::split_whitespace)
        .collect();
    let end = words
        .iter()
        .position(|w| w.ends_with('.'))
        .unwrap_or(words.len().saturating_sub(1));
    let sentence = words.get(..=end)?.join(" ");
    (!sentence.is_empty()).then_some(sentence)
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_preset_has_a_one_sentence_description() {
        for name in names() {
            let d = description(name).unwrap_or_else(|| panic!("{name} has no description"));
            assert!(d.ends_with('.'), "{name}: {d}");
            assert!(!d.contains('#'), "{name}: {d}");
        }
        assert_eq!(
            description("large").as_deref(),
            Some("Large benchmark program: a 100 x 100 tweezer grid.")
        );
    }
}
