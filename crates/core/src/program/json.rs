//! The reference library's JSON layout of a program (schema
//! `awgsegmentfactory.intent_ir.IntentIR`, version 1): decoding with located errors,
//! and encoding to the same layout (key order included).

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::error::{Location, ProgramError};
use super::model::{
    AmpTarget, Definition, Dst, Interp, InterpKind, Op, OpKind, PhaseMode, Program, Segment,
    SegmentMode,
};

/// Schema name of the reference layout.
pub const SCHEMA: &str = "awgsegmentfactory.intent_ir.IntentIR";
/// Schema version of the reference layout.
pub const VERSION: u64 = 1;

/// Parses program JSON text.
pub fn from_json_str(text: &str) -> Result<Program, ProgramError> {
    let value: Value = crate::input::json::from_str_unique_keys(text).map_err(|e| {
        ProgramError::new(
            Location::field(""),
            format!(
                "not valid JSON: {e} (line {}, column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    from_json_value(&value)
}

/// Decodes a parsed JSON value in the reference layout.
pub fn from_json_value(value: &Value) -> Result<Program, ProgramError> {
    let top = Obj::new(value, Location::default(), "")?;
    top.allow_only(&[
        "__schema__",
        "version",
        "logical_channels",
        "definitions",
        "segments",
    ])?;
    match top.get("__schema__") {
        Some(Value::String(s)) if s == SCHEMA => {}
        other => {
            return Err(top.error(
                "__schema__",
                format!("expected \"{SCHEMA}\", got {}", describe(other)),
            ))
        }
    }
    match top.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        other => {
            return Err(top.error(
                "version",
                format!("expected {VERSION}, got {}", describe(other)),
            ))
        }
    }
    let logical_channels = top.strings("logical_channels")?;
    let mut definitions = IndexMap::new();
    let defs = top.object_map("definitions")?;
    for (key, dv) in defs {
        let loc = Location {
            definition: Some(key.clone()),
            ..Location::default()
        };
        let d = Obj::new(dv, loc, "")?;
        d.allow_only(&["name", "logical_channel", "freqs_hz", "amps", "phases_rad"])?;
        let freqs_hz = d.floats("freqs_hz")?;
        let n = freqs_hz.len();
        definitions.insert(
            key.clone(),
            Definition {
                name: d.opt_string("name")?.unwrap_or_else(|| key.clone()),
                logical_channel: d.string("logical_channel")?,
                freqs_hz,
                amps: d.floats("amps")?,
                phases_rad: d.opt_floats("phases_rad")?.unwrap_or_else(|| vec![0.0; n]),
            },
        );
    }
    let mut segments = Vec::new();
    for (si, sv) in top.array("segments")?.iter().enumerate() {
        segments.push(decode_segment(si, sv)?);
    }
    Ok(Program {
        logical_channels,
        definitions,
        segments,
    })
}

fn decode_segment(si: usize, sv: &Value) -> Result<Segment, ProgramError> {
    let name = sv
        .get("name")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_string();
    let loc = Location {
        segment: Some((si, name)),
        ..Location::default()
    };
    let s = Obj::new(sv, loc.clone(), "")?;
    s.allow_only(&[
        "name",
        "mode",
        "loop",
        "phase_mode",
        "snap_len_to_quantum",
        "snap_freqs_to_wrap",
        "ops",
    ])?;
    let mode = match s.string("mode")?.as_str() {
        "loop_n" => SegmentMode::LoopN,
        "wait_trig" => SegmentMode::WaitTrig,
        other => {
            return Err(s.error(
                "mode",
                format!("expected \"loop_n\" or \"wait_trig\", got \"{other}\""),
            ))
        }
    };
    let phase_mode = match s.opt_string("phase_mode")? {
        None => PhaseMode::Continue,
        Some(p) => PhaseMode::parse(&p).ok_or_else(|| {
            s.error(
                "phase_mode",
                format!("expected \"manual\", \"continue\" or \"optimise\", got \"{p}\""),
            )
        })?,
    };
    let mut ops = Vec::new();
    for (oi, ov) in s.array("ops")?.iter().enumerate() {
        ops.push(decode_op(&loc, oi, ov)?);
    }
    Ok(Segment {
        name: s.string("name")?,
        mode,
        loop_count: s.uint("loop")?,
        phase_mode,
        snap_len_to_quantum: s.opt_bool("snap_len_to_quantum")?.unwrap_or(true),
        snap_freqs_to_wrap: s.opt_bool("snap_freqs_to_wrap")?.unwrap_or(true),
        ops,
    })
}

/// Decodes op `oi` of a segment or of a `ParallelOp` (`parent`).
fn decode_op(parent: &Location, oi: usize, ov: &Value) -> Result<Op, ProgramError> {
    let tag = ov.get("op").and_then(Value::as_str).unwrap_or("");
    let kind = OpKind::from_json_tag(tag);
    let mut loc = parent.clone();
    loc.op.push((oi, kind.map_or("unknown op", OpKind::name)));
    let o = Obj::new(ov, loc.clone(), "")?;
    let Some(kind) = kind else {
        let tags = OpKind::ALL.map(OpKind::json_tag);
        let (last, rest) = tags.split_last().expect("there are op kinds");
        return Err(o.error(
            "op",
            format!(
                "unknown op {tag:?} (expected {} or {last})",
                rest.join(", ")
            ),
        ));
    };
    match kind {
        OpKind::Hold => {
            o.allow_only(&["op", "time_s"])?;
            Ok(Op::Hold {
                time_s: o.float("time_s")?,
            })
        }
        OpKind::UseDef => {
            o.allow_only(&["op", "logical_channel", "def_name"])?;
            Ok(Op::UseDef {
                channel: o.string("logical_channel")?,
                def: o.string("def_name")?,
            })
        }
        OpKind::AddTone => decode_add_tone(&o),
        OpKind::RemoveTones => {
            o.allow_only(&["op", "logical_channel", "idxs"])?;
            Ok(Op::RemoveTones {
                channel: o.string("logical_channel")?,
                idxs: o.indices("idxs")?,
            })
        }
        OpKind::Move => decode_move(&o),
        OpKind::RampAmpTo => decode_ramp_amp_to(&o),
        OpKind::RemapFromDef => decode_remap_from_def(&o),
        OpKind::Parallel => {
            o.allow_only(&["op", "time_s", "ops"])?;
            let mut ops = Vec::new();
            for (i, sub) in o.array("ops")?.iter().enumerate() {
                ops.push(decode_op(&loc, i, sub)?);
            }
            Ok(Op::Parallel {
                time_s: o.float("time_s")?,
                ops,
            })
        }
    }
}

fn decode_add_tone(o: &Obj<'_>) -> Result<Op, ProgramError> {
    o.allow_only(&[
        "op",
        "logical_channel",
        "freqs_hz",
        "amps",
        "phases_rad",
        "at",
    ])?;
    let freqs_hz = o.floats("freqs_hz")?;
    let n = freqs_hz.len();
    Ok(Op::AddTone {
        channel: o.string("logical_channel")?,
        freqs_hz,
        amps: o.opt_floats("amps")?.unwrap_or_else(|| vec![0.0; n]),
        phases_rad: o.opt_floats("phases_rad")?.unwrap_or_else(|| vec![0.0; n]),
        at: o.opt_index("at")?,
    })
}

fn decode_move(o: &Obj<'_>) -> Result<Op, ProgramError> {
    o.allow_only(&["op", "logical_channel", "df_hz", "time_s", "idxs", "interp"])?;
    Ok(Op::Move {
        channel: o.string("logical_channel")?,
        df_hz: o.float("df_hz")?,
        time_s: o.float("time_s")?,
        idxs: o.opt_indices("idxs")?,
        interp: o.interp("interp", InterpKind::Linear)?,
    })
}

fn decode_ramp_amp_to(o: &Obj<'_>) -> Result<Op, ProgramError> {
    o.allow_only(&[
        "op",
        "logical_channel",
        "amps_target",
        "time_s",
        "interp",
        "idxs",
    ])?;
    let amps = match o.get("amps_target") {
        Some(Value::Array(_)) => AmpTarget::List(o.floats("amps_target")?),
        _ => AmpTarget::Scalar(o.float("amps_target")?),
    };
    Ok(Op::RampAmpTo {
        channel: o.string("logical_channel")?,
        amps,
        time_s: o.float("time_s")?,
        interp: o.interp("interp", InterpKind::Linear)?,
        idxs: o.opt_indices("idxs")?,
    })
}

fn decode_remap_from_def(o: &Obj<'_>) -> Result<Op, ProgramError> {
    o.allow_only(&[
        "op",
        "logical_channel",
        "target_def",
        "src",
        "dst",
        "time_s",
        "interp",
    ])?;
    let dst = match o.get("dst") {
        Some(Value::String(s)) if s == "all" => Dst::All,
        _ => Dst::List(o.indices("dst")?),
    };
    Ok(Op::RemapFromDef {
        channel: o.string("logical_channel")?,
        target_def: o.string("target_def")?,
        src: o.indices("src")?,
        dst,
        time_s: o.float("time_s")?,
        interp: o.interp("interp", InterpKind::MinJerk)?,
    })
}

fn describe(v: Option<&Value>) -> String {
    match v {
        None => "nothing (the key is missing)".into(),
        Some(Value::Null) => "null".into(),
        Some(Value::Bool(b)) => format!("the boolean {b}"),
        Some(Value::Number(n)) => format!("the number {n}"),
        Some(Value::String(s)) => format!("the string \"{s}\""),
        Some(Value::Array(_)) => "a list".into(),
        Some(Value::Object(_)) => "an object".into(),
    }
}

/// A JSON object being decoded, with the location used for its errors.
struct Obj<'a> {
    map: &'a Map<String, Value>,
    loc: Location,
    prefix: String,
}

impl<'a> Obj<'a> {
    fn new(v: &'a Value, loc: Location, prefix: &str) -> Result<Obj<'a>, ProgramError> {
        match v {
            Value::Object(map) => Ok(Obj {
                map,
                loc,
                prefix: prefix.to_string(),
            }),
            other => Err(ProgramError::new(
                loc.with_field(prefix),
                format!("expected an object, got {}", describe(Some(other))),
            )),
        }
    }

    fn path(&self, key: &str) -> String {
        if self.prefix.is_empty() {
            key.to_string()
        } else {
            format!("{}.{key}", self.prefix)
        }
    }

    fn error(&self, key: &str, msg: impl Into<String>) -> ProgramError {
        ProgramError::new(self.loc.with_field(self.path(key)), msg)
    }

    fn get(&self, key: &str) -> Option<&'a Value> {
        self.map.get(key)
    }

    fn allow_only(&self, keys: &[&str]) -> Result<(), ProgramError> {
        for k in self.map.keys() {
            if !keys.contains(&k.as_str()) {
                return Err(self.error(
                    k,
                    format!("unknown key (expected one of: {})", keys.join(", ")),
                ));
            }
        }
        Ok(())
    }

    fn required(&self, key: &str) -> Result<&'a Value, ProgramError> {
        self.get(key)
            .ok_or_else(|| self.error(key, "missing required key"))
    }

    fn string(&self, key: &str) -> Result<String, ProgramError> {
        match self.required(key)? {
            Value::String(s) => Ok(s.clone()),
            other => Err(self.error(
                key,
                format!("expected a string, got {}", describe(Some(other))),
            )),
        }
    }

    fn opt_string(&self, key: &str) -> Result<Option<String>, ProgramError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.string(key).map(Some),
        }
    }

    fn opt_bool(&self, key: &str) -> Result<Option<bool>, ProgramError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(Value::Bool(b)) => Ok(Some(*b)),
            Some(other) => Err(self.error(
                key,
                format!("expected true or false, got {}", describe(Some(other))),
            )),
        }
    }

    fn float(&self, key: &str) -> Result<f64, ProgramError> {
        let v = self.required(key)?;
        v.as_f64()
            .ok_or_else(|| self.error(key, format!("expected a number, got {}", describe(Some(v)))))
    }

    fn uint(&self, key: &str) -> Result<u64, ProgramError> {
        let v = self.required(key)?;
        v.as_u64().ok_or_else(|| {
            self.error(
                key,
                format!("expected a non-negative integer, got {}", describe(Some(v))),
            )
        })
    }

    fn array(&self, key: &str) -> Result<&'a Vec<Value>, ProgramError> {
        match self.required(key)? {
            Value::Array(a) => Ok(a),
            other => Err(self.error(
                key,
                format!("expected a list, got {}", describe(Some(other))),
            )),
        }
    }

    fn object_map(&self, key: &str) -> Result<&'a Map<String, Value>, ProgramError> {
        match self.required(key)? {
            Value::Object(m) => Ok(m),
            other => Err(self.error(
                key,
                format!("expected an object, got {}", describe(Some(other))),
            )),
        }
    }

    fn strings(&self, key: &str) -> Result<Vec<String>, ProgramError> {
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| match v {
                Value::String(s) => Ok(s.clone()),
                other => Err(self.error(
                    &format!("{key}[{i}]"),
                    format!("expected a string, got {}", describe(Some(other))),
                )),
            })
            .collect()
    }

    fn floats(&self, key: &str) -> Result<Vec<f64>, ProgramError> {
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                v.as_f64().ok_or_else(|| {
                    self.error(
                        &format!("{key}[{i}]"),
                        format!("expected a number, got {}", describe(Some(v))),
                    )
                })
            })
            .collect()
    }

    fn opt_floats(&self, key: &str) -> Result<Option<Vec<f64>>, ProgramError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.floats(key).map(Some),
        }
    }

    fn indices(&self, key: &str) -> Result<Vec<usize>, ProgramError> {
        self.array(key)?
            .iter()
            .enumerate()
            .map(|(i, v)| {
                index_of(v).ok_or_else(|| {
                    self.error(
                        &format!("{key}[{i}]"),
                        format!(
                            "expected a tone index (integer >= 0), got {}",
                            describe(Some(v))
                        ),
                    )
                })
            })
            .collect()
    }

    fn opt_indices(&self, key: &str) -> Result<Option<Vec<usize>>, ProgramError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(_) => self.indices(key).map(Some),
        }
    }

    fn opt_index(&self, key: &str) -> Result<Option<usize>, ProgramError> {
        match self.get(key) {
            None | Some(Value::Null) => Ok(None),
            Some(v) => index_of(v).map(Some).ok_or_else(|| {
                self.error(
                    key,
                    format!(
                        "expected a tone index (integer >= 0) or null, got {}",
                        describe(Some(v))
                    ),
                )
            }),
        }
    }

    fn interp(&self, key: &str, default: InterpKind) -> Result<Interp, ProgramError> {
        let v = match self.get(key) {
            None | Some(Value::Null) => return Ok(Interp::of(default)),
            Some(v) => v,
        };
        let o = Obj::new(v, self.loc.clone(), &self.path(key))?;
        o.allow_only(&["kind", "tau_s"])?;
        let kind_name = o.string("kind")?;
        let kind = InterpKind::parse(&kind_name).ok_or_else(|| {
            o.error(
                "kind",
                format!(
                    "unknown interpolation {kind_name:?} (expected hold, linear, min_jerk, exp, geo_ramp or adiabatic_ramp)"
                ),
            )
        })?;
        let tau_s = match o.get("tau_s") {
            None | Some(Value::Null) => None,
            Some(_) => Some(o.float("tau_s")?),
        };
        Ok(Interp { kind, tau_s })
    }
}

fn index_of(v: &Value) -> Option<usize> {
    v.as_u64().and_then(|u| usize::try_from(u).ok())
}

// ---------------------------------------------------------------- encoding

/// Encodes a program in the reference layout. `dst = all` is written out as the list
/// of the target definition's indices, as the reference's builder does.
pub fn to_json_value(program: &Program) -> Value {
    let mut top = Map::new();
    top.insert("__schema__".into(), Value::from(SCHEMA));
    top.insert("version".into(), Value::from(VERSION));
    top.extend(encode_content(program));
    Value::Object(top)
}

/// The program's content (logical channels, definitions, segments) without the
/// schema header: what the digest hashes.
pub(crate) fn encode_content(program: &Program) -> Map<String, Value> {
    let mut m = Map::new();
    m.insert(
        "logical_channels".into(),
        Value::from(program.logical_channels.clone()),
    );
    m.insert("definitions".into(), encode_definitions(program));
    m.insert(
        "segments".into(),
        Value::Array(
            program
                .segments
                .iter()
                .map(|s| encode_segment(program, s))
                .collect(),
        ),
    );
    m
}

/// Encodes a program as pretty JSON text in the reference layout.
pub fn to_json_string(program: &Program) -> String {
    let mut s = serde_json::to_string_pretty(&to_json_value(program))
        .expect("JSON values always serialise");
    s.push('\n');
    s
}

/// Encodes the definitions object.
pub(crate) fn encode_definitions(program: &Program) -> Value {
    Value::Object(
        program
            .definitions
            .iter()
            .map(|(k, d)| (k.clone(), encode_definition(d)))
            .collect(),
    )
}

/// Encodes one definition.
pub(crate) fn encode_definition(d: &Definition) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::from(d.name.clone()));
    m.insert(
        "logical_channel".into(),
        Value::from(d.logical_channel.clone()),
    );
    m.insert("freqs_hz".into(), floats(&d.freqs_hz));
    m.insert("amps".into(), floats(&d.amps));
    m.insert("phases_rad".into(), floats(&d.phases_rad));
    Value::Object(m)
}

/// Encodes one segment.
pub(crate) fn encode_segment(program: &Program, s: &Segment) -> Value {
    let mut m = Map::new();
    m.insert("name".into(), Value::from(s.name.clone()));
    m.insert("mode".into(), Value::from(s.mode.as_str()));
    m.insert("loop".into(), Value::from(s.loop_count));
    m.insert("phase_mode".into(), Value::from(s.phase_mode.as_str()));
    m.insert(
        "snap_len_to_quantum".into(),
        Value::from(s.snap_len_to_quantum),
    );
    m.insert(
        "snap_freqs_to_wrap".into(),
        Value::from(s.snap_freqs_to_wrap),
    );
    m.insert(
        "ops".into(),
        Value::Array(s.ops.iter().map(|o| encode_op(program, o)).collect()),
    );
    Value::Object(m)
}

fn floats(v: &[f64]) -> Value {
    Value::Array(v.iter().map(|x| float(*x)).collect())
}

fn float(x: f64) -> Value {
    serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
}

fn indices(v: &[usize]) -> Value {
    Value::Array(v.iter().map(|x| Value::from(*x as u64)).collect())
}

fn interp(i: &Interp) -> Value {
    let mut m = Map::new();
    m.insert("kind".into(), Value::from(i.kind.as_str()));
    m.insert("tau_s".into(), i.tau_s.map_or(Value::Null, float));
    Value::Object(m)
}

fn encode_op(program: &Program, op: &Op) -> Value {
    let mut m = Map::new();
    m.insert("op".into(), Value::from(op.kind().json_tag()));
    match op {
        Op::Hold { time_s } => {
            m.insert("time_s".into(), float(*time_s));
        }
        Op::UseDef { channel, def } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert("def_name".into(), Value::from(def.clone()));
        }
        Op::AddTone {
            channel,
            freqs_hz,
            amps,
            phases_rad,
            at,
        } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert("freqs_hz".into(), floats(freqs_hz));
            m.insert("amps".into(), floats(amps));
            m.insert("phases_rad".into(), floats(phases_rad));
            m.insert(
                "at".into(),
                at.map_or(Value::Null, |a| Value::from(a as u64)),
            );
        }
        Op::RemoveTones { channel, idxs } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert("idxs".into(), indices(idxs));
        }
        Op::Move {
            channel,
            df_hz,
            time_s,
            idxs,
            interp: i,
        } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert("df_hz".into(), float(*df_hz));
            m.insert("time_s".into(), float(*time_s));
            m.insert("idxs".into(), idxs.as_deref().map_or(Value::Null, indices));
            m.insert("interp".into(), interp(i));
        }
        Op::RampAmpTo {
            channel,
            amps,
            time_s,
            interp: i,
            idxs,
        } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert(
                "amps_target".into(),
                match amps {
                    AmpTarget::Scalar(a) => float(*a),
                    AmpTarget::List(v) => floats(v),
                },
            );
            m.insert("time_s".into(), float(*time_s));
            m.insert("interp".into(), interp(i));
            m.insert("idxs".into(), idxs.as_deref().map_or(Value::Null, indices));
        }
        Op::RemapFromDef {
            channel,
            target_def,
            src,
            dst,
            time_s,
            interp: i,
        } => {
            m.insert("logical_channel".into(), Value::from(channel.clone()));
            m.insert("target_def".into(), Value::from(target_def.clone()));
            m.insert("src".into(), indices(src));
            m.insert("dst".into(), indices(&expand_dst(program, target_def, dst)));
            m.insert("time_s".into(), float(*time_s));
            m.insert("interp".into(), interp(i));
        }
        Op::Parallel { time_s, ops } => {
            m.insert("time_s".into(), float(*time_s));
            m.insert(
                "ops".into(),
                Value::Array(ops.iter().map(|o| encode_op(program, o)).collect()),
            );
        }
    }
    Value::Object(m)
}

/// The explicit destination indices of a remap (`all` → every index of the definition).
pub fn expand_dst(program: &Program, target_def: &str, dst: &Dst) -> Vec<usize> {
    match dst {
        Dst::List(v) => v.clone(),
        Dst::All => {
            let n = program
                .definitions
                .get(target_def)
                .map_or(0, |d| d.freqs_hz.len());
            (0..n).collect()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::from_json_str;

    #[test]
    fn unknown_op_lists_every_tag() {
        let text = r#"{"__schema__": "awgsegmentfactory.intent_ir.IntentIR", "version": 1,
            "logical_channels": ["H"], "definitions": {},
            "segments": [{"name": "a", "mode": "loop_n", "loop": 1,
                "ops": [{"op": "WaitOp"}]}]}"#;
        let e = from_json_str(text).unwrap_err().to_string();
        assert!(
            e.contains(
                "op 0 (unknown op), field `op`: unknown op \"WaitOp\" (expected HoldOp, UseDefOp, \
                 AddToneOp, RemoveTonesOp, MoveOp, RampAmpToOp, RemapFromDefOp or ParallelOp)"
            ),
            "{e}"
        );
    }
}
