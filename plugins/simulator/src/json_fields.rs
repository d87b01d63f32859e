//! Typed access to the keys of a JSON settings object, with errors that name the
//! key, the expected type and what was found instead.

use std::collections::BTreeSet;

use awgsf_plugin_api::{PluginError, PluginResult};
use serde_json::{Map, Value};

/// Largest integer an `f64` holds exactly (TOML floats such as `1e8` arrive as `f64`).
const MAX_EXACT_F64_INT: f64 = 9_007_199_254_740_992.0;

/// The keys of one settings object, read one by one.
pub(crate) struct Fields {
    map: Map<String, Value>,
}

/// An error about settings key `key`.
pub(crate) fn key_error(key: &str, message: impl std::fmt::Display) -> PluginError {
    PluginError::invalid_input(format!("simulator settings: `{key}`: {message}"))
}

/// Describes a JSON value for "got ..." in messages.
pub(crate) fn describe(value: &Value) -> String {
    match value {
        Value::Null => "null".to_string(),
        Value::Bool(b) => format!("the boolean {b}"),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(_) => "an array".to_string(),
        Value::Object(_) => "a table".to_string(),
    }
}

fn wrong_type(key: &str, expected: &str, got: &Value) -> PluginError {
    key_error(key, format!("expected {expected}, got {}", describe(got)))
}

/// Reads `value` as a whole number `>= 0` (an integer, or a float with no fraction).
pub(crate) fn as_whole(key: &str, value: &Value, expected: &str) -> PluginResult<u64> {
    if let Some(v) = value.as_u64() {
        return Ok(v);
    }
    match value.as_f64() {
        Some(f) if f.is_finite() && f >= 0.0 && f.fract() == 0.0 && f <= MAX_EXACT_F64_INT => {
            Ok(f as u64)
        }
        _ => Err(wrong_type(key, expected, value)),
    }
}

impl Fields {
    /// Parses `text` as a JSON object (empty text counts as `{}`) and rejects keys not
    /// in `known`.
    pub(crate) fn parse(text: &str, known: &[&str]) -> PluginResult<Fields> {
        let value: Value = if text.trim().is_empty() {
            Value::Object(Map::new())
        } else {
            serde_json::from_str(text).map_err(|e| {
                PluginError::invalid_input(format!(
                    "simulator settings: not valid JSON ({e}); expected a JSON object"
                ))
            })?
        };
        let map = match value {
            Value::Object(map) => map,
            other => {
                return Err(PluginError::invalid_input(format!(
                    "simulator settings: expected a JSON object (a table of keys), got {}",
                    describe(&other)
                )))
            }
        };
        let known_set: BTreeSet<&str> = known.iter().copied().collect();
        if let Some(unknown) = map.keys().find(|k| !known_set.contains(k.as_str())) {
            return Err(key_error(
                unknown,
                format!("unknown key; known keys are {}", known.join(", ")),
            ));
        }
        Ok(Fields { map })
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.map.get(key).filter(|v| !v.is_null())
    }

    /// A number (integer or float).
    pub(crate) fn number(&self, key: &str, default: f64) -> PluginResult<f64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => match v.as_f64() {
                Some(f) if f.is_finite() => Ok(f),
                _ => Err(wrong_type(key, "a finite number", v)),
            },
        }
    }

    /// A whole number `>= 0`.
    pub(crate) fn whole(&self, key: &str, default: u64) -> PluginResult<u64> {
        match self.get(key) {
            None => Ok(default),
            Some(v) => as_whole(key, v, "a whole number >= 0"),
        }
    }

    /// A whole number in `min..=max`.
    pub(crate) fn whole_in(
        &self,
        key: &str,
        default: u64,
        min: u64,
        max: u64,
    ) -> PluginResult<u64> {
        let v = self.whole(key, default)?;
        if v < min || v > max {
            return Err(key_error(
                key,
                format!("expected a whole number from {min} to {max}, got {v}"),
            ));
        }
        Ok(v)
    }

    /// A string.
    pub(crate) fn string(&self, key: &str, default: &str) -> PluginResult<String> {
        match self.get(key) {
            None => Ok(default.to_string()),
            Some(Value::String(s)) => Ok(s.clone()),
            Some(v) => Err(wrong_type(key, "a string", v)),
        }
    }

    /// An optional string (absent or null: `None`).
    pub(crate) fn opt_string(&self, key: &str) -> PluginResult<Option<String>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.clone())),
            Some(v) => Err(wrong_type(key, "a string (a directory path)", v)),
        }
    }

    /// A boolean.
    pub(crate) fn boolean(&self, key: &str, default: bool) -> PluginResult<bool> {
        match self.get(key) {
            None => Ok(default),
            Some(Value::Bool(b)) => Ok(*b),
            Some(v) => Err(wrong_type(key, "a boolean (true or false)", v)),
        }
    }

    /// An array, if the key is present.
    pub(crate) fn array(&self, key: &str, expected: &str) -> PluginResult<Option<&Vec<Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Array(a)) => Ok(Some(a)),
            Some(v) => Err(wrong_type(key, expected, v)),
        }
    }

    /// A table (JSON object), if the key is present.
    pub(crate) fn table(
        &self,
        key: &str,
        expected: &str,
    ) -> PluginResult<Option<&Map<String, Value>>> {
        match self.get(key) {
            None => Ok(None),
            Some(Value::Object(m)) => Ok(Some(m)),
            Some(v) => Err(wrong_type(key, expected, v)),
        }
    }
}
