//! Random render plans covering every interpolation kind, calibrated and not.

use std::f64::consts::TAU;

use abi_stable::std_types::{RNone, RSome, RVec};
use awgsf_plugin_api::{
    ChannelPlan, InterpKind, OutputScale, PartPlan, SegmentPlan, Sin2Calibration, TonePlan,
};

/// xorshift64* with a SplitMix start: small, deterministic, good enough for plans.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        let mut z = seed.wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        Rng((z ^ (z >> 31)) | 1)
    }

    pub fn u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.u64() >> 11) as f64 * (1.0 / (1u64 << 53) as f64)
    }

    pub fn uniform(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.u64() % (hi - lo + 1)
    }

    pub fn coin(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    pub fn pick<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.int(0, items.len() as u64 - 1) as usize]
    }
}

/// A calibration with the shape of a fitted deflector (quadratic reach, cubic scale)
/// over `lo..hi` Hz.
pub fn calibration(lo: f64, hi: f64) -> Sin2Calibration {
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
#[derive(Clone, Copy, Debug)]
pub struct Limits {
    pub channels: u64,
    pub parts: u64,
    pub part_len: u64,
    pub tones: u64,
}

impl Limits {
    /// Small enough for a per-sample reference evaluation in a debug build.
    pub const SMALL: Limits = Limits {
        channels: 3,
        parts: 4,
        part_len: 260,
        tones: 5,
    };

    /// Many tones per part (large amplitude sums, the paired steady loop).
    pub const MANY_TONES: Limits = Limits {
        channels: 2,
        parts: 2,
        part_len: 1200,
        tones: 120,
    };
}

fn frequency(rng: &mut Rng, fs: f64) -> f64 {
    match rng.int(0, 9) {
        0 => 0.0,
        1 => rng.uniform(0.47, 0.5) * fs,
        2 => -rng.uniform(0.0, 0.3) * fs,
        _ => rng.uniform(0.01, 0.45) * fs,
    }
}

fn tone(rng: &mut Rng, kind: InterpKind, fs: f64, calibrated: bool, n: u64) -> TonePlan {
    let f0 = frequency(rng, fs);
    let f1 = match kind {
        InterpKind::Linear | InterpKind::MinJerk if rng.coin(0.6) => frequency(rng, fs),
        InterpKind::Hold if rng.coin(0.2) => frequency(rng, fs),
        _ => f0,
    };
    let amp = |rng: &mut Rng| {
        if calibrated {
            rng.uniform(-0.1, 1.3)
        } else {
            rng.uniform(-0.3, 1.0) * 1500.0 / (n as f64).max(1.0).sqrt()
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

/// A random segment; every channel covers the segment with its own parts.
pub fn segment(seed: u64, limits: Limits) -> SegmentPlan {
    let mut rng = Rng::new(seed);
    let fs = rng.pick(&[1e6, 625e6, 1.25e9]);
    let n_channels = rng.int(1, limits.channels);
    let layouts: Vec<Vec<u64>> = (0..n_channels)
        .map(|_| {
            (0..rng.int(1, limits.parts))
                .map(|_| {
                    if rng.coin(0.25) {
                        rng.int(1, 40)
                    } else {
                        rng.int(1, limits.part_len)
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
    let scale = OutputScale {
        full_scale_mv: rng.pick(&[1000.0, 600.0]),
        full_scale: rng.pick(&[32767.0, 8191.0]),
        clip: rng.pick(&[1.0, 0.9]),
    };
    let channels = layouts
        .into_iter()
        .enumerate()
        .map(|(c, mut lens)| {
            let covered: u64 = lens.iter().sum();
            *lens.last_mut().expect("at least one part") += total - covered;
            let calibrated = rng.coin(0.5);
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
                calibration: if calibrated {
                    RSome(calibration(0.05 * fs, 0.42 * fs))
                } else {
                    RNone
                },
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

/// One tone held over one part: the building block of the long and large cases.
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
