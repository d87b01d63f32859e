//! Optical-power calibration (sin² model, docs/semantics.md §7.3): optical power to RF
//! amplitude in mV.

use std::f64::consts::FRAC_2_PI;

use awgsf_plugin_api::Sin2Calibration;

/// Evaluates a polynomial with coefficients highest power first (Horner).
#[inline]
pub fn horner(coeffs_high_first: &[f64], x: f64) -> f64 {
    coeffs_high_first.iter().fold(0.0, |acc, &c| acc * x + c)
}

/// Normalised frequency `x = clip((f - mid) / half, -1, 1)` over `[f_min, f_max]`.
#[inline]
pub fn normalised_freq(freq_min_hz: f64, freq_max_hz: f64, f_hz: f64) -> f64 {
    let mid = 0.5 * (freq_min_hz + freq_max_hz);
    let half = 0.5 * (freq_max_hz - freq_min_hz);
    ((f_hz - mid) / half).clamp(-1.0, 1.0)
}

/// Normalised frequency of a calibration.
#[inline]
pub fn calib_x(cal: &Sin2Calibration, f_hz: f64) -> f64 {
    normalised_freq(cal.freq_min_hz, cal.freq_max_hz, f_hz)
}

/// `g = max(poly(g_poly, x), min_g)` and `v0 = sqrt(poly(v0_poly, x)^2 + min_v0_sq)`
/// at normalised frequency `x`: the one implementation of these two formulas.
#[inline]
pub fn g_v0_at(g_poly: &[f64], v0_poly: &[f64], min_g: f64, min_v0_sq: f64, x: f64) -> (f64, f64) {
    let g = horner(g_poly, x).max(min_g);
    let a = horner(v0_poly, x);
    (g, (a * a + min_v0_sq).sqrt())
}

/// Reachable optical power `g` and RF amplitude scale `v0` (mV) at a frequency.
#[inline]
pub fn calib_g_v0(cal: &Sin2Calibration, f_hz: f64) -> (f64, f64) {
    g_v0_at(
        &cal.g_poly,
        &cal.v0_poly,
        cal.min_g,
        cal.min_v0_sq,
        calib_x(cal, f_hz),
    )
}

/// An optical power converted to an RF amplitude.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct CalibratedAmp {
    /// RF amplitude, mV.
    pub mv: f64,
    /// Requested fraction of the reachable power, `max(p, 0) / g`.
    pub ratio: f64,
    /// Whether the request exceeded `1 - y_eps` and was clamped.
    pub clamped: bool,
}

/// RF amplitude for optical power `p` given `g` and `v0`:
/// `v0 (2 / pi) asin(sqrt(clip(max(p, 0) / g, 0, 1 - y_eps)))`.
#[inline]
pub fn rf_from_power(g: f64, v0: f64, y_eps: f64, p: f64) -> CalibratedAmp {
    let ratio = p.max(0.0) / g;
    let cap = 1.0 - y_eps;
    let y = ratio.clamp(0.0, cap);
    CalibratedAmp {
        mv: v0 * FRAC_2_PI * y.sqrt().asin(),
        ratio,
        clamped: ratio > cap,
    }
}

/// RF amplitude (mV) that yields optical power `p` at frequency `f_hz`.
pub fn calibrated_amplitude(cal: &Sin2Calibration, f_hz: f64, p: f64) -> CalibratedAmp {
    let (g, v0) = calib_g_v0(cal, f_hz);
    rf_from_power(g, v0, cal.y_eps, p)
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::std_types::RVec;

    /// The synthetic calibration of the golden sample case (40-200 kHz).
    fn golden() -> Sin2Calibration {
        Sin2Calibration {
            g_poly: RVec::from(vec![0.05, -0.1, 1.0]),
            v0_poly: RVec::from(vec![-20.0, 10.0, 300.0]),
            freq_min_hz: 40e3,
            freq_max_hz: 200e3,
            min_g: 1e-12,
            min_v0_sq: 1e-12,
            y_eps: 1e-6,
        }
    }

    #[test]
    fn horner_is_highest_power_first() {
        assert_eq!(horner(&[2.0, 3.0, 4.0], 10.0), 234.0);
        assert_eq!(horner(&[], 3.0), 0.0);
    }

    #[test]
    fn hand_computed_values() {
        let cal = golden();
        // Mid frequency: x = 0, g = 1, v0 = sqrt(300^2 + 1e-12).
        let a = calibrated_amplitude(&cal, 120e3, 0.5);
        // asin(sqrt(0.5)) = pi/4, so A = v0 / 2.
        assert!((a.mv - 150.0).abs() < 1e-9, "{}", a.mv);
        assert_eq!(a.ratio, 0.5);
        assert!(!a.clamped);
        // x = 0.5 (f = 160 kHz): g = 0.05/4 - 0.05 + 1 = 0.9625; v0 = -5 + 5 + 300.
        let b = calibrated_amplitude(&cal, 160e3, 0.9625 * 0.25);
        // asin(0.5) = pi/6 -> A = 300 / 3.
        assert!((b.mv - 100.0).abs() < 1e-9, "{}", b.mv);
        // Below the range x clips to -1: g = 0.05 + 0.1 + 1 = 1.15, v0 = -20 - 10 + 300.
        let c = calibrated_amplitude(&cal, 1e3, 1.15 * 0.75);
        // asin(sqrt(3)/2) = pi/3 -> A = 270 * 2/3.
        assert!((c.mv - 180.0).abs() < 1e-9, "{}", c.mv);
    }

    #[test]
    fn requests_above_reach_are_clamped_and_negative_ones_are_zero() {
        let cal = golden();
        let a = calibrated_amplitude(&cal, 120e3, 2.0);
        assert!(a.clamped);
        assert_eq!(a.ratio, 2.0);
        let full = 300.0 * FRAC_2_PI * (1.0 - 1e-6f64).sqrt().asin();
        assert!((a.mv - full).abs() < 1e-9);
        let z = calibrated_amplitude(&cal, 120e3, -1.0);
        assert_eq!(z.mv, 0.0);
        assert_eq!(z.ratio, 0.0);
        assert!(!z.clamped);
    }
}
