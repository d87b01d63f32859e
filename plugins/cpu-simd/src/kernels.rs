//! Inner loops over one cell of a part: fixed-width chunks of [`LANES`] samples,
//! written as plain loops over lane arrays so that they auto-vectorise (the caller
//! compiles them once per instruction set).
//!
//! A *cell* is a run of [`CELL`] samples starting at a multiple of [`CELL`] from the
//! start of its part. Every cell re-anchors every tone at its first sample with the
//! exact closed-form phase, and a sample's value depends only on its cell and its
//! offset in the cell: how a job's range is split never changes a byte. The kernels
//! always compute whole chunks from the chunk holding the first requested sample;
//! lanes outside the request are computed and discarded.

// Lane loops index several lane arrays in lockstep; that is the shape that vectorises.
#![allow(clippy::needless_range_loop)]

use std::f64::consts::FRAC_2_PI;

use awgsf_math::LocalPhase;

use crate::fastmath::{asin_sqrt, exp, sin_turns};
use crate::prepare::{AmpModel, Calib, FreqModel};
use crate::simd::F64s;

/// Samples per chunk: the width of every lane array.
pub const LANES: usize = 16;

/// Anchor spacing within a part, samples.
pub const CELL: u64 = 4096;

/// One steady tone's phasor lanes at chunk 0 of a cell and its per-chunk step.
#[derive(Clone, Copy)]
pub struct Phasor {
    /// Real parts at the lanes of chunk 0, amplitude included (1 for amplitude ramps).
    pub re: [f64; LANES],
    /// Imaginary parts at the lanes of chunk 0 (a steady tone's values there, mV).
    pub im: [f64; LANES],
    /// Real part of the per-chunk step `w^LANES`.
    pub step_re: f64,
    /// Imaginary part of the per-chunk step `w^LANES`.
    pub step_im: f64,
}

/// Multiplies every lane of `T` phasors by their step (`w^LANES`).
#[inline(always)]
unsafe fn advance<S: F64s, const N: usize, const T: usize>(
    re: &mut [[S; N]; T],
    im: &mut [[S; N]; T],
    wr: &[S; T],
    wi: &[S; T],
) {
    for t in 0..T {
        for v in 0..N {
            let r = re[t][v].mul_add(wr[t], im[t][v].mul(wi[t]).neg());
            let i = re[t][v].mul_add(wi[t], im[t][v].mul(wr[t]));
            re[t][v] = r;
            im[t][v] = i;
        }
    }
}

/// Loads `T` phasors into vectors: `(re, im, step_re, step_im)`.
#[inline(always)]
#[allow(clippy::type_complexity)]
unsafe fn load_phasors<S: F64s, const N: usize, const T: usize>(
    tones: [&Phasor; T],
) -> ([[S; N]; T], [[S; N]; T], [S; T], [S; T]) {
    debug_assert_eq!(N * S::W, LANES);
    let zero = S::splat(0.0);
    let mut re = [[zero; N]; T];
    let mut im = [[zero; N]; T];
    let mut wr = [zero; T];
    let mut wi = [zero; T];
    for t in 0..T {
        for v in 0..N {
            re[t][v] = S::load(tones[t].re.as_ptr().add(v * S::W));
            im[t][v] = S::load(tones[t].im.as_ptr().add(v * S::W));
        }
        wr[t] = S::splat(tones[t].step_re);
        wi[t] = S::splat(tones[t].step_im);
    }
    (re, im, wr, wi)
}

/// Adds the imaginary parts of `T` rotating phasors to `acc`, chunk by chunk
/// (`acc += im_0 + im_1 + ...`), with `N` vectors of `S` per chunk
/// (`N * S::W == LANES`).
///
/// Lane `l` of chunk `q` (counted from the cell start) holds `z0 w^(q LANES + l)`.
/// The first `skip` chunks are stepped through without accumulating, so the chunks
/// that are kept have the same values whichever chunk a request starts at. Several
/// tones per pass hide each other's recurrence latency and read `acc` once.
///
/// # Safety
/// The CPU must support `S`'s instruction set.
#[inline(always)]
pub unsafe fn rotate_into<S: F64s, const N: usize, const T: usize>(
    acc: &mut [f64],
    tones: [&Phasor; T],
    skip: usize,
) {
    let (mut re, mut im, wr, wi) = load_phasors::<S, N, T>(tones);
    for _ in 0..skip {
        advance(&mut re, &mut im, &wr, &wi);
    }
    for chunk in acc.chunks_exact_mut(LANES) {
        for v in 0..N {
            let p = chunk.as_mut_ptr().add(v * S::W);
            let mut sum = im[0][v];
            for lanes in im.iter().skip(1) {
                sum = sum.add(lanes[v]);
            }
            S::load(p).add(sum).store(p);
        }
        advance(&mut re, &mut im, &wr, &wi);
    }
}

/// Adds a tone at a fixed frequency whose amplitude moves: the unit phasor rotates
/// as in [`rotate_into`] and every chunk is scaled by the per-sample amplitude of
/// [`amplitude_chunk`].
///
/// # Safety
/// The CPU must support `S`'s instruction set.
#[inline(always)]
pub unsafe fn rotate_ramp_into<S: F64s, const N: usize>(
    acc: &mut [f64],
    tone: &Phasor,
    cell: &RampCell<'_>,
    q0: usize,
    valid: (usize, usize),
    fig: &mut CalibFigures,
) {
    let (mut re, mut im, wr, wi) = load_phasors::<S, N, 1>([tone]);
    for _ in 0..q0 {
        advance(&mut re, &mut im, &wr, &wi);
    }
    for (qi, chunk) in acc.chunks_exact_mut(LANES).enumerate() {
        let a = amplitude_chunk(cell, (q0 + qi) * LANES, valid, fig);
        for v in 0..N {
            let p = chunk.as_mut_ptr().add(v * S::W);
            S::load(a.as_ptr().add(v * S::W))
                .mul_add(im[0][v], S::load(p))
                .store(p);
        }
        advance(&mut re, &mut im, &wr, &wi);
    }
}

/// Everything a ramp tone needs inside one cell.
pub struct RampCell<'a> {
    /// Exact turns (phase / 2 pi, start phase included) at the cell's first sample.
    pub turns0: f64,
    /// Cycles advanced after the cell's first sample.
    pub phase: LocalPhase,
    /// The cell's first sample, counted from the part start.
    pub anchor: u64,
    /// `1 / n_samples` of the part.
    pub inv_n: f64,
    /// Requested amplitude model of the tone (mV, or optical power when calibrated).
    pub amp: AmpModel,
    /// Frequency model of the tone, present on calibrated channels only.
    pub freq: Option<FreqModel>,
    /// Calibration of the channel, if any.
    pub calib: Option<&'a Calib>,
}

/// Calibration figures of the samples a ramp kernel was asked for, kept per lane
/// so that the updates vectorise.
#[derive(Clone, Copy, Debug)]
pub struct CalibFigures {
    clamped: [f64; LANES],
    max_ratio: [f64; LANES],
}

impl Default for CalibFigures {
    fn default() -> Self {
        CalibFigures {
            clamped: [0.0; LANES],
            max_ratio: [0.0; LANES],
        }
    }
}

impl CalibFigures {
    /// Tone-samples clamped by the calibration.
    pub fn clamped(&self) -> u64 {
        self.clamped.iter().sum::<f64>() as u64
    }

    /// Largest requested fraction of reachable power.
    pub fn max_ratio(&self) -> f64 {
        self.max_ratio
            .iter()
            .fold(0.0, |m, &r| if r > m { r } else { m })
    }
}

#[inline(always)]
fn horner_lanes(coeffs: &[f64], x: &[f64; LANES]) -> [f64; LANES] {
    let mut y = [0.0f64; LANES];
    for &c in coeffs {
        for l in 0..LANES {
            y[l] = y[l].mul_add(x[l], c);
        }
    }
    y
}

#[inline(always)]
fn min_jerk_lanes(u: &[f64; LANES]) -> [f64; LANES] {
    let mut s = [0.0; LANES];
    for l in 0..LANES {
        let v = u[l];
        s[l] = v * v * v * 6.0f64.mul_add(v, -15.0).mul_add(v, 10.0);
    }
    s
}

#[inline(always)]
fn amp_lanes(model: AmpModel, k: &[f64; LANES], u: &[f64; LANES]) -> [f64; LANES] {
    let mut a = [0.0; LANES];
    match model {
        AmpModel::Const(v) => a = [v; LANES],
        AmpModel::Linear { s, d } => {
            for l in 0..LANES {
                a[l] = d.mul_add(u[l], s);
            }
        }
        AmpModel::MinJerk { s, d } => {
            let w = min_jerk_lanes(u);
            for l in 0..LANES {
                a[l] = d.mul_add(w[l], s);
            }
        }
        AmpModel::Exp { e, d, rate } => {
            for l in 0..LANES {
                a[l] = d.mul_add(exp(-k[l] * rate), e);
            }
        }
        AmpModel::Step { s, e } => {
            for l in 0..LANES {
                a[l] = if k[l] == 0.0 { s } else { e };
            }
        }
        AmpModel::Geo { s, lnr } => {
            for l in 0..LANES {
                a[l] = s * exp(lnr * u[l]);
            }
        }
        AmpModel::Adiabatic { ia, ib } => {
            for l in 0..LANES {
                let v = u[l];
                let w = v * v * (-2.0f64).mul_add(v, 3.0);
                a[l] = 1.0 / (1.0 - w).mul_add(ia, w * ib);
            }
        }
    }
    a
}

/// Calibrated RF amplitude of every lane of the chunk at cell-relative `base`;
/// updates `fig` for the lanes inside `valid` (cell-relative).
#[inline(always)]
fn calibrate_lanes(
    cal: &Calib,
    freq: FreqModel,
    p: &[f64; LANES],
    u: &[f64; LANES],
    base: usize,
    valid: (usize, usize),
    fig: &mut CalibFigures,
) -> [f64; LANES] {
    let mut ratio = [0.0; LANES];
    let v0 = match freq {
        FreqModel::Const { inv_g, v0 } => {
            for l in 0..LANES {
                ratio[l] = p[l].max(0.0) * inv_g;
            }
            [v0; LANES]
        }
        FreqModel::Moving { f0, d, min_jerk } => {
            let shape = if min_jerk { min_jerk_lanes(u) } else { *u };
            let mut x = [0.0; LANES];
            for l in 0..LANES {
                let f = d.mul_add(shape[l], f0);
                x[l] = ((f - cal.mid) * cal.inv_half).clamp(-1.0, 1.0);
            }
            let mut g = horner_lanes(&cal.g_poly, &x);
            let mut v0 = horner_lanes(&cal.v0_poly, &x);
            for l in 0..LANES {
                g[l] = g[l].max(cal.min_g);
                v0[l] = v0[l].mul_add(v0[l], cal.min_v0_sq).sqrt();
                ratio[l] = p[l].max(0.0) / g[l];
            }
            v0
        }
    };
    let mut out = [0.0; LANES];
    for l in 0..LANES {
        out[l] = v0[l] * FRAC_2_PI * asin_sqrt(ratio[l].min(cal.cap));
    }
    let lanes = fig.clamped.iter_mut().zip(fig.max_ratio.iter_mut());
    for (l, ((clamped, max_ratio), &ratio)) in lanes.zip(&ratio).enumerate() {
        let i = base + l;
        let r = if i >= valid.0 && i < valid.1 {
            ratio
        } else {
            0.0
        };
        *clamped += if r > cal.cap { 1.0 } else { 0.0 };
        *max_ratio = if r > *max_ratio { r } else { *max_ratio };
    }
    out
}

/// RF amplitude (mV) of the chunk of a ramp tone at cell-relative `base`.
#[inline(always)]
fn amplitude_chunk(
    cell: &RampCell<'_>,
    base: usize,
    valid: (usize, usize),
    fig: &mut CalibFigures,
) -> [f64; LANES] {
    let mut k = [0.0; LANES];
    let mut u = [0.0; LANES];
    for l in 0..LANES {
        k[l] = (cell.anchor + (base + l) as u64) as f64;
        u[l] = k[l] * cell.inv_n;
    }
    let p = amp_lanes(cell.amp, &k, &u);
    match (cell.calib, cell.freq) {
        (Some(cal), Some(freq)) => calibrate_lanes(cal, freq, &p, &u, base, valid, fig),
        _ => p,
    }
}

/// Adds one ramp tone to `acc`, which holds the chunks `q0..` of the cell; `valid`
/// is the requested cell-relative sample range (for the calibration figures).
#[inline(always)]
pub fn ramp_into(
    acc: &mut [f64],
    cell: &RampCell<'_>,
    q0: usize,
    valid: (usize, usize),
    fig: &mut CalibFigures,
) {
    let degree = cell.phase.degree;
    let coeffs = &cell.phase.coeffs[1..=degree];
    // A constant, uncalibrated amplitude (a tone that only moves) is the same value in
    // every lane: no per-chunk amplitude array, whose round trip through memory
    // would cost more than the sine.
    let constant = match (cell.amp, cell.calib) {
        (AmpModel::Const(v), None) => Some(v),
        _ => None,
    };
    for (qi, chunk) in acc.chunks_exact_mut(LANES).enumerate() {
        let base = (q0 + qi) * LANES;
        let mut idx = [0.0; LANES];
        for l in 0..LANES {
            idx[l] = (base + l) as f64;
        }
        // Cycles since the anchor: Horner over the local phase polynomial.
        let mut theta = [0.0f64; LANES];
        for &c in coeffs.iter().rev() {
            for l in 0..LANES {
                theta[l] = theta[l].mul_add(idx[l], c);
            }
        }
        for l in 0..LANES {
            theta[l] *= idx[l];
        }
        let mut s = [0.0; LANES];
        for l in 0..LANES {
            s[l] = sin_turns(cell.turns0 + theta[l]);
        }
        if let Some(v) = constant {
            for l in 0..LANES {
                chunk[l] = v.mul_add(s[l], chunk[l]);
            }
            continue;
        }
        let a = amplitude_chunk(cell, base, valid, fig);
        for l in 0..LANES {
            chunk[l] = a[l].mul_add(s[l], chunk[l]);
        }
    }
}
