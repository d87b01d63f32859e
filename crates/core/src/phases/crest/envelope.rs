//! The complex envelope of a multitone and the smooth peak objective the optimiser
//! minimises.
//!
//! With a reference frequency `f_r`, the real multitone is
//! `y(t) = Im(exp(i 2 pi f_r t) z(t))` where
//! `z(t) = sum_k a_k exp(i (2 pi (f_k - f_r) t + phi_k))`. So `|y| <= |z|`, with equality
//! wherever the carrier lines up with the envelope, which over a segment many envelope
//! periods long happens at essentially every envelope peak: the envelope peak is the
//! peak the hardware sees. The envelope's bandwidth is the tone spread, not the highest
//! frequency, so a few samples per cycle of the spread resolve it.
//!
//! The objective is `ln( (mean_j u_j^q)^(1/q) / mean_j u_j )` with `u_j = |z(t_j)|^2`;
//! `q` is a power of two (exact repeated squaring, no `powf`), and as `q` grows it tends
//! to the log of the envelope's peak-to-average power on the grid. Its gradient with
//! respect to the free phases is analytic.

use super::direct::Direct;
use super::grid::{cis, repetition_period_s, MIN_PERIOD_S};
use super::spectral::Spectral;

/// Most envelope samples at the finest oversampling used.
const MAX_SAMPLES: usize = 16384;
/// Most tone-samples (tones times samples) of a directly summed envelope: bounds the
/// cost of one evaluation when tones are not on a common grid.
const MAX_DIRECT_WORK: usize = 1 << 17;
/// Fewest envelope samples.
const MIN_SAMPLES: usize = 32;
/// The finest oversampling a layout must support.
pub(crate) const MAX_OVERSAMPLING: f64 = 16.0;
/// Tones closer to a common grid than this (in cycles per envelope period) are on it.
const GRID_TOLERANCE: f64 = 1e-6;

/// A tone of the envelope; the phase is used for fixed tones only.
#[derive(Clone, Copy, Debug)]
pub(crate) struct EnvelopeTone {
    pub freq_hz: f64,
    pub amp: f64,
    pub phase: f64,
}

/// Where the envelope is sampled: one period, at a chosen number of samples per cycle of
/// the tone spread.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct Layout {
    kind: Kind,
    /// Cycles of the tone spread (highest minus lowest frequency) in one period.
    spread_cycles: f64,
    tones: usize,
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum Kind {
    /// Every frequency is `origin_hz + n step_hz` with an integer `n`: the envelope
    /// repeats every `1 / step_hz` and is sampled by FFT.
    Spectral { origin_hz: f64, step_hz: f64 },
    /// Anything else: the span of the measurement grid (two assumed repetition periods,
    /// see [`repetition_period_s`]), summed directly around `centre_hz`.
    Direct { centre_hz: f64, period_s: f64 },
}

impl Layout {
    /// The layout for the (finite) frequencies of the tones that sound.
    pub(crate) fn plan(freqs_hz: &[f64]) -> Self {
        let tones = freqs_hz.len();
        let lo = freqs_hz.iter().copied().fold(f64::INFINITY, f64::min);
        let hi = freqs_hz.iter().copied().fold(f64::NEG_INFINITY, f64::max);
        if hi <= lo {
            let kind = Kind::Direct {
                centre_hz: if lo.is_finite() { lo } else { 0.0 },
                period_s: MIN_PERIOD_S,
            };
            return Self {
                kind,
                spread_cycles: 0.0,
                tones,
            };
        }
        let mut sorted = freqs_hz.to_vec();
        sorted.sort_by(f64::total_cmp);
        let spacing = sorted
            .windows(2)
            .map(|w| w[1] - w[0])
            .filter(|d| *d > 0.0)
            .fold(f64::INFINITY, f64::min);
        let ratio = (hi - lo) / spacing;
        let mut sub = 1.0;
        while (ratio * sub).round() * MAX_OVERSAMPLING <= MAX_SAMPLES as f64 {
            let step = spacing / sub;
            let on_grid = freqs_hz.iter().all(|f| {
                let n = (f - lo) / step;
                (n - n.round()).abs() <= GRID_TOLERANCE
            });
            if on_grid {
                return Self {
                    kind: Kind::Spectral {
                        origin_hz: lo,
                        step_hz: step,
                    },
                    spread_cycles: ((hi - lo) / step).round(),
                    tones,
                };
            }
            sub += 1.0;
        }
        // Not periodic: sample the whole span the measurement grid covers.
        let period_s = 2.0 * repetition_period_s(freqs_hz);
        Self {
            kind: Kind::Direct {
                centre_hz: 0.5 * (lo + hi),
                period_s,
            },
            spread_cycles: (hi - lo) * period_s,
            tones,
        }
    }

    /// The period over which a chirp seed sweeps: the envelope's period on a common
    /// grid, else the assumed repetition period (half the sampled span).
    pub(crate) fn sweep_period_s(&self) -> f64 {
        match self.kind {
            Kind::Spectral { step_hz, .. } => 1.0 / step_hz,
            Kind::Direct { period_s, .. } => 0.5 * period_s,
        }
    }

    /// Time covered by the samples.
    pub(crate) fn period_s(&self) -> f64 {
        match self.kind {
            Kind::Spectral { step_hz, .. } => 1.0 / step_hz,
            Kind::Direct { period_s, .. } => period_s,
        }
    }

    /// Number of samples at `oversampling` samples per cycle of the spread (a power of
    /// two for the FFT).
    pub(crate) fn samples(&self, oversampling: f64) -> usize {
        let wanted = (oversampling * self.spread_cycles).ceil() as usize;
        match self.kind {
            Kind::Spectral { .. } => wanted.next_power_of_two().max(MIN_SAMPLES),
            Kind::Direct { .. } => wanted
                .max(2 * self.tones)
                .min(MAX_DIRECT_WORK / self.tones.max(1))
                .clamp(MIN_SAMPLES, MAX_SAMPLES),
        }
    }
}

enum Sampler {
    Direct(Direct),
    Spectral(Spectral),
}

/// The envelope of the free tones (phases variable) plus the fixed tones (phases given).
pub(crate) struct Envelope {
    sampler: Sampler,
    amps: Vec<f64>,
    zr: Vec<f64>,
    zi: Vec<f64>,
    vr: Vec<f64>,
    vi: Vec<f64>,
    u: Vec<f64>,
    coef: Vec<(f64, f64)>,
    corr: Vec<(f64, f64)>,
    evaluations: u64,
}

impl Envelope {
    pub(crate) fn new(
        layout: &Layout,
        oversampling: f64,
        free: &[EnvelopeTone],
        fixed: &[EnvelopeTone],
    ) -> Self {
        let m = layout.samples(oversampling);
        let sampler = match layout.kind {
            Kind::Spectral { origin_hz, step_hz } => {
                Sampler::Spectral(Spectral::new(free, fixed, m, |f| {
                    ((f - origin_hz) / step_hz).round() as usize
                }))
            }
            Kind::Direct {
                centre_hz,
                period_s,
            } => Sampler::Direct(Direct::new(free, fixed, centre_hz, period_s / m as f64, m)),
        };
        Self {
            sampler,
            amps: free.iter().map(|t| t.amp).collect(),
            zr: vec![0.0; m],
            zi: vec![0.0; m],
            vr: vec![0.0; m],
            vi: vec![0.0; m],
            u: vec![0.0; m],
            coef: vec![(0.0, 0.0); free.len()],
            corr: vec![(0.0, 0.0); free.len()],
            evaluations: 0,
        }
    }

    /// Objective and gradient evaluations so far.
    pub(crate) fn evaluations(&self) -> u64 {
        self.evaluations
    }

    /// Envelope samples for the free phases `x` into `zr`, `zi`.
    fn synthesise(&mut self, x: &[f64]) {
        for ((c, &phase), &amp) in self.coef.iter_mut().zip(x).zip(&self.amps) {
            let (re, im) = cis(phase);
            *c = (amp * re, amp * im);
        }
        match &self.sampler {
            Sampler::Direct(d) => d.synthesise(&self.coef, &mut self.zr, &mut self.zi),
            Sampler::Spectral(s) => s.synthesise(&self.coef, &mut self.zr, &mut self.zi),
        }
    }

    /// Peak-to-average power of the envelope on the grid for the free phases `x`.
    pub(crate) fn peak_to_average(&mut self, x: &[f64]) -> f64 {
        self.synthesise(x);
        let (mut peak, mut sum) = (0.0f64, 0.0);
        for (r, i) in self.zr.iter().zip(&self.zi) {
            let u = r * r + i * i;
            peak = peak.max(u);
            sum += u;
        }
        if sum == 0.0 {
            return 1.0;
        }
        peak / (sum / self.zr.len() as f64)
    }

    /// The objective for `q = 2^log2_q` at free phases `x`; writes its gradient to `grad`.
    pub(crate) fn eval(&mut self, log2_q: u32, x: &[f64], grad: &mut [f64]) -> f64 {
        self.evaluations += 1;
        self.synthesise(x);
        let m = self.zr.len();
        let (u_max, u_sum) = powers(&self.zr, &self.zi, &mut self.u);
        if u_max == 0.0 {
            grad.fill(0.0);
            return 0.0;
        }
        // vr becomes r^(q-1) with r = u / u_max (vi holds the running power r^(2^i)).
        let inv = 1.0 / u_max;
        for ((v, p), &u) in self.vr.iter_mut().zip(self.vi.iter_mut()).zip(&self.u) {
            *v = u * inv;
            *p = *v;
        }
        for _ in 1..log2_q {
            for (v, p) in self.vr.iter_mut().zip(self.vi.iter_mut()) {
                *p *= *p;
                *v *= *p;
            }
        }
        let sum_q = lane_sum(self.vr.iter().zip(&self.u).map(|(v, u)| v * (u * inv)));
        let q = f64::from(1u32 << log2_q);
        let value =
            libm::log(u_max) + libm::log(sum_q / m as f64) / q - libm::log(u_sum / m as f64);
        // d value / d u_j = r_j^(q-1) / (u_max sum_q) - 1 / u_sum; v = (d value / d u) z.
        let (scale, mean_weight) = (inv / sum_q, 1.0 / u_sum);
        for j in 0..m {
            let w = self.vr[j] * scale - mean_weight;
            self.vr[j] = w * self.zr[j];
            self.vi[j] = w * self.zi[j];
        }
        match &self.sampler {
            Sampler::Direct(d) => d.correlate(&self.vr, &self.vi, &mut self.corr),
            Sampler::Spectral(s) => s.correlate(&mut self.vr, &mut self.vi, &mut self.corr),
        }
        // d u_j / d phi_k = -2 Im(conj(z_j) c_k e_kj).
        for ((g, &(cr, ci)), &(gr, gi)) in grad.iter_mut().zip(&self.coef).zip(&self.corr) {
            *g = -2.0 * (cr * gi + ci * gr);
        }
        value
    }
}

/// Lanes of the explicit-order reductions (a fixed summation order, so results do not
/// depend on the target's vector width).
const LANES: usize = 4;

/// `u_j = |z_j|^2`; returns the largest and the sum (summed in lane order).
fn powers(zr: &[f64], zi: &[f64], u: &mut [f64]) -> (f64, f64) {
    let mut max = [0.0f64; LANES];
    let mut sum = [0.0f64; LANES];
    for (j, ((u, &r), &i)) in u.iter_mut().zip(zr).zip(zi).enumerate() {
        let v = r * r + i * i;
        *u = v;
        let l = j % LANES;
        if v > max[l] {
            max[l] = v;
        }
        sum[l] += v;
    }
    let max = max.iter().fold(0.0f64, |a, &b| if b > a { b } else { a });
    ((max), (sum[0] + sum[1]) + (sum[2] + sum[3]))
}

/// The sum of `values` in lane order.
fn lane_sum(values: impl Iterator<Item = f64>) -> f64 {
    let mut sum = [0.0f64; LANES];
    for (j, v) in values.enumerate() {
        sum[j % LANES] += v;
    }
    (sum[0] + sum[1]) + (sum[2] + sum[3])
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tone(freq_hz: f64, amp: f64) -> EnvelopeTone {
        EnvelopeTone {
            freq_hz,
            amp,
            phase: 0.0,
        }
    }

    fn free_tones() -> Vec<EnvelopeTone> {
        vec![
            tone(93e6, 1.0),
            tone(98e6, 0.6),
            tone(103e6, 1.3),
            tone(108e6, 0.9),
        ]
    }

    fn fixed_tones() -> Vec<EnvelopeTone> {
        vec![EnvelopeTone {
            freq_hz: 100e6,
            amp: 0.8,
            phase: 1.2,
        }]
    }

    /// Samples at `OVERSAMPLING` of 4 or 16, by FFT and directly (93 samples).
    fn layouts() -> [(Layout, f64); 3] {
        let direct = Layout {
            kind: Kind::Direct {
                centre_hz: 100e6,
                period_s: 1e-6,
            },
            spread_cycles: 93.0 / 4.0,
            tones: 5,
        };
        let spectral = Layout::plan(&[93e6, 98e6, 103e6, 108e6, 100e6]);
        [(spectral, 4.0), (spectral, 16.0), (direct, 4.0)]
    }

    #[test]
    fn plans_fft_for_tones_on_a_grid_only() {
        let (spectral, _) = layouts()[0];
        assert_eq!(
            spectral.kind,
            Kind::Spectral {
                origin_hz: 93e6,
                step_hz: 1e6
            }
        );
        assert_eq!(spectral.samples(4.0), 64);
        assert_eq!(spectral.period_s(), 1e-6);
        let half = Layout::plan(&[90e6, 91e6, 92.5e6]);
        assert!(matches!(half.kind, Kind::Spectral { step_hz, .. } if step_hz == 0.5e6));
        let off = Layout::plan(&[90e6, 91e6, 92.000_123_4e6]);
        assert!(matches!(off.kind, Kind::Direct { .. }));
        // The direct span is that of the measurement grid: two periods of the spacing.
        assert!((off.period_s() - 2e-6).abs() < 1e-18);
        assert!(matches!(
            Layout::plan(&[5e6, 5e6]).kind,
            Kind::Direct { .. }
        ));
    }

    #[test]
    fn direct_work_is_bounded() {
        let freqs: Vec<f64> = (0..200)
            .map(|k| 80e6 + 0.2e6 * k as f64 + 1e-3 * (k * k) as f64)
            .collect();
        let layout = Layout::plan(&freqs);
        assert!(matches!(layout.kind, Kind::Direct { .. }));
        assert!(200 * layout.samples(16.0) <= MAX_DIRECT_WORK);
    }

    #[test]
    fn gradient_matches_finite_differences() {
        let x = [0.3, 2.0, 4.1, 5.5];
        for (layout, osr) in layouts() {
            let mut env = Envelope::new(&layout, osr, &free_tones(), &fixed_tones());
            for log2_q in [1, 3, 6] {
                let mut grad = [0.0; 4];
                env.eval(log2_q, &x, &mut grad);
                for k in 0..4 {
                    let h = 1e-6;
                    let (mut xp, mut xm) = (x, x);
                    xp[k] += h;
                    xm[k] -= h;
                    let mut scratch = [0.0; 4];
                    let fp = env.eval(log2_q, &xp, &mut scratch);
                    let fm = env.eval(log2_q, &xm, &mut scratch);
                    let fd = (fp - fm) / (2.0 * h);
                    assert!(
                        (fd - grad[k]).abs() < 1e-6 * (1.0 + fd.abs()),
                        "{layout:?} q=2^{log2_q} k={k}: {fd} vs {}",
                        grad[k]
                    );
                }
            }
        }
    }

    #[test]
    fn fft_and_direct_sampling_agree_on_a_grid() {
        let (spectral, osr) = layouts()[0];
        // The same 64 samples, summed directly.
        let direct = Layout {
            kind: Kind::Direct {
                centre_hz: 93e6,
                period_s: spectral.period_s(),
            },
            spread_cycles: 16.0,
            ..spectral
        };
        assert_eq!(direct.samples(osr), spectral.samples(osr));
        let x = [0.3, 2.0, 4.1, 5.5];
        let mut a = Envelope::new(&spectral, osr, &free_tones(), &fixed_tones());
        let mut b = Envelope::new(&direct, osr, &free_tones(), &fixed_tones());
        let (mut ga, mut gb) = ([0.0; 4], [0.0; 4]);
        let (fa, fb) = (a.eval(4, &x, &mut ga), b.eval(4, &x, &mut gb));
        assert!((fa - fb).abs() < 1e-12, "{fa} vs {fb}");
        for k in 0..4 {
            assert!((ga[k] - gb[k]).abs() < 1e-12, "{ga:?} vs {gb:?}");
        }
        assert_eq!(a.evaluations(), 1);
    }

    #[test]
    fn objective_tends_to_peak_to_average_power() {
        let x = [0.3, 2.0, 4.1, 5.5];
        for (layout, osr) in layouts() {
            let mut env = Envelope::new(&layout, osr, &free_tones(), &fixed_tones());
            let papr = env.peak_to_average(&x);
            let mut grad = [0.0; 4];
            let f = env.eval(12, &x, &mut grad);
            assert!(
                (f.exp() - papr).abs() < 2e-3 * papr,
                "{} vs {papr}",
                f.exp()
            );
            assert!(f.exp() <= papr * (1.0 + 1e-12));
        }
    }
}
