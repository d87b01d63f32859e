//! Static checks of a program (`docs/semantics.md` §2) that need no sample rate.
//!
//! Checks that depend on the tone state reached at an op (index ranges, tone counts,
//! segment length in samples) are made by `pipeline::resolve`, with the same kind of
//! located error.

use std::collections::HashSet;

use super::error::{printable, Location, ProgramError};
use super::model::{AmpTarget, Dst, Interp, InterpKind, Op, OpKind, Program, Segment, SegmentMode};
use super::suggest::did_you_mean;

type Check = Result<(), ProgramError>;

/// Checks everything about `program` that does not depend on the sample rate or on
/// the tone state reached at each op. Returns the first problem found.
pub fn validate(program: &Program) -> Check {
    if program.logical_channels.is_empty() {
        return err(
            Location::field("logical_channels"),
            "a program needs at least one logical channel",
        );
    }
    let mut seen = HashSet::new();
    for (i, c) in program.logical_channels.iter().enumerate() {
        if c.is_empty() {
            return err(
                Location::field(format!("logical_channels[{i}]")),
                "a logical channel name must not be empty",
            );
        }
        no_control(
            &Location::field(format!("logical_channels[{i}]")),
            "logical channel",
            c,
        )?;
        if !seen.insert(c.as_str()) {
            return err(
                Location::field(format!("logical_channels[{i}]")),
                format!("logical channel '{c}' is declared twice"),
            );
        }
    }
    for (key, def) in &program.definitions {
        check_definition(program, key, def)?;
    }
    if program.segments.is_empty() {
        return err(
            Location::field("segments"),
            "a program needs at least one segment",
        );
    }
    let mut names: std::collections::HashMap<&str, usize> = Default::default();
    for (si, seg) in program.segments.iter().enumerate() {
        let loc = Location {
            segment: Some((si, seg.name.clone())),
            ..Location::default()
        };
        if seg.name.is_empty() {
            return err(loc.with_field("name"), "a segment name must not be empty");
        }
        no_control(&loc.with_field("name"), "segment", &seg.name)?;
        if let Some(first) = names.insert(seg.name.as_str(), si) {
            return err(
                loc.with_field("name"),
                format!(
                    "segment name '{}' is already used by segment {first}; names must be unique",
                    seg.name
                ),
            );
        }
        check_segment(program, seg, &loc)?;
    }
    Ok(())
}

fn err(location: Location, message: impl Into<String>) -> Check {
    Err(ProgramError::new(location, message))
}

/// Names end up in one-line messages, file names and plots: no control characters
/// (newline, tab, escape, ...).
fn no_control(loc: &Location, what: &str, name: &str) -> Check {
    match name.chars().position(char::is_control) {
        Some(i) => err(
            loc.clone(),
            format!(
                "a {what} name must not contain control characters, found U+{:04X} at character {i} of '{}'",
                name.chars().nth(i).map_or(0, u32::from),
                printable(name)
            ),
        ),
        None => Ok(()),
    }
}

fn check_definition(program: &Program, key: &str, def: &super::model::Definition) -> Check {
    let loc = Location {
        definition: Some(key.to_string()),
        ..Location::default()
    };
    no_control(&loc.with_field("name"), "definition", key)?;
    if def.name != key {
        return err(
            loc.with_field("name"),
            format!(
                "definition stored under '{key}' is named '{}'",
                printable(&def.name)
            ),
        );
    }
    check_channel(program, &loc, &def.logical_channel)?;
    let n = def.freqs_hz.len();
    if def.amps.len() != n {
        return err(
            loc.with_field("amps"),
            format!(
                "expected {n} amplitudes (one per frequency), got {}",
                def.amps.len()
            ),
        );
    }
    if def.phases_rad.len() != n {
        return err(
            loc.with_field("phases_rad"),
            format!(
                "expected {n} phases (one per frequency), got {}",
                def.phases_rad.len()
            ),
        );
    }
    finite_all(&loc, "freqs_hz", &def.freqs_hz)?;
    finite_all(&loc, "amps", &def.amps)?;
    finite_all(&loc, "phases_rad", &def.phases_rad)
}

fn finite_all(loc: &Location, field: &str, values: &[f64]) -> Check {
    match values.iter().position(|v| !v.is_finite()) {
        Some(i) => err(
            loc.with_field(format!("{field}[{i}]")),
            format!("expected a finite number, got {}", values[i]),
        ),
        None => Ok(()),
    }
}

fn finite(loc: &Location, field: &str, v: f64) -> Check {
    if v.is_finite() {
        Ok(())
    } else {
        err(
            loc.with_field(field),
            format!("expected a finite number, got {v}"),
        )
    }
}

fn check_segment(program: &Program, seg: &Segment, loc: &Location) -> Check {
    if seg.loop_count < 1 {
        return err(
            loc.with_field("loop"),
            format!("expected loop >= 1, got {}", seg.loop_count),
        );
    }
    if seg.mode == SegmentMode::WaitTrig && seg.loop_count != 1 {
        return err(
            loc.with_field("loop"),
            format!(
                "a wait_trig segment repeats until a trigger, so loop must be 1, got {}",
                seg.loop_count
            ),
        );
    }
    for (oi, op) in seg.ops.iter().enumerate() {
        let mut oloc = loc.clone();
        oloc.op.push((oi, op.name()));
        check_op(program, op, &oloc, false)?;
    }
    Ok(())
}

fn check_time(loc: &Location, time_s: f64) -> Check {
    if !time_s.is_finite() || time_s < 0.0 {
        return err(
            loc.with_field("time_s"),
            format!("expected a finite, non-negative time in seconds, got {time_s}"),
        );
    }
    Ok(())
}

fn check_channel(program: &Program, loc: &Location, channel: &str) -> Check {
    if program.channel_index(channel).is_none() {
        return err(
            loc.with_field("logical_channel"),
            format!(
                "unknown logical channel '{}' (declared: {})",
                printable(channel),
                program.logical_channels.join(", ")
            ),
        );
    }
    Ok(())
}

fn check_def_ref<'p>(
    program: &'p Program,
    loc: &Location,
    field: &str,
    channel: &str,
    def: &str,
) -> Result<&'p super::model::Definition, ProgramError> {
    let Some(d) = program.definitions.get(def) else {
        let known: Vec<&str> = program.definitions.keys().map(String::as_str).collect();
        let listed = if known.is_empty() {
            "the program defines none".to_string()
        } else {
            format!("defined: {}", known.join(", "))
        };
        return Err(ProgramError::new(
            loc.with_field(field),
            format!(
                "unknown definition '{}' ({listed}){}",
                printable(def),
                did_you_mean(def, known.iter().copied())
            ),
        ));
    };
    if d.logical_channel != channel {
        return Err(ProgramError::new(
            loc.with_field(field),
            format!(
                "definition '{def}' belongs to logical channel '{}', not '{channel}'",
                d.logical_channel
            ),
        ));
    }
    Ok(d)
}

fn check_interp(loc: &Location, interp: &Interp, allowed: &[InterpKind]) -> Check {
    if !allowed.contains(&interp.kind) {
        let names: Vec<&str> = allowed.iter().map(|k| k.as_str()).collect();
        return err(
            loc.with_field("kind"),
            format!(
                "expected one of {}, got '{}'",
                names.join(", "),
                interp.kind.as_str()
            ),
        );
    }
    match (interp.kind, interp.tau_s) {
        (InterpKind::Exp, None) => err(
            loc.with_field("tau_s"),
            "kind 'exp' needs a time constant tau_s",
        ),
        (InterpKind::Exp, Some(t)) if !(t.is_finite() && t > 0.0) => err(
            loc.with_field("tau_s"),
            format!("expected a finite time constant > 0 s, got {t}"),
        ),
        (k, Some(_)) if k != InterpKind::Exp => err(
            loc.with_field("tau_s"),
            format!("tau_s is only valid for kind 'exp', not '{}'", k.as_str()),
        ),
        _ => Ok(()),
    }
}

fn check_unique(loc: &Location, field: &str, idxs: &[usize]) -> Check {
    let mut seen = HashSet::new();
    for (i, v) in idxs.iter().enumerate() {
        if !seen.insert(*v) {
            return err(
                loc.with_field(format!("{field}[{i}]")),
                format!("tone index {v} is listed twice"),
            );
        }
    }
    Ok(())
}

const MOVE_KINDS: &[InterpKind] = &[InterpKind::Linear, InterpKind::MinJerk];
const RAMP_KINDS: &[InterpKind] = &[
    InterpKind::Linear,
    InterpKind::Exp,
    InterpKind::MinJerk,
    InterpKind::GeoRamp,
    InterpKind::AdiabaticRamp,
];

fn check_op(program: &Program, op: &Op, loc: &Location, in_parallel: bool) -> Check {
    if let Some(t) = op.time_s() {
        check_time(loc, t)?;
    }
    if let Some(ch) = op.channel() {
        check_channel(program, loc, ch)?;
    }
    match op {
        Op::Hold { .. } => Ok(()),
        Op::UseDef { channel, def } => {
            check_def_ref(program, loc, "def_name", channel, def).map(|_| ())
        }
        Op::AddTone {
            freqs_hz,
            amps,
            phases_rad,
            ..
        } => check_add_tone(loc, freqs_hz, amps, phases_rad),
        Op::RemoveTones { idxs, .. } => check_remove_tones(loc, idxs),
        Op::Move {
            df_hz,
            idxs,
            interp,
            ..
        } => check_move(loc, *df_hz, idxs.as_deref(), interp),
        Op::RampAmpTo {
            amps, interp, idxs, ..
        } => check_ramp_amp_to(loc, amps, interp, idxs.as_deref()),
        Op::RemapFromDef {
            channel,
            target_def,
            src,
            dst,
            interp,
            ..
        } => check_remap_from_def(program, loc, channel, target_def, src, dst, interp),
        Op::Parallel { time_s, ops } => {
            if in_parallel {
                return err(
                    loc.with_field("ops"),
                    "a parallel op cannot contain another parallel op",
                );
            }
            check_parallel(program, loc, *time_s, ops)
        }
    }
}

fn check_add_tone(loc: &Location, freqs_hz: &[f64], amps: &[f64], phases_rad: &[f64]) -> Check {
    if freqs_hz.is_empty() {
        return err(
            loc.with_field("freqs_hz"),
            "add_tone needs at least one frequency",
        );
    }
    if amps.len() != freqs_hz.len() {
        return err(
            loc.with_field("amps"),
            format!(
                "expected {} amplitudes (one per frequency), got {}",
                freqs_hz.len(),
                amps.len()
            ),
        );
    }
    if phases_rad.len() != freqs_hz.len() {
        return err(
            loc.with_field("phases_rad"),
            format!(
                "expected {} phases (one per frequency), got {}",
                freqs_hz.len(),
                phases_rad.len()
            ),
        );
    }
    finite_all(loc, "freqs_hz", freqs_hz)?;
    finite_all(loc, "amps", amps)?;
    finite_all(loc, "phases_rad", phases_rad)
}

fn check_remove_tones(loc: &Location, idxs: &[usize]) -> Check {
    if idxs.is_empty() {
        return err(
            loc.with_field("idxs"),
            "remove_tones needs at least one tone index",
        );
    }
    check_unique(loc, "idxs", idxs)
}

fn check_move(loc: &Location, df_hz: f64, idxs: Option<&[usize]>, interp: &Interp) -> Check {
    finite(loc, "df_hz", df_hz)?;
    check_interp(loc, interp, MOVE_KINDS)?;
    match idxs {
        Some(i) => check_unique(loc, "idxs", i),
        None => Ok(()),
    }
}

fn check_ramp_amp_to(
    loc: &Location,
    amps: &AmpTarget,
    interp: &Interp,
    idxs: Option<&[usize]>,
) -> Check {
    check_interp(loc, interp, RAMP_KINDS)?;
    match amps {
        AmpTarget::Scalar(a) => finite(loc, "amps_target", *a)?,
        AmpTarget::List(v) => {
            if v.is_empty() {
                return err(
                    loc.with_field("amps_target"),
                    "expected at least one target amplitude",
                );
            }
            finite_all(loc, "amps_target", v)?;
            if let Some(sel) = idxs {
                if v.len() != 1 && v.len() != sel.len() {
                    return err(
                        loc.with_field("amps_target"),
                        format!(
                            "expected 1 value or {} values (one per selected tone), got {}",
                            sel.len(),
                            v.len()
                        ),
                    );
                }
            }
        }
    }
    match idxs {
        Some(i) => check_unique(loc, "idxs", i),
        None => Ok(()),
    }
}

fn check_remap_from_def(
    program: &Program,
    loc: &Location,
    channel: &str,
    target_def: &str,
    src: &[usize],
    dst: &Dst,
    interp: &Interp,
) -> Check {
    let d = check_def_ref(program, loc, "target_def", channel, target_def)?;
    check_interp(loc, interp, MOVE_KINDS)?;
    let n_dst = match dst {
        Dst::All => d.freqs_hz.len(),
        Dst::List(v) => {
            if let Some((i, bad)) = v.iter().enumerate().find(|(_, x)| **x >= d.freqs_hz.len()) {
                return err(
                    loc.with_field(format!("dst[{i}]")),
                    format!(
                        "tone index {bad} is out of range: definition '{target_def}' has {} tones",
                        d.freqs_hz.len()
                    ),
                );
            }
            v.len()
        }
    };
    if src.len() != n_dst {
        return err(
            loc.with_field("src"),
            format!(
                "src lists {} tones but dst selects {n_dst}; they must pair up one to one",
                src.len()
            ),
        );
    }
    Ok(())
}

/// The sub-ops of a `parallel` (not itself inside one): timed channel ops, one per
/// channel, each taking the parallel's time.
fn check_parallel(program: &Program, loc: &Location, time_s: f64, ops: &[Op]) -> Check {
    if ops.is_empty() {
        return err(
            loc.with_field("ops"),
            "a parallel op needs at least one timed op",
        );
    }
    let mut channels: std::collections::HashMap<&str, usize> = Default::default();
    for (i, sub) in ops.iter().enumerate() {
        let mut sloc = loc.clone();
        sloc.op.push((i, sub.name()));
        if !sub.kind().runs_in_parallel() {
            return err(
                sloc.with_field("op"),
                format!(
                    "only {} can run in parallel, not {}",
                    parallel_op_names(),
                    sub.name()
                ),
            );
        }
        check_op(program, sub, &sloc, true)?;
        let ch = sub.channel().unwrap_or_default();
        if let Some(first) = channels.insert(ch, i) {
            return err(
                sloc.with_field("logical_channel"),
                format!("logical channel '{ch}' already has sub-op {first}; one op per channel"),
            );
        }
        let t = sub.time_s().unwrap_or_default();
        if t != time_s {
            return err(
                sloc.with_field("time_s"),
                format!("every op of a parallel takes the parallel's time {time_s} s, got {t} s"),
            );
        }
    }
    Ok(())
}

/// The ops a `parallel` may hold, in words: `a, b and c`.
fn parallel_op_names() -> String {
    let names: Vec<&str> = OpKind::ALL
        .into_iter()
        .filter(|k| k.runs_in_parallel())
        .map(OpKind::name)
        .collect();
    match names.split_last() {
        Some((last, rest)) if !rest.is_empty() => format!("{} and {last}", rest.join(", ")),
        _ => names.concat(),
    }
}

#[cfg(test)]
mod tests {
    use super::validate;
    use crate::program::model::{Op, Program, Segment};

    #[test]
    fn parallel_names_the_ops_it_may_hold() {
        let mut seg = Segment::once("a");
        seg.ops.push(Op::Parallel {
            time_s: 1e-6,
            ops: vec![Op::Hold { time_s: 1e-6 }],
        });
        let program = Program {
            logical_channels: vec!["H".into()],
            definitions: Default::default(),
            segments: vec![seg],
        };
        let e = validate(&program).unwrap_err().to_string();
        assert!(
            e.contains("only move, ramp_amp_to and remap_from_def can run in parallel, not hold"),
            "{e}"
        );
    }
}
