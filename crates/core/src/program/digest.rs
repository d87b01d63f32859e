//! Content digest of a program and per-segment fingerprints.
//!
//! Both hash the reference layout serialised exactly as Python's
//! `json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False)`
//! would, so the values equal the reference library's `IntentIR.digest()` and
//! `segment_fingerprints()` for the same program, whichever file format it came from.

use serde_json::{Map, Value};
use sha2::{Digest, Sha256};

use super::json::{encode_content, encode_definition, encode_segment};
use super::model::Program;

/// Fingerprint of one segment.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct SegmentFingerprint {
    /// Segment index.
    pub index: usize,
    /// Segment name.
    pub name: String,
    /// SHA-256 of the segment and the definitions it refers to, hex.
    pub digest: String,
}

/// SHA-256 of the program's content (logical channels, definitions, segments), hex.
pub fn program_digest(program: &Program) -> String {
    sha256_hex(&python_json(&Value::Object(encode_content(program))))
}

/// One fingerprint per segment, covering the segment and the definitions it uses.
pub fn segment_fingerprints(program: &Program) -> Vec<SegmentFingerprint> {
    program
        .segments
        .iter()
        .enumerate()
        .map(|(index, seg)| {
            let mut payload = Map::new();
            payload.insert("segment".into(), encode_segment(program, seg));
            let defs: Map<String, Value> = program
                .referenced_definitions(seg)
                .into_iter()
                .filter_map(|name| {
                    program
                        .definitions
                        .get(&name)
                        .map(|d| (name.clone(), encode_definition(d)))
                })
                .collect();
            payload.insert("definitions".into(), Value::Object(defs));
            SegmentFingerprint {
                index,
                name: seg.name.clone(),
                digest: sha256_hex(&python_json(&Value::Object(payload))),
            }
        })
        .collect()
}

/// SHA-256 of bytes, lower-case hex.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let d = Sha256::digest(bytes);
    d.iter().map(|b| format!("{b:02x}")).collect()
}

/// Serialises like Python's `json.dumps(v, sort_keys=True, separators=(",", ":"),
/// ensure_ascii=False)`.
pub fn python_json(v: &Value) -> Vec<u8> {
    let mut out = String::new();
    write_value(v, &mut out);
    out.into_bytes()
}

fn write_value(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(true) => out.push_str("true"),
        Value::Bool(false) => out.push_str("false"),
        Value::Number(n) => {
            if let Some(u) = n.as_u64() {
                out.push_str(&u.to_string());
            } else if let Some(i) = n.as_i64() {
                out.push_str(&i.to_string());
            } else {
                out.push_str(&python_float_repr(n.as_f64().unwrap_or(f64::NAN)));
            }
        }
        Value::String(s) => write_string(s, out),
        Value::Array(a) => {
            out.push('[');
            for (i, x) in a.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_value(x, out);
            }
            out.push(']');
        }
        Value::Object(m) => {
            let mut keys: Vec<&String> = m.keys().collect();
            keys.sort();
            out.push('{');
            for (i, k) in keys.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                write_string(k, out);
                out.push(':');
                write_value(&m[*k], out);
            }
            out.push('}');
        }
    }
}

fn write_string(s: &str, out: &mut String) {
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{08}' => out.push_str("\\b"),
            '\u{0c}' => out.push_str("\\f"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Python's `repr(float)`: the shortest digits that round-trip, in fixed notation
/// when the decimal exponent is in `[-4, 16)` (with `.0` added to integers),
/// otherwise `d.ddde±XX`.
pub fn python_float_repr(x: f64) -> String {
    if x.is_nan() {
        return "NaN".into();
    }
    if x.is_infinite() {
        return if x > 0.0 {
            "Infinity".into()
        } else {
            "-Infinity".into()
        };
    }
    if x == 0.0 {
        return if x.is_sign_negative() {
            "-0.0".into()
        } else {
            "0.0".into()
        };
    }
    // Rust's `{:e}` prints the shortest round-trip digits: "d.ddde<exp>".
    let sci = format!("{:e}", x.abs());
    let (mantissa, exp) = sci
        .split_once('e')
        .expect("scientific format has an exponent");
    let exp: i32 = exp.parse().expect("exponent is an integer");
    let digits: String = mantissa.chars().filter(|c| *c != '.').collect();
    let sign = if x < 0.0 { "-" } else { "" };
    let decpt = exp + 1; // value = 0.DIGITS * 10^decpt
    if decpt > -4 && decpt <= 16 {
        let n = digits.len() as i32;
        let body = if decpt <= 0 {
            format!("0.{}{}", "0".repeat((-decpt) as usize), digits)
        } else if decpt >= n {
            format!("{}{}.0", digits, "0".repeat((decpt - n) as usize))
        } else {
            let (a, b) = digits.split_at(decpt as usize);
            format!("{a}.{b}")
        };
        format!("{sign}{body}")
    } else {
        let m = if digits.len() > 1 {
            format!("{}.{}", &digits[..1], &digits[1..])
        } else {
            digits.clone()
        };
        let e = decpt - 1;
        let esign = if e < 0 { '-' } else { '+' };
        format!("{sign}{m}e{esign}{:02}", e.abs())
    }
}

#[cfg(test)]
mod tests {
    use super::python_float_repr as r;

    #[test]
    fn float_repr_matches_python() {
        assert_eq!(r(1e-9), "1e-09");
        assert_eq!(r(0.0002), "0.0002");
        assert_eq!(r(0.0001), "0.0001");
        assert_eq!(r(0.00001), "1e-05");
        assert_eq!(r(100000000.0), "100000000.0");
        assert_eq!(r(1e16), "1e+16");
        assert_eq!(r(1234567890123456.0), "1234567890123456.0");
        assert_eq!(r(0.10200000000000001), "0.10200000000000001");
        assert_eq!(r(-2e6), "-2000000.0");
        assert_eq!(r(93636363.63636364), "93636363.63636364");
        assert_eq!(r(1.5e-7), "1.5e-07");
        assert_eq!(r(2.5e22), "2.5e+22");
        assert_eq!(r(0.0), "0.0");
        assert_eq!(r(123.456), "123.456");
    }
}
