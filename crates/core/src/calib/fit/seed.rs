//! Starting point of the sin² fit: per frequency bin, the `v0` that best explains
//! that bin's curve (a 1-D search with the optimal `g` eliminated); a weighted
//! polynomial through those `v0`; then `g`'s coefficients by linear least squares
//! over all points with `v0` fixed.

use std::collections::BTreeMap;
use std::f64::consts::FRAC_PI_2;

use nalgebra::{DMatrix, DVector};

use crate::calib::eval::horner;

/// Fewest points with a positive amplitude for a bin to seed `v0`.
const MIN_BIN_POINTS: usize = 3;

/// Normalised points of one channel.
pub(super) struct Points<'a> {
    /// Normalised frequency in [-1, 1].
    pub x: &'a [f64],
    /// Frequency bin of each point.
    pub bin: &'a [i64],
    /// RF amplitude, mV.
    pub a: &'a [f64],
    /// Optical power.
    pub p: &'a [f64],
}

/// `sin^2((pi/2) a / v0)`.
pub(super) fn sat(a: f64, v0: f64) -> f64 {
    let s = (FRAC_PI_2 * a / v0).sin();
    s * s
}

/// Share of the curve's power explained by the best `g` at this `v0`:
/// `(sum p s)^2 / sum s^2` (0 when the best `g` would not be positive).
fn explained(a: &[f64], p: &[f64], v0: f64) -> f64 {
    let (mut ps, mut ss) = (0.0, 0.0);
    for (&ai, &pi) in a.iter().zip(p) {
        let s = sat(ai, v0);
        ps += pi * s;
        ss += s * s;
    }
    if ps > 0.0 && ss > 0.0 {
        ps * ps / ss
    } else {
        0.0
    }
}

/// The `v0` best explaining one curve: a log-spaced scan from a tenth of the largest
/// amplitude to thirty times it, then golden-section refinement around the best.
fn best_v0(a: &[f64], p: &[f64]) -> Option<f64> {
    const SCAN: usize = 40;
    let a_max = a.iter().copied().fold(0.0, f64::max);
    if a_max <= 0.0 || !p.iter().any(|&x| x > 0.0) {
        return None;
    }
    let (lo, hi) = ((0.1 * a_max).ln(), (30.0 * a_max).ln());
    let at = |k: usize| (lo + (hi - lo) * k as f64 / (SCAN - 1) as f64).exp();
    let (mut best_k, mut best) = (0, f64::NEG_INFINITY);
    for k in 0..SCAN {
        let e = explained(a, p, at(k));
        if e > best {
            (best_k, best) = (k, e);
        }
    }
    if best <= 0.0 {
        return None;
    }
    let (mut l, mut r) = (at(best_k.saturating_sub(1)), at((best_k + 1).min(SCAN - 1)));
    let phi = 0.5 * (5f64.sqrt() - 1.0);
    let (mut m1, mut m2) = (r - phi * (r - l), l + phi * (r - l));
    let (mut e1, mut e2) = (explained(a, p, m1), explained(a, p, m2));
    for _ in 0..28 {
        if e1 >= e2 {
            (r, m2, e2) = (m2, m1, e1);
            m1 = r - phi * (r - l);
            e1 = explained(a, p, m1);
        } else {
            (l, m1, e1) = (m1, m2, e2);
            m2 = l + phi * (r - l);
            e2 = explained(a, p, m2);
        }
    }
    Some(0.5 * (l + r))
}

/// Least-squares solution of `m c = b` (SVD, so rank deficiency is tolerated).
fn lstsq(m: DMatrix<f64>, b: DVector<f64>) -> Option<DVector<f64>> {
    m.svd(true, true).solve(&b, 1e-13).ok()
}

/// Monomial basis `x^d, .., x, 1` (highest first) into `row`.
fn monomials(x: f64, row: &mut [f64]) {
    let mut v = 1.0;
    for c in row.iter_mut().rev() {
        *c = v;
        v *= x;
    }
}

/// Seed coefficients `(g, v0)`, highest power first, of degrees `dg` and `dv0`.
pub(super) fn seed(
    pts: &Points<'_>,
    dg: usize,
    dv0: usize,
    min_v0_sq: f64,
) -> Option<(Vec<f64>, Vec<f64>)> {
    // Per-bin v0 at the bin's mean x, weighted by its point count.
    let mut bins: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
    for (i, &b) in pts.bin.iter().enumerate() {
        bins.entry(b).or_default().push(i);
    }
    let mut knots: Vec<(f64, f64, f64)> = Vec::new();
    let (mut a_buf, mut p_buf) = (Vec::new(), Vec::new());
    for idx in bins.values() {
        a_buf.clear();
        p_buf.clear();
        a_buf.extend(idx.iter().map(|&i| pts.a[i]));
        p_buf.extend(idx.iter().map(|&i| pts.p[i]));
        if a_buf.iter().filter(|&&a| a > 0.0).count() < MIN_BIN_POINTS {
            continue;
        }
        if let Some(v0) = best_v0(&a_buf, &p_buf) {
            let x = idx.iter().map(|&i| pts.x[i]).sum::<f64>() / idx.len() as f64;
            knots.push((x, v0, idx.len() as f64));
        }
    }
    let mut v0_coeffs = vec![0.0; dv0 + 1];
    if knots.is_empty() {
        v0_coeffs[dv0] = best_v0(pts.a, pts.p)?;
    } else {
        let d = dv0.min(knots.len() - 1);
        let mut m = DMatrix::zeros(knots.len(), d + 1);
        let mut b = DVector::zeros(knots.len());
        let mut row = vec![0.0; d + 1];
        for (k, &(x, v0, w)) in knots.iter().enumerate() {
            let sw = w.sqrt();
            monomials(x, &mut row);
            for (j, r) in row.iter().enumerate() {
                m[(k, j)] = sw * r;
            }
            b[k] = sw * v0;
        }
        let c = lstsq(m, b)?;
        v0_coeffs[dv0 - d..].copy_from_slice(c.as_slice());
    }
    // g by linear least squares with v0 fixed.
    let n = pts.x.len();
    let mut m = DMatrix::zeros(n, dg + 1);
    let mut row = vec![0.0; dg + 1];
    for i in 0..n {
        let q = horner(&v0_coeffs, pts.x[i]);
        let s = sat(pts.a[i], (q * q + min_v0_sq).sqrt());
        monomials(pts.x[i], &mut row);
        for (j, r) in row.iter().enumerate() {
            m[(i, j)] = r * s;
        }
    }
    let g = lstsq(m, DVector::from_column_slice(pts.p))?;
    Some((g.as_slice().to_vec(), v0_coeffs))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn best_v0_recovers_a_clean_curve() {
        let a: Vec<f64> = (0..40).map(|k| k as f64 * 4.0).collect();
        let p: Vec<f64> = a.iter().map(|&a| 0.7 * sat(a, 180.0)).collect();
        let v0 = best_v0(&a, &p).unwrap();
        assert!((v0 - 180.0).abs() < 1e-4, "{v0}");
    }
}
