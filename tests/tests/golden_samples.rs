//! `awgsf compile` of every golden sample case (1 MS/s, the case's setup and full
//! scale, quantum 40 µs, step 32) against the reference library's step table,
//! segment lengths and int16 samples.

use std::path::Path;

use awgsf_tests::bins::{repo_root, run_awgsf};
use ndarray::Array2;
use ndarray_npy::ReadNpyExt;
use serde_json::Value;

const CASES: [&str; 5] = [
    "calibrated",
    "chirps",
    "ramps",
    "remap_addremove",
    "wrap_snap",
];

fn read_json(p: &Path) -> Value {
    serde_json::from_str(
        &std::fs::read_to_string(p).unwrap_or_else(|e| panic!("{}: {e}", p.display())),
    )
    .unwrap()
}

#[test]
fn compiled_cases_match_the_reference() {
    let root = repo_root();
    let golden = root.join("tests/golden/samples");
    for case in CASES {
        let expected = read_json(&golden.join(format!("{case}.expected.json")));
        let out = tempfile::tempdir().unwrap();
        let dir = out.path().join("export");
        let fs = expected["sample_rate_hz"].as_f64().unwrap();
        let fsmv = expected["full_scale_mv"].as_f64().unwrap();
        let o = run_awgsf(
            &root,
            &[
                "compile",
                golden.join(format!("{case}.intent.json")).to_str().unwrap(),
                "--out",
                dir.to_str().unwrap(),
                "--setup",
                golden.join(format!("{case}.setup.json")).to_str().unwrap(),
                "--sample-rate",
                &fs.to_string(),
                "--full-scale-mv",
                &fsmv.to_string(),
                "--full-scale",
                "32767",
                "--quantum",
                "40e-6",
                "--json",
            ],
        );
        assert!(
            o.status.success(),
            "{case}: awgsf compile failed: {}\n{}",
            String::from_utf8_lossy(&o.stderr),
            String::from_utf8_lossy(&o.stdout)
        );
        // Segments that differ from the reference by design must still be continuous
        // where the program is (sections 5 and 6): no unrequested discontinuity.
        let report: Value = serde_json::from_slice(&o.stdout).unwrap();
        let glitches: Vec<&Value> = report["continuity"]["discontinuities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["causes"].as_array().is_some_and(|c| c.is_empty()))
            .collect();
        assert!(
            glitches.is_empty(),
            "{case}: unrequested discontinuities {glitches:?}"
        );
        // Step table.
        let steps = read_json(&dir.join("steps.json"));
        let got = steps["steps"].as_array().unwrap();
        let want = expected["steps"].as_array().unwrap();
        assert_eq!(got.len(), want.len(), "{case}: step count");
        for (g, w) in got.iter().zip(want) {
            assert_eq!(g["next"], w["next_step"], "{case}: next step");
            assert_eq!(g["loops"], w["loops"], "{case}: loops");
            assert_eq!(
                g["end"] == "on_trigger",
                w["on_trig"].as_bool().unwrap(),
                "{case}: end on trigger"
            );
        }
        // Segments.
        let manifest = read_json(&dir.join("manifest.json"));
        let files = manifest["segments"].as_array().unwrap();
        let segs = expected["segments"].as_array().unwrap();
        for (i, es) in segs.iter().enumerate() {
            let name = es["name"].as_str().unwrap();
            let slot = got[i]["segment"].as_u64().unwrap() as usize;
            let file = dir.join(files[slot]["file"].as_str().unwrap());
            let data = Array2::<i16>::read_npy(std::fs::File::open(&file).unwrap()).unwrap();
            let n = es["quantized_samples"].as_u64().unwrap() as usize;
            assert_eq!(data.ncols(), n, "{case}/{name}: quantised length");
            if !es["reference_comparable"].as_bool().unwrap() {
                continue;
            }
            let rows = es["int16"].as_array().unwrap();
            assert_eq!(data.nrows(), rows.len(), "{case}/{name}: channels");
            let mut worst = 0i32;
            for (c, row) in rows.iter().enumerate() {
                for (k, v) in row.as_array().unwrap().iter().enumerate() {
                    let d = (i32::from(data[[c, k]]) - v.as_i64().unwrap() as i32).abs();
                    worst = worst.max(d);
                }
            }
            assert!(
                worst <= 1,
                "{case}/{name}: differs from the reference by {worst} LSB"
            );
        }
    }
}
