//! Finding and loading the vendor driver library (`libspcm_linux.so`,
//! `spcm_win64.dll`) and resolving its entry points.
//!
//! A loaded driver stays loaded for the life of the process (the vendor library is
//! not meant to be unloaded and reloaded), so opening a second card or probing again
//! reuses it.

use std::collections::HashMap;
use std::ffi::{c_char, c_void};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use awgsf_plugin_api::{PluginError, PluginResult};
use libloading::Library;

/// File name of the vendor driver on this platform.
pub const LIBRARY_NAME: &str = if cfg!(windows) {
    "spcm_win64.dll"
} else {
    "libspcm_linux.so"
};

/// Where the system loader looks for a bare library name, for messages.
const SYSTEM_SEARCH: &str = if cfg!(windows) {
    "the system DLL search path"
} else {
    "the system loader search path (LD_LIBRARY_PATH, ld.so cache, /lib, /usr/lib)"
};

/// Install locations tried after the system loader.
const WELL_KNOWN: &[&str] = if cfg!(windows) {
    &["C:\\Windows\\System32\\spcm_win64.dll"]
} else {
    &[
        "/usr/lib/libspcm_linux.so",
        "/usr/local/lib/libspcm_linux.so",
        "/usr/lib64/libspcm_linux.so",
    ]
};

type OpenFn = unsafe extern "system" fn(*const c_char) -> *mut c_void;
type CloseFn = unsafe extern "system" fn(*mut c_void);
type SetI64Fn = unsafe extern "system" fn(*mut c_void, i32, i64) -> u32;
type GetI64Fn = unsafe extern "system" fn(*mut c_void, i32, *mut i64) -> u32;
type DefTransferFn =
    unsafe extern "system" fn(*mut c_void, u32, u32, u32, *mut c_void, u64, u64) -> u32;
type InvalidateFn = unsafe extern "system" fn(*mut c_void, u32) -> u32;
type ErrorInfoFn = unsafe extern "system" fn(*mut c_void, *mut u32, *mut i32, *mut c_char) -> u32;

/// The driver entry points the plugin calls.
#[derive(Clone, Copy)]
pub(crate) struct Api {
    pub open: OpenFn,
    pub close: CloseFn,
    pub set_i64: SetI64Fn,
    pub get_i64: GetI64Fn,
    pub def_transfer: DefTransferFn,
    pub invalidate: InvalidateFn,
    pub error_info: ErrorInfoFn,
}

/// A loaded driver library.
pub struct Driver {
    /// Where it was loaded from, for messages.
    pub origin: String,
    pub(crate) api: Api,
    _library: Library,
}

impl std::fmt::Debug for Driver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Driver")
            .field("origin", &self.origin)
            .finish()
    }
}

/// One place the driver may be.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Location {
    /// A bare name resolved by the system loader.
    SystemSearch,
    /// A file path.
    File(PathBuf),
}

impl Location {
    fn describe(&self) -> String {
        match self {
            Location::SystemSearch => format!("{LIBRARY_NAME} via {SYSTEM_SEARCH}"),
            Location::File(p) => p.display().to_string(),
        }
    }
}

/// The places tried, in order: only `driver_path` (or `driver_path/LIBRARY_NAME`
/// for a folder) when it is given, else the system loader and the usual install
/// locations.
pub fn search_locations(driver_path: Option<&Path>) -> Vec<Location> {
    match driver_path {
        Some(p) if p.is_dir() => vec![Location::File(p.join(LIBRARY_NAME))],
        Some(p) => vec![Location::File(p.to_path_buf())],
        None => std::iter::once(Location::SystemSearch)
            .chain(WELL_KNOWN.iter().map(|p| Location::File(PathBuf::from(p))))
            .collect(),
    }
}

/// The one-line message for a driver that is nowhere to be found.
pub fn not_found_message(locations: &[Location]) -> String {
    let places: Vec<String> = locations.iter().map(Location::describe).collect();
    format!("driver not found (looked in: {})", places.join(", "))
}

static LOADED: Mutex<Option<HashMap<Vec<Location>, Arc<Driver>>>> = Mutex::new(None);

/// Loads the driver from the first location that has it.
pub fn load(driver_path: Option<&Path>) -> PluginResult<Arc<Driver>> {
    let locations = search_locations(driver_path);
    let mut cache = LOADED.lock().unwrap_or_else(|p| p.into_inner());
    let cache = cache.get_or_insert_with(HashMap::new);
    if let Some(driver) = cache.get(&locations) {
        return Ok(driver.clone());
    }
    for location in &locations {
        let library = match location {
            Location::SystemSearch => {
                // SAFETY: loading the vendor driver runs its initialisers; that is the
                // point of loading it, and it is the library the user configured.
                match unsafe { Library::new(LIBRARY_NAME) } {
                    Ok(lib) => lib,
                    Err(_) => continue,
                }
            }
            Location::File(path) => {
                if !path.is_file() {
                    continue;
                }
                // SAFETY: as above, for the file the settings or the install named.
                unsafe { Library::new(path) }.map_err(|e| {
                    PluginError::not_available(format!(
                        "driver library {} could not be loaded: {e}",
                        path.display()
                    ))
                })?
            }
        };
        let driver = Arc::new(resolve(library, location.describe())?);
        cache.insert(locations.clone(), driver.clone());
        return Ok(driver);
    }
    Err(PluginError::not_available(not_found_message(&locations)))
}

fn resolve(library: Library, origin: String) -> PluginResult<Driver> {
    fn symbol<T: Copy>(library: &Library, origin: &str, name: &str) -> PluginResult<T> {
        // SAFETY: `T` is the C signature of `name` in the Spectrum driver API.
        unsafe { library.get::<T>(name) }.map(|s| *s).map_err(|_| {
            PluginError::not_available(format!(
                "driver library {origin} is not a Spectrum driver: it lacks {name}"
            ))
        })
    }
    let api = Api {
        open: symbol(&library, &origin, "spcm_hOpen")?,
        close: symbol(&library, &origin, "spcm_vClose")?,
        set_i64: symbol(&library, &origin, "spcm_dwSetParam_i64")?,
        get_i64: symbol(&library, &origin, "spcm_dwGetParam_i64")?,
        def_transfer: symbol(&library, &origin, "spcm_dwDefTransfer_i64")?,
        invalidate: symbol(&library, &origin, "spcm_dwInvalidateBuf")?,
        error_info: symbol(&library, &origin, "spcm_dwGetErrorInfo_i32")?,
    };
    Ok(Driver {
        origin,
        api,
        _library: library,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn explicit_path_is_the_only_place_tried() {
        let dir = tempfile::tempdir().unwrap();
        let locs = search_locations(Some(dir.path()));
        assert_eq!(locs, vec![Location::File(dir.path().join(LIBRARY_NAME))]);
        let file = dir.path().join("nothing.so");
        let err = load(Some(&file)).unwrap_err();
        assert_eq!(err.kind, awgsf_plugin_api::ErrorKind::NOT_AVAILABLE);
        assert_eq!(
            err.message.as_str(),
            format!("driver not found (looked in: {})", file.display())
        );
    }

    #[test]
    fn default_search_lists_every_place_on_one_line() {
        let msg = not_found_message(&search_locations(None));
        assert!(msg.starts_with("driver not found (looked in: "));
        assert!(msg.contains(LIBRARY_NAME));
        assert!(!msg.contains('\n'));
        for p in WELL_KNOWN {
            assert!(msg.contains(p), "{msg}");
        }
    }

    #[test]
    fn a_file_that_is_no_library_is_reported() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join(LIBRARY_NAME);
        std::fs::write(&file, b"not a library").unwrap();
        let err = load(Some(&file)).unwrap_err();
        assert!(err.message.contains("could not be loaded"), "{err}");
    }
}
