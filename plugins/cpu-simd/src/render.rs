//! Renders sample ranges of prepared segments straight into interleaved output.
//!
//! A job's range is cut into items of [`ITEM`] samples that rayon renders in
//! parallel; each item walks, per channel, the cells of the parts it overlaps, sums
//! the tones of a cell into a small buffer and converts that buffer into the item's
//! slice of the output. Values depend only on (plan, sample), never on the cut.

use std::f64::consts::TAU;

use awgsf_math::{local_phase, turns_at, LocalPhase};
use awgsf_plugin_api::TonePlan;
use awgsf_plugin_api::{ChannelStats, OutputScale};

use crate::kernels::{
    ramp_into, rotate_into, rotate_ramp_into, CalibFigures, Phasor, RampCell, CELL, LANES,
};
use crate::prepare::{PreparedChannel, PreparedPart, PreparedSegment, Rotation, SteadyTone};
use crate::simd::{F64s, Scalar};

/// Samples per parallel work item: four cells, so that a segment of a few tens of
/// thousands of samples (a 100 µs move at 625 MS/s) is still shared by the cores.
pub const ITEM: u64 = 16 * 1024;

/// Where an item writes: its rows of the job's interleaved buffer.
pub enum OutSlice<'a> {
    /// Card codes.
    I16(&'a mut [i16]),
    /// Millivolts.
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
        [Isa::Avx512, Isa::Avx2]
            .into_iter()
            .find(|i| i.supported())
            .unwrap_or(Isa::Baseline)
    }

    /// Whether this CPU runs kernels built for `self`.
    pub fn supported(self) -> bool {
        match self {
            Isa::Baseline => true,
            #[cfg(target_arch = "x86_64")]
            Isa::Avx2 => {
                std::arch::is_x86_feature_detected!("avx2")
                    && std::arch::is_x86_feature_detected!("fma")
                    && std::arch::is_x86_feature_detected!("bmi2")
            }
            #[cfg(target_arch = "x86_64")]
            Isa::Avx512 => {
                Isa::Avx2.supported()
                    && std::arch::is_x86_feature_detected!("avx512f")
                    && std::arch::is_x86_feature_detected!("avx512dq")
                    && std::arch::is_x86_feature_detected!("avx512vl")
            }
            #[cfg(not(target_arch = "x86_64"))]
            _ => false,
        }
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
    assert!(
        isa.supported(),
        "kernels for {} on a CPU without them",
        isa.name()
    );
    match isa {
        #[cfg(target_arch = "x86_64")]
        // SAFETY: checked just above.
        Isa::Avx512 => unsafe { render_avx512(seg, start, out) },
        #[cfg(target_arch = "x86_64")]
        // SAFETY: as above.
        Isa::Avx2 => unsafe { render_avx2(seg, start, out) },
        // SAFETY: scalar operations run everywhere.
        _ => unsafe { render_generic::<Scalar, LANES>(seg, start, out) },
    }
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx512f,avx512dq,avx512vl,avx2,fma,bmi2")]
unsafe fn render_avx512(
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    render_generic::<crate::simd::Avx512, { LANES / 8 }>(seg, start, out)
}

#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma,bmi2")]
unsafe fn render_avx2(
    seg: &PreparedSegment<'_>,
    start: u64,
    out: &mut OutSlice<'_>,
) -> Vec<ChannelStats> {
    render_generic::<crate::simd::Avx2, { LANES / 4 }>(seg, start, out)
}

/// # Safety
/// The CPU must support `S`'s instruction set.
#[inline(always)]
unsafe fn render_generic<S: F64s, const N: usize>(
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
    // Channels are rendered into contiguous columns, then interleaved in one pass
    // (a single channel is its own column).
    let mut cols = match (nch, &*out) {
        (1, _) => Columns::None,
        (_, OutSlice::I16(_)) => Columns::I16(vec![0; rows * nch]),
        (_, OutSlice::F32(_)) => Columns::F32(vec![0.0; rows * nch]),
    };
    for (c, ch) in seg.channels.iter().enumerate() {
        let col = match (&mut cols, &mut *out) {
            (Columns::None, OutSlice::I16(o)) => Column::I16(o),
            (Columns::None, OutSlice::F32(o)) => Column::F32(o),
            (Columns::I16(v), _) => Column::I16(&mut v[c * rows..(c + 1) * rows]),
            (Columns::F32(v), _) => Column::F32(&mut v[c * rows..(c + 1) * rows]),
        };
        let mut w = Writer {
            col,
            scale: seg.plan.channels[c].scale,
            stats: &mut stats[c],
        };
        if ch.parts.is_empty() {
            w.zeros();
            continue;
        }
        render_channel::<S, N>(seg, ch, start, start + rows as u64, &mut acc, &mut w);
    }
    match (&cols, out) {
        (Columns::I16(v), OutSlice::I16(o)) => interleave(v, rows, o),
        (Columns::F32(v), OutSlice::F32(o)) => interleave(v, rows, o),
        _ => {}
    }
    stats
}

/// Per-channel columns of an item with several channels.
enum Columns {
    None,
    I16(Vec<i16>),
    F32(Vec<f32>),
}

/// One channel's contiguous column.
enum Column<'a> {
    I16(&'a mut [i16]),
    F32(&'a mut [f32]),
}

/// Interleaves `nch` columns of `rows` values (`cols`, column after column) into
/// `out` (row after row).
#[inline(always)]
fn interleave<T: Copy>(cols: &[T], rows: usize, out: &mut [T]) {
    let nch = out.len() / rows.max(1);
    if nch == 2 {
        let (a, b) = cols.split_at(rows);
        for ((o, &x), &y) in out.chunks_exact_mut(2).zip(a).zip(b) {
            o[0] = x;
            o[1] = y;
        }
        return;
    }
    for (c, col) in cols.chunks_exact(rows.max(1)).enumerate() {
        for (o, &x) in out[c..].iter_mut().step_by(nch).zip(col) {
            *o = x;
        }
    }
}

/// Writes converted values into one channel's column.
struct Writer<'c, 's> {
    col: Column<'c>,
    scale: OutputScale,
    stats: &'s mut ChannelStats,
}

/// Adding this rounds an `f64` below 2^51 in magnitude to an integer, ties to
/// even, leaving the integer in the low bits of the sum.
const ROUNDER: f64 = 6755399441055744.0; // 1.5 * 2^52

/// Card codes of a chunk of voltages (exactly [`awgsf_math::to_code`]), with per-lane
/// peaks and clip counts; lanes past the data must hold 0.
#[inline(always)]
fn codes_chunk(
    v: &[f64; LANES],
    scale: &OutputScale,
    peak: &mut [f64; LANES],
    clipped: &mut [u64; LANES],
) -> [i16; LANES] {
    let mut codes = [0i16; LANES];
    for l in 0..LANES {
        let x = v[l] / scale.full_scale_mv;
        let a = x.abs();
        clipped[l] += (a > scale.clip) as u64;
        let vabs = v[l].abs();
        peak[l] = if vabs > peak[l] { vabs } else { peak[l] };
        let c = if x > scale.clip {
            scale.clip
        } else if x < -scale.clip {
            -scale.clip
        } else {
            x
        };
        let t = c * scale.full_scale + ROUNDER;
        codes[l] = t.to_bits().wrapping_sub(ROUNDER.to_bits()) as i16;
    }
    codes
}

impl Writer<'_, '_> {
    #[inline(always)]
    fn put(&mut self, row: usize, values: &[f64]) {
        let mut peak = self.stats.peak_mv;
        let mut clipped = 0u64;
        match &mut self.col {
            Column::I16(o) => {
                let dst = &mut o[row..row + values.len()];
                let mut lane_peak = [0.0f64; LANES];
                let mut lane_clipped = [0u64; LANES];
                let mut d = dst.chunks_exact_mut(LANES);
                let mut v = values.chunks_exact(LANES);
                for (d, v) in (&mut d).zip(&mut v) {
                    let v: &[f64; LANES] = v.try_into().expect("chunk of LANES");
                    let codes = codes_chunk(v, &self.scale, &mut lane_peak, &mut lane_clipped);
                    d.copy_from_slice(&codes);
                }
                let (d, v) = (d.into_remainder(), v.remainder());
                if !v.is_empty() {
                    let mut padded = [0.0f64; LANES];
                    padded[..v.len()].copy_from_slice(v);
                    let codes =
                        codes_chunk(&padded, &self.scale, &mut lane_peak, &mut lane_clipped);
                    d.copy_from_slice(&codes[..v.len()]);
                }
                peak = lane_peak
                    .iter()
                    .fold(peak, |m, &p| if p > m { p } else { m });
                clipped += lane_clipped.iter().sum::<u64>();
            }
            Column::F32(o) => {
                for (d, &v) in o[row..row + values.len()].iter_mut().zip(values) {
                    *d = v as f32;
                    clipped += (v.abs() / self.scale.full_scale_mv > self.scale.clip) as u64;
                    peak = peak.max(v.abs());
                }
            }
        }
        self.stats.peak_mv = peak;
        self.stats.clipped_samples += clipped;
    }

    fn zeros(&mut self) {
        match &mut self.col {
            Column::I16(o) => o.fill(0),
            Column::F32(o) => o.fill(0.0),
        }
    }
}

#[inline(always)]
unsafe fn render_channel<S: F64s, const N: usize>(
    seg: &PreparedSegment<'_>,
    ch: &PreparedChannel<'_>,
    start: u64,
    end: u64,
    acc: &mut [f64],
    w: &mut Writer<'_, '_>,
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
            render_cell::<S, N>(seg, ch, part, anchor, i0, i1, acc, w.stats);
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
unsafe fn render_cell<S: F64s, const N: usize>(
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
    // The unit phasor of a fixed-frequency tone at this cell's lanes, times `amp`.
    let phasor = |tone: &TonePlan, rot: &Rotation, amp: f64| {
        let turns = turns_at(part.plan, tone, fs, anchor);
        let (s, c) = (TAU * turns).sin_cos();
        let (zr, zi) = (amp * c, amp * s);
        let mut p = Phasor {
            re: [0.0; LANES],
            im: [0.0; LANES],
            step_re: rot.step_re,
            step_im: rot.step_im,
        };
        for l in 0..LANES {
            p.re[l] = zr.mul_add(rot.lane_re[l], -(zi * rot.lane_im[l]));
            p.im[l] = zr.mul_add(rot.lane_im[l], zi * rot.lane_re[l]);
        }
        p
    };
    let steady = |t: &SteadyTone| phasor(&t.tone, &t.rot, t.amp_mv);
    // Tones go in pairs (a fixed grouping per part, so sums are always formed alike).
    for pair in part.steady.chunks(2) {
        match pair {
            [a, b] => rotate_into::<S, N, 2>(buf, [&steady(a), &steady(b)], q0),
            [a] => rotate_into::<S, N, 1>(buf, [&steady(a)], q0),
            _ => unreachable!("chunks(2) yields one or two tones"),
        }
    }
    if ch.calib.is_some() {
        for t in &part.steady {
            stats.calib_clamped += count * t.clamped as u64;
            stats.calib_max_ratio = stats.calib_max_ratio.max(t.ratio);
        }
    }
    let mut fig = CalibFigures::default();
    for t in &part.ramps {
        let mut cell = RampCell {
            turns0: 0.0,
            phase: LocalPhase {
                coeffs: [0.0; 7],
                degree: 0,
            },
            anchor,
            inv_n: part.inv_n,
            amp: t.amp,
            freq: t.freq,
            calib: ch.calib.as_ref(),
        };
        match &t.rot {
            Some(rot) => {
                let p = phasor(&t.tone, rot, 1.0);
                rotate_ramp_into::<S, N>(buf, &p, &cell, q0, (i0, i1), &mut fig);
            }
            None => {
                cell.turns0 = turns_at(part.plan, &t.tone, fs, anchor);
                cell.phase = local_phase(part.plan, &t.tone, fs, anchor);
                ramp_into(buf, &cell, q0, (i0, i1), &mut fig);
            }
        }
    }
    stats.calib_clamped += fig.clamped();
    stats.calib_max_ratio = stats.calib_max_ratio.max(fig.max_ratio());
}
