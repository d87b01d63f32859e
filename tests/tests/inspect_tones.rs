//! `awgsf inspect --tones` and `manifest.json` show the frequencies each segment
//! plays after wrap snapping: the values are the quantised IR's.

use awgsf_core::pipeline::{quantize, resolve, QuantLimits, QuantizedProgram};
use awgsf_core::program::presets;
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::awgsf;
use serde_json::Value;

/// simple_tweens quantised as `inspect` does by default (625 MS/s, 2 channels,
/// 40 µs quantum, 32-sample step).
fn quantised() -> QuantizedProgram {
    let loaded = presets::get("simple_tweens").unwrap();
    let r = resolve(&loaded.program, 625e6).unwrap();
    let mut limits = QuantLimits::m4i66xx(2);
    limits.quantum_s = 40e-6;
    limits.step_samples = 32;
    quantize(&r, &limits).unwrap()
}

/// Checks that `segments[i][parts_key][j]["tones"]` holds the IR's tones.
fn assert_same_tones(q: &QuantizedProgram, segments: &[Value], parts_key: &str) {
    assert_eq!(segments.len(), q.segments.len());
    let mut shifted = 0;
    for (qs, seg) in q.segments.iter().zip(segments) {
        let parts = seg[parts_key].as_array().unwrap();
        assert_eq!(parts.len(), qs.segment.parts.len(), "{}", qs.segment.name);
        for (part, row) in qs.segment.parts.iter().zip(parts) {
            let tones = row["tones"].as_array().unwrap();
            let mut k = 0;
            for (c, ch) in part.channels.iter().enumerate() {
                for t in 0..ch.start.len() {
                    let v = &tones[k];
                    k += 1;
                    assert_eq!(v["channel"], q.logical_channels[c]);
                    assert_eq!(v["tone"], t);
                    assert_eq!(v["start_hz"].as_f64(), Some(ch.start.freqs_hz[t]));
                    assert_eq!(v["end_hz"].as_f64(), Some(ch.end.freqs_hz[t]));
                    assert_eq!(v["start_amp"].as_f64(), Some(ch.start.amps[t]));
                    assert_eq!(v["start_phase_rad"].as_f64(), Some(ch.start.phases_rad[t]));
                    if v["start_shift_hz"].as_f64().unwrap() != 0.0 {
                        shifted += 1;
                    }
                }
            }
            assert_eq!(k, tones.len());
        }
    }
    assert!(
        shifted > 0,
        "wrap snapping shifts some tones of simple_tweens"
    );
}

#[test]
fn inspect_tones_shows_the_snapped_frequencies_of_the_quantised_ir() {
    let q = quantised();
    let o = awgsf(
        &repo_root(),
        &["inspect", "--preset", "simple_tweens", "--json"],
        &[],
    );
    o.expect_exit(0);
    let report = o.json();
    assert_same_tones(&q, report["segments"].as_array().unwrap(), "parts");

    // The text lists every start frequency as the IR has it, and the shift.
    let o = awgsf(
        &repo_root(),
        &["inspect", "--preset", "simple_tweens", "--tones"],
        &[],
    );
    o.expect_exit(0);
    for (i, qs) in q.segments.iter().enumerate() {
        let title = format!("segment {i} '{}'", qs.segment.name);
        assert!(o.stdout.contains(&title), "{title} missing:\n{}", o.stdout);
        for part in &qs.segment.parts {
            for ch in &part.channels {
                for f in &ch.start.freqs_hz {
                    assert!(
                        o.stdout.contains(&format!("{f:.3}")),
                        "{f:.3} Hz of '{}' missing:\n{}",
                        qs.segment.name,
                        o.stdout
                    );
                }
            }
        }
    }
    assert!(o.stdout.contains("shift Hz"), "{}", o.stdout);
}

#[test]
fn every_stage_has_the_tones_in_json() {
    for stage in ["intent", "resolved", "quantised"] {
        let o = awgsf(
            &repo_root(),
            &[
                "inspect",
                "--preset",
                "simple_tweens",
                "--json",
                "--stage",
                stage,
            ],
            &[],
        );
        o.expect_exit(0);
        let report = o.json();
        let first = &report["segments"][0]["parts"][0]["tones"][0];
        assert!(
            first["start_hz"].as_f64().unwrap() > 0.0,
            "{stage}: {report}"
        );
    }
}

#[test]
fn the_manifest_carries_the_tones_of_each_segment() {
    let q = quantised();
    let out = tempfile::tempdir().unwrap();
    let dir = out.path().join("export");
    let o = awgsf(
        &repo_root(),
        &[
            "compile",
            "--preset",
            "simple_tweens",
            "--out",
            dir.to_str().unwrap(),
        ],
        &[],
    );
    o.expect_exit(0);
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_same_tones(
        &q,
        manifest["program"]["segments"].as_array().unwrap(),
        "parts",
    );
}
