//! `cuda`: the GPU synthesis backend.
//!
//! Renders any sample range of any segment of a render plan (docs/semantics.md §7) into
//! interleaved int16 card codes or f32 millivolts on an NVIDIA GPU, with the same
//! meaning as `cpu-simd`. The kernel (`kernel.cu`) is CUDA C++ compiled at run time
//! by NVRTC for the device found (cached per process), and driven through cudarc
//! with the driver and NVRTC loaded dynamically: on a machine without them the
//! plugin loads, `probe` says why it cannot run, and `open` fails with
//! `NOT_AVAILABLE` — it never panics.
//!
//! # Kernel
//!
//! One thread renders one *cell*: [`layout::CELL`] = 32 consecutive samples of one
//! part of one channel, starting at a multiple of 32 from the part's start. Per tone
//! the thread computes the exact phase at its cell's first sample from the
//! closed-form cycle count in double-double arithmetic (the formulas of
//! `awgsf-math`'s phase module, with the reciprocals of `n` and `fs` precomputed in
//! double-double on the host), then:
//!
//! * *steady* tones (constant frequency and amplitude, most samples of a program)
//!   run the recurrence `y(i+1) = 2 cos(d) y(i) - y(i-1)` seeded with the exact
//!   `A sin`, `A sin(+d)`: one FMA and one add per tone-sample, accumulated in
//!   registers, two tones interleaved for instruction-level parallelism;
//! * *ramp* tones evaluate, per sample, the phase (chirps: the anchor plus the local
//!   Taylor/Faulhaber polynomial of `awgsf-math::local_phase`, then `sinpi`;
//!   amplitude-only ramps: the recurrence at unit amplitude), the interpolated
//!   amplitude (`exp` and `geo_ramp`: the exponential taken exactly at the cell's
//!   first sample, then stepped by a constant factor), and on calibrated channels
//!   the sin² calibration at the sample's frequency and requested power.
//!
//! A cell never depends on the samples before it, so output depends only on the
//! plan and the sample index: not on how jobs split a segment, on batches, nor on
//! scheduling. Statistics reduce with integer adds and `u64` maxima of non-negative
//! doubles' bit patterns, both independent of the order threads finish in.
//!
//! # Precision and error budget
//!
//! Everything is IEEE `f64` (NVRTC with `--fmad=false`; fused operations only where
//! the source writes `fma`). Per tone and sample, with `A` the tone's amplitude:
//! the anchor phase is exact to ~1e-16 turn (double-double); the recurrence over at
//! most 31 steps adds at most ~31² / 2 · 2⁻⁵³ · A ≈ 5e-14 A (its error growth is
//! bounded by `sin(m d) / sin(d) <= m`); the stepped exponential of `exp` and
//! `geo_ramp` amplitudes at most 31 ulp (~7e-15 relative); `sinpi`/`sincospi`,
//! `exp`, `asin`, `sqrt` are within a few ulp. Summing `T` tones adds ~T · 2⁻⁵³ · ΣA. For 1000 tones the
//! total stays below 1e-10 of ΣA, while one card code is 3e-5 of full scale: a code
//! differs from the exact per-sample `f64` evaluation (`awgsf_math::sample_mv` then
//! `to_code`) only where the exact value lies within ~1e-6 code of a rounding
//! boundary, and then by one. Byte equality with `cpu-simd` is therefore typical but
//! not guaranteed: the two use different `sin` implementations and anchor spacings.
//! An `f32` path (f64 anchors, `sinpif` on the reduced phase) would add up to
//! ~2e-7 · ΣA per sample, under one code only while ΣA stays below ~100× full
//! scale; it is not implemented because the steady-tone recurrence already costs
//! two double operations per tone-sample.
//!
//! # Stages and device-resident output
//!
//! [`exec`] keeps the *device stage* (upload the batch tables, run the kernel,
//! leave codes in device memory) apart from the *copy-back stage* (device to the
//! job's host buffer, statistics). A future path that hands device buffers straight
//! to the card (the digitizer's peer-to-peer / RDMA upload) replaces the copy-back
//! stage only; it is not implemented.
//!
//! # Settings
//!
//! `{"device": 0, "batch_mib": 256}`: the CUDA device index, and the largest output
//! buffer of one kernel launch in MiB (longer renders run as several launches).
//! Unknown keys are errors naming the key.

pub mod cuda;
pub mod exec;
pub mod jobs;
pub mod kernel;
pub mod layout;
pub mod pack;
pub mod settings;

use std::sync::Mutex;

use awgsf_plugin_api::abi_stable::std_types::RString;
use awgsf_plugin_api::{
    PluginError, PluginInfo, PluginResult, PluginRole, Probe, RenderJob, SynthInfo,
    SynthesisBackend,
};

use crate::cuda::device::{CudaExecutor, Device};
use crate::cuda::driver::{find_device, DeviceSummary};
pub use crate::exec::{render_with, DeviceOutput, Executor};
pub use crate::settings::Settings;

/// Plugin name used in configs.
pub const NAME: &str = "cuda";

/// Arithmetic the kernel uses, as reported by `describe`.
pub const PRECISION: &str = "f64 (double-double phase anchors every 32 samples)";

/// The GPU synthesis backend.
pub struct CudaBackend {
    settings: Settings,
    device: Mutex<Device>,
}

impl CudaBackend {
    /// Opens the device of `settings` and loads the kernel.
    pub fn open(settings: Settings) -> PluginResult<CudaBackend> {
        let device = Device::open(settings.device)?;
        Ok(CudaBackend {
            settings,
            device: Mutex::new(device),
        })
    }

    /// Opens the backend from its settings text (a JSON object).
    pub fn from_json(text: &str) -> PluginResult<CudaBackend> {
        CudaBackend::open(Settings::parse(text)?)
    }

    /// The settings it was opened with.
    pub fn settings(&self) -> Settings {
        self.settings
    }

    fn device(&self) -> std::sync::MutexGuard<'_, Device> {
        // A panic while rendering leaves no half-updated state behind the lock.
        self.device.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// What the driver says about the device.
    pub fn summary(&self) -> DeviceSummary {
        self.device().summary().clone()
    }

    /// NVRTC target and log of the loaded kernel, and its registers per thread.
    pub fn compile_report(&self) -> PluginResult<String> {
        let dev = self.device();
        let c = dev.compiled();
        let (major, minor) = dev.nvrtc_version();
        Ok(format!(
            "target {}, NVRTC {major}.{minor}, {} registers per thread\n{}",
            c.target,
            dev.registers()?,
            c.log
        ))
    }
}

impl SynthesisBackend for CudaBackend {
    fn describe(&self) -> PluginResult<SynthInfo> {
        let s = self.summary();
        Ok(SynthInfo {
            name: RString::from(NAME),
            version: RString::from(env!("CARGO_PKG_VERSION")),
            device: RString::from(s.line()),
            precision: RString::from(PRECISION),
            parallelism: s.multiprocessors,
            max_tones: 0,
            supports_millivolts: true,
        })
    }

    fn render(&self, jobs: &mut [RenderJob<'_>]) -> PluginResult<()> {
        let dev = self.device();
        render_with(&CudaExecutor(&dev), self.settings.batch_bytes(), jobs)
    }
}

/// Whether the backend can run here with these settings: the device it would use,
/// or why not.
pub fn availability(settings: &str) -> PluginResult<DeviceSummary> {
    let s = Settings::parse(settings)?;
    find_device(s.device)
}

fn probe(settings: &str) -> Probe {
    match availability(settings) {
        Ok(summary) => {
            let nvrtc = crate::cuda::nvrtc::version()
                .map(|(a, b)| format!("NVRTC {a}.{b}"))
                .unwrap_or_else(|e| e);
            Probe::available(summary.line(), nvrtc)
        }
        Err(e) => Probe::unavailable(e.message),
    }
}

fn open(settings: &str) -> Result<CudaBackend, PluginError> {
    CudaBackend::from_json(settings)
}

awgsf_plugin_api::export_synthesis_plugin! {
    info: || PluginInfo::new(
        NAME,
        env!("CARGO_PKG_VERSION"),
        PluginRole::Synthesis,
        "GPU renderer: CUDA kernels compiled with NVRTC at run time, f64 closed-form phase",
    ),
    probe: probe,
    open: open,
}
