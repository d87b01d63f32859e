//! Prints crest factors and optimisation times for the docs/semantics.md section 6 tone sets
//! (equal amplitudes at `linspace(90e6, 110e6, N)`) beside Schroeder's phases and the
//! reference library's figures, all on the fine measurement grid.
//!
//! `cargo run --release -p awgsf-core --example crest_table`
//!
//! Times are the fastest of several runs with the default effort; `cargo bench -p awgsf-core
//! --bench crest` measures them with criterion.

use std::time::Instant;

use awgsf_core::phases::crest::{crest_factor, optimise, schroeder_phases, Effort, Grid, ToneSet};

/// The reference library's crest factors for N = 8, 12, 50, 100 (docs/semantics.md section 6).
const REFERENCE: [(usize, f64); 4] = [(8, 1.786), (12, 2.211), (50, 1.984), (100, 1.892)];
/// Timed runs per tone set.
const RUNS: usize = 7;

fn main() {
    let effort = Effort::default();
    println!("|   N | Schroeder | reference | optimised | evaluations | time (ms) |");
    println!("|----:|----------:|----------:|----------:|------------:|----------:|");
    for (n, reference) in REFERENCE {
        let freqs: Vec<f64> = (0..n)
            .map(|k| 90e6 + 20e6 * k as f64 / (n - 1) as f64)
            .collect();
        let amps = vec![1.0; n];
        let init = vec![0.0; n];
        let fixed = vec![false; n];
        let tones = ToneSet {
            freqs_hz: &freqs,
            amps: &amps,
            init_phases: &init,
            fixed: &fixed,
        };
        let grid = Grid::measurement(&freqs);
        let schroeder = crest_factor(&freqs, &amps, &schroeder_phases(n), &grid);
        let mut fastest = f64::INFINITY;
        let mut result = None;
        for _ in 0..RUNS {
            let started = Instant::now();
            let out = optimise(&tones, &effort).expect("a valid tone set");
            fastest = fastest.min(started.elapsed().as_secs_f64() * 1e3);
            result = Some(out);
        }
        let out = result.expect("at least one run");
        println!(
            "| {n:3} | {schroeder:9.3} | {reference:9.3} | {:9.3} | {:11} | {fastest:9.1} |",
            out.crest, out.evaluations
        );
    }
}
