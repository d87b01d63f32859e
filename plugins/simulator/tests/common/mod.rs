//! Helpers shared by the simulator's tests: card settings, segment data whose codes
//! say which segment, version, channel and sample they are, and program upload.

#![allow(dead_code)]

use awgsf_plugin_api::abi_stable::std_types::{RSlice, RStr};
use awgsf_plugin_api::*;
use awgsf_simulator::Simulator;

/// Card settings with `channels` enabled at `fs`, software trigger, internal clock.
pub fn card_settings(channels: &[u32], fs: f64) -> CardSettings {
    CardSettings {
        trigger: TriggerSettings {
            source: TriggerSource::Ext0,
            level_mv: 500.0,
            termination_50ohm: true,
            ..TriggerSettings::default()
        },
        ..CardSettings::new(fs, channels, 1000.0, StopLevel::HoldLast)
    }
}

/// The code of sample `k`, channel `c` of segment `tag` at data version `version`.
pub fn code(tag: u32, version: u32, c: usize, k: u64) -> i16 {
    (tag as i64 * 1000 + version as i64 * 300 + c as i64 * 100 + (k % 97) as i64) as i16
}

/// Interleaved data of segment `tag`, version `version`.
pub fn data(tag: u32, version: u32, n_samples: u64, n_channels: usize) -> Vec<i16> {
    (0..n_samples)
        .flat_map(|k| (0..n_channels).map(move |c| code(tag, version, c, k)))
        .collect()
}

/// A step.
pub fn step(index: u32, segment: u32, next: u32, loops: u64, end: StepEnd) -> Step {
    Step {
        index,
        segment,
        next,
        loops,
        end,
    }
}

/// Uploads segments of the given lengths (segment `i` gets tag `i + 1`, version 0).
pub fn upload(
    sim: &mut Simulator,
    lengths: &[u64],
    n_channels: usize,
    steps: &[Step],
    start_step: u32,
) -> PluginResult<UploadReport> {
    let names: Vec<String> = (0..lengths.len()).map(|i| format!("s{i}")).collect();
    let datas: Vec<Vec<i16>> = lengths
        .iter()
        .enumerate()
        .map(|(i, &n)| data(i as u32 + 1, 0, n, n_channels))
        .collect();
    let segs: Vec<SegmentData<'_>> = lengths
        .iter()
        .enumerate()
        .map(|(i, &n)| SegmentData {
            index: i as u32,
            name: RStr::from(names[i].as_str()),
            n_samples: n,
            n_channels: n_channels as u32,
            samples: RSlice::from_slice(&datas[i]),
        })
        .collect();
    sim.upload(&UploadProgram {
        segments: RSlice::from_slice(&segs),
        steps: RSlice::from_slice(steps),
        start_step,
        metadata_json: "".into(),
    })
}

/// Rewrites segment `index` with the data of tag `index + 1`, version `version`.
pub fn swap(
    sim: &mut Simulator,
    index: u32,
    version: u32,
    n_samples: u64,
    n_channels: usize,
) -> PluginResult<()> {
    let d = data(index + 1, version, n_samples, n_channels);
    sim.update_segment(&SegmentData {
        index,
        name: RStr::from("swapped"),
        n_samples,
        n_channels: n_channels as u32,
        samples: RSlice::from_slice(&d),
    })
}

/// Settings for a slow card (1 MS/s allowed) so that sample counts read as µs.
pub fn slow_card(extra: &str) -> String {
    let sep = if extra.trim().is_empty() { "" } else { ", " };
    format!("{{\"min_sample_rate_hz\": 1000{sep}{extra}}}")
}

/// Opens a simulator with `json` settings and configures it.
pub fn configured(json: &str, channels: &[u32], fs: f64) -> Simulator {
    let mut sim = Simulator::open(json).expect("settings");
    sim.configure(&card_settings(channels, fs))
        .expect("configure");
    sim
}

/// Asserts that `r` failed with `kind` and a message containing every part.
#[track_caller]
pub fn assert_err<T: std::fmt::Debug>(r: PluginResult<T>, kind: ErrorKind, parts: &[&str]) {
    let e = r.expect_err("expected an error");
    assert_eq!(e.kind, kind, "kind of: {}", e.message);
    for p in parts {
        assert!(
            e.message.contains(p),
            "message {:?} lacks {:?}",
            e.message.as_str(),
            p
        );
    }
}

/// `(start, step, segment, loop, n)` of each played instance.
pub fn instances(t: &PlaybackTrace) -> Vec<(u64, u32, u32, u64, u64)> {
    t.instances
        .iter()
        .map(|i| (i.start_sample, i.step, i.segment, i.loop_index, i.n_samples))
        .collect()
}
