//! Crest-factor optimisation time for the docs/semantics.md section 6 tone sets (equal
//! amplitudes at `linspace(90e6, 110e6, N)`) with the default effort, and the cost of
//! one measurement on the fine grid. The reference library takes 59 ms for N = 100.
//!
//! `cargo bench -p awgsf-core --bench crest`; the example `crest_table` prints the crest
//! factors beside Schroeder's and the reference's.

use std::hint::black_box;

use awgsf_core::phases::crest::{crest_factor, optimise, schroeder_phases, Effort, Grid, ToneSet};
use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion};

fn section6(n: usize) -> Vec<f64> {
    (0..n)
        .map(|k| 90e6 + 20e6 * k as f64 / (n - 1) as f64)
        .collect()
}

fn optimise_section6(c: &mut Criterion) {
    let mut group = c.benchmark_group("crest/optimise");
    group.sample_size(20);
    for n in [8, 12, 50, 100] {
        let freqs = section6(n);
        let amps = vec![1.0; n];
        let init = vec![0.0; n];
        let fixed = vec![false; n];
        let tones = ToneSet {
            freqs_hz: &freqs,
            amps: &amps,
            init_phases: &init,
            fixed: &fixed,
        };
        let effort = Effort::default();
        group.bench_with_input(BenchmarkId::from_parameter(n), &tones, |b, tones| {
            b.iter(|| optimise(black_box(tones), &effort).expect("a valid tone set"))
        });
    }
    group.finish();
}

fn measure_section6(c: &mut Criterion) {
    let mut group = c.benchmark_group("crest/measure");
    for n in [12, 100] {
        let freqs = section6(n);
        let amps = vec![1.0; n];
        let phases = schroeder_phases(n);
        let grid = Grid::measurement(&freqs);
        group.bench_with_input(BenchmarkId::from_parameter(n), &grid, |b, grid| {
            b.iter(|| crest_factor(&freqs, &amps, black_box(&phases), grid))
        });
    }
    group.finish();
}

criterion_group!(benches, optimise_section6, measure_section6);
criterion_main!(benches);
