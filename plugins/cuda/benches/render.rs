//! GPU throughput on the "huge" workload: 2 channels × 1000 tones, 10 ms at
//! 625 MS/s (1.25e10 tone-samples), as steady tones, as exponential amplitude ramps
//! and as minimum-jerk moves.
//!
//! * `render_only`: upload the tables, run the kernel, wait for it (codes stay on
//!   the device);
//! * `with_copy_back`: the whole `render` call, codes copied into host memory.
//!
//! Throughput is reported in tone-samples per second. Without a CUDA device the
//! benchmark prints why and measures nothing.

use std::f64::consts::TAU;

use abi_stable::std_types::{RNone, RVec};
use awgsf_cuda::cuda::device::{CudaExecutor, Device};
use awgsf_cuda::exec::{DeviceOutput, Executor};
use awgsf_cuda::jobs::plan_batches;
use awgsf_cuda::pack::pack;
use awgsf_cuda::{availability, render_with, Settings};
use awgsf_plugin_api::{
    ChannelPlan, InterpKind, OutputBuffer, OutputScale, PartPlan, RenderJob, SegmentPlan, TonePlan,
};
use criterion::{criterion_group, criterion_main, Criterion, Throughput};

const FS: f64 = 625e6;
const SAMPLES: u64 = 6_250_000;
const TONES: usize = 1000;
const CHANNELS: usize = 2;

/// 1000 tones spread over 75-125 MHz with spread phases, held (`Hold`), ramping
/// their amplitude (`Exp`), or also sweeping 1 MHz (`MinJerk`).
fn huge(kind: InterpKind) -> SegmentPlan {
    let moving = kind == InterpKind::MinJerk;
    let ramping = kind != InterpKind::Hold;
    let channel = |c: usize| {
        let tones = (0..TONES)
            .map(|i| {
                let f0 = 75e6 + 50e6 * (i as f64 + 0.5) / TONES as f64 + c as f64 * 1e3;
                TonePlan {
                    f0_hz: f0,
                    f1_hz: if moving { f0 + 1e6 } else { f0 },
                    a0: 0.9,
                    a1: if ramping { 0.6 } else { 0.9 },
                    phase0_rad: (i * i) as f64 * 0.618 % TAU,
                }
            })
            .collect::<Vec<_>>();
        ChannelPlan {
            hardware_channel: c as u32,
            calibration: RNone,
            parts: RVec::from(vec![PartPlan {
                offset: 0,
                n_samples: SAMPLES,
                kind,
                tau_s: if kind == InterpKind::Exp { 2e-3 } else { 0.0 },
                tones: RVec::from(tones),
            }]),
            scale: OutputScale {
                full_scale_mv: 1000.0,
                full_scale: 32767.0,
                clip: 1.0,
            },
        }
    };
    SegmentPlan {
        index: 0,
        n_samples: SAMPLES,
        sample_rate_hz: FS,
        channels: RVec::from((0..CHANNELS).map(channel).collect::<Vec<_>>()),
    }
}

fn bench(c: &mut Criterion) {
    if let Err(e) = availability("{}") {
        eprintln!("skipped: {}", e.message);
        return;
    }
    let device = Device::open(0).unwrap_or_else(|e| panic!("{e}"));
    eprintln!("{}", device.summary().line());
    let exec = CudaExecutor(&device);
    let budget = Settings::default().batch_bytes();
    let tone_samples = (CHANNELS * TONES) as u64 * SAMPLES;
    let mut group = c.benchmark_group("cuda_huge");
    group.sample_size(10);
    group.throughput(Throughput::Elements(tone_samples));
    for (name, kind) in [
        ("steady", InterpKind::Hold),
        ("exp_ramp", InterpKind::Exp),
        ("min_jerk", InterpKind::MinJerk),
    ] {
        let seg = huge(kind);
        let mut codes = vec![0i16; SAMPLES as usize * CHANNELS];
        let job = RenderJob::new(&seg, 0, OutputBuffer::Int16(codes.as_mut_slice().into()));
        let batches = plan_batches(std::slice::from_ref(&job), usize::MAX);
        let batch = pack(std::slice::from_ref(&job), &batches[0]);
        drop(job);
        group.bench_function(format!("{name}/render_only"), |b| {
            b.iter(|| {
                let mut out = exec.execute(&batch).unwrap_or_else(|e| panic!("{e}"));
                out.finish().unwrap_or_else(|e| panic!("{e}"));
            })
        });
        group.bench_function(format!("{name}/with_copy_back"), |b| {
            b.iter(|| {
                let out = OutputBuffer::Int16(codes.as_mut_slice().into());
                let mut jobs = [RenderJob::new(&seg, 0, out)];
                render_with(&exec, budget, &mut jobs).unwrap_or_else(|e| panic!("{e}"));
            })
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
