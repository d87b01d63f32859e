//! Version strings and plugin identity.

use abi_stable::std_types::RString;
use abi_stable::StableAbi;

/// Version of this API crate. A plugin records the version it was compiled against
/// in its root module; the host refuses plugins whose version is not compatible
/// (same major version, or same minor version while the major version is 0).
pub const API_VERSION: &str = env!("CARGO_PKG_VERSION");

/// What a plugin is for.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq)]
pub enum PluginRole {
    /// Computes card samples from a render plan.
    Synthesis,
    /// Talks to a card (or something that stands in for one).
    Hardware,
}

impl PluginRole {
    /// Lower-case name used in configs and listings.
    pub fn as_str(self) -> &'static str {
        match self {
            PluginRole::Synthesis => "synthesis",
            PluginRole::Hardware => "hardware",
        }
    }
}

/// Identity of a plugin library, returned without opening any device.
#[repr(C)]
#[derive(StableAbi, Debug, Clone)]
pub struct PluginInfo {
    /// Short name used in configs (`cpu-simd`, `simulator`, ...).
    pub name: RString,
    /// The plugin's own version.
    pub version: RString,
    /// The role the library exports.
    pub role: PluginRole,
    /// The version of `awgsf-plugin-api` the plugin was built against.
    pub api_version: RString,
    /// One line saying what the plugin does.
    pub description: RString,
}

impl PluginInfo {
    /// Builds the identity of a plugin compiled against this API version.
    pub fn new(name: &str, version: &str, role: PluginRole, description: &str) -> Self {
        PluginInfo {
            name: name.into(),
            version: version.into(),
            role,
            api_version: API_VERSION.into(),
            description: description.into(),
        }
    }
}

/// Whether a plugin can run on this machine, found without committing to it.
#[repr(C)]
#[derive(StableAbi, Debug, Clone)]
pub struct Probe {
    /// True when `open` is expected to succeed.
    pub available: bool,
    /// The device it would use (CPU model, GPU name, card model and serial, ...).
    pub device: RString,
    /// Why it is unavailable, or extra detail when it is.
    pub detail: RString,
}

impl Probe {
    /// A plugin that can run, on `device`.
    pub fn available(device: impl Into<RString>, detail: impl Into<RString>) -> Self {
        Probe {
            available: true,
            device: device.into(),
            detail: detail.into(),
        }
    }

    /// A plugin that cannot run here, and why.
    pub fn unavailable(reason: impl Into<RString>) -> Self {
        Probe {
            available: false,
            device: RString::new(),
            detail: reason.into(),
        }
    }
}
