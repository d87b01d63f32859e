//! The mol_exp-like benchmark program: 625 MS/s, two channels (H with 10 tones, V
//! with 2), 8.35 M samples per channel, mostly holds plus 1-2 ms min_jerk, linear
//! and adiabatic parts. Shared by the criterion bench and the throughput example.
#![allow(dead_code)]

use std::hint::black_box;

use abi_stable::std_types::{RNone, ROption, RSome, RVec};
use awgsf_cpu_simd::CpuSimd;
use awgsf_plugin_api::{
    ChannelPlan, InterpKind, OutputBuffer, OutputScale, PartPlan, RenderJob, SegmentPlan,
    Sin2Calibration, SynthesisBackend, TonePlan,
};

const FS: f64 = 625e6;

/// The 814 nm H deflector's fitted calibration (80-120 MHz).
fn calibration() -> Sin2Calibration {
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
        freq_min_hz: 80e6,
        freq_max_hz: 120e6,
        min_g: 1e-12,
        min_v0_sq: 1e-9,
        y_eps: 1e-6,
    }
}

/// Tone banks: `n` tones spread over 90-110 MHz.
fn bank(n: usize, amp: f64) -> Vec<TonePlan> {
    (0..n)
        .map(|i| {
            let f = 90e6 + 20e6 * (i as f64 + 0.5) / n as f64;
            TonePlan {
                f0_hz: f,
                f1_hz: f,
                a0: amp,
                a1: amp,
                phase0_rad: 0.1 + 0.7 * i as f64,
            }
        })
        .collect()
}

fn part(kind: InterpKind, n: u64, tones: Vec<TonePlan>) -> PartPlan {
    PartPlan {
        offset: 0,
        n_samples: n,
        kind,
        tau_s: 0.0,
        tones: RVec::from(tones),
    }
}

fn segment(index: u32, h: PartPlan, v: PartPlan, calibrated: bool) -> SegmentPlan {
    let cal = |c: bool| -> ROption<Sin2Calibration> {
        if c {
            RSome(calibration())
        } else {
            RNone
        }
    };
    let scale = OutputScale {
        full_scale_mv: 2000.0,
        full_scale: 32767.0,
        clip: 1.0,
    };
    SegmentPlan {
        index,
        n_samples: h.n_samples,
        sample_rate_hz: FS,
        channels: RVec::from(vec![
            ChannelPlan {
                hardware_channel: 0,
                calibration: cal(calibrated),
                parts: RVec::from(vec![h]),
                scale,
            },
            ChannelPlan {
                hardware_channel: 1,
                calibration: cal(calibrated),
                parts: RVec::from(vec![v]),
                scale,
            },
        ]),
    }
}

/// The program: 8.35 M samples per channel, 2.8 M of them in ramps.
pub fn program(calibrated: bool) -> Vec<SegmentPlan> {
    let (amp_h, amp_v) = if calibrated {
        (0.08, 0.4)
    } else {
        (60.0, 300.0)
    };
    let h = |d: f64| {
        bank(10, amp_h)
            .into_iter()
            .map(|t| TonePlan {
                f1_hz: t.f0_hz + d,
                ..t
            })
            .collect::<Vec<_>>()
    };
    let v = |d: f64| {
        bank(2, amp_v)
            .into_iter()
            .map(|t| TonePlan {
                f1_hz: t.f0_hz + d,
                ..t
            })
            .collect::<Vec<_>>()
    };
    let ramp_down = |tones: Vec<TonePlan>| {
        tones
            .into_iter()
            .map(|t| TonePlan {
                a1: t.a0 * 0.3,
                ..t
            })
            .collect::<Vec<_>>()
    };
    use InterpKind::*;
    let segs = [
        (Hold, 25_000, h(0.0), Hold, v(0.0)),
        (MinJerk, 937_500, h(1.5e6), Hold, v(0.0)),
        (Hold, 1_875_000, h(0.0), Hold, v(0.0)),
        (Linear, 625_000, h(-0.8e6), Linear, v(0.5e6)),
        (AdiabaticRamp, 1_250_000, ramp_down(h(0.0)), Hold, v(0.0)),
        (Hold, 2_500_000, h(0.0), Hold, v(0.0)),
        (Hold, 1_137_500, h(0.0), Hold, v(0.0)),
    ];
    segs.into_iter()
        .enumerate()
        .map(|(i, (kh, n, th, kv, tv))| {
            segment(i as u32, part(kh, n, th), part(kv, n, tv), calibrated)
        })
        .collect()
}

/// Tone-samples of the segments: samples × tones, summed over parts and channels.
pub fn tone_samples(segs: &[SegmentPlan]) -> u64 {
    segs.iter()
        .map(|s| {
            s.channels
                .iter()
                .map(|c| {
                    c.parts
                        .iter()
                        .map(|p| p.n_samples * p.tones.len() as u64)
                        .sum::<u64>()
                })
                .sum::<u64>()
        })
        .sum()
}

/// Renders every segment whole as int16 into `bufs`, in one call.
pub fn render_all(b: &CpuSimd, segs: &[SegmentPlan], bufs: &mut [Vec<i16>]) {
    let mut jobs: Vec<RenderJob<'_>> = segs
        .iter()
        .zip(bufs.iter_mut())
        .map(|(s, buf)| RenderJob::new(s, 0, OutputBuffer::Int16(buf.as_mut_slice().into())))
        .collect();
    b.render(&mut jobs).expect("render succeeds");
    black_box(&jobs);
}

/// One channel's move in a segment of [`recreate_mol_exp`]: interpolation, tone
/// count, frequency offset reached (Hz) and amplitude factor reached.
#[derive(Clone, Copy)]
struct Move {
    kind: InterpKind,
    tones: usize,
    df: f64,
    amp_to: f64,
}

const fn hold(tones: usize) -> Move {
    Move {
        kind: InterpKind::Hold,
        tones,
        df: 0.0,
        amp_to: 1.0,
    }
}

/// The segment structure of the reference library's `recreate_mol_exp` preset at
/// 625 MS/s (lengths, kinds and tone counts as quantised: 8.35 M samples per
/// channel, 78 M tone-samples): H with 12 then 8 tones, V with 1-2, loading holds,
/// a 1 ms min_jerk rearrangement, adiabatic amplitude ramps and linear moves of
/// 1-2 ms, each ramp followed by a short hold at its end state.
pub fn recreate_mol_exp(calibrated: bool) -> Vec<SegmentPlan> {
    let adiabatic = |tones, amp_to| Move {
        kind: InterpKind::AdiabaticRamp,
        tones,
        df: 0.0,
        amp_to,
    };
    let linear = |tones, df| Move {
        kind: InterpKind::Linear,
        tones,
        df,
        amp_to: 1.0,
    };
    let min_jerk = Move {
        kind: InterpKind::MinJerk,
        tones: 8,
        df: 1.2e6,
        amp_to: 1.0,
    };
    // (samples of the main part, H, V, samples of the trailing hold)
    let table: [(u64, Move, Move, u64); 14] = [
        (1, hold(0), hold(0), 191),
        (124_960, hold(12), hold(1), 0),
        (625_000, min_jerk, hold(1), 24),
        (625_000, adiabatic(8, 1.3), hold(1), 24),
        (24_992, hold(8), hold(1), 0),
        (625_000, hold(8), linear(1, 2e6), 24),
        (1_250_000, adiabatic(8, 0.0), adiabatic(1, 0.0), 16),
        (24_992, hold(8), hold(1), 0),
        (1_250_000, hold(8), adiabatic(1, 1.0), 16),
        (1_250_000, hold(8), linear(1, -1.5e6), 16),
        (24_992, hold(8), hold(2), 0),
        (1_250_000, hold(8), adiabatic(2, 1.0), 16),
        (1_250_000, hold(8), linear(2, 1.5e6), 16),
        (24_992, hold(8), hold(2), 0),
    ];
    let (amp_h, amp_v) = if calibrated {
        (0.08, 0.4)
    } else {
        (60.0, 300.0)
    };
    let parts_of = |m: Move, amp: f64, main: u64, tail: u64| {
        let start = bank(m.tones, amp);
        let end: Vec<TonePlan> = start
            .iter()
            .map(|t| TonePlan {
                f1_hz: t.f0_hz + m.df,
                a1: t.a0 * m.amp_to,
                ..*t
            })
            .collect();
        let mut parts = vec![part(m.kind, main, end.clone())];
        parts[0].tones = RVec::from(
            start
                .iter()
                .zip(&end)
                .map(|(s, e)| TonePlan {
                    f1_hz: e.f1_hz,
                    a1: e.a1,
                    ..*s
                })
                .collect::<Vec<_>>(),
        );
        if tail > 0 {
            let held: Vec<TonePlan> = end
                .iter()
                .map(|e| TonePlan {
                    f0_hz: e.f1_hz,
                    a0: e.a1,
                    ..*e
                })
                .collect();
            let mut p = part(InterpKind::Hold, tail, held);
            p.offset = main;
            parts.push(p);
        }
        parts
    };
    table
        .into_iter()
        .enumerate()
        .map(|(i, (main, h, v, tail))| {
            let mut seg = segment(
                i as u32,
                part(InterpKind::Hold, main + tail, vec![]),
                part(InterpKind::Hold, main + tail, vec![]),
                calibrated,
            );
            seg.channels[0].parts = RVec::from(parts_of(h, amp_h, main, tail));
            seg.channels[1].parts = RVec::from(parts_of(v, amp_v, main, tail));
            seg
        })
        .collect()
}
