//! The deliberate differences from the reference library listed in
//! `docs/semantics.md` §9 that no other test file covers, one test each.

use awgsf_core::compiler::plan;
use awgsf_core::phases::start::PhaseSource;
use awgsf_core::pipeline::{quantize, resolve, step_table, QuantLimits};
use awgsf_core::program::builder::ChannelOps;
use awgsf_core::program::{InterpKind, LoadedProgram, PhaseMode, Program, ProgramBuilder};
use awgsf_plugin_api::InterpKind as PlanKind;
use awgsf_test_kit::synthesis::exact::{exact_cycles, turns_f64};

const FS: f64 = 625e6;

fn planned(program: Program) -> awgsf_core::compiler::Planned {
    let settings = crate::common::settings_625msps(program.logical_channels.len());
    let loaded = LoadedProgram {
        program,
        source: "test".into(),
        source_map: Default::default(),
    };
    plan(&loaded, &settings).unwrap()
}

fn one_tone(f_hz: f64) -> ProgramBuilder {
    ProgramBuilder::new()
        .logical_channel("H")
        .define("a", "H", [f_hz], [0.5])
        .define("pair", "H", [99e6, 101e6], [0.25, 0.25])
        .segment("start")
        .tones("H")
        .use_def("a")
}

/// The minimum segment comes from the number of enabled hardware channels (the
/// config's), not from the number of logical channels: one logical channel on a card
/// with two enabled channels gets the two-channel minimum (192 samples), where the
/// reference, which counts mapped logical channels, would make it 384.
#[test]
fn the_minimum_segment_follows_the_enabled_hardware_channels() {
    let program = one_tone(100e6).hold(1e-9).build().unwrap();
    let resolved = resolve(&program, FS).unwrap();
    assert_eq!(resolved.segments[0].n_samples(), 1);
    for (enabled, min) in [(1, 384), (2, 192), (4, 96)] {
        let q = quantize(&resolved, &QuantLimits::m4i66xx(enabled)).unwrap();
        assert_eq!(
            q.segments[0].info.quantized_samples, min,
            "{enabled} enabled"
        );
    }
}

/// `kind = "hold"` is not an interpolation a timed op may take: the reference accepts
/// it (and holds the start state, then jumps to the end state at the next part).
#[test]
fn hold_is_refused_as_the_kind_of_a_timed_op() {
    let cases = [
        one_tone(100e6)
            .move_by(1e6, 1e-6)
            .kind(InterpKind::Hold)
            .build_unchecked(),
        one_tone(100e6)
            .ramp_amp_to(0.1, 1e-6)
            .kind(InterpKind::Hold)
            .build_unchecked(),
        one_tone(100e6)
            .remap_from_def("pair", [0, 0], 1e-6)
            .kind(InterpKind::Hold)
            .build_unchecked(),
    ];
    for p in cases {
        let e = resolve(&p, FS).expect_err("hold as a kind").to_string();
        assert!(e.contains("`kind`"), "{e}");
    }
}

/// Amplitude ramps never touch frequencies: every `ramp_amp_to` kind plays its
/// tones' frequency unchanged, so the phase after the ramp is the hold phase. The
/// reference interpolates frequencies with the ramp's kind as well; under
/// `adiabatic_ramp` that is `1 / ((1 - w) / x + w / x)` with `x = max(f, 0.005)`,
/// which is not `f` in floating point and turns a 0 Hz tone into 5 mHz.
#[test]
fn amplitude_ramps_keep_the_frequency() {
    let f = 100e6 + 0.3;
    for kind in [
        InterpKind::Linear,
        InterpKind::Exp,
        InterpKind::MinJerk,
        InterpKind::GeoRamp,
        InterpKind::AdiabaticRamp,
    ] {
        let mut b = one_tone(f).ramp_amp_to(0.1, 100e-6).kind(kind);
        if kind == InterpKind::Exp {
            b = b.tau(20e-6);
        }
        let p = planned(b.build().unwrap());
        let part = &p.lowered[0].plan.channels[0].parts[0];
        let tone = part.tones[0];
        assert_eq!((tone.f0_hz, tone.f1_hz), (f, f), "{kind:?}");
        let held = awgsf_plugin_api::PartPlan {
            kind: PlanKind::Hold,
            ..part.clone()
        };
        assert_eq!(
            turns_f64(&exact_cycles(part, &tone, FS, part.n_samples)),
            turns_f64(&exact_cycles(&held, &tone, FS, part.n_samples)),
            "{kind:?}"
        );
    }
    // The reference's adiabatic interpolation of a held frequency.
    let adiabatic = |x: f64, w: f64| {
        let x = x.max(0.005);
        1.0 / ((1.0 - w) / x + w / x)
    };
    let moved = (1..100)
        .map(|i| f64::from(i) / 100.0)
        .filter(|&w| adiabatic(f, w) != f)
        .count();
    assert!(moved > 0, "the reference formula holds {f} Hz exactly");
    assert_eq!(adiabatic(0.0, 0.5), 0.005);
}

/// Step `i` plays the slot of segment `i`: byte-identical segments share one slot,
/// so a step can name a slot another segment filled (the reference writes one slot
/// per segment).
#[test]
fn a_step_plays_the_slot_of_its_segment() {
    let p = one_tone(100e6)
        .hold(10e-6)
        .segment("again")
        .hold(10e-6)
        .segment("last")
        .hold(20e-6)
        .build()
        .unwrap();
    let planned = planned(p);
    let steps = step_table(&planned.quantized, &[0, 0, 1]);
    let segments: Vec<u32> = steps.iter().map(|s| s.segment).collect();
    assert_eq!(segments, [0, 0, 1]);
    let next: Vec<u32> = steps.iter().map(|s| s.next).collect();
    assert_eq!(next, [1, 2, 0]);
}

/// A tone split in two by `remap_from_def` (`src = [0, 0]`) under `continue` starts
/// both halves at the phase of the tone they come from, by identity. The reference
/// matches by frequency one to one, so only one half could claim it and the other
/// would be optimised.
#[test]
fn both_halves_of_a_split_tone_continue_its_phase() {
    let p = one_tone(100e6)
        .hold(10e-6)
        .segment("split")
        .phase_mode(PhaseMode::Continue)
        .tones("H")
        .remap_from_def("pair", [0, 0], 20e-6)
        .build()
        .unwrap();
    let planned = planned(p);
    let before = &planned.lowered[0].end[0];
    let start = &planned.lowered[1].start[0];
    assert_eq!(
        start.sources,
        [PhaseSource::Identity, PhaseSource::Identity]
    );
    assert_eq!(
        start.phases_rad,
        [before.phases_rad[0], before.phases_rad[0]]
    );
}
