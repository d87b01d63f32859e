//! Writing a program in the TOML format: units where they read back bit-exactly,
//! `linspace` for evenly spaced lists, one op per line, defaults left out.

use std::fmt::Write as _;

use crate::program::model::{
    AmpTarget, Definition, Dst, Interp, InterpKind, Op, PhaseMode, Program, Segment, SegmentMode,
};
use crate::program::numeric::linspace;
use crate::program::units::{format_float, format_quantity, Quantity};

/// The program as TOML text. Reading it back gives an equal [`Program`].
pub fn to_toml_string(program: &Program) -> String {
    let mut out = String::new();
    let channels: Vec<String> = program.logical_channels.iter().map(|c| string(c)).collect();
    let _ = writeln!(out, "logical_channels = [{}]", channels.join(", "));
    if program.segments.is_empty() {
        // Top-level keys must come before the first table header.
        let _ = writeln!(out, "segments = []");
    }
    for (key, def) in &program.definitions {
        write_definition(&mut out, key, def);
    }
    for seg in &program.segments {
        write_segment(&mut out, seg);
    }
    out
}

/// A TOML basic string (`"..."`), valid as a value and as a key.
fn string(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => {
                let _ = write!(out, "\\u{:04X}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// A TOML key: bare when it can be, quoted otherwise.
fn key(s: &str) -> String {
    let bare = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        s.to_string()
    } else {
        string(s)
    }
}

/// A plain number.
fn plain(x: f64) -> String {
    format_float(x)
}

/// A time or frequency, with a unit when one reads back exactly.
fn quantity(q: Quantity) -> impl Fn(f64) -> String {
    move |x| format_quantity(x, q).map_or_else(|| plain(x), |s| string(&s))
}

fn same_bits(a: &[f64], b: &[f64]) -> bool {
    a.len() == b.len() && a.iter().zip(b).all(|(x, y)| x.to_bits() == y.to_bits())
}

/// A list of numbers.
fn list(v: &[f64], fmt: &dyn Fn(f64) -> String) -> String {
    let items: Vec<String> = v.iter().map(|x| fmt(*x)).collect();
    format!("[{}]", items.join(", "))
}

/// A list of frequencies: `{ linspace = ["92 MHz", "110 MHz", 12] }` when it is
/// exactly that and shorter to write, else a plain list.
fn freq_list(v: &[f64]) -> String {
    let fmt = quantity(Quantity::Frequency);
    let plain_list = list(v, &fmt);
    let n = v.len();
    if n >= 3 && v[0] != v[n - 1] && same_bits(&linspace(v[0], v[n - 1], n), v) {
        let spaced = format!("{{ linspace = [{}, {}, {n}] }}", fmt(v[0]), fmt(v[n - 1]));
        if spaced.len() < plain_list.len() {
            return spaced;
        }
    }
    plain_list
}

/// A list of one value per tone (`n` tones), written as one value when every tone
/// has the same.
fn per_tone(v: &[f64], n: usize, fmt: &dyn Fn(f64) -> String) -> String {
    if v.len() == n && n >= 2 && v.iter().all(|x| x.to_bits() == v[0].to_bits()) {
        fmt(v[0])
    } else {
        list(v, fmt)
    }
}

fn all_zero(v: &[f64]) -> bool {
    v.iter().all(|x| x.to_bits() == 0)
}

fn indices(v: &[usize]) -> String {
    let items: Vec<String> = v.iter().map(usize::to_string).collect();
    format!("[{}]", items.join(", "))
}

fn write_definition(out: &mut String, name: &str, d: &Definition) {
    let _ = writeln!(out, "\n[definitions.{}]", key(name));
    let _ = writeln!(out, "channel = {}", string(&d.logical_channel));
    let _ = writeln!(out, "freqs = {}", freq_list(&d.freqs_hz));
    let _ = writeln!(
        out,
        "amps = {}",
        per_tone(&d.amps, d.freqs_hz.len(), &plain)
    );
    if !(all_zero(&d.phases_rad) && d.phases_rad.len() == d.freqs_hz.len()) {
        let _ = writeln!(
            out,
            "phases = {}",
            per_tone(&d.phases_rad, d.freqs_hz.len(), &plain)
        );
    }
}

fn write_segment(out: &mut String, s: &Segment) {
    let _ = writeln!(out, "\n[[segments]]");
    let _ = writeln!(out, "name = {}", string(&s.name));
    match (s.mode, s.loop_count) {
        (SegmentMode::LoopN, 1) => {}
        (SegmentMode::LoopN, n) => {
            let _ = writeln!(out, "mode = \"loop_n\"\nloop = {n}");
        }
        (SegmentMode::WaitTrig, n) => {
            let _ = writeln!(out, "mode = \"wait_trig\"");
            if n != 1 {
                let _ = writeln!(out, "loop = {n}");
            }
        }
    }
    if s.phase_mode != PhaseMode::Continue {
        let _ = writeln!(out, "phase_mode = \"{}\"", s.phase_mode.as_str());
    }
    if !s.snap_len_to_quantum {
        let _ = writeln!(out, "snap_len_to_quantum = false");
    }
    if !s.snap_freqs_to_wrap {
        let _ = writeln!(out, "snap_freqs_to_wrap = false");
    }
    if s.ops.is_empty() {
        let _ = writeln!(out, "ops = []");
        return;
    }
    let _ = writeln!(out, "ops = [");
    for op in &s.ops {
        let _ = writeln!(out, "  {},", op_table(op, None, 1));
    }
    let _ = writeln!(out, "]");
}

/// The fields of an op after `op = "..."`, as `key = value` pairs.
struct Fields(Vec<(&'static str, String)>);

impl Fields {
    fn add(&mut self, k: &'static str, v: String) {
        self.0.push((k, v));
    }

    fn channel(&mut self, c: &str) {
        self.add("channel", string(c));
    }

    /// `time`, unless a `parallel` around the op gives the same one.
    fn time(&mut self, t: f64, inherited: Option<f64>) {
        if inherited.map(f64::to_bits) != Some(t.to_bits()) {
            self.add("time", quantity(Quantity::Time)(t));
        }
    }

    fn idxs(&mut self, idxs: &Option<Vec<usize>>) {
        if let Some(v) = idxs {
            self.add("idxs", indices(v));
        }
    }

    fn interp(&mut self, i: &Interp, default: InterpKind) {
        if i.kind != default {
            self.add("kind", string(i.kind.as_str()));
        }
        if let Some(tau) = i.tau_s {
            self.add("tau", quantity(Quantity::Time)(tau));
        }
    }
}

/// One op as an inline table. `inherited` is the time of an enclosing `parallel`;
/// `depth` the indentation level of the line the table starts on.
fn op_table(op: &Op, inherited: Option<f64>, depth: usize) -> String {
    let mut f = Fields(vec![("op", string(op.name()))]);
    match op {
        Op::Hold { time_s } => f.time(*time_s, inherited),
        Op::UseDef { channel, def } => {
            f.channel(channel);
            f.add("def", string(def));
        }
        Op::AddTone {
            channel,
            freqs_hz,
            amps,
            phases_rad,
            at,
        } => add_tone_fields(&mut f, channel, freqs_hz, amps, phases_rad, *at),
        Op::RemoveTones { channel, idxs } => {
            f.channel(channel);
            f.add("idxs", indices(idxs));
        }
        Op::Move {
            channel,
            df_hz,
            time_s,
            idxs,
            interp,
        } => {
            f.channel(channel);
            f.add("df", quantity(Quantity::Frequency)(*df_hz));
            f.time(*time_s, inherited);
            f.idxs(idxs);
            f.interp(interp, InterpKind::Linear);
        }
        Op::RampAmpTo {
            channel,
            amps,
            time_s,
            interp,
            idxs,
        } => {
            f.channel(channel);
            f.add("amps", amp_target(amps));
            f.time(*time_s, inherited);
            f.idxs(idxs);
            f.interp(interp, InterpKind::Linear);
        }
        Op::RemapFromDef {
            channel,
            target_def,
            src,
            dst,
            time_s,
            interp,
        } => {
            f.channel(channel);
            f.add("target", string(target_def));
            f.add("src", indices(src));
            f.add("dst", destination(dst));
            f.time(*time_s, inherited);
            f.interp(interp, InterpKind::MinJerk);
        }
        Op::Parallel { time_s, ops } => {
            f.time(*time_s, None);
            f.add("ops", parallel_ops(*time_s, ops, depth));
        }
    }
    let pairs: Vec<String> = f.0.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", pairs.join(", "))
}

/// The fields of `add_tone`: `freq`, `amp`, `phase` for one tone, the plurals for
/// several; zero amplitudes and phases left out.
fn add_tone_fields(
    f: &mut Fields,
    channel: &str,
    freqs_hz: &[f64],
    amps: &[f64],
    phases_rad: &[f64],
    at: Option<usize>,
) {
    f.channel(channel);
    let one = freqs_hz.len() == 1;
    let scalar_ok = |v: &[f64]| one && v.len() == 1;
    if one {
        f.add("freq", quantity(Quantity::Frequency)(freqs_hz[0]));
    } else {
        f.add("freqs", freq_list(freqs_hz));
    }
    for (values, singular, plural) in [(amps, "amp", "amps"), (phases_rad, "phase", "phases")] {
        if all_zero(values) && values.len() == freqs_hz.len() {
            continue;
        }
        if scalar_ok(values) {
            f.add(singular, plain(values[0]));
        } else {
            f.add(plural, per_tone(values, freqs_hz.len(), &plain));
        }
    }
    if let Some(a) = at {
        f.add("at", a.to_string());
    }
}

/// The `amps` of `ramp_amp_to`: one number or a list.
fn amp_target(amps: &AmpTarget) -> String {
    match amps {
        AmpTarget::Scalar(a) => plain(*a),
        AmpTarget::List(v) => list(v, &plain),
    }
}

/// The `dst` of `remap_from_def`: `"all"` or a list of indices.
fn destination(dst: &Dst) -> String {
    match dst {
        Dst::All => string("all"),
        Dst::List(v) => indices(v),
    }
}

/// The `ops` of a `parallel` lasting `time_s`: one sub-op per line, indented one
/// level deeper than `depth`.
fn parallel_ops(time_s: f64, ops: &[Op], depth: usize) -> String {
    let pad = "  ".repeat(depth + 1);
    let mut body = String::from("[\n");
    for sub in ops {
        let _ = writeln!(body, "{pad}{},", op_table(sub, Some(time_s), depth + 1));
    }
    body.push_str(&"  ".repeat(depth));
    body.push(']');
    body
}
