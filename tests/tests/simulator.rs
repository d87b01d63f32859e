//! The simulator end to end: a planted glitch is caught by `awgsf run`; hot swap
//! through [`Session`] on `configs/ci.toml` rewrites exactly the segments whose
//! bytes changed, falls back to a full upload when a length changes, and the card
//! never plays a mix of old and new data.

use std::collections::BTreeSet;
use std::path::Path;

use awgsf_core::config::Config;
use awgsf_core::error::exit;
use awgsf_core::program::{presets, LoadedProgram, ProgramFormat};
use awgsf_core::session::{JobOptions, Session};
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::Scratch;
use ndarray::Array2;
use serde_json::Value;

/// A program whose looped segment is constant but not wrap snapped: it sets its
/// tone itself (so no snapped frequency reaches it from the armed segment), and
/// 10.123457 MHz does not close its phase over one 40 µs loop, so every repetition
/// jumps.
fn glitch_program(snap: bool) -> String {
    format!(
        r#"logical_channels = ["H"]

[definitions.arm]
channel = "H"
freqs = ["10 MHz"]
amps = [300]

[definitions.tone]
channel = "H"
freqs = ["10.123457 MHz"]
amps = [300]

[[segments]]
name = "armed"
mode = "wait_trig"
ops = [
  {{ op = "use_def", channel = "H", def = "arm" }},
  {{ op = "hold", time = "40 us" }},
]

[[segments]]
name = "unsnapped_loop"
loop = 4
snap_freqs_to_wrap = {snap}
ops = [
  {{ op = "use_def", channel = "H", def = "tone" }},
  {{ op = "hold", time = "40 us" }},
]
"#
    )
}

fn run_glitch(snap: bool, extra: &[&str]) -> awgsf_tests::outcome::Outcome {
    let s = Scratch::new();
    let prog = s.write("glitch.toml", &glitch_program(snap));
    let ci = repo_root().join("configs/ci.toml");
    let mut args = vec![
        "run",
        prog.to_str().unwrap(),
        "--config",
        ci.to_str().unwrap(),
        "--json",
    ];
    args.extend_from_slice(extra);
    awgsf(s.path(), &args, &[])
}

fn unrequested(report: &Value) -> Vec<&Value> {
    report["continuity"]["discontinuities"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["causes"].as_array().unwrap().is_empty())
        .collect()
}

#[test]
fn a_loop_that_is_not_wrap_snapped_is_reported_and_fails_the_run() {
    let o = run_glitch(false, &[]);
    o.expect_exit(exit::VERIFICATION)
        .stderr_has(&["unrequested discontinuities", "--allow-glitches"]);
    let report = o.json();
    let bad = unrequested(&report);
    assert!(!bad.is_empty(), "{report:#}");
    for d in &bad {
        assert_eq!(d["from_name"], "unsnapped_loop", "{d}");
        assert_eq!(d["to_name"], "unsnapped_loop", "{d}");
        assert!(
            d["played"].as_u64().unwrap() > 0,
            "the simulator played it: {d}"
        );
    }
    // The same run accepts the glitch when told to.
    run_glitch(false, &["--allow-glitches"]).expect_exit(exit::OK);
    // And with wrap snapping the loop is seamless.
    let o = run_glitch(true, &[]);
    o.expect_exit(exit::OK);
    assert!(unrequested(&o.json()).is_empty());
}

/// `configs/ci.toml` with the simulator recording `play_s` into `dir`, and the
/// phase optimiser without a time budget (so that its result, and therefore the
/// bytes, do not depend on the machine's speed).
fn ci_session(dir: &Path, play_s: f64) -> Session {
    let mut config = Config::load(repo_root().join("configs/ci.toml")).expect("ci.toml loads");
    let hw = &mut config.hardware.settings;
    hw.insert("output_dir".into(), dir.display().to_string().into());
    hw.insert("play_s".into(), play_s.into());
    config.phases.time_budget_ms = 0;
    Session::open(config).expect("cpu-simd and the simulator open")
}

const OPTS: JobOptions = JobOptions {
    force_trigger: false,
    verify: true,
    threshold_fs: awgsf_core::verify::DEFAULT_THRESHOLD,
};

/// recreate_mol_exp with `from` replaced by `to` in its text.
fn edited_preset(from: &str, to: &str) -> LoadedProgram {
    let text = presets::text("recreate_mol_exp").expect("the preset exists");
    assert!(
        text.contains(from),
        "the preset no longer contains {from:?}"
    );
    LoadedProgram::from_text(
        &text.replace(from, to),
        "recreate_mol_exp (edited)",
        Some(ProgramFormat::Toml),
    )
    .expect("the edited preset parses")
}

fn preset() -> LoadedProgram {
    presets::get("recreate_mol_exp").expect("the preset exists")
}

/// The `equalise_amps` target list, and the same list with its third value changed.
const EQUALISE: &str = "values = [0.73, 0.68, 0.67, 0.75";
const EQUALISE_EDITED: &str = "values = [0.73, 0.68, 0.91, 0.75";

/// Forces triggers until the card waits in step `step` (at most `limit` triggers).
fn force_until_step(session: &mut Session, step: u32, limit: usize) {
    for _ in 0..limit {
        session.card.force_trigger().expect("trigger");
        let st = session.card.status().expect("status");
        if st.current_step.into_option() == Some(step) {
            return;
        }
    }
    panic!("the card did not reach step {step}");
}

fn names(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

#[test]
fn hot_swap_rewrites_exactly_the_changed_segments_and_never_plays_a_mix() {
    let s = Scratch::new();
    // Two passes of the program (about 8.4 M samples each at 625 MS/s) fit in 30 ms.
    let mut session = ci_session(s.path(), 0.03);
    let first = session.run(preset(), &OPTS).expect("the preset runs");
    let full_s = first.timings.compile_s() + first.timings.upload_s;
    // The schedule's forced trigger ended `sync`; play one whole pass with the old
    // data, back to `sync` (step 0).
    force_until_step(&mut session, 0, 8);
    let old = session.on_card.as_ref().unwrap().samples.clone();
    let old_slots = session.on_card.as_ref().unwrap().slots.clone();

    let swap = session
        .swap(edited_preset(EQUALISE, EQUALISE_EDITED), &OPTS)
        .expect("the swap succeeds");
    println!(
        "recreate_mol_exp at 625 MS/s: full compile + upload {:.3} s (sum of the stage \
         timings); hot swap of one amplitude: edited segment on the card after {:.3} s \
         ({:.1} % of the full compile + upload), all {} changed segments after {:.3} s",
        full_s,
        swap.first_swap_s.unwrap_or(f64::NAN),
        100.0 * swap.first_swap_s.unwrap_or(f64::NAN) / full_s,
        swap.uploaded.len(),
        swap.elapsed_s,
    );
    // The edited segment is written first.
    assert_eq!(
        swap.uploaded.first().map(String::as_str),
        Some("equalise_amps")
    );
    assert!(!swap.full_upload, "{:?}", swap.reason);
    // What the change reaches (docs/semantics.md §3 and §6):
    // * equalise_amps ramps to the changed target;
    // * wait_for_trigger_A and move_row_up hold the equalised H amplitudes;
    // * ramp_off ramps from them and, being `optimise`, picks new H start phases for
    //   the new amplitudes, so its H phases all along change;
    // * wait_for_trigger_C (`continue`) inherits those end phases, so it is
    //   recompiled, but every tone is at amplitude 0 there: its bytes are unchanged
    //   and it is not rewritten;
    // * turn_on and move_up (`continue`) carry the changed phases into audible tones;
    // * wait_for_pullback is `optimise` again with unchanged amplitudes: from there on
    //   nothing changes, and nothing before equalise_amps does.
    let rewritten = names(&[
        "equalise_amps",
        "wait_for_trigger_A",
        "move_row_up",
        "ramp_off",
        "turn_on",
        "move_up",
    ]);
    assert_eq!(swap.uploaded, rewritten);
    let mut recompiled = rewritten.clone();
    recompiled.insert(4, "wait_for_trigger_C".to_string());
    assert_eq!(swap.recompiled, recompiled);
    assert_eq!(
        swap.continuity.as_ref().map(|c| c.unrequested()),
        Some(0),
        "{:?}",
        swap.continuity
    );

    // The swapped program is byte for byte what a full compile gives, and the
    // rewritten segments are exactly those whose bytes changed.
    let new = session.on_card.as_ref().unwrap().samples.clone();
    let (planned, full) = session
        .compile(&edited_preset(EQUALISE, EQUALISE_EDITED))
        .expect("full compile");
    let seg_names: Vec<String> = planned
        .quantized
        .segments
        .iter()
        .map(|q| q.segment.name.clone())
        .collect();
    for (i, name) in seg_names.iter().enumerate() {
        assert!(
            new[i].codes == full[i].codes,
            "{name}: swap differs from a full compile"
        );
    }
    let changed: Vec<String> = (0..old.len())
        .filter(|&i| old[i].codes != new[i].codes)
        .map(|i| seg_names[i].clone())
        .collect();
    assert_eq!(changed, rewritten);

    // Play a whole pass with the new data, then stop: the recording is written.
    force_until_step(&mut session, 0, 8);
    session.card.stop().expect("stop");
    let trace: Value = serde_json::from_str(
        &std::fs::read_to_string(s.path().join("trace.json")).expect("trace.json"),
    )
    .unwrap();
    let played: Array2<i16> =
        ndarray_npy::read_npy(s.path().join("played.npy")).expect("played.npy");
    check_no_mix(
        &trace,
        &played,
        &old,
        &new,
        &old_slots.segment_of_slot,
        &rewritten,
        &seg_names,
    );
}

/// Every played instance follows the uploaded step graph, has its segment's full
/// length (but the last), played the data version its start implies, and its
/// samples are exactly that version's data: never a mix.
fn check_no_mix(
    trace: &Value,
    played: &Array2<i16>,
    old: &[awgsf_core::render::SegmentSamples],
    new: &[awgsf_core::render::SegmentSamples],
    segment_of_slot: &[usize],
    rewritten: &[String],
    seg_names: &[String],
) {
    let steps = trace["program"]["steps"].as_array().unwrap();
    let lengths: Vec<u64> = trace["program"]["segments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["n_samples"].as_u64().unwrap())
        .collect();
    let swaps = trace["swaps"].as_array().unwrap();
    assert_eq!(swaps.len(), rewritten.len(), "{swaps:?}");
    let at = swaps[0]["position"].as_u64().unwrap();
    assert!(
        swaps.iter().all(|w| w["position"] == at),
        "one swap position: {swaps:?}"
    );
    // Fortran order: the memory is the card's interleaved order.
    let stream = played.as_slice_memory_order().expect("contiguous");
    let nch = played.shape()[0];
    let instances = trace["instances"].as_array().unwrap();
    let mut seen: BTreeSet<(String, u64)> = BTreeSet::new();
    for (i, inst) in instances.iter().enumerate() {
        let step = inst["step"].as_u64().unwrap() as usize;
        let slot = inst["segment"].as_u64().unwrap() as usize;
        let start = inst["start_sample"].as_u64().unwrap();
        let n = inst["n_samples"].as_u64().unwrap();
        let version = inst["version"].as_u64().unwrap();
        if let Some(next) = instances.get(i + 1) {
            let to = next["step"].as_u64().unwrap();
            let st = &steps[step];
            let repeats = st["loops"].as_u64().unwrap() > 1 || st["end"] == "on_trigger";
            assert!(
                to == st["next"].as_u64().unwrap() || (repeats && to == step as u64),
                "instance {i}: step {step} -> {to} is not in the step graph"
            );
            assert_eq!(n, lengths[slot], "instance {i}: cut short");
        }
        let seg = segment_of_slot[slot];
        let name = &seg_names[seg];
        let swapped = rewritten.contains(name);
        let want_version = u64::from(swapped && start > at);
        assert_eq!(version, want_version, "instance {i} ({name}) at {start}");
        let data = if version == 1 { &new[seg] } else { &old[seg] };
        let from = start as usize * nch;
        let len = n as usize * nch;
        assert!(
            stream[from..from + len] == data.codes[..len],
            "instance {i} ({name}, version {version}) did not play that version's data whole"
        );
        if swapped {
            seen.insert((name.clone(), version));
        }
    }
    for name in rewritten {
        for v in [0, 1] {
            assert!(
                seen.contains(&(name.clone(), v)),
                "{name} was not played in version {v}: the test would prove nothing"
            );
        }
    }
}

#[test]
fn a_length_change_is_a_full_upload_naming_the_segment() {
    let s = Scratch::new();
    let mut session = ci_session(s.path(), 0.002);
    session.run(preset(), &OPTS).expect("the preset runs");
    // The same program again: nothing to rewrite.
    let same = session.swap(preset(), &OPTS).expect("swap");
    assert!(!same.full_upload && same.uploaded.is_empty() && same.recompiled.is_empty());
    let longer = edited_preset(
        "scale = 0.15 }, time = \"1 ms\"",
        "scale = 0.15 }, time = \"1.5 ms\"",
    );
    let swap = session
        .swap(longer, &OPTS)
        .expect("the full upload succeeds");
    assert!(swap.full_upload);
    let reason = swap.reason.unwrap();
    assert!(
        reason.contains("segment 'equalise_amps' changed length from 625024 to 937504 samples"),
        "{reason}"
    );
    assert_eq!(swap.continuity.map(|c| c.unrequested()), Some(0));
    session.close().expect("close");
}

#[test]
fn a_card_without_hot_swap_gets_a_full_upload() {
    let s = Scratch::new();
    let mut config = Config::load(repo_root().join("configs/ci.toml")).expect("ci.toml loads");
    let hw = &mut config.hardware.settings;
    hw.insert("output_dir".into(), s.path().display().to_string().into());
    hw.insert(
        "features".into(),
        serde_json::json!(["playback-trace", "software-trigger", "sequence-replay"]),
    );
    let mut session = Session::open(config).expect("opens");
    let load = |text: &str| {
        LoadedProgram::from_text(text, "small", Some(ProgramFormat::Toml)).expect("parses")
    };
    session
        .run(load(awgsf_tests::scratch::SMALL_PROGRAM), &OPTS)
        .expect("runs");
    let edited = awgsf_tests::scratch::SMALL_PROGRAM.replace("amps = 100", "amps = 120");
    let swap = session
        .swap(load(&edited), &OPTS)
        .expect("full upload instead");
    assert!(swap.full_upload);
    assert!(
        swap.reason
            .as_deref()
            .unwrap()
            .contains("no hot-swap feature"),
        "{:?}",
        swap.reason
    );
    session.close().expect("close");
}

#[test]
fn identical_segments_share_one_slot() {
    let s = Scratch::new();
    let program = r#"logical_channels = ["H"]

[definitions.tone]
channel = "H"
freqs = ["10 MHz"]
amps = [200]

[[segments]]
name = "first"
mode = "wait_trig"
phase_mode = "manual"
ops = [
  { op = "use_def", channel = "H", def = "tone" },
  { op = "hold", time = "40 us" },
]

[[segments]]
name = "ramp"
ops = [
  { op = "ramp_amp_to", channel = "H", amps = 100, time = "20 us" },
]

[[segments]]
name = "again"
mode = "wait_trig"
phase_mode = "manual"
ops = [
  { op = "use_def", channel = "H", def = "tone" },
  { op = "hold", time = "40 us" },
]
"#;
    let prog = s.write("shared.toml", program);
    let ci = repo_root().join("configs/ci.toml");
    let o = awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            ci.to_str().unwrap(),
            "--json",
        ],
        &[],
    );
    o.expect_exit(exit::OK);
    let report = o.json();
    assert_eq!(report["segments"], 3);
    assert_eq!(report["slots"], 2);
    assert_eq!(report["shared_segments"], 1);
    // One loop quantum at 625 MS/s (40 µs rounded to 781 steps of 32 samples) of
    // two int16 channels.
    assert_eq!(report["saved_bytes"], 781 * 32 * 2 * 2);

    let out = s.path().join("export");
    let o = awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--config",
            ci.to_str().unwrap(),
        ],
        &[],
    );
    o.expect_exit(exit::OK);
    let read = |f: &str| -> Value {
        serde_json::from_str(&std::fs::read_to_string(out.join(f)).unwrap()).unwrap()
    };
    let steps = read("steps.json");
    let steps = steps["steps"].as_array().unwrap();
    let manifest = read("manifest.json");
    let files = manifest["segments"].as_array().unwrap();
    let file_of = |step: usize| {
        let slot = steps[step]["segment"].as_u64().unwrap() as usize;
        files[slot]["file"].as_str().unwrap().to_string()
    };
    assert_eq!(
        file_of(0),
        file_of(2),
        "steps 0 and 2 play one segment file"
    );
    assert_ne!(file_of(0), file_of(1));
    let npy: Vec<String> = s
        .entries("export")
        .into_iter()
        .filter(|f| f.ends_with(".npy"))
        .collect();
    assert_eq!(npy.len(), 2, "{npy:?}");
}
