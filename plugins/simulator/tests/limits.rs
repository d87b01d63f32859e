//! Every limit the card enforces: the error names the limit and by how much it is
//! exceeded.

mod common;

use awgsf_plugin_api::abi_stable::std_types::{RSlice, RStr};
use awgsf_plugin_api::StepEnd::{Always, OnTrigger};
use awgsf_plugin_api::*;
use awgsf_simulator::Simulator;
use common::*;

const FS: f64 = 625e6;
const LIMIT: ErrorKind = ErrorKind::LIMIT_EXCEEDED;
const INPUT: ErrorKind = ErrorKind::INVALID_INPUT;

fn default_card() -> Simulator {
    configured("{}", &[0, 1], FS)
}

fn one_step() -> [Step; 1] {
    [step(0, 0, 0, 1, Always)]
}

// ---- configure ----

#[test]
fn sample_rate_above_maximum() {
    let mut sim = Simulator::open("{}").unwrap();
    let r = sim.configure(&card_settings(&[0], 1.5e9));
    assert_err(r, LIMIT, &["sample rate", "1250000000", "by 250000000 Hz"]);
}

#[test]
fn sample_rate_below_minimum() {
    let mut sim = Simulator::open("{}").unwrap();
    let r = sim.configure(&card_settings(&[0], 40e6));
    assert_err(r, LIMIT, &["minimum 50000000 Hz", "by 10000000 Hz"]);
}

#[test]
fn sample_rate_not_finite() {
    let mut sim = Simulator::open("{}").unwrap();
    let r = sim.configure(&card_settings(&[0], f64::NAN));
    assert_err(r, INPUT, &["sample rate", "finite"]);
}

#[test]
fn amplitude_above_maximum() {
    let mut sim = Simulator::open("{}").unwrap();
    let mut cs = card_settings(&[0, 1], FS);
    cs.channels[1].amplitude_mv = 3000.0;
    assert_err(
        sim.configure(&cs),
        LIMIT,
        &["channel 1 amplitude", "maximum 2500 mV", "by 500 mV"],
    );
}

#[test]
fn amplitude_below_minimum() {
    let mut sim = Simulator::open("{}").unwrap();
    let mut cs = card_settings(&[0], FS);
    cs.channels[0].amplitude_mv = 50.0;
    assert_err(
        sim.configure(&cs),
        LIMIT,
        &["channel 0 amplitude", "minimum 80 mV", "by 30 mV"],
    );
}

#[test]
fn channel_count_not_accepted() {
    let mut sim = Simulator::open(r#"{"max_channels": 4}"#).unwrap();
    assert_err(
        sim.configure(&card_settings(&[0, 1, 2], FS)),
        LIMIT,
        &["3 enabled", "accepts 1, 2 or 4"],
    );
}

#[test]
fn channel_index_beyond_installed_channels() {
    let mut sim = Simulator::open("{}").unwrap();
    assert_err(
        sim.configure(&card_settings(&[3], FS)),
        LIMIT,
        &["channel 3", "2 channels (indices 0 to 1)", "2 beyond"],
    );
}

#[test]
fn channels_out_of_order_or_repeated() {
    let mut sim = Simulator::open("{}").unwrap();
    assert_err(
        sim.configure(&card_settings(&[1, 1], FS)),
        INPUT,
        &["index 1 follows index 1", "ascending"],
    );
}

#[test]
fn no_channel_enabled() {
    let mut sim = Simulator::open("{}").unwrap();
    assert_err(
        sim.configure(&card_settings(&[], FS)),
        INPUT,
        &["at least one channel"],
    );
}

#[test]
fn trigger_level_out_of_range() {
    let mut sim = Simulator::open("{}").unwrap();
    let mut cs = card_settings(&[0], FS);
    cs.trigger.level_mv = -12_000.0;
    assert_err(
        sim.configure(&cs),
        LIMIT,
        &["trigger level -12000 mV", "±10000 mV", "by 2000 mV"],
    );
}

#[test]
fn trigger_delay_above_maximum() {
    let mut sim = Simulator::open(r#"{"max_trigger_delay_samples": 1000}"#).unwrap();
    let mut cs = card_settings(&[0], FS);
    cs.trigger.delay_samples = 1500;
    assert_err(
        sim.configure(&cs),
        LIMIT,
        &["trigger delay 1500", "maximum 1000", "by 500"],
    );
}

#[test]
fn reference_frequency_with_internal_pll() {
    let mut sim = Simulator::open("{}").unwrap();
    let mut cs = card_settings(&[0], FS);
    cs.clock.reference_hz = 10e6;
    assert_err(
        sim.configure(&cs),
        INPUT,
        &["reference_hz", "internal PLL", "expected 0"],
    );
}

#[test]
fn external_reference_out_of_range() {
    let mut sim = Simulator::open("{}").unwrap();
    let mut cs = card_settings(&[0], FS);
    cs.clock.source = ClockSource::ExternalReference;
    cs.clock.reference_hz = 1e6;
    assert_err(
        sim.configure(&cs),
        LIMIT,
        &[
            "external reference clock",
            "minimum 10000000 Hz",
            "by 9000000 Hz",
        ],
    );
}

#[test]
fn recording_window_above_max_play_samples() {
    let mut sim = Simulator::open(r#"{"play_s": 1.0, "max_play_samples": 1000000}"#).unwrap();
    assert_err(
        sim.configure(&card_settings(&[0], FS)),
        LIMIT,
        &[
            "`play_s`",
            "625000000 samples",
            "`max_play_samples` = 1000000",
            "by 624000000",
        ],
    );
}

// ---- upload ----

#[test]
fn segment_not_a_multiple_of_the_step() {
    let mut sim = default_card();
    let r = upload(&mut sim, &[192, 192, 192, 1000], 2, &one_step(), 0);
    assert_err(
        r,
        INPUT,
        &[
            "segment 3 's3' has 1000 samples",
            "32-sample step",
            "(1000 = 31×32 + 8)",
        ],
    );
}

#[test]
fn segment_below_minimum_for_channel_count() {
    let mut sim = default_card();
    let r = upload(&mut sim, &[192, 96], 2, &one_step(), 0);
    assert_err(
        r,
        INPUT,
        &[
            "segment 1 's1': 96 samples",
            "192-sample minimum for 2 channels",
            "short by 96",
        ],
    );
    let mut one = configured("{}", &[0], FS);
    assert_err(
        upload(&mut one, &[352], 1, &one_step(), 0),
        INPUT,
        &["384-sample minimum for 1 channel", "short by 32"],
    );
}

#[test]
fn segment_data_channel_count_differs_from_enabled() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192], 1, &one_step(), 0),
        INPUT,
        &[
            "segment 0 's0'",
            "1 channel interleaved",
            "configure enabled 2 channels",
        ],
    );
}

#[test]
fn segment_data_length_differs_from_samples_times_channels() {
    let mut sim = default_card();
    let d = vec![0i16; 383];
    let seg = SegmentData {
        index: 0,
        name: RStr::from("short"),
        n_samples: 192,
        n_channels: 2,
        samples: RSlice::from_slice(&d),
    };
    let r = sim.upload(&UploadProgram {
        segments: RSlice::from_slice(&[seg]),
        steps: RSlice::from_slice(&one_step()),
        start_step: 0,
        metadata_json: "".into(),
    });
    assert_err(r, INPUT, &["segment 0 'short'", "needs 384 codes, got 383"]);
}

#[test]
fn too_many_segments_for_the_slots() {
    let mut sim = configured(r#"{"max_segments": 4}"#, &[0, 1], FS);
    let r = upload(&mut sim, &[192; 5], 2, &one_step(), 0);
    assert_err(
        r,
        LIMIT,
        &[
            "5 segments need 8 segment slots",
            "maximum 4 slots (max_segments)",
            "by 4",
        ],
    );
}

#[test]
fn slots_are_the_next_power_of_two() {
    let mut sim = default_card();
    let report = upload(&mut sim, &[192; 13], 2, &one_step(), 0).unwrap();
    assert_eq!(report.slots, 16);
    assert_eq!(report.segments, 13);
    assert_eq!(report.steps, 1);
    assert_eq!(report.bytes, 13 * 192 * 2 * 2);
    let report = upload(&mut sim, &[192], 2, &one_step(), 0).unwrap();
    assert_eq!(report.slots, 1);
}

#[test]
fn segment_exceeds_its_share_of_memory() {
    // 64 KiB among 4 slots at 2 channels: 65536 / 4 / 4 = 4096 samples per slot.
    let mut sim = configured(r#"{"memory_bytes": 65536}"#, &[0, 1], FS);
    let r = upload(&mut sim, &[192, 192, 4160], 2, &one_step(), 0);
    assert_err(
        r,
        LIMIT,
        &[
            "3 segments need 4 slots of 4096 samples per channel each at 2 channels",
            "65536 bytes shared equally",
            "segment 2 's2' has 4160 samples and exceeds its slot by 64",
        ],
    );
    // The same segment fits when it has the memory to itself.
    upload(&mut sim, &[4160], 2, &one_step(), 0).unwrap();
}

#[test]
fn too_many_steps() {
    let mut sim = configured(r#"{"max_steps": 4}"#, &[0, 1], FS);
    let steps: Vec<Step> = (0..6).map(|i| step(i, 0, (i + 1) % 6, 1, Always)).collect();
    assert_err(
        upload(&mut sim, &[192], 2, &steps, 0),
        LIMIT,
        &["6 steps", "maximum 4 steps (max_steps)", "by 2"],
    );
}

#[test]
fn loop_count_zero() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192], 2, &[step(0, 0, 0, 0, Always)], 0),
        INPUT,
        &["step 0 has 0 loops", "loops >= 1"],
    );
}

#[test]
fn loop_count_above_maximum() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192], 2, &[step(0, 0, 0, 1 << 20, Always)], 0),
        LIMIT,
        &[
            "step 0 has 1048576 loops",
            "maximum 1048575 (max_loops)",
            "by 1",
        ],
    );
}

#[test]
fn next_step_does_not_exist() {
    let mut sim = default_card();
    let steps = [step(0, 0, 1, 1, Always), step(1, 0, 7, 1, OnTrigger)];
    assert_err(
        upload(&mut sim, &[192], 2, &steps, 0),
        INPUT,
        &["step 1: next step 7 does not exist", "2 steps: 0 to 1"],
    );
}

#[test]
fn step_segment_does_not_exist() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192, 192], 2, &[step(0, 2, 0, 1, Always)], 0),
        INPUT,
        &["step 0 plays segment 2", "2 segments (0 to 1)"],
    );
}

#[test]
fn start_step_does_not_exist() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192], 2, &one_step(), 1),
        INPUT,
        &["start step 1 does not exist", "1 step: 0 to 0"],
    );
}

#[test]
fn steps_and_segments_listed_out_of_order() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[192], 2, &[step(3, 0, 0, 1, Always)], 0),
        INPUT,
        &["steps[0] has index 3"],
    );
    let d = data(1, 0, 192, 2);
    let seg = SegmentData {
        index: 5,
        name: RStr::from("x"),
        n_samples: 192,
        n_channels: 2,
        samples: RSlice::from_slice(&d),
    };
    let r = sim.upload(&UploadProgram {
        segments: RSlice::from_slice(&[seg]),
        steps: RSlice::from_slice(&one_step()),
        start_step: 0,
        metadata_json: "".into(),
    });
    assert_err(r, INPUT, &["segments[0] has index 5"]);
}

#[test]
fn empty_program() {
    let mut sim = default_card();
    assert_err(
        upload(&mut sim, &[], 2, &one_step(), 0),
        INPUT,
        &["no segments"],
    );
    assert_err(upload(&mut sim, &[192], 2, &[], 0), INPUT, &["no steps"]);
}

#[test]
fn rejected_upload_keeps_the_previous_program() {
    let mut sim = default_card();
    upload(&mut sim, &[192, 256], 2, &one_step(), 0).unwrap();
    assert!(upload(&mut sim, &[100], 2, &one_step(), 0).is_err());
    let mut out = vec![0i16; 256 * 2];
    sim.read_back(1, &mut out).unwrap();
    assert_eq!(out, data(2, 0, 256, 2));
}

// ---- update_segment ----

#[test]
fn update_of_a_segment_that_does_not_exist() {
    let mut sim = default_card();
    upload(&mut sim, &[192, 192], 2, &one_step(), 0).unwrap();
    assert_err(
        swap(&mut sim, 2, 1, 192, 2),
        INPUT,
        &[
            "no such segment",
            "2 uploaded: 0 to 1",
            "full upload",
            "stopped",
        ],
    );
}

#[test]
fn update_that_changes_the_length() {
    let mut sim = default_card();
    upload(&mut sim, &[192, 256], 2, &one_step(), 0).unwrap();
    sim.start(false).unwrap();
    assert_err(
        swap(&mut sim, 1, 1, 288, 2),
        INPUT,
        &[
            "288 samples",
            "has 256",
            "longer by 32",
            "full upload",
            "stopped",
        ],
    );
}

#[test]
fn update_with_another_channel_count() {
    let mut sim = default_card();
    upload(&mut sim, &[384], 2, &one_step(), 0).unwrap();
    assert_err(
        swap(&mut sim, 0, 1, 384, 1),
        INPUT,
        &["1 channel interleaved", "configure enabled 2 channels"],
    );
}

// ---- state machine ----

#[test]
fn calls_out_of_order_are_invalid_state() {
    let mut sim = Simulator::open("{}").unwrap();
    let state = ErrorKind::INVALID_STATE;
    assert_err(sim.start(false), state, &["not configured"]);
    assert_err(
        upload(&mut sim, &[192], 2, &one_step(), 0),
        state,
        &["configure()"],
    );
    sim.configure(&card_settings(&[0, 1], FS)).unwrap();
    assert_err(sim.start(false), state, &["no program uploaded"]);
    assert_err(
        swap(&mut sim, 0, 1, 192, 2),
        state,
        &["no program uploaded"],
    );
    let mut out = [0i16; 4];
    assert_err(sim.read_back(0, &mut out), state, &["no program uploaded"]);
    assert_err(sim.playback(), state, &["nothing played yet"]);
    assert_err(sim.force_trigger(), state, &["not running"]);

    upload(&mut sim, &[192], 2, &one_step(), 0).unwrap();
    sim.start(false).unwrap();
    assert_err(sim.start(false), state, &["already running"]);
    assert_err(
        upload(&mut sim, &[192], 2, &one_step(), 0),
        state,
        &["requires the card to be stopped", "update_segment()"],
    );
    assert_err(
        sim.configure(&card_settings(&[0, 1], FS)),
        state,
        &["running", "stop()"],
    );
    sim.stop().unwrap();
    sim.stop().unwrap();
    sim.close().unwrap();
    assert_err(sim.start(false), state, &["closed"]);
    assert_eq!(sim.status().unwrap().detail.as_str(), "closed");
}

#[test]
fn changing_the_channel_count_discards_the_program() {
    let mut sim = default_card();
    upload(&mut sim, &[384], 2, &one_step(), 0).unwrap();
    sim.configure(&card_settings(&[0, 1], 500e6)).unwrap();
    sim.start(false).unwrap();
    sim.stop().unwrap();
    sim.configure(&card_settings(&[1], FS)).unwrap();
    assert_err(sim.start(false), ErrorKind::INVALID_STATE, &["no program"]);
}

#[test]
fn features_left_out_are_unsupported() {
    let mut sim = configured(
        r#"{"features": ["sequence-replay", "external-trigger"]}"#,
        &[0, 1],
        FS,
    );
    let info = sim.describe().unwrap();
    assert_eq!(
        info.features,
        CardFeatures::SEQUENCE_REPLAY.with(CardFeatures::EXTERNAL_TRIGGER)
    );
    upload(&mut sim, &[192], 2, &one_step(), 0).unwrap();
    let mut out = vec![0i16; 384];
    assert_err(
        sim.read_back(0, &mut out),
        ErrorKind::UNSUPPORTED,
        &["read segment memory"],
    );
    assert_err(
        sim.start(true),
        ErrorKind::UNSUPPORTED,
        &["software trigger"],
    );
    sim.start(false).unwrap();
    assert_err(
        swap(&mut sim, 0, 1, 192, 2),
        ErrorKind::UNSUPPORTED,
        &["while it plays"],
    );
    assert!(sim.playback().unwrap().is_none());
    sim.stop().unwrap();
    swap(&mut sim, 0, 1, 192, 2).unwrap();

    let mut soft = card_settings(&[0], FS);
    soft.trigger.source = TriggerSource::Software;
    assert_err(
        sim.configure(&soft),
        ErrorKind::UNSUPPORTED,
        &["no software trigger"],
    );
}
