//! Scratch directories holding the configs and programs an end-to-end test writes,
//! and the small texts most tests start from.

use std::path::{Path, PathBuf};

/// A temporary directory, removed when dropped.
pub struct Scratch {
    dir: tempfile::TempDir,
}

impl Default for Scratch {
    fn default() -> Self {
        Scratch::new()
    }
}

impl Scratch {
    /// A fresh empty directory.
    pub fn new() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    /// Its path.
    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `name` (creating parent directories) and returns the path.
    pub fn write(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        if let Some(parent) = p.parent() {
            std::fs::create_dir_all(parent).expect("create the parent directory");
        }
        std::fs::write(&p, text).unwrap_or_else(|e| panic!("write {}: {e}", p.display()));
        p
    }

    /// Sorted names of the entries of a sub-directory (`""`: the directory itself).
    pub fn entries(&self, sub: &str) -> Vec<String> {
        let mut v: Vec<String> = std::fs::read_dir(self.dir.path().join(sub))
            .map(|rd| {
                rd.filter_map(|e| e.ok())
                    .map(|e| e.file_name().to_string_lossy().into_owned())
                    .collect()
            })
            .unwrap_or_default();
        v.sort();
        v
    }
}

/// A path as a TOML string.
pub fn toml_str(p: &Path) -> String {
    let s = p.display().to_string();
    format!("\"{}\"", s.replace('\\', "\\\\").replace('"', "\\\""))
}

/// A lab-machine config: CPU synthesis and the card `hardware_backend` (a TOML
/// value) with `hardware_settings` (lines of its settings table), two channels at
/// 100 MS/s mapped `H = 0, V = 1`, then `extra` (whole sections not used above).
pub fn config_text(hardware_backend: &str, hardware_settings: &str, extra: &str) -> String {
    format!(
        r#"version = 1

[synthesis]
backend = "cpu-simd"

[hardware]
backend = {hardware_backend}

[hardware.settings]
{hardware_settings}

[card]
sample_rate_hz = 100e6
channels = [0, 1]
amplitude_mv = 1000.0

[card.trigger]
source = "software"

[setup]
map = {{ H = 0, V = 1 }}

[compile]
quantum_s = 40e-6
{extra}
"#
    )
}

/// A short two-channel program: a triggered hold, a chirp on H and a ramp on V.
pub const SMALL_PROGRAM: &str = r#"logical_channels = ["H", "V"]

[definitions.h]
channel = "H"
freqs = ["10 MHz", "12 MHz"]
amps = 200

[definitions.v]
channel = "V"
freqs = ["11 MHz"]
amps = [300]

[[segments]]
name = "armed"
mode = "wait_trig"
ops = [
  { op = "use_def", channel = "H", def = "h" },
  { op = "use_def", channel = "V", def = "v" },
  { op = "hold", time = "40 us" },
]

[[segments]]
name = "chirp"
ops = [
  { op = "move", channel = "H", df = "1 MHz", time = "50 us", kind = "min_jerk" },
]

[[segments]]
name = "dim"
ops = [
  { op = "ramp_amp_to", channel = "V", amps = 100, time = "30 us" },
]
"#;
