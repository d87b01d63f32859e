//! Plugin `settings` tables as JSON objects: the plugin receives the TOML table as
//! JSON object text and validates it itself.

use serde_json::{Map, Number, Value as Json};
use toml::de::{DeTable, DeValue};

use super::checker::{integer_of, join, number_of, Checker, Value};

/// Converts a settings table; values JSON cannot hold (inf, nan) are reported.
pub(crate) fn table_to_json(
    c: &mut Checker<'_>,
    path: &str,
    table: &DeTable<'_>,
) -> Map<String, Json> {
    let mut out = Map::new();
    for (k, v) in table.iter() {
        let key = join(path, k.get_ref());
        c.remember(&key, v.span());
        if let Some(j) = value_to_json(c, &key, v) {
            out.insert(k.get_ref().to_string(), j);
        }
    }
    out
}

fn value_to_json(c: &mut Checker<'_>, key: &str, v: &Value<'_>) -> Option<Json> {
    Some(match v.get_ref() {
        DeValue::String(s) => Json::String(s.to_string()),
        DeValue::Integer(_) => match integer_of(v.get_ref()) {
            Some(i) => Json::Number(i.into()),
            None => {
                c.expected(key, v, "an integer that fits 64 bits");
                return None;
            }
        },
        DeValue::Float(_) => {
            let x = number_of(v.get_ref()).unwrap_or(f64::NAN);
            match Number::from_f64(x) {
                Some(n) => Json::Number(n),
                None => {
                    c.expected(key, v, "a finite number (plugin settings travel as JSON)");
                    return None;
                }
            }
        }
        DeValue::Boolean(b) => Json::Bool(*b),
        DeValue::Datetime(d) => Json::String(d.to_string()),
        DeValue::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(value_to_json(c, &format!("{key}[{i}]"), item)?);
            }
            Json::Array(out)
        }
        DeValue::Table(t) => Json::Object(table_to_json(c, key, t)),
    })
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use super::*;

    fn convert(text: &str) -> (Map<String, Json>, Vec<String>) {
        let mut c = Checker::new(Path::new("s.toml"), text);
        let doc = DeTable::parse(text).unwrap();
        let out = table_to_json(&mut c, "hardware.settings", doc.get_ref());
        let (problems, _) = c.finish();
        (out, problems.iter().map(|p| p.to_string()).collect())
    }

    #[test]
    fn every_toml_type_converts_in_order() {
        let (json, problems) = convert(
            "device = \"/dev/spcm0\"\nplay_s = 0.02\nthreads = 0\nlog = true\n\
             triggers = [\"force\", 0.001]\nwhen = 1979-05-27T07:32:00Z\n[nested]\nz = 1\na = 2\n",
        );
        assert!(problems.is_empty(), "{problems:?}");
        assert_eq!(
            Json::Object(json).to_string(),
            r#"{"device":"/dev/spcm0","play_s":0.02,"threads":0,"log":true,"triggers":["force",0.001],"when":"1979-05-27T07:32:00Z","nested":{"z":1,"a":2}}"#
        );
    }

    #[test]
    fn non_finite_numbers_are_reported_with_their_key() {
        let (_, problems) = convert("a = 1\nlimits = [1.0, inf]\n");
        assert_eq!(problems.len(), 1);
        assert!(
            problems[0]
                .starts_with("s.toml:2:16: hardware.settings.limits[1]: expected a finite number"),
            "{}",
            problems[0]
        );
    }
}
