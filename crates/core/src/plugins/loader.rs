//! Loading plugin files with abi_stable, with one readable line per failure.
//!
//! Each file is loaded with `lib_header_from_path(..)?.init_root_module::<..>()`
//! (not `RootModule::load_from_file`, which caches one module per type). The root
//! module's name says the role and its version strings say which plugin API the
//! plugin was built against, both read before the layout is checked.

use std::fmt;
use std::path::{Path, PathBuf};

use abi_stable::library::{lib_header_from_path, LibHeader, LibraryError, RootModule};
use abi_stable::std_types::{RResult, RStr};
use awgsf_plugin_api::{
    CardBox, HardwareModRef, PluginError, PluginInfo, PluginRole, Probe, SynthesisModRef,
    SynthesizerBox, API_VERSION, HARDWARE_MODULE_NAME, SYNTHESIS_MODULE_NAME,
};

/// Why a plugin could not be loaded or opened.
#[derive(Debug, Clone, PartialEq)]
pub enum LoadError {
    /// No file for the name in the search path.
    NotFound {
        /// Name or path asked for.
        spec: String,
        /// Every path tried.
        looked: Vec<PathBuf>,
    },
    /// The file exists but is not a loadable awgsf plugin.
    NotAPlugin {
        /// File.
        path: PathBuf,
        /// Why.
        reason: String,
    },
    /// The plugin was built against an incompatible plugin API or layout.
    Incompatible {
        /// File.
        path: PathBuf,
        /// API version the plugin was built against.
        plugin_api: String,
        /// What differs.
        detail: String,
    },
    /// The plugin has the other role.
    WrongRole {
        /// File.
        path: PathBuf,
        /// Role asked for.
        wanted: PluginRole,
        /// Role it has.
        found: PluginRole,
    },
    /// The plugin's `open` failed.
    Open {
        /// Plugin name.
        name: String,
        /// Its error.
        error: PluginError,
    },
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            LoadError::NotFound { spec, looked } => {
                write!(f, "plugin '{spec}' not found; looked in: ")?;
                let list: Vec<String> = looked.iter().map(|p| p.display().to_string()).collect();
                f.write_str(&list.join(", "))
            }
            LoadError::NotAPlugin { path, reason } => {
                write!(f, "{} is not an awgsf plugin: {reason}", path.display())
            }
            LoadError::Incompatible {
                path,
                plugin_api,
                detail,
            } => write!(
                f,
                "{} was built against plugin API {plugin_api}, this host speaks {API_VERSION}: {detail}; \
                 rebuild the plugin against awgsf-plugin-api {API_VERSION}",
                path.display()
            ),
            LoadError::WrongRole { path, wanted, found } => write!(
                f,
                "{} is a {} plugin, but a {} plugin is needed here",
                path.display(),
                found.as_str(),
                wanted.as_str()
            ),
            LoadError::Open { name, error } => write!(f, "plugin '{name}': {error}"),
        }
    }
}

impl std::error::Error for LoadError {}

/// A plugin file whose header was read.
#[derive(Debug, Clone)]
pub struct PluginFile {
    /// Path of the file.
    pub path: PathBuf,
    /// Its role.
    pub role: PluginRole,
    /// Plugin API version it was built against.
    pub api_version: String,
}

fn header(path: &Path) -> Result<(&'static LibHeader, PluginFile), LoadError> {
    if !path.is_file() {
        return Err(LoadError::NotFound {
            spec: path.display().to_string(),
            looked: vec![path.to_path_buf()],
        });
    }
    // The dynamic loader searches its own path for a name without a slash, which
    // could load another library than the one named: always hand it an absolute path.
    let absolute = std::path::absolute(path).map_err(|e| LoadError::NotAPlugin {
        path: path.to_path_buf(),
        reason: format!("its absolute path cannot be formed ({e})"),
    })?;
    let path = absolute.as_path();
    super::file_check::check_library_file(path).map_err(|reason| LoadError::NotAPlugin {
        path: path.to_path_buf(),
        reason,
    })?;
    let h = lib_header_from_path(path).map_err(|e| match e {
        LibraryError::OpenError { err, .. } => LoadError::NotAPlugin {
            path: path.to_path_buf(),
            reason: format!("it cannot be loaded as a shared library ({err})"),
        },
        LibraryError::GetSymbolError { .. } => LoadError::NotAPlugin {
            path: path.to_path_buf(),
            reason: "it exports no plugin root module".into(),
        },
        other => LoadError::Incompatible {
            path: path.to_path_buf(),
            plugin_api: "unknown".into(),
            detail: first_line(&other.to_string()),
        },
    })?;
    let consts = h.root_mod_consts();
    let role = match consts.base_name().as_str() {
        SYNTHESIS_MODULE_NAME => PluginRole::Synthesis,
        HARDWARE_MODULE_NAME => PluginRole::Hardware,
        other => {
            return Err(LoadError::NotAPlugin {
                path: path.to_path_buf(),
                reason: format!(
                    "its root module is '{other}', not an awgsf synthesis or hardware module"
                ),
            })
        }
    };
    let v = h.version_strings();
    let api_version = v.version.to_string();
    Ok((
        h,
        PluginFile {
            path: path.to_path_buf(),
            role,
            api_version,
        },
    ))
}

fn first_line(s: &str) -> String {
    s.lines()
        .find(|l| !l.trim().is_empty())
        .unwrap_or("")
        .trim()
        .to_string()
}

fn init<M: RootModule>(
    h: &'static LibHeader,
    file: &PluginFile,
    wanted: PluginRole,
) -> Result<M, LoadError> {
    if file.role != wanted {
        return Err(LoadError::WrongRole {
            path: file.path.clone(),
            wanted,
            found: file.role,
        });
    }
    h.init_root_module::<M>().map_err(|e| {
        let detail = match &e {
            LibraryError::IncompatibleVersionNumber { .. } => {
                "the API versions are not compatible".to_string()
            }
            LibraryError::AbiInstability(_) => {
                "its interface layout differs from this host's".to_string()
            }
            LibraryError::RootModule { err, .. } => {
                format!("its root module failed to initialise: {err}")
            }
            other => first_line(&other.to_string()),
        };
        LoadError::Incompatible {
            path: file.path.clone(),
            plugin_api: file.api_version.clone(),
            detail,
        }
    })
}

/// A loaded synthesis plugin (not yet opened).
#[derive(Clone)]
pub struct SynthesisPlugin {
    /// The file.
    pub file: PluginFile,
    /// Its identity.
    pub info: PluginInfo,
    module: SynthesisModRef,
}

impl SynthesisPlugin {
    /// Whether it can run here with `settings_json`.
    pub fn probe(&self, settings_json: &str) -> Probe {
        (self.module.probe())(RStr::from(settings_json))
    }

    /// Opens it.
    pub fn open(&self, settings_json: &str) -> Result<SynthesizerBox, LoadError> {
        match (self.module.open())(RStr::from(settings_json)) {
            RResult::ROk(s) => Ok(s),
            RResult::RErr(error) => Err(LoadError::Open {
                name: self.info.name.to_string(),
                error,
            }),
        }
    }
}

/// A loaded hardware plugin (no card opened yet).
#[derive(Clone)]
pub struct HardwarePlugin {
    /// The file.
    pub file: PluginFile,
    /// Its identity.
    pub info: PluginInfo,
    module: HardwareModRef,
}

impl HardwarePlugin {
    /// Whether a card can be opened with `settings_json`.
    pub fn probe(&self, settings_json: &str) -> Probe {
        (self.module.probe())(RStr::from(settings_json))
    }

    /// Opens the card.
    pub fn open(&self, settings_json: &str) -> Result<CardBox, LoadError> {
        match (self.module.open())(RStr::from(settings_json)) {
            RResult::ROk(c) => Ok(c),
            RResult::RErr(error) => Err(LoadError::Open {
                name: self.info.name.to_string(),
                error,
            }),
        }
    }
}

/// Loads the synthesis plugin in `path`.
pub fn load_synthesis(path: &Path) -> Result<SynthesisPlugin, LoadError> {
    let (h, file) = header(path)?;
    let module: SynthesisModRef = init(h, &file, PluginRole::Synthesis)?;
    let info = (module.info())();
    Ok(SynthesisPlugin { file, info, module })
}

/// Loads the hardware plugin in `path`.
pub fn load_hardware(path: &Path) -> Result<HardwarePlugin, LoadError> {
    let (h, file) = header(path)?;
    let module: HardwareModRef = init(h, &file, PluginRole::Hardware)?;
    let info = (module.info())();
    Ok(HardwarePlugin { file, info, module })
}

/// Reads a file's role and identity, for listings: `(file, info)` or why not.
pub fn probe_file(path: &Path) -> Result<(PluginFile, PluginInfo), LoadError> {
    let (_, file) = header(path)?;
    let info = match file.role {
        PluginRole::Synthesis => load_synthesis(path)?.info,
        PluginRole::Hardware => load_hardware(path)?.info,
    };
    Ok((file, info))
}
