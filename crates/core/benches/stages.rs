//! Host stages per preset at 625 MS/s on an M4i.66xx with two channels:
//! `stages/resolve_quantize` (the goal is under 1 ms per preset) and
//! `stages/lower` (start phases, crest-factor optimisation with the default effort,
//! and render plans).
//!
//! `cargo bench -p awgsf-core --bench stages`. Rendering is measured by `awgsf bench`,
//! which needs the synthesis plugins.

use std::hint::black_box;

use awgsf_core::phases::crest::Effort;
use awgsf_core::pipeline::{lower, quantize, resolve, LowerOptions, OutputLayout, QuantLimits};
use awgsf_core::program::presets;
use awgsf_plugin_api::OutputScale;
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

const FS: f64 = 625e6;

fn resolve_quantize(c: &mut Criterion) {
    let mut group = c.benchmark_group("stages/resolve_quantize");
    let limits = QuantLimits::m4i66xx(2);
    for name in presets::names() {
        let program = presets::get(name).expect("presets load").program;
        group.bench_with_input(BenchmarkId::from_parameter(name), &program, |b, p| {
            b.iter(|| {
                let r = resolve(black_box(p), FS).expect("presets resolve");
                quantize(&r, &limits).expect("presets quantise")
            })
        });
    }
    group.finish();
}

fn lowering(c: &mut Criterion) {
    let mut group = c.benchmark_group("stages/lower");
    group.sample_size(20);
    let limits = QuantLimits::m4i66xx(2);
    let scale = OutputScale {
        full_scale_mv: 1000.0,
        full_scale: 32767.0,
        clip: 1.0,
    };
    let opts = LowerOptions {
        effort: Effort::default(),
    };
    for name in presets::names() {
        let program = presets::get(name).expect("presets load").program;
        let r = resolve(&program, FS).expect("presets resolve");
        let q = quantize(&r, &limits).expect("presets quantise");
        let layout = OutputLayout::identity(q.logical_channels.len(), scale);
        let n = q.segments.len();
        group.bench_with_input(BenchmarkId::from_parameter(name), &q, |b, q| {
            b.iter(|| lower(black_box(q), &layout, &opts, 0..n, None).expect("presets lower"))
        });
    }
    group.finish();
}

criterion_group!(benches, resolve_quantize, lowering);
criterion_main!(benches);
