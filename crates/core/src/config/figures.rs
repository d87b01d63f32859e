//! Figures derived from the config and the card the hardware plugin describes:
//! the config checked against the card's ranges, the quantisation limits
//! (segment step, minimum segment, loop quantum) and per-channel conversion to codes.

use std::fmt;

use awgsf_plugin_api::{
    CardFeatures, CardInfo, TriggerSource, STEP_WORD_MAX_LOOPS, STEP_WORD_MAX_SEGMENT,
    STEP_WORD_MAX_STEP,
};
use serde::Serialize;

use super::error::{ConfigError, Problem};
use super::Config;
use crate::format::{bytes, si, significant};

/// Segment-length limits of one card at one sample rate and channel count
/// (`docs/semantics.md` §5).
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Quantisation {
    /// Segment lengths are multiples of this many samples.
    pub step_samples: u64,
    /// The card's minimum segment for the enabled channel count.
    pub card_min_segment_samples: u64,
    /// That minimum rounded up to a multiple of the step.
    pub min_segment_samples: u64,
    /// Loop quantum `q = max(step, round(round(fs * quantum_s) / step) * step)`.
    pub quantum_samples: u64,
    /// The quantum asked for, s.
    pub requested_quantum_s: f64,
    /// The quantum obtained, `quantum_samples / fs`, s.
    pub quantum_s: f64,
}

impl Quantisation {
    /// The limits for a card step and minimum segment at sample rate `fs` (Hz),
    /// with `quantum_s` the loop quantum asked for. Rounding is half-to-even.
    pub fn new(
        step_samples: u64,
        card_min_segment_samples: u64,
        fs: f64,
        quantum_s: f64,
    ) -> Result<Quantisation, String> {
        if step_samples == 0 {
            return Err("the card reports a segment step of 0 samples".into());
        }
        let wanted = (fs * quantum_s).round_ties_even();
        if !wanted.is_finite() || wanted < 0.0 || wanted > 2f64.powi(53) {
            return Err(format!(
                "a loop quantum of {quantum_s} s at {fs} Hz is not a representable sample count"
            ));
        }
        let step = step_samples as f64;
        let snapped = (wanted / step).round_ties_even() * step;
        let quantum_samples = step_samples.max(snapped as u64);
        Ok(Quantisation {
            step_samples,
            card_min_segment_samples,
            min_segment_samples: card_min_segment_samples.div_ceil(step_samples) * step_samples,
            quantum_samples,
            requested_quantum_s: quantum_s,
            quantum_s: quantum_samples as f64 / fs,
        })
    }
}

/// Conversion of one enabled channel to card codes.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ChannelFigures {
    /// Hardware channel.
    pub index: u32,
    /// Card output amplitude, mV.
    pub amplitude_mv: f64,
    /// Program mV that map to the full-scale code.
    pub full_scale_mv: f64,
    /// Program mV per code step.
    pub lsb_mv: f64,
    /// Largest program |mV| before clipping (`clip * full_scale_mv`).
    pub clip_mv: f64,
    /// Output mV per program mV: `amplitude_mv * full_scale / (full_scale_mv *
    /// card full-scale code)`; 1 when program mV are output mV.
    pub output_gain: f64,
}

/// The config checked against a card, and what follows from the two.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CardFigures {
    /// Card model.
    pub model: String,
    /// Card serial number or description.
    pub serial: String,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// The card's sample-rate range, Hz.
    pub min_sample_rate_hz: f64,
    /// The card's sample-rate range, Hz.
    pub max_sample_rate_hz: f64,
    /// Enabled channels, ascending.
    pub channels: Vec<ChannelFigures>,
    /// Channel counts the card accepts.
    pub accepted_channel_counts: Vec<u32>,
    /// Outputs installed.
    pub max_channels: u32,
    /// The card's amplitude range, mV.
    pub min_amplitude_mv: f64,
    /// The card's amplitude range, mV.
    pub max_amplitude_mv: f64,
    /// Full-scale code used for compilation.
    pub full_scale: i32,
    /// Whether `full_scale` is the card's own code (no `compile.full_scale`).
    pub full_scale_from_card: bool,
    /// The card's full-scale code.
    pub card_full_scale: i32,
    /// Clip level, fraction of full scale.
    pub clip: f64,
    /// Segment-length limits.
    pub quantisation: Quantisation,
    /// Installed sample memory, bytes.
    pub memory_bytes: u64,
    /// Bytes per sample and channel.
    pub bytes_per_sample: u32,
    /// Largest number of segment slots (the card's, at most what a step word
    /// addresses).
    pub max_segments: u32,
    /// Largest number of sequence steps (the card's, at most what a step word
    /// addresses).
    pub max_steps: u32,
    /// Largest loop count of a step (the card's, at most the step word's 20 bits).
    pub max_loops: u64,
    /// Things that may not work as meant but do not stop compilation.
    pub notes: Vec<Problem>,
}

impl CardFigures {
    /// Checks `config` against `card` and derives the figures; every mismatch is
    /// reported, each at its key in the config file.
    pub fn compute(config: &Config, card: &CardInfo) -> Result<CardFigures, ConfigError> {
        let mut problems = Vec::new();
        let cc = &config.card;
        let n = cc.channels.len() as u32;

        card_description_problems(config, card, &mut problems);
        let accepted: Vec<u32> = card.channel_counts.iter().copied().collect();
        let min_segment = card.min_segment_for(n).filter(|_| accepted.contains(&n));
        if min_segment.is_none() {
            let message = if accepted.contains(&n) {
                format!("the card accepts {n} channels but describes no minimum segment length for them")
            } else {
                format!(
                    "expected a channel count the card accepts ({}), found {n} channels",
                    list(&accepted)
                )
            };
            problems.push(config.problem("card.channels", message));
        }
        for (i, ch) in cc.channels.iter().enumerate() {
            if *ch >= card.max_channels {
                let message = format!(
                    "expected a channel below {} (the card has {} outputs), found channel {ch}",
                    card.max_channels, card.max_channels
                );
                problems.push(config.problem(&format!("card.channels[{i}]"), message));
            }
        }
        let fs = cc.sample_rate_hz;
        if !(card.min_sample_rate_hz..=card.max_sample_rate_hz).contains(&fs) {
            let message = format!(
                "expected a sample rate within the card's range {} to {}, found {}",
                si(card.min_sample_rate_hz, "S/s"),
                si(card.max_sample_rate_hz, "S/s"),
                si(fs, "S/s")
            );
            problems.push(config.problem("card.sample_rate_hz", message));
        }
        for (i, mv) in cc.amplitude_mv.iter().enumerate() {
            if !(card.min_amplitude_mv..=card.max_amplitude_mv).contains(mv) {
                let message = format!(
                    "expected an amplitude within the card's range {} to {} mV, found {} mV",
                    significant(card.min_amplitude_mv, 6),
                    significant(card.max_amplitude_mv, 6),
                    significant(*mv, 6)
                );
                problems.push(config.problem(&format!("card.amplitude_mv[{i}]"), message));
            }
        }
        let full_scale = config.compile.full_scale.unwrap_or(card.full_scale_code);
        if let Some(fsc) = config
            .compile
            .full_scale
            .filter(|f| *f > card.full_scale_code)
        {
            let message = format!(
                "expected a code no larger than the card's full scale {}, found {fsc}",
                card.full_scale_code
            );
            problems.push(config.problem("compile.full_scale", message));
        }
        let quantisation = match card.step_samples {
            0 => None, // reported with the card description
            step => Quantisation::new(step, min_segment.unwrap_or(0), fs, config.compile.quantum_s)
                .map_err(|message| problems.push(config.problem("compile.quantum_s", message)))
                .ok(),
        };
        let (Some(quantisation), true) = (quantisation, problems.is_empty()) else {
            return Err(ConfigError::Card {
                card: card.model.to_string(),
                problems,
            });
        };

        let channels = cc
            .channels_ascending()
            .into_iter()
            .map(|(index, amplitude_mv)| {
                let full_scale_mv = config.compile.full_scale_mv.unwrap_or(amplitude_mv);
                ChannelFigures {
                    index,
                    amplitude_mv,
                    full_scale_mv,
                    lsb_mv: full_scale_mv / f64::from(full_scale),
                    clip_mv: config.compile.clip * full_scale_mv,
                    output_gain: amplitude_mv * f64::from(full_scale)
                        / (full_scale_mv * f64::from(card.full_scale_code)),
                }
            })
            .collect();
        Ok(CardFigures {
            model: card.model.to_string(),
            serial: card.serial.to_string(),
            sample_rate_hz: fs,
            min_sample_rate_hz: card.min_sample_rate_hz,
            max_sample_rate_hz: card.max_sample_rate_hz,
            channels,
            accepted_channel_counts: accepted,
            max_channels: card.max_channels,
            min_amplitude_mv: card.min_amplitude_mv,
            max_amplitude_mv: card.max_amplitude_mv,
            full_scale,
            full_scale_from_card: config.compile.full_scale.is_none(),
            card_full_scale: card.full_scale_code,
            clip: config.compile.clip,
            quantisation,
            memory_bytes: card.memory_bytes,
            bytes_per_sample: card.bytes_per_sample,
            max_segments: card.max_segments.min(STEP_WORD_MAX_SEGMENT + 1),
            max_steps: card.max_steps.min(STEP_WORD_MAX_STEP + 1),
            max_loops: card.max_loops.min(STEP_WORD_MAX_LOOPS),
            notes: trigger_notes(config, card),
        })
    }
}

/// Figures of the card description itself that make compilation impossible; they are
/// reported at `hardware.backend`, the plugin that described the card.
fn card_description_problems(config: &Config, card: &CardInfo, problems: &mut Vec<Problem>) {
    let mut bad = |what: String| {
        let message = format!("the hardware plugin describes {what}");
        problems.push(config.problem("hardware.backend", message));
    };
    if card.step_samples == 0 {
        bad("a segment step of 0 samples".into());
    }
    if !(1..=32767).contains(&card.full_scale_code) {
        bad(format!(
            "a full-scale code of {} (expected 1 to 32767)",
            card.full_scale_code
        ));
    }
    if card.bytes_per_sample == 0 {
        bad("0 bytes per sample".into());
    }
    if card.memory_bytes == 0 {
        bad("no sample memory".into());
    }
    if card.max_segments == 0 || card.max_steps == 0 {
        bad("a card without segment slots or sequence steps".into());
    }
}

/// Notes on trigger sources the card does not list among its features.
fn trigger_notes(config: &Config, card: &CardInfo) -> Vec<Problem> {
    let source = config.card.trigger.source;
    let needed = match source {
        TriggerSource::Software => CardFeatures::SOFTWARE_TRIGGER,
        TriggerSource::Ext0 | TriggerSource::Ext1 => CardFeatures::EXTERNAL_TRIGGER,
    };
    if card.features.contains(needed) {
        return Vec::new();
    }
    let name = super::schema::name_of(super::schema::TRIGGER_SOURCES, source);
    let feature = needed.names().join("");
    let message = format!(
        "the card does not list the {feature} feature that source \"{name}\" needs; triggers may never arrive"
    );
    vec![config.problem("card.trigger.source", message)]
}

fn list(values: &[u32]) -> String {
    let items: Vec<String> = values.iter().map(u32::to_string).collect();
    match items.len() {
        0 => "none".into(),
        _ => items.join(", "),
    }
}

impl fmt::Display for CardFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let q = &self.quantisation;
        let fs = self.sample_rate_hz;
        let samples = |n: u64| format!("{n} samples = {}", si(n as f64 / fs, "s"));
        let row = |f: &mut fmt::Formatter<'_>, name: &str, value: String| {
            writeln!(f, "{name:<16}{value}")
        };
        row(f, "card", format!("{} ({})", self.model, self.serial))?;
        let indices: Vec<u32> = self.channels.iter().map(|c| c.index).collect();
        row(
            f,
            "channels",
            format!(
                "{}  (card: {} outputs, counts {})",
                list(&indices),
                self.max_channels,
                list(&self.accepted_channel_counts)
            ),
        )?;
        row(
            f,
            "sample rate",
            format!(
                "{}  (card: {} to {})",
                si(fs, "S/s"),
                si(self.min_sample_rate_hz, "S/s"),
                si(self.max_sample_rate_hz, "S/s")
            ),
        )?;
        let origin = if self.full_scale_from_card {
            "card"
        } else {
            "compile.full_scale"
        };
        row(
            f,
            "full scale",
            format!(
                "code {} ({origin}), clip at {}",
                self.full_scale,
                significant(self.clip, 6)
            ),
        )?;
        for c in &self.channels {
            row(
                f,
                &format!("channel {}", c.index),
                format!(
                    "amplitude {} mV, full scale {} mV, 1 LSB = {} mV, clip at {} mV, gain {}",
                    significant(c.amplitude_mv, 6),
                    significant(c.full_scale_mv, 6),
                    significant(c.lsb_mv, 4),
                    significant(c.clip_mv, 6),
                    significant(c.output_gain, 6)
                ),
            )?;
        }
        row(
            f,
            "amplitude range",
            format!(
                "{} to {} mV",
                significant(self.min_amplitude_mv, 6),
                significant(self.max_amplitude_mv, 6)
            ),
        )?;
        row(f, "segment step", samples(q.step_samples))?;
        row(
            f,
            "min segment",
            format!(
                "{}  (card: {} for {} channels)",
                samples(q.min_segment_samples),
                q.card_min_segment_samples,
                self.channels.len()
            ),
        )?;
        row(
            f,
            "loop quantum",
            format!(
                "{}  (asked {})",
                samples(q.quantum_samples),
                si(q.requested_quantum_s, "s")
            ),
        )?;
        row(
            f,
            "memory",
            format!(
                "{}, {} B per sample",
                bytes(self.memory_bytes),
                self.bytes_per_sample
            ),
        )?;
        row(
            f,
            "limits",
            format!(
                "{} segment slots, {} steps, {} loops",
                self.max_segments, self.max_steps, self.max_loops
            ),
        )?;
        for note in &self.notes {
            row(f, "note", note.to_string())?;
        }
        Ok(())
    }
}
