//! `cpu-simd`: the CPU synthesis backend.
//!
//! Renders any sample range of any segment of a render plan (docs/semantics.md §7) into
//! interleaved int16 card codes or f32 millivolts, with rayon over jobs × 64 Ki-sample
//! items and kernels compiled for AVX-512, AVX2+FMA and the build target, chosen at
//! run time (every level gives the same bytes).
//!
//! * Steady tones (constant frequency and amplitude) use a complex-rotation
//!   recurrence, 16 samples per step and two tones per pass, re-anchored every 4096
//!   samples of a part from the exact closed-form phase of `awgsf-math`.
//! * Tones whose amplitude alone moves use the same rotation, scaled per sample by
//!   the interpolated (and, on calibrated channels, calibrated) amplitude.
//! * Tones whose frequency moves are evaluated per sample: local phase polynomial
//!   from the same anchors, vectorised `sin`, amplitude interpolation, and the sin²
//!   calibration at the sample's frequency and requested power.
//! * Each channel is summed per cell in `f64`, converted to codes (or mV) into a
//!   contiguous column, and the columns are interleaved once into the job's buffer.
//!
//! Output depends only on the plan and the sample index: not on how jobs split a
//! segment, on the item boundaries, nor on the thread count. Settings: `{"threads": N}`
//! (0 = all cores, at most [`settings::MAX_THREADS`] = 1024).

pub mod fastmath;
pub mod kernels;
pub mod prepare;
pub mod render;
pub mod settings;
pub mod simd;

use abi_stable::std_types::RString;
use awgsf_plugin_api::{
    ChannelStats, OutputBuffer, PluginError, PluginInfo, PluginResult, PluginRole, Probe,
    RenderJob, SynthInfo, SynthesisBackend,
};
use rayon::prelude::*;

use crate::prepare::{prepare, PreparedSegment};
pub use crate::render::Isa;
use crate::render::{render_range, OutSlice, ITEM};
pub use crate::settings::Settings;

/// Plugin name used in configs.
pub const NAME: &str = "cpu-simd";

/// The CPU synthesis backend.
pub struct CpuSimd {
    pool: rayon::ThreadPool,
    isa: Isa,
}

impl CpuSimd {
    /// Opens the backend with parsed settings.
    pub fn new(settings: Settings) -> PluginResult<CpuSimd> {
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(settings.threads)
            .thread_name(|i| format!("cpu-simd-{i}"))
            .build()
            .map_err(|e| PluginError::not_available(format!("cpu-simd: no thread pool: {e}")))?;
        Ok(CpuSimd {
            pool,
            isa: Isa::detect(),
        })
    }

    /// Opens the backend from its settings text (a JSON object).
    pub fn from_json(text: &str) -> PluginResult<CpuSimd> {
        CpuSimd::new(Settings::parse(text)?)
    }

    /// The same backend running the kernels built for `isa` (the fastest this CPU
    /// supports is chosen by default). Every level produces the same bytes.
    pub fn with_isa(mut self, isa: Isa) -> PluginResult<CpuSimd> {
        if !isa.supported() {
            return Err(PluginError::unsupported(format!(
                "cpu-simd: this CPU cannot run the {} kernels",
                isa.name()
            )));
        }
        self.isa = isa;
        Ok(self)
    }

    /// Worker threads.
    pub fn threads(&self) -> usize {
        self.pool.current_num_threads()
    }

    /// Instruction set the kernels run with.
    pub fn isa(&self) -> Isa {
        self.isa
    }
}

/// Name of this machine's CPU, where the system tells.
fn cpu_name() -> String {
    std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|text| {
            text.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split(':').nth(1))
                .map(|s| s.trim().to_string())
        })
        .unwrap_or_else(|| format!("{} CPU", std::env::consts::ARCH))
}

/// One work item: rows `start..` of one job.
struct Item<'p, 'o> {
    job: usize,
    segment: &'p PreparedSegment<'p>,
    start: u64,
    out: OutSlice<'o>,
}

/// Checks one job's buffer, range and statistics against its segment.
fn check_job(j: usize, job: &RenderJob<'_>) -> PluginResult<()> {
    awgsf_math::validate_job(j, job).map_err(|e| PluginError::invalid_input(e.0))
}

impl SynthesisBackend for CpuSimd {
    fn describe(&self) -> PluginResult<SynthInfo> {
        Ok(SynthInfo {
            name: RString::from(NAME),
            version: RString::from(env!("CARGO_PKG_VERSION")),
            device: RString::from(format!("{} ({})", cpu_name(), self.isa.name())),
            precision: RString::from("f64"),
            parallelism: self.threads() as u32,
            max_tones: 0,
            supports_millivolts: true,
        })
    }

    fn render(&self, jobs: &mut [RenderJob<'_>]) -> PluginResult<()> {
        for (j, job) in jobs.iter().enumerate() {
            check_job(j, job)?;
        }
        let prepared = jobs
            .iter()
            .enumerate()
            .map(|(j, job)| {
                prepare(job.segment)
                    .map_err(|e| PluginError::invalid_input(format!("render job {j}: {e}")))
            })
            .collect::<PluginResult<Vec<_>>>()?;
        let mut items = Vec::new();
        for (j, job) in jobs.iter_mut().enumerate() {
            let nch = job.segment.channels.len();
            if nch == 0 {
                continue;
            }
            let per = ITEM as usize * nch;
            let seg = &prepared[j];
            let start = job.start_sample;
            match &mut job.output {
                OutputBuffer::Int16(s) => {
                    for (i, chunk) in s.as_mut_slice().chunks_mut(per).enumerate() {
                        items.push(Item {
                            job: j,
                            segment: seg,
                            start: start + i as u64 * ITEM,
                            out: OutSlice::I16(chunk),
                        });
                    }
                }
                OutputBuffer::MilliVolts(s) => {
                    for (i, chunk) in s.as_mut_slice().chunks_mut(per).enumerate() {
                        items.push(Item {
                            job: j,
                            segment: seg,
                            start: start + i as u64 * ITEM,
                            out: OutSlice::F32(chunk),
                        });
                    }
                }
            }
        }
        let isa = self.isa;
        let results: Vec<(usize, Vec<ChannelStats>)> = self.pool.install(|| {
            items
                .par_iter_mut()
                .map(|it| (it.job, render_range(isa, it.segment, it.start, &mut it.out)))
                .collect()
        });
        let mut merged: Vec<Vec<ChannelStats>> = jobs
            .iter()
            .map(|j| vec![ChannelStats::default(); j.segment.channels.len()])
            .collect();
        for (j, stats) in results {
            for (m, s) in merged[j].iter_mut().zip(&stats) {
                m.merge(s);
            }
        }
        for (job, m) in jobs.iter_mut().zip(merged) {
            for (dst, src) in job.stats.iter_mut().zip(m) {
                *dst = src;
            }
        }
        Ok(())
    }
}

fn probe(settings: &str) -> Probe {
    match Settings::parse(settings) {
        Ok(s) => {
            let threads = if s.threads == 0 {
                std::thread::available_parallelism().map_or(1, |n| n.get())
            } else {
                s.threads
            };
            Probe::available(
                cpu_name(),
                format!("{threads} threads, {} kernels", Isa::detect().name()),
            )
        }
        Err(e) => Probe::unavailable(e.message),
    }
}

awgsf_plugin_api::export_synthesis_plugin! {
    info: || PluginInfo::new(
        NAME,
        env!("CARGO_PKG_VERSION"),
        PluginRole::Synthesis,
        "CPU renderer: closed-form phase, SIMD kernels, rayon threads",
    ),
    probe: probe,
    open: CpuSimd::from_json,
}
