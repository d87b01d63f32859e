//! Program file formats and digests against the reference library's data.

use std::path::PathBuf;

use awgsf::program::builder::ChannelOps;
use awgsf::program::digest::{program_digest, segment_fingerprints};
use awgsf::program::json::{from_json_str, to_json_value};
use awgsf::program::numeric::linspace;
use awgsf::program::{InterpKind, PhaseMode, Program, ProgramBuilder};
use serde_json::Value;

fn golden(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../tests/golden")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (file, program digest, first segment fingerprint prefix) as the reference library
/// computes them (`IntentIR.digest()`, `segment_fingerprints()`).
const DIGESTS: [(&str, &str, &str); 10] = [
    (
        "ramp_down_chirp_2ch.intent.json",
        "5f5ae47432c6505b1e8daa56e541fda03560c5ca505fdfd760f1a5d28cf0ce21",
        "66dc271dc34b889a",
    ),
    (
        "recreate_mol_exp.intent.json",
        "30c7b17f9db86cc06c21c398083454015d9dcd5f673b18f5a029690eb0d257a8",
        "93fd295d1961ead7",
    ),
    (
        "rt_spec_analyser_rearr_hotswap.intent.json",
        "6bdc1b2d4b7b82d1c4087b3f98d642ce7a22f1281828def9bc1a4d034a119ef3",
        "93fd295d1961ead7",
    ),
    (
        "samples/calibrated.intent.json",
        "566a9115bbe51141d197a81b6f20035dc3240e0db159e3b52060cfcf37a5cf0a",
        "b14a514213791ba5",
    ),
    (
        "samples/chirps.intent.json",
        "54757fbf3739f7791653457e9727f80beb7d3eb6fa1c1a37f8642eea7706fa93",
        "a4864488244d2115",
    ),
    (
        "samples/ramps.intent.json",
        "9de23c43c577920105e558b6cb0afc54b7f73bacaf659f8baff0d0e220695497",
        "d48e2def898236b5",
    ),
    (
        "samples/remap_addremove.intent.json",
        "448491bad9862e18ecc36574f78df43a7e3c722dc665c5b728e02d06a655b386",
        "a03c2081a5df20b4",
    ),
    (
        "samples/wrap_snap.intent.json",
        "d6b5f8dd450897eef9dec885246e5def91bd43d75793f98a6f6f1b4b8ba9e506",
        "e359f82785f7e337",
    ),
    (
        "simple_tweens.intent.json",
        "5d1ac92b4835a12f7772976da8b5b562114600c0083d60d8e0d1333680827f2e",
        "7571dd18e081590c",
    ),
    (
        "spec_analyser_test.intent.json",
        "9bdaa516d6c6183d35e6e7dea689b39e60901711bf51207b67bf418874d51934",
        "6a12fe9fab0fc208",
    ),
];

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
