//! Renders the benchmark program repeatedly and prints tone-samples per second of
//! wall time; run under `perf stat -e task-clock` to see CPU time on a busy machine.
//!
//! `cargo run --release -p awgsf-cpu-simd --example throughput -- [threads] [reps] [calibrated|uncalibrated|holds|ramps|ramps_uncalibrated|mol_exp|mol_exp_uncalibrated]`

#[path = "../benches/workload.rs"]
mod workload;

use std::time::Instant;

use awgsf_cpu_simd::{CpuSimd, Settings};
use awgsf_plugin_api::InterpKind;
use workload::{program, recreate_mol_exp, render_all, tone_samples};

fn main() {
    let args: Vec<String> = std::env::args().collect();
    let threads = args.get(1).and_then(|s| s.parse().ok()).unwrap_or(0);
    let reps: usize = args.get(2).and_then(|s| s.parse().ok()).unwrap_or(10);
    let which = args.get(3).map(String::as_str).unwrap_or("calibrated");
    let segs = match which {
        "uncalibrated" => program(false),
        "mol_exp" => recreate_mol_exp(true),
        "mol_exp_uncalibrated" => recreate_mol_exp(false),
        "holds" => program(false)
            .into_iter()
            .filter(|s| s.channels[0].parts[0].kind == InterpKind::Hold)
            .collect(),
        "ramps_uncalibrated" => program(false)
            .into_iter()
            .filter(|s| s.channels[0].parts[0].kind != InterpKind::Hold)
            .collect(),
        "ramps" => program(true)
            .into_iter()
            .filter(|s| s.channels[0].parts[0].kind != InterpKind::Hold)
            .collect(),
        _ => program(true),
    };
    // AWGSF_SEGMENT=<index> keeps one segment of the program.
    let segs: Vec<_> = match std::env::var("AWGSF_SEGMENT")
        .ok()
        .and_then(|s| s.parse::<u32>().ok())
    {
        Some(i) => segs.into_iter().filter(|s| s.index == i).collect(),
        None => segs,
    };
    let backend = CpuSimd::new(Settings { threads }).expect("backend");
    let mut bufs: Vec<Vec<i16>> = segs
        .iter()
        .map(|s| vec![0i16; s.n_samples as usize * s.channels.len()])
        .collect();
    render_all(&backend, &segs, &mut bufs);
    let t = Instant::now();
    for _ in 0..reps {
        render_all(&backend, &segs, &mut bufs);
    }
    let dt = t.elapsed().as_secs_f64() / reps as f64;
    let ts = tone_samples(&segs) as f64;
    println!(
        "{which}: {} threads ({}), {:.2} ms per render, {:.3e} tone-samples/s wall",
        backend.threads(),
        backend.isa().name(),
        dt * 1e3,
        ts / dt
    );
}
