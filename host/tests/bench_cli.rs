//! `awgsf bench` as a user runs it: bad workloads and plugins are refused with their
//! exit codes before anything is measured, and a measurement (which needs the
//! plugin libraries built next to the binary: `cargo build --workspace`) gives
//! JSON figures and a CSV log.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn awgsf(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_awgsf"))
        .args(args)
        .current_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(".."))
        .output()
        .expect("the awgsf binary runs")
}

fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn plugins_built() -> bool {
    let exe = PathBuf::from(env!("CARGO_BIN_EXE_awgsf"));
    let dir = exe.parent().expect("the binary is in a folder");
    ["cpu_simd", "simulator"].iter().all(|p| {
        dir.join(format!(
            "{}awgsf_{p}{}",
            std::env::consts::DLL_PREFIX,
            std::env::consts::DLL_SUFFIX
        ))
        .is_file()
    })
}

#[test]
fn unknown_workloads_and_plugins_are_refused_with_their_exit_codes() {
    let o = awgsf(&[
        "bench",
        "--workload",
        "mol_exp,nope",
        "--config",
        "configs/ci.toml",
    ]);
    assert_eq!(o.status.code(), Some(3), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("unknown workload `nope`"),
        "{}",
        stderr(&o)
    );

    let o = awgsf(&[
        "bench",
        "--workload",
        "mol_exp",
        "--backend",
        "no-such-backend",
        "--config",
        "configs/ci.toml",
    ]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("no-such-backend"), "{}", stderr(&o));

    let o = awgsf(&["bench", "--repeat", "0"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn a_measurement_gives_figures_and_a_log_row() {
    if !plugins_built() {
        awgsf_test_kit::skip(
            "plugins",
            "the plugin libraries are not built next to the binary (cargo build --workspace)",
        );
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let log = dir.path().join("bench.csv");
    let log_arg = log.display().to_string();
    let o = awgsf(&[
        "bench",
        "--workload",
        "ramp_down_chirp_2ch",
        "--repeat",
        "2",
        "--threads",
        "1",
        "--config",
        "configs/ci.toml",
        "--json",
        "--csv",
        &log_arg,
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &report["results"][0];
    assert_eq!(r["workload"], "ramp_down_chirp_2ch");
    assert_eq!(r["repeats"], 2);
    assert_eq!(r["threads"], 1);
    assert!(r["tone_samples"].as_u64().unwrap() > 0);
    assert!(r["render_s"].as_f64().unwrap() > 0.0);
    let output = r["output_bytes"].as_u64().unwrap();
    // Two channels of int16 for every sample of every segment.
    let duration = r["duration_s"].as_f64().unwrap();
    assert_eq!(output, (duration * 625e6).round() as u64 * 4);
    if cfg!(target_os = "linux") {
        assert!(r["peak_rss_bytes"].as_u64().unwrap() > output);
    }
    let text = std::fs::read_to_string(&log).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), 2, "{text}");
    assert!(lines[0].starts_with("schema_version,date,git_commit,"));
    assert!(lines[1].starts_with("1,"));
    assert!(lines[1].contains(",ramp_down_chirp_2ch,2,"), "{}", lines[1]);
}

#[test]
fn the_rearrange_workload_reports_latency_percentiles() {
    if !plugins_built() {
        awgsf_test_kit::skip(
            "plugins",
            "the plugin libraries are not built next to the binary (cargo build --workspace)",
        );
        return;
    }
    let o = awgsf(&[
        "bench",
        "--workload",
        "rearrange",
        "--rearrangements",
        "3",
        "--config",
        "configs/ci.toml",
        "--json",
    ]);
    assert_eq!(o.status.code(), Some(0), "{}", stderr(&o));
    let report: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let r = &report["rearrange"];
    assert_eq!(r["repetitions"], 3);
    assert_eq!(
        (r["tones"].as_u64(), r["sites"].as_u64()),
        (Some(100), Some(50))
    );
    let p50 = r["latency_p50_s"].as_f64().unwrap();
    let p99 = r["latency_p99_s"].as_f64().unwrap();
    let max = r["latency_max_s"].as_f64().unwrap();
    assert!(0.0 < p50 && p50 <= p99 && p99 <= max, "{r}");
    assert!(r["max_phase_error_rad"].as_f64().unwrap() < 1e-9, "{r}");
}
