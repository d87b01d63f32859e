//! The warnings a physicist expects, on standard error: a bare number taken as
//! hertz (once per file), a tone above 0.45·fs, a tone moving in a repeating
//! segment (a sawtooth), optical power above what the calibration reaches.

use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::Scratch;

const PROGRAM: &str = r#"
logical_channels = ["H", "V"]

[definitions.a]
channel = "H"
freqs = [90e6]
amps = 5.0

[definitions.b]
channel = "V"
freqs = [100e6]
amps = 5.0

[[segments]]
name = "wait"
mode = "wait_trig"
ops = [{ op = "use_def", channel = "H", def = "a" }, { op = "use_def", channel = "V", def = "b" },
       { op = "move", channel = "H", df = "1 MHz", time = "40 us" }]

[[segments]]
name = "high"
ops = [{ op = "move", channel = "V", df = "190 MHz", time = "40 us" }]
"#;

#[test]
fn compile_warns_about_units_high_tones_looped_moves_and_unreachable_power() {
    let s = Scratch::new();
    let prog = s.write("warn.toml", PROGRAM);
    let setup = repo_root().join("tests/data/setups/calibrated.setup.json");
    let out = s.path().join("out");
    let o = awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--setup",
            setup.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
        ],
        &[],
    );
    o.expect_exit(0).stderr_has(&[
        "warning: ",
        "written without a unit",
        "definitions.a.freqs[0]",
        "segment 'high': a tone of V reaches 290 MHz, above 0.45·fs",
        "segment 'wait' repeats until a trigger but tone 0 of H moves",
        "sawtooth",
        "above what the calibration can reach",
    ]);
    // Once per file, though two values have no unit.
    assert_eq!(
        o.stderr.matches("without a unit").count(),
        1,
        "{}",
        o.stderr
    );
    assert!(
        o.stderr.contains("2 time or frequency values"),
        "{}",
        o.stderr
    );
}

#[test]
fn presets_and_unit_bearing_files_play_without_warnings() {
    let o = awgsf(
        &repo_root(),
        &["inspect", "--preset", "recreate_mol_exp"],
        &[],
    );
    o.expect_exit(0).stderr_lacks(&["warning"]);
}
