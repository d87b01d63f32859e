//! Settings: defaults describe an M4i.66xx-class card; errors name the key and the
//! expected type.

mod common;

use awgsf_plugin_api::*;
use awgsf_simulator::{SimSettings, Simulator, TriggerEntry, KEYS};
use common::assert_err;

const INPUT: ErrorKind = ErrorKind::INVALID_INPUT;

#[test]
fn defaults_describe_an_m4i_66xx_class_card() {
    let info = Simulator::open("").unwrap().describe().unwrap();
    assert_eq!(info.model.as_str(), "Simulated M4i.6622-x8");
    assert_eq!(info.max_channels, 2);
    assert_eq!(info.channel_counts.as_slice(), &[1, 2]);
    assert_eq!(info.min_segment_for(1), Some(384));
    assert_eq!(info.min_segment_for(2), Some(192));
    assert_eq!(info.min_segment_for(4), None);
    assert_eq!(info.min_sample_rate_hz, 50e6);
    assert_eq!(info.max_sample_rate_hz, 1.25e9);
    assert_eq!(info.full_scale_code, 32767);
    assert_eq!(info.min_amplitude_mv, 80.0);
    assert_eq!(info.max_amplitude_mv, 2500.0);
    assert_eq!(info.memory_bytes, 1 << 31);
    assert_eq!(info.bytes_per_sample, 2);
    assert_eq!(info.step_samples, 32);
    assert_eq!(info.max_segments, 65536);
    assert_eq!(info.max_steps, 8192);
    assert_eq!(info.max_loops, (1 << 20) - 1);
    for f in [
        CardFeatures::HOT_SWAP,
        CardFeatures::PLAYBACK_TRACE,
        CardFeatures::MEMORY_READBACK,
        CardFeatures::SOFTWARE_TRIGGER,
        CardFeatures::EXTERNAL_TRIGGER,
        CardFeatures::SEQUENCE_REPLAY,
    ] {
        assert!(info.features.contains(f), "{:?}", f.names());
    }
    let s = SimSettings::default();
    assert_eq!(s.play_s, 0.01);
    assert_eq!(s.max_play_samples, 1 << 26);
    assert!(s.triggers.is_empty());
    assert!(s.output_dir.is_none());
    assert!(s.write_stream);
}

#[test]
fn four_channel_card_allows_four() {
    let info = Simulator::open(r#"{"max_channels": 4, "model": "M4i.6631-x8 (sim)"}"#)
        .unwrap()
        .describe()
        .unwrap();
    assert_eq!(info.channel_counts.as_slice(), &[1, 2, 4]);
    assert_eq!(info.min_segment_for(4), Some(96));
    assert_eq!(info.model.as_str(), "M4i.6631-x8 (sim)");
}

#[test]
fn every_key_is_accepted() {
    let json = r#"{
        "model": "m", "serial": "s", "max_channels": 4, "channel_counts": [1, 4],
        "min_segment_samples": {"4": 128}, "min_sample_rate_hz": 1e6,
        "max_sample_rate_hz": 1e9, "full_scale_code": 32000, "min_amplitude_mv": 10,
        "max_amplitude_mv": 1000, "memory_bytes": 1e9, "step_samples": 64,
        "max_segments": 1024, "max_steps": 100, "max_loops": 1000,
        "features": ["hot-swap"], "max_trigger_level_mv": 5000,
        "max_trigger_delay_samples": 100, "min_reference_hz": 1e6,
        "max_reference_hz": 2e8, "play_s": 0.5, "triggers": ["force", 0.1],
        "max_play_samples": 1e9, "output_dir": "out/sim", "write_stream": false
    }"#;
    let s = SimSettings::parse(json).unwrap();
    let v: serde_json::Value = serde_json::from_str(json).unwrap();
    assert_eq!(v.as_object().unwrap().len(), KEYS.len());
    assert_eq!(s.channel_counts, vec![1, 4]);
    assert_eq!(s.min_segment_for(1), Some(384));
    assert_eq!(s.min_segment_for(4), Some(128));
    assert_eq!(s.memory_bytes, 1_000_000_000);
    assert_eq!(s.triggers, vec![TriggerEntry::Force, TriggerEntry::At(0.1)]);
    assert_eq!(s.features, CardFeatures::HOT_SWAP);
}

#[test]
fn unknown_key_is_named() {
    assert_err(
        SimSettings::parse(r#"{"play_ms": 3}"#),
        INPUT,
        &["unknown key `play_ms`", "did you mean `play_s`?"],
    );
}

#[test]
fn wrong_types_name_the_key_and_the_expected_type() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{"play_s": "0.1"}"#,
            &["`play_s`", "expected f64", "string \"0.1\""],
        ),
        (
            r#"{"max_steps": 1.5}"#,
            &["`max_steps`", "whole number", "1.5"],
        ),
        (r#"{"max_loops": -1}"#, &["`max_loops`", "whole number"]),
        (
            r#"{"output_dir": 3}"#,
            &["`output_dir`", "expected path string", "integer `3`"],
        ),
        (
            r#"{"write_stream": "yes"}"#,
            &["`write_stream`", "a boolean"],
        ),
        (
            r#"{"model": []}"#,
            &["`model`", "expected a string", "sequence"],
        ),
        (
            r#"{"triggers": 0.1}"#,
            &["`triggers`", "expected a sequence"],
        ),
        (
            r#"{"triggers": ["soon"]}"#,
            &["`triggers`", "entry 0", "\"force\""],
        ),
        (r#"{"triggers": [-1]}"#, &["`triggers`", "entry 0", ">= 0"]),
        (
            r#"{"channel_counts": ["2"]}"#,
            &["`channel_counts`", "entry 0", "a whole number"],
        ),
        (
            r#"{"min_segment_samples": 384}"#,
            &["`min_segment_samples`", "expected a map"],
        ),
        (
            r#"{"min_segment_samples": {"2": "x"}}"#,
            &["`min_segment_samples`", "`2`", "a whole number"],
        ),
        (
            r#"{"features": ["turbo"]}"#,
            &["`features`", "entry 0", "hot-swap"],
        ),
        (
            r#"{"memory_bytes": true}"#,
            &["`memory_bytes`", "whole number", "boolean"],
        ),
    ];
    for (json, parts) in cases {
        assert_err(SimSettings::parse(json), INPUT, parts);
    }
}

#[test]
fn out_of_range_values_name_the_key() {
    let cases: &[(&str, &[&str])] = &[
        (
            r#"{"max_segments": 1000}"#,
            &["`max_segments`", "power of two", "1000"],
        ),
        (
            r#"{"max_segments": 131072}"#,
            &["`max_segments`", "1 to 65536"],
        ),
        (
            r#"{"max_loops": 2000000}"#,
            &["`max_loops`", "1 to 1048575"],
        ),
        (r#"{"max_steps": 0}"#, &["`max_steps`", "1 to 65536"]),
        (
            r#"{"full_scale_code": 40000}"#,
            &["`full_scale_code`", "1 to 32767"],
        ),
        (r#"{"play_s": -1}"#, &["`play_s`", ">= 0"]),
        (r#"{"step_samples": 0}"#, &["`step_samples`"]),
        (r#"{"min_amplitude_mv": 0}"#, &["`min_amplitude_mv`", "> 0"]),
        (
            r#"{"max_sample_rate_hz": 1e6}"#,
            &["`max_sample_rate_hz`", "below `min_sample_rate_hz`"],
        ),
        (
            r#"{"channel_counts": [4]}"#,
            &["`channel_counts`", "1 to 2 (`max_channels`)"],
        ),
        (
            r#"{"channel_counts": [2, 1]}"#,
            &["`channel_counts`", "ascending"],
        ),
        (
            r#"{"channel_counts": []}"#,
            &["`channel_counts`", "at least one"],
        ),
        (
            r#"{"min_segment_samples": {"4": 96}}"#,
            &[
                "`min_segment_samples`",
                "\"4\"",
                "not an allowed channel count",
            ],
        ),
        (
            r#"{"min_segment_samples": {"1": 0}}"#,
            &["`min_segment_samples`", "at least 1"],
        ),
        (
            r#"{"triggers": [0.2, 0.1]}"#,
            &["`triggers`", "entry 1", "earlier than entry 0"],
        ),
        (r#"{"output_dir": ""}"#, &["`output_dir`"]),
    ];
    for (json, parts) in cases {
        assert_err(SimSettings::parse(json), INPUT, parts);
    }
}

#[test]
fn settings_must_be_a_json_object() {
    assert_err(
        SimSettings::parse("[1]"),
        INPUT,
        &["JSON object", "an array"],
    );
    assert_err(SimSettings::parse("{play_s"), INPUT, &["not valid JSON"]);
}

#[test]
fn null_means_default() {
    let s = SimSettings::parse(r#"{"output_dir": null, "play_s": null}"#).unwrap();
    assert_eq!(s, SimSettings::default());
}
