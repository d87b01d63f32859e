//! Exact tone phase in rational arithmetic on the plan's `f64` inputs, for checking
//! phases deep inside parts far too long to sum sample by sample.
//!
//! The cycle count `sum_{j<k} f(j) / fs` is an exact rational: every `f64` is an
//! integer times a power of two, and the frequency sums of `linear` and `min_jerk`
//! are Faulhaber sums of `j^p` (every other kind plays `f0` throughout). It is
//! formed in big integers, reduced modulo one cycle exactly, and only then rounded
//! to `f64`. The big integers are a few hand-written operations on `u32` limbs,
//! enough for this and nothing more.

use std::cmp::Ordering;
use std::f64::consts::TAU;

use awgsf_plugin_api::{InterpKind, PartPlan, TonePlan};

/// A non-negative integer, little-endian `u32` limbs, no trailing zero limbs.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Nat(Vec<u32>);

impl Nat {
    fn zero() -> Nat {
        Nat(Vec::new())
    }

    fn from_u64(x: u64) -> Nat {
        Nat(vec![x as u32, (x >> 32) as u32]).trimmed()
    }

    fn trimmed(mut self) -> Nat {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
        self
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn bits(&self) -> usize {
        match self.0.last() {
            None => 0,
            Some(top) => 32 * self.0.len() - top.leading_zeros() as usize,
        }
    }

    fn bit(&self, i: usize) -> bool {
        self.0.get(i / 32).is_some_and(|w| (w >> (i % 32)) & 1 == 1)
    }

    fn cmp(&self, o: &Nat) -> Ordering {
        self.0
            .len()
            .cmp(&o.0.len())
            .then_with(|| self.0.iter().rev().cmp(o.0.iter().rev()))
    }

    fn add(&self, o: &Nat) -> Nat {
        let mut out = Vec::with_capacity(self.0.len().max(o.0.len()) + 1);
        let mut carry = 0u64;
        for i in 0..self.0.len().max(o.0.len()) {
            let s = u64::from(*self.0.get(i).unwrap_or(&0))
                + u64::from(*o.0.get(i).unwrap_or(&0))
                + carry;
            out.push(s as u32);
            carry = s >> 32;
        }
        out.push(carry as u32);
        Nat(out).trimmed()
    }

    /// `self - o`; `o` must not exceed `self`.
    fn sub(&self, o: &Nat) -> Nat {
        assert!(self.cmp(o) != Ordering::Less, "negative natural number");
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for i in 0..self.0.len() {
            let mut d = i64::from(self.0[i]) - i64::from(*o.0.get(i).unwrap_or(&0)) - borrow;
            borrow = (d < 0) as i64;
            if d < 0 {
                d += 1 << 32;
            }
            out.push(d as u32);
        }
        Nat(out).trimmed()
    }

    fn mul(&self, o: &Nat) -> Nat {
        if self.is_zero() || o.is_zero() {
            return Nat::zero();
        }
        let mut out = vec![0u32; self.0.len() + o.0.len()];
        for (i, &a) in self.0.iter().enumerate() {
            let mut carry = 0u64;
            for (j, &b) in o.0.iter().enumerate() {
                let t = u64::from(a) * u64::from(b) + u64::from(out[i + j]) + carry;
                out[i + j] = t as u32;
                carry = t >> 32;
            }
            out[i + o.0.len()] = carry as u32;
        }
        Nat(out).trimmed()
    }

    fn mul_u64(&self, x: u64) -> Nat {
        self.mul(&Nat::from_u64(x))
    }

    fn shl(&self, bits: usize) -> Nat {
        if self.is_zero() {
            return Nat::zero();
        }
        let (words, rest) = (bits / 32, bits % 32);
        let mut out = vec![0u32; words];
        let mut carry = 0u32;
        for &w in &self.0 {
            if rest == 0 {
                out.push(w);
            } else {
                out.push((w << rest) | carry);
                carry = w >> (32 - rest);
            }
        }
        out.push(carry);
        Nat(out).trimmed()
    }

    /// Quotient and remainder of `self / d`, by binary long division (`d > 0`).
    fn divrem(&self, d: &Nat) -> (Nat, Nat) {
        assert!(!d.is_zero(), "division by zero");
        let n = self.bits();
        let mut q = vec![0u32; n.div_ceil(32)];
        let mut r = Nat::zero();
        for i in (0..n).rev() {
            r = r.shl(1);
            if self.bit(i) {
                if r.0.is_empty() {
                    r.0.push(1);
                } else {
                    r.0[0] |= 1;
                }
            }
            if r.cmp(d) != Ordering::Less {
                r = r.sub(d);
                q[i / 32] |= 1 << (i % 32);
            }
        }
        (Nat(q).trimmed(), r)
    }

    /// The value as `u64`; it must fit.
    fn to_u64(&self) -> u64 {
        assert!(self.0.len() <= 2, "does not fit 64 bits");
        u64::from(*self.0.first().unwrap_or(&0)) | (u64::from(*self.0.get(1).unwrap_or(&0)) << 32)
    }
}

/// A signed integer: sign and magnitude.
#[derive(Clone, Debug)]
struct Int {
    negative: bool,
    mag: Nat,
}

impl Int {
    fn new(negative: bool, mag: Nat) -> Int {
        let negative = negative && !mag.is_zero();
        Int { negative, mag }
    }

    fn mul(&self, o: &Nat) -> Int {
        Int::new(self.negative, self.mag.mul(o))
    }

    fn shl(&self, bits: usize) -> Int {
        Int::new(self.negative, self.mag.shl(bits))
    }

    fn add(&self, o: &Int) -> Int {
        if self.negative == o.negative {
            return Int::new(self.negative, self.mag.add(&o.mag));
        }
        match self.mag.cmp(&o.mag) {
            Ordering::Less => Int::new(o.negative, o.mag.sub(&self.mag)),
            _ => Int::new(self.negative, self.mag.sub(&o.mag)),
        }
    }

    fn neg(&self) -> Int {
        Int::new(!self.negative, self.mag.clone())
    }

    /// `self mod d` in `0..d`.
    fn rem_euclid(&self, d: &Nat) -> Nat {
        let (_, r) = self.mag.divrem(d);
        if self.negative && !r.is_zero() {
            d.sub(&r)
        } else {
            r
        }
    }
}

/// A finite `f64` as `m 2^e` with an integer `m` (sign included).
fn dyadic(x: f64) -> (Int, i64) {
    assert!(x.is_finite(), "exact phase of a non-finite value {x}");
    let bits = x.to_bits();
    let negative = bits >> 63 == 1;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let frac = bits & ((1u64 << 52) - 1);
    let (mant, e) = if exp == 0 {
        (frac, -1074)
    } else {
        (frac | (1u64 << 52), exp - 1075)
    };
    (Int::new(negative, Nat::from_u64(mant)), e)
}

/// `sum_{j<k} shape(j / n)` of a part's frequency interpolation as `num / den`:
/// `None` for kinds that play `f0` throughout.
fn shape_sum(kind: InterpKind, k: u64, n: u64) -> Option<(Nat, Nat)> {
    // P = k (k - 1) = 2 sum_{j<k} j.
    let p = Nat::from_u64(k).mul(&Nat::from_u64(k.saturating_sub(1)));
    let n1 = Nat::from_u64(n);
    match kind {
        // sum j / n = P / (2 n).
        InterpKind::Linear => Some((p, n1.mul_u64(2))),
        // sum 10 j^3 / n^3 - 15 j^4 / n^4 + 6 j^5 / n^5
        //   = (5 n^2 P^2 - n T4 + T5) / (2 n^5), with the Faulhaber sums
        // sum j^3 = P^2 / 4, sum j^4 = T4 / 30, T4 = P (2k - 1) (3P - 1),
        // sum j^5 = T5 / 12, T5 = P^2 (2P - 1). The numerator is never negative
        // (the shape is not), and both vanish with P.
        InterpKind::MinJerk => {
            let n2 = n1.mul(&n1);
            let n5 = n2.mul(&n2).mul(&n1);
            let den = n5.mul_u64(2);
            if p.is_zero() {
                return Some((Nat::zero(), den));
            }
            let one = Nat::from_u64(1);
            let p2 = p.mul(&p);
            let two_k_minus_1 = Nat::from_u64(k).mul_u64(2).sub(&one);
            let t4 = p.mul(&two_k_minus_1).mul(&p.mul_u64(3).sub(&one));
            let t5 = p2.mul(&p.mul_u64(2).sub(&one));
            let num = n2.mul(&p2).mul_u64(5).add(&t5).sub(&n1.mul(&t4));
            Some((num, den))
        }
        _ => None,
    }
}

/// `sum_{j<k} f(j) / fs` modulo one, in `[0, 1)`, exactly up to the final rounding
/// (to 64 bits, then to `f64`): the phase of a tone at sample `k` of its part is
/// `phase0 + 2 pi` times this.
///
/// # Panics
/// If a frequency or the sample rate is not finite, or the sample rate is not
/// positive.
pub fn exact_turns(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    assert!(fs.is_finite() && fs > 0.0, "sample rate {fs}");
    let (f0, e0) = dyadic(tone.f0_hz);
    let moving = match shape_sum(part.kind, k, part.n_samples) {
        Some(shape) if tone.f1_hz != tone.f0_hz => Some((dyadic(tone.f1_hz), shape)),
        _ => None,
    };
    // Frequencies over one power of two 2^e: f0 = F0 2^e, f1 = F1 2^e.
    let e = moving.as_ref().map_or(e0, |((_, e1), _)| e0.min(*e1));
    let big_f0 = f0.shl((e0 - e) as usize);
    // cycles = (F0 k D + (F1 - F0) N) 2^e / (D fs), with shape sum N / D.
    let (numer, den) = match moving {
        None => (big_f0.mul(&Nat::from_u64(k)), Nat::from_u64(1)),
        Some(((f1, e1), (num, den))) => {
            let big_f1 = f1.shl((e1 - e) as usize);
            let delta = big_f1.add(&big_f0.neg());
            let base = big_f0.mul(&Nat::from_u64(k)).mul(&den);
            (base.add(&delta.mul(&num)), den)
        }
    };
    let (fs_m, fs_e) = dyadic(fs);
    let shift = e - fs_e;
    let (numer, den) = if shift >= 0 {
        (numer.shl(shift as usize), den.mul(&fs_m.mag))
    } else {
        (numer, den.mul(&fs_m.mag).shl((-shift) as usize))
    };
    let r = numer.rem_euclid(&den);
    // floor(2^64 r / den) < 2^64: the fraction to 64 bits.
    let (q, _) = r.shl(64).divrem(&den);
    q.to_u64() as f64 / 18_446_744_073_709_551_616.0
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
    use crate::synthesis::plans::Rng;
    use awgsf_plugin_api::abi_stable::std_types::RVec;

    fn nat(x: u128) -> Nat {
        Nat::from_u64(x as u64).add(&Nat::from_u64((x >> 64) as u64).shl(64))
    }

    fn to_u128(x: &Nat) -> u128 {
        assert!(x.0.len() <= 4);
        x.0.iter()
            .enumerate()
            .map(|(i, &w)| u128::from(w) << (32 * i))
            .sum()
    }

    #[test]
    fn big_integers_agree_with_u128() {
        let mut rng = Rng::new(5);
        for _ in 0..2000 {
            let bits_a = rng.int(0, 64) as u32;
            let bits_b = rng.int(1, 63) as u32;
            let a = u128::from(rng.next_u64()) >> (64 - bits_a.min(63)) << rng.int(0, 60);
            let b = (u128::from(rng.next_u64()) >> (64 - bits_b)).max(1);
            assert_eq!(to_u128(&nat(a).add(&nat(b))), a + b);
            if let Some(p) = a.checked_mul(b) {
                assert_eq!(to_u128(&nat(a).mul(&nat(b))), p);
            }
            if a >= b {
                assert_eq!(to_u128(&nat(a).sub(&nat(b))), a - b);
            }
            let (q, r) = nat(a).divrem(&nat(b));
            assert_eq!((to_u128(&q), to_u128(&r)), (a / b, a % b), "{a} / {b}");
            let s = rng.int(0, 40) as usize;
            if a.leading_zeros() as usize > s {
                assert_eq!(to_u128(&nat(a).shl(s)), a << s);
            }
        }
        let m = Int::new(true, nat(7));
        assert_eq!(to_u128(&m.rem_euclid(&nat(5))), 3);
        assert_eq!(to_u128(&m.add(&Int::new(false, nat(10))).mag), 3);
    }

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
