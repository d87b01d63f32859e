//! Interpolation of a tone parameter inside a part (docs/semantics.md §7.1).

use awgsf_plugin_api::InterpKind;

/// Floor applied to both ends of an adiabatic ramp.
pub const ADIABATIC_FLOOR: f64 = 0.005;

/// The fifth-order minimum-jerk smoothstep `u^3 (10 - 15u + 6u^2)`.
#[inline]
pub fn min_jerk_shape(u: f64) -> f64 {
    u * u * u * (10.0 + u * (-15.0 + 6.0 * u))
}

/// The cubic smoothstep `u^2 (3 - 2u)` that weights an adiabatic ramp.
#[inline]
pub fn adiabatic_weight(u: f64) -> f64 {
    u * u * (3.0 - 2.0 * u)
}

/// Value of a parameter going from `s` to `e` with `kind`, at sample `k` of an
/// `n`-sample part at `fs` Hz (`u = k / n`, `t = k / fs`).
///
/// `k = n` gives the end value the part moves towards: `e` for `linear`,
/// `min_jerk` and `geo_ramp`, `max(e, 0.005)` for `adiabatic_ramp`, the formula's
/// value for `exp` (which only approaches `e`), and `s` for `hold`. Larger `k`
/// extrapolate the formula. A `geo_ramp` with `s != e` where `s` or `e` is zero or
/// their signs differ has no value (NaN); [`crate::validate_segment`] rejects it.
pub fn interp_value(kind: InterpKind, tau_s: f64, s: f64, e: f64, k: u64, n: u64, fs: f64) -> f64 {
    let u = k as f64 / n as f64;
    match kind {
        InterpKind::Hold => s,
        InterpKind::Linear => {
            if k == n {
                e
            } else {
                s + (e - s) * u
            }
        }
        InterpKind::MinJerk => {
            if k == n {
                e
            } else {
                s + (e - s) * min_jerk_shape(u)
            }
        }
        InterpKind::Exp => {
            let tau = tau_s.abs();
            if tau > 0.0 {
                let t = k as f64 / fs;
                e + (s - e) * (-t / tau).exp()
            } else if k == 0 {
                s
            } else {
                e
            }
        }
        InterpKind::GeoRamp => {
            if s == e {
                s
            } else if k == n {
                e
            } else {
                s * ((e / s).ln() * u).exp()
            }
        }
        InterpKind::AdiabaticRamp => {
            let x0 = s.max(ADIABATIC_FLOOR);
            let x1 = e.max(ADIABATIC_FLOOR);
            if k == n {
                x1
            } else {
                let w = adiabatic_weight(u);
                1.0 / ((1.0 - w) / x0 + w / x1)
            }
        }
    }
}

/// Whether `kind` moves frequencies. Only `linear` and `min_jerk` do; every other
/// kind plays the start frequency throughout.
#[inline]
pub fn moves_frequency(kind: InterpKind) -> bool {
    matches!(kind, InterpKind::Linear | InterpKind::MinJerk)
}

/// Frequency of a tone at sample `k` of an `n`-sample part.
#[inline]
pub fn frequency_at(kind: InterpKind, f0: f64, f1: f64, k: u64, n: u64) -> f64 {
    if moves_frequency(kind) {
        interp_value(kind, 0.0, f0, f1, k, n, 1.0)
    } else {
        f0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const FS: f64 = 1e6;

    #[test]
    fn every_kind_starts_at_s_and_ends_at_its_end_value() {
        let (s, e, n) = (2.0, 5.0, 1000);
        for kind in InterpKind::ALL {
            let tau = if kind == InterpKind::Exp { 1e-4 } else { 0.0 };
            let start = interp_value(kind, tau, s, e, 0, n, FS);
            assert!((start - s).abs() < 1e-15, "{kind:?} start {start}");
            let end = interp_value(kind, tau, s, e, n, n, FS);
            let expected = match kind {
                InterpKind::Hold => s,
                InterpKind::Exp => e + (s - e) * (-(n as f64 / FS) / tau).exp(),
                _ => e,
            };
            assert_eq!(end, expected, "{kind:?} end");
        }
    }

    #[test]
    fn midpoints_follow_the_formulas() {
        let n = 1000;
        assert_eq!(
            interp_value(InterpKind::Linear, 0.0, 1.0, 3.0, 500, n, FS),
            2.0
        );
        assert_eq!(
            interp_value(InterpKind::MinJerk, 0.0, 1.0, 3.0, 500, n, FS),
            2.0
        );
        // Quarter point of min_jerk: u^3 (10 - 15u + 6u^2) at 1/4 = 0.103515625.
        let q = interp_value(InterpKind::MinJerk, 0.0, 0.0, 1.0, 250, n, FS);
        assert!((q - 0.103515625).abs() < 1e-15);
        let g = interp_value(InterpKind::GeoRamp, 0.0, 1.0, 4.0, 500, n, FS);
        assert!((g - 2.0).abs() < 1e-15);
        // Adiabatic at u = 1/2: w = 1/2, 1 / (0.5 / 1 + 0.5 / 4) = 1.6.
        let a = interp_value(InterpKind::AdiabaticRamp, 0.0, 1.0, 4.0, 500, n, FS);
        assert!((a - 1.6).abs() < 1e-15);
        // Exp after one time constant.
        let x = interp_value(InterpKind::Exp, -1e-4, 1.0, 0.0, 100, n, FS);
        assert!((x - (-1.0f64).exp()).abs() < 1e-15);
    }

    #[test]
    fn special_cases() {
        let n = 10;
        // tau = 0: start value at k = 0 only.
        assert_eq!(interp_value(InterpKind::Exp, 0.0, 1.0, 3.0, 0, n, FS), 1.0);
        assert_eq!(interp_value(InterpKind::Exp, 0.0, 1.0, 3.0, 1, n, FS), 3.0);
        // geo_ramp with equal ends holds, zeros included.
        assert_eq!(
            interp_value(InterpKind::GeoRamp, 0.0, 0.0, 0.0, 5, n, FS),
            0.0
        );
        assert_eq!(
            interp_value(InterpKind::GeoRamp, 0.0, -2.0, -2.0, 5, n, FS),
            -2.0
        );
        // adiabatic ramp to zero ends at the floor.
        assert_eq!(
            interp_value(InterpKind::AdiabaticRamp, 0.0, 1.0, 0.0, n, n, FS),
            ADIABATIC_FLOOR
        );
        // Hold ignores the end value.
        assert_eq!(interp_value(InterpKind::Hold, 0.0, 1.0, 3.0, n, n, FS), 1.0);
    }

    #[test]
    fn frequency_moves_only_under_linear_and_min_jerk() {
        for kind in InterpKind::ALL {
            let f = frequency_at(kind, 1.0, 2.0, 5, 10);
            if moves_frequency(kind) {
                assert!(f > 1.0 && f < 2.0);
            } else {
                assert_eq!(f, 1.0);
            }
        }
    }
}
