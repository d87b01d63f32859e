//! The plugin's settings: the `[hardware.settings]` table of the host's config,
//! received as JSON object text.

use std::path::PathBuf;

use awgsf_plugin_api::{PluginError, PluginResult};
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
        let json = if json.trim().is_empty() { "{}" } else { json };
        let s: Settings = serde_json::from_str(json)
            .map_err(|e| PluginError::invalid_input(format!("example-card settings: {e}")))?;
        if s.memory_bytes == 0 {
            return Err(PluginError::invalid_input(
                "example-card settings: memory_bytes: expected at least 1 byte, found 0",
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
        assert!(e.message.contains("unknown field `log`"), "{e}");
        let e = Settings::parse(r#"{"memory_bytes": "lots"}"#).unwrap_err();
        assert!(
            e.message.contains("memory_bytes") || e.message.contains("u64"),
            "{e}"
        );
        assert!(Settings::parse(r#"{"memory_bytes": 0}"#).is_err());
    }
}
