//! Envelope sampling by direct summation, for any frequencies: tables of
//! `exp(i 2 pi (f_k - f_c) t_j)` and a multiply-add per tone and sample.

use super::envelope::EnvelopeTone;
use super::grid::fill_phasors;

/// Lanes of the explicit-order dot products (a fixed summation order, so results do not
/// depend on the target's vector width).
const LANES: usize = 4;

/// The envelope of the free tones (tables) plus the fixed ones, `m` samples at
/// `t_j = j dt` around the centre frequency `centre_hz`.
pub(crate) struct Direct {
    m: usize,
    basis_re: Vec<f64>,
    basis_im: Vec<f64>,
    fixed_re: Vec<f64>,
    fixed_im: Vec<f64>,
}

impl Direct {
    pub(crate) fn new(
        free: &[EnvelopeTone],
        fixed: &[EnvelopeTone],
        centre_hz: f64,
        dt: f64,
        m: usize,
    ) -> Self {
        let mut basis_re = vec![0.0; free.len() * m];
        let mut basis_im = vec![0.0; free.len() * m];
        for (k, tone) in free.iter().enumerate() {
            let (re, im) = (
                &mut basis_re[k * m..(k + 1) * m],
                &mut basis_im[k * m..(k + 1) * m],
            );
            fill_phasors((tone.freq_hz - centre_hz) * dt, 0.0, 1.0, re, im);
        }
        let mut fixed_re = vec![0.0; m];
        let mut fixed_im = vec![0.0; m];
        let (mut re, mut im) = (vec![0.0; m], vec![0.0; m]);
        for tone in fixed {
            let cycles = (tone.freq_hz - centre_hz) * dt;
            fill_phasors(cycles, tone.phase, tone.amp, &mut re, &mut im);
            for j in 0..m {
                fixed_re[j] += re[j];
                fixed_im[j] += im[j];
            }
        }
        Self {
            m,
            basis_re,
            basis_im,
            fixed_re,
            fixed_im,
        }
    }

    /// `z = fixed + sum_k coef_k e_k`.
    pub(crate) fn synthesise(&self, coef: &[(f64, f64)], zr: &mut [f64], zi: &mut [f64]) {
        zr.copy_from_slice(&self.fixed_re);
        zi.copy_from_slice(&self.fixed_im);
        let m = self.m;
        for (k, &(cr, ci)) in coef.iter().enumerate() {
            let er = &self.basis_re[k * m..(k + 1) * m];
            let ei = &self.basis_im[k * m..(k + 1) * m];
            for (((zr, zi), &er), &ei) in zr.iter_mut().zip(zi.iter_mut()).zip(er).zip(ei) {
                *zr += cr * er - ci * ei;
                *zi += cr * ei + ci * er;
            }
        }
    }

    /// `out_k = sum_j conj(v_j) e_kj`, summed in a fixed lane order.
    pub(crate) fn correlate(&self, vr: &[f64], vi: &[f64], out: &mut [(f64, f64)]) {
        let m = self.m;
        for (k, o) in out.iter_mut().enumerate() {
            let er = &self.basis_re[k * m..(k + 1) * m];
            let ei = &self.basis_im[k * m..(k + 1) * m];
            let mut acc_re = [0.0f64; LANES];
            let mut acc_im = [0.0f64; LANES];
            let chunks = er
                .chunks_exact(LANES)
                .zip(ei.chunks_exact(LANES))
                .zip(vr.chunks_exact(LANES).zip(vi.chunks_exact(LANES)));
            for ((er, ei), (vr, vi)) in chunks {
                for l in 0..LANES {
                    acc_re[l] += vr[l] * er[l] + vi[l] * ei[l];
                    acc_im[l] += vr[l] * ei[l] - vi[l] * er[l];
                }
            }
            for j in m / LANES * LANES..m {
                acc_re[j % LANES] += vr[j] * er[j] + vi[j] * ei[j];
                acc_im[j % LANES] += vr[j] * ei[j] - vi[j] * er[j];
            }
            *o = (
                (acc_re[0] + acc_re[1]) + (acc_re[2] + acc_re[3]),
                (acc_im[0] + acc_im[1]) + (acc_im[2] + acc_im[3]),
            );
        }
    }
}
