//! Exact tone phase in rational arithmetic on the plan's `f64` inputs, for checking
//! closed forms over parts far too long to sum sample by sample.
//!
//! `sum_{j<k} f(j)` is an exact rational for `hold`, `linear` and `min_jerk`
//! (Faulhaber sums of `j^p` in big integers); it is divided by `fs`, reduced modulo
//! one cycle exactly, and only then rounded to `f64`.

use std::f64::consts::TAU;

use awgsf_plugin_api::{InterpKind, PartPlan, TonePlan};
use num_bigint::BigInt;

/// `num / den` with `den > 0`.
struct Ratio {
    num: BigInt,
    den: BigInt,
}

impl Ratio {
    fn int(x: BigInt) -> Ratio {
        Ratio {
            num: x,
            den: BigInt::from(1),
        }
    }

    /// The exact value of a finite `f64`.
    fn from_f64(x: f64) -> Ratio {
        assert!(x.is_finite());
        if x == 0.0 {
            return Ratio::int(BigInt::from(0));
        }
        let bits = x.to_bits();
        let sign = if bits >> 63 == 1 { -1 } else { 1 };
        let exp = ((bits >> 52) & 0x7ff) as i64;
        let frac = bits & ((1u64 << 52) - 1);
        let (mant, e) = if exp == 0 {
            (frac, -1074)
        } else {
            (frac | (1u64 << 52), exp - 1075)
        };
        let m = BigInt::from(mant) * sign;
        if e >= 0 {
            Ratio::int(m << e as usize)
        } else {
            Ratio {
                num: m,
                den: BigInt::from(1) << (-e) as usize,
            }
        }
    }

    fn add(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.den + &o.num * &self.den,
            den: &self.den * &o.den,
        }
    }

    fn sub(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.den - &o.num * &self.den,
            den: &self.den * &o.den,
        }
    }

    fn mul(&self, o: &Ratio) -> Ratio {
        Ratio {
            num: &self.num * &o.num,
            den: &self.den * &o.den,
        }
    }

    fn div(&self, o: &Ratio) -> Ratio {
        let (num, den) = (&self.num * &o.den, &self.den * &o.num);
        if den < BigInt::from(0) {
            Ratio {
                num: -num,
                den: -den,
            }
        } else {
            Ratio { num, den }
        }
    }

    /// `self - floor(self)` rounded to `f64`.
    fn frac(&self) -> f64 {
        let mut r = &self.num % &self.den;
        if r < BigInt::from(0) {
            r += &self.den;
        }
        // 2^64 r / den, truncated: the fraction to 64 bits.
        let scaled: BigInt = (r << 64usize) / &self.den;
        let v: u128 = scaled.try_into().expect("fraction below one");
        v as f64 / 18446744073709551616.0
    }
}

fn big(x: u64) -> BigInt {
    BigInt::from(x)
}

/// `sum_{j<k} j^p` for p = 1, 3, 4, 5, exactly.
fn power_sums(k: u64) -> [BigInt; 4] {
    let k = big(k);
    let km1 = &k - 1;
    let s1 = &k * &km1 / 2;
    let s3 = &s1 * &s1;
    let s4 = &km1 * &k * (&k * 2 - 1) * (&k * &k * 3 - &k * 3 - 1) / 30;
    let s5 = &km1 * &km1 * &k * &k * (&k * &k * 2 - &k * 2 - 1) / 12;
    [s1, s3, s4, s5]
}

/// `sum_{j<k} f(j) / fs` modulo one, in `[0, 1)`, for a hold, linear or min_jerk part.
pub fn exact_turns(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    let n = part.n_samples;
    let f0 = Ratio::from_f64(tone.f0_hz);
    let delta = Ratio::from_f64(tone.f1_hz).sub(&f0);
    let base = f0.mul(&Ratio::int(big(k)));
    let [s1, s3, s4, s5] = power_sums(k);
    let shape = match part.kind {
        InterpKind::Hold => Ratio::int(big(0)),
        InterpKind::Linear => Ratio {
            num: s1,
            den: big(n),
        },
        InterpKind::MinJerk => {
            let nb = big(n);
            let n2 = &nb * &nb;
            let num = s3 * 10 * &n2 - s4 * 15 * &nb + s5 * 6;
            Ratio {
                num,
                den: &n2 * &n2 * &nb,
            }
        }
        other => panic!("exact_turns covers hold, linear and min_jerk, not {other:?}"),
    };
    base.add(&delta.mul(&shape))
        .div(&Ratio::from_f64(fs))
        .frac()
}

/// Phase (radians, `[0, 2 pi)`) at sample `k`: `phase0 + 2 pi * exact_turns`.
pub fn exact_phase(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    (tone.phase0_rad + TAU * exact_turns(part, tone, fs, k)).rem_euclid(TAU)
}
