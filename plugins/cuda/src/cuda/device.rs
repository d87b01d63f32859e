//! One opened GPU: context, stream and the loaded kernel, and the executor that
//! runs the pipeline's device stage on it.

use std::sync::Arc;

use awgsf_plugin_api::{PluginError, PluginResult};
use cudarc::driver::{
    CudaContext, CudaFunction, CudaSlice, CudaStream, LaunchConfig, PushKernelArg,
};
use cudarc::nvrtc::Ptx;

use super::driver::{cuda, find_device, DeviceSummary};
use super::nvrtc::{self, Compiled, Image};
use crate::exec::{DeviceOutput, Executor};
use crate::kernel;
use crate::layout::{BLOCK, STATS_WORDS};
use crate::pack::Batch;

/// An opened device with the render kernel loaded.
pub struct Device {
    summary: DeviceSummary,
    nvrtc_version: (i32, i32),
    compiled: Compiled,
    stream: Arc<CudaStream>,
    function: CudaFunction,
    // Keeps the context alive as long as the stream and the function.
    _context: Arc<CudaContext>,
}

impl Device {
    /// Finds device `ordinal`, compiles the kernel for it (or reuses this process's
    /// earlier compilation) and loads it.
    pub fn open(ordinal: usize) -> PluginResult<Device> {
        let summary = find_device(ordinal)?;
        let nvrtc_version = nvrtc::version().map_err(PluginError::not_available)?;
        let archs = nvrtc::supported_archs().map_err(PluginError::not_available)?;
        let target = nvrtc::target_for(summary.compute_capability, &archs)
            .map_err(|e| PluginError::not_available(format!("cuda: {e}")))?;
        let compiled = nvrtc::compile(kernel::SOURCE, &target)
            .map_err(|e| PluginError::device(format!("cuda: {e}")))?;
        let context = cuda("creating a context", || CudaContext::new(ordinal))?;
        let stream = cuda("creating a stream", || context.new_stream())?;
        let ptx = match &compiled.image {
            Image::Cubin(bytes) => Ptx::from_binary(bytes.clone()),
            Image::Ptx(text) => Ptx::from_src(text.clone()),
        };
        let module = cuda("loading the kernel", || context.load_module(ptx)).map_err(|e| {
            PluginError::device(format!(
                "{} (compiled for {} by NVRTC {}.{}; driver CUDA {}.{})",
                e.message,
                compiled.target,
                nvrtc_version.0,
                nvrtc_version.1,
                summary.driver_version / 1000,
                summary.driver_version % 1000 / 10
            ))
        })?;
        let function = cuda("finding the kernel", || module.load_function(kernel::ENTRY))?;
        Ok(Device {
            summary,
            nvrtc_version,
            compiled,
            stream,
            function,
            _context: context,
        })
    }

    /// What the driver says about the device.
    pub fn summary(&self) -> &DeviceSummary {
        &self.summary
    }

    /// NVRTC version the kernel was compiled with.
    pub fn nvrtc_version(&self) -> (i32, i32) {
        self.nvrtc_version
    }

    /// The compilation (target and compiler log).
    pub fn compiled(&self) -> &Compiled {
        &self.compiled
    }

    /// Registers per thread of the loaded kernel.
    pub fn registers(&self) -> PluginResult<i32> {
        cuda("reading the kernel's register count", || {
            self.function.num_regs()
        })
    }
}

/// Runs batches on a [`Device`].
pub struct CudaExecutor<'d>(pub &'d Device);

/// One batch's device buffers.
pub struct CudaOutput {
    stream: Arc<CudaStream>,
    codes: CudaSlice<i16>,
    millivolts: CudaSlice<f32>,
    stats: CudaSlice<u64>,
}

impl Executor for CudaExecutor<'_> {
    type Output = CudaOutput;

    fn execute(&self, batch: &Batch) -> PluginResult<CudaOutput> {
        let dev = self.0;
        let stream = &dev.stream;
        let blocks = batch.total_cells.div_ceil(BLOCK as u64);
        if blocks > i32::MAX as u64 {
            return Err(PluginError::limit(format!(
                "cuda: a batch of {} cells needs more than 2^31 - 1 blocks",
                batch.total_cells
            )));
        }
        // Zero-length device buffers are avoided: every buffer holds at least one value.
        let mut tables = batch.tables.clone();
        if tables.is_empty() {
            tables.push(0);
        }
        let tables = cuda("uploading the plan tables", || stream.clone_htod(&tables))?;
        let mut codes = cuda("allocating the code buffer", || {
            stream.alloc_zeros::<i16>(batch.n_i16.max(1))
        })?;
        let mut millivolts = cuda("allocating the millivolt buffer", || {
            stream.alloc_zeros::<f32>(batch.n_f32.max(1))
        })?;
        let mut stats = cuda("allocating the statistics buffer", || {
            stream.alloc_zeros::<u64>((batch.n_slots * STATS_WORDS).max(1))
        })?;
        if batch.total_cells > 0 {
            let cfg = LaunchConfig {
                grid_dim: (blocks as u32, 1, 1),
                block_dim: (BLOCK, 1, 1),
                shared_mem_bytes: 0,
            };
            let (n_spans, spans_at, parts_at) = (batch.n_spans, batch.spans_at, batch.parts_at);
            let (steady_at, ramps_at, cells) = (batch.steady_at, batch.ramps_at, batch.total_cells);
            cuda("launching the render kernel", || {
                let mut launch = stream.launch_builder(&dev.function);
                launch
                    .arg(&tables)
                    .arg(&n_spans)
                    .arg(&spans_at)
                    .arg(&parts_at)
                    .arg(&steady_at)
                    .arg(&ramps_at)
                    .arg(&cells)
                    .arg(&mut codes)
                    .arg(&mut millivolts)
                    .arg(&mut stats);
                // SAFETY: the argument list matches `awgsf_render` in kernel.cu (one
                // device pointer, six u64, three device pointers), every table offset
                // lies inside `tables`, and every output index the spans address lies
                // inside the buffers sized from the same batch.
                unsafe { launch.launch(cfg) }.map(|_| ())
            })?;
        }
        // `tables` may be freed now: the stream orders the free after the kernel.
        drop(tables);
        Ok(CudaOutput {
            stream: stream.clone(),
            codes,
            millivolts,
            stats,
        })
    }
}

impl DeviceOutput for CudaOutput {
    fn read_i16(&mut self, at: usize, dst: &mut [i16]) -> PluginResult<()> {
        let (stream, src) = (&self.stream, &self.codes);
        cuda("copying card codes back", || {
            stream.memcpy_dtoh(&src.slice(at..at + dst.len()), dst)
        })
    }

    fn read_f32(&mut self, at: usize, dst: &mut [f32]) -> PluginResult<()> {
        let (stream, src) = (&self.stream, &self.millivolts);
        cuda("copying millivolts back", || {
            stream.memcpy_dtoh(&src.slice(at..at + dst.len()), dst)
        })
    }

    fn read_stats(&mut self, words: usize) -> PluginResult<Vec<u64>> {
        if words == 0 {
            return Ok(Vec::new());
        }
        let (stream, src) = (&self.stream, &self.stats);
        cuda("copying statistics back", || {
            stream.clone_dtoh(&src.slice(..words))
        })
    }

    fn finish(&mut self) -> PluginResult<()> {
        cuda("finishing the render", || self.stream.synchronize())
    }
}
