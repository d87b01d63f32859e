//! Render throughput on the mol_exp-like program (see `workload.rs`), in
//! tone-samples per second.
//!
//! `cargo bench -p awgsf-cpu-simd --bench render`

mod workload;

use awgsf_cpu_simd::{CpuSimd, Settings};
use awgsf_plugin_api::InterpKind;
use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use workload::{program, recreate_mol_exp, render_all, tone_samples};

fn bench(c: &mut Criterion) {
    let backend = CpuSimd::new(Settings { threads: 0 }).expect("backend");
    eprintln!(
        "cpu-simd: {} threads, {} kernels",
        backend.threads(),
        backend.isa().name()
    );
    let mut group = c.benchmark_group("mol_exp_like_625MSps");
    group.sample_size(10);
    for (name, segs) in [
        ("recreate_mol_exp_calibrated", recreate_mol_exp(true)),
        ("recreate_mol_exp_uncalibrated", recreate_mol_exp(false)),
        ("uncalibrated", program(false)),
        ("calibrated", program(true)),
        (
            "holds_only",
            program(false)
                .into_iter()
                .filter(|s| s.channels[0].parts[0].kind == InterpKind::Hold)
                .collect(),
        ),
        (
            "ramps_only_calibrated",
            program(true)
                .into_iter()
                .filter(|s| s.channels[0].parts[0].kind != InterpKind::Hold)
                .collect(),
        ),
    ] {
        let mut bufs: Vec<Vec<i16>> = segs
            .iter()
            .map(|s| vec![0i16; s.n_samples as usize * s.channels.len()])
            .collect();
        group.throughput(Throughput::Elements(tone_samples(&segs)));
        group.bench_function(name, |bch| {
            bch.iter(|| render_all(&backend, &segs, &mut bufs))
        });
    }
    group.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
