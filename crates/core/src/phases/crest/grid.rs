//! Evaluation grids and the crest factor of the real multitone sampled on them.
//!
//! The multitone is `y(t) = sum_k a_k sin(2 pi f_k t + phi_k)`. It is rendered in blocks
//! of [`BLOCK`] samples: inside a block every tone is a fixed table of
//! `exp(i 2 pi f_k s / fs)` rotated by one complex coefficient per tone and block, so a
//! whole evaluation is a multiply-add per tone and sample with no transcendental calls.

use std::f64::consts::TAU;
use std::time::Instant;

use super::CrestError;

/// Sample rate of the measurement grid.
pub const MEASUREMENT_RATE_HZ: f64 = 5e9;
/// Shortest repetition period assumed for a tone set (also used when no two tones differ).
pub const MIN_PERIOD_S: f64 = 0.25e-6;
/// Longest repetition period assumed for a tone set (tones closer than 100 kHz).
pub const MAX_PERIOD_S: f64 = 10e-6;

/// Samples per block of the block renderer.
const BLOCK: usize = 256;
/// Block coefficients are recomputed exactly every this many blocks (rotated in between).
const BLOCK_ANCHOR: usize = 16;
/// Phasor tables are recomputed exactly every this many samples (rotated in between).
const TABLE_ANCHOR: usize = 16;

/// A uniform time grid `t_j = j / sample_rate_hz`, `0 <= j < len`.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Grid {
    sample_rate_hz: f64,
    len: usize,
}

impl Grid {
    /// A grid of `len` samples at `sample_rate_hz`, starting at `t = 0`.
    pub fn new(sample_rate_hz: f64, len: usize) -> Result<Self, CrestError> {
        if !(sample_rate_hz.is_finite() && sample_rate_hz > 0.0) {
            return Err(CrestError::Grid(format!(
                "sample rate must be finite and positive, got {sample_rate_hz}"
            )));
        }
        if len == 0 {
            return Err(CrestError::Grid("a grid needs at least one sample".into()));
        }
        Ok(Self {
            sample_rate_hz,
            len,
        })
    }

    /// The fine measurement grid: 5 GS/s over two repetition periods of the tone set,
    /// where the period is the inverse of the smallest non-zero frequency spacing,
    /// bounded to [`MIN_PERIOD_S`, `MAX_PERIOD_S`] (at most 100 000 samples).
    /// Non-finite frequencies are ignored.
    pub fn measurement(freqs_hz: &[f64]) -> Self {
        let samples = 2.0 * repetition_period_s(freqs_hz) * MEASUREMENT_RATE_HZ;
        // Whole sample counts that picked up rounding in the product stay whole.
        let len = if (samples - samples.round()).abs() < 1e-6 {
            samples.round()
        } else {
            samples.ceil()
        } as usize;
        Self {
            sample_rate_hz: MEASUREMENT_RATE_HZ,
            len,
        }
    }

    /// Samples per second.
    pub fn sample_rate_hz(&self) -> f64 {
        self.sample_rate_hz
    }

    /// Number of samples.
    pub fn len(&self) -> usize {
        self.len
    }

    /// Always false: a grid has at least one sample.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Time covered, `len / sample_rate_hz`.
    pub fn duration_s(&self) -> f64 {
        self.len as f64 / self.sample_rate_hz
    }
}

/// The inverse of the smallest non-zero spacing between the finite frequencies, bounded
/// to [`MIN_PERIOD_S`, `MAX_PERIOD_S`]; [`MIN_PERIOD_S`] when no two frequencies differ.
pub(crate) fn repetition_period_s(freqs_hz: &[f64]) -> f64 {
    let mut sorted: Vec<f64> = freqs_hz.iter().copied().filter(|f| f.is_finite()).collect();
    sorted.sort_by(f64::total_cmp);
    let spacing = sorted
        .windows(2)
        .map(|w| w[1] - w[0])
        .filter(|d| *d > 0.0)
        .fold(f64::INFINITY, f64::min);
    if spacing.is_finite() {
        (1.0 / spacing).clamp(MIN_PERIOD_S, MAX_PERIOD_S)
    } else {
        MIN_PERIOD_S
    }
}

/// `(cos x, sin x)` from the portable libm, so results agree on every platform.
pub(crate) fn cis(x: f64) -> (f64, f64) {
    let (s, c) = libm::sincos(x);
    (c, s)
}

/// `2 pi` times the fractional part of `cycles`: an accurate phase for large cycle counts.
fn turn_phase(cycles: f64) -> f64 {
    TAU * (cycles - cycles.floor())
}

/// Phasors `amp exp(i (2 pi cycles j + phase))` for `j` in `0..re.len()`: exact every
/// [`TABLE_ANCHOR`] entries, rotated by one step in between (so rounding cannot grow).
pub(crate) fn fill_phasors(cycles: f64, phase: f64, amp: f64, re: &mut [f64], im: &mut [f64]) {
    let step = cis(turn_phase(cycles));
    let mut cur = (0.0, 0.0);
    for (j, (re, im)) in re.iter_mut().zip(im.iter_mut()).enumerate() {
        if j % TABLE_ANCHOR == 0 {
            let (c, s) = cis(turn_phase(cycles * j as f64) + phase);
            cur = (amp * c, amp * s);
        }
        (*re, *im) = cur;
        cur = mul(cur, step);
    }
}

/// The real multitone of fixed frequencies on a fixed grid, ready to evaluate the crest
/// factor for many amplitude and phase vectors.
pub(crate) struct RealSignal {
    /// Frequencies in cycles per sample.
    cycles_per_sample: Vec<f64>,
    len: usize,
    /// `cos(2 pi f_k s / fs)`, tone-major, `BLOCK` entries per tone.
    table_re: Vec<f64>,
    /// `sin(2 pi f_k s / fs)`, same layout.
    table_im: Vec<f64>,
    /// `exp(i 2 pi f_k BLOCK / fs)`: the rotation from one block to the next.
    block_step: Vec<(f64, f64)>,
}

impl RealSignal {
    pub(crate) fn new(freqs_hz: &[f64], grid: &Grid) -> Self {
        let cycles_per_sample: Vec<f64> =
            freqs_hz.iter().map(|f| f / grid.sample_rate_hz).collect();
        let n = cycles_per_sample.len();
        let mut table_re = vec![0.0; n * BLOCK];
        let mut table_im = vec![0.0; n * BLOCK];
        let mut block_step = Vec::with_capacity(n);
        for (k, &c) in cycles_per_sample.iter().enumerate() {
            fill_phasors(
                c,
                0.0,
                1.0,
                &mut table_re[k * BLOCK..(k + 1) * BLOCK],
                &mut table_im[k * BLOCK..(k + 1) * BLOCK],
            );
            block_step.push(cis(turn_phase(c * BLOCK as f64)));
        }
        Self {
            cycles_per_sample,
            len: grid.len,
            table_re,
            table_im,
            block_step,
        }
    }

    /// `max|y| / rms(y)` over the grid; 0 for a signal that is zero everywhere.
    pub(crate) fn crest(&self, amps: &[f64], phases: &[f64]) -> f64 {
        self.crest_until(amps, phases, None)
            .expect("without a deadline the measurement completes")
    }

    /// [`RealSignal::crest`], or `None` when `deadline` passes first (checked every
    /// `BLOCK * BLOCK_ANCHOR` samples, so a large tone set stops within a fraction of
    /// its full cost).
    pub(crate) fn crest_until(
        &self,
        amps: &[f64],
        phases: &[f64],
        deadline: Option<Instant>,
    ) -> Option<f64> {
        let n = self.cycles_per_sample.len();
        let mut coef = vec![(0.0, 0.0); n];
        let mut acc = [0.0f64; BLOCK];
        let mut peak = 0.0f64;
        let mut sum_sq = 0.0f64;
        let blocks = self.len.div_ceil(BLOCK);
        for b in 0..blocks {
            if b % BLOCK_ANCHOR == 0 {
                // Checked where the phasors are re-anchored: once per 4096 samples.
                if deadline.is_some_and(|t| Instant::now() >= t) {
                    return None;
                }
                let start = (b * BLOCK) as f64;
                for k in 0..n {
                    let (c, s) = cis(turn_phase(self.cycles_per_sample[k] * start) + phases[k]);
                    coef[k] = (amps[k] * c, amps[k] * s);
                }
            } else {
                for (c, &step) in coef.iter_mut().zip(&self.block_step) {
                    *c = mul(*c, step);
                }
            }
            acc.fill(0.0);
            // Two tones per sweep over the block halve the accumulator traffic.
            let mut pairs = coef.chunks_exact(2).enumerate();
            for (p, c) in &mut pairs {
                let (k0, k1) = (2 * p * BLOCK, (2 * p + 1) * BLOCK);
                let (re0, im0) = (
                    &self.table_re[k0..k0 + BLOCK],
                    &self.table_im[k0..k0 + BLOCK],
                );
                let (re1, im1) = (
                    &self.table_re[k1..k1 + BLOCK],
                    &self.table_im[k1..k1 + BLOCK],
                );
                let ((c0r, c0i), (c1r, c1i)) = (c[0], c[1]);
                let tables = re0.iter().zip(im0).zip(re1.iter().zip(im1));
                for (a, ((&r0, &i0), (&r1, &i1))) in acc.iter_mut().zip(tables) {
                    *a += (c0r * i0 + c0i * r0) + (c1r * i1 + c1i * r1);
                }
            }
            if n % 2 == 1 {
                let k = (n - 1) * BLOCK;
                let (cr, ci) = coef[n - 1];
                let (re, im) = (&self.table_re[k..k + BLOCK], &self.table_im[k..k + BLOCK]);
                for ((a, &er), &ei) in acc.iter_mut().zip(re).zip(im) {
                    *a += cr * ei + ci * er;
                }
            }
            let valid = (self.len - b * BLOCK).min(BLOCK);
            for &y in &acc[..valid] {
                peak = peak.max(y.abs());
                sum_sq += y * y;
            }
        }
        if peak == 0.0 {
            return Some(0.0);
        }
        Some(peak / (sum_sq / self.len as f64).sqrt())
    }
}

fn mul(a: (f64, f64), b: (f64, f64)) -> (f64, f64) {
    (a.0 * b.0 - a.1 * b.1, a.0 * b.1 + a.1 * b.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn direct_crest(freqs: &[f64], amps: &[f64], phases: &[f64], grid: &Grid) -> f64 {
        let mut peak = 0.0f64;
        let mut sum_sq = 0.0;
        for j in 0..grid.len() {
            let t = j as f64 / grid.sample_rate_hz();
            let y: f64 = (0..freqs.len())
                .map(|k| amps[k] * (TAU * freqs[k] * t + phases[k]).sin())
                .sum();
            peak = peak.max(y.abs());
            sum_sq += y * y;
        }
        peak / (sum_sq / grid.len() as f64).sqrt()
    }

    #[test]
    fn block_renderer_matches_direct_sum() {
        let freqs = [90.1e6, 95.3e6, 101.7e6, 109.9e6];
        let amps = [1.0, 0.5, 2.0, 0.7];
        let phases = [0.3, 5.0, 1.1, 2.9];
        let grid = Grid::new(5e9, 5 * BLOCK * BLOCK_ANCHOR + 37).unwrap();
        let fast = RealSignal::new(&freqs, &grid).crest(&amps, &phases);
        let slow = direct_crest(&freqs, &amps, &phases, &grid);
        assert!((fast - slow).abs() < 1e-9, "{fast} vs {slow}");
    }

    #[test]
    fn single_tone_has_crest_sqrt2() {
        let grid = Grid::measurement(&[100e6]);
        let c = RealSignal::new(&[100e6], &grid).crest(&[3.0], &[0.4]);
        // 50 samples per period: the largest sample is within cos(pi / 50) of the peak.
        assert!(
            c <= 2f64.sqrt() && c > 2f64.sqrt() * (std::f64::consts::PI / 50.0).cos(),
            "{c}"
        );
    }

    #[test]
    fn measurement_grid_spans_two_periods_of_the_spacing() {
        let g = Grid::measurement(&[100e6, 90e6, 91e6, 91e6]);
        assert_eq!(g.len(), 10_000);
        assert_eq!(Grid::measurement(&[]).len(), 2500);
        assert_eq!(Grid::measurement(&[1.0, 2.0]).len(), 100_000);
    }

    #[test]
    fn silent_signal_has_crest_zero() {
        let grid = Grid::new(1e9, 100).unwrap();
        assert_eq!(RealSignal::new(&[1e6], &grid).crest(&[0.0], &[0.0]), 0.0);
    }

    #[test]
    fn bad_grid_is_an_error() {
        assert!(Grid::new(0.0, 10).is_err());
        assert!(Grid::new(f64::NAN, 10).is_err());
        assert!(Grid::new(1e9, 0).is_err());
    }
}
