//! Starting phases: Schroeder's formula, its chirp form for any amplitudes and
//! frequencies, and reproducible pseudo-random phases.

use std::f64::consts::{PI, TAU};

/// Schroeder's low-crest phases for `n` equal tones on a uniform frequency grid:
/// `phi_k = -pi k (k - 1) / n` for `k = 1..=n`, reduced to `[0, 2 pi)` (`phi_1 = 0`).
pub fn schroeder_phases(n: usize) -> Vec<f64> {
    let n64 = n as u64;
    (1..=n64)
        .map(|k| {
            // k (k - 1) / n modulo 2, exactly, so large n keep full precision.
            let rem = (k * (k - 1)) % (2 * n64);
            reduce(-PI * rem as f64 / n as f64)
        })
        .collect()
}

/// `x` reduced to `[0, 2 pi)`.
pub(crate) fn reduce(x: f64) -> f64 {
    let r = x.rem_euclid(TAU);
    if r >= TAU {
        0.0
    } else {
        r
    }
}

/// Schroeder's phases generalised to any amplitudes and frequencies: a chirp whose group
/// delay sweeps `sweeps` times over `period_s` in proportion to the cumulative power, so
/// the envelope's power is spread evenly in time. For equal amplitudes on a uniform grid
/// with `period_s` the inverse spacing and one sweep it equals [`schroeder_phases`]
/// (modulo `2 pi`). Returns one phase per tone, in the order given.
pub(crate) fn chirp_phases(freqs_hz: &[f64], amps: &[f64], period_s: f64, sweeps: f64) -> Vec<f64> {
    let mut order: Vec<usize> = (0..freqs_hz.len()).collect();
    order.sort_by(|&a, &b| freqs_hz[a].total_cmp(&freqs_hz[b]).then(a.cmp(&b)));
    let power: f64 = amps.iter().map(|a| a * a).sum();
    let mut phases = vec![0.0; freqs_hz.len()];
    let mut phase = 0.0;
    let mut cumulative = 0.0;
    let mut prev: Option<usize> = None;
    for &k in &order {
        if let Some(p) = prev {
            cumulative += amps[p] * amps[p] / power;
            let df = freqs_hz[k] - freqs_hz[p];
            phase -= TAU * (df * period_s * sweeps * cumulative).rem_euclid(1.0);
        }
        phases[k] = reduce(phase);
        prev = Some(k);
    }
    phases
}

/// Reproducible uniform phases in `[0, 2 pi)` from a SplitMix64 stream. A fixed,
/// self-contained generator rather than a crate's, so the sequence can never change
/// with a dependency update (compiled phases would change with it).
pub(crate) struct PhaseStream(u64);

impl PhaseStream {
    pub(crate) fn new(seed: u64) -> Self {
        Self(seed)
    }

    pub(crate) fn next_phase(&mut self) -> f64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        // 53 random bits to [0, 1), times 2 pi.
        TAU * ((z >> 11) as f64 / (1u64 << 53) as f64)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schroeder_matches_the_formula() {
        let p = schroeder_phases(8);
        assert_eq!(p[0], 0.0);
        for (i, v) in p.iter().enumerate() {
            let k = (i + 1) as f64;
            let want = (-PI * k * (k - 1.0) / 8.0).rem_euclid(TAU);
            assert!((v - want).abs() < 1e-12, "{i}: {v} vs {want}");
            assert!((0.0..TAU).contains(v));
        }
        assert!(schroeder_phases(0).is_empty());
    }

    #[test]
    fn chirp_reduces_to_schroeder() {
        let n = 12;
        let freqs: Vec<f64> = (0..n).map(|k| 90e6 + 1e6 * k as f64).collect();
        let chirp = chirp_phases(&freqs, &vec![2.0; n], 1e-6, 1.0);
        for (a, b) in chirp.iter().zip(schroeder_phases(n)) {
            let d = (a - b).rem_euclid(TAU);
            assert!(d.min(TAU - d) < 1e-9, "{a} vs {b}");
        }
    }

    #[test]
    fn phase_stream_is_fixed_and_in_range() {
        let mut s = PhaseStream::new(1);
        let a: Vec<f64> = (0..100).map(|_| s.next_phase()).collect();
        let mut s = PhaseStream::new(1);
        let b: Vec<f64> = (0..100).map(|_| s.next_phase()).collect();
        assert_eq!(a, b);
        assert!(a.iter().all(|p| (0.0..TAU).contains(p)));
        assert_ne!(a[0], a[1]);
    }
}
