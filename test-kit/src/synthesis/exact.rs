//! Exact tone phase in rational arithmetic on the plan's `f64` inputs, for checking
//! phases deep inside parts far too long to sum sample by sample, and along whole
//! chains of parts and segments.
//!
//! The cycle count `sum_{j<k} f(j) / fs` is an exact rational: every `f64` is an
//! integer times a power of two, and the frequency sums of `linear` and `min_jerk`
//! are Faulhaber sums of `j^p` (every other kind plays `f0` throughout). It is
//! formed in big rationals ([`num_rational::BigRational`]), reduced modulo one
//! cycle exactly, and only then rounded to `f64`.

use std::f64::consts::TAU;

use awgsf_plugin_api::{InterpKind, PartPlan, TonePlan};
use num_bigint::BigInt;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

/// A finite `f64` as the exact rational it is.
///
/// # Panics
/// If `x` is not finite.
pub fn rational(x: f64) -> BigRational {
    BigRational::from_float(x).unwrap_or_else(|| panic!("exact value of a non-finite {x}"))
}

/// `x mod 1`, in `[0, 1)`.
pub fn frac(x: &BigRational) -> BigRational {
    x - x.floor()
}

/// A rational in `[0, 1)` rounded to `f64` (to 64 bits, then to `f64`).
pub fn turns_f64(x: &BigRational) -> f64 {
    let r = frac(x);
    // floor(2^64 r) < 2^64: the fraction to 64 bits.
    let q: BigInt = (r.numer() << 64u32) / r.denom();
    q.to_u64().expect("a fraction below one") as f64 / 18_446_744_073_709_551_616.0
}

/// `sum_{j<k} shape(j / n)` of a part's frequency interpolation: `None` for kinds
/// that play `f0` throughout.
fn shape_sum(kind: InterpKind, k: u64, n: u64) -> Option<BigRational> {
    let int = |x: u64| BigInt::from(x);
    // P = k (k - 1) = 2 sum_{j<k} j.
    let p = int(k) * int(k.saturating_sub(1));
    let n1 = int(n);
    match kind {
        // sum j / n = P / (2 n).
        InterpKind::Linear => Some(BigRational::new(p, n1 * 2)),
        // sum 10 j^3 / n^3 - 15 j^4 / n^4 + 6 j^5 / n^5
        //   = (5 n^2 P^2 - n T4 + T5) / (2 n^5), with the Faulhaber sums
        // sum j^3 = P^2 / 4, sum j^4 = T4 / 30, T4 = P (2k - 1) (3P - 1),
        // sum j^5 = T5 / 12, T5 = P^2 (2P - 1).
        InterpKind::MinJerk => {
            if p.is_zero() {
                return Some(BigRational::zero());
            }
            let n2 = &n1 * &n1;
            let p2 = &p * &p;
            let t4 = &p * (int(k) * 2 - 1) * (&p * 3 - 1);
            let t5 = &p2 * (&p * 2 - 1);
            let num = &n2 * &p2 * 5 + t5 - &n1 * t4;
            Some(BigRational::new(num, &n2 * &n2 * &n1 * 2))
        }
        _ => None,
    }
}

/// `sum_{j<k} f(j) / fs` of `tone` in `part`, exactly and not reduced: the cycles
/// the tone advances over the first `k` samples of the part.
///
/// # Panics
/// If a frequency or the sample rate is not finite, or the sample rate is not
/// positive.
pub fn exact_cycles(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> BigRational {
    assert!(fs.is_finite() && fs > 0.0, "sample rate {fs}");
    let f0 = rational(tone.f0_hz);
    let mut sum = &f0 * BigInt::from(k);
    if tone.f1_hz != tone.f0_hz {
        if let Some(shape) = shape_sum(part.kind, k, part.n_samples) {
            sum += (rational(tone.f1_hz) - f0) * shape;
        }
    }
    sum / rational(fs)
}

/// `sum_{j<k} f(j) / fs` modulo one, in `[0, 1)`, exactly up to the final rounding
/// (to 64 bits, then to `f64`): the phase of a tone at sample `k` of its part is
/// `phase0 + 2 pi` times this.
///
/// # Panics
/// As [`exact_cycles`].
pub fn exact_turns(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    turns_f64(&exact_cycles(part, tone, fs, k))
}

/// Phase (radians, `[0, 2 pi)`) of `tone` at sample `k` of `part`:
/// `phase0 + 2 pi` [`exact_turns`].
pub fn exact_phase(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    let phase = (tone.phase0_rad + TAU * exact_turns(part, tone, fs, k)).rem_euclid(TAU);
    if phase >= TAU {
        0.0
    } else {
        phase
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awgsf_plugin_api::abi_stable::std_types::RVec;

    fn part(kind: InterpKind, n: u64) -> PartPlan {
        PartPlan {
            offset: 0,
            n_samples: n,
            kind,
            tau_s: 0.0,
            tones: RVec::new(),
        }
    }

    fn tone(f0: f64, f1: f64) -> TonePlan {
        TonePlan {
            f0_hz: f0,
            f1_hz: f1,
            a0: 1.0,
            a1: 1.0,
            phase0_rad: 0.0,
        }
    }

    /// `sum_{j<k} f(j) / fs` mod 1 with the per-sample frequency in exact
    /// rationals over a small common denominator, summed in `i128`.
    #[test]
    fn small_cases_agree_with_direct_sums() {
        // fs = 1000, f0 = 3, f1 = 7, n = 8: f(j) = 3 + 4 s(j / 8).
        let n = 8u64;
        for k in 0..=12u64 {
            // Linear: sum (3 + 4 j / 8) / 1000 = (24 k + 4 P/2) / 8000.
            let p = (k * k.saturating_sub(1)) as f64;
            let linear = ((24.0 * k as f64 + 2.0 * p) / 8000.0).fract();
            let got = exact_turns(&part(InterpKind::Linear, n), &tone(3.0, 7.0), 1000.0, k);
            assert!(
                (got - linear).abs() < 1e-15,
                "linear k={k}: {got} vs {linear}"
            );
            // Min-jerk: sum of 3 + 4 (10 j^3 n^2 - 15 j^4 n + 6 j^5) / n^5, in i128.
            let (nn, kk) = (n as i128, k as i128);
            let shape: i128 = (0..kk)
                .map(|j| 10 * j.pow(3) * nn * nn - 15 * j.pow(4) * nn + 6 * j.pow(5))
                .sum();
            let total = 3 * kk * nn.pow(5) + 4 * shape;
            let den = 1000 * nn.pow(5);
            let want = total.rem_euclid(den) as f64 / den as f64;
            let got = exact_turns(&part(InterpKind::MinJerk, n), &tone(3.0, 7.0), 1000.0, k);
            assert!(
                (got - want).abs() < 1e-15,
                "min_jerk k={k}: {got} vs {want}"
            );
            // Every other kind plays f0: 3 k / 1000.
            for kind in [InterpKind::Hold, InterpKind::Exp, InterpKind::GeoRamp] {
                let got = exact_turns(&part(kind, n), &tone(3.0, 7.0), 1000.0, k);
                assert!((got - (3.0 * k as f64 / 1000.0).fract()).abs() < 1e-15);
            }
        }
        // Negative frequencies wrap to [0, 1).
        let got = exact_turns(&part(InterpKind::Hold, 4), &tone(-1.0, -1.0), 8.0, 3);
        assert_eq!(got, 0.625);
    }

    #[test]
    fn long_holds_keep_the_cycles_a_plain_product_loses() {
        // f / fs = 1/4 + 2^-40 exactly: after k = 2^34 samples the phase is
        // 2^32 + 2^-6 cycles, i.e. 1/64 turn.
        let fs = 1024.0;
        let f = 256.0 + fs * 2f64.powi(-40);
        let k = 1u64 << 34;
        let got = exact_turns(&part(InterpKind::Hold, k), &tone(f, f), fs, k);
        assert_eq!(got, 1.0 / 64.0);
        // A linear chirp from 0 to fs/2 over n samples: sum j / (2n) = P / (4n).
        let n = 1u64 << 34;
        let k = 3u64 << 32;
        let got = exact_turns(&part(InterpKind::Linear, n), &tone(0.0, 0.5), 1.0, k);
        // P / (4n) = 3 * 2^32 (3 * 2^32 - 1) / 2^36 = 9 * 2^28 - 3/16 = 13/16 mod 1.
        assert_eq!(got, 0.8125);
    }

    #[test]
    fn phases_land_in_range() {
        let t = TonePlan {
            phase0_rad: 6.0,
            ..tone(0.25, 0.25)
        };
        let ph = exact_phase(&part(InterpKind::Hold, 10), &t, 1.0, 1);
        assert!((ph - (6.0 + TAU / 4.0 - TAU)).abs() < 1e-15, "{ph}");
    }
}
