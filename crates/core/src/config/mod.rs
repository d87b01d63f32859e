//! The lab-machine config: one TOML file that chooses the plugins and sets the card,
//! the physical setup and the compiler's knobs (`docs/config.md`).
//!
//! [`Config::load`] validates the whole file as a schema before any plugin is loaded
//! and reports every problem at once, each as `file:line:col: key.path: what was
//! expected, what was found`. Once the hardware plugin has described its card,
//! [`CardFigures::compute`] checks the config against it and derives the quantisation
//! limits; [`MemoryFigures::compute`] adds card memory and trigger latency for a
//! program's segments.

mod checker;
mod error;
mod figures;
mod memory;
mod schema;
mod sections;
mod settings;
mod setup_section;
#[cfg(test)]
mod tests;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use abi_stable::std_types::RVec;
use awgsf_plugin_api::{CardSettings, ChannelSettings};
use toml::de::DeTable;

use checker::Checker;

pub use error::{ConfigError, Location, Problem};
pub use figures::{CardFigures, ChannelFigures, Quantisation};
pub use memory::{MemoryFigures, SegmentMemory, SegmentUse, TriggerLatency};
pub use schema::{
    default_map, name_of, CardConfig, CompileConfig, HardwareConfig, OutputConfig, PhasesConfig,
    PluginRef, SetupCalibration, SetupConfig, SynthesisConfig, CLOCK_SOURCES, CONFIG_VERSION,
    COUPLINGS, DEFAULT_AMPLITUDE_MV, STOP_LEVELS, TRIGGER_EDGES, TRIGGER_SOURCES,
};

/// A validated lab-machine config. Paths in it are already resolved against the
/// config file's directory.
#[derive(Debug, Clone)]
pub struct Config {
    /// Config format version (always [`CONFIG_VERSION`]).
    pub version: u32,
    /// Extra plugin search directories.
    pub plugin_dirs: Vec<PathBuf>,
    /// `[synthesis]`.
    pub synthesis: SynthesisConfig,
    /// `[hardware]`.
    pub hardware: HardwareConfig,
    /// `[card]`.
    pub card: CardConfig,
    /// `[setup]`.
    pub setup: SetupConfig,
    /// `[compile]`.
    pub compile: CompileConfig,
    /// `[phases]`.
    pub phases: PhasesConfig,
    /// `[output]`.
    pub output: OutputConfig,
    /// The file it was read from.
    source: Option<PathBuf>,
    /// Where each key's value is in that file.
    locations: BTreeMap<String, Location>,
}

impl Default for Config {
    /// What a file holding only `version = 1` gives, with paths relative to the
    /// working directory.
    fn default() -> Self {
        Config {
            version: CONFIG_VERSION,
            plugin_dirs: Vec::new(),
            synthesis: SynthesisConfig::default(),
            hardware: HardwareConfig::default(),
            card: CardConfig::default(),
            setup: SetupConfig::default(),
            compile: CompileConfig::default(),
            phases: PhasesConfig::default(),
            output: OutputConfig::default(),
            source: None,
            locations: BTreeMap::new(),
        }
    }
}

impl Config {
    /// Reads and validates a config file.
    pub fn load(path: impl AsRef<Path>) -> Result<Config, ConfigError> {
        let path = path.as_ref();
        let text = crate::input::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.to_path_buf(),
            source,
        })?;
        Config::from_toml_str(&text, path)
    }

    /// Validates config text that was read from `file`: `file` names it in messages
    /// and its directory is the base of relative paths.
    pub fn from_toml_str(text: &str, file: &Path) -> Result<Config, ConfigError> {
        let mut c = Checker::new(file, text);
        let (doc, syntax) = DeTable::parse_recoverable(text);
        if !syntax.is_empty() {
            for e in syntax {
                c.report(
                    e.span().unwrap_or(0..0),
                    "",
                    format!("TOML syntax: {}", e.message().trim()),
                );
            }
            return Err(ConfigError::Invalid {
                problems: c.finish().0,
            });
        }
        let base = file.parent().unwrap_or(Path::new(""));
        let top = c.fields("", doc.get_ref(), sections::TOP_KEYS);
        let version = sections::version(&mut c, &top);
        let plugin_dirs = sections::plugin_dirs(&mut c, &top, base);
        let synthesis = sections::synthesis(&mut c, &top, base);
        let hardware = sections::hardware(&mut c, &top, base);
        let (card, channels_ok) = sections::card(&mut c, &top);
        let enabled = channels_ok.then_some(card.channels.as_slice());
        let setup = setup_section::setup(&mut c, &top, base, enabled);
        let compile = sections::compile(&mut c, &top);
        let phases = sections::phases(&mut c, &top);
        let output = sections::output(&mut c, &top, base);
        let (problems, locations) = c.finish();
        if !problems.is_empty() {
            return Err(ConfigError::Invalid { problems });
        }
        Ok(Config {
            version,
            plugin_dirs,
            synthesis,
            hardware,
            card,
            setup,
            compile,
            phases,
            output,
            source: Some(file.to_path_buf()),
            locations,
        })
    }

    /// The file the config was read from.
    pub fn source(&self) -> Option<&Path> {
        self.source.as_deref()
    }

    /// Where a key (`card.channels`, `card.amplitude_mv[1]`) was written, falling back
    /// to its nearest written parent; `None` for keys left at their defaults in a file
    /// without their section, and for configs not read from a file.
    pub fn location(&self, key: &str) -> Option<Location> {
        let mut key = key;
        loop {
            if let Some(at) = self.locations.get(key) {
                return Some(*at);
            }
            let cut = key.rfind(['.', '['])?;
            key = &key[..cut];
        }
    }

    /// A problem about `key`, placed at the key's position in the config file.
    pub fn problem(&self, key: &str, message: impl Into<String>) -> Problem {
        Problem {
            file: self.source.clone(),
            location: self.location(key),
            key: key.to_string(),
            message: message.into(),
        }
    }

    /// What the hardware plugin's `configure` receives: channels ascending by index.
    pub fn card_settings(&self) -> CardSettings {
        let card = &self.card;
        let channels: RVec<ChannelSettings> = card
            .channels_ascending()
            .into_iter()
            .map(|(index, amplitude_mv)| ChannelSettings {
                index,
                amplitude_mv,
                stop_level: card.stop_level,
            })
            .collect();
        CardSettings {
            sample_rate_hz: card.sample_rate_hz,
            channels,
            trigger: card.trigger,
            clock: card.clock,
            timeout_ms: card.timeout_ms,
        }
    }
}
