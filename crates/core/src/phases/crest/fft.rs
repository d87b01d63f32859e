//! An iterative radix-2 complex FFT on split real/imaginary arrays.
//!
//! Kept here rather than taken from an FFT crate because the optimiser's phases must be
//! identical on every platform: the twiddle factors come from the portable `libm`, and
//! the butterflies are plain IEEE arithmetic in a fixed order (the common crates take
//! their twiddles from the platform's `sin`/`cos` and pick SIMD kernels at run time).

use std::f64::consts::TAU;

use super::grid::cis;

/// A planned transform of one power-of-two length.
pub(crate) struct Fft {
    /// Twiddles of every butterfly stage, contiguous: the stage joining halves of
    /// length `h` uses `exp(-i pi j / h)`, `j < h`, stored from index `h - 1`.
    twiddle_re: Vec<f64>,
    twiddle_im: Vec<f64>,
    /// Bit-reversal permutation as (i, j) pairs with i < j.
    swaps: Vec<(u32, u32)>,
}

impl Fft {
    /// `m` must be a power of two (at least 2).
    pub(crate) fn new(m: usize) -> Self {
        assert!(
            m.is_power_of_two() && m >= 2,
            "FFT length {m} is not a power of two >= 2"
        );
        let mut twiddle_re = Vec::with_capacity(m - 1);
        let mut twiddle_im = Vec::with_capacity(m - 1);
        let mut h = 1;
        while h < m {
            for j in 0..h {
                let (c, s) = cis(-TAU * j as f64 / (2 * h) as f64);
                twiddle_re.push(c);
                twiddle_im.push(s);
            }
            h *= 2;
        }
        let bits = m.trailing_zeros();
        let swaps = (0..m)
            .filter_map(|i| {
                let j = i.reverse_bits() >> (usize::BITS - bits);
                (i < j).then_some((i as u32, j as u32))
            })
            .collect();
        Self {
            twiddle_re,
            twiddle_im,
            swaps,
        }
    }

    /// In place: `X_n = sum_j x_j exp(-i 2 pi n j / m)`.
    pub(crate) fn forward(&self, re: &mut [f64], im: &mut [f64]) {
        self.transform(re, im, 1.0);
    }

    /// In place, unnormalised: `x_j = sum_n X_n exp(+i 2 pi n j / m)`.
    pub(crate) fn inverse(&self, re: &mut [f64], im: &mut [f64]) {
        self.transform(re, im, -1.0);
    }

    /// `flip` multiplies the imaginary part of the stored `exp(-i ...)` twiddles.
    fn transform(&self, re: &mut [f64], im: &mut [f64], flip: f64) {
        let m = re.len();
        debug_assert_eq!(m, self.twiddle_re.len() + 1);
        debug_assert_eq!(m, im.len());
        for &(i, j) in &self.swaps {
            re.swap(i as usize, j as usize);
            im.swap(i as usize, j as usize);
        }
        // Length-2 butterflies need no twiddle.
        for (r, i) in re.chunks_exact_mut(2).zip(im.chunks_exact_mut(2)) {
            let (ar, ai, br, bi) = (r[0], i[0], r[1], i[1]);
            r[0] = ar + br;
            i[0] = ai + bi;
            r[1] = ar - br;
            i[1] = ai - bi;
        }
        let mut h = 2;
        while h < m {
            let tw_re = &self.twiddle_re[h - 1..2 * h - 1];
            let tw_im = &self.twiddle_im[h - 1..2 * h - 1];
            for (r, i) in re.chunks_exact_mut(2 * h).zip(im.chunks_exact_mut(2 * h)) {
                let (lo_re, hi_re) = r.split_at_mut(h);
                let (lo_im, hi_im) = i.split_at_mut(h);
                butterflies(lo_re, lo_im, hi_re, hi_im, tw_re, tw_im, flip);
            }
            h *= 2;
        }
    }
}

/// `(a, b) <- (a + w b, a - w b)` elementwise, `w = tw_re + i flip tw_im`.
#[inline(always)]
fn butterflies(
    a_re: &mut [f64],
    a_im: &mut [f64],
    b_re: &mut [f64],
    b_im: &mut [f64],
    tw_re: &[f64],
    tw_im: &[f64],
    flip: f64,
) {
    let h = a_re.len();
    let (a_im, b_re, b_im) = (&mut a_im[..h], &mut b_re[..h], &mut b_im[..h]);
    let (tw_re, tw_im) = (&tw_re[..h], &tw_im[..h]);
    for j in 0..h {
        let (wr, wi) = (tw_re[j], flip * tw_im[j]);
        let tr = b_re[j] * wr - b_im[j] * wi;
        let ti = b_re[j] * wi + b_im[j] * wr;
        let (xr, xi) = (a_re[j], a_im[j]);
        a_re[j] = xr + tr;
        a_im[j] = xi + ti;
        b_re[j] = xr - tr;
        b_im[j] = xi - ti;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn naive(re: &[f64], im: &[f64], sign: f64) -> (Vec<f64>, Vec<f64>) {
        let m = re.len();
        (0..m)
            .map(|n| {
                (0..m).fold((0.0, 0.0), |(sr, si), j| {
                    let a = sign * TAU * ((n * j) % m) as f64 / m as f64;
                    let (c, s) = (a.cos(), a.sin());
                    (sr + re[j] * c - im[j] * s, si + re[j] * s + im[j] * c)
                })
            })
            .unzip()
    }

    #[test]
    fn matches_the_naive_transform_both_ways() {
        for m in [2, 4, 8, 64] {
            let re: Vec<f64> = (0..m).map(|j| ((j * 7 + 3) % 11) as f64 - 5.0).collect();
            let im: Vec<f64> = (0..m).map(|j| ((j * 5 + 1) % 13) as f64 * 0.3).collect();
            let fft = Fft::new(m);
            for (sign, forward) in [(-1.0, true), (1.0, false)] {
                let (mut r, mut i) = (re.clone(), im.clone());
                if forward {
                    fft.forward(&mut r, &mut i);
                } else {
                    fft.inverse(&mut r, &mut i);
                }
                let (nr, ni) = naive(&re, &im, sign);
                for n in 0..m {
                    assert!(
                        (r[n] - nr[n]).abs() < 1e-9 && (i[n] - ni[n]).abs() < 1e-9,
                        "m={m} n={n}"
                    );
                }
            }
        }
    }
}
