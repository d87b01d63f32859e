//! Real-time rearrangement on the simulated card: the move segment alone is
//! rewritten, every moved tone ends on its target frequency with the phase the next
//! segment starts with, the played stream has no unrequested discontinuity, and a
//! refused rearrangement leaves the card as it was.

use std::path::Path;

use awgsf_core::config::Config;
use awgsf_core::error::{exit, Error};
use awgsf_core::program::{LoadedProgram, SourceMap};
use awgsf_core::rearrange::demo::RowShape;
use awgsf_core::rearrange::RearrangeRequest;
use awgsf_core::session::{JobOptions, Session};
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::Scratch;
use serde_json::Value;

const OPTS: JobOptions = JobOptions {
    force_trigger: false,
    verify: true,
    threshold_fs: awgsf_core::verify::DEFAULT_THRESHOLD,
};

fn session(dir: &Path) -> Session {
    let mut config = Config::load(repo_root().join("configs/ci.toml")).expect("ci.toml loads");
    let hw = &mut config.hardware.settings;
    hw.insert("output_dir".into(), dir.display().to_string().into());
    hw.insert("play_s".into(), 0.004.into());
    config.phases.time_budget_ms = 0;
    Session::open(config).expect("cpu-simd and the simulator open")
}

fn row(shape: &RowShape) -> LoadedProgram {
    LoadedProgram {
        program: shape.program().expect("the row program is valid"),
        source: "rearrangement row".into(),
        source_map: SourceMap::default(),
    }
}

/// A deterministic pseudo-random occupancy with `atoms` atoms among `n` sites.
fn occupancy(n: usize, atoms: usize, seed: u64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..n).collect();
    let mut x = seed
        .wrapping_mul(6364136223846793005)
        .wrapping_add(1442695040888963407);
    for i in (1..n).rev() {
        x = x
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (x >> 33) as usize % (i + 1));
    }
    let mut occ = vec![false; n];
    for &i in &order[..atoms] {
        occ[i] = true;
    }
    occ
}

fn wrap_pi(x: f64) -> f64 {
    let r = x.rem_euclid(std::f64::consts::TAU);
    if r > std::f64::consts::PI {
        r - std::f64::consts::TAU
    } else {
        r
    }
}

/// The move (segment 1) ends each tone on the frequency and phase that the next
/// segment (2) starts it with.
fn assert_closed(session: &Session) {
    let on = session.on_card.as_ref().expect("a program is on the card");
    let (mv, next) = (&on.planned.lowered[1], &on.planned.lowered[2]);
    let end = &mv.end[0];
    let start_plan = &next.plan.channels[0].parts[0].tones;
    assert_eq!(end.phases_rad.len(), start_plan.len());
    let targets = &on.loaded.program.definitions["target"].freqs_hz;
    for (i, t) in start_plan.iter().enumerate() {
        assert_eq!(
            end.freqs_hz[i], targets[i],
            "tone {i} ends on its target frequency"
        );
        let err = wrap_pi(t.phase0_rad - end.phases_rad[i]).abs();
        assert!(err < 1e-6, "tone {i}: phase error {err:e} rad");
    }
    let last = mv.plan.channels[0].parts.last().unwrap();
    for (i, t) in last.tones.iter().enumerate() {
        assert_eq!(t.f1_hz, targets[i]);
    }
}

#[test]
fn a_rearrangement_rewrites_only_the_move_and_closes_every_phase() {
    let s = Scratch::new();
    let mut session = session(s.path());
    let shape = RowShape {
        load_tones: 24,
        target_tones: 10,
        ..RowShape::default()
    };
    let first = session
        .run(row(&shape), &OPTS)
        .expect("the row program runs");
    assert_eq!(first.continuity.map(|c| c.unrequested()), Some(0));
    let before = session.on_card.as_ref().unwrap().samples.clone();
    let move_slot = session.on_card.as_ref().unwrap().slots.slot_of_segment[1];
    let compiled_parts: Vec<u64> = session.on_card.as_ref().unwrap().planned.lowered[1]
        .plan
        .channels[0]
        .parts
        .iter()
        .map(|p| p.n_samples)
        .collect();

    let mut reports = Vec::new();
    for seed in 0..3 {
        let occ = occupancy(shape.load_tones, 12, seed);
        let r = session
            .rearrange(&RearrangeRequest {
                occupancy: occ.clone(),
                ..RearrangeRequest::default()
            })
            .expect("12 atoms fill 10 sites");
        assert_eq!(
            (r.segment.as_str(), r.slot, r.sites, r.atoms),
            ("move", move_slot, 10, 12)
        );
        assert_eq!(r.unused_atoms.len(), 2);
        assert!(r.moves.iter().all(|m| occ[m.from_tone]));
        assert!(
            r.moves.windows(2).all(|w| w[0].from_hz < w[1].from_hz),
            "no crossing"
        );
        assert!(r.max_phase_error_rad < 1e-9, "{}", r.max_phase_error_rad);
        assert!(r.max_correction_hz <= r.bound_hz);
        assert!((r.bound_hz - 1.0 / r.move_s).abs() < 1e-6);
        assert_closed(&session);
        // Every rearrangement rebuilds the move as compiled: its one remap part in
        // two halves, the padding after it unchanged.
        let parts: Vec<u64> = session.on_card.as_ref().unwrap().planned.lowered[1]
            .plan
            .channels[0]
            .parts
            .iter()
            .map(|p| p.n_samples)
            .collect();
        assert_eq!(parts.len(), compiled_parts.len() + 1, "{parts:?}");
        assert_eq!(parts[0] + parts[1], compiled_parts[0]);
        assert_eq!(parts[2..], compiled_parts[1..]);
        reports.push(r);
        session.card.force_trigger().expect("trigger");
    }

    // Only the move segment's data changed, and the continuity check over every
    // step-graph edge and every played transition finds nothing unrequested.
    let on = session.on_card.as_ref().unwrap();
    for i in [0, 2] {
        assert!(
            on.samples[i].codes == before[i].codes,
            "segment {i} untouched"
        );
    }
    assert!(on.samples[1].codes != before[1].codes);
    let check = session.verify_on_card(OPTS.threshold_fs).expect("verify");
    assert!(check.played_transitions > 0, "{}", check.summary());
    assert_eq!(check.unrequested(), 0, "{}", check.summary());
    session.card.stop().expect("stop");

    // The card's own record: one write per rearrangement, all into the move's slot.
    let trace: Value = serde_json::from_str(
        &std::fs::read_to_string(s.path().join("trace.json")).expect("trace.json"),
    )
    .unwrap();
    let swaps = trace["swaps"].as_array().expect("swaps");
    assert_eq!(swaps.len(), reports.len(), "{swaps:?}");
    assert!(swaps.iter().all(|w| w["segment"] == move_slot), "{swaps:?}");
    session.close().expect("close");
}

#[test]
fn a_refused_rearrangement_changes_nothing_and_says_why() {
    let s = Scratch::new();
    let mut session = session(s.path());
    let shape = RowShape {
        load_tones: 16,
        target_tones: 8,
        ..RowShape::default()
    };
    let refused = |session: &mut Session, req: RearrangeRequest| -> String {
        match session.rearrange(&req) {
            Err(e @ Error::Rearrange(_)) => {
                assert_eq!(e.exit_code(), exit::REARRANGE);
                e.to_string()
            }
            other => panic!("expected a refusal, got {other:?}"),
        }
    };
    match session.rearrange(&RearrangeRequest::default()) {
        Err(Error::Usage(m)) => assert!(m.contains("run a program"), "{m}"),
        other => panic!("{other:?}"),
    }
    session.run(row(&shape), &OPTS).expect("runs");
    let before = session.on_card.as_ref().unwrap().samples.clone();
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: occupancy(16, 7, 1),
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("7 atoms but the target needs 8"), "{m}");
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: vec![true; 15],
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("15 entries") && m.contains("16 tones"), "{m}");
    let mut other_target = vec![true; 8];
    other_target[3] = false;
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: vec![true; 16],
            target: Some(other_target),
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("fills target tones"), "{m}");
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: vec![true; 16],
            max_correction_hz: Some(1.0),
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("more than the bound of 1.0 Hz"), "{m}");
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: vec![true; 16],
            segment: Some("load".into()),
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("'load' is not a move"), "{m}");
    let on = session.on_card.as_ref().unwrap();
    assert!(on
        .samples
        .iter()
        .zip(&before)
        .all(|(a, b)| a.codes == b.codes));
    session.card.stop().expect("stop");
    let trace: Value = serde_json::from_str(
        &std::fs::read_to_string(s.path().join("trace.json")).expect("trace.json"),
    )
    .unwrap();
    assert_eq!(trace["swaps"].as_array().map(Vec::len), Some(0));

    // A move that loops is not a move.
    let mut looped = row(&shape);
    looped.program.segments[1].loop_count = 2;
    session.run(looped, &OPTS).expect("runs");
    let m = refused(
        &mut session,
        RearrangeRequest {
            occupancy: vec![true; 16],
            ..RearrangeRequest::default()
        },
    );
    assert!(m.contains("must play once"), "{m}");
    session.close().expect("close");
}

#[test]
fn a_linear_move_is_closed_with_linear_halves() {
    let s = Scratch::new();
    let mut session = session(s.path());
    let shape = RowShape {
        load_tones: 12,
        target_tones: 6,
        ..RowShape::default()
    };
    let mut program = row(&shape);
    match &mut program.program.segments[1].ops[0] {
        awgsf_core::program::Op::RemapFromDef { interp, .. } => {
            *interp = awgsf_core::program::Interp::of(awgsf_core::program::InterpKind::Linear)
        }
        other => panic!("{other:?}"),
    }
    session.run(program, &OPTS).expect("runs");
    let r = session
        .rearrange(&RearrangeRequest {
            occupancy: occupancy(12, 8, 3),
            ..RearrangeRequest::default()
        })
        .expect("8 atoms fill 6 sites");
    assert!(r.max_phase_error_rad < 1e-9);
    assert_closed(&session);
    let on = session.on_card.as_ref().unwrap();
    let parts = &on.planned.lowered[1].plan.channels[0].parts;
    assert!(parts[..2]
        .iter()
        .all(|p| p.kind == awgsf_plugin_api::InterpKind::Linear));
    assert_eq!(
        session
            .verify_on_card(OPTS.threshold_fs)
            .unwrap()
            .unrequested(),
        0
    );
    session.close().expect("close");
}

#[test]
fn the_command_line_rearranges_a_preset_and_prints_the_latency_split() {
    let s = Scratch::new();
    let config = s.write(
        "sim.toml",
        &std::fs::read_to_string(repo_root().join("configs/ci.toml"))
            .unwrap()
            .replace(
                "out/ci/simulator",
                &s.path().join("sim").display().to_string(),
            )
            .replace("../out/ci", &s.path().join("out").display().to_string()),
    );
    let config = config.display().to_string();
    // A program without a move is refused before anything is played.
    awgsf(
        s.path(),
        &[
            "rearrange",
            "--config",
            &config,
            "--preset",
            "simple_tweens",
            "--occupancy",
            "1",
        ],
        &[],
    )
    .expect_exit(exit::REARRANGE)
    .stderr_has(&["no move segment"]);
    assert!(!s.path().join("sim").exists(), "the card was not touched");
    let args = [
        "rearrange",
        "--config",
        &config,
        "--preset",
        "rt_spec_analyser_rearr_hotswap",
        "--occupancy",
        "1011001011",
        "--json",
    ];
    let o = awgsf(s.path(), &args, &[]);
    o.expect_exit(exit::OK);
    let v = o.json();
    assert_eq!(
        v["rearrangement"]["segment"],
        "hotswap_rearrange_to_exp_array"
    );
    assert_eq!(v["rearrangement"]["atoms"], 6);
    assert_eq!(v["rearrangement"]["sites"], 4);
    assert_eq!(v["continuity"]["unrequested"], 0);
    for key in ["assign_s", "plan_s", "render_s", "upload_s", "total_s"] {
        assert!(
            v["rearrangement"]["timings"][key].as_f64().unwrap() >= 0.0,
            "{key}"
        );
    }
    let mut text_args = args.to_vec();
    text_args.pop();
    let o = awgsf(s.path(), &text_args, &[]);
    o.expect_exit(exit::OK);
    let out = o.stdout.clone();
    for part in ["assign", "plan", "render", "upload", "slot", "unrequested"] {
        assert!(out.contains(part), "{part} in:\n{out}");
    }
    let mut too_few = text_args.clone();
    too_few[6] = "1000000001";
    awgsf(s.path(), &too_few, &[])
        .expect_exit(exit::REARRANGE)
        .stderr_has(&["2 atoms but the target needs 4"]);
    too_few[6] = "10x";
    awgsf(s.path(), &too_few, &[])
        .expect_exit(exit::USAGE)
        .stderr_has(&["--occupancy", "'x'"]);
}
