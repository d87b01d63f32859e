//! Tests of whole config files: every shipped config, every validation rule with its
//! file position and key path, conversion to card settings, and the derived figures.

use std::path::{Path, PathBuf};

use abi_stable::std_types::{RString, RVec};
use awgsf_plugin_api::{
    CardFeatures, CardInfo, ClockSource, Coupling, MinSegment, StopLevel, TriggerEdge,
    TriggerSource,
};

use super::*;

const FILE: &str = "lab/rig.toml";

fn parse(text: &str) -> Result<Config, ConfigError> {
    Config::from_toml_str(text, Path::new(FILE))
}

fn ok(text: &str) -> Config {
    parse(text).unwrap_or_else(|e| panic!("expected a valid config, got:\n{e}"))
}

/// The rendered problems of an invalid config.
fn problems(text: &str) -> Vec<String> {
    match parse(text) {
        Ok(_) => panic!("expected problems in:\n{text}"),
        Err(e) => e.problems().iter().map(Problem::to_string).collect(),
    }
}

/// The single problem of an invalid config.
fn problem(text: &str) -> String {
    let all = problems(text);
    assert_eq!(all.len(), 1, "expected one problem, got {all:#?}");
    all.into_iter().next().unwrap()
}

fn assert_starts(message: &str, prefix: &str) {
    assert!(
        message.starts_with(prefix),
        "\n  message: {message}\n  wanted prefix: {prefix}"
    );
}

fn assert_contains(message: &str, part: &str) {
    assert!(
        message.contains(part),
        "\n  message: {message}\n  wanted part: {part}"
    );
}

fn configs_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs")
}

// ---- shipped configs ----------------------------------------------------------

#[test]
fn every_shipped_config_loads() {
    let mut names = Vec::new();
    for entry in std::fs::read_dir(configs_dir()).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "toml") {
            if let Err(e) = Config::load(&path) {
                panic!("{} does not load:\n{e}", path.display());
            }
            names.push(path.file_name().unwrap().to_string_lossy().to_string());
        }
    }
    names.sort();
    for wanted in ["ci.toml", "default.toml", "export.toml", "gpu-lab.toml"] {
        assert!(
            names.iter().any(|n| n == wanted),
            "configs/{wanted} missing"
        );
    }
}

#[test]
fn shipped_configs_say_what_they_are_for() {
    let load = |name: &str| Config::load(configs_dir().join(name)).unwrap();
    let default = load("default.toml");
    assert_eq!(
        default.synthesis.backend,
        PluginRef::Name("cpu-simd".into())
    );
    assert_eq!(
        default.hardware.backend,
        PluginRef::Name("simulator".into())
    );
    assert!(!default.hardware.settings.contains_key("output_dir"));
    assert_eq!(default.card.channels, [0, 1]);
    assert_eq!(default.card.amplitude_mv, [1000.0, 1000.0]);
    assert_eq!(default.setup.map.get("H"), Some(&0));
    assert_eq!(default.setup.map.get("V"), Some(&1));

    let ci = load("ci.toml");
    assert_eq!(
        ci.hardware.settings["triggers"],
        serde_json::json!(["force"])
    );
    assert!(ci.hardware.settings["play_s"].as_f64().unwrap() < 0.1);
    assert!(ci.output.dir.ends_with("out/ci"));

    let export = load("export.toml");
    assert_eq!(export.hardware.backend, PluginRef::Name("file-sink".into()));
    assert!(export.output.dir.ends_with("out/export"));

    let gpu = load("gpu-lab.toml");
    assert_eq!(gpu.synthesis.backend, PluginRef::Name("cuda".into()));
    assert_eq!(
        gpu.synthesis.fallbacks,
        [PluginRef::Name("cpu-simd".into())]
    );
    assert_eq!(gpu.hardware.backend, PluginRef::Name("spcm".into()));
    assert_eq!(gpu.hardware.settings_json(), r#"{"device":"/dev/spcm0"}"#);
    assert_eq!(gpu.card.trigger.source, TriggerSource::Ext0);
}

// ---- defaults and paths ---------------------------------------------------------

#[test]
fn version_alone_gives_the_documented_defaults() {
    let c = ok("version = 1\n");
    let d = Config::default();
    assert_eq!(c.version, 1);
    assert_eq!(c.plugin_dirs, d.plugin_dirs);
    assert_eq!(c.synthesis, d.synthesis);
    assert_eq!(c.hardware, d.hardware);
    assert_eq!(c.card, d.card);
    assert_eq!(c.setup, d.setup);
    assert_eq!(c.compile, d.compile);
    assert_eq!(c.phases, d.phases);
    assert_eq!(c.output.dir, Path::new("lab/out"));
    assert!(!c.output.overwrite);
    assert_eq!(c.card.sample_rate_hz, 625e6);
    assert_eq!(c.card.stop_level, StopLevel::HoldLast);
    assert_eq!(c.card.trigger.source, TriggerSource::Software);
    assert_eq!(c.compile.quantum_s, 40e-6);
    assert_eq!(c.source(), Some(Path::new(FILE)));
}

#[test]
fn relative_paths_resolve_against_the_config_directory() {
    let c = ok(r#"
version = 1
plugin_dirs = ["plugins", "/opt/awgsf/plugins"]
[synthesis]
backend = "../build/libmy_synth.so"
fallbacks = ["cpu-simd", "./libother.so"]
[hardware]
backend = "vendor/card.dll"
[output]
dir = "results"
"#);
    assert_eq!(
        c.plugin_dirs,
        [
            PathBuf::from("lab/plugins"),
            PathBuf::from("/opt/awgsf/plugins")
        ]
    );
    // Plugin files are absolute: the dynamic loader never searches for them.
    let abs = |p: &str| PluginRef::Path(std::path::absolute(p).unwrap());
    assert_eq!(c.synthesis.backend, abs("lab/../build/libmy_synth.so"));
    assert_eq!(
        c.synthesis.fallbacks,
        [PluginRef::Name("cpu-simd".into()), abs("lab/./libother.so")]
    );
    assert_eq!(c.hardware.backend, abs("lab/vendor/card.dll"));
    assert!(matches!(&c.hardware.backend, PluginRef::Path(p) if p.is_absolute()));
    assert_eq!(c.output.dir, Path::new("lab/results"));
}

#[test]
fn unreadable_file_is_a_read_error_naming_it() {
    let err = Config::load("no/such/config.toml").unwrap_err();
    assert!(matches!(err, ConfigError::Read { .. }));
    assert_starts(
        &err.to_string(),
        "no/such/config.toml: cannot read config file",
    );
}

// ---- version ---------------------------------------------------------------------

#[test]
fn missing_version_says_to_add_it() {
    let p = problem("[card]\nchannels = [0]\n");
    assert_eq!(
        p,
        "lab/rig.toml:1:1: version: missing; add `version = 1` (the config format version) at the top of the file"
    );
}

#[test]
fn other_versions_are_rejected() {
    assert_eq!(
        problem("# rig\nversion = 2\n"),
        "lab/rig.toml:2:11: version: expected 1 (the only config format version), found 2"
    );
    assert_starts(
        &problem("version = \"1\"\n"),
        "lab/rig.toml:1:11: version: expected 1",
    );
}

// ---- unknown keys and types -----------------------------------------------------

#[test]
fn unknown_keys_suggest_the_closest_known_key() {
    assert_eq!(
        problem("version = 1\n[card]\nsample_rate = 625e6\n"),
        "lab/rig.toml:3:1: card.sample_rate: unknown key `sample_rate`; did you mean `sample_rate_hz`?"
    );
    assert_eq!(
        problem("version = 1\n[cards]\n"),
        "lab/rig.toml:2:2: cards: unknown key `cards`; did you mean `card`?"
    );
    assert_eq!(
        problem("version = 1\n[card.trigger]\nlevel = 0.5\n"),
        "lab/rig.toml:3:1: card.trigger.level: unknown key `level`; did you mean `level_mv`?"
    );
    let p = problem("version = 1\n[phases]\nzzz = 1\n");
    assert_eq!(
        p,
        "lab/rig.toml:3:1: phases.zzz: unknown key `zzz`; known keys: passes, time_budget_ms"
    );
}

#[test]
fn plugin_settings_keys_are_left_to_the_plugin() {
    let c = ok("version = 1\n[hardware.settings]\nanything = { goes = [1, 2] }\n");
    assert_eq!(c.hardware.settings_json(), r#"{"anything":{"goes":[1,2]}}"#);
    assert_eq!(c.synthesis.settings_json("cpu-simd"), "{}");
}

#[test]
fn wrong_types_say_what_was_expected_and_found() {
    assert_eq!(
        problem("version = 1\n[card]\nsample_rate_hz = \"fast\"\n"),
        "lab/rig.toml:3:18: card.sample_rate_hz: expected a finite sample rate > 0 Hz, found the string \"fast\""
    );
    assert_eq!(
        problem("version = 1\ncard = 5\n"),
        "lab/rig.toml:2:8: card: expected a table, found 5"
    );
    assert_eq!(
        problem("version = 1\n[output]\noverwrite = \"yes\"\n"),
        "lab/rig.toml:3:13: output.overwrite: expected true or false, found the string \"yes\""
    );
    assert_eq!(
        problem("version = 1\n[card]\ntimeout_ms = 1.5\n"),
        "lab/rig.toml:3:14: card.timeout_ms: expected an integer number of ms, 0 (no timeout) to 4294967295, found 1.5"
    );
    assert_eq!(
        problem("version = 1\nplugin_dirs = \"plugins\"\n"),
        "lab/rig.toml:2:15: plugin_dirs: expected an array of directory paths, found the string \"plugins\""
    );
}

#[test]
fn names_outside_a_choice_suggest_the_closest() {
    assert_eq!(
        problem("version = 1\n[card]\nstop_level = \"holdlast\"\n"),
        "lab/rig.toml:3:14: card.stop_level: expected one of \"zero\", \"low\", \"high\", \"hold_last\", \"tristate\", found the string \"holdlast\"; did you mean \"hold_last\"?"
    );
    let p = problem("version = 1\n[card.trigger]\nsource = \"EXT0\"\n");
    assert_contains(
        &p,
        "card.trigger.source: expected one of \"software\", \"ext0\", \"ext1\"",
    );
    assert_contains(&p, "did you mean \"ext0\"?");
    assert_starts(
        &problem("version = 1\n[card.clock]\nsource = 1\n"),
        "lab/rig.toml:3:10: card.clock.source: expected one of \"internal_pll\", \"external_reference\", found 1",
    );
}

#[test]
fn syntax_errors_are_reported_with_their_position() {
    let p = problem("version = 1\n[card]\nchannels = [0, 1\n");
    assert_starts(&p, "lab/rig.toml:3:");
    assert_contains(&p, "TOML syntax:");
    let dup = problem("version = 1\nversion = 1\n");
    assert_starts(&dup, "lab/rig.toml:2:1: TOML syntax: duplicate key");
}

// ---- ranges ----------------------------------------------------------------------

#[test]
fn sample_rate_must_be_positive_and_finite() {
    for bad in ["0", "-625e6", "inf", "nan"] {
        let p = problem(&format!("version = 1\n[card]\nsample_rate_hz = {bad}\n"));
        assert_eq!(
            p,
            format!("lab/rig.toml:3:18: card.sample_rate_hz: expected a finite sample rate > 0 Hz, found {bad}")
        );
    }
    assert_eq!(
        ok("version = 1\n[card]\nsample_rate_hz = 1_250_000_000\n")
            .card
            .sample_rate_hz,
        1.25e9
    );
}

#[test]
fn channels_must_be_unique_non_negative_and_present() {
    assert_eq!(
        problem("version = 1\n[card]\nchannels = [0, 1, 0]\namplitude_mv = 900\n"),
        "lab/rig.toml:3:19: card.channels[2]: expected each channel once, found channel 0 again"
    );
    assert_eq!(
        problem("version = 1\n[card]\nchannels = [-1]\n[setup]\nmap = { H = 0 }\n"),
        "lab/rig.toml:3:13: card.channels[0]: expected a hardware channel index (integer >= 0), found -1"
    );
    assert_eq!(
        problem("version = 1\n[card]\nchannels = []\n"),
        "lab/rig.toml:3:12: card.channels: expected at least one enabled channel, found an array of 0 items"
    );
}

#[test]
fn channels_in_any_order_reach_the_card_ascending_with_their_amplitudes() {
    let c = ok("version = 1\n[card]\nchannels = [3, 1]\namplitude_mv = [300.0, 100.0]\n");
    assert_eq!(c.card.channels, [3, 1]);
    assert_eq!(c.setup.map.get("H"), Some(&1));
    assert_eq!(c.setup.map.get("V"), Some(&3));
    let s = c.card_settings();
    let got: Vec<(u32, f64)> = s
        .channels
        .iter()
        .map(|ch| (ch.index, ch.amplitude_mv))
        .collect();
    assert_eq!(got, [(1, 100.0), (3, 300.0)]);
}

#[test]
fn amplitudes_are_one_per_channel_or_one_for_all() {
    let c = ok("version = 1\n[card]\nchannels = [0, 1, 2, 3]\namplitude_mv = 800\n");
    assert_eq!(c.card.amplitude_mv, [800.0; 4]);
    let c = ok("version = 1\n[card]\nchannels = [0]\n");
    assert_eq!(c.card.amplitude_mv, [DEFAULT_AMPLITUDE_MV]);
    assert_eq!(
        problem("version = 1\n[card]\nchannels = [0, 1]\namplitude_mv = [1000.0, 1000.0, 1000.0]\n"),
        "lab/rig.toml:4:16: card.amplitude_mv: expected 2 amplitudes (one per entry of card.channels, in the same order) or one number for all, found 3"
    );
    assert_eq!(
        problem("version = 1\n[card]\namplitude_mv = [1000.0, -5]\n"),
        "lab/rig.toml:3:25: card.amplitude_mv[1]: expected a finite amplitude > 0 mV, found -5"
    );
    assert_starts(
        &problem("version = 1\n[card]\namplitude_mv = 0\n"),
        "lab/rig.toml:3:16: card.amplitude_mv: expected a finite amplitude > 0 mV, or an array",
    );
}

#[test]
fn trigger_fields_are_read_and_checked() {
    let c = ok(r#"
version = 1
[card.trigger]
source = "ext1"
edge = "both"
level_mv = -250
coupling = "ac"
termination_50ohm = false
delay_samples = 64
"#);
    let t = c.card.trigger;
    assert_eq!(t.source, TriggerSource::Ext1);
    assert_eq!(t.edge, TriggerEdge::Both);
    assert_eq!(t.level_mv, -250.0);
    assert_eq!(t.coupling, Coupling::Ac);
    assert!(!t.termination_50ohm);
    assert_eq!(t.delay_samples, 64);
    assert_eq!(
        problem("version = 1\n[card.trigger]\nlevel_mv = -inf\n"),
        "lab/rig.toml:3:12: card.trigger.level_mv: expected a finite level in mV, found -inf"
    );
    assert_starts(
        &problem("version = 1\n[card.trigger]\ndelay_samples = -1\n"),
        "lab/rig.toml:3:17: card.trigger.delay_samples: expected a delay in samples (integer >= 0), found -1",
    );
}

#[test]
fn clock_reference_goes_with_its_source() {
    let c = ok("version = 1\n[card.clock]\nsource = \"external_reference\"\nreference_hz = 10e6\noutput = true\n");
    assert_eq!(c.card.clock.source, ClockSource::ExternalReference);
    assert_eq!(c.card.clock.reference_hz, 10e6);
    assert!(c.card.clock.output_enabled);
    assert_eq!(
        problem("version = 1\n[card.clock]\nsource = \"external_reference\"\n"),
        "lab/rig.toml:3:10: card.clock.reference_hz: expected the reference frequency (`reference_hz` > 0) with source = \"external_reference\", found none"
    );
    assert_eq!(
        problem("version = 1\n[card.clock]\nreference_hz = 10e6\n"),
        "lab/rig.toml:3:16: card.clock.reference_hz: expected 0 (a reference frequency needs source = \"external_reference\"), found 10e6"
    );
}

#[test]
fn compile_and_phases_ranges() {
    let c = ok("version = 1\n[compile]\nquantum_s = 20e-6\nfull_scale_mv = 800\nfull_scale = 32000\nclip = 0.9\n[phases]\npasses = 1\ntime_budget_ms = 0\n");
    assert_eq!(c.compile.quantum_s, 20e-6);
    assert_eq!(c.compile.full_scale_mv, Some(800.0));
    assert_eq!(c.compile.full_scale, Some(32000));
    assert_eq!(c.compile.clip, 0.9);
    assert_eq!(c.phases.passes, 1);
    assert_eq!(c.phases.time_budget_ms, 0);
    let cases = [
        (
            "[compile]\nquantum_s = 0",
            "compile.quantum_s: expected a finite duration > 0 s, found 0",
        ),
        (
            "[compile]\nclip = 0.0",
            "compile.clip: expected a fraction of full scale in (0, 1], found 0.0",
        ),
        (
            "[compile]\nclip = 1.01",
            "compile.clip: expected a fraction of full scale in (0, 1], found 1.01",
        ),
        (
            "[compile]\nfull_scale = 0",
            "compile.full_scale: expected an integer card code from 1 to 32767, found 0",
        ),
        (
            "[compile]\nfull_scale = 32768",
            "compile.full_scale: expected an integer card code from 1 to 32767, found 32768",
        ),
        (
            "[compile]\nfull_scale_mv = -1.0",
            "compile.full_scale_mv: expected a finite voltage > 0 mV, found -1.0",
        ),
        (
            "[phases]\npasses = 0",
            "phases.passes: expected a number of passes >= 1, found 0",
        ),
        (
            "[phases]\ntime_budget_ms = -5",
            "phases.time_budget_ms: expected an integer number of ms >= 0 (0: no limit), found -5",
        ),
    ];
    for (text, wanted) in cases {
        let p = problem(&format!("version = 1\n{text}\n"));
        assert_starts(&p, "lab/rig.toml:3:");
        assert!(
            p.ends_with(wanted),
            "\n  message: {p}\n  wanted end: {wanted}"
        );
    }
}

#[test]
fn plugin_references_are_names_or_paths() {
    assert_starts(
        &problem("version = 1\n[synthesis]\nbackend = \"cpu simd\"\n"),
        "lab/rig.toml:3:11: synthesis.backend: expected a plugin name (letters, digits, `-`, `_`) or a path to a plugin library, found the string \"cpu simd\"",
    );
    assert_eq!(
        problem("version = 1\n[synthesis]\nbackend = \"cuda\"\nfallbacks = [\"cpu-simd\", \"cuda\"]\n"),
        "lab/rig.toml:4:26: synthesis.fallbacks[1]: expected a plugin not listed before, found `cuda` again"
    );
}

#[test]
fn synthesis_settings_are_per_plugin_and_a_fallback_gets_only_its_own() {
    let c = ok(r#"
version = 1
[synthesis]
backend = "cuda"
fallbacks = ["cpu-simd"]
[synthesis.settings.cuda]
device = 0
[synthesis.settings.cpu-simd]
threads = 2
"#);
    assert_eq!(c.synthesis.settings_json("cuda"), r#"{"device":0}"#);
    assert_eq!(c.synthesis.settings_json("cpu-simd"), r#"{"threads":2}"#);
    let c = ok("version = 1\n[synthesis]\nbackend = \"cuda\"\nfallbacks = [\"cpu-simd\"]\n[synthesis.settings.cuda]\ndevice = 0\n");
    assert_eq!(c.synthesis.settings_json("cpu-simd"), "{}");
}

#[test]
fn flat_synthesis_settings_say_where_they_go_now() {
    assert_eq!(
        problem("version = 1\n[synthesis]\nbackend = \"cuda\"\n[synthesis.settings]\ndevice = 0\n"),
        "lab/rig.toml:5:10: synthesis.settings.device: expected a table of settings for one synthesis plugin; settings are given per plugin, so move `device = ...` under `[synthesis.settings.cuda]`"
    );
    assert_eq!(
        problem("version = 1\n[synthesis]\nbackend = \"cuda\"\n[synthesis.settings]\ncuda = 0\n"),
        "lab/rig.toml:5:8: synthesis.settings.cuda: expected a table of settings for the `cuda` plugin, found 0"
    );
}

#[test]
fn settings_for_a_plugin_not_configured_are_refused_with_a_suggestion() {
    assert_eq!(
        problem("version = 1\n[synthesis]\nbackend = \"cuda\"\nfallbacks = [\"cpu-simd\"]\n[synthesis.settings.cpu-smd]\nthreads = 2\n"),
        "lab/rig.toml:5:21: synthesis.settings.cpu-smd: settings for `cpu-smd`, which is neither the backend nor a fallback (cuda, cpu-simd); did you mean `cpu-simd`?"
    );
    // With a plugin given by path its name is unknown until loaded: any name passes.
    let c = ok(
        "version = 1\n[synthesis]\nbackend = \"./libmine.so\"\n[synthesis.settings.mine]\nx = 1\n",
    );
    assert_eq!(c.synthesis.settings_json("mine"), r#"{"x":1}"#);
}

// ---- setup -------------------------------------------------------------------------

#[test]
fn map_is_one_to_one_onto_enabled_channels() {
    assert_eq!(
        problem("version = 1\n[card]\nchannels = [0, 1]\n[setup]\nmap = { H = 0, V = 2 }\n"),
        "lab/rig.toml:5:20: setup.map.V: expected an enabled channel (card.channels = [0, 1]), found channel 2"
    );
    assert_eq!(
        problem("version = 1\n[setup]\nmap = { H = 1, V = 1 }\n"),
        "lab/rig.toml:3:20: setup.map.V: expected one logical channel per hardware channel, found `H` and `V` both on channel 1"
    );
    assert_eq!(
        problem("version = 1\n[setup]\nmap = {}\n"),
        "lab/rig.toml:3:7: setup.map: expected at least one logical channel (e.g. `map = { H = 0 }`), found an empty map"
    );
    // An enabled channel without a logical channel outputs zeros.
    let c = ok("version = 1\n[card]\nchannels = [0, 1]\n[setup]\nmap = { X = 1 }\n");
    assert_eq!(c.setup.map.len(), 1);
    assert_eq!(c.setup.map["X"], 1);
}

#[test]
fn default_map_follows_the_enabled_channels() {
    let one = ok("version = 1\n[card]\nchannels = [2]\n");
    assert_eq!(
        one.setup.map.iter().collect::<Vec<_>>(),
        [(&"H".to_string(), &2)]
    );
    let four = ok("version = 1\n[card]\nchannels = [3, 2, 1, 0]\n");
    assert_eq!(four.setup.map.len(), 2);
    assert_eq!((four.setup.map["H"], four.setup.map["V"]), (0, 1));
}

/// A temporary config directory holding calibration files.
fn lab_dir() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("calibrations")).unwrap();
    std::fs::write(dir.path().join("calibrations/h.json"), "{}").unwrap();
    std::fs::write(dir.path().join("calibrations/v.json"), "{}").unwrap();
    std::fs::write(
        dir.path().join("lab.setup.json"),
        r#"{"channel_calibrations": [null, null], "logical_to_hardware_map": {"H": 0, "V": 1}}"#,
    )
    .unwrap();
    dir
}

fn load_in(dir: &Path, text: &str) -> Result<Config, ConfigError> {
    let file = dir.join("rig.toml");
    std::fs::write(&file, text).unwrap();
    Config::load(file)
}

#[test]
fn per_channel_calibration_files_resolve_and_must_exist() {
    let dir = lab_dir();
    let c = load_in(
        dir.path(),
        "version = 1\n[setup]\ncalibration = { \"0\" = \"calibrations/h.json\", 1 = \"calibrations/v.json\" }\n",
    )
    .unwrap();
    let SetupCalibration::PerChannel(files) = &c.setup.calibration else {
        panic!(
            "expected per-channel calibrations, got {:?}",
            c.setup.calibration
        );
    };
    assert_eq!(files[&0], dir.path().join("calibrations/h.json"));
    assert_eq!(files[&1], dir.path().join("calibrations/v.json"));

    let err = load_in(
        dir.path(),
        "version = 1\n[setup]\ncalibration = { 0 = \"calibrations/missing.json\", 5 = \"calibrations/v.json\", x = \"calibrations/v.json\" }\n",
    )
    .unwrap_err();
    let file = dir.path().join("rig.toml");
    let got: Vec<String> = err.problems().iter().map(Problem::to_string).collect();
    assert_eq!(got.len(), 3, "{got:#?}");
    let head =
        |col: usize, key: &str| format!("{}:3:{col}: setup.calibration.{key}: ", file.display());
    assert_starts(
        &got[0],
        &format!(
            "{}expected an existing file, found the string \"calibrations/missing.json\"",
            head(21, "0")
        ),
    );
    assert_eq!(
        got[1],
        format!(
            "{}expected an enabled channel (see card.channels), found channel 5",
            head(50, "5")
        )
    );
    assert_eq!(
        got[2],
        format!(
            "{}expected a hardware channel index as the key (e.g. \"0\"), found `x`",
            head(77, "x")
        )
    );
}

#[test]
fn setup_file_gives_the_map_and_excludes_per_channel_files() {
    let dir = lab_dir();
    let c = load_in(
        dir.path(),
        "version = 1\n[setup]\nfile = \"lab.setup.json\"\n",
    )
    .unwrap();
    assert_eq!(
        c.setup.calibration,
        SetupCalibration::SetupFile(dir.path().join("lab.setup.json"))
    );
    assert_eq!((c.setup.map["H"], c.setup.map["V"]), (0, 1));

    let same = "version = 1\n[setup]\nmap = { H = 0, V = 1 }\nfile = \"lab.setup.json\"\n";
    assert!(load_in(dir.path(), same).is_ok());

    let file = dir.path().join("rig.toml");
    let differs = "version = 1\n[setup]\nmap = { H = 1, V = 0 }\nfile = \"lab.setup.json\"\n";
    let err = load_in(dir.path(), differs).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{}:3:7: setup.map: expected the same map as the setup file ({{ H = 0, V = 1 }}), found {{ H = 1, V = 0 }}", file.display())
    );

    let both = "version = 1\n[setup]\nfile = \"lab.setup.json\"\ncalibration = { 0 = \"calibrations/h.json\" }\n";
    let err = load_in(dir.path(), both).unwrap_err().to_string();
    assert_eq!(
        err,
        format!("{}:4:15: setup.calibration: expected either setup.file or setup.calibration, found both", file.display())
    );

    let one_channel = "version = 1\n[card]\nchannels = [0]\n[setup]\nfile = \"lab.setup.json\"\n";
    let err = load_in(dir.path(), one_channel).unwrap_err().to_string();
    assert_contains(&err, ":5:8: setup.file: ");
    assert_contains(&err, "lab.setup.json: logical_to_hardware_map.V: expected an enabled channel (card.channels = [0]), found channel 1");
}

#[test]
fn setup_file_must_be_a_setup_file() {
    let dir = lab_dir();
    let err = load_in(
        dir.path(),
        "version = 1\n[setup]\nfile = \"calibrations/h.json\"\n",
    )
    .unwrap_err();
    assert_contains(&err.to_string(), ":3:8: setup.file: expected a physical-setup JSON file with a `logical_to_hardware_map` object");
    let err = load_in(dir.path(), "version = 1\n[setup]\nfile = \"nope.json\"\n").unwrap_err();
    assert_contains(
        &err.to_string(),
        ":3:8: setup.file: expected an existing file, found the string \"nope.json\"",
    );
}

// ---- all problems together -----------------------------------------------------------

#[test]
fn every_problem_of_a_file_is_reported_in_file_order() {
    let text = r#"
[card]
sample_rate_hz = -1
channels = [0, 1]
amplitude_mv = [1000.0]
stop_levle = "zero"

[card.trigger]
edge = "up"

[compile]
clip = 2

[output]
overwrite = 1
"#;
    let err = parse(text).unwrap_err();
    let got: Vec<String> = err.problems().iter().map(Problem::to_string).collect();
    let wanted = [
        "lab/rig.toml:1:1: version: missing",
        "lab/rig.toml:3:18: card.sample_rate_hz: ",
        "lab/rig.toml:5:16: card.amplitude_mv: expected 2 amplitudes",
        "lab/rig.toml:6:1: card.stop_levle: unknown key `stop_levle`; did you mean `stop_level`?",
        "lab/rig.toml:9:8: card.trigger.edge: ",
        "lab/rig.toml:12:8: compile.clip: ",
        "lab/rig.toml:15:13: output.overwrite: ",
    ];
    assert_eq!(got.len(), wanted.len(), "{got:#?}");
    for (g, w) in got.iter().zip(wanted) {
        assert_starts(g, w);
    }
    let text = err.to_string();
    assert_starts(
        &text,
        "invalid config (7 problems):\nlab/rig.toml:1:1: version: missing",
    );
    assert_eq!(text.lines().count(), 8);
}

// ---- card settings -------------------------------------------------------------------

#[test]
fn card_settings_carry_every_card_field() {
    let c = Config::load(configs_dir().join("gpu-lab.toml")).unwrap();
    let s = c.card_settings();
    assert_eq!(s.sample_rate_hz, 625e6);
    assert_eq!(s.timeout_ms, 5000);
    assert_eq!(s.channels.len(), 2);
    assert!(s
        .channels
        .iter()
        .all(|ch| ch.stop_level == StopLevel::HoldLast && ch.amplitude_mv == 1000.0));
    assert_eq!(s.trigger, c.card.trigger);
    assert_eq!(s.trigger.level_mv, 500.0);
    assert!(s.trigger.termination_50ohm);
    assert_eq!(s.clock.source, ClockSource::InternalPll);
    assert!(!s.clock.output_enabled);
}

// ---- derived figures -----------------------------------------------------------------

/// A card like the emulated default: M4i.66xx class, 4 outputs, 4 GiB.
fn m4i() -> CardInfo {
    CardInfo {
        model: RString::from("M4i.6631-x8"),
        serial: RString::from("test card"),
        driver: RString::from("none"),
        max_channels: 4,
        channel_counts: RVec::from(vec![1, 2, 4]),
        min_sample_rate_hz: 50e6,
        max_sample_rate_hz: 1.25e9,
        full_scale_code: 32767,
        min_amplitude_mv: 80.0,
        max_amplitude_mv: 2500.0,
        memory_bytes: 4 << 30,
        bytes_per_sample: 2,
        step_samples: 32,
        min_segment_samples: RVec::from(vec![
            MinSegment {
                channels: 1,
                samples: 384,
            },
            MinSegment {
                channels: 2,
                samples: 192,
            },
            MinSegment {
                channels: 4,
                samples: 96,
            },
        ]),
        max_segments: 65536,
        max_steps: 4096,
        max_loops: (1 << 20) - 1,
        features: CardFeatures::SEQUENCE_REPLAY.with(CardFeatures::SOFTWARE_TRIGGER),
    }
}

#[test]
fn quantisation_follows_the_semantics_formula() {
    // 40e-6 * 625e6 = 25000.000000000004 -> 25000; 25000 / 32 = 781.25 -> 781 -> 24992.
    let q = Quantisation::new(32, 192, 625e6, 40e-6).unwrap();
    assert_eq!(q.quantum_samples, 24992);
    assert_eq!(q.min_segment_samples, 192);
    assert!((q.quantum_s - 24992.0 / 625e6).abs() < 1e-18);
    // Ties round to even: 48 / 32 = 1.5 -> 2; 16 / 32 = 0.5 -> 0, raised to one step.
    assert_eq!(
        Quantisation::new(32, 96, 1e6, 48e-6)
            .unwrap()
            .quantum_samples,
        64
    );
    assert_eq!(
        Quantisation::new(32, 96, 1e6, 16e-6)
            .unwrap()
            .quantum_samples,
        32
    );
    assert_eq!(
        Quantisation::new(32, 96, 1e6, 1e-9)
            .unwrap()
            .quantum_samples,
        32
    );
    // The minimum segment is rounded up to the step.
    assert_eq!(
        Quantisation::new(32, 100, 1e6, 40e-6)
            .unwrap()
            .min_segment_samples,
        128
    );
    assert!(Quantisation::new(0, 96, 1e6, 40e-6).is_err());
    assert!(Quantisation::new(32, 96, 1e300, 1e10).is_err());
}

#[test]
fn card_figures_of_the_default_config() {
    let c = Config::load(configs_dir().join("default.toml")).unwrap();
    let f = CardFigures::compute(&c, &m4i()).unwrap();
    assert_eq!(f.quantisation.step_samples, 32);
    assert_eq!(f.quantisation.card_min_segment_samples, 192);
    assert_eq!(f.quantisation.quantum_samples, 24992);
    assert_eq!(f.full_scale, 32767);
    assert!(f.full_scale_from_card);
    assert_eq!(f.channels.len(), 2);
    assert_eq!(f.channels[1].index, 1);
    assert_eq!(f.channels[0].full_scale_mv, 1000.0);
    assert_eq!(f.channels[0].output_gain, 1.0);
    assert!((f.channels[0].lsb_mv - 1000.0 / 32767.0).abs() < 1e-15);
    assert!(f.notes.is_empty(), "{:?}", f.notes);

    let table = f.to_string();
    assert_contains(
        &table,
        "loop quantum    24992 samples = 39.9872 µs  (asked 40 µs)",
    );
    assert_contains(
        &table,
        "min segment     192 samples = 307.2 ns  (card: 192 for 2 channels)",
    );
    assert_contains(
        &table,
        "sample rate     625 MS/s  (card: 50 MS/s to 1.25 GS/s)",
    );
    let json = serde_json::to_value(&f).unwrap();
    assert_eq!(json["quantisation"]["quantum_samples"], 24992);
}

#[test]
fn full_scale_settings_change_the_conversion() {
    let c = ok("version = 1\n[card]\nchannels = [0]\namplitude_mv = 2000\n[compile]\nfull_scale_mv = 1000\nfull_scale = 16383\nclip = 0.5\n");
    let f = CardFigures::compute(&c, &m4i()).unwrap();
    assert_eq!(f.quantisation.card_min_segment_samples, 384);
    let ch = &f.channels[0];
    assert_eq!((ch.full_scale_mv, ch.clip_mv), (1000.0, 500.0));
    assert!((ch.output_gain - 2000.0 * 16383.0 / (1000.0 * 32767.0)).abs() < 1e-15);
    assert!(!f.full_scale_from_card);
}

#[test]
fn card_mismatches_are_all_reported_at_their_keys() {
    let text = "version = 1\n[card]\nsample_rate_hz = 2e9\nchannels = [0, 1, 5]\namplitude_mv = [100.0, 3000.0, 100.0]\n[setup]\nmap = { H = 0 }\n[compile]\nfull_scale = 32767\n";
    let c = ok(text);
    let mut card = m4i();
    card.full_scale_code = 8191;
    let err = CardFigures::compute(&c, &card).unwrap_err();
    assert!(matches!(err, ConfigError::Card { .. }));
    let got: Vec<String> = err.problems().iter().map(Problem::to_string).collect();
    let wanted = [
        "lab/rig.toml:4:12: card.channels: expected a channel count the card accepts (1, 2, 4), found 3 channels",
        "lab/rig.toml:4:19: card.channels[2]: expected a channel below 4 (the card has 4 outputs), found channel 5",
        "lab/rig.toml:3:18: card.sample_rate_hz: expected a sample rate within the card's range 50 MS/s to 1.25 GS/s, found 2 GS/s",
        "lab/rig.toml:5:24: card.amplitude_mv[1]: expected an amplitude within the card's range 80 to 2500 mV, found 3000 mV",
        "lab/rig.toml:9:14: compile.full_scale: expected a code no larger than the card's full scale 8191, found 32767",
    ];
    assert_eq!(got, wanted);
    assert_starts(
        &err.to_string(),
        "config does not fit card M4i.6631-x8 (5 problems):\n",
    );
}

#[test]
fn scalar_amplitude_out_of_range_points_at_the_scalar() {
    let c = ok("version = 1\n[card]\namplitude_mv = 5000\n");
    let err = CardFigures::compute(&c, &m4i()).unwrap_err();
    let got: Vec<String> = err.problems().iter().map(Problem::to_string).collect();
    assert_eq!(got.len(), 2);
    assert!(
        got.iter()
            .all(|p| p.starts_with("lab/rig.toml:3:16: card.amplitude_mv[")),
        "{got:#?}"
    );
}

#[test]
fn broken_card_descriptions_are_reported_at_the_hardware_backend() {
    let c = ok("version = 1\n[hardware]\nbackend = \"simulator\"\n");
    let mut card = m4i();
    card.step_samples = 0;
    card.bytes_per_sample = 0;
    let err = CardFigures::compute(&c, &card).unwrap_err();
    let got: Vec<String> = err.problems().iter().map(Problem::to_string).collect();
    assert_eq!(
        got,
        [
            "lab/rig.toml:3:11: hardware.backend: the hardware plugin describes a segment step of 0 samples",
            "lab/rig.toml:3:11: hardware.backend: the hardware plugin describes 0 bytes per sample",
        ]
    );
}

#[test]
fn trigger_sources_the_card_lacks_are_noted() {
    let c = Config::load(configs_dir().join("gpu-lab.toml")).unwrap();
    let f = CardFigures::compute(&c, &m4i()).unwrap();
    assert_eq!(f.notes.len(), 1);
    let note = f.notes[0].to_string();
    assert_contains(&note, "gpu-lab.toml:");
    assert_contains(
        &note,
        ": card.trigger.source: the card does not list the external-trigger feature",
    );
    let mut card = m4i();
    card.features = card.features.with(CardFeatures::EXTERNAL_TRIGGER);
    assert!(CardFigures::compute(&c, &card).unwrap().notes.is_empty());
}

fn segment(name: &str, samples: u64, loops: u64, wait_trig: bool) -> SegmentUse {
    SegmentUse {
        name: name.into(),
        samples,
        loops,
        wait_trig,
    }
}

#[test]
fn memory_figures_of_a_program() {
    let c = Config::load(configs_dir().join("default.toml")).unwrap();
    let card = CardFigures::compute(&c, &m4i()).unwrap();
    let program = [
        segment("load", 24992, 1, true),
        segment("move", 625_024, 1, false),
        segment("hold", 24992, 10, false),
    ];
    let m = MemoryFigures::compute(&card, &program);
    assert!(m.fits(), "{:?}", m.problems);
    m.check().unwrap();
    assert_eq!(m.slots, 4);
    // 4 GiB / 4 slots / (2 bytes * 2 channels)
    assert_eq!(m.slot_capacity_samples, (4u64 << 30) / 4 / 4);
    assert_eq!(m.slot_capacity_bytes, 1 << 30);
    assert_eq!(m.segments[1].bytes, 625_024 * 4);
    assert_eq!(m.used_bytes, (24992 * 2 + 625_024) * 4);
    assert_eq!(m.steps, 3);
    assert_eq!(m.trigger_latencies.len(), 1);
    let t = &m.trigger_latencies[0];
    assert_eq!((t.step, t.worst_samples), (0, 24992));
    assert!((t.worst_us - 39.9872).abs() < 1e-9);
    let table = m.to_string();
    assert_contains(
        &table,
        "segment slots   4 for 3 segments (card: up to 65536), 1 GiB = 268435456 samples per slot",
    );
    assert_contains(
        &table,
        "trigger latency step 0 (load): worst 24992 samples = 39.9872 µs",
    );
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["trigger_latencies"][0]["worst_samples"], 24992);
}

#[test]
fn memory_problems_name_the_segment() {
    let c = ok("version = 1\n[card]\nchannels = [0]\n");
    let mut info = m4i();
    info.memory_bytes = 1 << 20;
    info.max_segments = 2;
    info.max_loops = 100;
    let card = CardFigures::compute(&c, &info).unwrap();
    let program = [
        segment("short", 352, 1, false),
        segment("odd", 1000, 1, false),
        segment("big", 300_000, 1, false),
        segment("many", 384, 101, false),
    ];
    let m = MemoryFigures::compute(&card, &program);
    assert_eq!(m.slots, 4);
    assert_eq!(m.slot_capacity_samples, (1 << 20) / 4 / 2);
    let got: Vec<String> = m.problems.iter().map(Problem::to_string).collect();
    assert_eq!(
        got,
        [
            "program: 4 segments need 4 slots, but the card has at most 2",
            "segment 0 (\"short\"): expected a multiple of 32 samples, at least 384, found 352 samples",
            "segment 1 (\"odd\"): expected a multiple of 32 samples, at least 384, found 1000 samples",
            "segment 2 (\"big\"): 300000 samples do not fit a slot of 131072 samples (4 slots)",
            "segment 3 (\"many\"): expected 1 to 100 loops, found 101",
        ]
    );
    assert!(matches!(m.check(), Err(ConfigError::Card { .. })));
    let empty = MemoryFigures::compute(&card, &[]);
    assert_eq!(
        empty.problems[0].to_string(),
        "program: expected at least one segment, found none"
    );
}

#[test]
fn card_limits_are_bounded_by_what_a_step_word_holds() {
    let c = ok("version = 1\n[card]\nchannels = [0]\n");
    let mut info = m4i();
    info.max_segments = 1 << 20;
    info.max_steps = 1 << 20;
    info.max_loops = u64::MAX;
    let card = CardFigures::compute(&c, &info).unwrap();
    assert_eq!(
        (card.max_segments, card.max_steps, card.max_loops),
        (1 << 16, 1 << 16, (1 << 20) - 1)
    );
    let m = MemoryFigures::compute(&card, &[segment("long", 384, 1 << 20, false)]);
    assert_eq!(
        m.problems[0].to_string(),
        "segment 0 (\"long\"): expected 1 to 1048575 loops, found 1048576"
    );
}
