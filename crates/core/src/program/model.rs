//! The program as the user meant it (intent): logical channels, named tone
//! definitions and segments of operations, with times in seconds.
//!
//! Nothing here knows about samples; `pipeline::resolve` turns this into integer
//! sample counts. The meaning of every op is `docs/semantics.md` §2.

use indexmap::IndexMap;

pub use awgsf_plugin_api::InterpKind;

/// A whole program.
#[derive(Debug, Clone, PartialEq)]
pub struct Program {
    /// Logical channel names in order (e.g. `H`, `V`).
    pub logical_channels: Vec<String>,
    /// Named tone banks, in definition order.
    pub definitions: IndexMap<String, Definition>,
    /// Segments in play order.
    pub segments: Vec<Segment>,
}

/// A named tone bank for one logical channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Definition {
    /// Its name (the key in [`Program::definitions`]).
    pub name: String,
    /// The logical channel it belongs to.
    pub logical_channel: String,
    /// Tone frequencies, Hz.
    pub freqs_hz: Vec<f64>,
    /// Tone amplitudes: mV (uncalibrated) or optical power (calibrated channel).
    pub amps: Vec<f64>,
    /// Tone phases, radians (used by `manual` phase mode).
    pub phases_rad: Vec<f64>,
}

/// How a segment's step repeats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SegmentMode {
    /// Play `loop_count` times, then go on.
    LoopN,
    /// Repeat until a trigger has arrived, finishing the repetition in progress.
    WaitTrig,
}

impl SegmentMode {
    /// Name in program files.
    pub fn as_str(self) -> &'static str {
        match self {
            SegmentMode::LoopN => "loop_n",
            SegmentMode::WaitTrig => "wait_trig",
        }
    }
}

/// How a segment's start phases are chosen (`docs/semantics.md` §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum PhaseMode {
    /// The phases stored in the tone state.
    Manual,
    /// Continue the previous segment's phases by tone identity.
    Continue,
    /// Minimise the crest factor.
    Optimise,
}

impl PhaseMode {
    /// Name in program files.
    pub fn as_str(self) -> &'static str {
        match self {
            PhaseMode::Manual => "manual",
            PhaseMode::Continue => "continue",
            PhaseMode::Optimise => "optimise",
        }
    }

    /// Parses a name in program files (`optimize` is accepted too).
    pub fn parse(s: &str) -> Option<PhaseMode> {
        Some(match s {
            "manual" => PhaseMode::Manual,
            "continue" => PhaseMode::Continue,
            "optimise" | "optimize" => PhaseMode::Optimise,
            _ => return None,
        })
    }
}

/// One segment: a sequence of ops that becomes one card segment and one step.
#[derive(Debug, Clone, PartialEq)]
pub struct Segment {
    /// Name, unique in the program.
    pub name: String,
    /// Step mode.
    pub mode: SegmentMode,
    /// Repetitions for [`SegmentMode::LoopN`] (1 for `WaitTrig`).
    pub loop_count: u64,
    /// Start-phase rule.
    pub phase_mode: PhaseMode,
    /// Loopable segments snap their length to the global quantum.
    pub snap_len_to_quantum: bool,
    /// Constant loopable segments snap frequencies so every tone closes its phase.
    pub snap_freqs_to_wrap: bool,
    /// The operations, in order.
    pub ops: Vec<Op>,
}

impl Segment {
    /// A `once` segment (loop_n, 1 repetition) with default flags and no ops.
    pub fn once(name: impl Into<String>) -> Segment {
        Segment {
            name: name.into(),
            mode: SegmentMode::LoopN,
            loop_count: 1,
            phase_mode: PhaseMode::Continue,
            snap_len_to_quantum: true,
            snap_freqs_to_wrap: true,
            ops: Vec::new(),
        }
    }

    /// True for `wait_trig` segments and `loop_n` segments repeated more than once.
    pub fn is_loopable(&self) -> bool {
        self.mode == SegmentMode::WaitTrig || self.loop_count > 1
    }
}

/// Interpolation of a timed op.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Interp {
    /// Kind.
    pub kind: InterpKind,
    /// Time constant of `exp`, seconds; `None` for every other kind.
    pub tau_s: Option<f64>,
}

impl Interp {
    /// An interpolation without a time constant.
    pub const fn of(kind: InterpKind) -> Interp {
        Interp { kind, tau_s: None }
    }
}

/// Target of `ramp_amp_to`.
#[derive(Debug, Clone, PartialEq)]
pub enum AmpTarget {
    /// One value for every selected tone.
    Scalar(f64),
    /// One value per selected tone, or one value broadcast.
    List(Vec<f64>),
}

/// Destination indices of `remap_from_def`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Dst {
    /// Every tone of the target definition, in order.
    All,
    /// These tones of the target definition.
    List(Vec<usize>),
}

/// One operation of a segment (`docs/semantics.md` §2).
#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// All channels keep their state for `time_s`.
    Hold {
        /// Duration, seconds.
        time_s: f64,
    },
    /// The channel's tone bank becomes the definition (instant).
    UseDef {
        /// Logical channel.
        channel: String,
        /// Definition name.
        def: String,
    },
    /// Insert tones at `at` (end when `None`) (instant).
    AddTone {
        /// Logical channel.
        channel: String,
        /// Frequencies, Hz.
        freqs_hz: Vec<f64>,
        /// Amplitudes.
        amps: Vec<f64>,
        /// Phases, radians.
        phases_rad: Vec<f64>,
        /// Insertion index.
        at: Option<usize>,
    },
    /// Remove tones (instant).
    RemoveTones {
        /// Logical channel.
        channel: String,
        /// Indices to remove.
        idxs: Vec<usize>,
    },
    /// Add `df_hz` to the selected tones' frequencies over `time_s`.
    Move {
        /// Logical channel.
        channel: String,
        /// Frequency change, Hz.
        df_hz: f64,
        /// Duration, seconds.
        time_s: f64,
        /// Selected tones (`None`: all).
        idxs: Option<Vec<usize>>,
        /// `linear` or `min_jerk`.
        interp: Interp,
    },
    /// Ramp the selected amplitudes to `amps` over `time_s`.
    RampAmpTo {
        /// Logical channel.
        channel: String,
        /// Target amplitudes.
        amps: AmpTarget,
        /// Duration, seconds.
        time_s: f64,
        /// `linear`, `exp` (with `tau_s`), `min_jerk`, `geo_ramp` or `adiabatic_ramp`.
        interp: Interp,
        /// Selected tones (`None`: all).
        idxs: Option<Vec<usize>>,
    },
    /// Tween the current tones `src` to the definition's tones `dst`.
    RemapFromDef {
        /// Logical channel.
        channel: String,
        /// Target definition.
        target_def: String,
        /// Current tone indices.
        src: Vec<usize>,
        /// Target definition tone indices.
        dst: Dst,
        /// Duration, seconds.
        time_s: f64,
        /// `linear` or `min_jerk`.
        interp: Interp,
    },
    /// One time interval in which each listed channel does its timed op.
    Parallel {
        /// Duration, seconds (equal to every sub-op's time).
        time_s: f64,
        /// Timed ops on distinct channels.
        ops: Vec<Op>,
    },
}

/// The kind of an [`Op`], without its fields: the one table of op names, in the
/// TOML format (`op = "move"`) and in the reference JSON layout (`"MoveOp"`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OpKind {
    /// [`Op::Hold`].
    Hold,
    /// [`Op::UseDef`].
    UseDef,
    /// [`Op::AddTone`].
    AddTone,
    /// [`Op::RemoveTones`].
    RemoveTones,
    /// [`Op::Move`].
    Move,
    /// [`Op::RampAmpTo`].
    RampAmpTo,
    /// [`Op::RemapFromDef`].
    RemapFromDef,
    /// [`Op::Parallel`].
    Parallel,
}

impl OpKind {
    /// Every kind, in the order the format documentation lists them.
    pub const ALL: [OpKind; 8] = [
        OpKind::Hold,
        OpKind::UseDef,
        OpKind::AddTone,
        OpKind::RemoveTones,
        OpKind::Move,
        OpKind::RampAmpTo,
        OpKind::RemapFromDef,
        OpKind::Parallel,
    ];

    /// [`OpKind::name`] of every kind in [`OpKind::ALL`], in the same order.
    pub const NAMES: [&'static str; 8] = {
        let mut names = [""; 8];
        let mut i = 0;
        while i < names.len() {
            names[i] = OpKind::ALL[i].name();
            i += 1;
        }
        names
    };

    /// Name of the op in TOML program files and messages.
    pub const fn name(self) -> &'static str {
        match self {
            OpKind::Hold => "hold",
            OpKind::UseDef => "use_def",
            OpKind::AddTone => "add_tone",
            OpKind::RemoveTones => "remove_tones",
            OpKind::Move => "move",
            OpKind::RampAmpTo => "ramp_amp_to",
            OpKind::RemapFromDef => "remap_from_def",
            OpKind::Parallel => "parallel",
        }
    }

    /// Tag of the op in the reference JSON layout (`"op": "MoveOp"`).
    pub const fn json_tag(self) -> &'static str {
        match self {
            OpKind::Hold => "HoldOp",
            OpKind::UseDef => "UseDefOp",
            OpKind::AddTone => "AddToneOp",
            OpKind::RemoveTones => "RemoveTonesOp",
            OpKind::Move => "MoveOp",
            OpKind::RampAmpTo => "RampAmpToOp",
            OpKind::RemapFromDef => "RemapFromDefOp",
            OpKind::Parallel => "ParallelOp",
        }
    }

    /// The kind named `name` in TOML program files.
    pub fn parse(name: &str) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|k| k.name() == name)
    }

    /// The kind tagged `tag` in the reference JSON layout.
    pub fn from_json_tag(tag: &str) -> Option<OpKind> {
        OpKind::ALL.into_iter().find(|k| k.json_tag() == tag)
    }

    /// True for the timed single-channel ops, the only ones a `parallel` may hold.
    pub const fn runs_in_parallel(self) -> bool {
        matches!(
            self,
            OpKind::Move | OpKind::RampAmpTo | OpKind::RemapFromDef
        )
    }
}

impl Op {
    /// The op's kind.
    pub fn kind(&self) -> OpKind {
        match self {
            Op::Hold { .. } => OpKind::Hold,
            Op::UseDef { .. } => OpKind::UseDef,
            Op::AddTone { .. } => OpKind::AddTone,
            Op::RemoveTones { .. } => OpKind::RemoveTones,
            Op::Move { .. } => OpKind::Move,
            Op::RampAmpTo { .. } => OpKind::RampAmpTo,
            Op::RemapFromDef { .. } => OpKind::RemapFromDef,
            Op::Parallel { .. } => OpKind::Parallel,
        }
    }

    /// Name of the op in TOML program files and messages.
    pub fn name(&self) -> &'static str {
        self.kind().name()
    }

    /// The logical channel the op acts on, if it acts on one.
    pub fn channel(&self) -> Option<&str> {
        match self {
            Op::Hold { .. } | Op::Parallel { .. } => None,
            Op::UseDef { channel, .. }
            | Op::AddTone { channel, .. }
            | Op::RemoveTones { channel, .. }
            | Op::Move { channel, .. }
            | Op::RampAmpTo { channel, .. }
            | Op::RemapFromDef { channel, .. } => Some(channel),
        }
    }

    /// Duration of a timed op, `None` for instant ops.
    pub fn time_s(&self) -> Option<f64> {
        match self {
            Op::Hold { time_s }
            | Op::Move { time_s, .. }
            | Op::RampAmpTo { time_s, .. }
            | Op::RemapFromDef { time_s, .. }
            | Op::Parallel { time_s, .. } => Some(*time_s),
            Op::UseDef { .. } | Op::AddTone { .. } | Op::RemoveTones { .. } => None,
        }
    }

    /// Definitions the op refers to.
    pub fn referenced_definition(&self) -> Option<&str> {
        match self {
            Op::UseDef { def, .. } => Some(def),
            Op::RemapFromDef { target_def, .. } => Some(target_def),
            _ => None,
        }
    }
}

impl Program {
    /// Index of a logical channel by name.
    pub fn channel_index(&self, name: &str) -> Option<usize> {
        self.logical_channels.iter().position(|c| c == name)
    }

    /// Index of a segment by name.
    pub fn segment_index(&self, name: &str) -> Option<usize> {
        self.segments.iter().position(|s| s.name == name)
    }

    /// Names of the definitions a segment refers to (sorted, unique).
    pub fn referenced_definitions(&self, segment: &Segment) -> Vec<String> {
        fn walk<'a>(op: &'a Op, out: &mut Vec<&'a str>) {
            if let Some(d) = op.referenced_definition() {
                out.push(d);
            }
            if let Op::Parallel { ops, .. } = op {
                for o in ops {
                    walk(o, out);
                }
            }
        }
        let mut names = Vec::new();
        for op in &segment.ops {
            walk(op, &mut names);
        }
        let mut names: Vec<String> = names.into_iter().map(str::to_string).collect();
        names.sort();
        names.dedup();
        names
    }
}

#[cfg(test)]
mod tests {
    use super::OpKind;

    #[test]
    fn op_kinds_round_trip_through_both_names() {
        for kind in OpKind::ALL {
            assert_eq!(OpKind::parse(kind.name()), Some(kind));
            assert_eq!(OpKind::from_json_tag(kind.json_tag()), Some(kind));
        }
        assert_eq!(OpKind::NAMES, OpKind::ALL.map(OpKind::name));
        assert_eq!(OpKind::parse("MoveOp"), None);
        assert_eq!(OpKind::from_json_tag("move"), None);
    }
}
