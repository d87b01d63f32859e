//! The card's limits and features, handed to the host once by `describe()`. The
//! host quantises segment lengths from these figures: a different card only needs
//! different numbers here.

use awgsf_plugin_api::{CardFeatures, CardInfo, MinSegment};

use crate::settings::Settings;

/// Output channels installed.
pub const MAX_CHANNELS: u32 = 4;
/// Numbers of enabled channels accepted.
pub const CHANNEL_COUNTS: [u32; 3] = [1, 2, 4];
/// Segment lengths are multiples of this many samples.
pub const STEP_SAMPLES: u64 = 32;
/// Minimum segment length, all enabled channels together (384 for one channel,
/// 192 each for two, 96 each for four).
pub const MIN_SEGMENT_TOTAL: u64 = 384;
/// Sample-rate range, Hz.
pub const SAMPLE_RATE_HZ: (f64, f64) = (50e6, 1.25e9);
/// Output amplitude range, mV.
pub const AMPLITUDE_MV: (f64, f64) = (80.0, 2500.0);
/// Card code of full scale.
pub const FULL_SCALE_CODE: i32 = 32767;
/// Bytes per sample and channel (int16 codes).
pub const BYTES_PER_SAMPLE: u32 = 2;
/// Segment slots (a power of two) and sequence steps.
pub const MAX_SEGMENTS: u32 = 4096;
/// Sequence steps.
pub const MAX_STEPS: u32 = 4096;
/// Loops per step (a 20-bit field).
pub const MAX_LOOPS: u64 = (1 << 20) - 1;

/// Minimum segment length per channel for `channels` enabled channels.
pub fn min_segment(channels: u32) -> u64 {
    MIN_SEGMENT_TOTAL / u64::from(channels.max(1))
}

/// What `describe()` returns.
pub fn card_info(settings: &Settings) -> CardInfo {
    CardInfo {
        model: "Example logging card".into(),
        serial: "in-memory".into(),
        driver: format!("example-card {}", env!("CARGO_PKG_VERSION")).into(),
        max_channels: MAX_CHANNELS,
        channel_counts: CHANNEL_COUNTS.to_vec().into(),
        min_sample_rate_hz: SAMPLE_RATE_HZ.0,
        max_sample_rate_hz: SAMPLE_RATE_HZ.1,
        full_scale_code: FULL_SCALE_CODE,
        min_amplitude_mv: AMPLITUDE_MV.0,
        max_amplitude_mv: AMPLITUDE_MV.1,
        memory_bytes: settings.memory_bytes,
        bytes_per_sample: BYTES_PER_SAMPLE,
        step_samples: STEP_SAMPLES,
        min_segment_samples: CHANNEL_COUNTS
            .iter()
            .map(|&channels| MinSegment {
                channels,
                samples: min_segment(channels),
            })
            .collect(),
        max_segments: MAX_SEGMENTS,
        max_steps: MAX_STEPS,
        max_loops: MAX_LOOPS,
        // Only what the card really does: no playback trace, no external trigger.
        features: CardFeatures::SEQUENCE_REPLAY
            .with(CardFeatures::HOT_SWAP)
            .with(CardFeatures::MEMORY_READBACK)
            .with(CardFeatures::SOFTWARE_TRIGGER),
    }
}
