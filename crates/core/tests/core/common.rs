//! Golden data and compile settings shared by the program tests.

#![allow(dead_code)]

use std::path::PathBuf;

use awgsf_core::compiler::CompileSettings;
use awgsf_core::phases::crest::Effort;
use awgsf_core::pipeline::{OutputLayout, QuantLimits};
use awgsf_plugin_api::OutputScale;

/// Compile settings at 625 MS/s for `n_logical` logical channels on as many enabled
/// channels of an M4i.66xx-class card, 1000 mV to full-scale code 32767.
pub fn settings_625msps(n_logical: usize) -> CompileSettings {
    CompileSettings {
        sample_rate_hz: 625e6,
        limits: QuantLimits::m4i66xx(n_logical.max(1) as u32),
        layout: OutputLayout::identity(
            n_logical,
            OutputScale {
                full_scale_mv: 1000.0,
                full_scale: 32767.0,
                clip: 1.0,
            },
        ),
        effort: Effort::default(),
    }
}

/// The text of a file under `tests/golden/`.
pub fn golden(path: &str) -> String {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/golden")
        .join(path);
    std::fs::read_to_string(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()))
}

/// (file, program digest, first segment fingerprint prefix) as the reference library
/// computes them (`IntentIR.digest()`, `segment_fingerprints()`).
pub const DIGESTS: [(&str, &str, &str); 10] = [
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
