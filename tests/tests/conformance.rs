//! The hardware conformance suite (`awgsf_test_kit::hardware`) against every card
//! plugin built here, loaded from its file as the host loads it: the simulator,
//! file-sink, spcm on the emulated driver and the third-party example card. A card
//! that skips the limit checks (test fixture) fails it, naming the rules.

use awgsf_core::plugins::load_hardware;
use awgsf_test_kit::hardware::{run_suite, Outcome, Verdict};
use awgsf_tests::bins::{library_file, plugin_file};
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::Scratch;

/// The suite's outcomes for the plugin file `path` opened with `settings`.
fn suite(path: &std::path::Path, settings: &str) -> Vec<Outcome> {
    let plugin = load_hardware(path).unwrap_or_else(|e| panic!("{e}"));
    let mut open = || {
        plugin
            .open(settings)
            .map_err(|e| awgsf_plugin_api::PluginError::invalid_input(e.to_string()))
    };
    run_suite(&mut open)
}

fn assert_conforms(name: &str, outcomes: &[Outcome]) {
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| !o.ok())
        .map(|o| format!("{}: {}", o.rule, o.verdict))
        .collect();
    assert!(failed.is_empty(), "{name} breaks:\n{}", failed.join("\n"));
    assert!(
        outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Pass)
            .count()
            >= 7,
        "{name}: too few rules applied: {outcomes:?}"
    );
}

#[test]
fn the_simulator_conforms() {
    assert_conforms("simulator", &suite(&plugin_file("simulator"), "{}"));
}

#[test]
fn file_sink_conforms() {
    let s = Scratch::new();
    let settings = serde_json::json!({
        "output_dir": s.path().join("export"),
        "overwrite": true,
    })
    .to_string();
    assert_conforms("file-sink", &suite(&plugin_file("file-sink"), &settings));
}

#[test]
fn spcm_on_the_emulated_driver_conforms() {
    let settings = serde_json::json!({
        "device": "/dev/spcm0",
        "driver_path": library_file("awgsf_spcm_emulator"),
    })
    .to_string();
    assert_conforms("spcm", &suite(&plugin_file("spcm"), &settings));
}

#[test]
fn the_third_party_example_conforms() {
    assert_conforms("example-card", &suite(&library_file("example_card"), "{}"));
}

#[test]
fn a_card_without_limit_checks_fails_the_rules_it_breaks() {
    let outcomes = suite(&library_file("fixture_lax_card"), "{}");
    let failed: Vec<&str> = outcomes
        .iter()
        .filter(|o| !o.ok())
        .map(|o| o.rule)
        .collect();
    assert_eq!(
        failed,
        [
            "refuses-bad-loops",
            "refuses-bad-length",
            "refuses-bad-step-graph"
        ],
        "{outcomes:#?}"
    );
}

#[test]
fn check_plugin_runs_the_suite_on_a_plugin_file() {
    let s = Scratch::new();
    let example = library_file("example_card");
    let o = awgsf(s.path(), &["check-plugin", example.to_str().unwrap()], &[]);
    o.expect_exit(awgsf_core::error::exit::OK);
    assert!(o.stdout.contains("refuses-bad-loops"), "{}", o.stdout);
    assert!(o.stdout.contains("10 rules"), "{}", o.stdout);

    // Settings the plugin refuses: one error, the plugin's own, not ten failed rules.
    let o = awgsf(
        s.path(),
        &[
            "check-plugin",
            example.to_str().unwrap(),
            "--settings",
            "{\"nope\": 1}",
        ],
        &[],
    );
    o.expect_exit(awgsf_core::error::exit::PLUGIN)
        .stderr_has(&["nope"]);
    assert!(!o.stdout.contains("rules"), "{}", o.stdout);

    let lax = library_file("fixture_lax_card");
    let o = awgsf(s.path(), &["check-plugin", lax.to_str().unwrap()], &[]);
    o.expect_exit(awgsf_core::error::exit::PLUGIN)
        .stderr_has(&["3 of 10 rules failed"]);
    assert!(
        o.stdout.contains("FAIL: upload with loops = 0"),
        "{}",
        o.stdout
    );
}

#[test]
fn check_plugin_runs_the_synthesis_suite_on_a_renderer_file() {
    let s = Scratch::new();
    let cpu = plugin_file("cpu-simd");
    let o = awgsf(
        s.path(),
        &["check-plugin", cpu.to_str().unwrap(), "--json"],
        &[],
    );
    o.expect_exit(awgsf_core::error::exit::OK);
    let doc = o.json();
    let rules: Vec<&str> = doc["rules"]
        .as_array()
        .expect("rules")
        .iter()
        .map(|r| r["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"matches-reference"), "{rules:?}");
    assert!(rules.contains(&"thread-invariant"), "{rules:?}");
    // cpu-simd takes a thread count, so the thread rule applies and passes.
    let threads = doc["rules"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["rule"] == "thread-invariant")
        .unwrap();
    assert_eq!(threads["verdict"], "pass", "{threads}");
}
