//! The card description (`describe()`) built from the settings.

use awgsf_plugin_api::{CardInfo, MinSegment};

use crate::settings::{SimSettings, BYTES_PER_SAMPLE};

/// The emulated card's limits and features.
pub(crate) fn card_info(s: &SimSettings) -> CardInfo {
    CardInfo {
        model: s.model.as_str().into(),
        serial: s.serial.as_str().into(),
        driver: format!("awgsf-simulator {}", env!("CARGO_PKG_VERSION")).into(),
        max_channels: s.max_channels,
        channel_counts: s.channel_counts.iter().copied().collect(),
        min_sample_rate_hz: s.min_sample_rate_hz,
        max_sample_rate_hz: s.max_sample_rate_hz,
        full_scale_code: s.full_scale_code,
        min_amplitude_mv: s.min_amplitude_mv,
        max_amplitude_mv: s.max_amplitude_mv,
        memory_bytes: s.memory_bytes,
        bytes_per_sample: BYTES_PER_SAMPLE,
        step_samples: s.step_samples,
        min_segment_samples: s
            .min_segment_samples
            .iter()
            .map(|(&channels, &samples)| MinSegment { channels, samples })
            .collect(),
        max_segments: s.max_segments,
        max_steps: s.max_steps,
        max_loops: s.max_loops,
        features: s.features,
    }
}
