//! Compiling the kernel with NVRTC, once per process and target.
//!
//! The kernel is compiled to a binary (`sm_XY`) for the device's own architecture
//! when NVRTC knows it, which the driver loads without JIT; for a device newer than
//! NVRTC it falls back to PTX for the newest architecture NVRTC supports, which the
//! driver compiles on load. Results are cached per target for the life of the
//! process, so reopening a backend does not compile again.

use std::collections::HashMap;
use std::ffi::{c_char, c_int, CString};
use std::sync::{Mutex, OnceLock};

use cudarc::nvrtc::{result, sys};

use super::driver::shielded;
use crate::kernel;

/// What NVRTC produced.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Image {
    /// A device binary for one architecture.
    Cubin(Vec<u8>),
    /// PTX text (without the trailing NUL), compiled by the driver on load.
    Ptx(String),
}

/// The compiled kernel and what the compiler said.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Compiled {
    /// `sm_XY` or `compute_XY`.
    pub target: String,
    /// The image to load.
    pub image: Image,
    /// Compiler log (register use and spills with `--ptxas-options=-v`).
    pub log: String,
}

/// NVRTC's version (major, minor).
pub fn version() -> Result<(i32, i32), String> {
    shielded("asking NVRTC its version", || {
        let (mut major, mut minor): (c_int, c_int) = (0, 0);
        // SAFETY: writes two ints.
        unsafe { sys::nvrtcVersion(&mut major, &mut minor) }
            .result()
            .map(|()| (major, minor))
            .map_err(|e| format!("nvrtcVersion failed: {e:?}"))
    })?
}

/// Architectures NVRTC can compile for, e.g. `[50, 52, ..., 90, 100, 120]`.
pub fn supported_archs() -> Result<Vec<i32>, String> {
    shielded("asking NVRTC its architectures", || {
        let mut n: c_int = 0;
        // SAFETY: writes one int, then `n` ints into a buffer of that size.
        unsafe { sys::nvrtcGetNumSupportedArchs(&mut n) }
            .result()
            .map_err(|e| format!("nvrtcGetNumSupportedArchs failed: {e:?}"))?;
        let mut archs = vec![0 as c_int; n.max(0) as usize];
        unsafe { sys::nvrtcGetSupportedArchs(archs.as_mut_ptr()) }
            .result()
            .map_err(|e| format!("nvrtcGetSupportedArchs failed: {e:?}"))?;
        Ok(archs)
    })?
}

/// The target for a device of compute capability `cc`: its own binary when NVRTC
/// supports it, else PTX for the newest supported architecture below it.
pub fn target_for(cc: (i32, i32), supported: &[i32]) -> Result<String, String> {
    let arch = cc.0 * 10 + cc.1;
    if supported.contains(&arch) {
        return Ok(format!("sm_{arch}"));
    }
    supported
        .iter()
        .copied()
        .filter(|&a| a <= arch)
        .max()
        .map(|a| format!("compute_{a}"))
        .ok_or_else(|| {
            format!(
                "NVRTC supports none of the architectures up to {arch} (it knows {supported:?})"
            )
        })
}

/// Destroys an NVRTC program when dropped.
struct Program(sys::nvrtcProgram);

impl Drop for Program {
    fn drop(&mut self) {
        // SAFETY: created by `create_program` and destroyed only here.
        let _ = unsafe { result::destroy_program(self.0) };
    }
}

fn log_of(prog: &Program) -> String {
    // SAFETY: `prog` is a live program.
    match unsafe { result::get_program_log(prog.0) } {
        Ok(chars) => {
            let bytes: Vec<u8> = chars
                .iter()
                .take_while(|&&c| c != 0)
                .map(|&c| c as u8)
                .collect();
            String::from_utf8_lossy(&bytes).trim().to_string()
        }
        Err(e) => format!("(no log: {e:?})"),
    }
}

fn compile_uncached(source: &str, target: &str) -> Result<Compiled, String> {
    let src = CString::new(source).map_err(|_| "the kernel source holds a NUL byte".to_string())?;
    let name = CString::new("awgsf_render.cu").expect("no NUL in a literal");
    let prog = Program(
        result::create_program(&src, Some(&name))
            .map_err(|e| format!("nvrtcCreateProgram failed: {e:?}"))?,
    );
    let options = kernel::options(target);
    // SAFETY: `prog` is a live program.
    let compiled = unsafe { result::compile_program(prog.0, &options) };
    let log = log_of(&prog);
    if let Err(e) = compiled {
        return Err(format!(
            "NVRTC could not compile the kernel for {target} ({e:?}):\n{log}"
        ));
    }
    let image = if target.starts_with("sm_") {
        let mut size = 0usize;
        // SAFETY: `prog` compiled for a real architecture, so it holds a binary of
        // `size` bytes, copied into a buffer of that size.
        unsafe { sys::nvrtcGetCUBINSize(prog.0, &mut size) }
            .result()
            .map_err(|e| format!("nvrtcGetCUBINSize failed: {e:?}"))?;
        let mut cubin = vec![0u8; size];
        unsafe { sys::nvrtcGetCUBIN(prog.0, cubin.as_mut_ptr() as *mut c_char) }
            .result()
            .map_err(|e| format!("nvrtcGetCUBIN failed: {e:?}"))?;
        Image::Cubin(cubin)
    } else {
        // SAFETY: `prog` is a live, compiled program.
        let chars =
            unsafe { result::get_ptx(prog.0) }.map_err(|e| format!("nvrtcGetPTX failed: {e:?}"))?;
        let bytes: Vec<u8> = chars
            .iter()
            .take_while(|&&c| c != 0)
            .map(|&c| c as u8)
            .collect();
        Image::Ptx(String::from_utf8_lossy(&bytes).into_owned())
    };
    Ok(Compiled {
        target: target.to_string(),
        image,
        log,
    })
}

/// Compiles `source` for `target` (cached per process by target and source).
pub fn compile(source: &str, target: &str) -> Result<Compiled, String> {
    static CACHE: OnceLock<Mutex<HashMap<(String, String), Compiled>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    let key = (target.to_string(), source.to_string());
    if let Some(hit) = cache.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
        return Ok(hit.clone());
    }
    let compiled = shielded("compiling the kernel with NVRTC", || {
        compile_uncached(source, target)
    })??;
    cache
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .insert(key, compiled.clone());
    Ok(compiled)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn targets_prefer_the_device_binary_then_older_ptx() {
        let archs = [75, 80, 86, 89, 90];
        assert_eq!(target_for((9, 0), &archs).unwrap(), "sm_90");
        assert_eq!(target_for((12, 0), &archs).unwrap(), "compute_90");
        assert!(target_for((6, 1), &archs).is_err());
    }
}
