//! Hostile input files through the real `awgsf` binary: FIFOs, devices and huge
//! files in place of programs, configs and calibration data, duplicate JSON keys,
//! and option values that are not numbers. Each is refused with a message naming
//! the file (or option), in the file's error class, without a panic or a hang.

use std::path::{Path, PathBuf};
use std::process::Command;

use awgsf_core::error::exit;
use awgsf_core::input::MAX_INPUT_BYTES;
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{config_text, toml_str, Scratch, SMALL_PROGRAM};

/// Makes a FIFO at `name` in `s`. Should a reader ever block on it, a writer that
/// opens and closes it after a while ends that read, so a regression shows as a
/// failed assertion instead of a hung test.
fn fifo(s: &Scratch, name: &str) -> PathBuf {
    let p = s.path().join(name);
    let made = Command::new("mkfifo")
        .arg(&p)
        .status()
        .expect("mkfifo runs");
    assert!(made.success(), "mkfifo {}", p.display());
    let unblock = p.clone();
    std::thread::spawn(move || {
        std::thread::sleep(std::time::Duration::from_secs(20));
        let _ = std::fs::OpenOptions::new().write(true).open(&unblock);
    });
    p
}

/// A sparse file one byte over the input limit.
fn oversized(s: &Scratch, name: &str) -> PathBuf {
    let p = s.path().join(name);
    let f = std::fs::File::create(&p).unwrap();
    f.set_len(MAX_INPUT_BYTES + 1).unwrap();
    p
}

fn inspect(s: &Scratch, program: &Path) -> Outcome {
    awgsf(s.path(), &["inspect", program.to_str().unwrap()], &[])
}

fn config_check(s: &Scratch, config: &Path) -> Outcome {
    awgsf(
        s.path(),
        &["config", "check", "--config", config.to_str().unwrap()],
        &[],
    )
}

#[test]
fn a_fifo_as_program_is_refused_not_waited_on() {
    let s = Scratch::new();
    let p = fifo(&s, "pipe.toml");
    inspect(&s, &p)
        .expect_exit(exit::PROGRAM)
        .stderr_has(&["pipe.toml", "expected a regular file, found a FIFO"]);
}

#[test]
fn a_device_as_program_is_refused() {
    let s = Scratch::new();
    inspect(&s, Path::new("/dev/zero"))
        .expect_exit(exit::PROGRAM)
        .stderr_has(&["/dev/zero", "found a device"]);
}

#[test]
fn a_program_over_the_size_limit_is_refused_before_reading() {
    let s = Scratch::new();
    let p = oversized(&s, "huge.json");
    inspect(&s, &p).expect_exit(exit::PROGRAM).stderr_has(&[
        "huge.json",
        &format!("{} bytes, more than the 64 MiB", MAX_INPUT_BYTES + 1),
    ]);
}

#[test]
fn a_device_fifo_or_huge_file_as_config_is_refused() {
    let s = Scratch::new();
    config_check(&s, Path::new("/dev/zero"))
        .expect_exit(exit::CONFIG)
        .stderr_has(&["/dev/zero", "found a device"]);
    let p = fifo(&s, "lab.toml");
    config_check(&s, &p)
        .expect_exit(exit::CONFIG)
        .stderr_has(&["lab.toml", "found a FIFO"]);
    let p = oversized(&s, "big.toml");
    config_check(&s, &p)
        .expect_exit(exit::CONFIG)
        .stderr_has(&["big.toml", "more than the 64 MiB"]);
}

#[test]
fn a_fifo_as_calibration_data_is_refused() {
    let s = Scratch::new();
    let p = fifo(&s, "scan.csv");
    let out = s.path().join("fit.setup.json");
    awgsf(
        s.path(),
        &[
            "calib",
            "fit",
            p.to_str().unwrap(),
            "--write-out",
            out.to_str().unwrap(),
        ],
        &[],
    )
    .expect_exit(exit::CALIBRATION)
    .stderr_has(&["scan.csv", "found a FIFO"]);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_fifo_as_setup_file_is_a_calibration_error() {
    let s = Scratch::new();
    let setup = fifo(&s, "lab.setup.json");
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let out = s.path().join("export");
    awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--setup",
            setup.to_str().unwrap(),
            "--config",
            repo_root().join("configs/ci.toml").to_str().unwrap(),
        ],
        &[],
    )
    .expect_exit(exit::CALIBRATION)
    .stderr_has(&["lab.setup.json", "found a FIFO"]);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn glitch_threshold_must_be_a_finite_positive_number() {
    let s = Scratch::new();
    let prog = s.write("small.toml", SMALL_PROGRAM);
    for bad in ["nan", "NaN", "inf", "0", "-0.5", "-0", "lots"] {
        let arg = format!("--glitch-threshold={bad}");
        awgsf(s.path(), &["run", prog.to_str().unwrap(), &arg], &[])
            .expect_exit(exit::USAGE)
            .stderr_has(&["--glitch-threshold", "expected a finite number > 0"]);
    }
}

#[test]
fn a_duplicate_key_in_a_json_program_is_refused_with_its_line() {
    let s = Scratch::new();
    // A real program with `version` written twice: the copy on line 2, the
    // original (now the duplicate) on line 4.
    let text = std::fs::read_to_string(repo_root().join("tests/golden/simple_tweens.intent.json"))
        .unwrap()
        .replacen('{', "{\n  \"version\": 1,", 1);
    let p = s.write("dup.json", &text);
    inspect(&s, &p).expect_exit(exit::PROGRAM).stderr_has(&[
        "dup.json",
        "duplicate key \"version\"",
        "line 4",
    ]);
}

#[test]
fn a_duplicate_key_in_a_setup_file_is_refused() {
    let s = Scratch::new();
    let setup = s.write(
        "dup.setup.json",
        "{\"logical_to_hardware_map\": {\"H\": 0, \"V\": 1},\n \"logical_to_hardware_map\": {\"H\": 1, \"V\": 0}}",
    );
    let config = config_text("\"simulator\"", "", "").replace(
        "map = { H = 0, V = 1 }",
        &format!("file = {}", toml_str(&setup)),
    );
    let cfg = s.write("lab.toml", &config);
    config_check(&s, &cfg)
        .expect_exit(exit::CONFIG)
        .stderr_has(&[
            "dup.setup.json",
            "duplicate key \"logical_to_hardware_map\"",
            "line 2",
        ]);
}

#[test]
fn an_empty_calibration_table_in_the_config_is_refused() {
    let s = Scratch::new();
    let config = config_text("\"simulator\"", "", "").replace(
        "map = { H = 0, V = 1 }",
        "map = { H = 0, V = 1 }\ncalibration = {}",
    );
    let cfg = s.write("lab.toml", &config);
    config_check(&s, &cfg)
        .expect_exit(exit::CONFIG)
        .stderr_has(&["lab.toml", "setup.calibration", "found an empty table"]);
}
