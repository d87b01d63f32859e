//! The exact end-to-end phase check (`docs/semantics.md` §9.1): every tone's phase at
//! every part and segment boundary, computed in exact rational arithmetic from the
//! quantised program's frequencies along whole chains of `continue` segments, against
//! the phases the render plans carry; and the rendered card codes against a reference
//! rendered at those exact phases.
//!
//! A tone's exact phase is an `f64` anchor (the program's own start phase, or the one
//! the crest-factor optimiser chose, which is exact by definition) plus the exact
//! rational number of cycles it has advanced since ([`Exact`]). The same walk
//! also runs a sequential `f64` accumulator of per-sample phase increments, the way
//! the reference library sums them ([`Sequential`]), to measure how far that drifts.

use std::f64::consts::TAU;

use awgsf_core::compiler::plan;
use awgsf_core::phases::start::PhaseSource;
use awgsf_core::pipeline::{
    lower, quantize, resolve, LowerOptions, LoweredSegment, QuantizedProgram,
};
use awgsf_core::program::random::{random_program, RandomSpec};
use awgsf_core::program::{load_program, PhaseMode};
use awgsf_cpu_simd::{CpuSimd, Settings};
use awgsf_plugin_api::{
    OutputBuffer, PartPlan, RenderJob, SegmentPlan, SynthesisBackend, TonePlan,
};
use awgsf_test_kit::synthesis::exact::{exact_cycles, frac, rational, turns_f64};
use awgsf_test_kit::synthesis::reference;
use num_rational::BigRational;
use num_traits::{ToPrimitive, Zero};

use crate::common::settings_625msps as settings;

/// Largest phase error the check allows at any boundary, radians.
const PHASE_TOLERANCE_RAD: f64 = 1e-9;

/// Sample rate of every check, Hz.
const FS: f64 = 625e6;

/// The five reference presets (the `large` benchmark program is left to the
/// benchmark-length run).
const PRESETS: [&str; 5] = [
    "ramp_down_chirp_2ch",
    "recreate_mol_exp",
    "rt_spec_analyser_rearr_hotswap",
    "simple_tweens",
    "spec_analyser_test",
];

/// A compiled program: the quantised program (what the phases must follow) and its
/// render plans (what the renderer is told).
struct Compiled {
    q: QuantizedProgram,
    lowered: Vec<LoweredSegment>,
}

fn compile_preset(name: &str) -> Compiled {
    let loaded = load_program(name).unwrap();
    let planned = plan(&loaded, &settings(loaded.program.logical_channels.len())).unwrap();
    Compiled {
        q: planned.quantized,
        lowered: planned.lowered,
    }
}

/// A random program in which every segment is `continue`.
fn compile_continue_chain(seed: u64, max_segments: usize) -> Compiled {
    let spec = RandomSpec {
        sample_rate_hz: FS,
        max_segments,
        max_op_samples: 30_000,
        ..RandomSpec::default()
    };
    let mut program = random_program(seed, &spec);
    for s in &mut program.segments {
        s.phase_mode = PhaseMode::Continue;
    }
    let limits = settings(program.logical_channels.len()).limits;
    let q = quantize(&resolve(&program, FS).unwrap(), &limits).unwrap();
    let lowered = lower_all(&q);
    Compiled { q, lowered }
}

/// Phases and render plans of every segment of `q`.
fn lower_all(q: &QuantizedProgram) -> Vec<LoweredSegment> {
    let s = settings(q.logical_channels.len());
    let opts = LowerOptions { effort: s.effort };
    lower(q, &s.layout, &opts, 0..q.segments.len(), None).unwrap()
}

/// The parts of logical channel `ci` in a segment's render plan.
fn parts(l: &LoweredSegment, ci: usize) -> &[PartPlan] {
    // Lowering maps logical channel `ci` to a column; the identity layout keeps order.
    &l.plan.channels[ci].parts
}

/// A phase carried along the chain.
trait Carrier: Clone {
    /// A start phase chosen rather than continued.
    fn chosen(phase_rad: f64) -> Self;
    /// The phase after the whole of `part`, for `tone` (whose frequencies are the
    /// quantised program's).
    fn advance(&self, part: &PartPlan, tone: &TonePlan) -> Self;
    /// The phase in radians (any representative modulo 2 pi).
    fn rad(&self) -> f64;
}

/// Exact: an `f64` anchor plus exact cycles (kept modulo one).
#[derive(Clone)]
struct Exact {
    anchor_rad: f64,
    turns: BigRational,
}

impl Carrier for Exact {
    fn chosen(phase_rad: f64) -> Self {
        Exact {
            anchor_rad: phase_rad,
            turns: BigRational::zero(),
        }
    }

    fn advance(&self, part: &PartPlan, tone: &TonePlan) -> Self {
        let cycles = exact_cycles(part, tone, FS, part.n_samples);
        Exact {
            anchor_rad: self.anchor_rad,
            turns: frac(&(&self.turns + cycles)),
        }
    }

    fn rad(&self) -> f64 {
        self.anchor_rad + TAU * turns_f64(&self.turns)
    }
}

/// The reference library's accumulator: per-sample increments `f(j) * (2 pi * (1 /
/// fs))` summed left to right in `f64` over a part, added to the part's start phase
/// and reduced modulo `2 pi` at the part's end.
#[derive(Clone)]
struct Sequential(f64);

impl Carrier for Sequential {
    fn chosen(phase_rad: f64) -> Self {
        Sequential(phase_rad)
    }

    fn advance(&self, part: &PartPlan, tone: &TonePlan) -> Self {
        let c = TAU * (1.0 / FS);
        let mut sum = 0.0f64;
        for j in 0..part.n_samples {
            sum += reference::freq(part, tone, j, FS) * c;
        }
        Sequential((self.0 + sum).rem_euclid(TAU))
    }

    fn rad(&self) -> f64 {
        self.0
    }
}

/// Phases of every tone at every boundary: `starts[segment][channel][part][tone]` at
/// each part's first sample, `ends[segment][channel][tone]` after the last part.
struct Walked<C> {
    starts: Vec<Vec<Vec<Vec<C>>>>,
    ends: Vec<Vec<Vec<C>>>,
}

/// The previous segment's tone whose end phase tone `i` of segment `si`, channel `ci`
/// continues (`None` when its start phase was chosen): by identity, or the tone within
/// 1 Hz whose end phase the plan took (`docs/semantics.md` §6).
fn continued_from(c: &Compiled, si: usize, ci: usize, i: usize) -> Option<usize> {
    let start = &c.lowered[si].start[ci];
    let state = c.q.segments[si].segment.start_state(ci);
    match start.sources[i] {
        PhaseSource::Manual | PhaseSource::Optimised => None,
        PhaseSource::Identity => {
            let prev = c.q.segments[si - 1].segment.end_state(ci);
            let j = prev.ids.iter().position(|id| *id == state.ids[i]);
            Some(j.expect("an identity-continued tone has a predecessor"))
        }
        PhaseSource::Frequency => {
            let prev = c.q.segments[si - 1].segment.end_state(ci);
            let ends = &c.lowered[si - 1].end[ci].phases_rad;
            let j = (0..prev.len()).find(|&j| {
                (prev.freqs_hz[j] - state.freqs_hz[i]).abs() <= 1.0
                    && ends[j].to_bits() == start.phases_rad[i].to_bits()
            });
            Some(j.expect("a frequency-continued tone has a predecessor within 1 Hz"))
        }
    }
}

/// The tone of part `p - 1` that tone `i` of part `p` continues: by identity, else by
/// position (as lowering carries phases between the parts of a segment).
fn part_predecessor(c: &Compiled, si: usize, ci: usize, p: usize, i: usize) -> Option<usize> {
    let seg = &c.q.segments[si].segment;
    let prev = &seg.parts[p - 1].channels[ci].end;
    let id = seg.parts[p].channels[ci].start.ids[i];
    prev.ids
        .iter()
        .position(|x| *x == id)
        .or((i < prev.len()).then_some(i))
}

/// The start phase of a tone that continues none: the optimiser's (taken from the
/// plan), or else the program's own (definition, `add_tone` or remap target).
fn chosen_phase(c: &Compiled, si: usize, ci: usize, p: usize, i: usize) -> f64 {
    let l = &c.lowered[si];
    if p == 0 && l.start[ci].sources[i] == PhaseSource::Optimised {
        parts(l, ci)[0].tones[i].phase0_rad
    } else {
        c.q.segments[si].segment.parts[p].channels[ci]
            .start
            .phases_rad[i]
    }
}

/// The plan's tone with the quantised program's frequencies for it.
fn program_tone(c: &Compiled, si: usize, ci: usize, p: usize, i: usize) -> TonePlan {
    let cp = &c.q.segments[si].segment.parts[p].channels[ci];
    TonePlan {
        f0_hz: cp.start.freqs_hz[i],
        f1_hz: cp.end.freqs_hz[i],
        ..parts(&c.lowered[si], ci)[p].tones[i]
    }
}

/// Walks every segment, channel, part and tone in program order, carrying `C`.
fn walk<C: Carrier>(c: &Compiled) -> Walked<C> {
    let mut out = Walked {
        starts: Vec::new(),
        ends: Vec::new(),
    };
    for (si, l) in c.lowered.iter().enumerate() {
        let (mut seg_starts, mut seg_ends) = (Vec::new(), Vec::new());
        for ci in 0..c.q.logical_channels.len() {
            let plan_parts = parts(l, ci);
            let mut ch_starts: Vec<Vec<C>> = Vec::new();
            let mut carried: Vec<C> = Vec::new();
            for (p, part) in plan_parts.iter().enumerate() {
                let starts: Vec<C> = (0..part.tones.len())
                    .map(|i| {
                        let from = if p == 0 {
                            continued_from(c, si, ci, i).map(|j| &out.ends[si - 1][ci][j])
                        } else {
                            part_predecessor(c, si, ci, p, i).map(|j| &carried[j])
                        };
                        from.cloned()
                            .unwrap_or_else(|| C::chosen(chosen_phase(c, si, ci, p, i)))
                    })
                    .collect();
                carried = starts
                    .iter()
                    .enumerate()
                    .map(|(i, s)| s.advance(part, &program_tone(c, si, ci, p, i)))
                    .collect();
                ch_starts.push(starts);
            }
            seg_starts.push(ch_starts);
            seg_ends.push(carried);
        }
        out.starts.push(seg_starts);
        out.ends.push(seg_ends);
    }
    out
}

/// `|a - b|` modulo 2 pi.
fn angle_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(TAU);
    d.min(TAU - d)
}

/// The largest difference between two walks' phases, and where.
#[derive(Debug, Default, Clone)]
struct PhaseReport {
    max_rad: f64,
    at: String,
    boundaries: usize,
}

impl PhaseReport {
    fn note(&mut self, err: f64, at: impl FnOnce() -> String) {
        self.boundaries += 1;
        if err > self.max_rad || self.at.is_empty() {
            self.max_rad = self.max_rad.max(err);
            self.at = at();
        }
    }
}

/// The phases the render plans carry against `walked`, at every boundary.
fn plan_phase_errors<C: Carrier>(c: &Compiled, walked: &Walked<C>) -> PhaseReport {
    let mut r = PhaseReport::default();
    for (si, l) in c.lowered.iter().enumerate() {
        let name = &c.q.segments[si].segment.name;
        for ci in 0..c.q.logical_channels.len() {
            for (p, part) in parts(l, ci).iter().enumerate() {
                for (i, t) in part.tones.iter().enumerate() {
                    let e = angle_diff(t.phase0_rad, walked.starts[si][ci][p][i].rad());
                    r.note(e, || {
                        format!("segment {si} '{name}' channel {ci} part {p} tone {i}")
                    });
                }
            }
            for (i, ph) in l.end[ci].phases_rad.iter().enumerate() {
                let e = angle_diff(*ph, walked.ends[si][ci][i].rad());
                r.note(e, || {
                    format!("end of segment {si} '{name}' channel {ci} tone {i}")
                });
            }
        }
    }
    r
}

/// Phase differences between two walks, at the end of each segment: the largest per
/// segment.
fn segment_end_drift<A: Carrier, B: Carrier>(a: &Walked<A>, b: &Walked<B>) -> Vec<f64> {
    a.ends
        .iter()
        .zip(&b.ends)
        .map(|(sa, sb)| {
            sa.iter()
                .flatten()
                .zip(sb.iter().flatten())
                .map(|(x, y)| angle_diff(x.rad(), y.rad()))
                .fold(0.0, f64::max)
        })
        .collect()
}

/// The segment's plan with every part's start phases replaced by the exact ones.
fn exact_plan(c: &Compiled, si: usize, exact: &Walked<Exact>) -> SegmentPlan {
    let mut plan = c.lowered[si].plan.clone();
    for (ci, ch) in plan.channels.iter_mut().enumerate() {
        for (p, part) in ch.parts.iter_mut().enumerate() {
            for (i, t) in part.tones.iter_mut().enumerate() {
                t.phase0_rad = exact.starts[si][ci][p][i].rad().rem_euclid(TAU);
            }
        }
    }
    plan
}

fn render_i16(b: &CpuSimd, seg: &SegmentPlan, start: u64, count: u64) -> Vec<i16> {
    let mut out = vec![0i16; count as usize * seg.channels.len()];
    let mut jobs = [RenderJob::new(
        seg,
        start,
        OutputBuffer::Int16(out.as_mut_slice().into()),
    )];
    b.render(&mut jobs).expect("render succeeds");
    drop(jobs);
    out
}

/// Largest code difference between the rendered segments and the reference rendered
/// at the exact phases, over the first and last `window` samples of each segment;
/// with the segment it occurs in.
fn sample_errors(c: &Compiled, exact: &Walked<Exact>, window: u64) -> (i32, usize) {
    let backend = CpuSimd::new(Settings { threads: 1 }).expect("cpu-simd opens");
    let mut worst = (0i32, 0usize);
    for (si, l) in c.lowered.iter().enumerate() {
        let n = l.plan.n_samples;
        let reference_plan = exact_plan(c, si, exact);
        let w = window.min(n);
        for start in [0, n - w] {
            let got = render_i16(&backend, &l.plan, start, w);
            let want = reference::render_codes(&reference_plan, start, w);
            let d = got
                .iter()
                .zip(&want)
                .map(|(a, b)| (i32::from(*a) - i32::from(*b)).abs())
                .max()
                .unwrap_or(0);
            if d > worst.0 {
                worst = (d, si);
            }
        }
    }
    worst
}

/// Largest `|f - m fs / n|` over the tones of wrap-protected segments: how far the
/// `f64` snapped frequency is from the rational `round(f T) / T` it stands for.
fn snapped_rounding_hz(c: &Compiled) -> f64 {
    let mut worst = 0.0f64;
    for qs in c.q.segments.iter().filter(|s| s.info.wrap_protected) {
        let n = qs.info.quantized_samples;
        let t = BigRational::from_integer(n.into()) / rational(FS);
        for cp in &qs.segment.parts[0].channels {
            for &f in &cp.start.freqs_hz {
                let m = (rational(f) * &t).round();
                let d = (rational(f) - m / &t).to_f64().unwrap().abs();
                worst = worst.max(d);
            }
        }
    }
    worst
}

/// Figures of one compiled program.
struct Figures {
    phase: PhaseReport,
    lsb: (i32, usize),
}

fn check(c: &Compiled, window: u64) -> Figures {
    let exact = walk::<Exact>(c);
    Figures {
        phase: plan_phase_errors(c, &exact),
        lsb: sample_errors(c, &exact, window),
    }
}

fn assert_exact(what: &str, c: &Compiled, window: u64) {
    let f = check(c, window);
    assert!(
        f.phase.max_rad < PHASE_TOLERANCE_RAD,
        "{what}: phase error {:.3e} rad at {} ({} boundaries)",
        f.phase.max_rad,
        f.phase.at,
        f.phase.boundaries
    );
    assert!(
        f.lsb.0 <= 1,
        "{what}: segment {} differs from the exact reference by {} LSB",
        f.lsb.1,
        f.lsb.0
    );
}

#[test]
fn reference_presets_at_625_msps_carry_exact_phases() {
    for name in PRESETS {
        assert_exact(name, &compile_preset(name), 4096);
    }
}

#[test]
fn random_continue_chains_carry_exact_phases() {
    let mut kinds = std::collections::BTreeSet::new();
    let (mut snapped, mut continued) = (0, 0);
    for seed in 0..12u64 {
        let c = compile_continue_chain(0xc0_0000 + seed, 24);
        assert_exact(&format!("seed {seed}"), &c, 512);
        for l in &c.lowered {
            for ch in l.plan.channels.iter() {
                kinds.extend(ch.parts.iter().map(|p| format!("{:?}", p.kind)));
            }
            continued += l
                .start
                .iter()
                .flat_map(|s| &s.sources)
                .filter(|s| **s == PhaseSource::Identity)
                .count();
        }
        snapped +=
            c.q.segments
                .iter()
                .filter(|s| s.info.wrap_protected)
                .count();
    }
    // The chains hold, move (linear, min-jerk), ramp and loop snapped segments.
    for kind in ["Hold", "Linear", "MinJerk", "Exp", "AdiabaticRamp"] {
        assert!(kinds.contains(kind), "no {kind} part in {kinds:?}");
    }
    assert!(
        snapped > 5 && continued > 50,
        "{snapped} snapped, {continued} continued"
    );
}

#[test]
fn a_frequency_off_by_a_millihertz_is_caught() {
    // Compile simple_tweens with one tone of one 1 ms segment 1 mHz off, and hold its
    // phases to the exact ones of the program as written.
    let c = compile_preset("simple_tweens");
    let si =
        c.q.segments
            .iter()
            .position(|s| s.segment.name == "left_ramp_down")
            .unwrap();
    let mut off = c.q.clone();
    for part in &mut off.segments[si].segment.parts {
        part.channels[0].start.freqs_hz[0] += 1e-3;
        part.channels[0].end.freqs_hz[0] += 1e-3;
    }
    let perturbed = Compiled {
        q: c.q.clone(),
        lowered: lower_all(&off),
    };
    let r = plan_phase_errors(&perturbed, &walk::<Exact>(&c));
    // 2 pi * 1 mHz over the segment (its two 1 ms ramps, one after the other).
    let want = TAU * 1e-3 * c.q.segments[si].info.quantized_samples as f64 / FS;
    assert!(
        (r.max_rad - want).abs() < 1e-9,
        "a 1 mHz error over the segment shows as {:.4e} rad at {}, not {want:.4e}",
        r.max_rad,
        r.at
    );
}

#[test]
fn a_sequential_f64_accumulator_drifts_where_the_closed_form_does_not() {
    // The reference library sums per-sample phase increments left to right in f64;
    // the running sum reaches ~6e5 rad per millisecond at 100 MHz, where an f64 ulp
    // is ~1e-10 rad, and a constant increment rounds the same way every sample.
    let c = compile_preset("simple_tweens");
    let exact = walk::<Exact>(&c);
    let drift = segment_end_drift(&exact, &walk::<Sequential>(&c));
    let ours = plan_phase_errors(&c, &exact);
    let worst = drift.iter().cloned().fold(0.0, f64::max);
    assert!(ours.max_rad < PHASE_TOLERANCE_RAD, "{ours:?}");
    assert!(
        worst > 1e-6,
        "the sequential accumulator stays within {worst:.3e} rad"
    );
}

/// The benchmark-length run recorded in `docs/semantics.md` §9.1: every preset at
/// 625 MS/s (the `large` one included), the first and last 4096 samples of every
/// segment, and the drift of a sequential `f64` accumulator along `simple_tweens`.
#[test]
#[ignore = "benchmark-length: run with --ignored --nocapture"]
fn exact_phase_report_of_every_preset() {
    let mut names = awgsf_core::program::presets::names();
    names.sort();
    println!("| preset | segments | samples | boundaries | max phase error (rad) | max LSB difference | snapped-frequency rounding (Hz) | its phase bound (rad) |");
    println!("|---|---|---|---|---|---|---|---|");
    for name in names {
        let c = compile_preset(name);
        let f = check(&c, 4096);
        let samples: u64 = c.q.segments.iter().map(|s| s.info.quantized_samples).sum();
        let rounding = snapped_rounding_hz(&c);
        println!(
            "| `{name}` | {} | {samples} | {} | {:.2e} | {} | {rounding:.2e} | {:.1e} |",
            c.q.segments.len(),
            f.phase.boundaries,
            f.phase.max_rad,
            f.lsb.0,
            TAU * rounding * samples as f64 / FS
        );
        assert!(f.phase.max_rad < PHASE_TOLERANCE_RAD && f.lsb.0 <= 1);
    }
    // The worked example: one 1 ms hold of 90 MHz and of 110 MHz.
    println!();
    for f in [90e6, 110e6] {
        let part = PartPlan {
            offset: 0,
            n_samples: 625_000,
            kind: awgsf_plugin_api::InterpKind::Hold,
            tau_s: 0.0,
            tones: Default::default(),
        };
        let tone = TonePlan {
            f0_hz: f,
            f1_hz: f,
            a0: 1.0,
            a1: 1.0,
            phase0_rad: 0.0,
        };
        let exact = Exact::chosen(0.0).advance(&part, &tone).rad();
        let seq = Sequential::chosen(0.0).advance(&part, &tone).rad();
        let d = (seq - exact + std::f64::consts::PI).rem_euclid(TAU) - std::f64::consts::PI;
        println!(
            "1 ms hold of {f:e} Hz: exact {exact:.3e} rad, sequential f64 sum {d:+.3e} rad off ({:+.3e} Hz)",
            d / (TAU * 1e-3)
        );
    }
    let c = compile_preset("simple_tweens");
    let exact = walk::<Exact>(&c);
    let drift = segment_end_drift(&exact, &walk::<Sequential>(&c));
    println!();
    println!("| segment | samples | sequential f64 accumulator − exact (rad) |");
    println!("|---|---|---|");
    for (qs, d) in c.q.segments.iter().zip(drift) {
        println!(
            "| `{}` | {} | {:.2e} |",
            qs.segment.name, qs.info.quantized_samples, d
        );
    }
}
