//! Turns a batch of chunks into the word tables the kernel reads.
//!
//! Host work here is proportional to the parts and tones a batch touches, never to
//! its samples. Each part is prepared once per batch: its tones split into *steady*
//! ones (constant frequency and amplitude) and *ramp* ones, with the double-double
//! constants of the closed-form phase computed by `awgsf-math`. Calibration figures of
//! steady tones are the same at every sample, so they are counted here rather than
//! on the device.

use std::collections::HashMap;
use std::f64::consts::TAU;

use awgsf_math::dd::{two_sum, Dd};
use awgsf_math::{calib_g_v0, moves_frequency, tone_amplitude, ADIABATIC_FLOOR};
use awgsf_plugin_api::{
    ChannelStats, InterpKind, PartPlan, RenderJob, SegmentPlan, Sin2Calibration, TonePlan,
};

use crate::jobs::{Chunk, OutKind};
use crate::layout::{self, Calib, Part, Ramp, Record, Span, Steady, CELL};

/// A chunk placed in a batch's output buffers.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Placed {
    /// The chunk.
    pub chunk: Chunk,
    /// Element offset of the chunk in the batch buffer of its kind.
    pub buffer_offset: usize,
    /// Statistics slot of the chunk's channel 0 (one slot per channel follows).
    pub slot: usize,
}

/// Everything one kernel launch needs, and how to read its results back.
#[derive(Clone, Debug)]
pub struct Batch {
    /// Spans, parts, steady tones, ramp tones and calibrations, back to back.
    pub tables: Vec<u64>,
    /// Number of spans (at word 0).
    pub n_spans: u64,
    /// Word offset of the span region (always 0).
    pub spans_at: u64,
    /// Word offset of the part region.
    pub parts_at: u64,
    /// Word offset of the steady-tone region.
    pub steady_at: u64,
    /// Word offset of the ramp-tone region.
    pub ramps_at: u64,
    /// Threads to run: one per cell.
    pub total_cells: u64,
    /// Elements of the card-code buffer.
    pub n_i16: usize,
    /// Elements of the millivolt buffer.
    pub n_f32: usize,
    /// Statistics slots (one per chunk and channel).
    pub n_slots: usize,
    /// The chunks, in order.
    pub placed: Vec<Placed>,
    /// Per slot: the figures computed on the host (steady calibrated tones).
    pub host_stats: Vec<ChannelStats>,
}

/// Calibration figures that steady tones add per sample.
#[derive(Clone, Copy, Debug, Default)]
struct SteadyFigures {
    clamped_tones: u64,
    max_ratio: f64,
}

/// A part prepared for the kernel.
struct PreparedPart {
    index: u64,
    has_tones: bool,
    figures: SteadyFigures,
}

fn steady_tone(
    part: &PartPlan,
    tone: &TonePlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
    figures: &mut SteadyFigures,
) -> Steady {
    let a = tone_amplitude(part, tone, cal, fs, 0);
    if cal.is_some() {
        figures.clamped_tones += a.clamped as u64;
        figures.max_ratio = figures.max_ratio.max(a.ratio);
    }
    let (cps, cos_d, sin_d) = rotation(tone.f0_hz, fs);
    Steady {
        cps,
        p0_turns: tone.phase0_rad / TAU,
        amp_mv: a.mv,
        cos_d,
        sin_d,
    }
}

/// Cycles per sample `f / fs` as a double-double, and the rotation of one sample.
fn rotation(f: f64, fs: f64) -> ((f64, f64), f64, f64) {
    let cps = Dd::from_f64(f) / fs;
    let (s, c) = (TAU * cps.frac()).sin_cos();
    ((cps.hi, cps.lo), c, s)
}

fn amp_model(part: &PartPlan, tone: &TonePlan, fs: f64) -> (u64, [f64; 3]) {
    let (s, e) = (tone.a0, tone.a1);
    if part.kind == InterpKind::Hold || s == e {
        return (layout::AMP_CONST, [s, 0.0, 0.0]);
    }
    match part.kind {
        InterpKind::Hold => (layout::AMP_CONST, [s, 0.0, 0.0]),
        InterpKind::Linear => (layout::AMP_LINEAR, [s, e - s, 0.0]),
        InterpKind::MinJerk => (layout::AMP_MIN_JERK, [s, e - s, 0.0]),
        InterpKind::Exp => {
            let tau = part.tau_s.abs();
            if tau > 0.0 {
                (layout::AMP_EXP, [e, s - e, 1.0 / (fs * tau)])
            } else {
                (layout::AMP_STEP, [s, e, 0.0])
            }
        }
        InterpKind::GeoRamp => (layout::AMP_GEO, [s, (e / s).ln(), 0.0]),
        InterpKind::AdiabaticRamp => (
            layout::AMP_ADIABATIC,
            [
                1.0 / s.max(ADIABATIC_FLOOR),
                1.0 / e.max(ADIABATIC_FLOOR),
                0.0,
            ],
        ),
    }
}

fn ramp_tone(
    part: &PartPlan,
    tone: &TonePlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
    chirp: bool,
) -> Ramp {
    let (amp_model, amp) = amp_model(part, tone, fs);
    let phase_mode = match (chirp, part.kind) {
        (false, _) => layout::PHASE_FIXED,
        (true, InterpKind::MinJerk) => layout::PHASE_MIN_JERK,
        (true, _) => layout::PHASE_LINEAR,
    };
    let (cps, cos_d, sin_d) = rotation(tone.f0_hz, fs);
    let (cal_g, cal_v0) = match cal {
        Some(c) if !chirp => calib_g_v0(c, tone.f0_hz),
        _ => (0.0, 0.0),
    };
    // One sample's factor of the exponential models: exp(-rate), exp(ln(e / s) / n).
    let amp_q = match amp_model {
        layout::AMP_EXP => (-amp[2]).exp(),
        layout::AMP_GEO => (amp[1] / part.n_samples as f64).exp(),
        _ => 1.0,
    };
    Ramp {
        phase_mode,
        amp_model,
        amp,
        f0: tone.f0_hz,
        delta: two_sum(tone.f1_hz, -tone.f0_hz),
        p0_turns: tone.phase0_rad / TAU,
        cps,
        cos_d,
        sin_d,
        cal_g,
        cal_v0,
        amp_q,
    }
}

fn calib(cal: &Sin2Calibration) -> Calib {
    Calib {
        mid: 0.5 * (cal.freq_min_hz + cal.freq_max_hz),
        inv_half: 1.0 / (0.5 * (cal.freq_max_hz - cal.freq_min_hz)),
        min_g: cal.min_g,
        min_v0_sq: cal.min_v0_sq,
        cap: 1.0 - cal.y_eps,
        g_poly: cal.g_poly.to_vec(),
        v0_poly: cal.v0_poly.to_vec(),
    }
}

/// Builds the tables of one batch.
#[derive(Default)]
struct Packer {
    spans: Vec<Span>,
    parts: Vec<Part>,
    steady: Vec<Steady>,
    ramps: Vec<Ramp>,
    calibs: Vec<u64>,
    part_index: HashMap<(usize, usize, usize), PreparedPart>,
    calib_index: HashMap<(usize, usize), u64>,
    total_cells: u64,
}

impl Packer {
    fn calibration(&mut self, seg: &SegmentPlan, c: usize) -> u64 {
        let Some(cal) = seg.channels[c].calibration.as_ref().into_option() else {
            return layout::NO_CALIB;
        };
        let key = (seg as *const _ as usize, c);
        if let Some(&at) = self.calib_index.get(&key) {
            return at;
        }
        let at = self.calibs.len() as u64;
        calib(cal).write(&mut self.calibs);
        self.calib_index.insert(key, at);
        at
    }

    fn part(&mut self, seg: &SegmentPlan, c: usize, p: usize) -> &PreparedPart {
        let key = (seg as *const _ as usize, c, p);
        if !self.part_index.contains_key(&key) {
            let calib = self.calibration(seg, c);
            let plan = &seg.channels[c].parts[p];
            let cal = seg.channels[c].calibration.as_ref().into_option();
            let fs = seg.sample_rate_hz;
            let steady_begin = self.steady.len() as u64;
            let ramp_begin = self.ramps.len() as u64;
            let mut figures = SteadyFigures::default();
            for tone in plan.tones.iter() {
                let chirp = moves_frequency(plan.kind) && tone.f0_hz != tone.f1_hz;
                let amp_moves = plan.kind != InterpKind::Hold && tone.a0 != tone.a1;
                if chirp || amp_moves {
                    self.ramps.push(ramp_tone(plan, tone, cal, fs, chirp));
                } else {
                    self.steady
                        .push(steady_tone(plan, tone, cal, fs, &mut figures));
                }
            }
            let inv_n = Dd::from_f64(1.0) / Dd::from_u64(plan.n_samples);
            let inv_fs = Dd::from_f64(1.0) / fs;
            let index = self.parts.len() as u64;
            self.parts.push(Part {
                n: plan.n_samples,
                steady_begin,
                n_steady: self.steady.len() as u64 - steady_begin,
                ramp_begin,
                n_ramp: self.ramps.len() as u64 - ramp_begin,
                calib,
                inv_n: (inv_n.hi, inv_n.lo),
                inv_fs: (inv_fs.hi, inv_fs.lo),
            });
            let prepared = PreparedPart {
                index,
                has_tones: !plan.tones.is_empty(),
                figures,
            };
            self.part_index.insert(key, prepared);
        }
        &self.part_index[&key]
    }

    /// Adds the spans of one chunk; returns nothing, records host figures per slot.
    fn chunk(&mut self, seg: &SegmentPlan, placed: &Placed, host_stats: &mut [ChannelStats]) {
        let chunk = &placed.chunk;
        let (start, end) = (chunk.start, chunk.start + chunk.count);
        let nch = chunk.channels;
        for (c, ch) in seg.channels.iter().enumerate() {
            let parts = ch.parts.as_slice();
            let first = parts.partition_point(|p| p.offset + p.n_samples <= start);
            for (p, plan) in parts.iter().enumerate().skip(first) {
                if plan.offset >= end {
                    break;
                }
                let lo = start.max(plan.offset) - plan.offset;
                let hi = end.min(plan.offset + plan.n_samples) - plan.offset;
                let prepared = self.part(seg, c, p);
                if !prepared.has_tones {
                    continue;
                }
                let (index, figures) = (prepared.index, prepared.figures);
                let slot = placed.slot + c;
                let stats = &mut host_stats[slot];
                stats.calib_clamped += figures.clamped_tones * (hi - lo);
                stats.calib_max_ratio = stats.calib_max_ratio.max(figures.max_ratio);
                let first_cell = lo / CELL;
                let cells = hi.div_ceil(CELL) - first_cell;
                // Output element of part-local sample 0: the chunk's rows start at
                // `start`, and this channel is column `c`.
                let origin = placed.buffer_offset as i64
                    + c as i64
                    + (plan.offset as i64 - start as i64) * nch as i64;
                self.spans.push(Span {
                    cell_begin: self.total_cells,
                    part: index,
                    first_cell,
                    lo,
                    hi,
                    out_origin: origin,
                    stride: nch as u64,
                    slot: slot as u64,
                    out_kind: match chunk.kind {
                        OutKind::I16 => layout::OUT_I16,
                        OutKind::F32 => layout::OUT_F32,
                    },
                    full_scale_mv: seg.channels[c].scale.full_scale_mv,
                    full_scale: seg.channels[c].scale.full_scale,
                    clip: seg.channels[c].scale.clip,
                });
                self.total_cells += cells;
            }
        }
    }

    fn finish(self, placed: Vec<Placed>, host_stats: Vec<ChannelStats>) -> Batch {
        let n_i16 = placed
            .iter()
            .filter(|p| p.chunk.kind == OutKind::I16)
            .map(|p| p.chunk.elements())
            .sum();
        let n_f32 = placed
            .iter()
            .filter(|p| p.chunk.kind == OutKind::F32)
            .map(|p| p.chunk.elements())
            .sum();
        let spans_at = 0u64;
        let parts_at = spans_at + (self.spans.len() * Span::WORDS) as u64;
        let steady_at = parts_at + (self.parts.len() * Part::WORDS) as u64;
        let ramps_at = steady_at + (self.steady.len() * Steady::WORDS) as u64;
        let calibs_at = ramps_at + (self.ramps.len() * Ramp::WORDS) as u64;
        let mut tables = Vec::with_capacity(calibs_at as usize + self.calibs.len());
        self.spans.iter().for_each(|s| s.write(&mut tables));
        for p in &self.parts {
            let mut p = *p;
            if p.calib != layout::NO_CALIB {
                p.calib += calibs_at;
            }
            p.write(&mut tables);
        }
        self.steady.iter().for_each(|s| s.write(&mut tables));
        self.ramps.iter().for_each(|r| r.write(&mut tables));
        tables.extend_from_slice(&self.calibs);
        Batch {
            tables,
            n_spans: self.spans.len() as u64,
            spans_at,
            parts_at,
            steady_at,
            ramps_at,
            total_cells: self.total_cells,
            n_i16,
            n_f32,
            n_slots: host_stats.len(),
            placed,
            host_stats,
        }
    }
}

/// Packs the chunks of one batch.
pub fn pack(jobs: &[RenderJob<'_>], chunks: &[Chunk]) -> Batch {
    let mut packer = Packer::default();
    let mut placed = Vec::with_capacity(chunks.len());
    let (mut at_i16, mut at_f32, mut slots) = (0usize, 0usize, 0usize);
    for chunk in chunks {
        let at = match chunk.kind {
            OutKind::I16 => &mut at_i16,
            OutKind::F32 => &mut at_f32,
        };
        placed.push(Placed {
            chunk: *chunk,
            buffer_offset: *at,
            slot: slots,
        });
        *at += chunk.elements();
        slots += chunk.channels;
    }
    let mut host_stats = vec![ChannelStats::default(); slots];
    for p in &placed {
        packer.chunk(jobs[p.chunk.job].segment, p, &mut host_stats);
    }
    packer.finish(placed, host_stats)
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::std_types::{RNone, RVec};
    use awgsf_plugin_api::{ChannelPlan, OutputBuffer, OutputScale};

    fn segment() -> SegmentPlan {
        let tone = |f0: f64, f1: f64, a0: f64, a1: f64| TonePlan {
            f0_hz: f0,
            f1_hz: f1,
            a0,
            a1,
            phase0_rad: 1.0,
        };
        let parts = vec![
            PartPlan {
                offset: 0,
                n_samples: 70,
                kind: InterpKind::Hold,
                tau_s: 0.0,
                tones: RVec::from(vec![tone(1e5, 2e5, 10.0, 20.0)]),
            },
            PartPlan {
                offset: 70,
                n_samples: 10,
                kind: InterpKind::Linear,
                tau_s: 0.0,
                tones: RVec::new(),
            },
            PartPlan {
                offset: 80,
                n_samples: 50,
                kind: InterpKind::Linear,
                tau_s: 0.0,
                tones: RVec::from(vec![
                    tone(1e5, 1e5, 10.0, 10.0),
                    tone(1e5, 1e5, 10.0, 5.0),
                    tone(1e5, 3e5, 10.0, 10.0),
                ]),
            },
        ];
        SegmentPlan {
            index: 0,
            n_samples: 130,
            sample_rate_hz: 1e6,
            channels: RVec::from(vec![
                ChannelPlan {
                    hardware_channel: 0,
                    calibration: RNone,
                    parts: RVec::from(parts),
                    scale: SCALE,
                },
                ChannelPlan {
                    hardware_channel: 1,
                    calibration: RNone,
                    parts: RVec::new(),
                    scale: SCALE,
                },
            ]),
        }
    }

    const SCALE: OutputScale = OutputScale {
        full_scale_mv: 1000.0,
        full_scale: 32767.0,
        clip: 1.0,
    };

    #[test]
    fn spans_cover_the_requested_rows_of_every_part_with_tones() {
        let seg = segment();
        let mut buf = vec![0i16; 2 * 100];
        let job = RenderJob::new(&seg, 20, OutputBuffer::Int16(buf.as_mut_slice().into()));
        let chunks = crate::jobs::plan_batches(std::slice::from_ref(&job), 1 << 20);
        assert_eq!(chunks.len(), 1);
        let batch = pack(std::slice::from_ref(&job), &chunks[0]);
        // Part 0 (rows 20..70), part 1 has no tones, part 2 (rows 80..120).
        assert_eq!(batch.n_spans, 2);
        let span = |i: usize| &batch.tables[i * Span::WORDS..(i + 1) * Span::WORDS];
        let s0 = span(0);
        assert_eq!((s0[2], s0[3], s0[4]), (0, 20, 70)); // first cell, lo, hi
        assert_eq!(s0[5] as i64, -40); // sample 20 lands at element 0
        let s1 = span(1);
        assert_eq!((s1[0], s1[2], s1[3], s1[4]), (3, 0, 0, 40));
        assert_eq!(s1[5] as i64, (80 - 20) * 2);
        assert_eq!(batch.total_cells, 3 + 2);
        assert_eq!(batch.n_i16, 200);
        // Hold tones are steady whatever their end values; the linear part has one
        // steady tone, one amplitude ramp and one chirp.
        let part = |i: u64| {
            let at = (batch.parts_at + i * Part::WORDS as u64) as usize;
            batch.tables[at..at + Part::WORDS].to_vec()
        };
        assert_eq!((part(0)[2], part(0)[4]), (1, 0));
        assert_eq!(part(1)[0], 10);
        assert_eq!((part(2)[2], part(2)[4]), (1, 2));
        let ramp = |i: u64| {
            let at = (batch.ramps_at + i * Ramp::WORDS as u64) as usize;
            batch.tables[at..at + Ramp::WORDS].to_vec()
        };
        assert_eq!(ramp(0)[0], layout::PHASE_FIXED);
        assert_eq!(ramp(0)[1], layout::AMP_LINEAR);
        assert_eq!(ramp(1)[0], layout::PHASE_LINEAR);
        assert_eq!(ramp(1)[1], layout::AMP_CONST);
    }
}
