//! What the emulated card is: model, memory, limits, options. Read from a JSON
//! object (every key optional, unknown keys refused); the defaults describe an
//! M4i.6622-x8 with 4 GiB of memory and the sequence-replay option.

use serde::{Deserialize, Serialize};

use crate::regs;

/// The emulated card's fixed properties.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CardConfig {
    /// `SPC_PCITYP` code (`0x76622` = M4i.6622-x8).
    pub type_code: i64,
    /// `SPC_FNCTYPE` (`2` = analog output).
    pub function_type: i64,
    /// `SPC_PCISERIALNO`.
    pub serial: i64,
    /// `SPC_PCIMEMSIZE`, bytes.
    pub memory_bytes: i64,
    /// `SPC_MIINST_MODULES`.
    pub modules: i64,
    /// `SPC_MIINST_CHPERMODULE`.
    pub channels_per_module: i64,
    /// `SPC_MIINST_BYTESPERSAMPLE`.
    pub bytes_per_sample: i64,
    /// `SPC_MIINST_MAXADCVALUE`.
    pub max_adc_value: i64,
    /// `SPC_MIINST_MINADCLOCK`, Hz.
    pub min_sample_rate_hz: i64,
    /// `SPC_MIINST_MAXADCLOCK`, Hz.
    pub max_sample_rate_hz: i64,
    /// `SPC_PCIFEATURES` bits.
    pub features: i64,
    /// `SPC_SEQMODE_AVAILMAXSEGMENT`.
    pub max_segments: i64,
    /// `SPC_SEQMODE_AVAILMAXSTEPS`.
    pub max_steps: i64,
    /// `SPC_SEQMODE_AVAILMAXLOOP`.
    pub max_loops: i64,
    /// Whether `SPC_MEMTEST` exists (memory read-back).
    pub memtest: bool,
    /// `SPC_GETDRVVERSION`.
    pub driver_version: i64,
    /// Segment lengths must be multiples of this many samples.
    pub step_samples: i64,
    /// Minimum segment length per enabled-channel count, `[channels, samples]`.
    pub min_segment_samples: Vec<(u32, i64)>,
    /// Accepted `SPC_AMPn` range, mV.
    pub min_amplitude_mv: i64,
    /// Accepted `SPC_AMPn` range, mV.
    pub max_amplitude_mv: i64,
}

impl Default for CardConfig {
    fn default() -> Self {
        CardConfig {
            type_code: regs::TYP_M4I6622_X8,
            function_type: regs::SPCM_TYPE_AO,
            serial: 12345,
            memory_bytes: 4 << 30,
            modules: 1,
            channels_per_module: 4,
            bytes_per_sample: 2,
            max_adc_value: 32768,
            min_sample_rate_hz: 50_000_000,
            max_sample_rate_hz: 625_000_000,
            features: regs::SPCM_FEAT_SEQUENCE,
            max_segments: 65536,
            max_steps: 4096,
            max_loops: (1 << 20) - 1,
            memtest: true,
            driver_version: (7 << 24) | (3 << 16) | 21000,
            step_samples: 32,
            min_segment_samples: vec![(1, 384), (2, 192), (4, 96)],
            min_amplitude_mv: 80,
            max_amplitude_mv: 2500,
        }
    }
}

impl CardConfig {
    /// Parses a JSON object; an empty text gives the defaults.
    pub fn from_json(text: &str) -> Result<CardConfig, String> {
        if text.trim().is_empty() {
            return Ok(CardConfig::default());
        }
        let config: CardConfig =
            serde_json::from_str(text).map_err(|e| format!("emulated card config: {e}"))?;
        config.check()?;
        Ok(config)
    }

    fn check(&self) -> Result<(), String> {
        let positive = [
            ("memory_bytes", self.memory_bytes),
            ("modules", self.modules),
            ("channels_per_module", self.channels_per_module),
            ("bytes_per_sample", self.bytes_per_sample),
            ("max_segments", self.max_segments),
            ("max_steps", self.max_steps),
            ("max_loops", self.max_loops),
            ("step_samples", self.step_samples),
        ];
        for (name, v) in positive {
            if v <= 0 {
                return Err(format!(
                    "emulated card config: {name} must be positive, got {v}"
                ));
            }
        }
        if self.channels() > 8 {
            return Err(format!(
                "emulated card config: at most 8 channels, got {}",
                self.channels()
            ));
        }
        if self.max_steps
            > i64::from(regs::SPC_SEQMODE_STEPMEM_LAST - regs::SPC_SEQMODE_STEPMEM0 + 1)
        {
            return Err(format!(
                "emulated card config: max_steps {} exceeds the step registers",
                self.max_steps
            ));
        }
        Ok(())
    }

    /// Installed channels.
    pub fn channels(&self) -> i64 {
        self.modules * self.channels_per_module
    }

    /// Minimum segment length for `channels` enabled channels.
    pub fn min_segment(&self, channels: u32) -> Option<i64> {
        self.min_segment_samples
            .iter()
            .find(|(c, _)| *c == channels)
            .map(|(_, s)| *s)
    }

    /// Whether the sequence-replay option is installed.
    pub fn has_sequence(&self) -> bool {
        self.features & regs::SPCM_FEAT_SEQUENCE != 0
    }
}
