//! The plugin's settings (`[hardware.settings]` of a config, passed as JSON).
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `device` | string | `"/dev/spcm0"` | device string passed to `spcm_hOpen` (`/dev/spcmN`, or a `TCPIP::...::INSTR` address) |
//! | `driver_path` | string | search | the driver library file, or a folder holding it; when set, nothing else is tried |
//! | `memory_readback` | `"auto"` / `"off"` | `"auto"` | read segments back through `SPC_MEMTEST` where the card has it |
//! | `expect_model` | string | none | refuse to open a card of another model (`"M4i.6622-x8"`) |
//! | `expect_serial` | integer | none | refuse to open a card with another serial number |
//!
//! Trigger, clock, channel and timeout settings come from the config's `[card]`
//! table (plugin-api `CardSettings`), not from here. Unknown keys are errors.

use std::path::PathBuf;

use awgsf_plugin_api::{settings, PluginResult};
use serde::Deserialize;

/// Device opened when the settings name none.
pub const DEFAULT_DEVICE: &str = "/dev/spcm0";

/// Whether segment memory is read back for verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemoryReadback {
    /// Use `SPC_MEMTEST` where the card answers it.
    #[default]
    Auto,
    /// Never read back.
    Off,
}

/// Parsed plugin settings.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SpcmSettings {
    /// Device string for `spcm_hOpen`.
    #[serde(default = "default_device")]
    pub device: String,
    /// Driver library file or folder.
    #[serde(default)]
    pub driver_path: Option<PathBuf>,
    /// Memory read-back.
    #[serde(default)]
    pub memory_readback: MemoryReadback,
    /// Model the card must be.
    #[serde(default)]
    pub expect_model: Option<String>,
    /// Serial number the card must have.
    #[serde(default)]
    pub expect_serial: Option<u32>,
}

fn default_device() -> String {
    DEFAULT_DEVICE.to_string()
}

impl Default for SpcmSettings {
    fn default() -> Self {
        SpcmSettings {
            device: default_device(),
            driver_path: None,
            memory_readback: MemoryReadback::Auto,
            expect_model: None,
            expect_serial: None,
        }
    }
}

impl SpcmSettings {
    /// Parses the settings JSON object; an empty text means all defaults.
    pub fn parse(json: &str) -> PluginResult<SpcmSettings> {
        let settings: SpcmSettings = settings::parse("spcm", json)?;
        if settings.device.trim().is_empty() {
            return Err(settings::invalid(
                "spcm",
                "device",
                "expected a device string such as \"/dev/spcm0\"",
            ));
        }
        Ok(settings)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_and_keys() {
        assert_eq!(SpcmSettings::parse("").unwrap(), SpcmSettings::default());
        assert_eq!(SpcmSettings::parse("{}").unwrap().device, "/dev/spcm0");
        let s = SpcmSettings::parse(
            r#"{"device": "/dev/spcm1", "driver_path": "/opt/x.so", "memory_readback": "off",
                "expect_model": "M4i.6622-x8", "expect_serial": 7}"#,
        )
        .unwrap();
        assert_eq!(s.device, "/dev/spcm1");
        assert_eq!(s.driver_path, Some(PathBuf::from("/opt/x.so")));
        assert_eq!(s.memory_readback, MemoryReadback::Off);
        assert_eq!(s.expect_serial, Some(7));
    }

    #[test]
    fn unknown_and_bad_keys_are_named() {
        let e = SpcmSettings::parse(r#"{"devcie": "/dev/spcm0"}"#).unwrap_err();
        assert!(e.message.contains("unknown key `devcie`"), "{e}");
        assert!(e.message.contains("did you mean `device`?"), "{e}");
        let e = SpcmSettings::parse(r#"{"memory_readback": "always"}"#).unwrap_err();
        assert!(e.message.contains("`memory_readback`"), "{e}");
        assert!(e.message.contains("always"), "{e}");
        let e = SpcmSettings::parse(r#"{"device": ""}"#).unwrap_err();
        assert!(e.message.contains("device"), "{e}");
    }
}
