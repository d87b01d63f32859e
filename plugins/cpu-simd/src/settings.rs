//! The plugin's settings: a JSON object `{"threads": N}` (0 or absent: all cores;
//! at most [`MAX_THREADS`]).

use awgsf_plugin_api::{settings, PluginError, PluginResult};
use serde::Deserialize;

/// Most worker threads a `threads` setting may ask for: more only costs memory and
/// scheduling (and spawning thousands can fail with EAGAIN).
pub const MAX_THREADS: usize = 1024;

/// Parsed settings.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    /// Worker threads; 0 uses every core.
    pub threads: usize,
}

impl Settings {
    /// Parses the settings text; empty text means the defaults.
    pub fn parse(text: &str) -> PluginResult<Settings> {
        let s: Settings = settings::parse("cpu-simd", text)?;
        if s.threads > MAX_THREADS {
            return Err(PluginError::invalid_input(format!(
                "cpu-simd settings: `threads` = {} is too large: expected 0 (all cores) to \
                 {MAX_THREADS}",
                s.threads
            )));
        }
        Ok(s)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_threads_and_defaults() {
        assert_eq!(Settings::parse("").unwrap().threads, 0);
        assert_eq!(Settings::parse("{}").unwrap().threads, 0);
        assert_eq!(Settings::parse(r#"{"threads": 3}"#).unwrap().threads, 3);
    }

    #[test]
    fn rejects_bad_settings_naming_the_key() {
        let e = Settings::parse(r#"{"threads": 1, "thread": 2}"#).unwrap_err();
        assert!(e.message.contains("unknown key `thread`"), "{e}");
        assert!(e.message.contains("did you mean `threads`?"), "{e}");
        let e = Settings::parse(r#"{"threads": -1}"#).unwrap_err();
        assert!(e.message.contains("`threads`"), "{e}");
        let e = Settings::parse(r#"{"threads": 100000}"#).unwrap_err();
        assert!(e.message.contains("`threads` = 100000 is too large"), "{e}");
        assert!(e.message.contains("1024"), "{e}");
        assert_eq!(
            Settings::parse(r#"{"threads": 1024}"#).unwrap().threads,
            1024
        );
        assert!(Settings::parse("[1]").is_err());
        assert!(Settings::parse("{").is_err());
    }
}
