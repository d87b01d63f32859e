//! Random render plans for holding synthesis backends to the reference: every
//! interpolation kind, calibrated and uncalibrated channels, silent channels and
//! tone-less parts, odd part lengths, frequencies from 0 to just below Nyquist and
//! negative, amplitudes that clip and optical powers beyond reach. A plan depends
//! only on its seed and limits, so a failure names a plan that can be rebuilt.

use std::f64::consts::TAU;

use awgsf_plugin_api::abi_stable::std_types::{RNone, RSome, RVec};
use awgsf_plugin_api::{
    ChannelPlan, InterpKind, OutputScale, PartPlan, SegmentPlan, Sin2Calibration, TonePlan,
};

/// SplitMix64: a small deterministic generator, the same on every machine.
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    /// Uniform in `[lo, hi)`.
    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi` (`lo <= hi < u64::MAX`).
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }

    /// True with probability `p`.
    pub fn coin(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// One of `items` (not empty), uniformly.
    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.int(0, items.len() as u64 - 1) as usize]
    }
}

/// A calibration shaped like a fitted deflector (degree-6 polynomials) over
/// `lo..hi` Hz: the reachable power peaks near 1.18 at the middle, so requests of
/// up to 1.3 are clamped.
pub fn calibration(lo: f64, hi: f64) -> Sin2Calibration {
    Sin2Calibration {
        g_poly: RVec::from(vec![
            0.409098991212038,
            0.2018618742615066,
            -0.9215927914999649,
            -0.4412476500603699,
            -0.19060365839957827,
            -0.039721360863081416,
            1.1776187109726794,
        ]),
        v0_poly: RVec::from(vec![
            -206.75231098590208,
            -51.19251676869095,
            328.81409608267313,
            66.80024090914442,
            -142.56228693874448,
            -11.979403126858017,
            199.78344000575754,
        ]),
        freq_min_hz: lo,
        freq_max_hz: hi,
        min_g: 1e-12,
        min_v0_sq: 1e-9,
        y_eps: 1e-6,
    }
}

/// A calibration with a quadratic-ish reach and a cubic scale over `lo..hi` Hz.
pub fn cubic_calibration(lo: f64, hi: f64) -> Sin2Calibration {
    Sin2Calibration {
        g_poly: RVec::from(vec![-0.08, 0.12, -0.3, 0.95]),
        v0_poly: RVec::from(vec![15.0, -40.0, 22.0, 310.0]),
        freq_min_hz: lo,
        freq_max_hz: hi,
        min_g: 1e-12,
        min_v0_sq: 1e-12,
        y_eps: 1e-6,
    }
}

/// Size limits of a random segment.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Most output channels (at least 1).
    pub channels: u64,
    /// Most parts per channel (at least 1).
    pub parts: u64,
    /// Longest part, samples (at least 1); a quarter of the parts are 1-40 samples.
    pub part_len: u64,
    /// Most tones per part (0 gives silent parts only).
    pub tones: u64,
}

impl Limits {
    /// Small enough for the per-sample reference in a debug build.
    pub const SMALL: Limits = Limits {
        channels: 3,
        parts: 4,
        part_len: 260,
        tones: 5,
    };

    /// Many tones per part: large amplitude sums.
    pub const MANY_TONES: Limits = Limits {
        channels: 2,
        parts: 2,
        part_len: 1200,
        tones: 120,
    };

    /// Long parts, for comparing a backend with itself (ranges that cross the work
    /// items and batches of a backend), not with the reference.
    pub const LONG: Limits = Limits {
        channels: 2,
        parts: 3,
        part_len: 150_000,
        tones: 6,
    };
}

/// A frequency: mostly well inside `(0, fs/2)`, sometimes 0, just below Nyquist or
/// negative.
fn frequency(rng: &mut Rng, fs: f64) -> f64 {
    match rng.int(0, 9) {
        0 => 0.0,
        1 => rng.uniform(0.47, 0.5) * fs,
        2 => -rng.uniform(0.0, 0.3) * fs,
        _ => rng.uniform(0.01, 0.45) * fs,
    }
}

fn tone(rng: &mut Rng, kind: InterpKind, fs: f64, calibrated: bool, n_tones: u64) -> TonePlan {
    let f0 = frequency(rng, fs);
    let f1 = match kind {
        InterpKind::Linear | InterpKind::MinJerk if rng.coin(0.6) => frequency(rng, fs),
        // A hold plays f0 whatever f1 says.
        InterpKind::Hold if rng.coin(0.2) => frequency(rng, fs),
        _ => f0,
    };
    let amp = |rng: &mut Rng| {
        if calibrated {
            // Optical power, sometimes negative or beyond reach.
            rng.uniform(-0.1, 1.3)
        } else {
            // Sums of several tones clip full scales of 600 and 1000 mV.
            rng.uniform(-0.3, 1.0) * 1500.0 / (n_tones as f64).max(1.0).sqrt()
        }
    };
    let mut a0 = amp(rng);
    let mut a1 = if rng.coin(0.3) { a0 } else { amp(rng) };
    match kind {
        InterpKind::GeoRamp if a0 != a1 => {
            a0 = a0.abs().max(1e-3);
            a1 = a1.abs().max(1e-3);
            if !calibrated && rng.coin(0.3) {
                a0 = -a0;
                a1 = -a1;
            }
        }
        InterpKind::AdiabaticRamp if rng.coin(0.25) => a1 = 0.0,
        _ => {}
    }
    TonePlan {
        f0_hz: f0,
        f1_hz: f1,
        a0,
        a1,
        phase0_rad: rng.uniform(0.0, TAU),
    }
}

/// A random segment of plan `seed`: 1 to `limits.channels` channels, each covering
/// the segment with its own parts; each channel has its own scale and, half the
/// time, a calibration; a tenth of the channels are silent (no parts).
pub fn segment(seed: u64, limits: Limits) -> SegmentPlan {
    let mut rng = Rng::new(seed);
    let fs = rng.pick(&[1e6, 625e6, 1.25e9]);
    let n_channels = rng.int(1, limits.channels.max(1));
    let layouts: Vec<Vec<u64>> = (0..n_channels)
        .map(|_| {
            (0..rng.int(1, limits.parts.max(1)))
                .map(|_| {
                    if rng.coin(0.25) {
                        rng.int(1, 40)
                    } else {
                        rng.int(1, limits.part_len.max(1))
                    }
                })
                .collect()
        })
        .collect();
    let total = layouts
        .iter()
        .map(|l| l.iter().sum::<u64>())
        .max()
        .unwrap_or(1);
    let channels = layouts
        .into_iter()
        .enumerate()
        .map(|(c, mut lens)| {
            let covered: u64 = lens.iter().sum();
            *lens.last_mut().expect("at least one part") += total - covered;
            let scale = OutputScale {
                full_scale_mv: rng.pick(&[1000.0, 600.0, 2500.0]),
                full_scale: rng.pick(&[32767.0, 8191.0]),
                clip: rng.pick(&[1.0, 0.9, 0.8]),
            };
            let calibrated = rng.coin(0.5);
            let calibration = if !calibrated {
                RNone
            } else if rng.coin(0.5) {
                RSome(calibration(0.1 * fs, 0.4 * fs))
            } else {
                RSome(cubic_calibration(0.05 * fs, 0.42 * fs))
            };
            let silent = rng.coin(0.1);
            let mut offset = 0;
            let mut parts = Vec::new();
            for n_samples in lens {
                let kind = rng.pick(&InterpKind::ALL);
                let n_tones = rng.int(0, limits.tones);
                let tau_s = match kind {
                    InterpKind::Exp => rng.pick(&[0.0, 0.5, 25.0, -300.0, 4000.0]) / fs,
                    _ => 0.0,
                };
                let tones = (0..n_tones)
                    .map(|_| tone(&mut rng, kind, fs, calibrated, n_tones))
                    .collect::<Vec<_>>();
                parts.push(PartPlan {
                    offset,
                    n_samples,
                    kind,
                    tau_s,
                    tones: RVec::from(tones),
                });
                offset += n_samples;
            }
            ChannelPlan {
                hardware_channel: c as u32,
                calibration,
                parts: if silent {
                    RVec::new()
                } else {
                    RVec::from(parts)
                },
                scale,
            }
        })
        .collect::<Vec<_>>();
    SegmentPlan {
        index: (seed % 1000) as u32,
        n_samples: total,
        sample_rate_hz: fs,
        channels: RVec::from(channels),
    }
}

/// One uncalibrated channel of one part of `n` samples at `fs` playing `tones`,
/// with a 1000 mV full scale that does not clip: the building block of long and
/// large cases.
pub fn single_part(n: u64, fs: f64, kind: InterpKind, tones: Vec<TonePlan>) -> SegmentPlan {
    SegmentPlan {
        index: 0,
        n_samples: n,
        sample_rate_hz: fs,
        channels: RVec::from(vec![ChannelPlan {
            hardware_channel: 0,
            calibration: RNone,
            parts: RVec::from(vec![PartPlan {
                offset: 0,
                n_samples: n,
                kind,
                tau_s: 0.0,
                tones: RVec::from(tones),
            }]),
            scale: OutputScale {
                full_scale_mv: 1000.0,
                full_scale: 32767.0,
                clip: 1.0,
            },
        }]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_generator_is_splitmix64() {
        // The first outputs of SplitMix64 from seed 1234567 (Vigna's reference code).
        let mut r = Rng::new(1234567);
        let first: Vec<u64> = (0..3).map(|_| r.next_u64()).collect();
        assert_eq!(
            first,
            [
                6457827717110365317,
                3203168211198807973,
                9817491932198370423
            ]
        );
        let mut r = Rng::new(9);
        for _ in 0..1000 {
            let u = r.unit();
            assert!((0.0..1.0).contains(&u));
            let k = r.int(3, 5);
            assert!((3..=5).contains(&k));
        }
    }

    #[test]
    fn plans_cover_the_segment_and_every_kind() {
        let mut kinds = std::collections::HashSet::new();
        let (mut calibrated, mut silent, mut odd) = (0, 0, 0);
        for seed in 0..200 {
            let seg = segment(seed, Limits::SMALL);
            assert_eq!(seg, segment(seed, Limits::SMALL), "seed {seed} repeats");
            odd += seg.n_samples % 2;
            for ch in seg.channels.iter() {
                calibrated += ch.calibration.is_some() as u32;
                silent += ch.parts.is_empty() as u32;
                let mut next = 0;
                for p in ch.parts.iter() {
                    assert_eq!(p.offset, next);
                    assert!(p.n_samples >= 1);
                    next += p.n_samples;
                    kinds.insert(p.kind);
                    for t in p.tones.iter() {
                        if p.kind == InterpKind::GeoRamp && t.a0 != t.a1 {
                            assert!(t.a0 != 0.0 && (t.a0 > 0.0) == (t.a1 > 0.0));
                        }
                        if !matches!(
                            p.kind,
                            InterpKind::Hold | InterpKind::Linear | InterpKind::MinJerk
                        ) {
                            assert_eq!(t.f0_hz, t.f1_hz, "{:?}", p.kind);
                        }
                    }
                }
                if !ch.parts.is_empty() {
                    assert_eq!(next, seg.n_samples);
                }
            }
        }
        assert_eq!(kinds.len(), InterpKind::ALL.len());
        assert!(calibrated > 50 && silent > 5 && odd > 50);
    }
}
