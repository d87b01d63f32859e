//! Runs the real kernel source on the CPU: `kernel.cu` compiled by the host's C++
//! compiler against `prelude.h`, loaded with libloading and driven as an
//! [`Executor`], so the whole render pipeline (job checks, batching, packing, the
//! kernel, copy-back and statistics) is exercised without a GPU.

use std::path::Path;
use std::process::Command;
use std::sync::OnceLock;

use awgsf_cuda::exec::{DeviceOutput, Executor};
use awgsf_cuda::kernel;
use awgsf_cuda::layout::{BLOCK, STATS_WORDS};
use awgsf_cuda::pack::Batch;
use awgsf_plugin_api::PluginResult;

type EmulateFn = unsafe extern "C" fn(
    *const u64,
    u64,
    u64,
    u64,
    u64,
    u64,
    u64,
    *mut i16,
    *mut f32,
    *mut u64,
    u64,
);

/// The compiled emulation library.
pub struct Emulator {
    run: EmulateFn,
    _lib: libloading::Library,
    _dir: tempfile::TempDir,
}

fn compiler() -> String {
    std::env::var("CXX").unwrap_or_else(|_| "c++".to_string())
}

fn build() -> Result<Emulator, String> {
    let cxx = compiler();
    let found = Command::new(&cxx).arg("--version").output();
    if !found.is_ok_and(|o| o.status.success()) {
        return Err(format!("no C++ compiler (`{cxx}`; set CXX)"));
    }
    let dir = tempfile::tempdir().map_err(|e| format!("no temporary directory: {e}"))?;
    let src = dir.path().join("emulated_kernel.cpp");
    let text = format!(
        "{}\n#line 1 \"kernel.cu\"\n{}\n{}",
        include_str!("prelude.h"),
        kernel::SOURCE,
        include_str!("launch.cpp")
    );
    std::fs::write(&src, text).expect("write the emulation source");
    let lib_path = dir.path().join("libawgsf_emulated_kernel.so");
    let out = Command::new(&cxx)
        .args(["-std=c++17", "-O2", "-ffp-contract=off", "-fno-fast-math"])
        .args(["-shared", "-fPIC", "-o"])
        .arg(&lib_path)
        .arg(&src)
        .args(kernel::define_flags())
        .arg("-lm")
        .output()
        .expect("run the C++ compiler");
    assert!(
        out.status.success(),
        "the kernel source does not compile as C++:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    load(&lib_path, dir)
}

fn load(path: &Path, dir: tempfile::TempDir) -> Result<Emulator, String> {
    // SAFETY: the library was just built from our own source; its only export has
    // the signature of `EmulateFn`.
    unsafe {
        let lib = libloading::Library::new(path).expect("load the emulation library");
        let run = *lib
            .get::<EmulateFn>(b"awgsf_emulate\0")
            .expect("awgsf_emulate in the emulation library");
        Ok(Emulator {
            run,
            _lib: lib,
            _dir: dir,
        })
    }
}

/// The emulator, or why it cannot be built here (no C++ compiler).
pub fn emulator() -> Result<&'static Emulator, String> {
    static EMU: OnceLock<Result<Emulator, String>> = OnceLock::new();
    EMU.get_or_init(build).as_ref().map_err(|e| e.clone())
}

/// One batch's emulated device buffers.
pub struct EmulatedOutput {
    codes: Vec<i16>,
    millivolts: Vec<f32>,
    stats: Vec<u64>,
}

impl Executor for &Emulator {
    type Output = EmulatedOutput;

    fn execute(&self, batch: &Batch) -> PluginResult<EmulatedOutput> {
        let mut codes = vec![0i16; batch.n_i16.max(1)];
        let mut millivolts = vec![0f32; batch.n_f32.max(1)];
        let mut stats = vec![0u64; (batch.n_slots * STATS_WORDS).max(1)];
        if batch.total_cells > 0 {
            let threads = batch.total_cells.div_ceil(BLOCK as u64) * BLOCK as u64;
            // SAFETY: the same argument list and buffer sizes as the CUDA launch.
            unsafe {
                (self.run)(
                    batch.tables.as_ptr(),
                    batch.n_spans,
                    batch.spans_at,
                    batch.parts_at,
                    batch.steady_at,
                    batch.ramps_at,
                    batch.total_cells,
                    codes.as_mut_ptr(),
                    millivolts.as_mut_ptr(),
                    stats.as_mut_ptr(),
                    threads,
                )
            };
        }
        Ok(EmulatedOutput {
            codes,
            millivolts,
            stats,
        })
    }
}

impl DeviceOutput for EmulatedOutput {
    fn read_i16(&mut self, at: usize, dst: &mut [i16]) -> PluginResult<()> {
        dst.copy_from_slice(&self.codes[at..at + dst.len()]);
        Ok(())
    }

    fn read_f32(&mut self, at: usize, dst: &mut [f32]) -> PluginResult<()> {
        dst.copy_from_slice(&self.millivolts[at..at + dst.len()]);
        Ok(())
    }

    fn read_stats(&mut self, words: usize) -> PluginResult<Vec<u64>> {
        Ok(self.stats[..words].to_vec())
    }

    fn finish(&mut self) -> PluginResult<()> {
        Ok(())
    }
}
