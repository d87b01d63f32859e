//! Figures of a program's segments on a card: segment slots and the memory each slot
//! holds, memory used, sequence steps, and the worst-case reaction time of each
//! `wait_trig` step.

use std::fmt;

use serde::Serialize;

use super::error::{ConfigError, Problem};
use super::figures::CardFigures;
use crate::format::{bytes, si, significant};
use crate::pipeline::QuantizedProgram;
use crate::program::SegmentMode;

/// One segment of a compiled program, as its step plays it (step `i` plays segment
/// `i`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SegmentUse {
    /// Segment name.
    pub name: String,
    /// Length, samples per channel.
    pub samples: u64,
    /// Repetitions of its step (1 for `wait_trig`).
    pub loops: u64,
    /// Whether its step repeats until a trigger (`wait_trig`).
    pub wait_trig: bool,
}

impl SegmentUse {
    /// Every segment of a quantised program, in step order.
    pub fn of_program(q: &QuantizedProgram) -> Vec<SegmentUse> {
        q.segments
            .iter()
            .map(|s| SegmentUse {
                name: s.segment.name.clone(),
                samples: s.info.quantized_samples,
                loops: s.segment.loop_count,
                wait_trig: s.segment.mode == SegmentMode::WaitTrig,
            })
            .collect()
    }
}

/// Memory of one segment.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SegmentMemory {
    /// Segment name.
    pub name: String,
    /// Length, samples per channel.
    pub samples: u64,
    /// Card memory it fills, bytes (all enabled channels).
    pub bytes: u64,
    /// Share of its slot's capacity it fills.
    pub slot_fraction: f64,
    /// Duration of one repetition, s.
    pub duration_s: f64,
}

/// Worst-case reaction to a trigger of one `wait_trig` step: the trigger can arrive
/// just after a repetition started, which then plays to its end.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct TriggerLatency {
    /// Step index (= segment index).
    pub step: usize,
    /// Segment name.
    pub segment: String,
    /// Worst-case latency, samples (one full repetition of the segment).
    pub worst_samples: u64,
    /// The same in µs.
    pub worst_us: f64,
}

/// Memory and timing of a program on a card.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct MemoryFigures {
    /// Card model.
    pub card: String,
    /// Enabled channels.
    pub channels: u32,
    /// Bytes per sample and channel.
    pub bytes_per_sample: u32,
    /// Segment slots configured: the next power of two >= the segment count.
    pub slots: u64,
    /// The card's largest slot count.
    pub max_segments: u32,
    /// Samples per channel that one slot holds:
    /// `memory_bytes / slots / (bytes_per_sample * channels)`.
    pub slot_capacity_samples: u64,
    /// Bytes of one slot.
    pub slot_capacity_bytes: u64,
    /// Every segment.
    pub segments: Vec<SegmentMemory>,
    /// Memory the segments fill, bytes.
    pub used_bytes: u64,
    /// Installed memory, bytes.
    pub memory_bytes: u64,
    /// `used_bytes / memory_bytes`.
    pub used_fraction: f64,
    /// Sequence steps (one per segment).
    pub steps: u64,
    /// The card's largest step count.
    pub max_steps: u32,
    /// Every `wait_trig` step.
    pub trigger_latencies: Vec<TriggerLatency>,
    /// Why the program does not fit the card (empty when it fits).
    pub problems: Vec<Problem>,
}

impl MemoryFigures {
    /// The figures of `segments` on the card of `card`.
    pub fn compute(card: &CardFigures, segments: &[SegmentUse]) -> MemoryFigures {
        let channels = card.channels.len() as u32;
        let fs = card.sample_rate_hz;
        let q = &card.quantisation;
        let sample_bytes = u64::from(card.bytes_per_sample.max(1)) * u64::from(channels.max(1));
        let count = segments.len() as u64;
        let slots = count.max(1).next_power_of_two();
        let slot_capacity_samples = card.memory_bytes / slots / sample_bytes;
        let mut problems = Vec::new();
        let mut problem = |key: String, message: String| {
            problems.push(Problem {
                file: None,
                location: None,
                key,
                message,
            })
        };

        if segments.is_empty() {
            problem(
                "program".into(),
                "expected at least one segment, found none".into(),
            );
        }
        if slots > u64::from(card.max_segments) {
            let message = format!(
                "{count} segments need {slots} slots, but the card has at most {}",
                card.max_segments
            );
            problem("program".into(), message);
        }
        if count > u64::from(card.max_steps) {
            let message = format!("{count} steps, but the card has at most {}", card.max_steps);
            problem("program".into(), message);
        }

        let mut rows = Vec::with_capacity(segments.len());
        let mut trigger_latencies = Vec::new();
        let mut used: u128 = 0;
        for (i, s) in segments.iter().enumerate() {
            let key = format!("segment {i} ({:?})", s.name);
            let step = q.step_samples;
            if s.samples < q.min_segment_samples || s.samples % step != 0 {
                let message = format!(
                    "expected a multiple of {step} samples, at least {}, found {} samples",
                    q.min_segment_samples, s.samples
                );
                problem(key.clone(), message);
            }
            if s.samples > slot_capacity_samples {
                let message = format!(
                    "{} samples do not fit a slot of {slot_capacity_samples} samples ({slots} slots)",
                    s.samples
                );
                problem(key.clone(), message);
            }
            if s.loops == 0 || s.loops > card.max_loops {
                let message = format!("expected 1 to {} loops, found {}", card.max_loops, s.loops);
                problem(key.clone(), message);
            }
            let seg_bytes = u128::from(s.samples) * u128::from(sample_bytes);
            used += seg_bytes;
            let duration_s = s.samples as f64 / fs;
            rows.push(SegmentMemory {
                name: s.name.clone(),
                samples: s.samples,
                bytes: u64::try_from(seg_bytes).unwrap_or(u64::MAX),
                slot_fraction: s.samples as f64 / slot_capacity_samples.max(1) as f64,
                duration_s,
            });
            if s.wait_trig {
                trigger_latencies.push(TriggerLatency {
                    step: i,
                    segment: s.name.clone(),
                    worst_samples: s.samples,
                    worst_us: duration_s * 1e6,
                });
            }
        }
        let used_bytes = u64::try_from(used).unwrap_or(u64::MAX);
        MemoryFigures {
            card: card.model.clone(),
            channels,
            bytes_per_sample: card.bytes_per_sample,
            slots,
            max_segments: card.max_segments,
            slot_capacity_samples,
            slot_capacity_bytes: slot_capacity_samples * sample_bytes,
            segments: rows,
            used_bytes,
            memory_bytes: card.memory_bytes,
            used_fraction: used_bytes as f64 / card.memory_bytes.max(1) as f64,
            steps: count,
            max_steps: card.max_steps,
            trigger_latencies,
            problems,
        }
    }

    /// Whether the program fits the card.
    pub fn fits(&self) -> bool {
        self.problems.is_empty()
    }

    /// The problems as an error, when there are any.
    pub fn check(&self) -> Result<(), ConfigError> {
        if self.fits() {
            Ok(())
        } else {
            Err(ConfigError::Card {
                card: self.card.clone(),
                problems: self.problems.clone(),
            })
        }
    }
}

fn percent(fraction: f64) -> String {
    format!("{} %", significant(fraction * 100.0, 4))
}

impl fmt::Display for MemoryFigures {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{:<16}{} for {} segments (card: up to {}), {} = {} samples per slot",
            "segment slots",
            self.slots,
            self.segments.len(),
            self.max_segments,
            bytes(self.slot_capacity_bytes),
            self.slot_capacity_samples
        )?;
        let width = self
            .segments
            .iter()
            .map(|s| s.name.len())
            .max()
            .unwrap_or(0)
            .max(7);
        writeln!(
            f,
            "  {:>4}  {:<width$}  {:>12}  {:>12}  {:>12}  {:>8}",
            "step", "segment", "samples", "duration", "memory", "of slot"
        )?;
        for (i, s) in self.segments.iter().enumerate() {
            writeln!(
                f,
                "  {i:>4}  {:<width$}  {:>12}  {:>12}  {:>12}  {:>8}",
                s.name,
                s.samples,
                si(s.duration_s, "s"),
                bytes(s.bytes),
                percent(s.slot_fraction)
            )?;
        }
        writeln!(
            f,
            "{:<16}{} of {} ({})",
            "memory used",
            bytes(self.used_bytes),
            bytes(self.memory_bytes),
            percent(self.used_fraction)
        )?;
        writeln!(f, "{:<16}{} of {}", "steps", self.steps, self.max_steps)?;
        for t in &self.trigger_latencies {
            writeln!(
                f,
                "{:<16}step {} ({}): worst {} samples = {} µs",
                "trigger latency",
                t.step,
                t.segment,
                t.worst_samples,
                significant(t.worst_us, 6)
            )?;
        }
        for p in &self.problems {
            writeln!(f, "{:<16}{p}", "problem")?;
        }
        Ok(())
    }
}
