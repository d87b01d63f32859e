//! Reading the TOML program format into the model, with a source map.

use indexmap::IndexMap;

use super::node::{Field, Table};
use super::{DEFINITION_KEYS, SEGMENT_KEYS, TOP_KEYS};
use crate::program::error::{Location, ProgramError};
use crate::program::model::{
    AmpTarget, Definition, Dst, Interp, InterpKind, Op, OpKind, PhaseMode, Program, Segment,
    SegmentMode,
};
use crate::program::source_map::{NodePositions, SourceMap};
use crate::program::suggest::did_you_mean;
use crate::program::units::Quantity;

type Res<T> = Result<T, ProgramError>;

/// Reads the top-level table of a program file.
pub(super) fn read_program(root: &Table<'_, '_>) -> Res<(Program, SourceMap)> {
    root.allow_only("a program", TOP_KEYS)?;
    let mut map = SourceMap {
        top: root.positions(),
        ..SourceMap::default()
    };
    let logical_channels = root.req("logical_channels")?.strings()?;
    let mut definitions = IndexMap::new();
    if let Some(defs) = root.get("definitions") {
        let defs_table = defs.table(Location::field("definitions"))?;
        for (name, field) in defs_table.entries() {
            let loc = Location {
                definition: Some(name.to_string()),
                ..Location::default()
            };
            let t = field.table(loc)?;
            let def = read_definition(name, &t)?;
            map.definitions.insert(name.to_string(), t.positions());
            definitions.insert(name.to_string(), def);
        }
    }
    let mut segments = Vec::new();
    for (si, sv) in root.req("segments")?.list()?.iter().enumerate() {
        let (segment, positions) = read_segment(si, sv)?;
        segments.push(segment);
        map.segments.push(positions);
    }
    Ok((
        Program {
            logical_channels,
            definitions,
            segments,
        },
        map,
    ))
}

fn read_definition(name: &str, t: &Table<'_, '_>) -> Res<Definition> {
    t.allow_only("a definition", DEFINITION_KEYS)?;
    let freqs_hz = t.req("freqs")?.numbers(Some(Quantity::Frequency), None)?;
    let n = freqs_hz.len();
    Ok(Definition {
        name: name.to_string(),
        logical_channel: t.req("channel")?.string()?.to_string(),
        amps: t.req("amps")?.numbers(None, Some(n))?,
        phases_rad: match t.get("phases") {
            Some(p) => p.numbers(None, Some(n))?,
            None => vec![0.0; n],
        },
        freqs_hz,
    })
}

fn read_segment(si: usize, sv: &Field<'_, '_>) -> Res<(Segment, NodePositions)> {
    // Read the name first so that every other error can name the segment.
    let probe = sv.table(Location::default())?;
    let name = match probe.get("name") {
        Some(n) => n.string()?.to_string(),
        None => String::new(),
    };
    let loc = Location {
        segment: Some((si, name.clone())),
        ..Location::default()
    };
    let t = sv.table(loc.clone())?;
    t.allow_only("a segment", SEGMENT_KEYS)?;
    t.req("name")?;
    let loop_count = match t.get("loop") {
        Some(l) => {
            let n = l.uint("a repetition count (an integer >= 1)")?;
            Some((n, l))
        }
        None => None,
    };
    let mode = match t.get("mode") {
        None => SegmentMode::LoopN,
        Some(m) => match m.string()? {
            "loop_n" => SegmentMode::LoopN,
            "wait_trig" => SegmentMode::WaitTrig,
            "once" => {
                if let Some((n, l)) = loop_count.as_ref().filter(|(n, _)| *n != 1) {
                    return Err(l.error(format!(
                        "mode \"once\" plays the segment one time, so loop = {n} contradicts it; \
                         write mode = \"loop_n\" to repeat it"
                    )));
                }
                SegmentMode::LoopN
            }
            other => {
                let modes = ["once", "loop_n", "wait_trig"];
                return Err(m.error(format!(
                    "unknown mode {other:?}{} (expected \"once\", \"loop_n\" or \"wait_trig\")",
                    did_you_mean(other, modes)
                )));
            }
        },
    };
    let loop_count = loop_count.map_or(1, |(n, _)| n);
    let phase_mode = match t.get("phase_mode") {
        None => PhaseMode::Continue,
        Some(p) => {
            let s = p.string()?;
            PhaseMode::parse(s).ok_or_else(|| {
                p.error(format!(
                    "unknown phase mode {s:?}{} (expected \"manual\", \"continue\" or \"optimise\")",
                    did_you_mean(s, ["manual", "continue", "optimise"])
                ))
            })?
        }
    };
    let flag = |key: &str| -> Res<bool> {
        match t.get(key) {
            Some(f) => f.boolean(),
            None => Ok(true),
        }
    };
    let snap_len_to_quantum = flag("snap_len_to_quantum")?;
    let snap_freqs_to_wrap = flag("snap_freqs_to_wrap")?;
    let mut positions = t.positions();
    let mut ops = Vec::new();
    for (oi, ov) in t.req("ops")?.list()?.iter().enumerate() {
        let (op, p) = read_op(&loc, oi, ov, None)?;
        ops.push(op);
        positions.children.push(p);
    }
    Ok((
        Segment {
            name,
            mode,
            loop_count,
            phase_mode,
            snap_len_to_quantum,
            snap_freqs_to_wrap,
            ops,
        },
        positions,
    ))
}

/// The keys each op takes. `tau` is read on every timed op so that any model
/// converts without loss; validation rejects it where the kind is not `exp`.
fn op_keys(kind: OpKind) -> &'static [&'static str] {
    match kind {
        OpKind::Hold => &["op", "time"],
        OpKind::UseDef => &["op", "channel", "def"],
        OpKind::AddTone => &[
            "op", "channel", "freq", "freqs", "amp", "amps", "phase", "phases", "at",
        ],
        OpKind::RemoveTones => &["op", "channel", "idxs"],
        OpKind::Move => &["op", "channel", "df", "time", "idxs", "kind", "tau"],
        OpKind::RampAmpTo => &["op", "channel", "amps", "time", "idxs", "kind", "tau"],
        OpKind::RemapFromDef => &[
            "op", "channel", "target", "src", "dst", "time", "kind", "tau",
        ],
        OpKind::Parallel => &["op", "time", "ops"],
    }
}

/// Reads op `oi` of a segment (or of a `parallel`, whose time the op inherits when
/// it gives none).
fn read_op(
    parent: &Location,
    oi: usize,
    ov: &Field<'_, '_>,
    inherited_time: Option<f64>,
) -> Res<(Op, NodePositions)> {
    let mut loc = parent.clone();
    loc.op.push((oi, "unknown op"));
    let tag = ov.table(loc.clone())?.req("op")?.string()?;
    let known = OpKind::parse(tag);
    if let (Some(kind), Some(last)) = (known, loc.op.last_mut()) {
        last.1 = kind.name();
    }
    let t = ov.table(loc.clone())?;
    let Some(kind) = known else {
        return Err(t.req("op")?.error(format!(
            "unknown op {tag:?}{} (expected one of: {})",
            did_you_mean(tag, OpKind::NAMES),
            OpKind::NAMES.join(", ")
        )));
    };
    t.allow_only(&format!("a {} op", kind.name()), op_keys(kind))?;
    let mut positions = t.positions();
    let r = OpFields {
        t: &t,
        inherited_time,
    };
    let op = match kind {
        OpKind::Hold => Op::Hold { time_s: r.time()? },
        OpKind::UseDef => read_use_def(&r)?,
        OpKind::AddTone => read_add_tone(&r)?,
        OpKind::RemoveTones => read_remove_tones(&r)?,
        OpKind::Move => read_move(&r)?,
        OpKind::RampAmpTo => read_ramp_amp_to(&r)?,
        OpKind::RemapFromDef => read_remap_from_def(&r)?,
        OpKind::Parallel => read_parallel(&r, &loc, &mut positions)?,
    };
    Ok((op, positions))
}

/// The table of one op, with the readers of the keys several kinds share.
struct OpFields<'r, 'a, 'i> {
    t: &'r Table<'a, 'i>,
    /// The time of an enclosing `parallel`, used when the op gives none.
    inherited_time: Option<f64>,
}

impl OpFields<'_, '_, '_> {
    fn channel(&self) -> Res<String> {
        Ok(self.t.req("channel")?.string()?.to_string())
    }

    fn time(&self) -> Res<f64> {
        match (self.t.get("time"), self.inherited_time) {
            (Some(f), _) => f.number(Some(Quantity::Time)),
            (None, Some(inherited)) => Ok(inherited),
            (None, None) => Err(self.t.missing("time")),
        }
    }

    fn idxs(&self) -> Res<Option<Vec<usize>>> {
        match self.t.get("idxs") {
            None => Ok(None),
            Some(f) if f.is_string("all") => Ok(None),
            Some(f) => f.indices().map(Some),
        }
    }

    fn interp(&self, default: InterpKind) -> Res<Interp> {
        let kind = match self.t.get("kind") {
            None => default,
            Some(f) => {
                let s = f.string()?;
                InterpKind::parse(s).ok_or_else(|| {
                    let kinds = [
                        "linear",
                        "min_jerk",
                        "exp",
                        "geo_ramp",
                        "adiabatic_ramp",
                        "hold",
                    ];
                    f.error(format!(
                        "unknown interpolation {s:?}{} (expected one of: {})",
                        did_you_mean(s, kinds),
                        kinds.join(", ")
                    ))
                })?
            }
        };
        let tau_s = match self.t.get("tau") {
            None => None,
            Some(f) => Some(f.number(Some(Quantity::Time))?),
        };
        Ok(Interp { kind, tau_s })
    }
}

fn read_use_def(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    Ok(Op::UseDef {
        channel: r.channel()?,
        def: r.t.req("def")?.string()?.to_string(),
    })
}

/// `freq`, `amp`, `phase` for one tone; the plural for one per tone.
fn read_add_tone(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    let t = r.t;
    let one_of = |singular: &str, plural: &str| match (t.get(singular), t.get(plural)) {
        (Some(_), Some(p)) => {
            Err(p.error(format!("give either `{singular}` or `{plural}`, not both")))
        }
        (Some(s), None) => Ok(Some((true, s))),
        (None, p) => Ok(p.map(|p| (false, p))),
    };
    let freqs_hz = match one_of("freq", "freqs")? {
        Some((true, f)) => vec![f.number(Some(Quantity::Frequency))?],
        Some((false, f)) => f.numbers(Some(Quantity::Frequency), None)?,
        None => return Err(t.missing("freq")),
    };
    let n = freqs_hz.len();
    let per_tone = |singular: &str, plural: &str| -> Res<Vec<f64>> {
        match one_of(singular, plural)? {
            Some((_, f)) => f.numbers(None, Some(n)),
            None => Ok(vec![0.0; n]),
        }
    };
    Ok(Op::AddTone {
        channel: r.channel()?,
        amps: per_tone("amp", "amps")?,
        phases_rad: per_tone("phase", "phases")?,
        at: match t.get("at") {
            Some(f) => Some(f.index()?),
            None => None,
        },
        freqs_hz,
    })
}

fn read_remove_tones(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    Ok(Op::RemoveTones {
        channel: r.channel()?,
        idxs: r.t.req("idxs")?.indices()?,
    })
}

fn read_move(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    Ok(Op::Move {
        channel: r.channel()?,
        df_hz: r.t.req("df")?.number(Some(Quantity::Frequency))?,
        time_s: r.time()?,
        idxs: r.idxs()?,
        interp: r.interp(InterpKind::Linear)?,
    })
}

fn read_ramp_amp_to(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    let a = r.t.req("amps")?;
    let amps = if a.is_compound() {
        AmpTarget::List(a.numbers(None, None)?)
    } else {
        AmpTarget::Scalar(a.number(None)?)
    };
    Ok(Op::RampAmpTo {
        channel: r.channel()?,
        amps,
        time_s: r.time()?,
        interp: r.interp(InterpKind::Linear)?,
        idxs: r.idxs()?,
    })
}

fn read_remap_from_def(r: &OpFields<'_, '_, '_>) -> Res<Op> {
    Ok(Op::RemapFromDef {
        channel: r.channel()?,
        target_def: r.t.req("target")?.string()?.to_string(),
        src: r.t.req("src")?.indices()?,
        dst: match r.t.get("dst") {
            None => Dst::All,
            Some(f) if f.is_string("all") => Dst::All,
            Some(f) => Dst::List(f.indices()?),
        },
        time_s: r.time()?,
        interp: r.interp(InterpKind::MinJerk)?,
    })
}

/// A `parallel` and its sub-ops (located under `loc`), whose positions go to
/// `positions`. Its time defaults to the first sub-op's.
fn read_parallel(
    r: &OpFields<'_, '_, '_>,
    loc: &Location,
    positions: &mut NodePositions,
) -> Res<Op> {
    let t = r.t;
    let own_time = match t.get("time") {
        Some(f) => Some(f.number(Some(Quantity::Time))?),
        None => None,
    };
    let mut ops = Vec::new();
    for (i, sub) in t.req("ops")?.list()?.iter().enumerate() {
        let (op, p) = read_op(loc, i, sub, own_time)?;
        ops.push(op);
        positions.children.push(p);
    }
    let time_s = match (own_time, ops.first().and_then(Op::time_s)) {
        (Some(t), _) => t,
        (None, Some(first)) => first,
        (None, None) => return Err(t.missing("time")),
    };
    Ok(Op::Parallel { time_s, ops })
}
