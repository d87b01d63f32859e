//! Hot swap while running: later instances play the new data, the instance in
//! progress keeps the old data, nothing is ever a mix, and the structure stays.

mod common;

use awgsf_plugin_api::StepEnd::{Always, OnTrigger};
use awgsf_plugin_api::*;
use awgsf_simulator::{Simulator, STREAM_FILE, TRACE_FILE};
use common::*;
use ndarray::Array2;
use ndarray_npy::read_npy;

const FS: f64 = 1e6;
const CH: usize = 2;

fn program(sim: &mut Simulator) {
    let steps = [
        step(0, 0, 1, 1, OnTrigger),
        step(1, 1, 2, 2, Always),
        step(2, 2, 0, 1, OnTrigger),
    ];
    upload(sim, &[192, 256, 192], CH, &steps, 0).unwrap();
}

#[test]
fn swap_affects_only_instances_that_start_later() {
    let dir = tempfile::tempdir().unwrap();
    let json = slow_card(&format!(
        r#""play_s": 0.002, "output_dir": {:?}"#,
        dir.path().display().to_string()
    ));
    let mut sim = configured(&json, &[0, 1], FS);
    program(&mut sim);
    sim.start(false).unwrap(); // waits in step 0, repetition 0 in progress

    swap(&mut sim, 1, 1, 256, CH).unwrap(); // not yet played: new data from now on
    swap(&mut sim, 0, 1, 192, CH).unwrap(); // in progress: this repetition stays old
    sim.force_trigger().unwrap(); // ends step 0; waits in step 2 at 704
    assert_eq!(sim.status().unwrap().current_step.into_option(), Some(2));
    swap(&mut sim, 2, 1, 192, CH).unwrap(); // step 2 repetition 0 in progress: old
    assert_err(
        swap(&mut sim, 2, 2, 224, CH),
        ErrorKind::INVALID_INPUT,
        &["full upload", "stopped"],
    );
    sim.stop().unwrap();

    let t = sim.playback().unwrap().unwrap();
    let got = instances(&t);
    assert_eq!(
        got,
        vec![
            (0, 0, 0, 0, 192),
            (192, 1, 1, 0, 256),
            (448, 1, 1, 1, 256),
            (704, 2, 2, 0, 192),
            (896, 2, 2, 1, 192),
            (1088, 2, 2, 2, 192),
            (1280, 2, 2, 3, 192),
            (1472, 2, 2, 4, 192),
            (1664, 2, 2, 5, 192),
            (1856, 2, 2, 6, 144),
        ]
    );
    // Data version each instance must have played, whole.
    let versions = [0, 1, 1, 0, 1, 1, 1, 1, 1, 1];

    let played: Array2<i16> = read_npy(dir.path().join(STREAM_FILE)).unwrap();
    assert_eq!(played.shape(), &[CH, 2000]);
    for (inst, &version) in t.instances.iter().zip(versions.iter()) {
        for k in 0..inst.n_samples {
            for c in 0..CH {
                let want = code(inst.segment + 1, version, c, k);
                let at = (inst.start_sample + k) as usize;
                assert_eq!(
                    played[[c, at]],
                    want,
                    "instance at {} (segment {}), sample {k}, channel {c}",
                    inst.start_sample,
                    inst.segment
                );
            }
        }
    }

    let trace: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(TRACE_FILE)).unwrap()).unwrap();
    let recorded: Vec<u64> = trace["instances"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["version"].as_u64().unwrap())
        .collect();
    assert_eq!(recorded, versions.map(|v| v as u64).to_vec());
    let swaps = trace["swaps"].as_array().unwrap();
    let positions: Vec<(u64, u64, u64)> = swaps
        .iter()
        .map(|s| {
            (
                s["segment"].as_u64().unwrap(),
                s["version"].as_u64().unwrap(),
                s["position"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(positions, vec![(1, 1, 0), (0, 1, 0), (2, 1, 704)]);
}

#[test]
fn read_back_shows_the_latest_data() {
    let mut sim = configured(&slow_card(""), &[0, 1], FS);
    program(&mut sim);
    let mut out = vec![0i16; 256 * CH];
    sim.read_back(1, &mut out).unwrap();
    assert_eq!(out, data(2, 0, 256, CH));
    sim.start(false).unwrap();
    swap(&mut sim, 1, 1, 256, CH).unwrap();
    sim.read_back(1, &mut out).unwrap();
    assert_eq!(out, data(2, 1, 256, CH));
    sim.stop().unwrap();
    swap(&mut sim, 1, 2, 256, CH).unwrap(); // allowed while stopped too
    sim.read_back(1, &mut out).unwrap();
    assert_eq!(out, data(2, 2, 256, CH));
    let mut wrong = vec![0i16; 10];
    assert_err(
        sim.read_back(1, &mut wrong),
        ErrorKind::INVALID_INPUT,
        &["holds 10 codes", "256 samples × 2 channels = 512"],
    );
    assert_err(
        sim.read_back(3, &mut out),
        ErrorKind::INVALID_INPUT,
        &["segment 3 does not exist"],
    );
}

#[test]
fn next_run_plays_the_swapped_data_from_the_start() {
    let dir = tempfile::tempdir().unwrap();
    let json = slow_card(&format!(
        r#""play_s": 0.0005, "output_dir": {:?}"#,
        dir.path().display().to_string()
    ));
    let mut sim = configured(&json, &[0, 1], FS);
    upload(&mut sim, &[192], CH, &[step(0, 0, 0, 1, Always)], 0).unwrap();
    sim.start(false).unwrap(); // a loop-only program plays the whole window at start
    swap(&mut sim, 0, 1, 192, CH).unwrap(); // after the recording: not in this trace
    sim.stop().unwrap();
    let played: Array2<i16> = read_npy(dir.path().join(STREAM_FILE)).unwrap();
    assert_eq!(played[[1, 0]], code(1, 0, 1, 0));
    assert_eq!(played[[0, 499]], code(1, 0, 0, 499 - 384));

    sim.start(false).unwrap();
    sim.stop().unwrap();
    let played: Array2<i16> = read_npy(dir.path().join(STREAM_FILE)).unwrap();
    assert_eq!(played[[1, 0]], code(1, 1, 1, 0));
    assert_eq!(played[[0, 499]], code(1, 1, 0, 499 - 384));
}
