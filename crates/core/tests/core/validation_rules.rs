//! One test per validation rule of `docs/semantics.md` §2: each error names the place
//! (segment, op) and the field.

use awgsf_core::pipeline::resolve;
use awgsf_core::program::builder::ChannelOps;
use awgsf_core::program::{AmpTarget, Dst, InterpKind, Op, Program, ProgramBuilder};

fn base() -> ProgramBuilder {
    ProgramBuilder::new()
        .logical_channel("H")
        .logical_channel("V")
        .define("h", "H", [90e6, 100e6], [0.5, 0.5])
        .define("v", "V", [95e6], [0.4])
        .segment("start")
        .tones("H")
        .use_def("h")
        .tones("V")
        .use_def("v")
        .hold(10e-6)
}

/// Resolves at 625 MS/s and returns the error text.
fn error_of(p: Program) -> String {
    match resolve(&p, 625e6) {
        Ok(_) => panic!("program should be rejected"),
        Err(e) => e.to_string(),
    }
}

fn expect(p: Program, needles: &[&str]) {
    let msg = error_of(p);
    for n in needles {
        assert!(msg.contains(n), "error {msg:?} should mention {n:?}");
    }
}

fn with_op(op: Op) -> Program {
    let mut p = base().segment("bad").hold(1e-6).build_unchecked();
    p.segments[1].ops.insert(0, op);
    p
}

#[test]
fn unknown_channel() {
    expect(
        base()
            .segment("bad")
            .tones("Z")
            .use_def("h")
            .hold(1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (use_def)",
            "`logical_channel`",
            "unknown logical channel 'Z'",
        ],
    );
}

#[test]
fn unknown_definition() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .use_def("nope")
            .hold(1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (use_def)",
            "`def_name`",
            "unknown definition 'nope'",
        ],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .use_def("hh")
            .hold(1e-6)
            .build_unchecked(),
        &["unknown definition 'hh' (defined: ", "did you mean `h`?"],
    );
    expect(
        ProgramBuilder::new()
            .logical_channel("H")
            .segment("bad")
            .tones("H")
            .use_def("h")
            .hold(1e-6)
            .build_unchecked(),
        &["unknown definition 'h' (the program defines none)"],
    );
}

#[test]
fn definition_used_on_another_channel() {
    expect(
        base()
            .segment("bad")
            .tones("V")
            .use_def("h")
            .hold(1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0",
            "`def_name`",
            "belongs to logical channel 'H'",
        ],
    );
}

#[test]
fn definition_length_mismatch() {
    let mut p = base().build_unchecked();
    p.definitions.get_mut("h").unwrap().amps.pop();
    expect(p, &["definition 'h'", "`amps`", "expected 2 amplitudes"]);
    let mut p = base().build_unchecked();
    p.definitions.get_mut("h").unwrap().phases_rad.push(0.0);
    expect(p, &["definition 'h'", "`phases_rad`", "expected 2 phases"]);
}

#[test]
fn add_tone_length_mismatch() {
    expect(
        with_op(Op::AddTone {
            channel: "H".into(),
            freqs_hz: vec![1e6, 2e6],
            amps: vec![0.1],
            phases_rad: vec![0.0, 0.0],
            at: None,
        }),
        &[
            "segment 1 'bad'",
            "op 0 (add_tone)",
            "`amps`",
            "expected 2 amplitudes",
        ],
    );
}

#[test]
fn ramp_target_count_mismatch() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amps_to([0.1, 0.2, 0.3], 1e-6)
            .idxs([0, 1])
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (ramp_amp_to)",
            "`amps_target`",
            "expected 1 value or 2 values",
        ],
    );
    // Without idxs the count is only known at resolve time.
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amps_to([0.1, 0.2, 0.3], 1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (ramp_amp_to)",
            "`amps_target`",
            "expected 1 value or 2 values",
        ],
    );
}

#[test]
fn remap_src_dst_mismatch() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .remap_from_def("h", [0], 1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (remap_from_def)",
            "`src`",
            "src lists 1 tones but dst selects 2",
        ],
    );
}

#[test]
fn indices_out_of_range() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .move_by(1e3, 1e-6)
            .idxs([0, 5])
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 0 (move)",
            "`idxs[1]`",
            "tone index 5 is out of range",
            "has 2 tones",
        ],
    );
    expect(
        base()
            .segment("bad")
            .tones("V")
            .remove_tones([3])
            .hold(1e-6)
            .build_unchecked(),
        &["op 0 (remove_tones)", "`idxs[0]`", "tone index 3"],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .remap_from_def("h", [0, 9], 1e-6)
            .build_unchecked(),
        &["op 0 (remap_from_def)", "`src[1]`", "tone index 9"],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .remap_from_def("h", [0], 1e-6)
            .dst([4])
            .build_unchecked(),
        &[
            "op 0 (remap_from_def)",
            "`dst[0]`",
            "definition 'h' has 2 tones",
        ],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .add_tone(1e6)
            .at(7)
            .hold(1e-6)
            .build_unchecked(),
        &["op 0 (add_tone)", "`at`", "insertion index 7"],
    );
}

#[test]
fn bad_times() {
    for t in [f64::NAN, -1e-6, f64::INFINITY] {
        expect(
            base().segment("bad").hold(t).build_unchecked(),
            &[
                "segment 1 'bad'",
                "op 0 (hold)",
                "`time_s`",
                "finite, non-negative time",
            ],
        );
    }
}

#[test]
fn non_finite_numbers() {
    let mut p = base().build_unchecked();
    p.definitions.get_mut("v").unwrap().freqs_hz[0] = f64::NAN;
    expect(p, &["definition 'v'", "`freqs_hz[0]`", "finite number"]);
    expect(
        base()
            .segment("bad")
            .tones("H")
            .move_by(f64::INFINITY, 1e-6)
            .build_unchecked(),
        &["op 0 (move)", "`df_hz`", "finite number"],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amp_to(f64::NAN, 1e-6)
            .build_unchecked(),
        &["op 0 (ramp_amp_to)", "`amps_target`", "finite number"],
    );
}

#[test]
fn loop_counts() {
    expect(
        base().segment("bad").loop_n(0).hold(1e-6).build_unchecked(),
        &["segment 1 'bad'", "`loop`", "loop >= 1"],
    );
    let mut p = base()
        .segment("bad")
        .wait_trig()
        .hold(1e-6)
        .build_unchecked();
    p.segments[1].loop_count = 3;
    expect(p, &["segment 1 'bad'", "`loop`", "must be 1"]);
}

#[test]
fn exp_needs_tau_and_only_exp_takes_it() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amp_to(0.1, 1e-6)
            .kind(InterpKind::Exp)
            .build_unchecked(),
        &["op 0 (ramp_amp_to)", "`tau_s`", "needs a time constant"],
    );
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amp_to(0.1, 1e-6)
            .tau(1e-6)
            .build_unchecked(),
        &["op 0 (ramp_amp_to)", "`tau_s`", "only valid for kind 'exp'"],
    );
}

#[test]
fn move_kinds() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .move_by(1e3, 1e-6)
            .kind(InterpKind::Exp)
            .build_unchecked(),
        &["op 0 (move)", "`kind`", "expected one of linear, min_jerk"],
    );
}

#[test]
fn parallel_rules() {
    let ramp = |ch: &str, t: f64| Op::RampAmpTo {
        channel: ch.into(),
        amps: AmpTarget::Scalar(0.1),
        time_s: t,
        interp: awgsf_core::program::Interp::of(InterpKind::Linear),
        idxs: None,
    };
    expect(
        with_op(Op::Parallel {
            time_s: 1e-6,
            ops: vec![ramp("H", 1e-6), ramp("H", 1e-6)],
        }),
        &[
            "op 0 (parallel)",
            "sub-op 1 (ramp_amp_to)",
            "`logical_channel`",
            "already has sub-op 0",
        ],
    );
    expect(
        with_op(Op::Parallel {
            time_s: 1e-6,
            ops: vec![ramp("H", 1e-6), ramp("V", 2e-6)],
        }),
        &["op 0 (parallel)", "sub-op 1", "`time_s`", "parallel's time"],
    );
    expect(
        with_op(Op::Parallel {
            time_s: 1e-6,
            ops: vec![Op::Hold { time_s: 1e-6 }],
        }),
        &[
            "op 0 (parallel)",
            "sub-op 0 (hold)",
            "only move, ramp_amp_to and remap_from_def",
        ],
    );
}

#[test]
fn segment_shorter_than_one_sample() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amp_to(0.2, 0.0)
            .build_unchecked(),
        &["segment 1 'bad'", "`ops`", "at least one sample long"],
    );
}

#[test]
fn tone_count_change_between_timed_parts() {
    expect(
        base()
            .segment("bad")
            .hold(1e-6)
            .tones("H")
            .add_tone(80e6)
            .hold(1e-6)
            .build_unchecked(),
        &[
            "segment 1 'bad'",
            "op 2 (hold)",
            "plays 3 tones here but 2 tones",
            "own segment",
        ],
    );
}

#[test]
fn geo_ramp_through_zero() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .ramp_amp_to(0.0, 1e-6)
            .kind(InterpKind::GeoRamp)
            .build_unchecked(),
        &[
            "op 0 (ramp_amp_to)",
            "`amps_target`",
            "geo_ramp needs non-zero",
        ],
    );
}

#[test]
fn names_and_structure() {
    expect(
        base().segment("start").hold(1e-6).build_unchecked(),
        &["segment 1 'start'", "`name`", "already used by segment 0"],
    );
    let mut p = base().build_unchecked();
    p.segments.clear();
    expect(p, &["`segments`", "at least one segment"]);
    let mut p = base().build_unchecked();
    p.logical_channels.push("H".into());
    expect(p, &["`logical_channels[2]`", "declared twice"]);
}

#[test]
fn duplicate_indices() {
    expect(
        base()
            .segment("bad")
            .tones("H")
            .move_by(1e3, 1e-6)
            .idxs([1, 1])
            .build_unchecked(),
        &["op 0 (move)", "`idxs[1]`", "listed twice"],
    );
}

#[test]
fn builder_misuse_is_reported() {
    let e = ProgramBuilder::new()
        .logical_channel("H")
        .hold(1e-6)
        .build()
        .unwrap_err()
        .to_string();
    assert!(e.contains("needs a segment"), "{e}");
    let e = base()
        .segment("x")
        .tones("H")
        .use_def("h")
        .idxs([0])
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("segment 1 'x'") && e.contains("`idxs` does not apply"),
        "{e}"
    );
    let _ = Dst::All;
}

#[test]
fn exp_tau_must_be_positive() {
    for tau in [0.0, -1e-6] {
        expect(
            base()
                .segment("bad")
                .tones("H")
                .ramp_amp_to(0.1, 1e-6)
                .kind(InterpKind::Exp)
                .tau(tau)
                .build_unchecked(),
            &[
                "segment 1 'bad'",
                "op 0 (ramp_amp_to)",
                "`tau_s`",
                "expected a finite time constant > 0 s",
            ],
        );
    }
}

#[test]
fn a_definition_tone_at_nyquist_is_refused() {
    // 625 MS/s: Nyquist is 312.5 MHz.
    let p = base()
        .define("hi", "H", [100e6, 312.5e6], [0.1, 0.1])
        .build_unchecked();
    expect(
        p,
        &[
            "definition 'hi'",
            "`freqs_hz[1]`",
            "at or above the Nyquist frequency 312500000 Hz",
        ],
    );
    let below = base()
        .define("hi", "H", [100e6, 312.4e6], [0.1, 0.1])
        .build_unchecked();
    assert!(resolve(&below, 625e6).is_ok());
}

#[test]
fn an_added_tone_above_nyquist_is_refused() {
    expect(
        with_op(Op::AddTone {
            channel: "H".into(),
            freqs_hz: vec![400e6],
            amps: vec![0.1],
            phases_rad: vec![0.0],
            at: None,
        }),
        &[
            "segment 1 'bad'",
            "op 0 (add_tone)",
            "`freqs_hz[0]`",
            "Nyquist",
        ],
    );
}

#[test]
fn a_move_must_end_between_zero_and_nyquist() {
    for df in [-95e6, 250e6] {
        expect(
            base()
                .segment("bad")
                .tones("H")
                .move_by(df, 1e-6)
                .build_unchecked(),
            &["segment 1 'bad'", "op 0 (move)", "`df_hz`", "moves tone"],
        );
    }
    // Within the band the same move is fine.
    let ok = base()
        .segment("ok")
        .tones("H")
        .move_by(-80e6, 1e-6)
        .build_unchecked();
    assert!(resolve(&ok, 625e6).is_ok());
}

#[test]
fn names_with_control_characters_are_refused_and_shown_escaped() {
    let msg = error_of(base().segment("two\nlines").hold(1e-6).build_unchecked());
    assert!(!msg.contains('\n'), "{msg:?}");
    for needle in [
        "segment 1 'two\\nlines'",
        "`name`",
        "must not contain control characters, found U+000A",
    ] {
        assert!(
            msg.contains(needle),
            "error {msg:?} should mention {needle:?}"
        );
    }
    let mut p = base().build_unchecked();
    p.logical_channels.push("bell\u{7}".into());
    let msg = error_of(p);
    assert!(msg.contains("`logical_channels[2]`"), "{msg}");
    assert!(msg.contains("'bell\\u{7}'"), "{msg}");
    let msg = error_of(base().define("d\te", "H", [1e6], [0.1]).build_unchecked());
    assert!(msg.contains("definition 'd\\te'"), "{msg}");
    assert!(!msg.contains('\t'), "{msg:?}");
}

#[test]
fn an_unknown_channel_reference_is_shown_escaped() {
    let msg = error_of(
        base()
            .segment("bad")
            .tones("Z\r\n")
            .use_def("h")
            .hold(1e-6)
            .build_unchecked(),
    );
    assert!(msg.contains("unknown logical channel 'Z\\r\\n'"), "{msg}");
}
