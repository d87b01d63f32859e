//! The plugin's settings: a JSON object such as `{"device": 0, "batch_mib": 256}`.

use awgsf_plugin_api::{PluginError, PluginResult};

/// Parsed settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Settings {
    /// CUDA device index.
    pub device: usize,
    /// Largest device output buffer of one kernel launch, MiB; longer renders run
    /// as several launches.
    pub batch_mib: usize,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            device: 0,
            batch_mib: 256,
        }
    }
}

const KEYS: &str = "device, batch_mib";

fn unsigned(key: &str, v: &serde_json::Value, min: u64, max: u64) -> PluginResult<usize> {
    v.as_u64()
        .filter(|n| (min..=max).contains(n))
        .map(|n| n as usize)
        .ok_or_else(|| {
            PluginError::invalid_input(format!(
                "cuda settings: `{key}` must be an integer in {min}..={max} (got {v})"
            ))
        })
}

impl Settings {
    /// Parses the settings text; empty text means the defaults.
    pub fn parse(text: &str) -> PluginResult<Settings> {
        let mut s = Settings::default();
        if text.trim().is_empty() {
            return Ok(s);
        }
        let value: serde_json::Value = serde_json::from_str(text).map_err(|e| {
            PluginError::invalid_input(format!("cuda settings: not valid JSON: {e}"))
        })?;
        let Some(map) = value.as_object() else {
            return Err(PluginError::invalid_input(format!(
                "cuda settings: expected a JSON object with keys {KEYS} (got {value})"
            )));
        };
        for (key, v) in map {
            match key.as_str() {
                "device" => s.device = unsigned(key, v, 0, 1023)?,
                "batch_mib" => s.batch_mib = unsigned(key, v, 1, 1 << 20)?,
                other => {
                    return Err(PluginError::invalid_input(format!(
                        "cuda settings: unknown key `{other}` (expected: {KEYS})"
                    )))
                }
            }
        }
        Ok(s)
    }

    /// The output budget of one launch, bytes.
    pub fn batch_bytes(&self) -> usize {
        self.batch_mib << 20
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_values() {
        assert_eq!(Settings::parse("").unwrap(), Settings::default());
        assert_eq!(Settings::parse("{}").unwrap(), Settings::default());
        let s = Settings::parse(r#"{"device": 2, "batch_mib": 64}"#).unwrap();
        assert_eq!((s.device, s.batch_mib), (2, 64));
        assert_eq!(s.batch_bytes(), 64 << 20);
    }

    #[test]
    fn errors_name_the_key() {
        let e = Settings::parse(r#"{"devices": 1}"#).unwrap_err();
        assert!(e.message.contains("unknown key `devices`"), "{e}");
        let e = Settings::parse(r#"{"device": -1}"#).unwrap_err();
        assert!(e.message.contains("`device`"), "{e}");
        let e = Settings::parse(r#"{"batch_mib": 0}"#).unwrap_err();
        assert!(e.message.contains("`batch_mib`"), "{e}");
        assert!(Settings::parse("[]").is_err());
        assert!(Settings::parse("{").is_err());
    }
}
