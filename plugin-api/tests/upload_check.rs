//! `UploadProgram::check`: one test per rule, each through a program that breaks
//! only that rule, and the checked step word.

use awgsf_plugin_api::abi_stable::std_types::{RSlice, RStr, RVec};
use awgsf_plugin_api::*;

fn card() -> CardInfo {
    CardInfo {
        model: "test card".into(),
        serial: "0".into(),
        driver: "none".into(),
        max_channels: 4,
        channel_counts: RVec::from(vec![1, 2, 4]),
        min_sample_rate_hz: 1e6,
        max_sample_rate_hz: 1e9,
        full_scale_code: 32767,
        min_amplitude_mv: 80.0,
        max_amplitude_mv: 2500.0,
        memory_bytes: 4096,
        bytes_per_sample: 2,
        step_samples: 32,
        min_segment_samples: RVec::from(vec![
            MinSegment {
                channels: 1,
                samples: 64,
            },
            MinSegment {
                channels: 2,
                samples: 32,
            },
        ]),
        max_segments: 8,
        max_steps: 8,
        max_loops: 1000,
        features: CardFeatures::default(),
    }
}

/// `n` one-channel segments of `len` samples each, and one step per segment.
struct Prog {
    data: Vec<i16>,
    lens: Vec<u64>,
    channels: u32,
    steps: Vec<Step>,
    start: u32,
}

impl Prog {
    fn new(n: usize, len: u64) -> Prog {
        let steps = (0..n as u32)
            .map(|i| Step {
                index: i,
                segment: i,
                next: (i + 1) % n as u32,
                loops: 1,
                end: StepEnd::Always,
            })
            .collect();
        Prog {
            data: vec![0; len as usize * n],
            lens: vec![len; n],
            channels: 1,
            steps,
            start: 0,
        }
    }

    fn check(&self, info: &CardInfo) -> Result<(), PluginError> {
        self.check_with(info, |_| {})
    }

    fn check_with<'a>(
        &'a self,
        info: &CardInfo,
        edit: impl FnOnce(&mut Vec<SegmentData<'a>>),
    ) -> Result<(), PluginError> {
        let mut segs = Vec::new();
        let mut at = 0usize;
        for (i, &len) in self.lens.iter().enumerate() {
            let codes = len as usize * self.channels as usize;
            let end = (at + codes).min(self.data.len());
            segs.push(SegmentData {
                index: i as u32,
                name: RStr::from("seg"),
                n_samples: len,
                n_channels: self.channels,
                samples: RSlice::from_slice(&self.data[at..end]),
            });
            at = end;
        }
        edit(&mut segs);
        UploadProgram {
            segments: RSlice::from_slice(&segs),
            steps: RSlice::from_slice(&self.steps),
            start_step: self.start,
            metadata_json: RStr::from(""),
        }
        .check(info)
    }
}

fn refused(r: Result<(), PluginError>, words: &[&str]) -> PluginError {
    let e = r.expect_err("the upload should be refused");
    for w in words {
        assert!(e.message.contains(w), "{:?} lacks {w:?}", e.message);
    }
    e
}

#[test]
fn a_program_within_every_limit_passes() {
    Prog::new(3, 64).check(&card()).unwrap();
}

#[test]
fn empty_program_is_refused() {
    let p = Prog::new(0, 64);
    refused(p.check(&card()), &["at least one"]);
}

#[test]
fn segment_indices_must_be_in_order() {
    let e = Prog::new(2, 64).check_with(&card(), |s| s[1].index = 0);
    refused(e, &["position 1", "expected 1"]);
}

#[test]
fn slot_count_is_the_next_power_of_two_within_max_segments() {
    // 5 segments need 8 slots: fine with 8; with max_segments 4 refused.
    let p = Prog::new(5, 64);
    p.check(&card()).unwrap();
    let mut info = card();
    info.max_segments = 4;
    let e = refused(p.check(&info), &["5 segments", "8 segment slots", "4"]);
    assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
}

#[test]
fn slot_count_is_bounded_by_the_step_word_even_when_the_card_claims_more() {
    let mut info = card();
    info.max_segments = 1 << 20;
    info.max_steps = 1 << 20;
    info.memory_bytes = u64::MAX / 2;
    let mut p = Prog::new(1, 64);
    p.lens = vec![64; 70_000];
    p.data = vec![0; 64 * 70_000];
    refused(p.check(&info), &["70000 segments", "65536"]);
}

#[test]
fn step_count_is_bounded_by_max_steps() {
    let mut p = Prog::new(1, 64);
    p.steps = (0..9)
        .map(|i| Step {
            index: i,
            segment: 0,
            next: (i + 1) % 9,
            loops: 1,
            end: StepEnd::Always,
        })
        .collect();
    refused(p.check(&card()), &["9 steps", "allows 8"]);
}

#[test]
fn step_segment_must_exist() {
    let mut p = Prog::new(2, 64);
    p.steps[1].segment = 2;
    refused(p.check(&card()), &["step 1", "segment 2", "2 segments"]);
}

#[test]
fn step_next_must_exist() {
    let mut p = Prog::new(2, 64);
    p.steps[0].next = 5;
    refused(p.check(&card()), &["step 0", "step 5", "2 steps"]);
}

#[test]
fn step_indices_must_be_in_order() {
    let mut p = Prog::new(2, 64);
    p.steps[1].index = 0;
    refused(p.check(&card()), &["step 1", "expected 1"]);
}

#[test]
fn loops_must_be_at_least_one_and_at_most_max_loops() {
    let mut p = Prog::new(1, 64);
    p.steps[0].loops = 0;
    refused(p.check(&card()), &["step 0", "loop count 0"]);
    p.steps[0].loops = 1001;
    let e = refused(p.check(&card()), &["step 0", "loop count 1001", "1000"]);
    assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
    p.steps[0].loops = 1000;
    p.check(&card()).unwrap();
}

#[test]
fn loops_must_fit_the_20_bit_field_even_when_the_card_claims_more() {
    let mut info = card();
    info.max_loops = u64::MAX;
    let mut p = Prog::new(1, 64);
    for loops in [1 << 20, 1 << 40, (1 << 63) - 1] {
        p.steps[0].loops = loops;
        refused(p.check(&info), &["step 0", &loops.to_string(), "1048575"]);
    }
    p.steps[0].loops = (1 << 20) - 1;
    p.check(&info).unwrap();
}

#[test]
fn code_count_must_equal_samples_times_channels() {
    let e = Prog::new(1, 64).check_with(&card(), |s| s[0].samples = RSlice::from_slice(&[]));
    refused(e, &["segment 0", "0 codes", "64 samples x 1 channels"]);
}

#[test]
fn channel_count_must_be_one_the_card_accepts() {
    let mut p = Prog::new(1, 64);
    p.channels = 3;
    p.data = vec![0; 64 * 3];
    refused(p.check(&card()), &["segment 0", "3 interleaved channels"]);
}

#[test]
fn every_segment_has_the_same_channel_count() {
    let mut p = Prog::new(2, 64);
    p.data = vec![0; 64 * 3];
    let e = p.check_with(&card(), |s| {
        s[1].n_channels = 2;
        s[1].samples = RSlice::from_slice(&p.data[64..]);
    });
    refused(
        e,
        &["segment 1", "2 interleaved channels", "segment 0 has 1"],
    );
}

#[test]
fn length_must_be_a_multiple_of_step_samples() {
    refused(
        Prog::new(1, 80).check(&card()),
        &["segment 0", "80 samples", "32-sample step"],
    );
}

#[test]
fn length_must_reach_the_minimum_for_the_channel_count() {
    refused(
        Prog::new(1, 32).check(&card()),
        &["segment 0", "32 samples", "minimum of 64", "1 channels"],
    );
}

#[test]
fn each_segment_must_fit_its_slot() {
    // 4096 bytes, 2 segments → 2 slots of 1024 samples.
    Prog::new(2, 1024).check(&card()).unwrap();
    let e = refused(
        Prog::new(2, 1056).check(&card()),
        &[
            "segment 0",
            "1056 samples",
            "1024 samples",
            "2 segment slots",
        ],
    );
    assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
}

#[test]
fn start_step_must_exist() {
    let mut p = Prog::new(2, 64);
    p.start = 2;
    refused(p.check(&card()), &["start step 2", "2 steps"]);
}

#[test]
fn checked_step_word_refuses_fields_that_do_not_fit() {
    let ok = Step {
        index: 7,
        segment: 0xFFFF,
        next: 0xFFFF,
        loops: (1 << 20) - 1,
        end: StepEnd::Always,
    };
    assert_eq!(
        ok.checked_spectrum_word().unwrap(),
        (0x000F_FFFFu64 << 32) | 0xFFFF_FFFF
    );
    for bad in [
        Step {
            segment: 1 << 16,
            ..ok
        },
        Step {
            next: 1 << 16,
            ..ok
        },
        Step {
            loops: 1 << 20,
            ..ok
        },
        Step { loops: 0, ..ok },
    ] {
        let e = bad.checked_spectrum_word().unwrap_err();
        assert!(e.message.contains("step 7"), "{}", e.message);
        assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
    }
}

#[test]
#[should_panic(expected = "20-bit loop field")]
fn unchecked_step_word_panics_instead_of_masking() {
    let s = Step {
        index: 0,
        segment: 0,
        next: 0,
        loops: 1 << 20,
        end: StepEnd::Always,
    };
    let _ = s.spectrum_word();
}
