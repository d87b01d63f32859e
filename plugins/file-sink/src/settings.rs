//! Settings of the file sink (JSON object from the config's `[hardware.settings]`).

use std::path::PathBuf;

use awgsf_plugin_api::{settings, CardFeatures, CardInfo, MinSegment, PluginResult};
use serde::Deserialize;

/// The plugin's name in settings errors.
const PLUGIN: &str = "file-sink";

/// File-sink settings. Every key is optional except `dir`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// Directory to write, key `output_dir` (created; replaced only with `overwrite`).
    #[serde(rename = "output_dir")]
    pub dir: PathBuf,
    /// Replace an existing directory.
    #[serde(default)]
    pub overwrite: bool,
    /// Segment length granularity of the target card.
    #[serde(default = "default_step")]
    pub step_samples: u64,
    /// Minimum segment length for 1, 2 and 4 enabled channels.
    #[serde(default = "default_min")]
    pub min_segment_samples: [u64; 3],
    /// Enabled-channel counts the target accepts.
    #[serde(default = "default_counts")]
    pub channel_counts: Vec<u32>,
    /// Full-scale code of the target.
    #[serde(default = "default_full_scale")]
    pub full_scale_code: i32,
}

fn default_step() -> u64 {
    32
}
fn default_min() -> [u64; 3] {
    [384, 192, 96]
}
fn default_counts() -> Vec<u32> {
    vec![1, 2, 4]
}
fn default_full_scale() -> i32 {
    32767
}

impl Settings {
    /// Parses and checks settings JSON.
    pub fn parse(json: &str) -> PluginResult<Settings> {
        let s: Settings = settings::parse(PLUGIN, json)?;
        if s.step_samples == 0 {
            return Err(settings::invalid(
                PLUGIN,
                "step_samples",
                "expected at least 1",
            ));
        }
        if !(1..=32767).contains(&s.full_scale_code) {
            return Err(settings::invalid(
                PLUGIN,
                "full_scale_code",
                format!("expected 1..=32767, got {}", s.full_scale_code),
            ));
        }
        if s.channel_counts.is_empty() || s.channel_counts.iter().any(|c| ![1, 2, 4].contains(c)) {
            return Err(settings::invalid(
                PLUGIN,
                "channel_counts",
                format!(
                    "expected a non-empty subset of [1, 2, 4], got {:?}",
                    s.channel_counts
                ),
            ));
        }
        Ok(s)
    }

    /// The target card the export is quantised for.
    pub fn card_info(&self) -> CardInfo {
        let max = *self.channel_counts.iter().max().unwrap_or(&1);
        CardInfo {
            model: "file export".into(),
            serial: self.dir.display().to_string().into(),
            driver: concat!("awgsf-file-sink ", env!("CARGO_PKG_VERSION")).into(),
            max_channels: max,
            channel_counts: self.channel_counts.clone().into(),
            min_sample_rate_hz: 1.0,
            max_sample_rate_hz: 1e12,
            full_scale_code: self.full_scale_code,
            min_amplitude_mv: 0.0,
            max_amplitude_mv: 1e6,
            memory_bytes: u64::MAX / 2,
            bytes_per_sample: 2,
            step_samples: self.step_samples,
            min_segment_samples: [1u32, 2, 4]
                .iter()
                .zip(self.min_segment_samples)
                .map(|(&channels, samples)| MinSegment { channels, samples })
                .collect::<Vec<_>>()
                .into(),
            max_segments: 1 << 16,
            max_steps: 1 << 16,
            max_loops: (1 << 20) - 1,
            features: CardFeatures::HOT_SWAP.with(CardFeatures::MEMORY_READBACK),
        }
    }
}
