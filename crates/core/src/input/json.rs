//! JSON parsing that refuses an object holding the same key twice.
//!
//! `serde_json` keeps the last of several equal keys without a word, so a typo'd
//! copy of a key in a program or setup file would silently win. A first pass over
//! the text with a visitor that remembers each object's keys finds such duplicates;
//! its error carries the line and column of the repeated key.

use std::collections::HashSet;
use std::fmt;

use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

/// Parses JSON text into a [`Value`], refusing duplicate keys in any object
/// (`duplicate key "a" in an object at line 3 column 8`).
pub fn from_str_unique_keys(text: &str) -> serde_json::Result<Value> {
    check_unique_keys(text)?;
    serde_json::from_str(text)
}

/// Checks that no object in the JSON text holds a key twice (and that the text is
/// JSON at all).
pub fn check_unique_keys(text: &str) -> serde_json::Result<()> {
    let mut de = serde_json::Deserializer::from_str(text);
    Unique::deserialize(&mut de)?;
    de.end()
}

/// Any JSON value, checked but not kept.
struct Unique;

impl<'de> Deserialize<'de> for Unique {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_any(UniqueVisitor)
    }
}

struct UniqueVisitor;

impl<'de> Visitor<'de> for UniqueVisitor {
    type Value = Unique;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("any JSON value")
    }

    fn visit_bool<E>(self, _: bool) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_i64<E>(self, _: i64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_u64<E>(self, _: u64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_f64<E>(self, _: f64) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_str<E>(self, _: &str) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_unit<E>(self) -> Result<Unique, E> {
        Ok(Unique)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Unique, A::Error> {
        while seq.next_element::<Unique>()?.is_some() {}
        Ok(Unique)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Unique, A::Error> {
        let mut seen = HashSet::new();
        while let Some(key) = map.next_key::<String>()? {
            if seen.contains(&key) {
                return Err(de::Error::custom(format_args!(
                    "duplicate key {key:?} in an object"
                )));
            }
            map.next_value::<Unique>()?;
            seen.insert(key);
        }
        Ok(Unique)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_duplicate_key_is_named_with_its_line() {
        let e = from_str_unique_keys("{\"a\": 1,\n \"b\": {\"c\": [1, {\"d\": 2,\n \"d\": 3}]}}")
            .unwrap_err();
        assert_eq!(e.line(), 3, "{e}");
        assert!(e.to_string().contains("duplicate key \"d\""), "{e}");
    }

    #[test]
    fn equal_keys_in_different_objects_are_fine() {
        let v = from_str_unique_keys("[{\"a\": 1}, {\"a\": 2}, {\"b\": {\"a\": null}}]").unwrap();
        assert_eq!(v[1]["a"], 2);
    }
}
