//! The simulator's settings (the `[hardware.settings]` table): the emulated card's
//! limits and the playback scenario, with their defaults and validation.

use std::collections::BTreeMap;
use std::path::PathBuf;

use awgsf_plugin_api::{CardFeatures, PluginResult};
use serde::{Serialize, Serializer};
use serde_json::Value;

use crate::json_fields::{as_whole, describe, key_error, Fields};

/// Bytes per sample and channel: the card stores int16 codes.
pub const BYTES_PER_SAMPLE: u32 = 2;
/// Largest loop count the 20-bit loop field of a step word holds.
pub const STEP_WORD_MAX_LOOPS: u64 = (1 << 20) - 1;
/// Number of segment (and step) indices the 16-bit fields of a step word address.
pub const STEP_WORD_MAX_INDEX: u64 = 1 << 16;

/// Every settings key, in documentation order.
pub const KEYS: &[&str] = &[
    "model",
    "serial",
    "max_channels",
    "channel_counts",
    "min_segment_samples",
    "min_sample_rate_hz",
    "max_sample_rate_hz",
    "full_scale_code",
    "min_amplitude_mv",
    "max_amplitude_mv",
    "memory_bytes",
    "step_samples",
    "max_segments",
    "max_steps",
    "max_loops",
    "features",
    "max_trigger_level_mv",
    "max_trigger_delay_samples",
    "min_reference_hz",
    "max_reference_hz",
    "play_s",
    "triggers",
    "max_play_samples",
    "output_dir",
    "write_stream",
];

/// Names of the optional features, as `features` lists them.
pub const FEATURE_NAMES: &[(&str, CardFeatures)] = &[
    ("hot-swap", CardFeatures::HOT_SWAP),
    ("playback-trace", CardFeatures::PLAYBACK_TRACE),
    ("memory-readback", CardFeatures::MEMORY_READBACK),
    ("software-trigger", CardFeatures::SOFTWARE_TRIGGER),
    ("external-trigger", CardFeatures::EXTERNAL_TRIGGER),
    ("sequence-replay", CardFeatures::SEQUENCE_REPLAY),
];

/// Minimum segment length of the M4i.66xx, all channels together: 384 samples for
/// one channel, 192 for two, 96 for four.
const MIN_SEGMENT_TOTAL: u64 = 384;

/// One entry of the trigger schedule.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum TriggerEntry {
    /// A trigger as soon as a not yet triggered wait step is playing (after the
    /// previous entry was seen).
    Force,
    /// An external trigger edge at this time after start, seconds.
    At(f64),
}

impl Serialize for TriggerEntry {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self {
            TriggerEntry::Force => s.serialize_str("force"),
            TriggerEntry::At(t) => s.serialize_f64(*t),
        }
    }
}

fn serialize_features<S: Serializer>(f: &CardFeatures, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(f.names())
}

/// Validated simulator settings. See the crate documentation for every key.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SimSettings {
    /// Card model reported by `describe()`.
    pub model: String,
    /// Serial number reported by `describe()`.
    pub serial: String,
    /// Output channels installed.
    pub max_channels: u32,
    /// Numbers of enabled channels the card accepts, ascending.
    pub channel_counts: Vec<u32>,
    /// Minimum segment length (samples per channel) per enabled-channel count.
    pub min_segment_samples: BTreeMap<u32, u64>,
    /// Lowest sample rate, Hz.
    pub min_sample_rate_hz: f64,
    /// Highest sample rate, Hz.
    pub max_sample_rate_hz: f64,
    /// Card code of full scale.
    pub full_scale_code: i32,
    /// Lowest output amplitude, mV.
    pub min_amplitude_mv: f64,
    /// Highest output amplitude, mV.
    pub max_amplitude_mv: f64,
    /// Installed sample memory, bytes.
    pub memory_bytes: u64,
    /// Segment length granularity, samples.
    pub step_samples: u64,
    /// Largest number of segment slots (`AVAILMAXSEGMENT`), a power of two.
    pub max_segments: u32,
    /// Largest number of sequence steps (`AVAILMAXSTEPS`).
    pub max_steps: u32,
    /// Largest loop count of a step (`AVAILMAXLOOP`).
    pub max_loops: u64,
    /// Optional features the card reports.
    #[serde(serialize_with = "serialize_features")]
    pub features: CardFeatures,
    /// Largest magnitude of the external trigger level, mV.
    pub max_trigger_level_mv: f64,
    /// Largest trigger delay, samples.
    pub max_trigger_delay_samples: u64,
    /// Lowest external reference clock, Hz.
    pub min_reference_hz: f64,
    /// Highest external reference clock, Hz.
    pub max_reference_hz: f64,
    /// Length of the simulated recording after each start, seconds.
    pub play_s: f64,
    /// Trigger schedule, in order.
    pub triggers: Vec<TriggerEntry>,
    /// Upper bound of the recording, samples per channel.
    pub max_play_samples: u64,
    /// Directory the played stream and the trace are written to, if any.
    pub output_dir: Option<PathBuf>,
    /// Whether `played.npy` is written (with `output_dir`).
    pub write_stream: bool,
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings::parse("{}").expect("the defaults are valid")
    }
}

impl SimSettings {
    /// Parses and validates the settings JSON object text (`""` counts as `{}`).
    pub fn parse(text: &str) -> PluginResult<SimSettings> {
        let f = Fields::parse(text, KEYS)?;

        let max_channels = f.whole_in("max_channels", 2, 1, 64)? as u32;
        let channel_counts = parse_channel_counts(&f, max_channels)?;
        let min_segment_samples = parse_min_segments(&f, &channel_counts)?;

        let min_sample_rate_hz = positive(&f, "min_sample_rate_hz", 50e6)?;
        let max_sample_rate_hz = positive(&f, "max_sample_rate_hz", 1.25e9)?;
        ordered(
            "max_sample_rate_hz",
            max_sample_rate_hz,
            "min_sample_rate_hz",
            min_sample_rate_hz,
        )?;
        let full_scale_code = f.whole_in("full_scale_code", 32767, 1, 32767)? as i32;
        let min_amplitude_mv = positive(&f, "min_amplitude_mv", 80.0)?;
        let max_amplitude_mv = positive(&f, "max_amplitude_mv", 2500.0)?;
        ordered(
            "max_amplitude_mv",
            max_amplitude_mv,
            "min_amplitude_mv",
            min_amplitude_mv,
        )?;
        let memory_bytes = f.whole_in("memory_bytes", 1 << 31, 1, u64::MAX)?;
        let step_samples = f.whole_in("step_samples", 32, 1, 1 << 20)?;
        let max_segments =
            f.whole_in("max_segments", STEP_WORD_MAX_INDEX, 1, STEP_WORD_MAX_INDEX)?;
        if !max_segments.is_power_of_two() {
            return Err(key_error(
                "max_segments",
                format!("expected a power of two, got {max_segments}"),
            ));
        }
        let max_steps = f.whole_in("max_steps", 8192, 1, STEP_WORD_MAX_INDEX)? as u32;
        let max_loops = f.whole_in("max_loops", STEP_WORD_MAX_LOOPS, 1, STEP_WORD_MAX_LOOPS)?;
        let features = parse_features(&f)?;

        let max_trigger_level_mv = positive(&f, "max_trigger_level_mv", 10_000.0)?;
        let max_trigger_delay_samples = f.whole("max_trigger_delay_samples", (1u64 << 33) - 32)?;
        let min_reference_hz = positive(&f, "min_reference_hz", 10e6)?;
        let max_reference_hz = positive(&f, "max_reference_hz", 1.25e9)?;
        ordered(
            "max_reference_hz",
            max_reference_hz,
            "min_reference_hz",
            min_reference_hz,
        )?;

        let play_s = f.number("play_s", 0.01)?;
        if play_s < 0.0 {
            return Err(key_error(
                "play_s",
                format!("expected seconds >= 0, got {play_s}"),
            ));
        }
        let triggers = parse_triggers(&f)?;
        let max_play_samples = f.whole("max_play_samples", 1 << 26)?;
        let output_dir = f.opt_string("output_dir")?.map(PathBuf::from);
        if output_dir
            .as_ref()
            .is_some_and(|d| d.as_os_str().is_empty())
        {
            return Err(key_error(
                "output_dir",
                "expected a directory path, got \"\"",
            ));
        }
        let write_stream = f.boolean("write_stream", true)?;

        Ok(SimSettings {
            model: f.string("model", "Simulated M4i.6622-x8")?,
            serial: f.string("serial", "emulated card (awgsf-simulator)")?,
            max_channels,
            channel_counts,
            min_segment_samples,
            min_sample_rate_hz,
            max_sample_rate_hz,
            full_scale_code,
            min_amplitude_mv,
            max_amplitude_mv,
            memory_bytes,
            step_samples,
            max_segments: max_segments as u32,
            max_steps,
            max_loops,
            features,
            max_trigger_level_mv,
            max_trigger_delay_samples,
            min_reference_hz,
            max_reference_hz,
            play_s,
            triggers,
            max_play_samples,
            output_dir,
            write_stream,
        })
    }

    /// Minimum segment length for `channels` enabled channels.
    pub fn min_segment_for(&self, channels: u32) -> Option<u64> {
        self.min_segment_samples.get(&channels).copied()
    }

    /// Whether the card reports `feature`.
    pub fn has(&self, feature: CardFeatures) -> bool {
        self.features.contains(feature)
    }
}

fn positive(f: &Fields, key: &str, default: f64) -> PluginResult<f64> {
    let v = f.number(key, default)?;
    if v <= 0.0 {
        return Err(key_error(key, format!("expected a number > 0, got {v}")));
    }
    Ok(v)
}

fn ordered(max_key: &str, max: f64, min_key: &str, min: f64) -> PluginResult<()> {
    if max < min {
        return Err(key_error(
            max_key,
            format!("{max} is below `{min_key}` = {min}"),
        ));
    }
    Ok(())
}

fn parse_channel_counts(f: &Fields, max_channels: u32) -> PluginResult<Vec<u32>> {
    const KEY: &str = "channel_counts";
    let Some(list) = f.array(KEY, "an array of whole numbers")? else {
        return Ok([1, 2, 4]
            .into_iter()
            .filter(|&c| c <= max_channels)
            .collect());
    };
    if list.is_empty() {
        return Err(key_error(
            KEY,
            "expected at least one channel count, got []",
        ));
    }
    let mut counts = Vec::with_capacity(list.len());
    for (i, v) in list.iter().enumerate() {
        let c = as_whole(KEY, v, &format!("whole numbers (entry {i})"))?;
        if c == 0 || c > u64::from(max_channels) {
            return Err(key_error(
                KEY,
                format!("entry {i} is {c}: expected 1 to {max_channels} (`max_channels`)"),
            ));
        }
        if counts.last().is_some_and(|&last| u64::from(last) >= c) {
            return Err(key_error(
                KEY,
                format!("entry {i} is {c}: list counts in ascending order without repeats"),
            ));
        }
        counts.push(c as u32);
    }
    Ok(counts)
}

fn parse_min_segments(f: &Fields, counts: &[u32]) -> PluginResult<BTreeMap<u32, u64>> {
    const KEY: &str = "min_segment_samples";
    let mut table: BTreeMap<u32, u64> = counts
        .iter()
        .map(|&c| (c, MIN_SEGMENT_TOTAL.div_ceil(u64::from(c))))
        .collect();
    let Some(given) = f.table(
        KEY,
        "a table of channel count -> samples, e.g. {\"1\": 384, \"2\": 192}",
    )?
    else {
        return Ok(table);
    };
    for (k, v) in given {
        let count: u32 = k
            .parse()
            .ok()
            .filter(|c| counts.contains(c))
            .ok_or_else(|| {
                key_error(
                    KEY,
                    format!(
                        "key {k:?} is not an allowed channel count (`channel_counts` = {counts:?})"
                    ),
                )
            })?;
        let samples = as_whole(KEY, v, &format!("a whole number of samples for {k:?}"))?;
        if samples == 0 {
            return Err(key_error(
                KEY,
                format!("{k:?}: expected at least 1 sample, got 0"),
            ));
        }
        table.insert(count, samples);
    }
    Ok(table)
}

fn parse_features(f: &Fields) -> PluginResult<CardFeatures> {
    const KEY: &str = "features";
    let Some(list) = f.array(KEY, "an array of feature names")? else {
        return Ok(FEATURE_NAMES
            .iter()
            .fold(CardFeatures::default(), |acc, (_, flag)| acc.with(*flag)));
    };
    let names: Vec<&str> = FEATURE_NAMES.iter().map(|(n, _)| *n).collect();
    let mut features = CardFeatures::default();
    for (i, v) in list.iter().enumerate() {
        let flag = v
            .as_str()
            .and_then(|s| FEATURE_NAMES.iter().find(|(n, _)| *n == s))
            .map(|(_, flag)| *flag)
            .ok_or_else(|| {
                key_error(
                    KEY,
                    format!(
                        "entry {i} is {}: expected one of {}",
                        describe(v),
                        names.join(", ")
                    ),
                )
            })?;
        features = features.with(flag);
    }
    Ok(features)
}

fn parse_triggers(f: &Fields) -> PluginResult<Vec<TriggerEntry>> {
    const KEY: &str = "triggers";
    let Some(list) = f.array(KEY, "an array of times in seconds or \"force\"")? else {
        return Ok(Vec::new());
    };
    let mut out = Vec::with_capacity(list.len());
    let mut last_time: Option<(usize, f64)> = None;
    for (i, v) in list.iter().enumerate() {
        let entry = match v {
            Value::String(s) if s == "force" => TriggerEntry::Force,
            Value::Number(n) => match n.as_f64() {
                Some(t) if t.is_finite() && t >= 0.0 => TriggerEntry::At(t),
                _ => {
                    return Err(key_error(
                        KEY,
                        format!("entry {i} is {n}: expected a time in seconds >= 0"),
                    ))
                }
            },
            other => {
                return Err(key_error(
                    KEY,
                    format!(
                        "entry {i} is {}: expected a time in seconds or \"force\"",
                        describe(other)
                    ),
                ))
            }
        };
        if let TriggerEntry::At(t) = entry {
            if let Some((j, prev)) = last_time {
                if t < prev {
                    return Err(key_error(
                        KEY,
                        format!(
                            "entry {i} ({t} s) is earlier than entry {j} ({prev} s): list times in order"
                        ),
                    ));
                }
            }
            last_time = Some((i, t));
        }
        out.push(entry);
    }
    Ok(out)
}
