//! The call log: one line per call that changes the card's state, appended to the
//! `log_file` setting's file (nothing when it is not set).

use std::io::Write;
use std::path::PathBuf;

use awgsf_plugin_api::{PluginError, PluginResult};

/// Where log lines go.
#[derive(Debug, Clone, Default)]
pub struct CallLog {
    file: Option<PathBuf>,
}

impl CallLog {
    /// A log appending to `file`, or none.
    pub fn new(file: Option<PathBuf>) -> CallLog {
        CallLog { file }
    }

    /// Appends `lines` (each without its newline) in one write.
    pub fn write(&self, lines: &[String]) -> PluginResult<()> {
        let Some(path) = &self.file else {
            return Ok(());
        };
        let mut text = lines.join("\n");
        text.push('\n');
        std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
            .and_then(|mut f| f.write_all(text.as_bytes()))
            .map_err(|e| PluginError::io(format!("log file {}: {e}", path.display())))
    }
}

/// FNV-1a of the codes' little-endian bytes: a short fingerprint for the log.
pub fn fingerprint(codes: &[i16]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in codes.iter().flat_map(|c| c.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
