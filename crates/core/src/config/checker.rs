//! Walks the spanned TOML tree: typed reads that record every problem (with its file
//! position and key path) instead of stopping at the first, unknown-key detection with
//! suggestions, and the position of every key for later messages.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

use toml::de::{DeTable, DeValue};
use toml::Spanned;

use super::error::{Location, Problem};
use crate::program::suggest::closest;

/// A spanned TOML value.
pub(crate) type Value<'i> = Spanned<DeValue<'i>>;

/// Collects problems and key positions while a config is read.
pub(crate) struct Checker<'s> {
    file: &'s Path,
    text: &'s str,
    line_starts: Vec<usize>,
    problems: Vec<Problem>,
    locations: BTreeMap<String, Location>,
}

impl<'s> Checker<'s> {
    /// A checker for `text`, read from `file` (used in messages).
    pub(crate) fn new(file: &'s Path, text: &'s str) -> Self {
        let line_starts = std::iter::once(0)
            .chain(text.match_indices('\n').map(|(i, _)| i + 1))
            .collect();
        Checker {
            file,
            text,
            line_starts,
            problems: Vec::new(),
            locations: BTreeMap::new(),
        }
    }

    /// Line and column (1-based, in characters) of a byte offset.
    pub(crate) fn location(&self, offset: usize) -> Location {
        let offset = offset.min(self.text.len());
        let line = self.line_starts.partition_point(|&s| s <= offset);
        let start = self.line_starts[line - 1];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count())
            + 1;
        Location { line, column }
    }

    /// Records a problem at a byte span.
    pub(crate) fn report(&mut self, span: Range<usize>, key: &str, message: impl Into<String>) {
        self.problems.push(Problem {
            file: Some(self.file.to_path_buf()),
            location: Some(self.location(span.start)),
            key: key.to_string(),
            message: message.into(),
        });
    }

    /// Records "expected X, found Y" for a value.
    pub(crate) fn expected(&mut self, key: &str, value: &Value<'_>, expected: &str) {
        let found = self.describe(value);
        self.report(
            value.span(),
            key,
            format!("expected {expected}, found {found}"),
        );
    }

    /// Remembers where a key's value is, for messages produced after reading.
    pub(crate) fn remember(&mut self, key: &str, span: Range<usize>) {
        let at = self.location(span.start);
        self.locations.insert(key.to_string(), at);
    }

    /// How a value reads in a message: its source text, with its type where the
    /// text alone would not say it.
    pub(crate) fn describe(&self, value: &Value<'_>) -> String {
        let text = self.text.get(value.span()).unwrap_or("").trim();
        let short: String = if text.chars().count() > 40 {
            text.chars().take(37).chain("...".chars()).collect()
        } else {
            text.to_string()
        };
        match value.get_ref() {
            DeValue::String(_) => format!("the string {short}"),
            DeValue::Integer(_) | DeValue::Float(_) | DeValue::Boolean(_) => short,
            DeValue::Datetime(_) => format!("the date-time {short}"),
            DeValue::Array(a) if a.len() == 1 => "an array of 1 item".to_string(),
            DeValue::Array(a) => format!("an array of {} items", a.len()),
            DeValue::Table(_) => "a table".to_string(),
        }
    }

    /// Everything found, in file order, and the key positions.
    pub(crate) fn finish(mut self) -> (Vec<Problem>, BTreeMap<String, Location>) {
        self.problems.sort_by_key(|p| p.location);
        (self.problems, self.locations)
    }

    /// Reads a value as a table; reports anything else.
    pub(crate) fn table<'t, 'i>(
        &mut self,
        key: &str,
        value: &'t Value<'i>,
    ) -> Option<&'t DeTable<'i>> {
        match value.get_ref() {
            DeValue::Table(t) => Some(t),
            _ => {
                self.expected(key, value, "a table");
                None
            }
        }
    }

    /// Reads a value as an array; reports anything else.
    pub(crate) fn array<'t, 'i>(
        &mut self,
        key: &str,
        value: &'t Value<'i>,
        expected: &str,
    ) -> Option<&'t [Value<'i>]> {
        match value.get_ref() {
            DeValue::Array(a) => Some(a),
            _ => {
                self.expected(key, value, expected);
                None
            }
        }
    }

    /// Reads a string; reports anything else.
    pub(crate) fn string<'t>(&mut self, key: &str, value: &'t Value<'_>) -> Option<&'t str> {
        match value.get_ref() {
            DeValue::String(s) => Some(s),
            _ => {
                self.expected(key, value, "a string");
                None
            }
        }
    }

    /// Reads a finite number (integer or float) that satisfies `ok`; otherwise reports
    /// `expected`.
    pub(crate) fn number(
        &mut self,
        key: &str,
        value: &Value<'_>,
        ok: impl Fn(f64) -> bool,
        expected: &str,
    ) -> Option<f64> {
        let x = number_of(value.get_ref()).filter(|x| x.is_finite() && ok(*x));
        if x.is_none() {
            self.expected(key, value, expected);
        }
        x
    }

    /// Reads an integer within `range`; otherwise reports `expected`.
    pub(crate) fn integer(
        &mut self,
        key: &str,
        value: &Value<'_>,
        range: std::ops::RangeInclusive<i64>,
        expected: &str,
    ) -> Option<i64> {
        let n = integer_of(value.get_ref()).filter(|n| range.contains(n));
        if n.is_none() {
            self.expected(key, value, expected);
        }
        n
    }

    /// Reads a boolean; reports anything else.
    pub(crate) fn boolean(&mut self, key: &str, value: &Value<'_>) -> Option<bool> {
        match value.get_ref() {
            DeValue::Boolean(b) => Some(*b),
            _ => {
                self.expected(key, value, "true or false");
                None
            }
        }
    }

    /// Reads one of a fixed set of names; reports anything else, suggesting the
    /// closest name.
    pub(crate) fn choice<T: Copy>(
        &mut self,
        key: &str,
        value: &Value<'_>,
        names: &[(&str, T)],
    ) -> Option<T> {
        let listed = names
            .iter()
            .map(|(n, _)| format!("\"{n}\""))
            .collect::<Vec<_>>()
            .join(", ");
        let expected = format!("one of {listed}");
        let DeValue::String(s) = value.get_ref() else {
            self.expected(key, value, &expected);
            return None;
        };
        if let Some((_, v)) = names.iter().find(|(n, _)| *n == s.as_ref()) {
            return Some(*v);
        }
        let mut message = format!("expected {expected}, found {}", self.describe(value));
        if let Some(best) = closest(s, names.iter().map(|(n, _)| *n)) {
            message.push_str(&format!("; did you mean \"{best}\"?"));
        }
        self.report(value.span(), key, message);
        None
    }

    /// Opens a table's fields: reports keys not in `known` (with the closest known
    /// key) and remembers where each key is.
    pub(crate) fn fields<'t, 'i>(
        &mut self,
        path: &str,
        table: &'t DeTable<'i>,
        known: &[&str],
    ) -> Fields<'t, 'i> {
        for (k, v) in table.iter() {
            let key = join(path, k.get_ref());
            self.remember(&key, v.span());
            if !known.contains(&k.get_ref().as_ref()) {
                let mut message = format!("unknown key `{}`", k.get_ref());
                match closest(k.get_ref(), known.iter().copied()) {
                    Some(best) => message.push_str(&format!("; did you mean `{best}`?")),
                    None => message.push_str(&format!("; known keys: {}", known.join(", "))),
                }
                self.report(k.span(), &key, message);
            }
        }
        Fields {
            path: path.to_string(),
            table,
        }
    }
}

/// The fields of one table, read by name.
pub(crate) struct Fields<'t, 'i> {
    path: String,
    table: &'t DeTable<'i>,
}

impl<'t, 'i> Fields<'t, 'i> {
    /// The value of `key`, if present.
    pub(crate) fn get(&self, key: &str) -> Option<&'t Value<'i>> {
        self.table.get(key)
    }

    /// The full key path of `key`.
    pub(crate) fn path(&self, key: &str) -> String {
        join(&self.path, key)
    }
}

/// `parent.key`, quoting keys that are not bare TOML keys.
pub(crate) fn join(parent: &str, key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    let key = if bare {
        key.to_string()
    } else {
        format!("{key:?}")
    };
    if parent.is_empty() {
        key
    } else {
        format!("{parent}.{key}")
    }
}

/// A TOML integer as `i64`.
pub(crate) fn integer_of(value: &DeValue<'_>) -> Option<i64> {
    match value {
        DeValue::Integer(i) => i64::from_str_radix(i.as_str(), i.radix()).ok(),
        _ => None,
    }
}

/// A TOML integer or float as `f64` (may be infinite or NaN).
pub(crate) fn number_of(value: &DeValue<'_>) -> Option<f64> {
    match value {
        DeValue::Integer(_) => integer_of(value).map(|i| i as f64),
        DeValue::Float(f) => parse_float(f.as_str()),
        _ => None,
    }
}

/// Parses TOML float text (underscores already removed by the parser).
fn parse_float(text: &str) -> Option<f64> {
    match text {
        "nan" | "+nan" | "-nan" => Some(f64::NAN),
        _ => text.parse().ok(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn locations_are_one_based_and_count_characters() {
        let text = "a = 1\nµs = \"x\"\n";
        let c = Checker::new(Path::new("f.toml"), text);
        assert_eq!(c.location(0), Location { line: 1, column: 1 });
        assert_eq!(c.location(6), Location { line: 2, column: 1 });
        // `=` after the two-byte `µ` and `s `: fourth character.
        assert_eq!(
            c.location(text.rfind('=').unwrap()),
            Location { line: 2, column: 4 }
        );
        assert_eq!(c.location(text.len()), Location { line: 3, column: 1 });
    }

    #[test]
    fn closest_key_suggestions() {
        let known = [
            "sample_rate_hz",
            "channels",
            "amplitude_mv",
            "level_mv",
            "edge",
        ];
        let pick = |w| closest(w, known.iter().copied());
        assert_eq!(pick("sample_rate"), Some("sample_rate_hz"));
        assert_eq!(pick("chanels"), Some("channels"));
        assert_eq!(pick("Amplitude_mV"), Some("amplitude_mv"));
        assert_eq!(pick("level"), Some("level_mv"));
        assert_eq!(pick("edg"), Some("edge"));
        assert_eq!(pick("colour"), None);
    }

    #[test]
    fn join_quotes_non_bare_keys() {
        assert_eq!(join("", "card"), "card");
        assert_eq!(join("setup.map", "H"), "setup.map.H");
        assert_eq!(join("setup.map", "two words"), "setup.map.\"two words\"");
    }

    #[test]
    fn numbers_accept_integers_and_toml_float_spellings() {
        let parse = |s: &str| {
            let v = DeValue::parse(s).unwrap();
            number_of(v.get_ref())
        };
        assert_eq!(parse("625e6"), Some(625e6));
        assert_eq!(parse("0x10"), Some(16.0));
        assert_eq!(parse("1_000"), Some(1000.0));
        assert_eq!(parse("-inf"), Some(f64::NEG_INFINITY));
        assert!(parse("nan").unwrap().is_nan());
        assert!(parse("-nan").unwrap().is_nan());
        assert_eq!(parse("\"1\""), None);
    }
}
