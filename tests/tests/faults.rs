//! Fault tests: the real `awgsf` binary against broken plugins, configs, programs
//! and files. Each checks the message, the exit code (`awgsf_core::error::exit`) and that
//! nothing crashed: no signal, no panic of the host itself.

use std::path::Path;

use awgsf_core::error::exit;
use awgsf_core::plugins::file_name_for;
use awgsf_plugin_api::API_VERSION;
use awgsf_tests::bins::{library_file, plugin_file, profile_dir, repo_root};
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{config_text, toml_str, Scratch, SMALL_PROGRAM};

/// `awgsf run` of the small program with the config text `config`, in `s`.
fn run_small(s: &Scratch, config: &str) -> Outcome {
    let cfg = s.write("lab.toml", config);
    let prog = s.write("small.toml", SMALL_PROGRAM);
    awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
    )
}

/// The config with the card backend named by the TOML value `backend`.
fn with_card(backend: &str, settings: &str) -> String {
    config_text(backend, settings, "")
}

#[test]
fn missing_plugin_by_name_lists_every_place_looked() {
    let s = Scratch::new();
    let cfg = s.write(
        "lab.toml",
        &format!(
            "plugin_dirs = [\"extra-plugins\"]\n{}",
            with_card("\"no-such-card\"", "")
        ),
    );
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let o = awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[("AWGSF_PLUGIN_PATH", "/nonexistent/awgsf-plugins")],
    );
    let file = file_name_for("no-such-card");
    let in_config_dir = s.path().join("extra-plugins").join(&file);
    let in_env_dir = Path::new("/nonexistent/awgsf-plugins").join(&file);
    let in_binary_dir = profile_dir().join(&file);
    o.expect_exit(exit::PLUGIN).stderr_has(&[
        "plugin 'no-such-card' not found; looked in: ",
        in_config_dir.to_str().unwrap(),
        in_env_dir.to_str().unwrap(),
        in_binary_dir.to_str().unwrap(),
    ]);
    // Search order: config, environment, binary directory.
    let line = o.stderr_lines_with("no-such-card")[0];
    let at = |p: &Path| line.find(p.to_str().unwrap()).unwrap();
    assert!(at(&in_config_dir) < at(&in_env_dir) && at(&in_env_dir) < at(&in_binary_dir));
}

#[test]
fn missing_plugin_by_path_names_the_file() {
    let s = Scratch::new();
    let o = run_small(&s, &with_card("\"cards/libgone.so\"", ""));
    let expected = s.path().join("cards/libgone.so");
    o.expect_exit(exit::PLUGIN)
        .stderr_has(&["not found; looked in: ", expected.to_str().unwrap()]);
}

#[test]
fn a_relative_plugin_path_is_relative_to_the_config_file_once() {
    // The config is given by a relative path: the plugin path is resolved against
    // its directory, not against that directory twice.
    let s = Scratch::new();
    s.write("rig/lab.toml", &with_card("\"cards/libgone.so\"", ""));
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let o = awgsf(
        s.path(),
        &["run", prog.to_str().unwrap(), "--config", "rig/lab.toml"],
        &[],
    );
    let expected = s.path().join("rig/cards/libgone.so");
    o.expect_exit(exit::PLUGIN)
        .stderr_has(&[&format!("looked in: {}", expected.display())])
        .stderr_lacks(&["rig/rig/"]);
}

#[test]
fn a_text_file_is_not_a_plugin() {
    let s = Scratch::new();
    let fake = s.write("libfake_card.so", "this is a text file, not a library\n");
    let o = run_small(&s, &with_card(&toml_str(&fake), ""));
    o.expect_exit(exit::PLUGIN).stderr_has(&[
        &format!("{} is not an awgsf plugin", fake.display()),
        "it is not a shared library",
    ]);
}

#[test]
fn a_library_without_a_root_module_is_not_a_plugin() {
    let s = Scratch::new();
    let lib = library_file("fixture_not_a_plugin");
    let o = run_small(&s, &with_card(&toml_str(&lib), ""));
    o.expect_exit(exit::PLUGIN).stderr_has(&[
        &format!("{} is not an awgsf plugin", lib.display()),
        "exports no plugin root module",
    ]);
}

#[test]
fn an_incompatible_api_is_one_line_naming_the_file_and_both_versions() {
    let s = Scratch::new();
    let lib = library_file("fixture_incompatible_plugin");
    let o = run_small(&s, &with_card(&toml_str(&lib), ""));
    o.expect_exit(exit::PLUGIN);
    let lines = o.stderr_lines_with("plugin error");
    assert_eq!(lines.len(), 1, "one error line expected:\n{}", o.stderr);
    let line = lines[0];
    for part in [
        lib.to_str().unwrap(),
        "built against plugin API 0.0.1",
        &format!("this host speaks {API_VERSION}"),
    ] {
        assert!(line.contains(part), "{line:?} lacks {part:?}");
    }
}

#[test]
fn an_incompatible_plugin_is_listed_with_the_reason() {
    // `awgsf plugins` shows a configured file it cannot use, and why.
    let s = Scratch::new();
    let lib = library_file("fixture_incompatible_plugin");
    let cfg = s.write("lab.toml", &with_card(&toml_str(&lib), ""));
    let o = awgsf(
        s.path(),
        &["plugins", "--config", cfg.to_str().unwrap(), "--json"],
        &[],
    );
    o.expect_exit(exit::OK);
    let rows = o.json();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["file"] == lib.to_str().unwrap())
        .unwrap_or_else(|| panic!("{} not listed: {rows:#}", lib.display()));
    assert_eq!(row["available"], false);
    assert!(row["detail"].as_str().unwrap().contains("0.0.1"), "{row}");
}

fn panicking_card(call: &str) -> Outcome {
    let s = Scratch::new();
    let lib = library_file("fixture_panicking_plugin");
    run_small(
        &s,
        &with_card(&toml_str(&lib), &format!("panic_in = \"{call}\"")),
    )
}

#[test]
fn a_panic_in_upload_is_a_card_error() {
    panicking_card("upload")
        .expect_exit_allowing_panics_in(exit::HARDWARE, &["panicking-plugin"])
        .stderr_has(&[
            "card error during upload: plugin panicked: panic in upload",
            "the fixture card panics in upload",
        ]);
}

#[test]
fn a_panic_in_configure_is_a_card_error() {
    panicking_card("configure")
        .expect_exit_allowing_panics_in(exit::HARDWARE, &["panicking-plugin"])
        .stderr_has(&["card error during configure: plugin panicked: panic in configure"]);
}

#[test]
fn a_panic_in_open_is_a_plugin_error() {
    panicking_card("open")
        .expect_exit_allowing_panics_in(exit::PLUGIN, &["panicking-plugin"])
        .stderr_has(&["plugin 'panicking-fixture': plugin panicked: panic in open"]);
}

#[test]
fn a_synthesis_plugin_is_not_a_card() {
    let s = Scratch::new();
    let o = run_small(&s, &with_card("\"cpu-simd\"", ""));
    o.expect_exit(exit::PLUGIN).stderr_has(&[&format!(
        "{} is a synthesis plugin, but a hardware plugin is needed here",
        plugin_file("cpu-simd").display()
    )]);
}

#[test]
fn a_card_is_not_a_synthesis_plugin() {
    let s = Scratch::new();
    let config = with_card("\"simulator\"", "").replace(
        "[synthesis]\nbackend = \"cpu-simd\"",
        "[synthesis]\nbackend = \"file-sink\"",
    );
    let o = run_small(&s, &config);
    o.expect_exit(exit::PLUGIN)
        .stderr_has(&["is a hardware plugin, but a synthesis plugin is needed here"]);
}

/// Line (1-based) of the first line of `text` containing `needle`.
fn line_of(text: &str, needle: &str) -> usize {
    text.lines().position(|l| l.contains(needle)).unwrap() + 1
}

#[test]
fn an_unknown_config_key_names_file_line_and_key_path() {
    let s = Scratch::new();
    let config = with_card("\"simulator\"", "").replace(
        "amplitude_mv = 1000.0",
        "amplitude_mv = 1000.0\nstop_levle = \"zero\"",
    );
    let line = line_of(&config, "stop_levle");
    let o = run_small(&s, &config);
    let cfg = s.path().join("lab.toml");
    o.expect_exit(exit::CONFIG)
        .stderr_has(&[&format!("{}:{line}:", cfg.display()), "card.stop_levle"]);
}

#[test]
fn bad_values_are_all_reported_with_their_places() {
    let s = Scratch::new();
    let config = with_card("\"simulator\"", "")
        .replace("sample_rate_hz = 100e6", "sample_rate_hz = -5")
        .replace("quantum_s = 40e-6", "quantum_s = \"soon\"");
    let o = run_small(&s, &config);
    let cfg = s.path().join("lab.toml").display().to_string();
    o.expect_exit(exit::CONFIG).stderr_has(&[
        &format!("{cfg}:{}:", line_of(&config, "sample_rate_hz")),
        "card.sample_rate_hz",
        &format!("{cfg}:{}:", line_of(&config, "quantum_s")),
        "compile.quantum_s",
    ]);
}

#[test]
fn a_bad_program_names_file_line_and_field() {
    let s = Scratch::new();
    let program = SMALL_PROGRAM.replace("time = \"30 us\"", "time = \"-30 us\"");
    let line = line_of(&program, "-30 us");
    let prog = s.write("bad.toml", &program);
    let cfg = s.write("lab.toml", &with_card("\"simulator\"", ""));
    let o = awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
    );
    o.expect_exit(exit::PROGRAM).stderr_has(&[
        &format!("{}:{line}:", prog.display()),
        "segment 2 'dim'",
        "field `time`",
    ]);
}

#[test]
fn an_unknown_preset_suggests_the_nearest() {
    let o = awgsf(
        &repo_root(),
        &[
            "run",
            "--preset",
            "recreate_mol",
            "--config",
            "configs/ci.toml",
        ],
        &[],
    );
    o.expect_exit(exit::PROGRAM)
        .stderr_has(&["unknown preset `recreate_mol`", "recreate_mol_exp"]);
}

#[test]
fn the_spcm_card_without_its_driver_says_where_it_looked() {
    // A machine with the vendor driver installed cannot show this fault.
    let spcm = awgsf_core::plugins::load_hardware(&plugin_file("spcm")).expect("spcm loads");
    let probe = spcm.probe(r#"{"device": "/dev/spcm0"}"#);
    if !probe.detail.contains("driver not found") {
        awgsf_test_kit::skip(
            "no-spcm-driver",
            &format!("the Spectrum driver is installed here ({})", probe.detail),
        );
        return;
    }
    let s = Scratch::new();
    let gpu_lab = repo_root().join("configs/gpu-lab.toml");
    let o = awgsf(
        s.path(),
        &[
            "run",
            "--config",
            gpu_lab.to_str().unwrap(),
            "--preset",
            "recreate_mol_exp",
        ],
        &[],
    );
    o.expect_exit(exit::PLUGIN)
        .stderr_has(&["plugin 'spcm'", "driver not found (looked in: "]);
    // Synthesis fell back from cuda to cpu-simd without an error: the only error is
    // the card's.
    let errors = o.stderr_lines_with("plugin error");
    assert_eq!(errors.len(), 1, "one error expected:\n{}", o.stderr);
    assert!(!errors[0].contains("cuda"), "{}", errors[0]);
}

#[test]
fn a_bad_setup_file_is_a_calibration_error() {
    let s = Scratch::new();
    let setup = s.write(
        "broken.setup.json",
        r#"{"logical_to_hardware_map": {"H": 0}, "channel_calibrations": [{"kind": "sin2"}]}"#,
    );
    let prog = s.write("small.toml", SMALL_PROGRAM);
    let out = s.path().join("export");
    let o = awgsf(
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
    );
    o.expect_exit(exit::CALIBRATION)
        .stderr_has(&["calibration error", "broken.setup.json"]);
    assert!(!out.exists(), "nothing is written");
}

#[test]
fn a_bad_calibration_file_in_the_config_is_a_calibration_error() {
    let s = Scratch::new();
    s.write("cal/h.json", "{ this is not json");
    let config = with_card("\"simulator\"", "").replace(
        "map = { H = 0, V = 1 }",
        "map = { H = 0, V = 1 }\ncalibration = { \"0\" = \"cal/h.json\" }",
    );
    run_small(&s, &config)
        .expect_exit(exit::CALIBRATION)
        .stderr_has(&["calibration error", "h.json", "not valid JSON"]);
}

/// (`configs/default.toml` keeps `[output] overwrite = false`; `--out` overrides its
/// directory, not its overwrite policy.)
#[test]
fn compile_refuses_an_existing_output_directory() {
    let s = Scratch::new();
    let prog = s.write("small.toml", SMALL_PROGRAM);
    s.write("export/keep.txt", "results of an earlier run\n");
    let before = s.entries("");
    let out = s.path().join("export");
    let o = awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--config",
            repo_root().join("configs/default.toml").to_str().unwrap(),
        ],
        &[],
    );
    o.expect_exit(exit::IO)
        .stderr_has(&["export already exists; pass --overwrite to replace it"]);
    // Nothing half-written: the directory is as it was, no partial siblings.
    assert_eq!(s.entries("export"), vec!["keep.txt"]);
    assert_eq!(s.entries(""), before);
}
