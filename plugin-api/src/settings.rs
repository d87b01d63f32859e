//! Plugin settings: the JSON object text that `probe` and `open` receive (a
//! config's `[hardware.settings]` or `[synthesis.settings.<plugin>]` table),
//! parsed into a plugin's own `serde` struct with errors that name the plugin and
//! the key.
//!
//! A plugin derives `Deserialize` with `#[serde(deny_unknown_fields)]`, gives
//! every optional key a `#[serde(default)]`, parses with [`parse`] and then checks
//! ranges itself, reporting them with [`invalid`]:
//!
//! ```
//! use awgsf_plugin_api::{settings, PluginResult};
//! use serde::Deserialize;
//!
//! #[derive(Debug, Deserialize)]
//! #[serde(deny_unknown_fields)]
//! struct Settings {
//!     #[serde(default)]
//!     threads: usize,
//!     #[serde(default = "default_memory", deserialize_with = "settings::whole_u64")]
//!     memory_bytes: u64,
//! }
//!
//! fn default_memory() -> u64 {
//!     1 << 30
//! }
//!
//! fn parse(text: &str) -> PluginResult<Settings> {
//!     let s: Settings = settings::parse("my-card", text)?;
//!     if s.memory_bytes == 0 {
//!         return Err(settings::invalid("my-card", "memory_bytes", "expected at least 1 byte, got 0"));
//!     }
//!     Ok(s)
//! }
//!
//! assert_eq!(parse("").unwrap().memory_bytes, 1 << 30);
//! // TOML's `memory_bytes = 2e9` arrives as the float 2e9.
//! assert_eq!(parse(r#"{"memory_bytes": 2e9}"#).unwrap().memory_bytes, 2_000_000_000);
//! let e = parse(r#"{"thread": 2}"#).unwrap_err();
//! assert_eq!(e.message.as_str(), "my-card settings: unknown key `thread`; did you mean `threads`?");
//! let e = parse(r#"{"threads": "all"}"#).unwrap_err();
//! assert!(e.message.starts_with("my-card settings: `threads`: invalid type: string \"all\""));
//! ```
//!
//! What [`parse`] does beyond `serde_json::from_str`:
//!
//! * empty text (settings the config does not give) counts as `{}`;
//! * an unknown key is refused with the closest known key (`did you mean`), or the
//!   list of known keys when none is close;
//! * an error inside a value names its key (and, inside arrays, the entry), which
//!   `serde_json` alone does not;
//! * `null` for a known key means "not given": the key's default applies.
//!
//! Every error is [`ErrorKind::INVALID_INPUT`](crate::ErrorKind::INVALID_INPUT) and
//! starts with `<plugin> settings: `.

use std::fmt;

use serde::de::{
    self, DeserializeOwned, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess,
    Unexpected, Visitor,
};
use serde::Deserialize;
use serde_json::{Map, Value};

use crate::error::{PluginError, PluginResult};

/// Largest integer an `f64` holds exactly: a float whole number up to this is
/// accepted by [`Whole`].
pub const MAX_EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

/// Parses settings JSON object text into `T` (see the [module](self) documentation).
/// `plugin` names the plugin in error messages.
pub fn parse<T: DeserializeOwned>(plugin: &str, text: &str) -> PluginResult<T> {
    let fail =
        |message: String| PluginError::invalid_input(format!("{plugin} settings: {message}"));
    let value: Value = if text.trim().is_empty() {
        Value::Object(Map::new())
    } else {
        serde_json::from_str(text)
            .map_err(|e| fail(format!("not valid JSON ({e}); expected a JSON object")))?
    };
    if !value.is_object() {
        return Err(fail(format!(
            "expected a JSON object (a table of keys), got {}",
            describe(&value)
        )));
    }
    T::deserialize(Tracked(value)).map_err(|e| fail(e.to_string()))
}

/// An `INVALID_INPUT` error about settings key `key` of `plugin`, for the checks a
/// plugin makes after [`parse`]: `<plugin> settings: `key`: <message>`.
pub fn invalid(plugin: &str, key: &str, message: impl fmt::Display) -> PluginError {
    PluginError::invalid_input(format!("{plugin} settings: `{key}`: {message}"))
}

/// Describes a JSON value for "got ..." in messages: `the string "x"`, `an array`.
pub fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "a table".to_string(),
    }
}

/// The candidate closest to `word`, if one is close enough to be a likely typo: one
/// a prefix of the other (`rate` for `rate_hz`), else a few edits away.
pub fn closest<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let w = word.to_lowercase();
    let limit = (w.chars().count() / 3).max(2);
    candidates
        .into_iter()
        .filter_map(|c| {
            let lc = c.to_lowercase();
            let d = strsim::damerau_levenshtein(&w, &lc);
            let prefix = w.len() >= 3 && (lc.starts_with(&w) || w.starts_with(&lc));
            (d <= limit || prefix).then_some(((!prefix, d), c))
        })
        .min_by_key(|(rank, _)| *rank)
        .map(|(_, c)| c)
}

/// A whole number `>= 0`, given as an integer or as a float without a fraction (up
/// to [`MAX_EXACT_F64_INT`]).
///
/// The host converts TOML to JSON as written, so `memory_bytes = 2e9` reaches the
/// plugin as the float `2e9`; a key that should accept that uses `Whole` (in a
/// `Vec` or map) or [`whole_u64`] (`deserialize_with`) instead of `u64`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Whole(pub u64);

impl<'de> Deserialize<'de> for Whole {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Whole, D::Error> {
        d.deserialize_any(WholeVisitor).map(Whole)
    }
}

struct WholeVisitor;

impl Visitor<'_> for WholeVisitor {
    type Value = u64;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a whole number >= 0")
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<u64, E> {
        Ok(v)
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<u64, E> {
        u64::try_from(v).map_err(|_| E::invalid_value(Unexpected::Signed(v), &self))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<u64, E> {
        if v.is_finite() && v >= 0.0 && v.fract() == 0.0 && v <= MAX_EXACT_F64_INT {
            Ok(v as u64)
        } else {
            Err(E::invalid_value(Unexpected::Float(v), &self))
        }
    }
}

/// `deserialize_with` form of [`Whole`]: `#[serde(deserialize_with =
/// "awgsf_plugin_api::settings::whole_u64")]` on a `u64` field.
pub fn whole_u64<'de, D: Deserializer<'de>>(d: D) -> Result<u64, D::Error> {
    Whole::deserialize(d).map(|w| w.0)
}

/// A settings value being deserialised: `serde_json::Value`'s own deserialiser,
/// except that tables and arrays are walked here so that an error names the key or
/// entry it came from, struct keys are checked against the struct's fields, and
/// `null` for a struct field means "not given".
struct Tracked(Value);

type Error = serde_json::Error;

macro_rules! forward_to_value {
    ($($method:ident($($arg:ident: $ty:ty),*);)*) => {$(
        fn $method<V: Visitor<'de>>(self, $($arg: $ty,)* visitor: V) -> Result<V::Value, Error> {
            self.0.$method($($arg,)* visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Tracked {
    type Error = Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Array(items) => visit_array(items, visitor),
            Value::Object(map) => visit_object(map, None, visitor),
            other => other.deserialize_any(visitor),
        }
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        match self.0 {
            Value::Null => visitor.visit_none(),
            other => visitor.visit_some(Tracked(other)),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_seq<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        visitor: V,
    ) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_map<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, Error> {
        match self.0 {
            Value::Object(map) => visit_object(map, Some(fields), visitor),
            other => Tracked(other).deserialize_any(visitor),
        }
    }

    forward_to_value! {
        deserialize_bool();
        deserialize_i8();
        deserialize_i16();
        deserialize_i32();
        deserialize_i64();
        deserialize_i128();
        deserialize_u8();
        deserialize_u16();
        deserialize_u32();
        deserialize_u64();
        deserialize_u128();
        deserialize_f32();
        deserialize_f64();
        deserialize_char();
        deserialize_str();
        deserialize_string();
        deserialize_bytes();
        deserialize_byte_buf();
        deserialize_unit();
        deserialize_unit_struct(name: &'static str);
        deserialize_enum(name: &'static str, variants: &'static [&'static str]);
        deserialize_identifier();
        deserialize_ignored_any();
    }
}

fn visit_array<'de, V: Visitor<'de>>(items: Vec<Value>, visitor: V) -> Result<V::Value, Error> {
    let len = items.len();
    let mut entries = Entries {
        items: items.into_iter(),
        next: 0,
    };
    let value = visitor.visit_seq(&mut entries)?;
    if entries.items.len() != 0 {
        return Err(de::Error::invalid_length(len, &"fewer entries"));
    }
    Ok(value)
}

fn visit_object<'de, V: Visitor<'de>>(
    map: Map<String, Value>,
    fields: Option<&'static [&'static str]>,
    visitor: V,
) -> Result<V::Value, Error> {
    let len = map.len();
    let mut keys = Keys {
        entries: map.into_iter(),
        fields,
        pending: None,
    };
    let value = visitor.visit_map(&mut keys)?;
    if keys.entries.len() != 0 {
        return Err(de::Error::invalid_length(len, &"fewer keys"));
    }
    Ok(value)
}

/// The entries of an array; errors name the entry.
struct Entries {
    items: std::vec::IntoIter<Value>,
    next: usize,
}

impl<'de> SeqAccess<'de> for Entries {
    type Error = Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(
        &mut self,
        seed: T,
    ) -> Result<Option<T::Value>, Error> {
        let Some(item) = self.items.next() else {
            return Ok(None);
        };
        let i = self.next;
        self.next += 1;
        seed.deserialize(Tracked(item))
            .map(Some)
            .map_err(|e| de::Error::custom(format_args!("entry {i}: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

/// The keys of a table; errors name the key. With `fields` (a struct), unknown
/// keys are refused and `null` values skipped.
struct Keys {
    entries: serde_json::map::IntoIter,
    fields: Option<&'static [&'static str]>,
    pending: Option<(String, Value)>,
}

impl<'de> MapAccess<'de> for Keys {
    type Error = Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, Error> {
        for (key, value) in self.entries.by_ref() {
            if let Some(fields) = self.fields {
                if !fields.contains(&key.as_str()) {
                    return Err(unknown_key(&key, fields));
                }
                if value.is_null() {
                    continue;
                }
            }
            let name: de::value::StringDeserializer<Error> = key.clone().into_deserializer();
            let k = seed
                .deserialize(name)
                .map_err(|e| de::Error::custom(format_args!("key `{key}`: {e}")))?;
            self.pending = Some((key, value));
            return Ok(Some(k));
        }
        Ok(None)
    }

    fn next_value_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<T::Value, Error> {
        let (key, value) = self
            .pending
            .take()
            .ok_or_else(|| <Error as de::Error>::custom("a value was asked for before its key"))?;
        seed.deserialize(Tracked(value))
            .map_err(|e| de::Error::custom(format_args!("`{key}`: {e}")))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

fn unknown_key(key: &str, fields: &[&str]) -> Error {
    let hint = match closest(key, fields.iter().copied()) {
        Some(best) => format!("; did you mean `{best}`?"),
        None if fields.is_empty() => "; this plugin takes no settings".to_string(),
        None => format!("; known keys: {}", fields.join(", ")),
    };
    de::Error::custom(format_args!("unknown key `{key}`{hint}"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Sample {
        #[serde(default = "default_rate")]
        rate_hz: f64,
        #[serde(default, deserialize_with = "whole_u64")]
        memory_bytes: u64,
        #[serde(default)]
        counts: Vec<Whole>,
        #[serde(default)]
        table: BTreeMap<String, Whole>,
        #[serde(default)]
        name: Option<String>,
        #[serde(default)]
        mode: Mode,
        #[serde(default)]
        pair: Option<[u32; 2]>,
        #[serde(default)]
        range: Option<Range>,
    }

    #[derive(Debug, PartialEq, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Range {
        low: f64,
        #[serde(default)]
        high: Option<f64>,
    }

    fn default_rate() -> f64 {
        625e6
    }

    #[derive(Debug, Default, PartialEq, Deserialize)]
    #[serde(rename_all = "snake_case")]
    enum Mode {
        #[default]
        Auto,
        Off,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Required {
        #[allow(dead_code)]
        output_dir: String,
    }

    #[derive(Debug, Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Nothing {}

    fn ok(text: &str) -> Sample {
        parse("p", text).unwrap_or_else(|e| panic!("{text}: {e}"))
    }

    fn err<T: DeserializeOwned + fmt::Debug>(text: &str) -> String {
        let e = parse::<T>("p", text).expect_err(text);
        assert_eq!(e.kind, crate::ErrorKind::INVALID_INPUT, "{e}");
        e.message.to_string()
    }

    #[test]
    fn empty_text_and_null_give_the_defaults() {
        let d = ok("");
        assert_eq!(d, ok("  {} "));
        assert_eq!(d.rate_hz, 625e6);
        assert_eq!(d.mode, Mode::Auto);
        assert_eq!(ok(r#"{"rate_hz": null, "name": null, "mode": null}"#), d);
    }

    #[test]
    fn values_of_every_shape_arrive() {
        let s = ok(
            r#"{"rate_hz": 1, "memory_bytes": 2e9, "counts": [1, 2.0, 4],
                       "table": {"2": 192}, "name": "x", "mode": "off", "pair": [3, 4]}"#,
        );
        assert_eq!(s.rate_hz, 1.0);
        assert_eq!(s.memory_bytes, 2_000_000_000);
        assert_eq!(s.counts, vec![Whole(1), Whole(2), Whole(4)]);
        assert_eq!(s.table.get("2"), Some(&Whole(192)));
        assert_eq!(s.name.as_deref(), Some("x"));
        assert_eq!(s.mode, Mode::Off);
        assert_eq!(s.pair, Some([3, 4]));
        let s = ok(r#"{"range": {"low": 1, "high": null}}"#);
        assert_eq!(
            s.range,
            Some(Range {
                low: 1.0,
                high: None
            })
        );
    }

    #[test]
    fn unknown_keys_suggest_the_closest_or_list_them() {
        assert_eq!(
            err::<Sample>(r#"{"rate_hz": 1, "rate": 2}"#),
            "p settings: unknown key `rate`; did you mean `rate_hz`?"
        );
        assert_eq!(
            err::<Sample>(r#"{"colour": null}"#),
            "p settings: unknown key `colour`; known keys: rate_hz, memory_bytes, counts, \
             table, name, mode, pair, range"
        );
        assert_eq!(
            err::<Nothing>(r#"{"x": 1}"#),
            "p settings: unknown key `x`; this plugin takes no settings"
        );
    }

    #[test]
    fn errors_name_the_key_and_the_entry() {
        let e = err::<Sample>(r#"{"rate_hz": "fast"}"#);
        assert_eq!(
            e,
            "p settings: `rate_hz`: invalid type: string \"fast\", expected f64"
        );
        let e = err::<Sample>(r#"{"counts": [1, -2]}"#);
        assert_eq!(
            e,
            "p settings: `counts`: entry 1: invalid value: integer `-2`, expected a whole \
             number >= 0"
        );
        let e = err::<Sample>(r#"{"table": {"2": 1.5}}"#);
        assert!(
            e.starts_with("p settings: `table`: `2`: invalid value: floating point `1.5`"),
            "{e}"
        );
        let e = err::<Sample>(r#"{"memory_bytes": true}"#);
        assert!(
            e.contains("`memory_bytes`: invalid type: boolean `true`, expected a whole number"),
            "{e}"
        );
        let e = err::<Sample>(r#"{"mode": "always"}"#);
        assert!(
            e.starts_with("p settings: `mode`: unknown variant `always`"),
            "{e}"
        );
        let e = err::<Sample>(r#"{"pair": [1, 2, 3]}"#);
        assert!(e.starts_with("p settings: `pair`: invalid length 3"), "{e}");
        let e = err::<Sample>(r#"{"counts": 3}"#);
        assert!(
            e.starts_with("p settings: `counts`: invalid type: integer `3`"),
            "{e}"
        );
        assert_eq!(
            err::<Required>("{}"),
            "p settings: missing field `output_dir`"
        );
        // Tables inside tables: the path leads to the key.
        let e = err::<Sample>(r#"{"range": {"low": 1, "hihg": 2}}"#);
        assert_eq!(
            e,
            "p settings: `range`: unknown key `hihg`; did you mean `high`?"
        );
        let e = err::<Sample>(r#"{"range": {"low": [1]}}"#);
        assert_eq!(
            e,
            "p settings: `range`: `low`: invalid type: sequence, expected f64"
        );
    }

    #[test]
    fn whole_numbers_refuse_fractions_negatives_and_inexact_floats() {
        for text in ["1.5", "-1", "1e300", "\"3\""] {
            let e = err::<Sample>(&format!(r#"{{"memory_bytes": {text}}}"#));
            assert!(e.contains("expected a whole number >= 0"), "{text}: {e}");
        }
        assert_eq!(
            ok(r#"{"memory_bytes": 9007199254740992.0}"#).memory_bytes,
            1 << 53
        );
        assert_eq!(
            ok(r#"{"memory_bytes": 18446744073709551615}"#).memory_bytes,
            u64::MAX
        );
    }

    #[test]
    fn text_that_is_not_a_json_object_is_refused() {
        let e = err::<Sample>("[1]");
        assert_eq!(
            e,
            "p settings: expected a JSON object (a table of keys), got an array"
        );
        let e = err::<Sample>("{rate_hz");
        assert!(e.starts_with("p settings: not valid JSON ("), "{e}");
    }

    #[test]
    fn invalid_names_plugin_and_key() {
        let e = invalid("cuda", "device", "expected 0 to 1023, got 5000");
        assert_eq!(e.kind, crate::ErrorKind::INVALID_INPUT);
        assert_eq!(
            e.message.as_str(),
            "cuda settings: `device`: expected 0 to 1023, got 5000"
        );
    }

    #[test]
    fn closest_finds_near_misses_only() {
        let keys = ["threads", "device", "batch_mib"];
        assert_eq!(closest("thread", keys), Some("threads"));
        assert_eq!(closest("Device", keys), Some("device"));
        assert_eq!(closest("batch", keys), Some("batch_mib"));
        // A prefix beats a shorter edit distance: `rate` is `rate_hz` cut short.
        assert_eq!(closest("rate", ["name", "rate_hz"]), Some("rate_hz"));
        assert_eq!(closest("colour", keys), None);
    }
}
