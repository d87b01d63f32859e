//! Program file formats and digests against the reference library's data.

use crate::common::{golden, DIGESTS};
use awgsf_core::program::builder::ChannelOps;
use awgsf_core::program::digest::{program_digest, segment_fingerprints};
use awgsf_core::program::json::{from_json_str, to_json_value};
use awgsf_core::program::numeric::linspace;
use awgsf_core::program::{InterpKind, PhaseMode, Program, ProgramBuilder};
use serde_json::Value;

#[test]
fn golden_intent_files_round_trip_to_equal_json_values() {
    for (file, _, _) in DIGESTS {
        let text = golden(file);
        let original: Value = serde_json::from_str(&text).unwrap();
        let program = from_json_str(&text).unwrap_or_else(|e| panic!("{file}: {e}"));
        assert_eq!(to_json_value(&program), original, "{file}");
    }
}

#[test]
fn digests_equal_the_reference_library() {
    for (file, digest, first_fp) in DIGESTS {
        let program = from_json_str(&golden(file)).unwrap();
        assert_eq!(program_digest(&program), digest, "{file}");
        let fps = segment_fingerprints(&program);
        assert_eq!(fps.len(), program.segments.len());
        assert!(
            fps[0].digest.starts_with(first_fp),
            "{file}: {}",
            fps[0].digest
        );
    }
}

fn mol_exp() -> Program {
    ProgramBuilder::new()
        .logical_channel("H")
        .logical_channel("V")
        .define("loading_H", "H", linspace(92e6, 110e6, 12), [0.08; 12])
        .define("loading_V", "V", [100e6], [0.7])
        .define("exp_H", "H", linspace(94e6, 108e6, 8), [0.08; 8])
        .define("exp_V", "V", [100e6], [0.7])
        .segment("sync")
        .wait_trig()
        .snap_len_to_quantum(false)
        .hold(1e-9)
        .segment("loading_tweezers_on")
        .wait_trig()
        .phase_mode(PhaseMode::Optimise)
        .tones("H")
        .use_def("loading_H")
        .tones("V")
        .use_def("loading_V")
        .hold(200e-6)
        .segment("hotswap_rearrange_to_exp_array")
        .tones("H")
        .remap_from_def("exp_H", [2, 4, 5, 7, 8, 9, 10, 11], 1e-3)
        .segment("equalise_amps")
        .phase_mode(PhaseMode::Optimise)
        .tones("H")
        .ramp_amps_to(
            [0.73, 0.68, 0.67, 0.75, 0.62, 0.81, 0.74, 0.73].map(|x| 0.15 * x),
            1e-3,
        )
        .kind(InterpKind::AdiabaticRamp)
        .segment("wait_for_trigger_A")
        .wait_trig()
        .hold(40e-6)
        .segment("move_row_up")
        .tones("V")
        .move_by(-2e6, 1e-3)
        .idxs([0])
        .segment("ramp_off")
        .phase_mode(PhaseMode::Optimise)
        .parallel(|p| {
            p.tones("H")
                .ramp_amp_to(0.0, 2e-3)
                .kind(InterpKind::AdiabaticRamp)
                .tones("V")
                .ramp_amp_to(0.0, 2e-3)
                .kind(InterpKind::AdiabaticRamp)
        })
        .segment("wait_for_trigger_C")
        .wait_trig()
        .hold(40e-6)
        .segment("turn_on")
        .tones("H")
        .ramp_amp_to(0.12, 0.0)
        .tones("V")
        .ramp_amp_to(0.4, 2e-3)
        .kind(InterpKind::AdiabaticRamp)
        .segment("move_up")
        .tones("V")
        .move_by(-0.1e6, 0.0)
        .idxs([0])
        .move_by(-1.9e6, 2e-3)
        .idxs([0])
        .segment("wait_for_pullback")
        .wait_trig()
        .phase_mode(PhaseMode::Optimise)
        .hold(40e-6)
        .segment("turn_on_detect")
        .phase_mode(PhaseMode::Continue)
        .tones("V")
        .add_tone(98.2e6)
        .ramp_amp_to(0.4, 2e-3)
        .idxs([1])
        .kind(InterpKind::AdiabaticRamp)
        .segment("move_down")
        .phase_mode(PhaseMode::Optimise)
        .tones("V")
        .move_by(2e6, 2e-3)
        .idxs([1])
        .segment("wait_for_trigger_D")
        .wait_trig()
        .phase_mode(PhaseMode::Optimise)
        .hold(40e-6)
        .build()
        .unwrap()
}

#[test]
fn the_builder_reproduces_the_reference_preset_bit_for_bit() {
    let built = mol_exp();
    let golden = from_json_str(&golden("recreate_mol_exp.intent.json")).unwrap();
    assert_eq!(to_json_value(&built), to_json_value(&golden));
    assert_eq!(program_digest(&built), DIGESTS[1].1);
}
