//! A lab machine as a config describes it: the synthesis backend (with its
//! fallbacks) and the card, opened together, every failure reported at once.

use std::path::{Path, PathBuf};

use awgsf_plugin_api::{CardBox, CardInfo, SynthInfo, SynthesizerBox};

use crate::config::{CardFigures, Config, PluginRef};
use crate::error::{Error, Result};
use crate::plugins::{
    load_hardware, load_synthesis, HardwarePlugin, LoadError, SearchPath, SynthesisPlugin,
};

/// An opened synthesis backend.
pub struct Synthesis {
    /// The plugin.
    pub plugin: SynthesisPlugin,
    /// The opened backend.
    pub backend: SynthesizerBox,
    /// What it says it is.
    pub info: SynthInfo,
    /// One line per backend skipped on the way (`cuda: no CUDA driver; using cpu-simd`).
    pub notices: Vec<String>,
}

/// An opened card.
pub struct Card {
    /// The plugin.
    pub plugin: HardwarePlugin,
    /// The opened card.
    pub card: CardBox,
    /// Its description.
    pub info: CardInfo,
}

/// Search path of a config: its `plugin_dirs`, then the standard places.
pub fn search_path(config: &Config) -> SearchPath {
    SearchPath::standard(&config.plugin_dirs)
}

fn config_dir(config: &Config) -> Option<PathBuf> {
    config
        .source()
        .and_then(Path::parent)
        .map(Path::to_path_buf)
}

fn resolve(
    sp: &SearchPath,
    r: &PluginRef,
    base: Option<&Path>,
) -> std::result::Result<PathBuf, LoadError> {
    let spec = match r {
        PluginRef::Name(n) => n.clone(),
        PluginRef::Path(p) => p.display().to_string(),
    };
    sp.resolve(&spec, base)
        .map_err(|looked| LoadError::NotFound { spec, looked })
}

/// Loads and opens the synthesis backend, trying the fallbacks in order when a
/// backend is missing or cannot run here.
pub fn open_synthesis(
    config: &Config,
    sp: &SearchPath,
) -> std::result::Result<Synthesis, Vec<LoadError>> {
    let settings = config.synthesis.settings_json();
    let base = config_dir(config);
    let mut candidates = vec![config.synthesis.backend.clone()];
    candidates.extend(config.synthesis.fallbacks.iter().cloned());
    let mut errors = Vec::new();
    let mut notices = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let attempt = resolve(sp, c, base.as_deref())
            .and_then(|path| load_synthesis(&path))
            .and_then(|plugin| {
                let probe = plugin.probe(&settings);
                if !probe.available {
                    return Err(LoadError::Open {
                        name: plugin.info.name.to_string(),
                        error: awgsf_plugin_api::PluginError::not_available(
                            probe.detail.to_string(),
                        ),
                    });
                }
                let backend = plugin.open(&settings)?;
                let info = backend
                    .describe()
                    .into_result()
                    .map_err(|error| LoadError::Open {
                        name: plugin.info.name.to_string(),
                        error,
                    })?;
                Ok((plugin, backend, info))
            });
        match attempt {
            Ok((plugin, backend, info)) => {
                return Ok(Synthesis {
                    plugin,
                    backend,
                    info,
                    notices,
                })
            }
            Err(e) => {
                if i + 1 < candidates.len() {
                    notices.push(format!("{e}; trying {}", candidates[i + 1]));
                }
                errors.push(e);
            }
        }
    }
    Err(errors)
}

/// Loads the hardware plugin and opens the card.
pub fn open_card(config: &Config, sp: &SearchPath) -> std::result::Result<Card, LoadError> {
    let settings = config.hardware.settings_json();
    let path = resolve(sp, &config.hardware.backend, config_dir(config).as_deref())?;
    let plugin = load_hardware(&path)?;
    let card = plugin.open(&settings)?;
    let info = card
        .describe()
        .into_result()
        .map_err(|error| LoadError::Open {
            name: plugin.info.name.to_string(),
            error,
        })?;
    Ok(Card { plugin, card, info })
}

/// Opens both, reporting every failure together.
pub fn open_machine(config: &Config) -> Result<(Synthesis, Card, CardFigures)> {
    let sp = search_path(config);
    let synth = open_synthesis(config, &sp);
    let card = open_card(config, &sp);
    match (synth, card) {
        (Ok(s), Ok(mut c)) => {
            let figures = match CardFigures::compute(config, &c.info) {
                Ok(f) => f,
                Err(e) => {
                    let _ = c.card.close();
                    return Err(Error::Config(e));
                }
            };
            Ok((s, c, figures))
        }
        (s, c) => {
            let mut errors = Vec::new();
            match s {
                Err(e) => errors.extend(e),
                // The fallback taken still matters to someone reading the card error.
                Ok(s) => s.notices.iter().for_each(|n| eprintln!("notice: {n}")),
            }
            match c {
                Err(e) => errors.push(e),
                Ok(mut card) => {
                    let _ = card.card.close();
                }
            }
            Err(Error::Plugins(errors))
        }
    }
}
