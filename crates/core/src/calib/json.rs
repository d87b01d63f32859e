//! JSON reading shared by the setup and measured-data loaders: parsing that accepts
//! the `NaN` / `Infinity` tokens Python's `json` module writes (so they can be
//! reported as bad values, not as syntax errors), field paths, and typed accessors
//! whose errors name the file and the field.

use serde_json::{Map, Value};

use super::CalibError;
use crate::input::json::from_str_unique_keys;

/// Reads a file to a string.
pub(crate) fn read_text(path: &std::path::Path, file: &str) -> Result<String, CalibError> {
    crate::input::read_to_string(path).map_err(|source| CalibError::Io {
        file: file.to_owned(),
        action: "read",
        source,
    })
}

/// The non-finite literals Python writes, in the order they are tried.
const NON_FINITE: [&str; 3] = ["-Infinity", "Infinity", "NaN"];

/// Parses JSON text, refusing duplicate keys; bare `NaN`, `Infinity` and `-Infinity` become the strings
/// `"NaN"`, `"Infinity"`, `"-Infinity"`, which [`finite`] reports as non-finite.
pub(crate) fn parse(text: &str, file: &str) -> Result<Value, CalibError> {
    match from_str_unique_keys(text) {
        Ok(v) => return Ok(v),
        Err(e) if !e.is_syntax() && !e.is_eof() => return Err(syntax(file, &e, &[])),
        Err(_) => {}
    }
    let (quoted, inserted) = quote_non_finite(text);
    from_str_unique_keys(&quoted).map_err(|e| syntax(file, &e, &inserted))
}

fn syntax(file: &str, e: &serde_json::Error, inserted: &[(usize, usize)]) -> CalibError {
    // Each quoted literal shifted the rest of its line by two columns.
    let shift = inserted
        .iter()
        .filter(|&&(line, col)| line == e.line() && col < e.column())
        .count()
        * 2;
    CalibError::Syntax {
        file: file.to_owned(),
        line: e.line(),
        column: e.column().saturating_sub(shift),
        message: strip_position(&e.to_string()),
    }
}

/// serde_json appends " at line L column C"; the error carries those separately.
fn strip_position(msg: &str) -> String {
    match msg.rfind(" at line ") {
        Some(i) => msg[..i].to_owned(),
        None => msg.to_owned(),
    }
}

/// Quotes the bare non-finite literals outside strings; returns the new text and the
/// (line, column) in the quoted text where each opening quote was inserted.
fn quote_non_finite(text: &str) -> (String, Vec<(usize, usize)>) {
    let mut out = String::with_capacity(text.len() + 16);
    let mut inserted = Vec::new();
    let (mut line, mut col) = (1usize, 1usize);
    let mut in_string = false;
    let mut escaped = false;
    let mut rest = text;
    while let Some(c) = rest.chars().next() {
        if !in_string {
            if let Some(lit) = NON_FINITE.iter().find(|lit| rest.starts_with(**lit)) {
                inserted.push((line, col));
                out.push('"');
                out.push_str(lit);
                out.push('"');
                col += lit.len() + 2;
                rest = &rest[lit.len()..];
                continue;
            }
        }
        if in_string {
            if escaped {
                escaped = false;
            } else if c == '\\' {
                escaped = true;
            } else if c == '"' {
                in_string = false;
            }
        } else if c == '"' {
            in_string = true;
        }
        if c == '\n' {
            line += 1;
            col = 1;
        } else {
            col += 1;
        }
        out.push(c);
        rest = &rest[c.len_utf8()..];
    }
    (out, inserted)
}

/// `parent.key`, or `parent["key"]` where the key is not a plain identifier.
pub(crate) fn key_path(parent: &str, key: &str) -> String {
    let plain = !key.is_empty()
        && !key.starts_with(|c: char| c.is_ascii_digit())
        && key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    match (parent.is_empty(), plain) {
        (true, true) => key.to_owned(),
        (false, true) => format!("{parent}.{key}"),
        (_, false) => format!("{parent}[{key:?}]"),
    }
}

/// `parent[i]`.
pub(crate) fn index_path(parent: &str, i: usize) -> String {
    format!("{parent}[{i}]")
}

/// A short description of a JSON value for error messages.
pub(crate) fn describe(v: &Value) -> String {
    match v {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => n.to_string(),
        Value::String(s) if NON_FINITE.contains(&s.as_str()) => s.clone(),
        Value::String(s) => format!("the string {s:?}"),
        Value::Array(a) => format!("an array of {} items", a.len()),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The path of the file's top level, printed in errors about the whole document.
fn shown(path: &str) -> &str {
    if path.is_empty() {
        "(top level)"
    } else {
        path
    }
}

/// The value as an object.
pub(crate) fn object<'a>(
    v: &'a Value,
    file: &str,
    path: &str,
) -> Result<&'a Map<String, Value>, CalibError> {
    v.as_object().ok_or_else(|| {
        CalibError::field(
            file,
            shown(path),
            format!("expected an object, got {}", describe(v)),
        )
    })
}

/// The value as an array.
pub(crate) fn array<'a>(v: &'a Value, file: &str, path: &str) -> Result<&'a [Value], CalibError> {
    v.as_array().map(Vec::as_slice).ok_or_else(|| {
        CalibError::field(
            file,
            shown(path),
            format!("expected an array, got {}", describe(v)),
        )
    })
}

/// The value as a string.
pub(crate) fn string<'a>(v: &'a Value, file: &str, path: &str) -> Result<&'a str, CalibError> {
    v.as_str().ok_or_else(|| {
        CalibError::field(
            file,
            path,
            format!("expected a string, got {}", describe(v)),
        )
    })
}

/// The value as a finite number.
pub(crate) fn finite(v: &Value, file: &str, path: &str) -> Result<f64, CalibError> {
    match v.as_f64() {
        Some(x) if x.is_finite() => Ok(x),
        _ => Err(CalibError::field(
            file,
            path,
            format!("expected a finite number, got {}", describe(v)),
        )),
    }
}

/// The value as a number, where non-finite values are allowed (measured data with
/// gaps); returns NaN for `NaN`, infinities for `Infinity` / `-Infinity`.
pub(crate) fn number(v: &Value, file: &str, path: &str) -> Result<f64, CalibError> {
    match v {
        Value::Number(n) => n
            .as_f64()
            .ok_or_else(|| CalibError::field(file, path, format!("number {n} is out of range"))),
        Value::String(s) if s == "NaN" => Ok(f64::NAN),
        Value::String(s) if s == "Infinity" => Ok(f64::INFINITY),
        Value::String(s) if s == "-Infinity" => Ok(f64::NEG_INFINITY),
        Value::Null => Ok(f64::NAN),
        _ => Err(CalibError::field(
            file,
            path,
            format!("expected a number, got {}", describe(v)),
        )),
    }
}

/// An array of numbers (non-finite allowed, see [`number`]).
pub(crate) fn numbers(v: &Value, file: &str, path: &str) -> Result<Vec<f64>, CalibError> {
    array(v, file, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| number(x, file, &index_path(path, i)))
        .collect()
}

/// An array of finite numbers.
pub(crate) fn finite_numbers(v: &Value, file: &str, path: &str) -> Result<Vec<f64>, CalibError> {
    array(v, file, path)?
        .iter()
        .enumerate()
        .map(|(i, x)| finite(x, file, &index_path(path, i)))
        .collect()
}

/// The equal-length number lists `first` and `second` of the object `v` (a curve of
/// a measurement file); a length mismatch is reported at `second`, which should hold
/// one value per `each`.
pub(crate) fn paired_numbers(
    v: &Value,
    [first, second]: [&str; 2],
    each: &str,
    file: &str,
    path: &str,
) -> Result<(Vec<f64>, Vec<f64>), CalibError> {
    let obj = object(v, file, path)?;
    let list = |key| numbers(member(obj, key, file, path)?, file, &key_path(path, key));
    let (xs, ys) = (list(first)?, list(second)?);
    if xs.len() != ys.len() {
        return Err(CalibError::field(
            file,
            &key_path(path, second),
            format!(
                "expected {} values (one per {each}), got {}",
                xs.len(),
                ys.len()
            ),
        ));
    }
    Ok((xs, ys))
}

/// A required member of an object.
pub(crate) fn member<'a>(
    obj: &'a Map<String, Value>,
    key: &str,
    file: &str,
    path: &str,
) -> Result<&'a Value, CalibError> {
    obj.get(key)
        .ok_or_else(|| CalibError::field(file, &key_path(path, key), "missing required field"))
}

/// Rejects members other than `allowed`, so a misspelt optional field is not
/// silently replaced by its default.
pub(crate) fn no_unknown_members(
    obj: &Map<String, Value>,
    allowed: &[&str],
    file: &str,
    path: &str,
) -> Result<(), CalibError> {
    match obj.keys().find(|k| !allowed.contains(&k.as_str())) {
        None => Ok(()),
        Some(k) => Err(CalibError::field(
            file,
            &key_path(path, k),
            format!("unknown field; expected one of {}", allowed.join(", ")),
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn non_finite_literals_become_strings_outside_strings_only() {
        let v = parse(r#"{"a": [NaN, -Infinity, Infinity], "s": "NaN x"}"#, "f").unwrap();
        assert_eq!(v["a"][0], "NaN");
        assert_eq!(v["a"][1], "-Infinity");
        assert_eq!(v["a"][2], "Infinity");
        assert_eq!(v["s"], "NaN x");
    }

    #[test]
    fn syntax_error_column_is_that_of_the_original_text() {
        let err = parse("{\"a\": [NaN, 1,, 2]}", "f.json").unwrap_err();
        match err {
            CalibError::Syntax { line, column, .. } => {
                assert_eq!(line, 1);
                assert_eq!(column, 15);
            }
            other => panic!("unexpected {other}"),
        }
    }

    #[test]
    fn key_paths_quote_non_identifiers() {
        assert_eq!(key_path("", "a_b"), "a_b");
        assert_eq!(key_path("x", "y"), "x.y");
        assert_eq!(key_path("x", "80.5"), "x[\"80.5\"]");
        assert_eq!(index_path("x", 3), "x[3]");
    }
}
