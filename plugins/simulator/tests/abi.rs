//! The exported root module, called in-process the way the host calls the plugin
//! file: identity, probe, open, and a short run through the FFI-safe card object.

mod common;

use awgsf_plugin_api::abi_stable::std_types::{RResult, RSlice, RStr};
use awgsf_plugin_api::StepEnd::{Always, OnTrigger};
use awgsf_plugin_api::*;
use awgsf_simulator::awgsf_hardware_root_module;
use common::*;

#[test]
fn identity_and_probe() {
    let module = awgsf_hardware_root_module();
    let info = (module.info())();
    assert_eq!(info.name.as_str(), "simulator");
    assert_eq!(info.role, PluginRole::Hardware);
    assert_eq!(info.api_version.as_str(), API_VERSION);

    let probe = (module.probe())(RStr::from("{}"));
    assert!(probe.available);
    assert_eq!(probe.device.as_str(), "Simulated M4i.6622-x8");
    let probe = (module.probe())(RStr::from(r#"{"bogus": 1}"#));
    assert!(!probe.available);
    assert!(probe.detail.contains("`bogus`"), "{}", probe.detail);
}

#[test]
fn open_rejects_bad_settings_naming_the_key() {
    let module = awgsf_hardware_root_module();
    match (module.open())(RStr::from(r#"{"play_s": "long"}"#)) {
        RResult::RErr(e) => {
            assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
            assert!(e.message.contains("`play_s`"), "{}", e.message);
        }
        RResult::ROk(_) => panic!("open should fail"),
    }
}

#[test]
fn a_run_through_the_card_object() {
    let module = awgsf_hardware_root_module();
    let mut card = match (module.open())(RStr::from(r#"{"play_s": 2e-6}"#)) {
        RResult::ROk(c) => c,
        RResult::RErr(e) => panic!("{e}"),
    };
    let info = card.describe().unwrap();
    assert_eq!(info.max_segments, 65536);
    card.configure(&card_settings(&[0, 1], 625e6)).unwrap();

    let a = data(1, 0, 192, 2);
    let b = data(2, 0, 256, 2);
    let segs = [
        SegmentData {
            index: 0,
            name: RStr::from("a"),
            n_samples: 192,
            n_channels: 2,
            samples: RSlice::from_slice(&a),
        },
        SegmentData {
            index: 1,
            name: RStr::from("b"),
            n_samples: 256,
            n_channels: 2,
            samples: RSlice::from_slice(&b),
        },
    ];
    let steps = [step(0, 0, 1, 1, OnTrigger), step(1, 1, 0, 2, Always)];
    let report = card
        .upload(&UploadProgram {
            segments: RSlice::from_slice(&segs),
            steps: RSlice::from_slice(&steps),
            start_step: 0,
            metadata_json: "".into(),
        })
        .unwrap();
    assert_eq!(report.slots, 2);

    card.start(false).unwrap();
    let status = card.status().unwrap();
    assert!(status.running);
    assert_eq!(status.current_step.into_option(), Some(0));
    card.force_trigger().unwrap();
    card.stop().unwrap();
    let trace = card.playback().unwrap().into_option().unwrap();
    assert_eq!(trace.total_samples, 1250);
    assert_eq!(
        instances(&trace)[..4],
        [
            (0, 0, 0, 0, 192),
            (192, 1, 1, 0, 256),
            (448, 1, 1, 1, 256),
            (704, 0, 0, 0, 192)
        ]
    );
    let mut out = vec![0i16; 512];
    card.read_back(1, out.as_mut_slice().into()).unwrap();
    assert_eq!(out, b);
    card.close().unwrap();
}
