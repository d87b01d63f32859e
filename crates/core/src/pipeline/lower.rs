//! Lowering: a quantised program plus the physical setup to explicit render plans,
//! choosing every tone's start phase on the way (`docs/semantics.md` §6–7).
//!
//! Segments are lowered in program order because `continue` takes the previous
//! segment's end phases. A contiguous run of segments can be lowered alone when the
//! end phases of the segment before it are given (partial recompilation).

use std::ops::Range;

use awgsf_plugin_api::{
    ChannelPlan, InterpKind, OutputScale, PartPlan, SegmentPlan, Sin2Calibration, TonePlan,
};

use crate::phases::crest::Effort;
use crate::phases::start::{start_phases, StartPhases, TonePhases};
use crate::program::{Location, ProgramError};

use super::ir::{ChannelPart, ToneState};
use super::quantize::QuantizedProgram;

/// Which logical channel drives one output column, and its calibration.
#[derive(Debug, Clone, PartialEq)]
pub struct ColumnBinding {
    /// Hardware channel of the column.
    pub hardware_channel: u32,
    /// Logical channel index driving it, if any (otherwise the column outputs zeros).
    pub logical: Option<usize>,
    /// Optical-power calibration of the hardware channel.
    pub calibration: Option<Sin2Calibration>,
    /// Millivolt-to-code conversion of the hardware channel.
    pub scale: OutputScale,
}

/// The output columns (enabled hardware channels, in interleave order).
#[derive(Debug, Clone, PartialEq)]
pub struct OutputLayout {
    /// One entry per enabled hardware channel.
    pub columns: Vec<ColumnBinding>,
}

impl OutputLayout {
    /// Logical channel `i` on hardware channel `i`, uncalibrated, all with `scale`.
    pub fn identity(n_logical: usize, scale: OutputScale) -> OutputLayout {
        OutputLayout {
            columns: (0..n_logical)
                .map(|i| ColumnBinding {
                    hardware_channel: i as u32,
                    logical: Some(i),
                    calibration: None,
                    scale,
                })
                .collect(),
        }
    }

    fn column_of(&self, logical: usize) -> Option<&ColumnBinding> {
        self.columns.iter().find(|c| c.logical == Some(logical))
    }
}

/// Settings of lowering.
#[derive(Debug, Clone, PartialEq)]
pub struct LowerOptions {
    /// Crest-factor optimiser effort.
    pub effort: Effort,
}

/// One lowered segment.
#[derive(Debug, Clone, PartialEq)]
pub struct LoweredSegment {
    /// What a synthesis backend renders.
    pub plan: SegmentPlan,
    /// Start phases per logical channel, and how they were chosen.
    pub start: Vec<StartPhases>,
    /// End phases per logical channel (what `continue` successors take).
    pub end: Vec<TonePhases>,
}

/// RF amplitude of each tone of `state` (calibrated when the channel has a calibration).
pub fn rf_amplitudes(state: &ToneState, calibration: Option<&Sin2Calibration>) -> Vec<f64> {
    match calibration {
        None => state.amps.clone(),
        Some(cal) => state
            .freqs_hz
            .iter()
            .zip(&state.amps)
            .map(|(&f, &p)| awgsf_math::calibrated_amplitude(cal, f, p).mv)
            .collect(),
    }
}

/// Lowers segments `range` of `q`. `seed` gives the end phases (per logical channel)
/// of segment `range.start - 1`; without it a `continue` segment at `range.start > 0`
/// is an error, since its start phases would be unknown.
pub fn lower(
    q: &QuantizedProgram,
    layout: &OutputLayout,
    opts: &LowerOptions,
    range: Range<usize>,
    seed: Option<&[TonePhases]>,
) -> Result<Vec<LoweredSegment>, ProgramError> {
    for (ci, name) in q.logical_channels.iter().enumerate() {
        if layout.column_of(ci).is_none() {
            return Err(ProgramError::new(
                Location::field(format!("setup.map.{name}")),
                format!(
                    "logical channel '{name}' is not mapped to an enabled hardware channel (enabled: {:?})",
                    layout.columns.iter().map(|c| c.hardware_channel).collect::<Vec<_>>()
                ),
            ));
        }
    }
    let mut previous: Option<Vec<TonePhases>> = seed.map(<[TonePhases]>::to_vec);
    let mut out = Vec::with_capacity(range.len());
    for si in range.clone() {
        let qs = &q.segments[si];
        let seg = &qs.segment;
        if si == range.start
            && si > 0
            && previous.is_none()
            && seg.phase_mode == crate::program::PhaseMode::Continue
        {
            return Err(ProgramError::new(
                Location {
                    segment: Some((si, seg.name.clone())),
                    field: "phase_mode".into(),
                    ..Location::default()
                },
                "a `continue` segment can only be recompiled with the end phases of the segment before it",
            ));
        }
        let n_logical = q.logical_channels.len();
        let mut starts = Vec::with_capacity(n_logical);
        let mut ends = Vec::with_capacity(n_logical);
        let mut channel_parts: Vec<Vec<PartPlan>> = Vec::with_capacity(n_logical);
        for ci in 0..n_logical {
            let cal = layout.column_of(ci).and_then(|c| c.calibration.as_ref());
            let first = &seg.parts[0].channels[ci];
            let prev = if si == 0 {
                None
            } else {
                previous.as_ref().map(|p| &p[ci])
            };
            let start = start_phases(
                seg.phase_mode,
                &first.start,
                &rf_amplitudes(&first.start, cal),
                prev,
                &opts.effort,
            )
            .map_err(|e| {
                ProgramError::new(
                    Location {
                        segment: Some((si, seg.name.clone())),
                        field: format!("{}.phases", q.logical_channels[ci]),
                        ..Location::default()
                    },
                    e,
                )
            })?;
            let (parts, end) = channel_plan(
                seg.parts.iter().map(|p| (p.n_samples, &p.channels[ci])),
                &start.phases_rad,
                q.sample_rate_hz,
            );
            starts.push(start);
            ends.push(end);
            channel_parts.push(parts);
        }
        let channels = layout
            .columns
            .iter()
            .map(|c| ChannelPlan {
                hardware_channel: c.hardware_channel,
                calibration: c.calibration.clone().into(),
                parts: c
                    .logical
                    .map(|l| channel_parts[l].clone())
                    .unwrap_or_default()
                    .into(),
                scale: c.scale,
            })
            .collect::<Vec<_>>();
        let plan = SegmentPlan {
            index: si as u32,
            n_samples: seg.n_samples(),
            sample_rate_hz: q.sample_rate_hz,
            channels: channels.into(),
        };
        previous = Some(ends.clone());
        out.push(LoweredSegment {
            plan,
            start: starts,
            end: ends,
        });
    }
    Ok(out)
}

/// The parts of one logical channel with start phases carried from part to part:
/// by identity where the tone continues, otherwise by position. Returns the parts
/// and the channel's end phases.
fn channel_plan<'a>(
    parts: impl Iterator<Item = (u64, &'a ChannelPart)>,
    start_phases: &[f64],
    fs: f64,
) -> (Vec<PartPlan>, TonePhases) {
    let mut out: Vec<PartPlan> = Vec::new();
    let mut offset = 0u64;
    let mut carried: Option<TonePhases> = None;
    for (n, cp) in parts {
        let phase0: Vec<f64> = match &carried {
            None => start_phases.to_vec(),
            Some(prev) => (0..cp.start.len())
                .map(
                    |i| match prev.ids.iter().position(|id| *id == cp.start.ids[i]) {
                        Some(j) => prev.phases_rad[j],
                        None => prev
                            .phases_rad
                            .get(i)
                            .copied()
                            .unwrap_or(cp.start.phases_rad[i]),
                    },
                )
                .collect(),
        };
        let kind = cp.interp.kind;
        let part = PartPlan {
            offset,
            n_samples: n,
            kind,
            tau_s: if kind == InterpKind::Exp {
                cp.interp.tau_s.unwrap_or(0.0)
            } else {
                0.0
            },
            tones: (0..cp.start.len())
                .map(|i| TonePlan {
                    f0_hz: cp.start.freqs_hz[i],
                    f1_hz: cp.end.freqs_hz[i],
                    a0: cp.start.amps[i],
                    a1: cp.end.amps[i],
                    phase0_rad: awgsf_math::wrap_phase(phase0[i]),
                })
                .collect::<Vec<_>>()
                .into(),
        };
        let end_phases = awgsf_math::end_phases(&part, fs);
        carried = Some(TonePhases {
            ids: cp.end.ids.clone(),
            freqs_hz: cp.end.freqs_hz.clone(),
            phases_rad: end_phases,
        });
        offset += n;
        out.push(part);
    }
    (out, carried.unwrap_or_default())
}
