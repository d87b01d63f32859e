//! The programs `awgsf bench` measures: named workloads, any preset, and the
//! `huge` grid built with the Rust builder.

use std::path::Path;

use awgsf_core::program::{
    load_program, numeric::linspace, presets, ChannelOps, InterpKind, LoadedProgram, PhaseMode,
    Program, ProgramBuilder, ProgramError, SourceMap,
};

/// Workloads measured when none are named.
pub const DEFAULT_WORKLOADS: &[&str] = &["mol_exp", "spec_analyser", "large", "huge"];

/// Named workloads besides the presets: (name, what it is).
pub const NAMED: &[(&str, &str)] = &[
    ("mol_exp", "the recreate_mol_exp preset"),
    (
        "spec_analyser",
        "the spec_analyser_test preset (one 100 ms chirp)",
    ),
    ("large", "the large preset: 2 x 100 tones, 10 ms"),
    (
        "huge",
        "the large program scaled to 2 x 1000 tones (built in code)",
    ),
    (
        REARRANGE,
        "latency of 200 rearrangements: 100 tones, 50 random atoms onto 50 sites, 100 µs move, on the config's card",
    ),
];

/// The workload measured as rearrangement latency rather than compile speed.
pub const REARRANGE: &str = "rearrange";

/// Tones per axis of the `huge` workload.
pub const HUGE_TONES: usize = 1000;

/// The program of a workload: a name from [`NAMED`], any preset name, or a program
/// file (`.toml`, `.json`).
pub fn program(name: &str) -> Result<LoadedProgram, ProgramError> {
    let preset = match name {
        REARRANGE => {
            return Ok(LoadedProgram {
                program: awgsf_core::rearrange::demo::RowShape::default().program()?,
                source: "builder:RowShape::default()".into(),
                source_map: SourceMap::default(),
            })
        }
        "mol_exp" => "recreate_mol_exp",
        "spec_analyser" => "spec_analyser_test",
        "huge" => {
            let program = grid_program(HUGE_TONES, 0.8 / HUGE_TONES as f64)?;
            return Ok(LoadedProgram {
                program,
                source: format!("builder:grid_program({HUGE_TONES})"),
                source_map: SourceMap::default(),
            });
        }
        other => other,
    };
    if presets::text(preset).is_none() && Path::new(name).is_file() {
        return load_program(name);
    }
    if presets::text(preset).is_none() {
        let named: Vec<&str> = NAMED.iter().map(|(n, _)| *n).collect();
        return Err(ProgramError::new(
            Default::default(),
            format!(
                "unknown workload `{name}`: not a workload, a preset or a program file \
                 (workloads: {}; presets: {})",
                named.join(", "),
                presets::names().join(", ")
            ),
        ));
    }
    let loaded = presets::get(preset)?;
    loaded.validate()?;
    Ok(loaded)
}

/// A grid of `n` tones per axis (`H`, `V`), each of amplitude `amp`: load on a grid
/// spread over 90–110 MHz (V offset by 0.5 MHz), rearrange every column and row in
/// order onto a compact grid of 15/n MHz spacing around 100 MHz with a 5 ms
/// min-jerk remap, then 5 ms of holds (200 µs loading loop, 3.76 ms settle, a 1 ms
/// image played four times, a 40 µs wait). `grid_program(100, 0.008)` is the
/// `large` preset; at 625 MS/s it renders `2 n × 6.25e6` tone-samples.
pub fn grid_program(n: usize, amp: f64) -> Result<Program, ProgramError> {
    let spacing = 15e6 / n as f64;
    let half_span = spacing * (n as f64 - 1.0) / 2.0;
    let exp = linspace(100e6 - half_span, 100e6 + half_span, n);
    let amps = vec![amp; n];
    ProgramBuilder::new()
        .logical_channel("H")
        .logical_channel("V")
        .define("loading_H", "H", linspace(90e6, 110e6, n), amps.clone())
        .define("loading_V", "V", linspace(90.5e6, 109.5e6, n), amps.clone())
        .define("exp_H", "H", exp.clone(), amps.clone())
        .define("exp_V", "V", exp, amps)
        .segment("sync")
        .wait_trig()
        .snap_len_to_quantum(false)
        .hold(1e-9)
        .segment("loading_grid_on")
        .wait_trig()
        .phase_mode(PhaseMode::Optimise)
        .tones("H")
        .use_def("loading_H")
        .tones("V")
        .use_def("loading_V")
        .hold(200e-6)
        .segment("rearrange_to_exp_grid")
        .parallel(|p| {
            p.tones("H")
                .remap_from_def("exp_H", 0..n, 5e-3)
                .kind(InterpKind::MinJerk)
                .tones("V")
                .remap_from_def("exp_V", 0..n, 5e-3)
                .kind(InterpKind::MinJerk)
        })
        .segment("settle")
        .hold(3.76e-3)
        .segment("image")
        .loop_n(4)
        .hold(1e-3)
        .segment("wait_for_trigger")
        .wait_trig()
        .hold(40e-6)
        .build()
}

#[cfg(test)]
mod tests {
    use super::*;
    use awgsf_core::program::digest::program_digest;

    #[test]
    fn the_large_preset_is_the_100_tone_grid() {
        let preset = program("large").unwrap().program;
        let built = grid_program(100, 0.008).unwrap();
        assert_eq!(program_digest(&built), program_digest(&preset));
    }

    #[test]
    fn named_workloads_and_presets_load_and_others_are_refused() {
        for (name, _) in NAMED {
            assert!(program(name).is_ok(), "{name}");
        }
        assert_eq!(
            program("mol_exp").unwrap().source,
            "preset:recreate_mol_exp"
        );
        assert!(program("simple_tweens").is_ok());
        let e = program("mol").unwrap_err().to_string();
        assert!(e.contains("unknown workload `mol`"), "{e}");
        assert!(e.contains("huge"), "{e}");
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("mine.toml");
        std::fs::write(&file, presets::text("simple_tweens").unwrap()).unwrap();
        let spec = file.display().to_string();
        assert_eq!(program(&spec).unwrap().source, spec);
    }

    #[test]
    fn huge_has_1000_tones_per_axis() {
        let p = program("huge").unwrap().program;
        for def in p.definitions.values() {
            assert_eq!(def.freqs_hz.len(), HUGE_TONES);
        }
        assert_eq!(p.segments.len(), 6);
    }
}
