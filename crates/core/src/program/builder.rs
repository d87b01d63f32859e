//! A fluent Rust builder for programs.
//!
//! ```
//! use awgsf_core::program::{ChannelOps, InterpKind, PhaseMode, ProgramBuilder};
//!
//! let program = ProgramBuilder::new()
//!     .logical_channel("H")
//!     .logical_channel("V")
//!     .define("init_H", "H", [90e6], [300.0])
//!     .define("init_V", "V", [100e6], [300.0])
//!     .segment("wait").wait_trig()
//!         .tones("H").use_def("init_H")
//!         .tones("V").use_def("init_V")
//!         .hold(200e-6)
//!     .segment("chirp_H").phase_mode(PhaseMode::Continue)
//!         .tones("H").move_by(2e6, 50e-6).idxs([0]).kind(InterpKind::MinJerk)
//!     .build()
//!     .unwrap();
//! assert_eq!(program.segments.len(), 2);
//! ```
//!
//! Optional parameters are set by modifiers that apply to the op just added
//! (`idxs`, `kind`, `tau`, `at`, `amp`, `phase`, `dst`) or to the current segment
//! (`wait_trig`, `loop_n`, `phase_mode`, `snap_len_to_quantum`,
//! `snap_freqs_to_wrap`). Misuse (a modifier that does not fit the last op, ops
//! before a segment) is reported by [`ProgramBuilder::build`] as a located error,
//! after which the program is validated as a whole.

use indexmap::IndexMap;

use super::error::{Location, ProgramError};
use super::model::*;
use super::validate::validate;

/// Builds a [`Program`] fluently.
#[derive(Debug, Clone)]
pub struct ProgramBuilder {
    program: Program,
    channel: Option<String>,
    error: Option<ProgramError>,
}

impl Default for ProgramBuilder {
    fn default() -> Self {
        Self::new()
    }
}

/// Operations on the current logical channel, shared by the program builder and the
/// body of a [`ProgramBuilder::parallel`] block.
pub trait ChannelOps: Sized {
    /// Records `op` (or an error) on the current channel.
    #[doc(hidden)]
    fn push_channel_op(self, make: impl FnOnce(String) -> Op) -> Self;
    /// Applies a modifier to the op just added.
    #[doc(hidden)]
    fn modify_last(self, what: &'static str, f: impl FnOnce(&mut Op) -> bool) -> Self;

    /// The channel's tone bank becomes the definition (instant).
    fn use_def(self, def: &str) -> Self {
        let def = def.to_string();
        self.push_channel_op(|channel| Op::UseDef { channel, def })
    }

    /// Appends one tone with amplitude 0 and phase 0 (set them with `amp`, `phase`,
    /// `at`).
    fn add_tone(self, f_hz: f64) -> Self {
        self.push_channel_op(|channel| Op::AddTone {
            channel,
            freqs_hz: vec![f_hz],
            amps: vec![0.0],
            phases_rad: vec![0.0],
            at: None,
        })
    }

    /// Removes tones by index (instant).
    fn remove_tones(self, idxs: impl IntoIterator<Item = usize>) -> Self {
        let idxs: Vec<usize> = idxs.into_iter().collect();
        self.push_channel_op(|channel| Op::RemoveTones { channel, idxs })
    }

    /// Adds `df_hz` to every tone's frequency (select with `idxs`) over `time_s`,
    /// linearly (change with `kind`).
    fn move_by(self, df_hz: f64, time_s: f64) -> Self {
        self.push_channel_op(|channel| Op::Move {
            channel,
            df_hz,
            time_s,
            idxs: None,
            interp: Interp::of(InterpKind::Linear),
        })
    }

    /// Ramps every tone's amplitude (select with `idxs`) to `amp` over `time_s`.
    fn ramp_amp_to(self, amp: f64, time_s: f64) -> Self {
        self.push_channel_op(|channel| Op::RampAmpTo {
            channel,
            amps: AmpTarget::Scalar(amp),
            time_s,
            interp: Interp::of(InterpKind::Linear),
            idxs: None,
        })
    }

    /// Ramps the selected tones' amplitudes to one value each.
    fn ramp_amps_to(self, amps: impl IntoIterator<Item = f64>, time_s: f64) -> Self {
        let amps: Vec<f64> = amps.into_iter().collect();
        self.push_channel_op(|channel| Op::RampAmpTo {
            channel,
            amps: AmpTarget::List(amps),
            time_s,
            interp: Interp::of(InterpKind::Linear),
            idxs: None,
        })
    }

    /// Tweens the current tones `src` to every tone of `target_def` (select with
    /// `dst`) over `time_s`, with a min-jerk curve (change with `kind`).
    fn remap_from_def(
        self,
        target_def: &str,
        src: impl IntoIterator<Item = usize>,
        time_s: f64,
    ) -> Self {
        let target_def = target_def.to_string();
        let src: Vec<usize> = src.into_iter().collect();
        self.push_channel_op(|channel| Op::RemapFromDef {
            channel,
            target_def,
            src,
            dst: Dst::All,
            time_s,
            interp: Interp::of(InterpKind::MinJerk),
        })
    }

    /// Selects the tones the last `move_by`/`ramp_amp_to` acts on.
    fn idxs(self, idxs: impl IntoIterator<Item = usize>) -> Self {
        let v: Vec<usize> = idxs.into_iter().collect();
        self.modify_last("idxs", move |op| match op {
            Op::Move { idxs, .. } | Op::RampAmpTo { idxs, .. } => {
                *idxs = Some(v);
                true
            }
            _ => false,
        })
    }

    /// Sets the interpolation of the last timed op.
    fn kind(self, kind: InterpKind) -> Self {
        self.modify_last("kind", move |op| match op {
            Op::Move { interp, .. }
            | Op::RampAmpTo { interp, .. }
            | Op::RemapFromDef { interp, .. } => {
                interp.kind = kind;
                true
            }
            _ => false,
        })
    }

    /// Sets the time constant of the last `ramp_amp_to` (for kind `exp`).
    fn tau(self, tau_s: f64) -> Self {
        self.modify_last("tau", move |op| match op {
            Op::RampAmpTo { interp, .. } => {
                interp.tau_s = Some(tau_s);
                true
            }
            _ => false,
        })
    }

    /// Sets the amplitude of the tone just added.
    fn amp(self, amp: f64) -> Self {
        self.modify_last("amp", move |op| match op {
            Op::AddTone { amps, .. } => {
                *amps = vec![amp];
                true
            }
            _ => false,
        })
    }

    /// Sets the phase of the tone just added.
    fn phase(self, phase_rad: f64) -> Self {
        self.modify_last("phase", move |op| match op {
            Op::AddTone { phases_rad, .. } => {
                *phases_rad = vec![phase_rad];
                true
            }
            _ => false,
        })
    }

    /// Sets the insertion index of the tone just added.
    fn at(self, index: usize) -> Self {
        self.modify_last("at", move |op| match op {
            Op::AddTone { at, .. } => {
                *at = Some(index);
                true
            }
            _ => false,
        })
    }

    /// Sets the destination tones of the last `remap_from_def`.
    fn dst(self, idxs: impl IntoIterator<Item = usize>) -> Self {
        let v: Vec<usize> = idxs.into_iter().collect();
        self.modify_last("dst", move |op| match op {
            Op::RemapFromDef { dst, .. } => {
                *dst = Dst::List(v);
                true
            }
            _ => false,
        })
    }
}

impl ProgramBuilder {
    /// An empty program.
    pub fn new() -> ProgramBuilder {
        ProgramBuilder {
            program: Program {
                logical_channels: Vec::new(),
                definitions: IndexMap::new(),
                segments: Vec::new(),
            },
            channel: None,
            error: None,
        }
    }

    fn fail(mut self, location: Location, message: impl Into<String>) -> Self {
        if self.error.is_none() {
            self.error = Some(ProgramError::new(location, message));
        }
        self
    }

    fn here(&self, field: &str) -> Location {
        let mut loc = Location::field(field);
        if let Some(i) = self.program.segments.len().checked_sub(1) {
            let seg = &self.program.segments[i];
            loc.segment = Some((i, seg.name.clone()));
            if let Some(oi) = seg.ops.len().checked_sub(1) {
                loc.op.push((oi, seg.ops[oi].name()));
            }
        }
        loc
    }

    /// Declares a logical channel (declaring it again is harmless).
    pub fn logical_channel(mut self, name: &str) -> Self {
        if !self.program.logical_channels.iter().any(|c| c == name) {
            self.program.logical_channels.push(name.to_string());
        }
        self
    }

    /// Defines a named tone bank with all phases 0.
    pub fn define(
        self,
        name: &str,
        channel: &str,
        freqs_hz: impl IntoIterator<Item = f64>,
        amps: impl IntoIterator<Item = f64>,
    ) -> Self {
        let freqs_hz: Vec<f64> = freqs_hz.into_iter().collect();
        let phases = vec![0.0; freqs_hz.len()];
        self.define_phased(name, channel, freqs_hz, amps, phases)
    }

    /// Defines a named tone bank with explicit phases (radians).
    pub fn define_phased(
        mut self,
        name: &str,
        channel: &str,
        freqs_hz: impl IntoIterator<Item = f64>,
        amps: impl IntoIterator<Item = f64>,
        phases_rad: impl IntoIterator<Item = f64>,
    ) -> Self {
        self.program.definitions.insert(
            name.to_string(),
            Definition {
                name: name.to_string(),
                logical_channel: channel.to_string(),
                freqs_hz: freqs_hz.into_iter().collect(),
                amps: amps.into_iter().collect(),
                phases_rad: phases_rad.into_iter().collect(),
            },
        );
        self
    }

    /// Starts a `once` segment (loop_n with one repetition, phase mode `continue`,
    /// both snap flags on). Following modifiers change it.
    pub fn segment(mut self, name: &str) -> Self {
        self.program.segments.push(Segment::once(name));
        self.channel = None;
        self
    }

    fn modify_segment(self, what: &str, f: impl FnOnce(&mut Segment)) -> Self {
        let mut this = self;
        match this.program.segments.last_mut() {
            Some(seg) => {
                f(seg);
                this
            }
            None => {
                let loc = this.here(what);
                this.fail(
                    loc,
                    format!("`{what}` needs a segment: call .segment(..) first"),
                )
            }
        }
    }

    /// Makes the current segment repeat until a trigger.
    pub fn wait_trig(self) -> Self {
        self.modify_segment("wait_trig", |s| {
            s.mode = SegmentMode::WaitTrig;
            s.loop_count = 1;
        })
    }

    /// Makes the current segment repeat `n` times.
    pub fn loop_n(self, n: u64) -> Self {
        self.modify_segment("loop_n", |s| {
            s.mode = SegmentMode::LoopN;
            s.loop_count = n;
        })
    }

    /// Sets the current segment's phase mode.
    pub fn phase_mode(self, mode: PhaseMode) -> Self {
        self.modify_segment("phase_mode", |s| s.phase_mode = mode)
    }

    /// Sets whether the current (loopable) segment snaps its length to the quantum.
    pub fn snap_len_to_quantum(self, on: bool) -> Self {
        self.modify_segment("snap_len_to_quantum", |s| s.snap_len_to_quantum = on)
    }

    /// Sets whether the current (constant, loopable) segment snaps frequencies to wrap.
    pub fn snap_freqs_to_wrap(self, on: bool) -> Self {
        self.modify_segment("snap_freqs_to_wrap", |s| s.snap_freqs_to_wrap = on)
    }

    /// Selects the logical channel the following channel ops act on.
    pub fn tones(mut self, channel: &str) -> Self {
        if self.program.segments.is_empty() {
            let loc = self.here("tones");
            return self.fail(loc, "`tones` needs a segment: call .segment(..) first");
        }
        self.channel = Some(channel.to_string());
        self
    }

    /// All channels hold their state for `time_s`.
    pub fn hold(self, time_s: f64) -> Self {
        self.push_op(Op::Hold { time_s })
    }

    /// Runs the timed ops recorded by `body` concurrently as one interval. Instant
    /// ops (and timed ops of zero duration) recorded in `body` are applied before it.
    pub fn parallel(self, body: impl FnOnce(ParallelBuilder) -> ParallelBuilder) -> Self {
        let block = body(ParallelBuilder {
            channel: None,
            ops: Vec::new(),
            error: None,
        });
        let mut this = self;
        if let Some(e) = block.error {
            let loc = this.here("parallel");
            return this.fail(loc, e);
        }
        if block.ops.is_empty() {
            let loc = this.here("parallel");
            return this.fail(loc, "parallel: no ops recorded");
        }
        let mut timed = Vec::new();
        for op in block.ops {
            let is_timed = matches!(
                op,
                Op::Move { .. } | Op::RampAmpTo { .. } | Op::RemapFromDef { .. }
            ) && op.time_s().unwrap_or(0.0) > 0.0;
            if is_timed {
                timed.push(op);
            } else {
                this = this.push_op(op);
            }
        }
        if timed.is_empty() {
            return this;
        }
        let time_s = timed[0].time_s().unwrap_or(0.0);
        this.push_op(Op::Parallel { time_s, ops: timed })
    }

    fn push_op(mut self, op: Op) -> Self {
        match self.program.segments.last_mut() {
            Some(seg) => {
                seg.ops.push(op);
                self
            }
            None => {
                let loc = self.here(op.name());
                let name = op.name();
                self.fail(
                    loc,
                    format!("`{name}` needs a segment: call .segment(..) first"),
                )
            }
        }
    }

    /// Finishes the program and validates it.
    pub fn build(self) -> Result<Program, ProgramError> {
        if let Some(e) = self.error {
            return Err(e);
        }
        validate(&self.program)?;
        Ok(self.program)
    }

    /// Finishes the program without validating it (for tests of validation itself).
    pub fn build_unchecked(self) -> Program {
        self.program
    }
}

impl ChannelOps for ProgramBuilder {
    fn push_channel_op(self, make: impl FnOnce(String) -> Op) -> Self {
        match self.channel.clone() {
            Some(ch) => self.push_op(make(ch)),
            None => {
                let loc = self.here("tones");
                self.fail(
                    loc,
                    "select a logical channel with .tones(..) before channel ops",
                )
            }
        }
    }

    fn modify_last(mut self, what: &'static str, f: impl FnOnce(&mut Op) -> bool) -> Self {
        let ok = self
            .program
            .segments
            .last_mut()
            .and_then(|s| s.ops.last_mut())
            .map(f)
            .unwrap_or(false);
        if ok {
            self
        } else {
            let loc = self.here(what);
            self.fail(loc, format!("`{what}` does not apply to the op just added"))
        }
    }
}

/// The body of a [`ProgramBuilder::parallel`] block.
#[derive(Debug, Clone)]
pub struct ParallelBuilder {
    channel: Option<String>,
    ops: Vec<Op>,
    error: Option<String>,
}

impl ParallelBuilder {
    /// Selects the logical channel the following ops act on.
    pub fn tones(mut self, channel: &str) -> Self {
        self.channel = Some(channel.to_string());
        self
    }
}

impl ChannelOps for ParallelBuilder {
    fn push_channel_op(mut self, make: impl FnOnce(String) -> Op) -> Self {
        match self.channel.clone() {
            Some(ch) => self.ops.push(make(ch)),
            None => {
                self.error.get_or_insert_with(|| {
                    "parallel: select a logical channel with .tones(..) first".into()
                });
            }
        }
        self
    }

    fn modify_last(mut self, what: &'static str, f: impl FnOnce(&mut Op) -> bool) -> Self {
        if !self.ops.last_mut().map(f).unwrap_or(false) {
            self.error.get_or_insert_with(|| {
                format!("parallel: `{what}` does not apply to the op just added")
            });
        }
        self
    }
}
