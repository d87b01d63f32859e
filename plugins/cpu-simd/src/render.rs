//! Renders sample ranges of prepared segments straight into interleaved output.
//!
//! A job's range is cut into items of [`ITEM`] samples that rayon renders in
//! parallel; each item walks, per channel, the cells of the parts it overlaps, sums
//! the tones of a cell into a small buffer and converts that buffer into the item's
//! slice of the output. Values depend only on (plan, sample), never on the cut.

use std::f64::consts::TAU;

use awgsf_dsp::{local_phase, to_code, turns_at};
use awgsf_plugin_api::{ChannelStats, OutputScale};

use crate::kernels::{ramp_into, rotate_into, CalibFigures, RampCell, CELL, LANES};
use crate::prepare::{PreparedChannel, PreparedPart, PreparedSegment};

/// Samples per parallel work item.
pub const ITEM: u64 = 64 * 1024;

/// Where an item writes: its rows of the job's interleaved buffer.
pub enum OutSlice<'a> {
    I16(&'a mut [i16]),
    F32(&'a mut [f32]),
}

/// Instruction-set level the kernels are compiled for.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Isa {
    /// x86-64 with AVX-512 (F, DQ, VL) and FMA.
    Avx512,
    /// x86-64 with AVX2 and FMA.
    Avx2,
    /// Whatever the build targets.
    Baseline,
}

impl Isa {
    /// The best level this CPU runs.
    pub fn detect() -> Isa {
        #[cfg(target_arch = "x86_64")]
        {
            if std::arch::is_x86_feature_detected!("avx512f")
                && std::arch::is_x86_feature_detected!("avx512dq")
                && std::arch::is_x86_feature_detected!("avx512vl")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return Isa::Avx512;
            }
            if std::arch::is_x86_feature_detected!("avx2")
                && std::arch::is_x86_feature_detected!("fma")
            {
                return Isa::Avx2;
            }
        }
        Isa::Baseline
    }

    /// Name for reports.
    pub fn name(self) -> &'static str {
        match self {
            Isa::Avx512 => "AVX-512",
            Isa::Avx2 => "AVX2+FMA",
            Isa::Baseline => "baseline",
        }
    }
}

/// Renders samples `start..start + rows` of every channel of `seg` into `out`.
pub fn render_range(
    isa: Isa,
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: `Isa::detect` found these features on this CPU.
        Isa::Avx512 => unsafe { render_avx512(seg, start, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Isa::Avx2 => unsafe { render_avx2(seg, start, out) },
        _ => render_generic(seg, start, out),
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma,bmi2")]
unsafe fn render_avx512(
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    render_generic(seg, start, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi2")]
unsafe fn render_avx2(
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    render_generic(seg, start, out)
}

#[inline(always)]
fn render_generic(
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    let nch = seg.channels.len();
    let rows = match out {
        OutSlice::I16(s) => s.len(),
        OutSlice::F32(s) => s.len(),
    } / nch.max(1);
    let mut acc = vec![0.0f64; CELL as usize];
    let mut stats = vec![ChannelStats::default(); nch];
    for (c, ch) in seg.channels.iter().enumerate() {
        let mut w = Writer {
            out,
            stride: nch,
            column: c,
            scale: seg.plan.channels[c].scale,
            stats: &mut stats[c],
        };
        if ch.parts.is_empty() {
            w.zeros(rows);
            continue;
        }
        render_channel(seg, ch, start, start + rows as u64, &mut acc, &mut w);
    }
    stats
}

/// Writes converted values into one column of the item's rows.
struct Writer<'o, 'a, 's> {
    out: &'o mut OutSlice<'a>,
    stride: usize,
    column: usize,
    scale: OutputScale,
    stats: &'s mut ChannelStats,
}

impl Writer<'_, '_, '_> {
    #[inline(always)]
    fn put(&mut self, row: usize, values: &[f64]) {
        let mut peak = self.stats.peak_mv;
        let mut clipped = 0u64;
        let first = row * self.stride + self.column;
        match self.out {
            OutSlice::I16(o) => {
                for (j, &v) in values.iter().enumerate() {
                    let (code, clip) = to_code(v, &self.scale);
                    o[first + j * self.stride] = code;
                    clipped += clip as u64;
                    peak = peak.max(v.abs());
                }
            }
            OutSlice::F32(o) => {
                for (j, &v) in values.iter().enumerate() {
                    o[first + j * self.stride] = v as f32;
                    clipped += (v.abs() / self.scale.full_scale_mv > self.scale.clip) as u64;
                    peak = peak.max(v.abs());
                }
            }
        }
        self.stats.peak_mv = peak;
        self.stats.clipped_samples += clipped;
    }

    fn zeros(&mut self, rows: usize) {
        match self.out {
            OutSlice::I16(o) => (0..rows).for_each(|r| o[r * self.stride + self.column] = 0),
            OutSlice::F32(o) => (0..rows).for_each(|r| o[r * self.stride + self.column] = 0.0),
        }
    }
}

#[inline(always)]
fn render_channel(
    seg: &PreparedSegment<'_>,
    ch: &PreparedChannel<'_>,
    start: u64,
    end: u64,
    acc: &mut [f64],
    w: &mut Writer<'_, '_, '_>,
) {
    let first = ch
        .parts
        .partition_point(|p| p.plan.offset + p.plan.n_samples <= start);
    for part in &ch.parts[first..] {
        let off = part.plan.offset;
        if off >= end {
            break;
        }
        let l0 = start.max(off) - off;
        let l1 = end.min(off + part.plan.n_samples) - off;
        let mut cell = l0 / CELL;
        while cell * CELL < l1 {
            let anchor = cell * CELL;
            let i0 = (l0.max(anchor) - anchor) as usize;
            let i1 = (l1.min(anchor + CELL) - anchor) as usize;
            render_cell(seg, ch, part, anchor, i0, i1, acc, w.stats);
            let q0 = i0 / LANES;
            let row = (off + anchor + i0 as u64 - start) as usize;
            w.put(row, &acc[i0 - q0 * LANES..i1 - q0 * LANES]);
            cell += 1;
        }
    }
}

/// Sums every tone of `part` over the cell-relative samples `i0..i1` of the cell at
/// `anchor` into `acc`, which then holds chunks `i0 / LANES ..` of the cell.
#[inline(always)]
#[allow(clippy::too_many_arguments)]
fn render_cell(
    seg: &PreparedSegment<'_>,
    ch: &PreparedChannel<'_>,
    part: &PreparedPart<'_>,
    anchor: u64,
    i0: usize,
    i1: usize,
    acc: &mut [f64],
    stats: &mut ChannelStats,
) {
    let fs = seg.plan.sample_rate_hz;
    let q0 = i0 / LANES;
    let q1 = i1.div_ceil(LANES);
    let buf = &mut acc[..(q1 - q0) * LANES];
    buf.fill(0.0);
    let count = (i1 - i0) as u64;
    for t in &part.steady {
        let turns = turns_at(part.plan, &t.tone, fs, anchor);
        let (s, c) = (TAU * turns).sin_cos();
        let (zr, zi) = (t.amp_mv * c, t.amp_mv * s);
        let mut re = [0.0; LANES];
        let mut im = [0.0; LANES];
        for l in 0..LANES {
            re[l] = zr.mul_add(t.lane_re[l], -(zi * t.lane_im[l]));
            im[l] = zr.mul_add(t.lane_im[l], zi * t.lane_re[l]);
        }
        rotate_into(buf, re, im, t.step_re, t.step_im, q0);
        if ch.calib.is_some() {
            stats.calib_clamped += count * t.clamped as u64;
            stats.calib_max_ratio = stats.calib_max_ratio.max(t.ratio);
        }
    }
    let mut fig = CalibFigures::default();
    for t in &part.ramps {
        let cell = RampCell {
            turns0: turns_at(part.plan, &t.tone, fs, anchor),
            phase: local_phase(part.plan, &t.tone, fs, anchor),
            anchor,
            inv_n: part.inv_n,
            amp: t.amp,
            freq: t.freq,
            calib: ch.calib.as_ref(),
        };
        ramp_into(buf, &cell, q0, (i0, i1), &mut fig);
    }
    stats.calib_clamped += fig.clamped;
    stats.calib_max_ratio = stats.calib_max_ratio.max(fig.max_ratio);
}
