//! A hardware plugin built outside the main plugin set, against the plugin API
//! alone (`tests/third-party-plugin`, the example of
//! `docs/writing-a-hardware-plugin.md`), named in a config by its file path.

use awgsf_core::error::exit;
use awgsf_tests::bins::library_file;
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::{config_text, toml_str, Scratch, SMALL_PROGRAM};
use serde_json::Value;

/// A scratch directory with the config naming the example card, and its log path.
fn setup() -> (Scratch, std::path::PathBuf) {
    let s = Scratch::new();
    let lib = library_file("example_card");
    let log = s.path().join("calls.log");
    s.write(
        "rig.toml",
        &config_text(
            &toml_str(&lib),
            &format!("log_file = {}", toml_str(&log)),
            "",
        ),
    );
    s.write("small.toml", SMALL_PROGRAM);
    (s, log)
}

#[test]
fn run_uploads_to_the_third_party_card() {
    let (s, log) = setup();
    let o = awgsf(
        s.path(),
        &["run", "small.toml", "--config", "rig.toml", "--json"],
        &[],
    );
    o.expect_exit(exit::OK);
    let report = o.json();
    let card = report["card"].as_str().unwrap();
    assert!(
        card.contains("Example logging card") && card.contains("example-card 0.3.0"),
        "{card}"
    );
    // No playback trace: the step graph alone is checked.
    assert_eq!(report["continuity"]["played_transitions"], 0);
    assert_eq!(
        report["continuity"]["discontinuities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["causes"].as_array().unwrap().is_empty())
            .count(),
        0
    );

    let text = std::fs::read_to_string(&log).expect("the card wrote its log");
    let lines: Vec<&str> = text.lines().collect();
    assert!(
        lines[0].starts_with("configure sample_rate_hz=100000000 channels=[0, 1]"),
        "{text}"
    );
    let slots = report["slots"].as_u64().unwrap();
    let bytes = report["card_bytes"].as_u64().unwrap();
    assert!(
        lines[1].starts_with(&format!(
            "upload segments={slots} slots=4 steps=3 bytes={bytes} start_step=0"
        )),
        "{text}"
    );
    for (i, name) in ["armed", "chirp", "dim"].iter().enumerate() {
        assert!(
            text.contains(&format!("segment {i} '{name}' samples=")),
            "{text}"
        );
    }
    assert!(text.contains("start step=0 force_trigger=false"), "{text}");
    assert_eq!(lines.last(), Some(&"stop"), "closed at the end: {text}");
}

#[test]
fn plugins_lists_the_third_party_card() {
    let (s, log) = setup();
    let o = awgsf(
        s.path(),
        &["plugins", "--config", "rig.toml", "--json"],
        &[],
    );
    o.expect_exit(exit::OK);
    let rows = o.json();
    let lib = library_file("example_card");
    let row: &Value = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "example-card")
        .unwrap_or_else(|| panic!("example-card not listed: {rows:#}"));
    assert_eq!(row["role"], "hardware");
    assert_eq!(row["version"], "0.3.0");
    assert_eq!(row["api_version"], awgsf_plugin_api::API_VERSION);
    assert_eq!(row["file"], lib.to_str().unwrap());
    assert_eq!(row["available"], true, "{row}");
    // Probed with the config's settings.
    assert_eq!(
        row["detail"],
        format!("logging to {}", log.display()),
        "{row}"
    );
    // The fixtures in the same directory are not plugins by name and are not listed.
    assert!(
        rows.as_array()
            .unwrap()
            .iter()
            .all(|r| !r["file"].as_str().unwrap().contains("fixture")),
        "{rows:#}"
    );
}

#[test]
fn config_check_describes_the_third_party_card() {
    let (s, _) = setup();
    let o = awgsf(
        s.path(),
        &["config", "check", "--config", "rig.toml", "--json"],
        &[],
    );
    o.expect_exit(exit::OK);
    let check = o.json();
    assert_eq!(
        check["card"]["quantisation"]["step_samples"], 32,
        "{check:#}"
    );
    assert_eq!(
        check["card"]["quantisation"]["card_min_segment_samples"], 192,
        "{check:#}"
    );
}

#[test]
fn smoke_passes_on_the_third_party_card() {
    let (s, log) = setup();
    let o = awgsf(s.path(), &["smoke", "--config", "rig.toml", "--json"], &[]);
    o.expect_exit(exit::OK);
    let steps = o.json();
    let steps = steps.as_array().unwrap();
    for st in steps {
        assert_eq!(st["pass"], true, "{st}");
    }
    let read_back = steps
        .iter()
        .find(|st| st["step"] == "read segments back")
        .expect("the card reads back");
    assert!(
        read_back["detail"]
            .as_str()
            .unwrap()
            .contains("identical to what was uploaded"),
        "{read_back}"
    );
    let text = std::fs::read_to_string(&log).unwrap();
    assert!(text.lines().any(|l| l == "force_trigger"), "{text}");
}
