//! Faults of the lab machine around a run, through the real binary: synthesis
//! settings reaching only their own plugin (so a GPU config falls back cleanly),
//! plugin files that are damaged or named ambiguously, signals that must stop and
//! release the card, and the exit code of each error class.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};
use std::sync::mpsc;
use std::time::Duration;

use awgsf_core::error::exit;
use awgsf_tests::bins::{awgsf_bin, plugin_file, repo_root};
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{config_text, toml_str, Scratch, SMALL_PROGRAM};

/// `awgsf ARGS...` in `s` with the small program written as `small.toml` and the
/// config text written as `lab.toml` (both passed by bare file name).
fn run_in(s: &Scratch, config: &str, args: &[&str]) -> Outcome {
    s.write("lab.toml", config);
    s.write("small.toml", SMALL_PROGRAM);
    let mut all = vec!["run", "small.toml", "--config", "lab.toml"];
    all.extend_from_slice(args);
    awgsf(s.path(), &all, &[])
}

/// The simulator config of the end-to-end tests with `synthesis` replacing its
/// `[synthesis]` section.
fn with_synthesis(synthesis: &str) -> String {
    config_text("\"simulator\"", "", "").replace(
        "[synthesis]\nbackend = \"cpu-simd\"\n",
        &format!("{synthesis}\n"),
    )
}

#[test]
fn a_gpu_config_with_device_settings_falls_back_to_the_cpu() {
    let s = Scratch::new();
    let cfg = with_synthesis(
        "[synthesis]\nbackend = \"cuda\"\nfallbacks = [\"cpu-simd\"]\n\n\
         [synthesis.settings.cuda]\ndevice = 0\nbatch_mib = 64\n\n\
         [synthesis.settings.cpu-simd]\nthreads = 2\n",
    );
    assert!(cfg.contains("[synthesis.settings.cuda]"), "{cfg}");
    // With a GPU, cuda runs; without, cpu-simd runs with its own settings only.
    let o = run_in(&s, &cfg, &[]);
    o.expect_exit(exit::OK);
    assert!(
        !o.stderr.contains("unknown key"),
        "a plugin got another plugin's settings:\n{}",
        o.stderr
    );
}

#[test]
fn settings_left_flat_under_synthesis_settings_say_where_to_move_them() {
    let s = Scratch::new();
    let cfg = with_synthesis(
        "[synthesis]\nbackend = \"cuda\"\nfallbacks = [\"cpu-simd\"]\n\n\
         [synthesis.settings]\ndevice = 0\n",
    );
    run_in(&s, &cfg, &[])
        .expect_exit(exit::CONFIG)
        .stderr_has(&[
            "lab.toml:",
            "synthesis.settings.device",
            "under `[synthesis.settings.cuda]`",
        ]);
}

#[test]
fn a_truncated_plugin_file_is_refused_without_a_crash() {
    let s = Scratch::new();
    let whole = std::fs::read(plugin_file("simulator")).unwrap();
    for keep in [16, 64, 4096, whole.len() / 2, whole.len() - 100] {
        std::fs::write(s.path().join("libcut.so"), &whole[..keep]).unwrap();
        let cfg = config_text("\"./libcut.so\"", "", "");
        let o = run_in(&s, &cfg, &[]);
        o.expect_exit(exit::PLUGIN)
            .stderr_has(&["libcut.so is not an awgsf plugin"]);
        assert!(
            o.stderr.contains("truncated") || o.stderr.contains("not a shared library"),
            "{keep} bytes:\n{}",
            o.stderr
        );
    }
}

#[test]
fn a_plugin_named_relative_to_a_bare_config_name_loads_that_file() {
    // `--config lab.toml` has an empty directory part: the plugin path must still
    // reach the loader as an absolute path, never as a bare name the loader would
    // look up in its own search path (here: a directory holding another library of
    // the same file name).
    let s = Scratch::new();
    std::fs::copy(plugin_file("simulator"), s.path().join("libcard.so")).unwrap();
    let decoy_dir = s.path().join("decoy");
    std::fs::create_dir(&decoy_dir).unwrap();
    std::fs::copy(plugin_file("file-sink"), decoy_dir.join("libcard.so")).unwrap();
    s.write("lab.toml", &config_text("\"libcard.so\"", "", ""));
    s.write("small.toml", SMALL_PROGRAM);
    let o = awgsf(
        s.path(),
        &["run", "small.toml", "--config", "lab.toml"],
        &[("LD_LIBRARY_PATH", decoy_dir.to_str().unwrap())],
    );
    o.expect_exit(exit::OK);
    assert!(
        o.stdout.contains("Simulated"),
        "not the simulator:\n{}",
        o.stdout
    );
}

/// Starts `awgsf run --watch` on the simulator in `s`, waits until it watches, sends
/// `signal`, and returns the exit code and standard error. The simulator writes
/// `played/trace.json` in `s` whenever the card is closed.
fn watch_then_signal(s: &Scratch, signal: &str) -> (Option<i32>, String) {
    let out = s.path().join("played");
    let cfg = config_text(
        "\"simulator\"",
        &format!("play_s = 0.001\noutput_dir = {}", toml_str(&out)),
        "",
    );
    s.write("lab.toml", &cfg);
    s.write("small.toml", SMALL_PROGRAM);
    let mut child = Command::new(awgsf_bin())
        .args(["run", "small.toml", "--config", "lab.toml", "--watch"])
        .current_dir(s.path())
        .env_remove("AWGSF_CONFIG")
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .expect("awgsf starts");
    let stderr = child.stderr.take().unwrap();
    let (tx, rx) = mpsc::channel();
    let reader = std::thread::spawn(move || {
        let mut all = String::new();
        for line in BufReader::new(stderr).lines().map_while(Result::ok) {
            if line.starts_with("watching") {
                let _ = tx.send(());
            }
            all.push_str(&line);
            all.push('\n');
        }
        all
    });
    let watching = rx.recv_timeout(Duration::from_secs(120)).is_ok();
    if watching {
        // The first run's window already wrote a trace; only a close writes it now.
        let _ = std::fs::remove_file(out.join("trace.json"));
        let sent = Command::new("kill")
            .args([&format!("-{signal}"), &child.id().to_string()])
            .status()
            .expect("kill runs");
        assert!(sent.success());
    } else {
        let _ = child.kill();
    }
    let status = child.wait().unwrap();
    let stderr = reader.join().unwrap();
    assert!(watching, "never started watching:\n{stderr}");
    (status.code(), stderr)
}

fn assert_stopped_and_released(signal: &str) {
    let s = Scratch::new();
    let (code, stderr) = watch_then_signal(&s, signal);
    assert_eq!(
        code,
        Some(exit::OK),
        "SIG{signal} must end the watch like Ctrl-C (exit 0, not killed):\n{stderr}"
    );
    assert!(stderr.contains("stop requested"), "{stderr}");
    assert!(
        s.path().join("played/trace.json").is_file(),
        "the card was not closed (the simulator writes its trace on close):\n{stderr}"
    );
}

#[test]
fn sigterm_stops_and_releases_the_card() {
    assert_stopped_and_released("TERM");
}

#[test]
fn sighup_stops_and_releases_the_card() {
    assert_stopped_and_released("HUP");
}

#[test]
fn sigint_stops_and_releases_the_card() {
    assert_stopped_and_released("INT");
}

#[test]
fn the_exit_code_table_is_the_same_in_help_and_readme() {
    let line = exit::summary();
    let readme = std::fs::read_to_string(repo_root().join("README.md")).unwrap();
    assert!(
        readme.lines().any(|l| l == line),
        "README.md must hold the line `{line}`"
    );
    let s = Scratch::new();
    let help = awgsf(s.path(), &["--help"], &[]);
    help.expect_exit(exit::OK);
    // Help text is wrapped to the terminal: compare with whitespace collapsed.
    let flat = help.stdout.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains(&line), "{}", help.stdout);
    for (code, _) in exit::TABLE {
        assert!(line.contains(&format!("{code} ")), "{code} missing");
    }
}

#[test]
fn a_file_writing_card_that_cannot_write_is_a_file_error() {
    // /proc accepts no new directories, even for root.
    let target = Path::new("/proc/awgsf-cannot-write-here");
    let s = Scratch::new();
    let cfg = config_text(
        "\"file-sink\"",
        &format!("output_dir = {}", toml_str(target)),
        "",
    );
    run_in(&s, &cfg, &["--no-verify"])
        .expect_exit(exit::IO)
        .stderr_has(&["awgsf-cannot-write-here"]);
}

#[test]
fn a_failed_convert_write_is_a_file_error_and_a_bad_extension_usage() {
    let s = Scratch::new();
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let p = prog.to_str().unwrap();
    awgsf(s.path(), &["convert", p, "no/such/dir/out.json"], &[])
        .expect_exit(exit::IO)
        .stderr_has(&["out.json"]);
    awgsf(s.path(), &["convert", p, "out.txt"], &[])
        .expect_exit(exit::USAGE)
        .stderr_has(&["out.txt", ".toml or .json"]);
}

#[test]
fn compile_overrides_out_of_range_are_usage_errors_naming_the_flag() {
    let s = Scratch::new();
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let p = prog.to_str().unwrap();
    let ci = repo_root().join("configs/ci.toml");
    let c = ci.to_str().unwrap();
    for (flag, value) in [
        ("--full-scale", "0"),
        ("--full-scale", "40000"),
        ("--quantum", "0"),
        ("--quantum", "nan"),
        ("--sample-rate", "-1"),
        ("--full-scale-mv", "inf"),
    ] {
        let arg = format!("{flag}={value}");
        let o = awgsf(
            s.path(),
            &["compile", p, "--config", c, "--out", "o", &arg],
            &[],
        );
        o.expect_exit(exit::USAGE).stderr_has(&[flag]);
        assert!(!s.path().join("o").exists(), "{flag} {value} wrote output");
    }
}

#[test]
fn plot_options_that_cannot_make_a_picture_are_usage_errors() {
    let s = Scratch::new();
    s.write("small.toml", SMALL_PROGRAM);
    for (args, says) in [
        (vec!["--out", "t.gif"], "use a .png or .svg extension"),
        (vec!["--out", "t.png", "--size", "10x10"], "cannot be drawn"),
    ] {
        let mut all = vec!["plot", "timeline", "small.toml"];
        all.extend(args);
        awgsf(s.path(), &all, &[])
            .expect_exit(exit::USAGE)
            .stderr_has(&[says]);
    }
    assert_eq!(s.entries(""), vec!["small.toml"], "nothing written");
}
