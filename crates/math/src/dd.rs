//! Double-double arithmetic: an unevaluated sum `hi + lo` of two `f64` carrying about
//! 106 significant bits, built from the error-free transformations two-sum and
//! two-product (the latter through a fused multiply-add).
//!
//! Used where a plain `f64` would lose the fractional part of a large cycle count:
//! a 2^34-sample part at 100 MHz and 625 MS/s accumulates about 2.7e9 cycles, whose
//! fraction an `f64` knows only to about 5e-7 cycles.

use std::ops::{Add, Div, Mul, Neg, Sub};

/// `a + b` exactly, as the rounded sum and its error.
#[inline]
pub fn two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let bb = s - a;
    let e = (a - (s - bb)) + (b - bb);
    (s, e)
}

/// `a + b` exactly, for `|a| >= |b|` (or `a == 0`).
#[inline]
fn quick_two_sum(a: f64, b: f64) -> (f64, f64) {
    let s = a + b;
    let e = b - (s - a);
    (s, e)
}

/// `a * b` exactly, as the rounded product and its error.
#[inline]
pub fn two_prod(a: f64, b: f64) -> (f64, f64) {
    let p = a * b;
    let e = a.mul_add(b, -p);
    (p, e)
}

/// A double-double number `hi + lo` with `|lo| <= ulp(hi) / 2`.
#[derive(Clone, Copy, Debug, PartialEq, Default)]
pub struct Dd {
    /// Leading part.
    pub hi: f64,
    /// Trailing part.
    pub lo: f64,
}

impl Dd {
    /// Zero.
    pub const ZERO: Dd = Dd { hi: 0.0, lo: 0.0 };

    /// The exact value of `x`.
    #[inline]
    pub fn from_f64(x: f64) -> Dd {
        Dd { hi: x, lo: 0.0 }
    }

    /// The exact value of `k` (every `u64` fits in 106 bits).
    #[inline]
    pub fn from_u64(k: u64) -> Dd {
        let hi = k as f64;
        // `hi` is an integer no larger than 2^64, so the difference is exact in i128.
        let lo = (k as i128 - hi as i128) as f64;
        let (hi, lo) = quick_two_sum(hi, lo);
        Dd { hi, lo }
    }

    /// `x` rounded to about 106 bits.
    #[inline]
    pub fn from_u128(x: u128) -> Dd {
        let high = (x >> 64) as u64;
        let low = x as u64;
        let scaled = Dd::from_u64(high);
        let scaled = Dd {
            hi: scaled.hi * 18446744073709551616.0,
            lo: scaled.lo * 18446744073709551616.0,
        };
        scaled + Dd::from_u64(low)
    }

    /// The nearest `f64`.
    #[inline]
    pub fn to_f64(self) -> f64 {
        self.hi + self.lo
    }

    /// `self - floor(self)`, rounded to an `f64` in `[0, 1)`.
    #[inline]
    pub fn frac(self) -> f64 {
        // `hi - floor(hi)` is exact; the trailing part then adds its own fraction.
        let r = (self.hi - self.hi.floor()) + self.lo;
        let r = r - r.floor();
        if r >= 1.0 {
            0.0
        } else {
            r
        }
    }

    /// `self * b` for a plain `f64`.
    #[inline]
    pub fn mul_f64(self, b: f64) -> Dd {
        let (p, e) = two_prod(self.hi, b);
        let e = self.lo.mul_add(b, e);
        let (hi, lo) = quick_two_sum(p, e);
        Dd { hi, lo }
    }
}

impl Add for Dd {
    type Output = Dd;
    #[inline]
    fn add(self, o: Dd) -> Dd {
        let (s, e) = two_sum(self.hi, o.hi);
        let (t, f) = two_sum(self.lo, o.lo);
        let (s, e) = quick_two_sum(s, e + t);
        let (hi, lo) = quick_two_sum(s, e + f);
        Dd { hi, lo }
    }
}

impl Neg for Dd {
    type Output = Dd;
    #[inline]
    fn neg(self) -> Dd {
        Dd {
            hi: -self.hi,
            lo: -self.lo,
        }
    }
}

impl Sub for Dd {
    type Output = Dd;
    #[inline]
    fn sub(self, o: Dd) -> Dd {
        self + (-o)
    }
}

impl Mul for Dd {
    type Output = Dd;
    #[inline]
    fn mul(self, o: Dd) -> Dd {
        let (p, e) = two_prod(self.hi, o.hi);
        let e = e + self.hi.mul_add(o.lo, self.lo * o.hi);
        let (hi, lo) = quick_two_sum(p, e);
        Dd { hi, lo }
    }
}

impl Mul<f64> for Dd {
    type Output = Dd;
    #[inline]
    fn mul(self, b: f64) -> Dd {
        self.mul_f64(b)
    }
}

impl Div for Dd {
    type Output = Dd;
    #[inline]
    fn div(self, o: Dd) -> Dd {
        let q1 = self.hi / o.hi;
        let r = self - o * q1;
        let q2 = r.hi / o.hi;
        let r = r - o * q2;
        let q3 = r.hi / o.hi;
        let (hi, lo) = quick_two_sum(q1, q2);
        Dd { hi, lo } + Dd::from_f64(q3)
    }
}

impl Div<f64> for Dd {
    type Output = Dd;
    #[inline]
    fn div(self, b: f64) -> Dd {
        self / Dd::from_f64(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn from_u64_is_exact() {
        for k in [0u64, 1, (1 << 53) + 1, u64::MAX, 12345678901234567890] {
            let d = Dd::from_u64(k);
            let back = d.hi as i128 + d.lo as i128;
            assert_eq!(back, k as i128, "k = {k}");
        }
    }

    #[test]
    fn from_u128_keeps_106_bits() {
        let x: u128 = (1u128 << 100) + 12345;
        let d = Dd::from_u128(x);
        assert_eq!(d.hi, 2f64.powi(100));
        assert_eq!(d.lo, 12345.0);
    }

    #[test]
    fn product_and_quotient_are_accurate() {
        // (2^53 + 1)^2 = 2^106 + 2^54 + 1: the 2^54 term is lost in f64 but kept here
        // (the final 1 lies at the 2^-106 relative precision limit).
        let a = Dd::from_u64((1 << 53) + 1);
        let p = a * a;
        assert_eq!(p.hi, 2f64.powi(106) + 2f64.powi(54));
        assert!(p.lo.abs() <= 1.0);
        let q = p / a;
        assert_eq!(q.hi + q.lo, a.hi + a.lo);
        assert!((q - a).to_f64().abs() < 1e-15);
        // 1/3 * 3 differs from 1 by far less than an f64 ulp.
        let third = Dd::from_f64(1.0) / 3.0;
        let one = third * 3.0;
        assert!((one - Dd::from_f64(1.0)).to_f64().abs() < 1e-31);
    }

    #[test]
    fn frac_reduces_large_values() {
        let x = Dd::from_u64(1 << 60) + Dd::from_f64(0.25);
        assert_eq!(x.frac(), 0.25);
        let y = Dd::from_f64(-3.0) + Dd::from_f64(0.75);
        assert_eq!(y.frac(), 0.75);
        let tiny_below = Dd {
            hi: 5.0,
            lo: -1e-30,
        };
        let f = tiny_below.frac();
        assert!((0.0..1.0).contains(&f));
    }
}
