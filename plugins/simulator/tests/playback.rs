//! Playback of small step graphs: loops, wait steps, forced and scheduled triggers,
//! end of sequence, wrap from the last step to the first; exact traces.

mod common;

use awgsf_plugin_api::StepEnd::{Always, EndOfSequence, OnTrigger};
use awgsf_plugin_api::*;
use common::*;

const FS: f64 = 1e6; // one sample per microsecond

fn trace(sim: &mut awgsf_simulator::Simulator) -> PlaybackTrace {
    sim.playback().expect("playback").expect("a trace")
}

#[test]
fn loops_waits_forced_and_scheduled_triggers_and_wrap() {
    let mut sim = configured(
        &slow_card(r#""play_s": 0.005, "triggers": ["force", 0.0025]"#),
        &[0, 1],
        FS,
    );
    let steps = [
        step(0, 0, 1, 2, Always),
        step(1, 1, 2, 1, OnTrigger),
        step(2, 2, 3, 3, Always),
        step(3, 3, 0, 1, OnTrigger),
    ];
    upload(&mut sim, &[192, 256, 192, 224], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();

    // The schedule is used up; the card repeats wait step 1 and waits for the host.
    let status = sim.status().unwrap();
    assert!(status.running);
    assert_eq!(status.current_step.into_option(), Some(1));
    assert!(
        status.detail.contains("waiting for a trigger"),
        "{}",
        status.detail
    );
    assert!(status.detail.contains("sample 2944"), "{}", status.detail);
    let partial = trace(&mut sim);
    assert_eq!(partial.total_samples, 3200);
    assert_eq!(partial.instances.last().unwrap().start_sample, 2944);

    sim.force_trigger().unwrap();
    assert_eq!(sim.status().unwrap().current_step.into_option(), Some(3));
    sim.stop().unwrap();
    assert!(!sim.status().unwrap().running);

    let t = trace(&mut sim);
    assert_eq!(t.sample_rate_hz, FS);
    assert_eq!(t.total_samples, 5000);
    assert_eq!(t.triggers.as_slice(), &[384, 2500, 2944]);
    assert!(t.files.is_empty());
    let expected = vec![
        (0, 0, 0, 0, 192),
        (192, 0, 0, 1, 192),
        (384, 1, 1, 0, 256), // "force": triggered as soon as it plays
        (640, 2, 2, 0, 192),
        (832, 2, 2, 1, 192),
        (1024, 2, 2, 2, 192),
        (1216, 3, 3, 0, 224),
        (1440, 3, 3, 1, 224),
        (1664, 3, 3, 2, 224),
        (1888, 3, 3, 3, 224),
        (2112, 3, 3, 4, 224),
        (2336, 3, 3, 5, 224), // trigger at 2500 µs: this repetition finishes
        (2560, 0, 0, 0, 192), // wrap from the last step to the first
        (2752, 0, 0, 1, 192),
        (2944, 1, 1, 0, 256), // force_trigger() lands here
        (3200, 2, 2, 0, 192),
        (3392, 2, 2, 1, 192),
        (3584, 2, 2, 2, 192),
        (3776, 3, 3, 0, 224), // stop(): repeats to the end of the window
        (4000, 3, 3, 1, 224),
        (4224, 3, 3, 2, 224),
        (4448, 3, 3, 3, 224),
        (4672, 3, 3, 4, 224),
        (4896, 3, 3, 5, 104), // cut by the window end
    ];
    assert_eq!(instances(&t), expected);
}

#[test]
fn end_of_sequence_stops_the_card() {
    let mut sim = configured(&slow_card(r#""play_s": 0.01"#), &[0, 1], FS);
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 2, EndOfSequence)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    let status = sim.status().unwrap();
    assert!(!status.running, "{}", status.detail);
    assert!(
        status.detail.contains("end of the sequence"),
        "{}",
        status.detail
    );
    let t = trace(&mut sim);
    assert_eq!(
        instances(&t),
        vec![
            (0, 0, 0, 0, 192),
            (192, 0, 0, 1, 192),
            (384, 1, 1, 0, 256),
            (640, 1, 1, 1, 256)
        ]
    );
    assert_eq!(t.total_samples, 896);
    assert_err(
        sim.force_trigger(),
        ErrorKind::INVALID_STATE,
        &["not running"],
    );
    // The card stopped itself: it can start again.
    sim.start(false).unwrap();
    assert_eq!(trace(&mut sim).total_samples, 896);
}

#[test]
fn start_with_forced_trigger_ends_a_waiting_start_step() {
    let mut sim = configured(&slow_card(""), &[0, 1], FS);
    let steps = [step(0, 0, 1, 1, OnTrigger), step(1, 1, 0, 1, Always)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(true).unwrap();
    let t = trace(&mut sim);
    assert_eq!(
        instances(&t),
        vec![(0, 0, 0, 0, 192), (192, 1, 1, 0, 256), (448, 0, 0, 0, 192)]
    );
    assert_eq!(t.triggers.as_slice(), &[0]);
    assert_eq!(sim.status().unwrap().current_step.into_option(), Some(0));
}

#[test]
fn start_step_other_than_zero() {
    let mut sim = configured(&slow_card(r#""play_s": 0.001"#), &[0], FS);
    let steps = [step(0, 0, 1, 1, Always), step(1, 1, 0, 1, Always)];
    upload(&mut sim, &[384, 416], 1, &steps, 1).unwrap();
    sim.start(false).unwrap();
    sim.stop().unwrap();
    assert_eq!(
        instances(&trace(&mut sim)),
        vec![(0, 1, 1, 0, 416), (416, 0, 0, 0, 384), (800, 1, 1, 0, 200)]
    );
}

#[test]
fn trigger_while_no_wait_step_plays_is_ignored() {
    let mut sim = configured(&slow_card(r#""triggers": [0.0001]"#), &[0, 1], FS);
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 1, OnTrigger)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    // The trigger at 100 µs came while step 0 played: the wait step still waits.
    assert!(sim
        .status()
        .unwrap()
        .detail
        .contains("waiting for a trigger"));
    sim.stop().unwrap();
    let t = trace(&mut sim);
    assert_eq!(t.triggers.as_slice(), &[100]);
    assert!(t.instances[2..].iter().all(|i| i.step == 1));
    assert_eq!(t.total_samples, 10_000);
}

#[test]
fn second_trigger_in_the_same_repetition_is_ignored() {
    let mut sim = configured(
        &slow_card(r#""play_s": 0.002, "triggers": [0.0004, 0.00045]"#),
        &[0, 1],
        FS,
    );
    let steps = [
        step(0, 0, 1, 2, Always),
        step(1, 1, 2, 1, OnTrigger),
        step(2, 2, 0, 1, OnTrigger),
    ];
    upload(&mut sim, &[192, 256, 192], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    sim.stop().unwrap();
    let t = trace(&mut sim);
    assert_eq!(t.triggers.as_slice(), &[400, 450]);
    // Step 1 ends after its first repetition; step 2 then waits to the window end.
    assert_eq!(
        &instances(&t)[2..4],
        &[(384, 1, 1, 0, 256), (640, 2, 2, 0, 192)]
    );
    assert!(t.instances[3..].iter().all(|i| i.step == 2));
}

#[test]
fn force_entry_waits_for_the_next_untriggered_wait_step() {
    let mut sim = configured(
        &slow_card(r#""play_s": 0.002, "triggers": [0.0001, "force"]"#),
        &[0, 1],
        FS,
    );
    let steps = [
        step(0, 0, 1, 2, Always),
        step(1, 1, 2, 1, OnTrigger),
        step(2, 2, 0, 1, OnTrigger),
    ];
    upload(&mut sim, &[192, 256, 192], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    let t = trace(&mut sim);
    // 100 µs: ignored (step 0). "force": fires when wait step 1 starts at 384.
    assert_eq!(t.triggers.as_slice(), &[100, 384]);
    assert_eq!(
        instances(&t),
        vec![
            (0, 0, 0, 0, 192),
            (192, 0, 0, 1, 192),
            (384, 1, 1, 0, 256),
            (640, 2, 2, 0, 192)
        ]
    );
    assert_eq!(sim.status().unwrap().current_step.into_option(), Some(2));
}

#[test]
fn trigger_delay_moves_where_the_card_sees_it() {
    let mut sim = open_sim(&slow_card(r#""play_s": 0.002, "triggers": [0.0004]"#));
    let mut cs = card_settings(&[0, 1], FS);
    cs.trigger.delay_samples = 300;
    sim.configure(&cs).unwrap();
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 1, OnTrigger)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    let t = trace(&mut sim);
    // Arrives at 400, seen at 700: during the second repetition of step 1.
    assert_eq!(t.triggers.as_slice(), &[700]);
    assert_eq!(
        &instances(&t)[2..5],
        &[
            (384, 1, 1, 0, 256),
            (640, 1, 1, 1, 256),
            (896, 0, 0, 0, 192)
        ]
    );
}

#[test]
fn software_source_does_not_route_scheduled_edges() {
    let mut sim = open_sim(&slow_card(r#""play_s": 0.002, "triggers": [0.0004]"#));
    let mut cs = card_settings(&[0, 1], FS);
    cs.trigger.source = TriggerSource::Software;
    sim.configure(&cs).unwrap();
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 1, OnTrigger)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    assert!(sim
        .status()
        .unwrap()
        .detail
        .contains("waiting for a trigger"));
    sim.stop().unwrap();
    let t = trace(&mut sim);
    assert!(t.triggers.is_empty());
    assert!(t.instances[2..].iter().all(|i| i.step == 1));
}

#[test]
fn wait_step_with_loops_finishes_its_block() {
    let mut sim = configured(
        &slow_card(r#""play_s": 0.002, "triggers": [0.0009]"#),
        &[0, 1],
        FS,
    );
    let steps = [step(0, 0, 1, 2, Always), step(1, 1, 0, 2, OnTrigger)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    let t = trace(&mut sim);
    // Trigger at 900 falls in repetition 2, the first of the block {2, 3}.
    assert_eq!(
        &instances(&t)[2..7],
        &[
            (384, 1, 1, 0, 256),
            (640, 1, 1, 1, 256),
            (896, 1, 1, 2, 256),
            (1152, 1, 1, 3, 256),
            (1408, 0, 0, 0, 192)
        ]
    );
}

#[test]
fn zero_length_window_plays_nothing() {
    let mut sim = configured(&slow_card(r#""play_s": 0"#), &[0, 1], FS);
    upload(&mut sim, &[192], 2, &[step(0, 0, 0, 1, Always)], 0).unwrap();
    sim.start(true).unwrap();
    sim.stop().unwrap();
    let t = trace(&mut sim);
    assert_eq!(t.total_samples, 0);
    assert!(t.instances.is_empty());
    assert!(t.triggers.is_empty());
}

#[test]
fn loop_forever_program_plays_the_whole_window_at_start() {
    let mut sim = configured(&slow_card(r#""play_s": 0.001"#), &[0, 1], FS);
    upload(&mut sim, &[192], 2, &[step(0, 0, 0, 3, Always)], 0).unwrap();
    sim.start(false).unwrap();
    let status = sim.status().unwrap();
    assert!(status.running);
    assert!(status.detail.contains("window"), "{}", status.detail);
    let t = trace(&mut sim);
    assert_eq!(t.total_samples, 1000);
    let loops: Vec<u64> = t.instances.iter().map(|i| i.loop_index).collect();
    assert_eq!(loops, vec![0, 1, 2, 0, 1, 2]);
    assert_eq!(t.instances.last().unwrap().n_samples, 1000 - 5 * 192);
}

fn open_sim(json: &str) -> awgsf_simulator::Simulator {
    awgsf_simulator::Simulator::open(json).unwrap()
}

#[test]
fn schedule_entries_beyond_the_window_never_arrive() {
    let mut sim = open_sim(&slow_card(
        r#""play_s": 0.001, "triggers": [1e30, "force"]"#,
    ));
    let mut cs = card_settings(&[0, 1], FS);
    cs.trigger.delay_samples = 32;
    sim.configure(&cs).unwrap();
    let steps = [step(0, 0, 1, 1, Always), step(1, 1, 0, 1, OnTrigger)];
    upload(&mut sim, &[192, 256], 2, &steps, 0).unwrap();
    sim.start(false).unwrap();
    // Nothing in the schedule can reach the card: it waits for the host at once.
    assert!(sim
        .status()
        .unwrap()
        .detail
        .contains("waiting for a trigger"));
    sim.stop().unwrap();
    let t = trace(&mut sim);
    assert!(t.triggers.is_empty());
    assert_eq!(t.total_samples, 1000);
}
