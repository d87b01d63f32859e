//! The plugin's settings: the `[hardware.settings]` table of the host's config,
//! received as JSON object text.

use std::path::PathBuf;

use awgsf_plugin_api::{settings, PluginResult};
use serde::Deserialize;

/// Default card memory: 512 MiB.
pub const DEFAULT_MEMORY_BYTES: u64 = 512 << 20;

/// Validated settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Settings {
    /// File the call log is appended to.
    #[serde(default)]
    pub log_file: Option<PathBuf>,
    /// Sample memory of the card, bytes.
    #[serde(default = "default_memory")]
    pub memory_bytes: u64,
}

fn default_memory() -> u64 {
    DEFAULT_MEMORY_BYTES
}

impl Settings {
    /// Parses settings JSON (`""` means all defaults). Unknown keys and wrong types
    /// are `INVALID_INPUT` errors that name the key.
    pub fn parse(json: &str) -> PluginResult<Settings> {
        let s: Settings = settings::parse("example-card", json)?;
        if s.memory_bytes == 0 {
            return Err(settings::invalid(
                "example-card",
                "memory_bytes",
                "expected at least 1 byte, found 0",
            ));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use awgsf_plugin_api::ErrorKind;

    #[test]
    fn defaults_and_errors() {
        let s = Settings::parse("").unwrap();
        assert_eq!(s.memory_bytes, DEFAULT_MEMORY_BYTES);
        assert_eq!(s.log_file, None);
        let e = Settings::parse(r#"{"log": "x"}"#).unwrap_err();
        assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
        assert_eq!(
            e.message.as_str(),
            "example-card settings: unknown key `log`; did you mean `log_file`?"
        );
        let e = Settings::parse(r#"{"memory_bytes": "lots"}"#).unwrap_err();
        assert!(
            e.message
                .starts_with("example-card settings: `memory_bytes`: invalid type: string"),
            "{e}"
        );
        let e = Settings::parse(r#"{"memory_bytes": 0}"#).unwrap_err();
        assert!(
            e.message
                .contains("`memory_bytes`: expected at least 1 byte"),
            "{e}"
        );
    }
}
