//! Short-time Fourier transform with a Hann window, levels in dB relative to a
//! full-scale sine.

use std::f64::consts::PI;

use rustfft::num_complex::Complex;
use rustfft::FftPlanner;

/// Levels of one frame.
pub(crate) struct Frame {
    /// Position of the frame's centre, samples from the start of the input.
    pub centre: f64,
    /// Level of each bin `0..=n_fft/2`, dB relative to a sine of amplitude
    /// `full_scale` (floored at -300 dB).
    pub level_db: Vec<f64>,
}

/// The frames of an STFT.
pub(crate) struct Stft {
    /// FFT length.
    pub n_fft: usize,
    /// Frames in time order.
    pub frames: Vec<Frame>,
}

/// A power-of-two FFT length suited to `len` samples: about `sqrt(16 len)`, which
/// balances frequency and time resolution, within 64..=65536 and at most `len`.
pub(crate) fn default_fft_len(len: usize) -> usize {
    let target = ((16.0 * len as f64).sqrt() as usize).clamp(64, 65536);
    let mut n = target.next_power_of_two();
    while n > len && n > 1 {
        n /= 2;
    }
    n
}

/// STFT of `x` with `n_fft`-sample Hann windows at no more than `max_frames`
/// evenly spaced positions covering the whole input. Needs `x.len() >= n_fft >= 2`.
pub(crate) fn stft(x: &[f64], n_fft: usize, max_frames: usize, full_scale: f64) -> Stft {
    let window: Vec<f64> = (0..n_fft)
        .map(|i| 0.5 - 0.5 * (2.0 * PI * i as f64 / n_fft as f64).cos())
        .collect();
    let gain: f64 = window.iter().sum::<f64>() / 2.0 * full_scale;
    let positions = x.len() - n_fft;
    let n_frames = max_frames.max(1).min(positions + 1);
    let fft = FftPlanner::<f64>::new().plan_fft_forward(n_fft);
    let mut buf = vec![Complex::new(0.0, 0.0); n_fft];
    let mut scratch = vec![Complex::new(0.0, 0.0); fft.get_inplace_scratch_len()];
    let frames = (0..n_frames)
        .map(|i| {
            let start = if n_frames == 1 {
                positions / 2
            } else {
                ((i as u128 * positions as u128 + (n_frames as u128 - 1) / 2)
                    / (n_frames as u128 - 1)) as usize
            };
            for ((b, &v), &w) in buf.iter_mut().zip(&x[start..start + n_fft]).zip(&window) {
                *b = Complex::new(v * w, 0.0);
            }
            fft.process_with_scratch(&mut buf, &mut scratch);
            let level_db = buf[..=n_fft / 2]
                .iter()
                .map(|c| (20.0 * (c.norm() / gain).log10()).max(-300.0))
                .collect();
            Frame {
                centre: start as f64 + n_fft as f64 / 2.0,
                level_db,
            }
        })
        .collect();
    Stft { n_fft, frames }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_full_scale_sine_peaks_at_its_bin_near_zero_db() {
        let n_fft = 256;
        let fs = 1000.0;
        let f = 125.0; // bin 32
        let x: Vec<f64> = (0..2000)
            .map(|k| 100.0 * (2.0 * PI * f * k as f64 / fs).sin())
            .collect();
        let s = stft(&x, n_fft, 10, 100.0);
        assert_eq!(s.frames.len(), 10);
        for fr in &s.frames {
            let (peak, level) = fr
                .level_db
                .iter()
                .enumerate()
                .fold((0, f64::MIN), |a, (i, &l)| if l > a.1 { (i, l) } else { a });
            assert_eq!(peak, 32);
            assert!(level.abs() < 0.01, "{level}");
            assert!(fr.level_db[100] < -100.0);
        }
        assert_eq!(s.frames[0].centre, 128.0);
        assert_eq!(s.frames[9].centre, 2000.0 - 128.0);
    }

    #[test]
    fn fft_lengths_fit_the_data() {
        assert_eq!(default_fft_len(625_000), 4096);
        assert_eq!(default_fft_len(100), 64);
        assert_eq!(default_fft_len(40), 32);
        assert!(default_fft_len(1 << 30) <= 65536);
    }
}
