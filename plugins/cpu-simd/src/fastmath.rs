//! Branch-free `sin`, `exp` and `asin(sqrt(.))` for the inner loops of ramps.
//!
//! Each is a short polynomial after an exact range reduction, written with plain
//! arithmetic and selects only, so that loops over a fixed number of lanes
//! auto-vectorise. Accuracy is a few 1e-14 relative, far below what a 16-bit output
//! can show (one code is 3e-5 of full scale). Every lane computes the same
//! operations, so a value never depends on the lane it lands in.

use std::f64::consts::{FRAC_PI_2, LN_2, LOG2_E, TAU};

/// Taylor coefficients of `sin(2 pi y)` in odd powers of `y` (up to `y^17`).
const SIN_TURNS: [f64; 9] = {
    let mut c = [0.0; 9];
    let mut term = TAU;
    let mut i = 0;
    while i < 9 {
        c[i] = term;
        let d = ((2 * i + 2) * (2 * i + 3)) as f64;
        term = -term * TAU * TAU / d;
        i += 1;
    }
    c
};

/// `1 / i!` for `i = 0..=13`.
const EXP_TAYLOR: [f64; 14] = {
    let mut c = [0.0; 14];
    let mut term = 1.0;
    let mut i = 0;
    while i < 14 {
        c[i] = term;
        term /= (i + 1) as f64;
        i += 1;
    }
    c
};

/// `asin(sqrt(t)) / sqrt(t)` on `[0, 1/2]` in powers of `t`, lowest first: the
/// degree-14 Chebyshev interpolant of the function, converted to the power basis
/// (largest error 4e-14, checked by `asin_sqrt_matches_std`).
const ASIN_SQRT_OVER_SQRT: [f64; 15] = [
    1.0000000000000158,
    0.16666666665088467,
    0.07500000242592963,
    0.044642713098017164,
    0.030386370056348623,
    0.022291028538876382,
    0.01831507182320895,
    0.0062117475831958814,
    0.05519391448033275,
    -0.16408275985935084,
    0.49773321081884214,
    -0.9484868049621583,
    1.246514383951823,
    -0.9657958984375002,
    0.3624186197916667,
];

/// Rounds to the nearest integer in the add (ulp of `MAGIC` is 1).
const MAGIC: f64 = 6755399441055744.0; // 1.5 * 2^52

/// `sin(2 pi x)` for `x` in turns, any magnitude up to about 2^40.
#[inline(always)]
pub fn sin_turns(x: f64) -> f64 {
    let r = x - x.round_ties_even(); // [-1/2, 1/2]
    let a = r.abs();
    let y = a.min(0.5 - a); // sin(2 pi a) = sin(2 pi (1/2 - a)); y in [0, 1/4]
    let y2 = y * y;
    let mut p = SIN_TURNS[8];
    let mut i = 8;
    while i > 0 {
        i -= 1;
        p = p.mul_add(y2, SIN_TURNS[i]);
    }
    (p * y).copysign(r)
}

/// `e^x` for `x` in `[-708, 709]` (clamped outside: about 3e-308 below).
#[inline(always)]
pub fn exp(x: f64) -> f64 {
    let x = x.clamp(-708.0, 709.0);
    let t = x.mul_add(LOG2_E, MAGIC);
    let n = t - MAGIC;
    let r = n.mul_add(-LN_2, x); // |r| <= ln(2) / 2
    let mut p = EXP_TAYLOR[13];
    let mut i = 13;
    while i > 0 {
        i -= 1;
        p = p.mul_add(r, EXP_TAYLOR[i]);
    }
    let k = t.to_bits().wrapping_sub(MAGIC.to_bits()) as i64;
    let scale = f64::from_bits(((k + 1023) << 52) as u64);
    p * scale
}

/// `asin(sqrt(y))` for `y` in `[0, 1]`.
///
/// With `m = min(y, 1 - y)` (exact), `asin(sqrt(m)) = sqrt(m) P(m)`, and
/// `asin(sqrt(y)) = pi/2 - asin(sqrt(1 - y))` above `y = 1/2`: one square root.
#[inline(always)]
pub fn asin_sqrt(y: f64) -> f64 {
    let upper = y > 0.5;
    let m = if upper { 1.0 - y } else { y };
    let mut p = ASIN_SQRT_OVER_SQRT[14];
    let mut i = 14;
    while i > 0 {
        i -= 1;
        p = p.mul_add(m, ASIN_SQRT_OVER_SQRT[i]);
    }
    let v = m.sqrt() * p;
    if upper {
        FRAC_PI_2 - v
    } else {
        v
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sin_turns_matches_std() {
        let mut worst: f64 = 0.0;
        for i in -20_000..20_000 {
            let x = i as f64 * 0.000_137_3 + 1e6 * (i % 3) as f64;
            let exact = (TAU * (x - x.floor())).sin();
            worst = worst.max((sin_turns(x) - exact).abs());
        }
        assert!(worst < 1e-13, "worst {worst}");
        assert_eq!(sin_turns(0.0), 0.0);
        assert!((sin_turns(0.25) - 1.0).abs() < 1e-13);
        assert!((sin_turns(-0.25) + 1.0).abs() < 1e-13);
    }

    #[test]
    fn exp_matches_std() {
        let mut worst: f64 = 0.0;
        for i in -7080..7090 {
            let x = i as f64 * 0.1 + 0.0123;
            let rel = (exp(x) - x.exp()).abs() / x.exp();
            worst = worst.max(rel);
        }
        assert!(worst < 1e-13, "worst {worst}");
        assert_eq!(exp(0.0), 1.0);
        assert!(exp(-1e6) < 1e-300);
    }

    #[test]
    fn asin_sqrt_matches_std() {
        let mut worst: f64 = 0.0;
        for i in 0..=100_000 {
            let y = i as f64 / 100_000.0;
            let y = y.min(1.0 - 1e-6);
            worst = worst.max((asin_sqrt(y) - y.sqrt().asin()).abs());
        }
        assert!(worst < 1e-12, "worst {worst}");
    }
}
