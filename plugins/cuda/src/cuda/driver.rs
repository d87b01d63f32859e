//! Finding the CUDA driver, a device and NVRTC without ever letting cudarc panic.
//!
//! cudarc loads `libcuda` and `libnvrtc` lazily and panics when a library or one of
//! its symbols is missing. Every check here first asks whether the library can be
//! loaded at all, and every call into cudarc goes through [`shielded`], which turns
//! a panic into an error message.

use std::ffi::c_int;
use std::panic::{catch_unwind, AssertUnwindSafe};

use awgsf_plugin_api::{PluginError, PluginResult};
use cudarc::driver::{result, sys, DriverError};

/// Why the backend cannot run: no driver library.
pub const NO_DRIVER: &str = "no CUDA driver (libcuda not found)";
/// Why the backend cannot run: the driver sees no device.
pub const NO_DEVICE: &str = "no CUDA device";
/// Why the backend cannot run: no runtime compiler.
pub const NO_NVRTC: &str = "NVRTC not found (libnvrtc of a CUDA 12 or 13 toolkit; add its \
                            directory to LD_LIBRARY_PATH)";

/// Runs `f`, turning a panic inside cudarc into an error naming `what`.
pub fn shielded<T>(what: &str, f: impl FnOnce() -> T) -> Result<T, String> {
    catch_unwind(AssertUnwindSafe(f)).map_err(|payload| {
        let text = payload
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| payload.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown panic".to_string());
        format!("{what}: {text}")
    })
}

/// Name and text of a driver error, e.g. `CUDA_ERROR_NO_DEVICE (no CUDA-capable
/// device is detected)`.
pub fn error_text(e: &DriverError) -> String {
    let name = e
        .error_name()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_else(|_| format!("{:?}", e.0));
    match e.error_string() {
        Ok(s) => format!("{name} ({})", s.to_string_lossy()),
        Err(_) => name,
    }
}

/// Runs a fallible cudarc call: a driver error or a panic becomes a
/// [`PluginError`] of kind `DEVICE` naming `what`.
pub fn cuda<T>(what: &str, f: impl FnOnce() -> Result<T, DriverError>) -> PluginResult<T> {
    match shielded(what, f) {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(PluginError::device(format!(
            "cuda: {what}: {}",
            error_text(&e)
        ))),
        Err(text) => Err(PluginError::device(format!("cuda: {text}"))),
    }
}

/// Whether the driver library can be loaded.
pub fn driver_present() -> bool {
    // SAFETY: only tries to open the library by its usual names.
    shielded("looking for libcuda", || unsafe { sys::is_culib_present() }).unwrap_or(false)
}

/// Whether NVRTC can be loaded.
pub fn nvrtc_present() -> bool {
    // SAFETY: only tries to open the library by its usual names.
    shielded("looking for libnvrtc", || unsafe {
        cudarc::nvrtc::sys::is_culib_present()
    })
    .unwrap_or(false)
}

/// A device as the driver describes it.
#[derive(Clone, Debug, PartialEq)]
pub struct DeviceSummary {
    /// Device index.
    pub ordinal: usize,
    /// Marketing name, e.g. `NVIDIA H100 80GB HBM3`.
    pub name: String,
    /// Compute capability (major, minor).
    pub compute_capability: (i32, i32),
    /// Streaming multiprocessors.
    pub multiprocessors: u32,
    /// Device memory, bytes.
    pub memory_bytes: usize,
    /// Driver API version, e.g. 12080.
    pub driver_version: i32,
}

impl DeviceSummary {
    /// One line for reports: name, compute capability, SMs, memory.
    pub fn line(&self) -> String {
        format!(
            "{} (device {}, compute capability {}.{}, {} SMs, {:.0} GiB, driver CUDA {}.{})",
            self.name,
            self.ordinal,
            self.compute_capability.0,
            self.compute_capability.1,
            self.multiprocessors,
            self.memory_bytes as f64 / (1u64 << 30) as f64,
            self.driver_version / 1000,
            self.driver_version % 1000 / 10
        )
    }
}

fn unavailable(text: impl Into<String>) -> PluginError {
    PluginError::not_available(format!("cuda: {}", text.into()))
}

fn attribute(dev: sys::CUdevice, attr: sys::CUdevice_attribute_enum) -> Result<i32, DriverError> {
    // SAFETY: `dev` came from `cuDeviceGet`.
    unsafe { result::device::get_attribute(dev, attr) }
}

/// Finds device `ordinal`, checking in order: the driver library, the driver, the
/// device, NVRTC. Every failure is a `NOT_AVAILABLE` error with a one-line reason.
pub fn find_device(ordinal: usize) -> PluginResult<DeviceSummary> {
    if !driver_present() {
        return Err(unavailable(NO_DRIVER));
    }
    let init = shielded("initialising the CUDA driver", result::init).map_err(unavailable)?;
    match init {
        Ok(()) => {}
        Err(e) if e.0 == sys::CUresult::CUDA_ERROR_NO_DEVICE => return Err(unavailable(NO_DEVICE)),
        Err(e) => {
            return Err(unavailable(format!(
                "the CUDA driver failed to initialise: {}",
                error_text(&e)
            )))
        }
    }
    let summary = shielded("querying the CUDA device", || -> Result<_, DriverError> {
        let count = result::device::get_count()?;
        if count <= 0 {
            return Ok(None);
        }
        if ordinal >= count as usize {
            return Ok(Some(Err(count)));
        }
        let dev = result::device::get(ordinal as c_int)?;
        let name = result::device::get_name(dev)?;
        use sys::CUdevice_attribute_enum::*;
        let major = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MAJOR)?;
        let minor = attribute(dev, CU_DEVICE_ATTRIBUTE_COMPUTE_CAPABILITY_MINOR)?;
        let sms = attribute(dev, CU_DEVICE_ATTRIBUTE_MULTIPROCESSOR_COUNT)?;
        // SAFETY: `dev` came from `cuDeviceGet`.
        let memory = unsafe { result::device::total_mem(dev) }?;
        let mut version: c_int = 0;
        // SAFETY: writes one int.
        unsafe { sys::cuDriverGetVersion(&mut version) }.result()?;
        Ok(Some(Ok(DeviceSummary {
            ordinal,
            name: name.trim().to_string(),
            compute_capability: (major, minor),
            multiprocessors: sms.max(0) as u32,
            memory_bytes: memory,
            driver_version: version,
        })))
    })
    .map_err(unavailable)?;
    let summary = match summary {
        Ok(Some(Ok(s))) => s,
        Ok(Some(Err(count))) => {
            return Err(unavailable(format!(
                "{NO_DEVICE} with index {ordinal} (the driver sees {count})"
            )))
        }
        Ok(None) => return Err(unavailable(NO_DEVICE)),
        Err(e) if e.0 == sys::CUresult::CUDA_ERROR_NO_DEVICE => return Err(unavailable(NO_DEVICE)),
        Err(e) => {
            return Err(unavailable(format!(
                "the CUDA driver cannot describe device {ordinal}: {}",
                error_text(&e)
            )))
        }
    };
    if !nvrtc_present() {
        return Err(unavailable(NO_NVRTC));
    }
    Ok(summary)
}
