//! Types of the resolved and quantised stages: segments of parts with integer
//! sample counts, per-channel start/end tone states, and tone identities.
//!
//! Every tone carries two labels. Its **identity** (`ids`) says which tone it is for
//! phase continuity: `use_def` and `add_tone` create identities, `move`,
//! `ramp_amp_to` and `hold` keep them, `remap_from_def` carries `src[i]`'s identity
//! to result tone `i`. Its **lineage** (`lineage`) says which absolute frequency
//! setting its frequency derives from: it changes wherever the frequency is set
//! absolutely (`use_def`, `add_tone`, the end of a remap), so a snapped frequency can
//! be propagated forward exactly as far as `docs/semantics.md` §5 says.

use crate::program::{Interp, PhaseMode, SegmentMode};

/// Label of a tone identity or frequency lineage.
pub type ToneId = u32;

/// The tones of one logical channel at one instant.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ToneState {
    /// Frequencies, Hz.
    pub freqs_hz: Vec<f64>,
    /// Amplitudes (mV, or optical power on a calibrated channel).
    pub amps: Vec<f64>,
    /// Phases stored by definitions / `add_tone`, radians (for `manual`).
    pub phases_rad: Vec<f64>,
    /// Tone identities.
    pub ids: Vec<ToneId>,
    /// Frequency lineages.
    pub lineage: Vec<ToneId>,
}

impl ToneState {
    /// Number of tones.
    pub fn len(&self) -> usize {
        self.freqs_hz.len()
    }

    /// True when no tone plays.
    pub fn is_empty(&self) -> bool {
        self.freqs_hz.is_empty()
    }

    /// The tones at `idxs`, in that order.
    pub fn select(&self, idxs: &[usize]) -> ToneState {
        ToneState {
            freqs_hz: idxs.iter().map(|&i| self.freqs_hz[i]).collect(),
            amps: idxs.iter().map(|&i| self.amps[i]).collect(),
            phases_rad: idxs.iter().map(|&i| self.phases_rad[i]).collect(),
            ids: idxs.iter().map(|&i| self.ids[i]).collect(),
            lineage: idxs.iter().map(|&i| self.lineage[i]).collect(),
        }
    }

    /// Same frequencies, amplitudes and phases (labels not compared).
    pub fn same_values(&self, other: &ToneState) -> bool {
        self.freqs_hz == other.freqs_hz
            && self.amps == other.amps
            && self.phases_rad == other.phases_rad
    }
}

/// What one logical channel does during a part.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelPart {
    /// Interpolation from `start` to `end`.
    pub interp: Interp,
    /// State at the part's first sample.
    pub start: ToneState,
    /// State the part moves towards (reached at the part's end).
    pub end: ToneState,
}

impl ChannelPart {
    /// A part in which the channel holds `state`.
    pub fn hold(state: &ToneState) -> ChannelPart {
        ChannelPart {
            interp: Interp::of(crate::program::InterpKind::Hold),
            start: state.clone(),
            end: state.clone(),
        }
    }

    /// True when nothing changes during the part.
    pub fn is_constant(&self) -> bool {
        self.interp.kind == crate::program::InterpKind::Hold && self.start.same_values(&self.end)
    }
}

/// A run of samples in which every channel follows one interpolation.
#[derive(Debug, Clone, PartialEq)]
pub struct Part {
    /// Length in samples.
    pub n_samples: u64,
    /// One entry per logical channel, in program order.
    pub channels: Vec<ChannelPart>,
    /// The op that produced the part (`None` for padding added by the quantiser).
    pub op_index: Option<usize>,
}

/// Kind of an instant (zero-duration) change of a channel's tones.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EventKind {
    /// `use_def`.
    UseDef,
    /// `add_tone`.
    AddTone,
    /// `remove_tones`.
    RemoveTones,
    /// `move` with zero duration.
    Move,
    /// `ramp_amp_to` with zero duration.
    RampAmp,
    /// `remap_from_def` with zero duration.
    Remap,
    /// A timed `remap_from_def` starting from its `src` tones (others end here).
    RemapSelect,
}

impl EventKind {
    /// Op name for messages.
    pub fn op_name(self) -> &'static str {
        match self {
            EventKind::UseDef => "use_def",
            EventKind::AddTone => "add_tone",
            EventKind::RemoveTones => "remove_tones",
            EventKind::Move => "move",
            EventKind::RampAmp => "ramp_amp_to",
            EventKind::Remap | EventKind::RemapSelect => "remap_from_def",
        }
    }
}

/// An instant change recorded by the resolver (used to explain discontinuities).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InstantEvent {
    /// Op index in the segment.
    pub op_index: usize,
    /// Logical channel index.
    pub channel: usize,
    /// What changed.
    pub kind: EventKind,
    /// Index of the part it precedes (0: at the segment's start).
    pub before_part: usize,
}

/// A segment in integer samples.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedSegment {
    /// Name.
    pub name: String,
    /// Step mode.
    pub mode: SegmentMode,
    /// Repetitions (1 for wait_trig).
    pub loop_count: u64,
    /// Start-phase rule.
    pub phase_mode: PhaseMode,
    /// Quantiser preference.
    pub snap_len_to_quantum: bool,
    /// Quantiser preference.
    pub snap_freqs_to_wrap: bool,
    /// Parts back to back.
    pub parts: Vec<Part>,
    /// Instant changes, in op order.
    pub events: Vec<InstantEvent>,
}

impl ResolvedSegment {
    /// Total length in samples.
    pub fn n_samples(&self) -> u64 {
        self.parts.iter().map(|p| p.n_samples).sum()
    }

    /// True for wait_trig and loop_n with more than one repetition.
    pub fn is_loopable(&self) -> bool {
        self.mode == SegmentMode::WaitTrig || self.loop_count > 1
    }

    /// Every part holds on every channel with start == end, and all parts carry the
    /// same state (`docs/semantics.md` §5).
    pub fn is_constant(&self) -> bool {
        let Some(first) = self.parts.first() else {
            return true;
        };
        self.parts.iter().all(|p| {
            p.channels
                .iter()
                .zip(&first.channels)
                .all(|(c, c0)| c.is_constant() && c.start.same_values(&c0.start))
        })
    }

    /// State of channel `ch` at the segment's first sample.
    pub fn start_state(&self, ch: usize) -> &ToneState {
        &self.parts[0].channels[ch].start
    }

    /// State of channel `ch` the segment ends in.
    pub fn end_state(&self, ch: usize) -> &ToneState {
        &self.parts[self.parts.len() - 1].channels[ch].end
    }
}

/// A program in integer samples.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedProgram {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Logical channel names.
    pub logical_channels: Vec<String>,
    /// Segments.
    pub segments: Vec<ResolvedSegment>,
}

impl ResolvedProgram {
    /// Total samples of one pass through every segment once.
    pub fn n_samples(&self) -> u64 {
        self.segments.iter().map(ResolvedSegment::n_samples).sum()
    }
}
