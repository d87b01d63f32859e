//! `played.npy` and `trace.json`: shape, byte order, content, atomic replacement.

mod common;

use awgsf_plugin_api::StepEnd::{Always, OnTrigger};
use awgsf_plugin_api::*;
use awgsf_simulator::{Simulator, STREAM_FILE, TRACE_FILE, TRACE_FORMAT};
use common::*;
use ndarray::Array2;
use ndarray_npy::read_npy;
use std::path::Path;

const FS: f64 = 1e6;

fn sim_in(dir: &Path, extra: &str, channels: &[u32]) -> Simulator {
    let json = slow_card(&format!(
        r#""play_s": 0.001, "output_dir": {:?}{extra}"#,
        dir.display().to_string()
    ));
    configured(&json, channels, FS)
}

fn names(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

#[test]
fn played_stream_has_card_byte_order_and_shape() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = sim_in(dir.path(), "", &[0, 1]);
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 1, Always)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    assert!(
        names(dir.path()).is_empty(),
        "files appear when the run ends"
    );
    sim.stop().unwrap();

    let t = sim.playback().unwrap().unwrap();
    let stream_path = dir.path().join(STREAM_FILE);
    let trace_path = dir.path().join(TRACE_FILE);
    let files: Vec<&str> = t.files.iter().map(|f| f.as_str()).collect();
    assert_eq!(
        files,
        vec![
            stream_path.display().to_string(),
            trace_path.display().to_string()
        ]
    );
    assert_eq!(names(dir.path()), vec![STREAM_FILE, TRACE_FILE]);

    // Expected interleaved stream from the trace and the uploaded data.
    let mut expected = Vec::new();
    for inst in t.instances.iter() {
        let d = data(inst.segment + 1, 0, inst.n_samples, 2);
        expected.extend_from_slice(&d);
    }
    assert_eq!(expected.len(), 2 * 1000);

    let played: Array2<i16> = read_npy(&stream_path).unwrap();
    assert_eq!(played.shape(), &[2, 1000]);
    assert!(played.t().is_standard_layout(), "Fortran order");
    for k in 0..1000 {
        for c in 0..2 {
            assert_eq!(played[[c, k]], expected[k * 2 + c]);
        }
    }
    // The data bytes are the card's interleaved little-endian int16 order.
    let bytes = std::fs::read(&stream_path).unwrap();
    let tail = &bytes[bytes.len() - expected.len() * 2..];
    let le: Vec<u8> = expected.iter().flat_map(|v| v.to_le_bytes()).collect();
    assert_eq!(tail, le.as_slice());
    assert!(String::from_utf8_lossy(&bytes[..128]).contains("'fortran_order': True"));
}

#[test]
fn trace_json_lists_instances_triggers_and_settings() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = sim_in(dir.path(), r#", "triggers": [0.0001, "force", 0.5]"#, &[1]);
    let steps = [step(0, 0, 1, 1, Always), step(1, 1, 0, 1, OnTrigger)];
    upload(&mut sim, &[384, 416], 1, &steps, 0).unwrap();
    sim.start(false).unwrap();
    sim.force_trigger().unwrap(); // lands after the window: the card never sees it
    sim.stop().unwrap();

    let text = std::fs::read_to_string(dir.path().join(TRACE_FILE)).unwrap();
    let v: serde_json::Value = serde_json::from_str(&text).unwrap();
    assert_eq!(v["format"], TRACE_FORMAT);
    assert_eq!(v["version"], 1);
    assert_eq!(v["sample_rate_hz"], 1e6);
    assert_eq!(v["channels"], serde_json::json!([1]));
    assert_eq!(v["window_samples"], 1000);
    assert_eq!(v["total_samples"], 1000);
    assert_eq!(v["end"], "window");
    assert_eq!(v["stream_file"], STREAM_FILE);

    let t = sim.playback().unwrap().unwrap();
    let inst = v["instances"].as_array().unwrap();
    assert_eq!(inst.len(), t.instances.len());
    for (j, i) in inst.iter().zip(t.instances.iter()) {
        assert_eq!(j["start_sample"], i.start_sample);
        assert_eq!(j["step"], i.step);
        assert_eq!(j["segment"], i.segment);
        assert_eq!(j["loop_index"], i.loop_index);
        assert_eq!(j["n_samples"], i.n_samples);
    }

    let trig = v["triggers"].as_array().unwrap();
    assert_eq!(trig.len(), 3);
    assert_eq!(
        trig[0]["origin"],
        serde_json::json!({"kind": "schedule", "index": 0})
    );
    assert_eq!(trig[0]["seen"], 100);
    assert_eq!(trig[0]["accepted"], false);
    assert!(trig[0]["note"].as_str().unwrap().contains("no wait step"));
    assert_eq!(
        trig[1]["origin"],
        serde_json::json!({"kind": "schedule", "index": 1})
    );
    assert_eq!(trig[1]["seen"], 384);
    assert_eq!(trig[1]["accepted"], true);
    assert_eq!(trig[1]["step"], 1);
    assert_eq!(trig[2]["origin"], serde_json::json!({"kind": "host"}));
    assert_eq!(trig[2]["seen"], serde_json::Value::Null);
    assert_eq!(v["unreached_schedule"], serde_json::json!([2]));
    assert_eq!(t.triggers.as_slice(), &[100, 384]);

    assert_eq!(v["program"]["slots"], 2);
    assert_eq!(v["program"]["steps"][1]["end"], "on_trigger");
    assert_eq!(v["program"]["segments"][1]["n_samples"], 416);
    assert_eq!(v["card"]["trigger"]["source"], "ext0");
    assert_eq!(v["card"]["channels"][0]["stop_level"], "hold_last");
    assert_eq!(v["settings"]["play_s"], 0.001);
    assert_eq!(
        v["settings"]["triggers"],
        serde_json::json!([0.0001, "force", 0.5])
    );
    assert_eq!(v["settings"]["max_segments"], 65536);
    assert_eq!(v["settings"]["features"].as_array().unwrap().len(), 6);
}

#[test]
fn trace_only_when_the_stream_is_not_wanted() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = sim_in(dir.path(), r#", "write_stream": false"#, &[0, 1]);
    upload(&mut sim, &[192], 2, &[step(0, 0, 0, 1, Always)], 0).unwrap();
    sim.start(false).unwrap();
    sim.close().unwrap(); // close() ends the run like stop()
    assert_eq!(names(dir.path()), vec![TRACE_FILE]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(TRACE_FILE)).unwrap()).unwrap();
    assert_eq!(v["stream_file"], serde_json::Value::Null);
}

#[test]
fn end_of_sequence_writes_files_without_stop() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = sim_in(dir.path(), "", &[0, 1]);
    let steps = [step(0, 0, 0, 2, StepEnd::EndOfSequence)];
    upload(&mut sim, &[192], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    let played: Array2<i16> = read_npy(dir.path().join(STREAM_FILE)).unwrap();
    assert_eq!(played.shape(), &[2, 384]);
    let v: serde_json::Value =
        serde_json::from_slice(&std::fs::read(dir.path().join(TRACE_FILE)).unwrap()).unwrap();
    assert_eq!(v["end"], "end_of_sequence");
}

#[test]
fn unwritable_output_dir_is_an_io_error_and_leaves_no_file() {
    let dir = tempfile::tempdir().unwrap();
    let blocker = dir.path().join("not-a-dir");
    std::fs::write(&blocker, b"x").unwrap();
    let mut sim = sim_in(&blocker, "", &[0, 1]);
    upload(&mut sim, &[192], 2, &[step(0, 0, 0, 1, Always)], 0).unwrap();
    sim.start(false).unwrap();
    assert_err(sim.stop(), ErrorKind::IO, &["output_dir", "not-a-dir"]);
    assert!(!sim.status().unwrap().running, "the card is stopped anyway");
    assert_eq!(names(dir.path()), vec!["not-a-dir"]);
}

#[test]
fn a_new_run_replaces_the_files_whole() {
    let dir = tempfile::tempdir().unwrap();
    let mut sim = sim_in(dir.path(), "", &[0, 1]);
    upload(&mut sim, &[192], 2, &[step(0, 0, 0, 1, Always)], 0).unwrap();
    sim.start(false).unwrap();
    sim.stop().unwrap();
    upload(
        &mut sim,
        &[192],
        2,
        &[step(0, 0, 0, 1, StepEnd::EndOfSequence)],
        0,
    )
    .unwrap();
    sim.start(false).unwrap();
    let played: Array2<i16> = read_npy(dir.path().join(STREAM_FILE)).unwrap();
    assert_eq!(played.shape(), &[2, 192]);
    assert_eq!(names(dir.path()), vec![STREAM_FILE, TRACE_FILE]);
}
