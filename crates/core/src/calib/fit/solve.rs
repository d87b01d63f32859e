//! The joint sin² least-squares problem over all coefficients of `g` and `v0`
//! (residual `g(x) sin^2((pi/2) a / v0(x)) - p` per point, analytic Jacobian),
//! minimised with the `levenberg-marquardt` crate (MINPACK's trust-region LM).

use std::f64::consts::FRAC_PI_2;

use levenberg_marquardt::{LeastSquaresProblem, LevenbergMarquardt};
use nalgebra::storage::Owned;
use nalgebra::{DMatrix, DVector, Dyn};

use super::seed::Points;
use crate::calib::eval::horner;

/// Outcome of the minimisation.
pub(super) struct Solved {
    /// `g` coefficients, highest power first.
    pub g: Vec<f64>,
    /// `v0` coefficients, highest power first.
    pub v0: Vec<f64>,
    /// Residual and Jacobian evaluations.
    pub evaluations: usize,
    /// Whether a convergence criterion (not a limit) ended it.
    pub converged: bool,
    /// Why it ended.
    pub termination: String,
}

struct Sin2Problem<'a> {
    pts: &'a Points<'a>,
    dg: usize,
    min_v0_sq: f64,
    params: DVector<f64>,
}

impl Sin2Problem<'_> {
    fn split(&self) -> (&[f64], &[f64]) {
        self.params.as_slice().split_at(self.dg + 1)
    }
}

impl LeastSquaresProblem<f64, Dyn, Dyn> for Sin2Problem<'_> {
    type ResidualStorage = Owned<f64, Dyn>;
    type JacobianStorage = Owned<f64, Dyn, Dyn>;
    type ParameterStorage = Owned<f64, Dyn>;

    fn set_params(&mut self, x: &DVector<f64>) {
        self.params.copy_from(x);
    }

    fn params(&self) -> DVector<f64> {
        self.params.clone()
    }

    fn residuals(&self) -> Option<DVector<f64>> {
        let (g, v) = self.split();
        let pts = self.pts;
        let r = DVector::from_iterator(
            pts.x.len(),
            (0..pts.x.len()).map(|i| {
                let x = pts.x[i];
                let q = horner(v, x);
                let s = (FRAC_PI_2 * pts.a[i] / (q * q + self.min_v0_sq).sqrt()).sin();
                horner(g, x) * s * s - pts.p[i]
            }),
        );
        r.iter().all(|v| v.is_finite()).then_some(r)
    }

    fn jacobian(&self) -> Option<DMatrix<f64>> {
        let (g, v) = self.split();
        let (ng, nv) = (g.len(), v.len());
        let pts = self.pts;
        let n = pts.x.len();
        let mut j = DMatrix::zeros(n, ng + nv);
        for i in 0..n {
            let x = pts.x[i];
            let q = horner(v, x);
            let v0 = (q * q + self.min_v0_sq).sqrt();
            let theta = FRAC_PI_2 * pts.a[i] / v0;
            let (sn, cs) = theta.sin_cos();
            let gx = horner(g, x);
            // d r / d g_k = x^k s;  d r / d q = g * d s / d v0 * d v0 / d q
            // with d s / d v0 = -2 sin cos theta / v0 and d v0 / d q = q / v0.
            let s = sn * sn;
            let dq = gx * (-2.0 * sn * cs * theta / v0) * (q / v0);
            let mut xp = 1.0;
            for k in 0..ng.max(nv) {
                if k < ng {
                    j[(i, ng - 1 - k)] = xp * s;
                }
                if k < nv {
                    j[(i, ng + nv - 1 - k)] = xp * dq;
                }
                xp *= x;
            }
        }
        j.iter().all(|v| v.is_finite()).then_some(j)
    }
}

/// Minimises from the seed `(g, v0)`; `patience` bounds the evaluations to
/// `patience * (number of coefficients + 1)`.
pub(super) fn solve(
    pts: &Points<'_>,
    g: &[f64],
    v0: &[f64],
    min_v0_sq: f64,
    patience: usize,
) -> Solved {
    let params = DVector::from_iterator(g.len() + v0.len(), g.iter().chain(v0).copied());
    let problem = Sin2Problem {
        pts,
        dg: g.len() - 1,
        min_v0_sq,
        params,
    };
    let (problem, report) = LevenbergMarquardt::new()
        .with_patience(patience)
        .minimize(problem);
    let (g_out, v_out) = problem.split();
    Solved {
        g: g_out.to_vec(),
        v0: v_out.to_vec(),
        evaluations: report.number_of_evaluations,
        converged: report.termination.was_successful(),
        termination: format!("{:?}", report.termination),
    }
}
