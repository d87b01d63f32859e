//! What a lab user sees fits the terminal: with `COLUMNS=100` no line that the
//! main job, `inspect`, `plugins`, `bench`, `config check` or `smoke` prints is
//! wider than 100 characters, and tables have no rule between rows.

use awgsf_tests::bins::{library_file, repo_root};
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{config_text, toml_str, Scratch};

const WIDTH: usize = 100;

/// Runs `awgsf` in the repository with `COLUMNS=100` and checks every line of
/// standard output and standard error.
fn narrow(args: &[&str], code: i32) -> Outcome {
    let o = awgsf(&repo_root(), args, &[("COLUMNS", "100")]);
    o.expect_exit(code);
    for (stream, text) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        for line in text.lines() {
            assert!(
                line.chars().count() <= WIDTH,
                "`{}`: a {stream} line of {} characters:\n{line}\n--- whole output ---\n{text}",
                o.command,
                line.chars().count()
            );
        }
    }
    o
}

/// Lines made only of the table rule character.
fn rules(text: &str) -> usize {
    text.lines()
        .filter(|l| !l.is_empty() && l.chars().all(|c| c == '─'))
        .count()
}

#[test]
fn the_main_job_fits_100_columns_and_counts_requested_jumps_per_cause() {
    let o = narrow(&["run", "--preset", "recreate_mol_exp"], 0);
    assert!(o.stdout.contains("0 unrequested"), "{}", o.stdout);
    assert!(o.stdout.contains("configs/default.toml"), "{}", o.stdout);
    assert!(o.stdout.contains("phase_mode = optimise"), "{}", o.stdout);
    assert!(o.stdout.contains("--details"), "{}", o.stdout);
    // One table: its top, its bottom; the requested jumps are not listed.
    assert_eq!(rules(&o.stdout), 2, "{}", o.stdout);
    assert!(!o.stdout.contains("phase step"), "{}", o.stdout);

    let o = narrow(&["run", "--preset", "simple_tweens", "--details"], 0);
    // The summary and the discontinuity table (top, under the header, bottom).
    assert_eq!(rules(&o.stdout), 5, "{}", o.stdout);
    assert!(o.stdout.contains("phase step"), "{}", o.stdout);
    assert!(!o.stdout.contains("0.0000000"), "{}", o.stdout);
}

#[test]
fn inspect_plugins_config_check_and_bench_fit_100_columns() {
    for stage in ["intent", "resolved", "quantized"] {
        narrow(
            &["inspect", "--preset", "recreate_mol_exp", "--stage", stage],
            0,
        );
    }
    narrow(&["inspect", "--preset", "simple_tweens", "--render"], 0);
    let o = narrow(&["plugins"], 0);
    assert!(o.stdout.contains("found in"), "{}", o.stdout);
    narrow(&["config", "check", "--preset", "recreate_mol_exp"], 0);
    narrow(&["presets"], 0);
    narrow(
        &[
            "bench",
            "--workload",
            "ramp_down_chirp_2ch",
            "--repeat",
            "1",
            "--config",
            "configs/ci.toml",
        ],
        0,
    );
}

#[test]
fn smoke_fits_100_columns() {
    let s = Scratch::new();
    let driver = library_file("awgsf_spcm_emulator");
    let settings = format!(
        "device = \"/dev/spcm0\"\ndriver_path = {}",
        toml_str(&driver)
    );
    let cfg = s.write(
        "rig.toml",
        &config_text("\"spcm\"", &settings, "")
            .replace("sample_rate_hz = 100e6", "sample_rate_hz = 625e6"),
    );
    let o = narrow(&["smoke", "--config", cfg.to_str().unwrap()], 0);
    assert!(o.stdout.contains("smoke test passed"), "{}", o.stdout);
    assert!(!o.stdout.contains("Some("), "{}", o.stdout);
}
