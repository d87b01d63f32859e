//! Quantise: resolved segments to card-ready lengths, with wrap-continuous loops
//! (`docs/semantics.md` §4–5).
//!
//! The card limits come in as a [`QuantLimits`] value built from the hardware
//! backend's description, never from constants. Snapped frequencies travel forward
//! by tone lineage (see [`super::ir`]) until the frequency is set absolutely or a
//! wrap-protected segment snaps it again.

use std::collections::HashMap;
use std::f64::consts::TAU;

use crate::program::{Location, ProgramError};

use super::ir::{ChannelPart, Part, ResolvedProgram, ResolvedSegment, ToneId, ToneState};

/// Largest phase error a wrap-protected segment may leave after one loop, radians.
pub const WRAP_TOLERANCE_RAD: f64 = 1e-6;

/// Card limits the quantiser needs.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct QuantLimits {
    /// Segment lengths are multiples of this.
    pub step_samples: u64,
    /// Minimum segment length for the number of enabled channels.
    pub min_segment_samples: u64,
    /// Global loop quantum, seconds.
    pub quantum_s: f64,
}

impl QuantLimits {
    /// Limits of an M4i.66xx-class card with `channels` enabled channels (1, 2 or 4)
    /// and the default 40 µs quantum, for tests and offline tools.
    pub fn m4i66xx(channels: u32) -> QuantLimits {
        QuantLimits {
            step_samples: 32,
            min_segment_samples: 384 / u64::from(channels.max(1)),
            quantum_s: 40e-6,
        }
    }
}

/// How one segment was quantised.
#[derive(Debug, Clone, Copy, PartialEq, serde::Serialize)]
pub struct SegmentQuantization {
    /// Length from the resolver.
    pub original_samples: u64,
    /// Card-ready length.
    pub quantized_samples: u64,
    /// wait_trig, or loop_n with more than one repetition.
    pub loopable: bool,
    /// Every channel holds one state throughout.
    pub constant: bool,
    /// Loopable, constant and `snap_freqs_to_wrap`: frequencies snapped to whole cycles.
    pub wrap_protected: bool,
    /// Largest frequency change made by snapping (this segment) or propagation, Hz.
    pub max_shift_hz: f64,
    /// Largest phase error after one loop, radians (wrap-protected segments).
    pub wrap_error_rad: f64,
}

/// A quantised segment.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizedSegment {
    /// The segment with card-ready parts and frequencies.
    pub segment: ResolvedSegment,
    /// How it was quantised.
    pub info: SegmentQuantization,
}

/// A quantised program.
#[derive(Debug, Clone, PartialEq)]
pub struct QuantizedProgram {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Logical channel names.
    pub logical_channels: Vec<String>,
    /// The limits used.
    pub limits: QuantLimits,
    /// Quantum in samples.
    pub quantum_samples: u64,
    /// Minimum segment length used (rounded up to the step).
    pub min_samples: u64,
    /// Segments.
    pub segments: Vec<QuantizedSegment>,
}

/// `round(n / m) * m` with round-half-even (0 for `n == 0`).
pub fn round_to_multiple(n: u64, m: u64) -> u64 {
    if n == 0 {
        return 0;
    }
    ((n as f64) / (m as f64)).round_ties_even() as u64 * m
}

/// Smallest multiple of `m` at or above `n`.
pub fn ceil_to_multiple(n: u64, m: u64) -> u64 {
    n.div_ceil(m) * m
}

/// The loop quantum in samples: `max(step, round(round(fs * quantum_s) / step) * step)`.
pub fn quantum_samples(fs: f64, limits: &QuantLimits) -> u64 {
    let n = (fs * limits.quantum_s).round_ties_even() as u64;
    round_to_multiple(n, limits.step_samples).max(limits.step_samples)
}

/// Snaps `f` to a whole number of cycles over `n` samples at `fs`.
pub fn snap_to_wrap(f: f64, n: u64, fs: f64) -> f64 {
    let t = n as f64 / fs;
    (f * t).round_ties_even() / t
}

/// Phase left over after `n` samples of `f`, radians.
pub fn wrap_error_rad(f: f64, n: u64, fs: f64) -> f64 {
    let cycles = f * (n as f64 / fs);
    TAU * (cycles - cycles.round_ties_even()).abs()
}

fn check_limits(limits: &QuantLimits) -> Result<(), ProgramError> {
    if limits.step_samples == 0 {
        return Err(ProgramError::new(
            Location::field("step_samples"),
            "the card's step must be at least 1 sample",
        ));
    }
    if !(limits.quantum_s.is_finite() && limits.quantum_s > 0.0) {
        return Err(ProgramError::new(
            Location::field("quantum_s"),
            format!("expected a finite quantum > 0 s, got {}", limits.quantum_s),
        ));
    }
    Ok(())
}

/// Quantises every segment for a card with `limits`.
pub fn quantize(
    program: &ResolvedProgram,
    limits: &QuantLimits,
) -> Result<QuantizedProgram, ProgramError> {
    check_limits(limits)?;
    let fs = program.sample_rate_hz;
    let q = quantum_samples(fs, limits);
    let min = ceil_to_multiple(limits.min_segment_samples, limits.step_samples);

    let mut segments: Vec<QuantizedSegment> = program
        .segments
        .iter()
        .map(|seg| quantize_length(seg, q, min, limits.step_samples))
        .collect();

    propagate_snapping(&mut segments, fs);

    for (si, qs) in segments.iter_mut().enumerate() {
        if !qs.info.wrap_protected {
            continue;
        }
        let n = qs.info.quantized_samples;
        let mut worst = 0.0f64;
        for part in &qs.segment.parts {
            for (ch, cp) in part.channels.iter().enumerate() {
                for (i, &f) in cp.start.freqs_hz.iter().enumerate() {
                    let e = wrap_error_rad(f, n, fs);
                    worst = worst.max(e);
                    if e > WRAP_TOLERANCE_RAD {
                        return Err(ProgramError::new(
                            Location {
                                segment: Some((si, qs.segment.name.clone())),
                                field: format!("{}.freqs_hz[{i}]", program.logical_channels[ch]),
                                ..Location::default()
                            },
                            format!(
                                "tone {i} at {f} Hz cannot close its phase over the {n}-sample loop: {e:.3e} rad \
                                 left after snapping (tolerance {WRAP_TOLERANCE_RAD:e} rad); the frequency is too \
                                 large for the loop length to be represented exactly"
                            ),
                        ));
                    }
                }
            }
        }
        qs.info.wrap_error_rad = worst;
    }

    Ok(QuantizedProgram {
        sample_rate_hz: fs,
        logical_channels: program.logical_channels.clone(),
        limits: *limits,
        quantum_samples: q,
        min_samples: min,
        segments,
    })
}

fn quantize_length(seg: &ResolvedSegment, q: u64, min: u64, step: u64) -> QuantizedSegment {
    let n0 = seg.n_samples();
    let loopable = seg.is_loopable();
    let constant = seg.is_constant();
    let mut n1 = if loopable && seg.snap_len_to_quantum {
        let n = if constant {
            round_to_multiple(n0, q)
        } else {
            ceil_to_multiple(n0, q)
        };
        n.max(q)
    } else {
        ceil_to_multiple(n0, step)
    };
    n1 = n1.max(min);

    let mut out = seg.clone();
    if n1 > n0 {
        let last = out.parts.last().expect("resolved segments have parts");
        let channels: Vec<ChannelPart> = last
            .channels
            .iter()
            .map(|c| ChannelPart::hold(&c.end))
            .collect();
        out.parts.push(Part {
            n_samples: n1 - n0,
            channels,
            op_index: None,
        });
    } else if n1 < n0 {
        // Only constant segments are ever shortened (non-constant ones round up).
        let mut keep = n1;
        let mut parts = Vec::new();
        for mut p in out.parts.drain(..) {
            if keep == 0 {
                break;
            }
            p.n_samples = p.n_samples.min(keep);
            keep -= p.n_samples;
            parts.push(p);
        }
        out.parts = parts;
    }
    QuantizedSegment {
        segment: out,
        info: SegmentQuantization {
            original_samples: n0,
            quantized_samples: n1,
            loopable,
            constant,
            wrap_protected: loopable && constant && seg.snap_freqs_to_wrap,
            max_shift_hz: 0.0,
            wrap_error_rad: 0.0,
        },
    }
}

/// Snaps wrap-protected segments and carries each snapped change forward by lineage.
fn propagate_snapping(segments: &mut [QuantizedSegment], fs: f64) {
    let mut delta: HashMap<ToneId, f64> = HashMap::new();
    for qs in segments.iter_mut() {
        let n = qs.info.quantized_samples;
        let mut max_shift = 0.0f64;
        if qs.info.wrap_protected {
            for part in &mut qs.segment.parts {
                for cp in &mut part.channels {
                    for i in 0..cp.start.len() {
                        let orig = cp.start.freqs_hz[i];
                        let snapped = snap_to_wrap(orig, n, fs);
                        delta.insert(cp.start.lineage[i], snapped - orig);
                        max_shift = max_shift.max((snapped - orig).abs());
                        cp.start.freqs_hz[i] = snapped;
                        cp.end.freqs_hz[i] = snapped;
                    }
                }
            }
        } else if !delta.is_empty() {
            for part in &mut qs.segment.parts {
                for cp in &mut part.channels {
                    max_shift = max_shift.max(shift(&mut cp.start, &delta));
                    max_shift = max_shift.max(shift(&mut cp.end, &delta));
                }
            }
        }
        qs.info.max_shift_hz = max_shift;
    }
}

fn shift(state: &mut ToneState, delta: &HashMap<ToneId, f64>) -> f64 {
    let mut max = 0.0f64;
    for (f, l) in state.freqs_hz.iter_mut().zip(&state.lineage) {
        if let Some(d) = delta.get(l) {
            if *d != 0.0 {
                *f += d;
                max = max.max(d.abs());
            }
        }
    }
    max
}
