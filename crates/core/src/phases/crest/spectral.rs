//! Envelope sampling by FFT for tones on a common frequency grid
//! `f_k = origin + n_k step` (integer `n_k`): the envelope is then periodic in
//! `1 / step` and its samples over one period are an inverse DFT of the tone phasors.

use super::envelope::EnvelopeTone;
use super::fft::Fft;
use super::grid::cis;

/// The envelope of the free tones (bins `bins`) plus the fixed ones, `m` samples.
pub(crate) struct Spectral {
    fft: Fft,
    bins: Vec<usize>,
    fixed_re: Vec<f64>,
    fixed_im: Vec<f64>,
}

impl Spectral {
    /// `bin_of` maps a frequency to its grid index (`< m`).
    pub(crate) fn new(
        free: &[EnvelopeTone],
        fixed: &[EnvelopeTone],
        m: usize,
        bin_of: impl Fn(f64) -> usize,
    ) -> Self {
        let mut fixed_re = vec![0.0; m];
        let mut fixed_im = vec![0.0; m];
        for tone in fixed {
            let (c, s) = cis(tone.phase);
            let n = bin_of(tone.freq_hz);
            fixed_re[n] += tone.amp * c;
            fixed_im[n] += tone.amp * s;
        }
        Self {
            fft: Fft::new(m),
            bins: free.iter().map(|t| bin_of(t.freq_hz)).collect(),
            fixed_re,
            fixed_im,
        }
    }

    /// `z = fixed + sum_k coef_k exp(i 2 pi n_k j / m)`.
    pub(crate) fn synthesise(&self, coef: &[(f64, f64)], zr: &mut [f64], zi: &mut [f64]) {
        zr.copy_from_slice(&self.fixed_re);
        zi.copy_from_slice(&self.fixed_im);
        for (&n, &(cr, ci)) in self.bins.iter().zip(coef) {
            zr[n] += cr;
            zi[n] += ci;
        }
        self.fft.inverse(zr, zi);
    }

    /// `out_k = sum_j conj(v_j) exp(i 2 pi n_k j / m)`; overwrites `vr`, `vi`.
    pub(crate) fn correlate(&self, vr: &mut [f64], vi: &mut [f64], out: &mut [(f64, f64)]) {
        self.fft.forward(vr, vi);
        for (o, &n) in out.iter_mut().zip(&self.bins) {
            *o = (vr[n], -vi[n]);
        }
    }
}
