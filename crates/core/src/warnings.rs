//! Warnings a physicist expects before a program plays, for things that compile
//! but are probably not what was meant: tones close to Nyquist, a tone that moves
//! inside a repeating segment (a sawtooth on every repetition), bare numbers taken
//! as hertz or seconds in a program file. Each function returns the messages; the
//! caller decides where they go.

use crate::format::si;
use crate::pipeline::ResolvedSegment;

/// Fraction of the sample rate above which a tone is warned about.
pub const HIGH_TONE_FRACTION: f64 = 0.45;

/// Program keys whose numbers are times or frequencies (units allowed).
const UNIT_KEYS: &[&str] = &["time", "tau", "df", "freq", "freqs"];

/// One warning per segment with a tone above [`HIGH_TONE_FRACTION`] of `fs`.
pub fn high_tones<'a>(
    fs: f64,
    channels: &[String],
    segments: impl IntoIterator<Item = &'a ResolvedSegment>,
) -> Vec<String> {
    let limit = HIGH_TONE_FRACTION * fs;
    let mut out = Vec::new();
    for seg in segments {
        let mut worst: Option<(f64, usize)> = None;
        for part in &seg.parts {
            for (c, ch) in part.channels.iter().enumerate() {
                for f in ch.start.freqs_hz.iter().chain(&ch.end.freqs_hz) {
                    if f.abs() > limit && worst.is_none_or(|(w, _)| f.abs() > w) {
                        worst = Some((f.abs(), c));
                    }
                }
            }
        }
        if let Some((f, c)) = worst {
            out.push(format!(
                "segment '{}': a tone of {} reaches {}, above {HIGH_TONE_FRACTION}·fs ({}): \
                 the card's output filter attenuates it and its image at fs − f is close",
                seg.name,
                channels.get(c).map_or("?", String::as_str),
                si(f, "Hz"),
                si(limit, "Hz"),
            ));
        }
    }
    out
}

/// One warning per repeating segment (`wait_trig`, or `loop_n` with `loop > 1`) in
/// which a tone's frequency changes: each repetition starts from the first
/// frequency again, a sawtooth.
pub fn moving_in_loops<'a>(
    channels: &[String],
    segments: impl IntoIterator<Item = &'a ResolvedSegment>,
) -> Vec<String> {
    let mut out = Vec::new();
    for seg in segments.into_iter().filter(|s| s.is_loopable()) {
        let moving = seg.parts.iter().find_map(|part| {
            part.channels.iter().enumerate().find_map(|(c, ch)| {
                ch.start
                    .freqs_hz
                    .iter()
                    .zip(&ch.end.freqs_hz)
                    .position(|(a, b)| a != b)
                    .map(|k| (c, k, ch.start.freqs_hz[k], ch.end.freqs_hz[k]))
            })
        });
        if let Some((c, k, a, b)) = moving {
            let repeats = if seg.loop_count > 1 {
                format!("repeats {} times", seg.loop_count)
            } else {
                "repeats until a trigger".to_string()
            };
            out.push(format!(
                "segment '{}' {repeats} but tone {k} of {} moves ({} → {}): every \
                 repetition jumps back to the start, a sawtooth",
                seg.name,
                channels.get(c).map_or("?", String::as_str),
                si(a, "Hz"),
                si(b, "Hz"),
            ));
        }
    }
    out
}

/// A warning when a TOML program gives times or frequencies as bare numbers (taken
/// as seconds and hertz): once per file, with the count and the first key.
pub fn bare_unit_numbers(toml_text: &str) -> Option<String> {
    let doc: toml::Value = toml::from_str(toml_text).ok()?;
    let mut found = (0usize, None::<String>);
    walk(&doc, "", false, &mut found);
    let (n, first) = found;
    let first = first?;
    Some(format!(
        "{n} time or frequency value{} written without a unit, taken as seconds or hertz \
         (first: {first}); write \"200 us\" or \"92 MHz\" to say which",
        if n == 1 { " is" } else { "s are" }
    ))
}

/// Counts the bare numbers under unit keys; `in_unit` is true below one.
fn walk(v: &toml::Value, path: &str, in_unit: bool, found: &mut (usize, Option<String>)) {
    match v {
        toml::Value::Integer(_) | toml::Value::Float(_) if in_unit => {
            found.0 += 1;
            found.1.get_or_insert_with(|| format!("{path} = {v}"));
        }
        toml::Value::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                walk(item, &format!("{path}[{i}]"), in_unit, found);
            }
        }
        toml::Value::Table(t) => {
            for (k, item) in t {
                let p = if path.is_empty() {
                    k.clone()
                } else {
                    format!("{path}.{k}")
                };
                // `linspace` counts (its third element is a count) are not units.
                let unit = if in_unit {
                    k != "scale"
                } else {
                    UNIT_KEYS.contains(&k.as_str())
                };
                if in_unit && k == "linspace" {
                    if let toml::Value::Array(xs) = item {
                        for (i, x) in xs.iter().take(2).enumerate() {
                            walk(x, &format!("{p}[{i}]"), true, found);
                        }
                    }
                    continue;
                }
                walk(item, &p, unit, found);
            }
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::pipeline::resolve;
    use crate::program::{LoadedProgram, ProgramFormat};

    fn resolved(text: &str) -> crate::pipeline::ResolvedProgram {
        let p = LoadedProgram::from_text(text, "test", Some(ProgramFormat::Toml)).unwrap();
        resolve(&p.program, 625e6).unwrap()
    }

    const LOOPED_MOVE: &str = r#"
logical_channels = ["H"]
[definitions.a]
channel = "H"
freqs = ["90 MHz"]
amps = 0.1
[[segments]]
name = "wait"
mode = "wait_trig"
ops = [{ op = "use_def", channel = "H", def = "a" }, { op = "move", channel = "H", df = "1 MHz", time = "40 us" }]
[[segments]]
name = "high"
ops = [{ op = "move", channel = "H", df = "200 MHz", time = "40 us" }]
"#;

    #[test]
    fn a_tone_moving_in_a_repeating_segment_is_a_sawtooth() {
        let r = resolved(LOOPED_MOVE);
        let w = moving_in_loops(&r.logical_channels, &r.segments);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("'wait' repeats until a trigger"), "{w:?}");
        assert!(w[0].contains("sawtooth"), "{w:?}");
    }

    #[test]
    fn tones_above_045_fs_are_named_per_segment() {
        let r = resolved(LOOPED_MOVE);
        let w = high_tones(625e6, &r.logical_channels, &r.segments);
        assert_eq!(w.len(), 1, "{w:?}");
        assert!(w[0].contains("'high'") && w[0].contains("291 MHz"), "{w:?}");
    }

    #[test]
    fn bare_numbers_under_unit_keys_are_counted_once() {
        let text = r#"
logical_channels = ["H"]
[definitions.a]
channel = "H"
freqs = { linspace = [90e6, 100e6, 5] }
amps = 0.1
[[segments]]
name = "s"
ops = [{ op = "hold", time = 2e-4 }, { op = "move", channel = "H", df = "1 MHz", time = 1e-4 }]
"#;
        let w = bare_unit_numbers(text).unwrap();
        assert!(w.starts_with("4 time or frequency values"), "{w}");
        assert!(
            w.contains("definitions.a.freqs.linspace[0] = 90000000.0"),
            "{w}"
        );
        assert_eq!(bare_unit_numbers(LOOPED_MOVE), None);
    }
}
