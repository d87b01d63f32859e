//! A lab machine as a config describes it: the synthesis backend (with its
//! fallbacks) and the card, opened together, every failure reported at once.

use std::path::PathBuf;

use awgsf_plugin_api::{SynthInfo, SynthesizerBox};

use crate::config::{CardFigures, Config, PluginRef};
use crate::error::{Error, Result};
use crate::plugins::{load_hardware, load_synthesis, LoadError, SearchPath, SynthesisPlugin};

mod card;

pub use card::Card;

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

/// Search path of a config: its `plugin_dirs`, then the standard places.
pub fn search_path(config: &Config) -> SearchPath {
    SearchPath::standard(&config.plugin_dirs)
}

/// The file of a plugin reference. A [`PluginRef::Path`] was already resolved
/// against the config file's directory when the config was read, so it is used as
/// it is (joining the directory again would look in `configs/configs/...` for a
/// config given by a relative path).
fn resolve(sp: &SearchPath, r: &PluginRef) -> std::result::Result<PathBuf, LoadError> {
    match r {
        PluginRef::Name(n) => sp.resolve(n, None).map_err(|looked| LoadError::NotFound {
            spec: n.clone(),
            looked,
        }),
        PluginRef::Path(p) if p.is_file() => Ok(p.clone()),
        PluginRef::Path(p) => Err(LoadError::NotFound {
            spec: p.display().to_string(),
            looked: vec![p.clone()],
        }),
    }
}

/// Loads and opens the synthesis backend, trying the fallbacks in order when a
/// backend is missing or cannot run here.
pub fn open_synthesis(
    config: &Config,
    sp: &SearchPath,
) -> std::result::Result<Synthesis, Vec<LoadError>> {
    let mut candidates = vec![config.synthesis.backend.clone()];
    candidates.extend(config.synthesis.fallbacks.iter().cloned());
    let mut errors = Vec::new();
    let mut notices = Vec::new();
    for (i, c) in candidates.iter().enumerate() {
        let attempt = resolve(sp, c)
            .and_then(|path| load_synthesis(&path))
            .and_then(|plugin| {
                // Each plugin gets its own table: never the backend's settings.
                let settings = config.synthesis.settings_json(plugin.info.name.as_str());
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
    let path = resolve(sp, &config.hardware.backend)?;
    let plugin = load_hardware(&path)?;
    let card = plugin.open(&settings)?;
    let info = card
        .describe()
        .into_result()
        .map_err(|error| LoadError::Open {
            name: plugin.info.name.to_string(),
            error,
        })?;
    Ok(Card::new(plugin, card, info))
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
                    let _ = c.close();
                    return Err(Error::Config(e));
                }
            };
            Ok((s, c, figures))
        }
        (s, c) => {
            let mut errors = Vec::new();
            let mut notices = Vec::new();
            match s {
                Err(e) => errors.extend(e),
                // The fallback taken still matters to someone reading the card error.
                Ok(s) => notices = s.notices,
            }
            match c {
                Err(e) => errors.push(e),
                Ok(mut card) => {
                    let _ = card.close();
                }
            }
            Err(Error::Plugins { errors, notices })
        }
    }
}
