//! Evaluation of the sin² optical-power calibration (SEMANTICS §7.3): `g(f)`,
//! `v0(f)` and the RF amplitude for a requested optical power, over borrowed
//! coefficients so that the host's [`Sin2Calib`](super::Sin2Calib) and the render
//! plan's [`Sin2Calibration`] evaluate through the same code.

use awgsf_plugin_api::Sin2Calibration;

pub use awgsf_math::horner;

/// Borrowed parameters of one channel's sin² calibration.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sin2View<'a> {
    /// Reachable optical power `g(x)`, highest power first.
    pub g_poly: &'a [f64],
    /// RF amplitude scale `v0(x)` (mV) before the floor, highest power first.
    pub v0_poly: &'a [f64],
    /// Lower end of the frequency range, Hz (`x = -1`).
    pub freq_min_hz: f64,
    /// Upper end of the frequency range, Hz (`x = +1`).
    pub freq_max_hz: f64,
    /// Floor of `g`.
    pub min_g: f64,
    /// Added under the square root of `v0`.
    pub min_v0_sq: f64,
    /// Requests are clamped to `1 - y_eps` of the reachable power.
    pub y_eps: f64,
}

impl<'a> From<&'a Sin2Calibration> for Sin2View<'a> {
    fn from(c: &'a Sin2Calibration) -> Self {
        Sin2View {
            g_poly: &c.g_poly,
            v0_poly: &c.v0_poly,
            freq_min_hz: c.freq_min_hz,
            freq_max_hz: c.freq_max_hz,
            min_g: c.min_g,
            min_v0_sq: c.min_v0_sq,
            y_eps: c.y_eps,
        }
    }
}

/// How a requested power was clamped on its way to an RF amplitude.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum PowerClamp {
    /// Within `[0, (1 - y_eps) g(f)]`: used as asked.
    #[default]
    None,
    /// Negative: treated as 0.
    Negative,
    /// Above `(1 - y_eps) g(f)`: the channel cannot give that much at this frequency.
    AboveReachable,
}

/// An RF amplitude with what was clamped to get it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RfAmplitude {
    /// RF amplitude, mV.
    pub mv: f64,
    /// The frequency was outside the calibrated range and was evaluated at its edge.
    pub freq_clamped: bool,
    /// What happened to the requested power.
    pub power_clamp: PowerClamp,
}

impl Sin2View<'_> {
    /// Centre of the frequency range, Hz.
    pub fn freq_mid_hz(&self) -> f64 {
        0.5 * (self.freq_min_hz + self.freq_max_hz)
    }

    /// Half the width of the frequency range, Hz.
    pub fn freq_halfspan_hz(&self) -> f64 {
        0.5 * (self.freq_max_hz - self.freq_min_hz)
    }

    /// Normalised frequency `(f - mid) / half` before clipping.
    fn x_raw(&self, freq_hz: f64) -> f64 {
        (freq_hz - self.freq_mid_hz()) / self.freq_halfspan_hz()
    }

    /// Normalised frequency, clipped to `[-1, 1]`.
    pub fn x(&self, freq_hz: f64) -> f64 {
        awgsf_math::normalised_freq(self.freq_min_hz, self.freq_max_hz, freq_hz)
    }

    /// `g` and `v0` at `freq_hz` (the renderers' formulas, from `awgsf-math`).
    fn g_v0(&self, freq_hz: f64) -> (f64, f64) {
        awgsf_math::g_v0_at(
            self.g_poly,
            self.v0_poly,
            self.min_g,
            self.min_v0_sq,
            self.x(freq_hz),
        )
    }

    /// Reachable optical power at `freq_hz` (floored at `min_g`).
    pub fn g(&self, freq_hz: f64) -> f64 {
        self.g_v0(freq_hz).0
    }

    /// RF amplitude scale at `freq_hz`, mV: `sqrt(poly(v0, x)^2 + min_v0_sq)`.
    pub fn v0(&self, freq_hz: f64) -> f64 {
        self.g_v0(freq_hz).1
    }

    /// Optical power the model predicts for RF amplitude `rf_mv` at `freq_hz`.
    pub fn power(&self, freq_hz: f64, rf_mv: f64) -> f64 {
        let s = (std::f64::consts::FRAC_PI_2 * rf_mv / self.v0(freq_hz)).sin();
        self.g(freq_hz) * s * s
    }

    /// RF amplitude (mV) that gives optical power `power` at `freq_hz`, with what
    /// had to be clamped: `v0 (2/pi) asin(sqrt(clip(max(p, 0) / g, 0, 1 - y_eps)))`.
    pub fn rf_amplitude(&self, freq_hz: f64, power: f64) -> RfAmplitude {
        let xr = self.x_raw(freq_hz);
        let (g, v0) = self.g_v0(freq_hz);
        let a = awgsf_math::rf_from_power(g, v0, self.y_eps, power);
        let power_clamp = if power < 0.0 {
            PowerClamp::Negative
        } else if a.clamped {
            PowerClamp::AboveReachable
        } else {
            PowerClamp::None
        };
        RfAmplitude {
            mv: a.mv,
            freq_clamped: !(-1.0..=1.0).contains(&xr),
            power_clamp,
        }
    }

    /// Frequency (Hz, rounded half to even) of the largest `g` on 4096 evenly spaced
    /// points of the range, endpoints included; the first of equal maxima. This is
    /// the `best_freq_hz` stored beside the coefficients.
    pub fn best_freq_hz(&self) -> i64 {
        const N: usize = 4096;
        let step = (self.freq_max_hz - self.freq_min_hz) / (N - 1) as f64;
        let mut best: Option<(f64, f64)> = None;
        for i in 0..N {
            let f = if i == N - 1 {
                self.freq_max_hz
            } else {
                i as f64 * step + self.freq_min_hz
            };
            let g = self.g(f);
            if g.is_finite() && best.is_none_or(|(_, bg)| g > bg) {
                best = Some((f, g));
            }
        }
        let f = best.map_or_else(|| self.freq_mid_hz(), |(f, _)| f);
        f.round_ties_even() as i64
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn view() -> Sin2View<'static> {
        Sin2View {
            g_poly: &[0.05, -0.1, 1.0],
            v0_poly: &[-20.0, 10.0, 300.0],
            freq_min_hz: 40e3,
            freq_max_hz: 200e3,
            min_g: 1e-12,
            min_v0_sq: 1e-12,
            y_eps: 1e-6,
        }
    }

    #[test]
    fn horner_is_highest_power_first() {
        assert_eq!(horner(&[2.0, 3.0, 5.0], 10.0), 235.0);
        assert_eq!(horner(&[], 3.0), 0.0);
    }

    #[test]
    fn rf_amplitude_inverts_power() {
        let v = view();
        for &f in &[40e3, 77e3, 120e3, 199e3] {
            for &p in &[0.0, 0.1, 0.5, 0.9] {
                let a = v.rf_amplitude(f, p);
                assert_eq!(a.power_clamp, PowerClamp::None);
                assert!(!a.freq_clamped);
                assert!((v.power(f, a.mv) - p).abs() < 1e-12, "f={f} p={p}");
            }
        }
    }

    #[test]
    fn rf_amplitude_reports_clamps() {
        let v = view();
        let a = v.rf_amplitude(250e3, 0.5);
        assert!(a.freq_clamped);
        assert_eq!(a.mv, v.rf_amplitude(200e3, 0.5).mv);
        assert_eq!(
            v.rf_amplitude(100e3, -0.1).power_clamp,
            PowerClamp::Negative
        );
        assert_eq!(v.rf_amplitude(100e3, -0.1).mv, 0.0);
        let top = v.rf_amplitude(100e3, 5.0);
        assert_eq!(top.power_clamp, PowerClamp::AboveReachable);
        let y: f64 = 1.0 - 1e-6;
        let expect = v.v0(100e3) * std::f64::consts::FRAC_2_PI * y.sqrt().asin();
        assert_eq!(top.mv, expect);
    }

    #[test]
    fn best_freq_is_where_g_peaks() {
        // g = 0.05 x^2 - 0.1 x + 1 is largest at x = -1.
        assert_eq!(view().best_freq_hz(), 40_000);
    }
}
