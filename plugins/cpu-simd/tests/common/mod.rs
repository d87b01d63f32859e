//! Shared helpers of the cpu-simd integration tests: random render plans and a
//! one-call renderer.
#![allow(dead_code)]

use std::f64::consts::TAU;

use abi_stable::std_types::{RNone, ROption, RSome, RVec};
use awgsf_cpu_simd::{CpuSimd, Settings};
use awgsf_plugin_api::{
    ChannelPlan, ChannelStats, InterpKind, OutputBuffer, OutputScale, PartPlan, RenderJob,
    SegmentPlan, Sin2Calibration, SynthesisBackend, TonePlan,
};

/// SplitMix64: a tiny deterministic generator driven by a proptest seed.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E3779B97F4A7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58476D1CE4E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D049BB133111EB);
        z ^ (z >> 31)
    }
    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }
    /// Uniform integer in `lo..=hi`.
    pub fn int(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.next_u64() % (hi - lo + 1)
    }
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }
}

/// A calibration shaped like a fitted AOD (degree-6 polynomials), spanning
/// `lo..hi` Hz.
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

/// Limits of a random plan.
#[derive(Clone, Copy)]
pub struct Shape {
    pub max_channels: u64,
    pub max_parts: u64,
    pub max_part_len: u64,
    pub max_tones: u64,
}

fn random_tone(
    rng: &mut Rng,
    kind: InterpKind,
    fs: f64,
    calibrated: bool,
    n_tones: u64,
) -> TonePlan {
    let f0 = rng.range(0.01, 0.45) * fs;
    let f1 = match kind {
        InterpKind::Linear | InterpKind::MinJerk if rng.chance(0.7) => rng.range(0.01, 0.45) * fs,
        _ => f0,
    };
    let amp = |rng: &mut Rng| {
        if calibrated {
            // Optical power, sometimes beyond reach or negative.
            rng.range(-0.05, 1.3)
        } else {
            rng.range(-0.2, 1.0) * 1400.0 / (n_tones as f64).sqrt().max(1.0)
        }
    };
    let a0 = amp(rng);
    let mut a1 = if rng.chance(0.25) { a0 } else { amp(rng) };
    let mut a0 = a0;
    match kind {
        InterpKind::GeoRamp => {
            if a0 == a1 {
            } else if rng.chance(0.2) {
                a1 = a0;
            } else {
                a0 = a0.abs().max(1e-3);
                a1 = a1.abs().max(1e-3);
                if !calibrated && rng.chance(0.3) {
                    a0 = -a0;
                    a1 = -a1;
                }
            }
        }
        InterpKind::AdiabaticRamp if rng.chance(0.2) => a1 = 0.0,
        _ => {}
    }
    TonePlan {
        f0_hz: f0,
        f1_hz: f1,
        a0,
        a1,
        phase0_rad: rng.range(0.0, TAU),
    }
}

/// A random segment plan covering every interpolation kind.
pub fn random_segment(seed: u64, shape: Shape) -> SegmentPlan {
    let mut rng = Rng::new(seed);
    let fs = [1e6, 625e6, 1.25e9][rng.int(0, 2) as usize];
    let n_ch = rng.int(1, shape.max_channels);
    let n_parts_max = shape.max_parts;
    // All channels share the segment length; each has its own part boundaries.
    let lens: Vec<Vec<u64>> = (0..n_ch)
        .map(|_| {
            (0..rng.int(1, n_parts_max))
                .map(|_| {
                    if rng.chance(0.3) {
                        rng.int(1, 40)
                    } else {
                        rng.int(1, shape.max_part_len)
                    }
                })
                .collect()
        })
        .collect();
    let total: u64 = lens
        .iter()
        .map(|l| l.iter().sum::<u64>())
        .max()
        .unwrap_or(1);
    let scale = OutputScale {
        full_scale_mv: 2500.0,
        full_scale: 32767.0,
        clip: [1.0, 0.8][rng.int(0, 1) as usize],
    };
    let channels = lens
        .into_iter()
        .enumerate()
        .map(|(c, mut l)| {
            let covered: u64 = l.iter().sum();
            *l.last_mut().unwrap() += total - covered;
            let calibrated = rng.chance(0.5);
            let silent = rng.chance(0.1);
            let mut off = 0;
            let mut parts = Vec::new();
            for n in l {
                let kind = InterpKind::ALL[rng.int(0, 5) as usize];
                let n_tones = rng.int(0, shape.max_tones);
                let tau_s = if kind == InterpKind::Exp {
                    [0.0, 0.7, 30.0, -400.0, 5000.0][rng.int(0, 4) as usize] / fs
                } else {
                    0.0
                };
                let tones = (0..n_tones)
                    .map(|_| random_tone(&mut rng, kind, fs, calibrated, n_tones))
                    .collect::<Vec<_>>();
                parts.push(PartPlan {
                    offset: off,
                    n_samples: n,
                    kind,
                    tau_s,
                    tones: RVec::from(tones),
                });
                off += n;
            }
            ChannelPlan {
                hardware_channel: c as u32,
                calibration: if calibrated {
                    RSome(calibration(0.1 * fs, 0.4 * fs))
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
        index: 7,
        n_samples: total,
        sample_rate_hz: fs,
        channels: RVec::from(channels),
    }
}

pub fn backend(threads: usize) -> CpuSimd {
    CpuSimd::new(Settings { threads }).expect("backend opens")
}

/// Renders `start..start + count` as int16 in one job.
pub fn render_i16(
    b: &CpuSimd,
    seg: &SegmentPlan,
    start: u64,
    count: u64,
) -> (Vec<i16>, Vec<ChannelStats>) {
    let mut out = vec![0i16; (count as usize) * seg.channels.len()];
    let stats = {
        let mut jobs = [RenderJob::new(
            seg,
            start,
            OutputBuffer::Int16(out.as_mut_slice().into()),
        )];
        b.render(&mut jobs).expect("render succeeds");
        jobs[0].stats.to_vec()
    };
    (out, stats)
}

/// Renders `start..start + count` as millivolts in one job.
pub fn render_mv(b: &CpuSimd, seg: &SegmentPlan, start: u64, count: u64) -> Vec<f32> {
    let mut out = vec![0f32; (count as usize) * seg.channels.len()];
    {
        let mut jobs = [RenderJob::new(
            seg,
            start,
            OutputBuffer::MilliVolts(out.as_mut_slice().into()),
        )];
        b.render(&mut jobs).expect("render succeeds");
    }
    out
}

/// Does the channel carry a calibration?
pub fn calibrated(seg: &SegmentPlan, c: usize) -> bool {
    matches!(seg.channels[c].calibration, ROption::RSome(_))
}
