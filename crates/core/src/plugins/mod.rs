//! Plugin discovery, loading and the host-side handles of loaded plugins.

pub mod discovery;
mod file_check;
pub mod loader;

pub use discovery::{file_name_for, SearchPath};
pub use loader::{
    load_hardware, load_synthesis, probe_file, HardwarePlugin, LoadError, PluginFile,
    SynthesisPlugin,
};
