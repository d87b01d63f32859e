//! The plugin's settings: a JSON object such as `{"device": 0, "batch_mib": 256}`.

use awgsf_plugin_api::{settings, PluginError, PluginResult};
use serde::Deserialize;

/// Parsed settings.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
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

/// `value` of `key` if within `min..=max`.
fn in_range(key: &str, value: usize, min: usize, max: usize) -> PluginResult<()> {
    if !(min..=max).contains(&value) {
        return Err(PluginError::invalid_input(format!(
            "cuda settings: `{key}` must be an integer in {min}..={max} (got {value})"
        )));
    }
    Ok(())
}

impl Settings {
    /// Parses the settings text; empty text means the defaults.
    pub fn parse(text: &str) -> PluginResult<Settings> {
        let s: Settings = settings::parse("cuda", text)?;
        in_range("device", s.device, 0, 1023)?;
        in_range("batch_mib", s.batch_mib, 1, 1 << 20)?;
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
        assert!(e.message.contains("did you mean `device`?"), "{e}");
        let e = Settings::parse(r#"{"device": -1}"#).unwrap_err();
        assert!(e.message.contains("`device`"), "{e}");
        let e = Settings::parse(r#"{"device": 1024}"#).unwrap_err();
        assert!(
            e.message
                .contains("`device` must be an integer in 0..=1023"),
            "{e}"
        );
        let e = Settings::parse(r#"{"batch_mib": 0}"#).unwrap_err();
        assert!(e.message.contains("`batch_mib`"), "{e}");
        assert!(Settings::parse("[]").is_err());
        assert!(Settings::parse("{").is_err());
    }
}
