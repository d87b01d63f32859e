//! The phase-closed move segment: the program's reserved move (one
//! `remap_from_def`) rebuilt for a new choice of source tones, so that every tone
//! ends the segment with the frequency, amplitude and phase the segment after it
//! already starts with. Only this segment then has to be rendered and written.
//!
//! Each moving tone follows two halves of the program's curve (minimum-jerk or
//! linear) through a midpoint `(f_start + f_end) / 2 + delta` (amplitudes through
//! their mean). Both curves sum to `(n - 1) / 2` over a part of `n` samples, so the
//! end phase is linear in `delta` with slope `pi T` rad/Hz (`T` the move's length)
//! and the `delta` that closes a phase error `e` in `(-pi, pi]` is `e / (pi T)`:
//! never more than `1 / T` in size (10 kHz for a 100 µs move). Compared with one
//! minimum-jerk over the whole time, the peak frequency velocity is the same (plus
//! `2 delta / T`) and the peak acceleration twice as high.

use std::f64::consts::{PI, TAU};

use crate::phases::start::TonePhases;
use crate::pipeline::{
    lower, ChannelPart, LowerOptions, LoweredSegment, OutputLayout, Part, QuantizedProgram,
    QuantizedSegment, ToneState,
};

/// A move segment rebuilt for new source tones, phase-closed.
pub struct ClosedMove {
    /// The quantised segment (same length and step as the one it replaces).
    pub segment: QuantizedSegment,
    /// Its render plan, start and end phases.
    pub lowered: LoweredSegment,
    /// Midpoint shift of each tone (in result order), Hz.
    pub corrections_hz: Vec<f64>,
    /// Largest end-phase difference from the closing target, radians.
    pub max_phase_error_rad: f64,
}

/// What the move segment must reproduce and where it starts.
pub struct MoveTarget<'a> {
    /// The quantised program on the card.
    pub program: &'a QuantizedProgram,
    /// Index of the move segment.
    pub segment: usize,
    /// The move segment as compiled (one remap part, then padding).
    pub original: &'a QuantizedSegment,
    /// Logical channel of the move.
    pub channel: usize,
    /// End phases of the segment before (per logical channel).
    pub previous_end: &'a [TonePhases],
    /// End phases (per logical channel) the new move must reproduce.
    pub closing: &'a [TonePhases],
    /// Largest allowed midpoint shift, Hz.
    pub bound_hz: f64,
    /// Output columns of the card.
    pub layout: &'a OutputLayout,
    /// Lowering settings (as the program was compiled with).
    pub options: &'a LowerOptions,
}

/// `x` wrapped to `(-pi, pi]`.
fn wrap_pi(x: f64) -> f64 {
    let r = (x + PI).rem_euclid(TAU) - PI;
    if r <= -PI {
        r + TAU
    } else {
        r
    }
}

/// The move's first part split in two minimum-jerk halves through `mid`.
fn split_move(
    old: &Part,
    channel: usize,
    start: &ToneState,
    mid: &ToneState,
) -> Result<[Part; 2], String> {
    let n_a = old.n_samples / 2;
    let n_b = old.n_samples - n_a;
    if n_a == 0 {
        return Err(format!(
            "the move lasts {} sample(s): too short to close phases",
            old.n_samples
        ));
    }
    let end = &old.channels[channel].end;
    let mut first = Vec::with_capacity(old.channels.len());
    let mut second = Vec::with_capacity(old.channels.len());
    for (c, cp) in old.channels.iter().enumerate() {
        if c == channel {
            // Identities change at the midpoint to the ones the segment ends with,
            // so the segment's end state is the one the next segment continues.
            let mid_out = ToneState {
                ids: end.ids.clone(),
                lineage: end.lineage.clone(),
                ..mid.clone()
            };
            // The program's own curve (linear or min-jerk) for both halves.
            let interp = cp.interp;
            first.push(ChannelPart {
                interp,
                start: start.clone(),
                end: mid_out.clone(),
            });
            second.push(ChannelPart {
                interp,
                start: mid_out,
                end: end.clone(),
            });
        } else if cp.is_constant() {
            first.push(cp.clone());
            second.push(cp.clone());
        } else {
            return Err(format!(
                "logical channel {c} changes during the move; only the moving channel may"
            ));
        }
    }
    let part = |n, channels| Part {
        n_samples: n,
        channels,
        op_index: old.op_index,
    };
    Ok([part(n_a, first), part(n_b, second)])
}

/// The midpoint state: mean frequencies plus `delta`, mean amplitudes.
fn midpoint(start: &ToneState, end: &ToneState, delta: &[f64]) -> ToneState {
    ToneState {
        freqs_hz: (0..start.len())
            .map(|i| 0.5 * (start.freqs_hz[i] + end.freqs_hz[i]) + delta[i])
            .collect(),
        amps: (0..start.len())
            .map(|i| 0.5 * (start.amps[i] + end.amps[i]))
            .collect(),
        phases_rad: end.phases_rad.clone(),
        ids: start.ids.clone(),
        lineage: start.lineage.clone(),
    }
}

/// Rebuilds the move of `t` with the loading tones `src` (one per result tone) and
/// closes every tone's end phase on `t.closing`.
pub fn close_move(t: &MoveTarget<'_>, src: &[usize]) -> Result<ClosedMove, String> {
    let q = t.program;
    let old = t.original;
    let loading = q.segments[t.segment - 1].segment.end_state(t.channel);
    let start = loading.select(src);
    let end = old.segment.parts[0].channels[t.channel].end.clone();
    if start.len() != end.len() {
        return Err(format!(
            "{} source tones for {} result tones",
            start.len(),
            end.len()
        ));
    }
    // d(end phase)/d(delta): 2 pi times half the move's duration.
    let slope = PI * old.segment.parts[0].n_samples as f64 / q.sample_rate_hz;
    let target = &t.closing[t.channel].phases_rad;
    let mut delta = vec![0.0; start.len()];
    let mut work = q.clone();
    for _ in 0..4 {
        let mid = midpoint(&start, &end, &delta);
        let [a, b] = split_move(&old.segment.parts[0], t.channel, &start, &mid)?;
        let mut segment = old.clone();
        segment.segment.parts.splice(0..1, [a, b]);
        work.segments[t.segment] = segment;
        let lowered = lower(
            &work,
            t.layout,
            t.options,
            t.segment..t.segment + 1,
            Some(t.previous_end),
        )
        .map_err(|e| e.to_string())?
        .remove(0);
        let got = &lowered.end[t.channel].phases_rad;
        let errors: Vec<f64> = got
            .iter()
            .zip(target)
            .map(|(g, w)| wrap_pi(w - g))
            .collect();
        let max_error = errors.iter().fold(0.0f64, |m, e| m.max(e.abs()));
        if max_error < 1e-10 {
            let mut segments = work.segments;
            return Ok(ClosedMove {
                segment: segments.swap_remove(t.segment),
                lowered,
                corrections_hz: delta,
                max_phase_error_rad: max_error,
            });
        }
        for (i, e) in errors.iter().enumerate() {
            delta[i] += e / slope;
            if delta[i].abs() > t.bound_hz {
                return Err(format!(
                    "closing tone {i}'s phase needs a {:.1} Hz excursion, more than the bound of {:.1} Hz",
                    delta[i].abs(),
                    t.bound_hz
                ));
            }
            let f_mid = 0.5 * (start.freqs_hz[i] + end.freqs_hz[i]) + delta[i];
            if !(f_mid > 0.0 && f_mid < 0.5 * q.sample_rate_hz) {
                return Err(format!(
                    "closing tone {i}'s phase would take it to {f_mid:.1} Hz, outside (0, fs/2)"
                ));
            }
        }
    }
    Err("the end phases did not converge to 1e-10 rad in 4 steps".into())
}
