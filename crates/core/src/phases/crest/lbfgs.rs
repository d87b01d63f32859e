//! A small limited-memory BFGS minimiser with a strong-Wolfe line search
//! (Nocedal & Wright, algorithms 7.4, 3.5 and 3.6).
//!
//! Written here rather than taken from an optimisation crate because the crest objective
//! computes its value and gradient in one pass (the common crates' traits evaluate them
//! separately, which would double the cost or need a cache keyed on the parameters), and
//! because the caller needs an exact count of evaluations and a cheap check of a time
//! budget between iterations. Everything is plain IEEE arithmetic in a fixed order, so a
//! run is reproducible bit for bit.

use std::collections::VecDeque;
use std::time::Instant;

/// Sufficient-decrease constant of the Wolfe conditions.
const C1: f64 = 1e-4;
/// Curvature constant of the Wolfe conditions.
const C2: f64 = 0.9;
/// Objective evaluations one line search may use.
const MAX_LINE_EVALS: usize = 20;

/// Stopping rules of one minimisation.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Settings {
    /// Correction pairs kept.
    pub memory: usize,
    /// Iterations (line searches) at most.
    pub max_iterations: usize,
    /// Stop when an iteration lowers the objective by less than this (absolute).
    pub min_decrease: f64,
    /// Largest change of any one variable in a first trial step.
    pub max_step: f64,
}

/// Minimises `f` (value and gradient in one call) from `x`, leaving the best point in `x`.
/// Returns true when the deadline stopped it.
pub(crate) fn minimise(
    f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    x: &mut [f64],
    settings: &Settings,
    deadline: Option<Instant>,
) -> bool {
    let n = x.len();
    let mut g = vec![0.0; n];
    let mut value = f(x, &mut g);
    let mut history: VecDeque<(Vec<f64>, Vec<f64>, f64)> = VecDeque::new();
    let mut d = vec![0.0; n];
    let mut deadline_hit = false;
    for _ in 0..settings.max_iterations {
        if deadline.is_some_and(|t| Instant::now() >= t) {
            deadline_hit = true;
            break;
        }
        if !value.is_finite() || max_abs(&g) == 0.0 {
            break;
        }
        direction(&g, &history, &mut d);
        let mut slope = dot(&d, &g);
        if slope >= 0.0 {
            history.clear();
            direction(&g, &history, &mut d);
            slope = dot(&d, &g);
        }
        let first = if history.is_empty() {
            1.0 / max_abs(&g)
        } else {
            1.0
        };
        let alpha0 = first.min(settings.max_step / max_abs(&d));
        let Some(step) = line_search(f, x, value, slope, &d, alpha0) else {
            if history.is_empty() {
                break;
            }
            history.clear();
            continue;
        };
        let s: Vec<f64> = step.x.iter().zip(x.iter()).map(|(a, b)| a - b).collect();
        let y: Vec<f64> = step.g.iter().zip(&g).map(|(a, b)| a - b).collect();
        let sy = dot(&s, &y);
        if sy > 1e-12 * dot(&y, &y).sqrt() * dot(&s, &s).sqrt() {
            if history.len() == settings.memory {
                history.pop_front();
            }
            history.push_back((s, y, 1.0 / sy));
        }
        let decrease = value - step.f;
        x.copy_from_slice(&step.x);
        g = step.g;
        value = step.f;
        if decrease < settings.min_decrease {
            break;
        }
    }
    deadline_hit
}

/// `d = -H g` by the two-loop recursion; steepest descent without history.
fn direction(g: &[f64], history: &VecDeque<(Vec<f64>, Vec<f64>, f64)>, d: &mut [f64]) {
    for (di, gi) in d.iter_mut().zip(g) {
        *di = -gi;
    }
    let mut alphas = Vec::with_capacity(history.len());
    for (s, y, rho) in history.iter().rev() {
        let a = rho * dot(s, d);
        axpy(-a, y, d);
        alphas.push(a);
    }
    if let Some((s, y, _)) = history.back() {
        let gamma = dot(s, y) / dot(y, y);
        d.iter_mut().for_each(|v| *v *= gamma);
    }
    for ((s, y, rho), a) in history.iter().zip(alphas.iter().rev()) {
        let b = rho * dot(y, d);
        axpy(a - b, s, d);
    }
}

/// A trial point of the line search.
struct Trial {
    alpha: f64,
    f: f64,
    slope: f64,
    x: Vec<f64>,
    g: Vec<f64>,
}

/// Finds a step along `d` meeting the strong Wolfe conditions (or, failing that within
/// the evaluation limit, the best point with sufficient decrease).
fn line_search(
    f: &mut impl FnMut(&[f64], &mut [f64]) -> f64,
    x0: &[f64],
    f0: f64,
    slope0: f64,
    d: &[f64],
    alpha0: f64,
) -> Option<Trial> {
    let mut evals = 0;
    let mut try_at = |alpha: f64| {
        let x: Vec<f64> = x0.iter().zip(d).map(|(x, d)| x + alpha * d).collect();
        let mut g = vec![0.0; x.len()];
        let fv = f(&x, &mut g);
        let slope = dot(&g, d);
        Trial {
            alpha,
            f: fv,
            slope,
            x,
            g,
        }
    };
    let armijo = |t: &Trial| t.f <= f0 + C1 * t.alpha * slope0;
    let curvature = |t: &Trial| t.slope.abs() <= -C2 * slope0;
    let mut prev = Trial {
        alpha: 0.0,
        f: f0,
        slope: slope0,
        x: x0.to_vec(),
        g: Vec::new(),
    };
    let mut alpha = alpha0;
    let (mut lo, mut hi) = loop {
        let t = try_at(alpha);
        evals += 1;
        if !armijo(&t) || (prev.alpha > 0.0 && t.f >= prev.f) {
            break (prev, t);
        }
        if curvature(&t) {
            return Some(t);
        }
        if t.slope >= 0.0 {
            break (t, prev);
        }
        if evals >= MAX_LINE_EVALS {
            return Some(t);
        }
        alpha = 2.0 * t.alpha;
        prev = t;
    };
    // Zoom: lo always satisfies sufficient decrease and has the lowest value so far.
    while evals < MAX_LINE_EVALS {
        let (a, b) = (lo.alpha.min(hi.alpha), lo.alpha.max(hi.alpha));
        let width = b - a;
        if width <= 1e-14 * b.max(1e-300) {
            break;
        }
        let guess = cubic_minimiser(&lo, &hi)
            .filter(|c| *c >= a + 0.1 * width && *c <= b - 0.1 * width)
            .unwrap_or(0.5 * (a + b));
        let t = try_at(guess);
        evals += 1;
        if !armijo(&t) || t.f >= lo.f {
            hi = t;
        } else {
            if curvature(&t) {
                return Some(t);
            }
            if t.slope * (hi.alpha - lo.alpha) >= 0.0 {
                hi = lo;
            }
            lo = t;
        }
    }
    (lo.alpha > 0.0).then_some(lo)
}

/// Minimiser of the cubic through two trial points (values and slopes), if it exists.
fn cubic_minimiser(p: &Trial, q: &Trial) -> Option<f64> {
    let d1 = p.slope + q.slope - 3.0 * (p.f - q.f) / (p.alpha - q.alpha);
    let disc = d1 * d1 - p.slope * q.slope;
    if disc.is_nan() || disc < 0.0 {
        return None;
    }
    let d2 = (q.alpha - p.alpha).signum() * disc.sqrt();
    let denom = q.slope - p.slope + 2.0 * d2;
    if denom == 0.0 {
        return None;
    }
    let a = q.alpha - (q.alpha - p.alpha) * (q.slope + d2 - d1) / denom;
    a.is_finite().then_some(a)
}

fn dot(a: &[f64], b: &[f64]) -> f64 {
    a.iter().zip(b).map(|(x, y)| x * y).sum()
}

fn axpy(a: f64, x: &[f64], y: &mut [f64]) {
    for (yi, xi) in y.iter_mut().zip(x) {
        *yi += a * xi;
    }
}

fn max_abs(v: &[f64]) -> f64 {
    v.iter().fold(0.0, |m, x| m.max(x.abs()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rosenbrock(x: &[f64], g: &mut [f64]) -> f64 {
        let mut f = 0.0;
        g.fill(0.0);
        for i in 0..x.len() - 1 {
            let a = x[i + 1] - x[i] * x[i];
            let b = 1.0 - x[i];
            f += 100.0 * a * a + b * b;
            g[i] += -400.0 * a * x[i] - 2.0 * b;
            g[i + 1] += 200.0 * a;
        }
        f
    }

    #[test]
    fn finds_the_rosenbrock_minimum() {
        let mut x = vec![-1.2, 1.0, -1.2, 1.0, 0.5];
        let settings = Settings {
            memory: 8,
            max_iterations: 500,
            min_decrease: 0.0,
            max_step: 1.0,
        };
        assert!(!minimise(&mut rosenbrock, &mut x, &settings, None));
        let value = rosenbrock(&x, &mut [0.0; 5]);
        assert!(value < 1e-10, "{value}");
        assert!(x.iter().all(|v| (v - 1.0).abs() < 1e-4), "{x:?}");
    }

    #[test]
    fn never_ends_above_its_start() {
        let mut x = vec![3.0, -2.0];
        let mut g = vec![0.0; 2];
        let start = rosenbrock(&x, &mut g);
        let settings = Settings {
            memory: 3,
            max_iterations: 3,
            min_decrease: 0.0,
            max_step: 1.0,
        };
        minimise(&mut rosenbrock, &mut x, &settings, None);
        assert!(rosenbrock(&x, &mut g) < start);
    }
}
