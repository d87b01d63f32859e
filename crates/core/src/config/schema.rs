//! The config's sections as typed values, with the documented defaults
//! (`docs/config.md`). Values here are already validated; card enums are the
//! plugin-api types, so [`Config::card_settings`](super::Config::card_settings) is a
//! plain copy.

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use awgsf_plugin_api::{
    ClockSettings, ClockSource, Coupling, StopLevel, TriggerEdge, TriggerSettings, TriggerSource,
};
use indexmap::IndexMap;

/// The only config format version.
pub const CONFIG_VERSION: u32 = 1;

/// A plugin chosen by name (searched in the plugin directories) or by file path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PluginRef {
    /// A plugin name such as `cpu-simd` or `simulator`.
    Name(String),
    /// A plugin library file, resolved against the config file's directory.
    Path(PathBuf),
}

impl fmt::Display for PluginRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            PluginRef::Name(n) => f.write_str(n),
            PluginRef::Path(p) => write!(f, "{}", p.display()),
        }
    }
}

/// `[synthesis]`: which plugin computes samples.
#[derive(Debug, Clone, PartialEq)]
pub struct SynthesisConfig {
    /// The plugin tried first. Default `cpu-simd`.
    pub backend: PluginRef,
    /// Plugins tried in order when the backend cannot run here. Default none.
    pub fallbacks: Vec<PluginRef>,
    /// Settings of each synthesis plugin, by the plugin's name
    /// (`[synthesis.settings.<name>]`): each plugin gets its own table only, so a
    /// fallback never sees the settings of the backend it replaces. Default empty.
    pub settings: IndexMap<String, serde_json::Map<String, serde_json::Value>>,
}

impl Default for SynthesisConfig {
    fn default() -> Self {
        SynthesisConfig {
            backend: PluginRef::Name("cpu-simd".into()),
            fallbacks: Vec::new(),
            settings: IndexMap::new(),
        }
    }
}

impl SynthesisConfig {
    /// The settings of the synthesis plugin called `plugin` as JSON object text, as
    /// its `probe`/`open` take them (`{}` when the config has none for it).
    pub fn settings_json(&self, plugin: &str) -> String {
        self.settings
            .get(plugin)
            .map_or_else(|| "{}".to_string(), object_text)
    }

    /// The settings table of the plugin called `plugin`, created empty if absent.
    pub fn settings_mut(
        &mut self,
        plugin: &str,
    ) -> &mut serde_json::Map<String, serde_json::Value> {
        self.settings.entry(plugin.to_string()).or_default()
    }

    /// The backend and its fallbacks, in the order they are tried.
    pub fn candidates(&self) -> impl Iterator<Item = &PluginRef> {
        std::iter::once(&self.backend).chain(&self.fallbacks)
    }
}

/// A settings table as JSON object text.
fn object_text(settings: &serde_json::Map<String, serde_json::Value>) -> String {
    serde_json::Value::Object(settings.clone()).to_string()
}

/// `[hardware]`: where the samples go.
#[derive(Debug, Clone, PartialEq)]
pub struct HardwareConfig {
    /// The hardware plugin. Default `simulator`.
    pub backend: PluginRef,
    /// Passed to the plugin as a JSON object. Default empty.
    pub settings: serde_json::Map<String, serde_json::Value>,
}

impl Default for HardwareConfig {
    fn default() -> Self {
        HardwareConfig {
            backend: PluginRef::Name("simulator".into()),
            settings: serde_json::Map::new(),
        }
    }
}

impl HardwareConfig {
    /// The settings as JSON object text, as the plugin's `probe`/`open` take them.
    pub fn settings_json(&self) -> String {
        object_text(&self.settings)
    }
}

/// `[card]`: what `configure` sets on the card.
#[derive(Debug, Clone, PartialEq)]
pub struct CardConfig {
    /// Sample rate, Hz. Default 625 MS/s.
    pub sample_rate_hz: f64,
    /// Enabled hardware channels, in the order written (unique). Default `[0, 1]`.
    pub channels: Vec<u32>,
    /// Output amplitude of each entry of `channels`, mV. Default 1000 mV each.
    pub amplitude_mv: Vec<f64>,
    /// Output level after stop. Default hold last sample.
    pub stop_level: StopLevel,
    /// Driver timeout of blocking calls, ms; 0 = none. Default 0.
    pub timeout_ms: u32,
    /// `[card.trigger]`.
    pub trigger: TriggerSettings,
    /// `[card.clock]`.
    pub clock: ClockSettings,
}

impl Default for CardConfig {
    fn default() -> Self {
        CardConfig {
            sample_rate_hz: 625e6,
            channels: vec![0, 1],
            amplitude_mv: vec![DEFAULT_AMPLITUDE_MV; 2],
            stop_level: StopLevel::HoldLast,
            timeout_ms: 0,
            trigger: TriggerSettings {
                source: TriggerSource::Software,
                edge: TriggerEdge::Rising,
                level_mv: 500.0,
                coupling: Coupling::Dc,
                termination_50ohm: true,
                delay_samples: 0,
            },
            clock: ClockSettings {
                source: ClockSource::InternalPll,
                reference_hz: 0.0,
                output_enabled: false,
            },
        }
    }
}

/// Default output amplitude of an enabled channel, mV.
pub const DEFAULT_AMPLITUDE_MV: f64 = 1000.0;

impl CardConfig {
    /// `(channel, amplitude_mv)` pairs, ascending by channel.
    pub fn channels_ascending(&self) -> Vec<(u32, f64)> {
        let mut pairs: Vec<(u32, f64)> = self
            .channels
            .iter()
            .copied()
            .zip(self.amplitude_mv.iter().copied())
            .collect();
        pairs.sort_by_key(|(c, _)| *c);
        pairs
    }
}

/// Where per-channel optical-power calibrations come from.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum SetupCalibration {
    /// No calibration: amplitudes are RF mV on every channel (default).
    #[default]
    None,
    /// A physical-setup JSON file in the reference layout (map + calibrations).
    SetupFile(PathBuf),
    /// One calibration file (setup JSON or fitted calibration) per hardware channel.
    PerChannel(BTreeMap<u32, PathBuf>),
}

/// `[setup]`: the physical setup.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupConfig {
    /// Logical channel name to hardware channel, one-to-one, onto enabled channels.
    /// Default: `H` to the lowest enabled channel and `V` to the next one (if any).
    pub map: IndexMap<String, u32>,
    /// Calibration source. Default none.
    pub calibration: SetupCalibration,
}

impl Default for SetupConfig {
    fn default() -> Self {
        SetupConfig {
            map: default_map(&CardConfig::default().channels),
            calibration: SetupCalibration::None,
        }
    }
}

/// The default map for a set of enabled channels: `H` on the lowest, `V` on the next.
pub fn default_map(channels: &[u32]) -> IndexMap<String, u32> {
    let mut sorted = channels.to_vec();
    sorted.sort_unstable();
    ["H", "V"]
        .iter()
        .zip(sorted)
        .map(|(name, ch)| (name.to_string(), ch))
        .collect()
}

/// `[compile]`: quantisation and conversion to card codes.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileConfig {
    /// Loop-length quantum, seconds. Default 40 µs.
    pub quantum_s: f64,
    /// mV that map to `full_scale`; `None`: each channel's card amplitude.
    pub full_scale_mv: Option<f64>,
    /// Card code of full scale (1..=32767); `None`: the card's own code.
    pub full_scale: Option<i32>,
    /// Clip level as a fraction of full scale, in (0, 1]. Default 1.
    pub clip: f64,
}

impl Default for CompileConfig {
    fn default() -> Self {
        CompileConfig {
            quantum_s: 40e-6,
            full_scale_mv: None,
            full_scale: None,
            clip: 1.0,
        }
    }
}

/// `[phases]`: effort of the crest-factor optimiser.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasesConfig {
    /// Optimiser passes, at least 1. Default 4.
    pub passes: u32,
    /// Time budget per optimisation, ms; 0 = no limit (passes only). Default 200.
    pub time_budget_ms: u64,
}

impl Default for PhasesConfig {
    fn default() -> Self {
        PhasesConfig {
            passes: 4,
            time_budget_ms: 200,
        }
    }
}

/// `[output]`: where compiled artefacts go.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OutputConfig {
    /// Output directory, resolved against the config file's directory. Default `out`.
    pub dir: PathBuf,
    /// Whether existing files may be replaced. Default false.
    pub overwrite: bool,
}

impl Default for OutputConfig {
    fn default() -> Self {
        OutputConfig {
            dir: PathBuf::from("out"),
            overwrite: false,
        }
    }
}

/// Names of [`StopLevel`] values as written in a config.
pub const STOP_LEVELS: &[(&str, StopLevel)] = &[
    ("zero", StopLevel::Zero),
    ("low", StopLevel::Low),
    ("high", StopLevel::High),
    ("hold_last", StopLevel::HoldLast),
    ("tristate", StopLevel::Tristate),
];

/// Names of [`TriggerSource`] values as written in a config.
pub const TRIGGER_SOURCES: &[(&str, TriggerSource)] = &[
    ("software", TriggerSource::Software),
    ("ext0", TriggerSource::Ext0),
    ("ext1", TriggerSource::Ext1),
];

/// Names of [`TriggerEdge`] values as written in a config.
pub const TRIGGER_EDGES: &[(&str, TriggerEdge)] = &[
    ("rising", TriggerEdge::Rising),
    ("falling", TriggerEdge::Falling),
    ("both", TriggerEdge::Both),
];

/// Names of [`Coupling`] values as written in a config.
pub const COUPLINGS: &[(&str, Coupling)] = &[("dc", Coupling::Dc), ("ac", Coupling::Ac)];

/// Names of [`ClockSource`] values as written in a config.
pub const CLOCK_SOURCES: &[(&str, ClockSource)] = &[
    ("internal_pll", ClockSource::InternalPll),
    ("external_reference", ClockSource::ExternalReference),
];

/// The config name of an enum value, from one of the tables above.
pub fn name_of<T: PartialEq>(names: &[(&'static str, T)], value: T) -> &'static str {
    names
        .iter()
        .find(|(_, v)| *v == value)
        .map_or("?", |(n, _)| n)
}
