//! Closed-form tone phase inside a part (docs/semantics.md §7.2).
//!
//! `phi(k) = phase0 + (2 pi / fs) sum_{j<k} f(j)`. The cycle count
//! `sum_{j<k} f(j) / fs` has closed forms for every kind (frequencies move only under
//! `linear` and `min_jerk`), evaluated in double-double arithmetic and reduced modulo
//! one cycle before the multiplication by `2 pi`, so the phase at any sample of a
//! part of up to 2^34 samples is exact to far below 1e-6 rad, whatever `k`.

use std::f64::consts::TAU;

use awgsf_plugin_api::{InterpKind, PartPlan, TonePlan};

use crate::dd::{two_sum, Dd};

/// `sum_{j<k} j / n` (the linear shape summed over the first `k` samples).
fn linear_shape_sum(k: u64, n: u64) -> Dd {
    let pairs = k as u128 * k.saturating_sub(1) as u128 / 2;
    Dd::from_u128(pairs) / Dd::from_u64(n)
}

/// `sum_{j<k} s(j / n)` with the minimum-jerk shape `s(u) = 10u^3 - 15u^4 + 6u^5`.
///
/// With `a = k / n` the Faulhaber sums collapse to
/// `n (a^6 - 3a^5 + 5a^4/2) - a^3 (5 - 15a/2 + 3a^2) + 5a^2 (1 - a)^2 / (2n)
/// + a (1 - a) / (2 n^3)`, every term bounded by `n`.
fn min_jerk_shape_sum(k: u64, n: u64) -> Dd {
    let nd = Dd::from_u64(n);
    let a = Dd::from_u64(k) / nd;
    let one = Dd::from_f64(1.0);
    let a2 = a * a;
    let a3 = a2 * a;
    let a4 = a2 * a2;
    let one_minus_a = one - a;
    // a^4 (a^2 - 3a + 5/2) n
    let t1 = a4 * (a2 - a * 3.0 + Dd::from_f64(2.5)) * nd;
    // -a^3 (5 - 7.5 a + 3 a^2)
    let t2 = -(a3 * (Dd::from_f64(5.0) - a * 7.5 + a2 * 3.0));
    // 2.5 a^2 (1 - a)^2 / n
    let t3 = a2 * (one_minus_a * one_minus_a) * 2.5 / nd;
    // 0.5 a (1 - a) / n^3
    let t4 = a * one_minus_a * 0.5 / (nd * nd * nd);
    t1 + t2 + t3 + t4
}

/// The cycle count `sum_{j<k} f(j) / fs` of one tone, not reduced.
pub fn cycles_dd(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> Dd {
    let n = part.n_samples;
    let base = Dd::from_u64(k) * tone.f0_hz;
    let shape = match part.kind {
        InterpKind::Linear => Some(linear_shape_sum(k, n)),
        InterpKind::MinJerk => Some(min_jerk_shape_sum(k, n)),
        _ => None,
    };
    let total = match shape {
        Some(shape) if tone.f1_hz != tone.f0_hz => {
            let (dh, dl) = two_sum(tone.f1_hz, -tone.f0_hz);
            base + shape * Dd { hi: dh, lo: dl }
        }
        _ => base,
    };
    total / fs
}

/// Fractional cycles `phi(k) / (2 pi) mod 1` of one tone, in `[0, 1)`.
pub fn turns_at(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    let c = cycles_dd(part, tone, fs, k) + Dd::from_f64(tone.phase0_rad / TAU);
    c.frac()
}

/// Phase of one tone at sample `k` of `part` (`0 <= k <= n_samples`; `k = n_samples`
/// is the next part's start phase), radians in `[0, 2 pi)`.
pub fn phase_at(part: &PartPlan, tone: &TonePlan, fs: f64, k: u64) -> f64 {
    let frac = cycles_dd(part, tone, fs, k).frac();
    wrap_phase(tone.phase0_rad + TAU * frac)
}

/// End phase of every tone of `part`: [`phase_at`] at `k = n_samples`.
pub fn end_phases(part: &PartPlan, fs: f64) -> Vec<f64> {
    part.tones
        .iter()
        .map(|t| phase_at(part, t, fs, part.n_samples))
        .collect()
}

/// `x` reduced to `[0, 2 pi)`.
pub fn wrap_phase(x: f64) -> f64 {
    let r = x.rem_euclid(TAU);
    if r >= TAU {
        0.0
    } else {
        r
    }
}

/// Cycles advanced after an anchor sample, as a polynomial in the offset.
///
/// `cycles(i) = sum_{m<i} f(anchor + m) / fs = sum_r coeffs[r] i^r` (`coeffs[0] = 0`),
/// accurate to a few ulp of `i |f| / fs` for offsets up to a few thousand samples
/// within the part. A renderer adds it to the exact [`turns_at`] of the anchor.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct LocalPhase {
    /// Coefficients of `i^0 .. i^6`.
    pub coeffs: [f64; 7],
    /// Highest power with a non-zero coefficient (1 for a constant frequency,
    /// 2 for `linear`, 6 for `min_jerk`).
    pub degree: usize,
}

impl LocalPhase {
    /// Evaluates the polynomial at offset `i` (Horner).
    #[inline]
    pub fn eval(&self, i: f64) -> f64 {
        let mut acc = 0.0;
        for r in (1..=self.degree).rev() {
            acc = (acc + self.coeffs[r]) * i;
        }
        acc
    }
}

/// `sum_{m=0}^{i-1} m^p` as polynomial coefficients of `i^0 .. i^6`, for p = 0..5.
const FAULHABER: [[f64; 7]; 6] = [
    [0.0, 1.0, 0.0, 0.0, 0.0, 0.0, 0.0],
    [0.0, -0.5, 0.5, 0.0, 0.0, 0.0, 0.0],
    [0.0, 1.0 / 6.0, -0.5, 1.0 / 3.0, 0.0, 0.0, 0.0],
    [0.0, 0.0, 0.25, -0.5, 0.25, 0.0, 0.0],
    [0.0, -1.0 / 30.0, 0.0, 1.0 / 3.0, -0.5, 0.2, 0.0],
    [0.0, 0.0, -1.0 / 12.0, 0.0, 5.0 / 12.0, -0.5, 1.0 / 6.0],
];

/// Taylor coefficients `s^(p)(u) / p!` of the frequency shape around `u`, p = 0..5.
fn shape_taylor(kind: InterpKind, u: f64) -> [f64; 6] {
    match kind {
        InterpKind::Linear => [u, 1.0, 0.0, 0.0, 0.0, 0.0],
        InterpKind::MinJerk => [
            crate::interp::min_jerk_shape(u),
            30.0 * u * u * (1.0 - u) * (1.0 - u),
            u * (30.0 + u * (-90.0 + 60.0 * u)),
            10.0 + u * (-60.0 + 60.0 * u),
            -15.0 + 30.0 * u,
            6.0,
        ],
        _ => [0.0; 6],
    }
}

/// The [`LocalPhase`] of one tone after sample `anchor` of `part`.
pub fn local_phase(part: &PartPlan, tone: &TonePlan, fs: f64, anchor: u64) -> LocalPhase {
    let n = part.n_samples as f64;
    let delta = tone.f1_hz - tone.f0_hz;
    let moving = crate::interp::moves_frequency(part.kind) && delta != 0.0;
    let mut coeffs = [0.0; 7];
    if !moving {
        coeffs[1] = tone.f0_hz / fs;
        return LocalPhase { coeffs, degree: 1 };
    }
    let b = shape_taylor(part.kind, anchor as f64 / n);
    let mut scale = 1.0;
    for (p, row) in FAULHABER.iter().enumerate() {
        let c = if p == 0 {
            tone.f0_hz + delta * b[0]
        } else {
            scale /= n;
            delta * b[p] * scale
        };
        if c != 0.0 {
            for r in 0..7 {
                coeffs[r] += c * row[r];
            }
        }
    }
    for c in coeffs.iter_mut() {
        *c /= fs;
    }
    let degree = if part.kind == InterpKind::Linear {
        2
    } else {
        6
    };
    LocalPhase { coeffs, degree }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::interp::frequency_at;
    use abi_stable::std_types::RVec;

    fn part(kind: InterpKind, n: u64, tones: Vec<TonePlan>) -> PartPlan {
        PartPlan {
            offset: 0,
            n_samples: n,
            kind,
            tau_s: 0.0,
            tones: RVec::from(tones),
        }
    }

    fn tone(f0: f64, f1: f64, phase0: f64) -> TonePlan {
        TonePlan {
            f0_hz: f0,
            f1_hz: f1,
            a0: 1.0,
            a1: 1.0,
            phase0_rad: phase0,
        }
    }

    /// Brute force: explicit per-sample accumulation with compensated summation.
    fn brute_cycles(p: &PartPlan, t: &TonePlan, fs: f64, k: u64) -> f64 {
        let (mut sum, mut comp) = (0.0f64, 0.0f64);
        for j in 0..k {
            let f = frequency_at(p.kind, t.f0_hz, t.f1_hz, j, p.n_samples) / fs;
            let y = f - comp;
            let s = sum + y;
            comp = (s - sum) - y;
            sum = s;
        }
        sum
    }

    fn angle_diff(a: f64, b: f64) -> f64 {
        let d = (a - b).rem_euclid(TAU);
        d.min(TAU - d)
    }

    #[test]
    fn closed_forms_match_brute_force_for_small_parts() {
        let fs = 625e6;
        for kind in InterpKind::ALL {
            for n in [1u64, 2, 3, 7, 64, 1000] {
                let t = if crate::interp::moves_frequency(kind) {
                    tone(90.3e6, 110.7e6, 1.25)
                } else {
                    tone(97.1e6, 97.1e6, 1.25)
                };
                let p = part(kind, n, vec![t]);
                for k in [0, 1, n / 2, n.saturating_sub(1), n] {
                    let exact = brute_cycles(&p, &t, fs, k);
                    let dd = cycles_dd(&p, &t, fs, k).to_f64();
                    assert!(
                        (exact - dd).abs() < 1e-9,
                        "{kind:?} n={n} k={k}: {exact} vs {dd}"
                    );
                    let expected = (1.25 + TAU * exact).rem_euclid(TAU);
                    let got = phase_at(&p, &t, fs, k);
                    assert!((0.0..TAU).contains(&got));
                    assert!(angle_diff(expected, got) < 1e-9, "{kind:?} n={n} k={k}");
                }
            }
        }
    }

    #[test]
    fn phase_at_zero_is_phase0_and_end_phases_use_n() {
        let fs = 1e6;
        let p = part(
            InterpKind::MinJerk,
            100,
            vec![tone(1e5, 2e5, 0.5), tone(3e5, 3e5, 6.0)],
        );
        assert_eq!(phase_at(&p, &p.tones[0], fs, 0), 0.5);
        let ends = end_phases(&p, fs);
        assert_eq!(ends.len(), 2);
        // Second tone holds 3e5 Hz for 100 samples: 30 whole cycles.
        assert!(angle_diff(ends[1], 6.0) < 1e-12);
        // First: mean frequency 1.5e5 Hz minus half a step of the symmetric shape.
        let exact = brute_cycles(&p, &p.tones[0], fs, 100);
        assert!(angle_diff(ends[0], 0.5 + TAU * exact) < 1e-9);
    }

    #[test]
    fn local_phase_matches_differences_of_the_closed_form() {
        let fs = 625e6;
        for kind in [InterpKind::Hold, InterpKind::Linear, InterpKind::MinJerk] {
            let t = if kind == InterpKind::Hold {
                tone(101e6, 101e6, 0.0)
            } else {
                tone(95e6, 104e6, 0.0)
            };
            let p = part(kind, 20_000, vec![t]);
            for anchor in [0u64, 4096, 12_288, 16_384] {
                let lp = local_phase(&p, &t, fs, anchor);
                for i in [0u64, 1, 17, 1000, 3615] {
                    let expected =
                        brute_cycles(&p, &t, fs, anchor + i) - brute_cycles(&p, &t, fs, anchor);
                    let got = lp.eval(i as f64);
                    assert!(
                        (expected - got).abs() < 1e-9,
                        "{kind:?} anchor={anchor} i={i}: {expected} vs {got}"
                    );
                }
            }
        }
    }
}
