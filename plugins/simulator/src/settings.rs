//! The simulator's settings (the `[hardware.settings]` table): the emulated card's
//! limits and the playback scenario, with their defaults and validation.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use awgsf_plugin_api::settings::{self, whole_u64, Whole};
use awgsf_plugin_api::{CardFeatures, PluginError, PluginResult};
use serde::de::{self, Deserializer, Unexpected, Visitor};
use serde::{Deserialize, Serialize, Serializer};

/// The plugin's name in settings errors.
const PLUGIN: &str = "simulator";

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

impl<'de> Deserialize<'de> for TriggerEntry {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(TriggerEntryVisitor)
    }
}

struct TriggerEntryVisitor;

impl Visitor<'_> for TriggerEntryVisitor {
    type Value = TriggerEntry;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a time in seconds >= 0 or \"force\"")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<TriggerEntry, E> {
        match v {
            "force" => Ok(TriggerEntry::Force),
            _ => Err(E::invalid_value(Unexpected::Str(v), &self)),
        }
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<TriggerEntry, E> {
        Ok(TriggerEntry::At(v as f64))
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<TriggerEntry, E> {
        if v < 0 {
            return Err(E::invalid_value(Unexpected::Signed(v), &self));
        }
        Ok(TriggerEntry::At(v as f64))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<TriggerEntry, E> {
        if !(v.is_finite() && v >= 0.0) {
            return Err(E::invalid_value(Unexpected::Float(v), &self));
        }
        Ok(TriggerEntry::At(v))
    }
}

/// One name of [`FEATURE_NAMES`], as `features` lists it.
#[derive(Debug)]
struct FeatureName(CardFeatures);

impl<'de> Deserialize<'de> for FeatureName {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(FeatureNameVisitor)
    }
}

struct FeatureNameVisitor;

impl Visitor<'_> for FeatureNameVisitor {
    type Value = FeatureName;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names: Vec<&str> = FEATURE_NAMES.iter().map(|(n, _)| *n).collect();
        write!(f, "one of {}", names.join(", "))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<FeatureName, E> {
        FEATURE_NAMES
            .iter()
            .find(|(n, _)| *n == v)
            .map(|(_, flag)| FeatureName(*flag))
            .ok_or_else(|| E::invalid_value(Unexpected::Str(v), &self))
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

/// The settings as given: every key of [`KEYS`], with its default where absent.
/// [`SimSettings::parse`] checks ranges and fills in what depends on other keys.
#[derive(Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
struct Given {
    model: String,
    serial: String,
    #[serde(deserialize_with = "whole_u64")]
    max_channels: u64,
    /// Absent: `[1, 2, 4]` up to `max_channels`.
    channel_counts: Option<Vec<Whole>>,
    /// Entries override `MIN_SEGMENT_TOTAL / count`.
    min_segment_samples: BTreeMap<String, Whole>,
    min_sample_rate_hz: f64,
    max_sample_rate_hz: f64,
    #[serde(deserialize_with = "whole_u64")]
    full_scale_code: u64,
    min_amplitude_mv: f64,
    max_amplitude_mv: f64,
    #[serde(deserialize_with = "whole_u64")]
    memory_bytes: u64,
    #[serde(deserialize_with = "whole_u64")]
    step_samples: u64,
    #[serde(deserialize_with = "whole_u64")]
    max_segments: u64,
    #[serde(deserialize_with = "whole_u64")]
    max_steps: u64,
    #[serde(deserialize_with = "whole_u64")]
    max_loops: u64,
    /// Absent: every feature.
    features: Option<Vec<FeatureName>>,
    max_trigger_level_mv: f64,
    #[serde(deserialize_with = "whole_u64")]
    max_trigger_delay_samples: u64,
    min_reference_hz: f64,
    max_reference_hz: f64,
    play_s: f64,
    triggers: Vec<TriggerEntry>,
    #[serde(deserialize_with = "whole_u64")]
    max_play_samples: u64,
    output_dir: Option<PathBuf>,
    write_stream: bool,
}

impl Default for Given {
    fn default() -> Self {
        Given {
            model: "Simulated M4i.6622-x8".to_string(),
            serial: "emulated card (awgsf-simulator)".to_string(),
            max_channels: 2,
            channel_counts: None,
            min_segment_samples: BTreeMap::new(),
            min_sample_rate_hz: 50e6,
            max_sample_rate_hz: 1.25e9,
            full_scale_code: 32767,
            min_amplitude_mv: 80.0,
            max_amplitude_mv: 2500.0,
            memory_bytes: 1 << 31,
            step_samples: 32,
            max_segments: STEP_WORD_MAX_INDEX,
            max_steps: 8192,
            max_loops: STEP_WORD_MAX_LOOPS,
            features: None,
            max_trigger_level_mv: 10_000.0,
            max_trigger_delay_samples: (1u64 << 33) - 32,
            min_reference_hz: 10e6,
            max_reference_hz: 1.25e9,
            play_s: 0.01,
            triggers: Vec::new(),
            max_play_samples: 1 << 26,
            output_dir: None,
            write_stream: true,
        }
    }
}

impl Default for SimSettings {
    fn default() -> Self {
        SimSettings::parse("{}").expect("the defaults are valid")
    }
}

impl SimSettings {
    /// Parses and validates the settings JSON object text (`""` counts as `{}`).
    pub fn parse(text: &str) -> PluginResult<SimSettings> {
        let g: Given = settings::parse(PLUGIN, text)?;

        let max_channels = whole_in("max_channels", g.max_channels, 1, 64)? as u32;
        let channel_counts = channel_counts(g.channel_counts, max_channels)?;
        let min_segment_samples = min_segments(g.min_segment_samples, &channel_counts)?;

        positive("min_sample_rate_hz", g.min_sample_rate_hz)?;
        positive("max_sample_rate_hz", g.max_sample_rate_hz)?;
        ordered(
            "max_sample_rate_hz",
            g.max_sample_rate_hz,
            "min_sample_rate_hz",
            g.min_sample_rate_hz,
        )?;
        let full_scale_code = whole_in("full_scale_code", g.full_scale_code, 1, 32767)? as i32;
        positive("min_amplitude_mv", g.min_amplitude_mv)?;
        positive("max_amplitude_mv", g.max_amplitude_mv)?;
        ordered(
            "max_amplitude_mv",
            g.max_amplitude_mv,
            "min_amplitude_mv",
            g.min_amplitude_mv,
        )?;
        whole_in("memory_bytes", g.memory_bytes, 1, u64::MAX)?;
        whole_in("step_samples", g.step_samples, 1, 1 << 20)?;
        let max_segments = whole_in("max_segments", g.max_segments, 1, STEP_WORD_MAX_INDEX)?;
        if !max_segments.is_power_of_two() {
            return Err(key_error(
                "max_segments",
                format!("expected a power of two, got {max_segments}"),
            ));
        }
        let max_steps = whole_in("max_steps", g.max_steps, 1, STEP_WORD_MAX_INDEX)? as u32;
        whole_in("max_loops", g.max_loops, 1, STEP_WORD_MAX_LOOPS)?;
        let features = match g.features {
            None => FEATURE_NAMES
                .iter()
                .fold(CardFeatures::default(), |acc, (_, flag)| acc.with(*flag)),
            Some(list) => list
                .iter()
                .fold(CardFeatures::default(), |acc, f| acc.with(f.0)),
        };

        positive("max_trigger_level_mv", g.max_trigger_level_mv)?;
        positive("min_reference_hz", g.min_reference_hz)?;
        positive("max_reference_hz", g.max_reference_hz)?;
        ordered(
            "max_reference_hz",
            g.max_reference_hz,
            "min_reference_hz",
            g.min_reference_hz,
        )?;

        if g.play_s < 0.0 {
            return Err(key_error(
                "play_s",
                format!("expected seconds >= 0, got {}", g.play_s),
            ));
        }
        check_trigger_order(&g.triggers)?;
        if g.output_dir
            .as_ref()
            .is_some_and(|d| d.as_os_str().is_empty())
        {
            return Err(key_error(
                "output_dir",
                "expected a directory path, got \"\"",
            ));
        }

        Ok(SimSettings {
            model: g.model,
            serial: g.serial,
            max_channels,
            channel_counts,
            min_segment_samples,
            min_sample_rate_hz: g.min_sample_rate_hz,
            max_sample_rate_hz: g.max_sample_rate_hz,
            full_scale_code,
            min_amplitude_mv: g.min_amplitude_mv,
            max_amplitude_mv: g.max_amplitude_mv,
            memory_bytes: g.memory_bytes,
            step_samples: g.step_samples,
            max_segments: max_segments as u32,
            max_steps,
            max_loops: g.max_loops,
            features,
            max_trigger_level_mv: g.max_trigger_level_mv,
            max_trigger_delay_samples: g.max_trigger_delay_samples,
            min_reference_hz: g.min_reference_hz,
            max_reference_hz: g.max_reference_hz,
            play_s: g.play_s,
            triggers: g.triggers,
            max_play_samples: g.max_play_samples,
            output_dir: g.output_dir,
            write_stream: g.write_stream,
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

/// An error about settings key `key`.
fn key_error(key: &str, message: impl fmt::Display) -> PluginError {
    settings::invalid(PLUGIN, key, message)
}

/// `value` of `key`, if within `min..=max`.
fn whole_in(key: &str, value: u64, min: u64, max: u64) -> PluginResult<u64> {
    if value < min || value > max {
        return Err(key_error(
            key,
            format!("expected a whole number from {min} to {max}, got {value}"),
        ));
    }
    Ok(value)
}

fn positive(key: &str, v: f64) -> PluginResult<()> {
    if v <= 0.0 {
        return Err(key_error(key, format!("expected a number > 0, got {v}")));
    }
    Ok(())
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

fn channel_counts(given: Option<Vec<Whole>>, max_channels: u32) -> PluginResult<Vec<u32>> {
    const KEY: &str = "channel_counts";
    let Some(list) = given else {
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
    for (i, &Whole(c)) in list.iter().enumerate() {
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

fn min_segments(
    given: BTreeMap<String, Whole>,
    counts: &[u32],
) -> PluginResult<BTreeMap<u32, u64>> {
    const KEY: &str = "min_segment_samples";
    let mut table: BTreeMap<u32, u64> = counts
        .iter()
        .map(|&c| (c, MIN_SEGMENT_TOTAL.div_ceil(u64::from(c))))
        .collect();
    for (k, Whole(samples)) in given {
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

fn check_trigger_order(triggers: &[TriggerEntry]) -> PluginResult<()> {
    let mut last_time: Option<(usize, f64)> = None;
    for (i, entry) in triggers.iter().enumerate() {
        let TriggerEntry::At(t) = *entry else {
            continue;
        };
        if let Some((j, prev)) = last_time {
            if t < prev {
                return Err(key_error(
                    "triggers",
                    format!(
                        "entry {i} ({t} s) is earlier than entry {j} ({prev} s): list times in order"
                    ),
                ));
            }
        }
        last_time = Some((i, t));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_are_exactly_the_settings_fields() {
        // A key far from every other one: the error lists the known keys in order.
        let e = SimSettings::parse(r#"{"zzzzzzzzzzzzzzzzzzzz": 1}"#).unwrap_err();
        assert_eq!(
            e.message.as_str(),
            format!(
                "simulator settings: unknown key `zzzzzzzzzzzzzzzzzzzz`; known keys: {}",
                KEYS.join(", ")
            )
        );
    }
}
