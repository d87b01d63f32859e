//! Random programs (valid or not) survive TOML bit for bit, and TOML → JSON → TOML.

use awgsf_core::program::digest::program_digest;
use awgsf_core::program::json::{from_json_str, to_json_string};
use awgsf_core::program::toml_format::{from_toml_str, to_toml_string};
use awgsf_core::program::{
    AmpTarget, Definition, Dst, Interp, InterpKind, Op, PhaseMode, Program, Segment, SegmentMode,
};
use indexmap::IndexMap;
use proptest::prelude::*;

/// Any finite f64, or a decimal of the kind written in lab programs.
fn number() -> impl Strategy<Value = f64> {
    prop_oneof![
        any::<u64>()
            .prop_map(f64::from_bits)
            .prop_filter("finite", |x| x.is_finite()),
        (-999_999i32..1_000_000, -12i32..10)
            .prop_map(|(m, e)| format!("{m}e{e}").parse::<f64>().unwrap()),
        Just(0.0),
        Just(-0.0),
    ]
}

fn numbers() -> impl Strategy<Value = Vec<f64>> {
    prop::collection::vec(number(), 0..5)
}

fn name() -> impl Strategy<Value = String> {
    "[a-zA-Z0-9_ \"'.\\\\µ\n\t\u{1}\u{7f}-]{0,6}"
}

fn idxs() -> impl Strategy<Value = Vec<usize>> {
    prop::collection::vec(0usize..1000, 0..4)
}

fn interp() -> impl Strategy<Value = Interp> {
    (
        prop::sample::select(vec![
            InterpKind::Hold,
            InterpKind::Linear,
            InterpKind::MinJerk,
            InterpKind::Exp,
            InterpKind::GeoRamp,
            InterpKind::AdiabaticRamp,
        ]),
        prop::option::of(number()),
    )
        .prop_map(|(kind, tau_s)| Interp { kind, tau_s })
}

fn leaf_op() -> impl Strategy<Value = Op> {
    prop_oneof![
        number().prop_map(|time_s| Op::Hold { time_s }),
        (name(), name()).prop_map(|(channel, def)| Op::UseDef { channel, def }),
        (
            name(),
            prop::collection::vec(number(), 1..4),
            numbers(),
            numbers(),
            prop::option::of(0usize..1000)
        )
            .prop_map(|(channel, freqs_hz, amps, phases_rad, at)| Op::AddTone {
                channel,
                freqs_hz,
                amps,
                phases_rad,
                at
            }),
        (name(), idxs()).prop_map(|(channel, idxs)| Op::RemoveTones { channel, idxs }),
        (
            name(),
            number(),
            number(),
            prop::option::of(idxs()),
            interp()
        )
            .prop_map(|(channel, df_hz, time_s, idxs, interp)| Op::Move {
                channel,
                df_hz,
                time_s,
                idxs,
                interp
            }),
        (
            name(),
            prop_oneof![
                number().prop_map(AmpTarget::Scalar),
                numbers().prop_map(AmpTarget::List)
            ],
            number(),
            interp(),
            prop::option::of(idxs())
        )
            .prop_map(|(channel, amps, time_s, interp, idxs)| Op::RampAmpTo {
                channel,
                amps,
                time_s,
                interp,
                idxs
            }),
        (
            name(),
            name(),
            idxs(),
            prop_oneof![Just(Dst::All), idxs().prop_map(Dst::List)],
            number(),
            interp()
        )
            .prop_map(
                |(channel, target_def, src, dst, time_s, interp)| Op::RemapFromDef {
                    channel,
                    target_def,
                    src,
                    dst,
                    time_s,
                    interp
                }
            ),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => leaf_op(),
        1 => (number(), prop::collection::vec(leaf_op(), 0..3), any::<bool>()).prop_map(
            |(time_s, mut ops, share_time)| {
                // Sub-ops usually take the parallel's time (and then leave it out).
                if share_time {
                    for o in &mut ops {
                        set_time(o, time_s);
                    }
                }
                Op::Parallel { time_s, ops }
            }
        ),
    ]
}

fn set_time(op: &mut Op, t: f64) {
    match op {
        Op::Hold { time_s }
        | Op::Move { time_s, .. }
        | Op::RampAmpTo { time_s, .. }
        | Op::RemapFromDef { time_s, .. }
        | Op::Parallel { time_s, .. } => *time_s = t,
        _ => {}
    }
}

fn segment() -> impl Strategy<Value = Segment> {
    (
        name(),
        any::<bool>(),
        0u64..(i64::MAX as u64),
        prop::sample::select(vec![
            PhaseMode::Manual,
            PhaseMode::Continue,
            PhaseMode::Optimise,
        ]),
        any::<bool>(),
        any::<bool>(),
        prop::collection::vec(op(), 0..4),
    )
        .prop_map(
            |(name, wait, loop_count, phase_mode, len, freqs, ops)| Segment {
                name,
                mode: if wait {
                    SegmentMode::WaitTrig
                } else {
                    SegmentMode::LoopN
                },
                loop_count: if loop_count % 3 == 0 { 1 } else { loop_count },
                phase_mode,
                snap_len_to_quantum: len,
                snap_freqs_to_wrap: freqs,
                ops,
            },
        )
}

fn program() -> impl Strategy<Value = Program> {
    (
        prop::collection::vec(name(), 0..3),
        prop::collection::vec((name(), name(), numbers(), numbers(), numbers()), 0..3),
        prop::collection::vec(segment(), 0..4),
    )
        .prop_map(|(logical_channels, defs, segments)| {
            let mut definitions = IndexMap::new();
            for (key, channel, freqs_hz, amps, phases_rad) in defs {
                definitions.insert(
                    key.clone(),
                    Definition {
                        name: key,
                        logical_channel: channel,
                        freqs_hz,
                        amps,
                        phases_rad,
                    },
                );
            }
            Program {
                logical_channels,
                definitions,
                segments,
            }
        })
}

/// Equal as models and in every bit (`==` on f64 does not tell 0.0 from -0.0).
fn assert_same(a: &Program, b: &Program, text: &str) {
    assert_eq!(a, b, "{text}");
    assert_eq!(program_digest(a), program_digest(b), "{text}");
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: 300,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn toml_reads_back_what_was_written(p in program()) {
        let text = to_toml_string(&p);
        let back = from_toml_str(&text, "p.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_same(&back, &p, &text);
    }

    #[test]
    fn json_and_toml_convert_without_loss(p in program()) {
        let via_json = from_json_str(&to_json_string(&p)).unwrap();
        let text = to_toml_string(&via_json);
        let back = from_toml_str(&text, "p.toml").unwrap_or_else(|e| panic!("{e}\n{text}"));
        assert_same(&back, &via_json, &text);
        assert_eq!(to_json_string(&back), to_json_string(&via_json));
    }
}
