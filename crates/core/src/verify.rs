//! Continuity verification: at every transition of the step graph (self-loops of
//! looped and wait steps included) and of what a card reports it played, the output
//! after the boundary is compared with what the previous segment's tones would have
//! produced next, two ways:
//!
//! * **samples**: the first sample after the boundary against what the previous
//!   segment's tones would have produced next, as a fraction of full scale — this
//!   sees a glitch in the card data, whatever its origin (one sample only: a tone
//!   entering a wrap-protected segment may change frequency by design, so later
//!   samples legitimately drift);
//! * **tones**: each tone's phasor (amplitude and phase) at the boundary against
//!   the tone it continues (by identity, else the nearest within 1 Hz), as a
//!   fraction of the channel's summed amplitude — this sees phase jumps of weak
//!   tones that the full-scale measure cannot.
//!
//! Jumps above the threshold are reported with their cause when the program asked
//! for one ("requested": `use_def`, `add_tone`, instant ops, `phase_mode = optimise`
//! or `manual`, a non-constant looped segment, the wrap from the last step to the
//! first) and without one otherwise ("unrequested": a glitch).

use std::collections::{BTreeMap, BTreeSet};
use std::f64::consts::TAU;

use awgsf_plugin_api::{ChannelPlan, PlaybackTrace, SegmentPlan, Step, StepEnd};
use serde::Serialize;

use crate::compiler::Planned;
use crate::format::count;
use crate::phases::start::MATCH_TOLERANCE_HZ;
use crate::pipeline::{EventKind, QuantizedSegment, ToneId};
use crate::program::PhaseMode;
use crate::render::SegmentSamples;
use crate::shared::SlotMap;

/// Samples compared after each boundary.
pub const WINDOW: u64 = 1;

/// Default threshold: 1 % (of full scale for samples, of the channel's summed
/// amplitude for tones).
pub const DEFAULT_THRESHOLD: f64 = 0.01;

/// One transition and channel that jumps.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Discontinuity {
    /// Segment played before the boundary.
    pub from_segment: usize,
    /// Its name.
    pub from_name: String,
    /// Segment played after it.
    pub to_segment: usize,
    /// Its name.
    pub to_name: String,
    /// Output column's hardware channel.
    pub hardware_channel: u32,
    /// Largest sample jump within the window, fraction of full scale.
    pub sample_jump_fs: f64,
    /// Largest tone phasor jump, fraction of the channel's summed amplitude.
    pub tone_jump: f64,
    /// Which tone jumped most, and how.
    pub detail: String,
    /// Why the program asked for it; empty when it did not.
    pub causes: Vec<String>,
    /// The kind of each cause, in the same order, without segment names or op
    /// indices (`use_def`, `phase_mode = optimise`, `wrap to the first step`, ...):
    /// what reports count jumps by.
    pub cause_kinds: Vec<String>,
    /// Times this transition was played (0 if only in the step graph).
    pub played: u64,
}

impl Discontinuity {
    /// True when no cause explains it.
    pub fn unrequested(&self) -> bool {
        self.causes.is_empty()
    }
}

/// The verification report.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ContinuityReport {
    /// Distinct transitions of the step graph checked (self-loops included).
    pub graph_transitions: usize,
    /// Transitions the card reported playing.
    pub played_transitions: u64,
    /// Played transitions that are not edges of the uploaded step graph (each one a
    /// card or host bug, counted as unrequested).
    pub foreign_transitions: u64,
    /// Threshold.
    pub threshold: f64,
    /// Every jump above the threshold.
    pub discontinuities: Vec<Discontinuity>,
}

impl ContinuityReport {
    /// Jumps without a cause (foreign played transitions included).
    pub fn unrequested(&self) -> usize {
        self.discontinuities
            .iter()
            .filter(|d| d.unrequested())
            .count()
            + self.foreign_transitions as usize
    }

    /// `N transitions checked, M discontinuities (K unrequested)`.
    pub fn summary(&self) -> String {
        format!("{}, {}", self.checked(), self.found())
    }

    /// `N transitions checked (E step-graph edges, P played)`.
    pub fn checked(&self) -> String {
        let total = self.graph_transitions as u64 + self.played_transitions;
        let n = count(total, "transition checked", "transitions checked");
        if self.played_transitions > 0 {
            format!(
                "{n} ({}, {} played)",
                count(
                    self.graph_transitions as u64,
                    "step-graph edge",
                    "step-graph edges"
                ),
                self.played_transitions
            )
        } else {
            n
        }
    }

    /// `M discontinuities (K unrequested)`.
    pub fn found(&self) -> String {
        let m = self.discontinuities.len() as u64 + self.foreign_transitions;
        format!(
            "{} ({} unrequested)",
            count(m, "discontinuity", "discontinuities"),
            self.unrequested()
        )
    }

    /// The requested jumps counted by their causes (the kinds of one jump joined
    /// by ` + `), most frequent first.
    pub fn requested_by_cause(&self) -> Vec<(String, usize)> {
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for d in self.discontinuities.iter().filter(|d| !d.unrequested()) {
            *counts.entry(d.cause_kinds.join(" + ")).or_default() += 1;
        }
        let mut v: Vec<(String, usize)> = counts.into_iter().collect();
        v.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
        v
    }
}

/// A tone at a boundary: identity, frequency, RF amplitude and phase.
#[derive(Debug, Clone, Copy)]
struct Phasor {
    id: Option<ToneId>,
    f: f64,
    amp: f64,
    phase: f64,
}

fn rf(ch: &ChannelPlan, f: f64, a: f64) -> f64 {
    match ch.calibration.as_ref().into_option() {
        Some(c) => awgsf_math::calibrated_amplitude(c, f, a).mv,
        None => a,
    }
}

/// Each tone of `ch` at the end of its last part (`k = n`).
fn end_phasors(ch: &ChannelPlan, fs: f64, ids: &[ToneId]) -> Vec<Phasor> {
    let Some(part) = ch.parts.last() else {
        return Vec::new();
    };
    let n = part.n_samples;
    part.tones
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let f = awgsf_math::frequency_at(part.kind, t.f0_hz, t.f1_hz, n, n);
            let a = awgsf_math::interp_value(part.kind, part.tau_s, t.a0, t.a1, n, n, fs);
            Phasor {
                id: ids.get(i).copied(),
                f,
                amp: rf(ch, f, a),
                phase: awgsf_math::phase_at(part, t, fs, n),
            }
        })
        .collect()
}

/// Each tone of `ch` at its first sample.
fn start_phasors(ch: &ChannelPlan, ids: &[ToneId]) -> Vec<Phasor> {
    let Some(part) = ch.parts.first() else {
        return Vec::new();
    };
    part.tones
        .iter()
        .enumerate()
        .map(|(i, t)| Phasor {
            id: ids.get(i).copied(),
            f: t.f0_hz,
            amp: rf(ch, t.f0_hz, t.a0),
            phase: t.phase0_rad,
        })
        .collect()
}

/// The continuation of `prev` for `WINDOW` samples (tones held at their end state), mV.
fn continuation(prev: &[Phasor], fs: f64) -> Vec<f64> {
    (0..WINDOW)
        .map(|j| {
            prev.iter()
                .map(|p| p.amp * (p.phase + TAU * (p.f / fs * j as f64).fract()).sin())
                .sum()
        })
        .collect()
}

/// Largest phasor jump between `prev` (end of the previous segment) and `next`
/// (start of this one), relative to the larger summed amplitude, with a description.
fn tone_jump(prev: &[Phasor], next: &[Phasor]) -> (f64, String) {
    let scale = prev
        .iter()
        .map(|p| p.amp.abs())
        .sum::<f64>()
        .max(next.iter().map(|p| p.amp.abs()).sum::<f64>());
    if scale == 0.0 {
        return (0.0, String::new());
    }
    let mut claimed = vec![false; prev.len()];
    let mut matched: Vec<Option<usize>> = vec![None; next.len()];
    for (i, n) in next.iter().enumerate() {
        if let Some(j) = prev.iter().position(|p| p.id.is_some() && p.id == n.id) {
            matched[i] = Some(j);
            claimed[j] = true;
        }
    }
    for (i, n) in next.iter().enumerate() {
        if matched[i].is_some() {
            continue;
        }
        let best = prev
            .iter()
            .enumerate()
            .filter(|(j, p)| !claimed[*j] && (p.f - n.f).abs() <= MATCH_TOLERANCE_HZ)
            .min_by(|a, b| (a.1.f - n.f).abs().total_cmp(&(b.1.f - n.f).abs()));
        if let Some((j, _)) = best {
            matched[i] = Some(j);
            claimed[j] = true;
        }
    }
    let mut worst = (0.0f64, String::new());
    let phasor = |p: &Phasor| (p.amp * p.phase.cos(), p.amp * p.phase.sin());
    for (i, n) in next.iter().enumerate() {
        let (jump, what) = match matched[i] {
            Some(j) => {
                let (a, b) = (phasor(&prev[j]), phasor(n));
                let d = ((a.0 - b.0).powi(2) + (a.1 - b.1).powi(2)).sqrt();
                let dphi = (n.phase - prev[j].phase + std::f64::consts::PI).rem_euclid(TAU)
                    - std::f64::consts::PI;
                (
                    d,
                    format!(
                        "tone {i}: phase step {dphi:.3} rad, amplitude {:.4} → {:.4}",
                        prev[j].amp, n.amp
                    ),
                )
            }
            None => (n.amp.abs(), format!("tone {i}: new tone at {:.1} Hz", n.f)),
        };
        if jump / scale > worst.0 {
            worst = (jump / scale, what);
        }
    }
    for (j, p) in prev.iter().enumerate() {
        if !claimed[j] && p.amp.abs() / scale > worst.0 {
            worst = (p.amp.abs() / scale, format!("a tone at {:.1} Hz ends", p.f));
        }
    }
    worst
}

/// The causes the program gives for a jump from `from` into `to` on logical
/// channel `channel`, each as (kind, text).
fn causes(
    q: &[QuantizedSegment],
    from: usize,
    to: usize,
    channel: Option<usize>,
    wrap: bool,
) -> Vec<(&'static str, String)> {
    let mut c = Vec::new();
    let seg = &q[to].segment;
    if from == to {
        if !q[to].info.constant {
            c.push((
                "looped but not constant",
                format!("'{}' is looped but not constant", seg.name),
            ));
        }
        if !wrap {
            return c;
        }
    }
    if wrap {
        c.push((
            "wrap to the first step",
            "the wrap from the last step back to the first".into(),
        ));
    }
    for e in seg
        .events
        .iter()
        .filter(|e| e.before_part == 0 && Some(e.channel) == channel)
    {
        let what = match e.kind {
            EventKind::UseDef => "use_def",
            EventKind::AddTone => "add_tone",
            EventKind::RemoveTones => "remove_tones",
            EventKind::Move => "move with zero time",
            EventKind::RampAmp => "ramp_amp_to with zero time",
            EventKind::Remap => "remap_from_def with zero time",
            EventKind::RemapSelect => "remap_from_def starting from its src tones",
        };
        c.push((
            what,
            format!("{what} (op {}) at the start of '{}'", e.op_index, seg.name),
        ));
    }
    match seg.phase_mode {
        PhaseMode::Optimise => c.push((
            "phase_mode = optimise",
            format!("'{}' has phase_mode = optimise", seg.name),
        )),
        PhaseMode::Manual => c.push((
            "phase_mode = manual",
            format!("'{}' has phase_mode = manual", seg.name),
        )),
        PhaseMode::Continue => {}
    }
    c
}

/// The step graph's edges as `(from segment, to segment, is the wrap to the start)`;
/// steps play segments in program order. A step that continues to itself or an
/// earlier step wraps, also in a one-segment program (whose repetitions of a
/// looped step are then the same edge).
fn edges(steps: &[Step]) -> BTreeSet<(usize, usize, bool)> {
    let mut e = BTreeSet::new();
    for (i, st) in steps.iter().enumerate() {
        let next = st.next as usize;
        e.insert((i, next, next <= i));
        if next != i && (st.loops > 1 || st.end == StepEnd::OnTrigger) {
            e.insert((i, i, false));
        }
    }
    e
}

fn ids_of(planned: &Planned, seg: usize, logical: Option<usize>, end: bool) -> Vec<ToneId> {
    let Some(l) = logical else { return Vec::new() };
    let s = &planned.quantized.segments[seg].segment;
    if end {
        s.end_state(l).ids.clone()
    } else {
        s.start_state(l).ids.clone()
    }
}

/// Checks every edge of `steps` and the played transitions of `trace`.
pub fn verify(
    planned: &Planned,
    samples: &[SegmentSamples],
    slots: &SlotMap,
    steps: &[Step],
    trace: Option<&PlaybackTrace>,
    threshold: f64,
) -> ContinuityReport {
    let q = &planned.quantized.segments;
    let graph = edges(steps);
    let mut played: BTreeMap<(usize, usize), u64> = BTreeMap::new();
    let (mut played_total, mut foreign) = (0u64, 0u64);
    if let Some(t) = trace {
        for w in t.instances.windows(2) {
            if w[0].n_samples == 0 || w[1].n_samples == 0 {
                continue;
            }
            let (a, b) = (w[0].step as usize, w[1].step as usize);
            played_total += 1;
            if graph.iter().any(|&(x, y, _)| x == a && y == b) {
                *played.entry((a, b)).or_default() += 1;
            } else {
                foreign += 1;
            }
        }
    }
    let fs = planned.quantized.sample_rate_hz;
    let mut found = Vec::new();
    for &(a, b, wrap) in &graph {
        let plan_a: &SegmentPlan = &planned.lowered[a].plan;
        let plan_b: &SegmentPlan = &planned.lowered[b].plan;
        let data = &samples[slots.segment_of_slot[slots.slot_of_segment[b] as usize]];
        let nch = data.n_channels as usize;
        for (c, ch) in plan_b.channels.iter().enumerate() {
            let logical = planned.column_logical.get(c).copied().flatten();
            let prev = end_phasors(&plan_a.channels[c], fs, &ids_of(planned, a, logical, true));
            let next = start_phasors(ch, &ids_of(planned, b, logical, false));
            let cont = continuation(&prev, fs);
            let scale = &ch.scale;
            let lim = scale.clip * scale.full_scale_mv;
            let mut sample_jump = 0.0f64;
            for (j, &pred) in cont
                .iter()
                .enumerate()
                .take(data.n_samples.min(WINDOW) as usize)
            {
                let actual =
                    f64::from(data.codes[j * nch + c]) / scale.full_scale * scale.full_scale_mv;
                sample_jump =
                    sample_jump.max((actual - pred.clamp(-lim, lim)).abs() / scale.full_scale_mv);
            }
            let (tone_jump, detail) = tone_jump(&prev, &next);
            if sample_jump > threshold || tone_jump > threshold {
                let (kinds, causes): (Vec<&str>, Vec<String>) =
                    causes(q, a, b, logical, wrap).into_iter().unzip();
                found.push(Discontinuity {
                    from_segment: a,
                    from_name: q[a].segment.name.clone(),
                    to_segment: b,
                    to_name: q[b].segment.name.clone(),
                    hardware_channel: ch.hardware_channel,
                    sample_jump_fs: sample_jump,
                    tone_jump,
                    detail,
                    causes,
                    cause_kinds: kinds.into_iter().map(String::from).collect(),
                    played: played.get(&(a, b)).copied().unwrap_or(0),
                });
            }
        }
    }
    ContinuityReport {
        graph_transitions: graph.len(),
        played_transitions: played_total,
        foreign_transitions: foreign,
        threshold,
        discontinuities: found,
    }
}
