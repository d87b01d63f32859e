//! The render pipeline, in two stages that stay apart.
//!
//! 1. **Device stage** ([`Executor::execute`]): upload one batch's tables, run the
//!    kernel, leave card codes / millivolts and raw statistics in device buffers.
//! 2. **Copy-back stage** ([`DeviceOutput`]): read each chunk's rows into its job's
//!    host buffer and the statistics into the jobs' [`ChannelStats`].
//!
//! Nothing in stage 1 knows about host buffers, so a later path that hands the device
//! buffers straight to a card (peer-to-peer / RDMA upload) replaces stage 2 only.
//! The pipeline is generic over the executor: the CUDA backend runs it on a GPU, and
//! the tests run the very same kernel source on the CPU through an emulating executor.

use awgsf_plugin_api::{ChannelStats, OutputBuffer, PluginResult, RenderJob};

use crate::jobs::{check_jobs, plan_batches, OutKind};
use crate::layout::STATS_WORDS;
use crate::pack::{pack, Batch};

/// Runs the device stage of one batch.
pub trait Executor {
    /// Device-resident results of one batch.
    type Output: DeviceOutput;

    /// Uploads `batch`, runs the kernel over `batch.total_cells` threads (none when
    /// zero) and returns the output buffers: `batch.n_i16` codes and `batch.n_f32`
    /// millivolts, zero where no span wrote, and `batch.n_slots * STATS_WORDS`
    /// statistics words.
    fn execute(&self, batch: &Batch) -> PluginResult<Self::Output>;
}

/// Results of one batch, still on the device.
pub trait DeviceOutput {
    /// Copies codes `at .. at + dst.len()` of the batch into `dst`.
    fn read_i16(&mut self, at: usize, dst: &mut [i16]) -> PluginResult<()>;
    /// Copies millivolts `at .. at + dst.len()` of the batch into `dst`.
    fn read_f32(&mut self, at: usize, dst: &mut [f32]) -> PluginResult<()>;
    /// Reads the first `words` statistics words.
    fn read_stats(&mut self, words: usize) -> PluginResult<Vec<u64>>;
    /// Waits for every copy and reports a device error that surfaced meanwhile.
    fn finish(&mut self) -> PluginResult<()>;
}

/// Statistics of one slot: the kernel's words plus the host's figures.
pub fn slot_stats(words: &[u64], host: &ChannelStats) -> ChannelStats {
    let mut s = ChannelStats {
        clipped_samples: words[0],
        peak_mv: f64::from_bits(words[1]),
        calib_clamped: words[2],
        calib_max_ratio: f64::from_bits(words[3]),
    };
    s.merge(host);
    s
}

/// Renders every job through `exec`, batches of at most `budget` output bytes.
pub fn render_with<E: Executor>(
    exec: &E,
    budget: usize,
    jobs: &mut [RenderJob<'_>],
) -> PluginResult<()> {
    check_jobs(jobs)?;
    let mut totals: Vec<Vec<ChannelStats>> = jobs
        .iter()
        .map(|j| vec![ChannelStats::default(); j.segment.channels.len()])
        .collect();
    for chunks in plan_batches(jobs, budget) {
        let batch = pack(jobs, &chunks);
        let mut out = exec.execute(&batch)?;
        copy_back(&batch, &mut out, jobs, &mut totals)?;
    }
    for (job, total) in jobs.iter_mut().zip(totals) {
        for (dst, src) in job.stats.iter_mut().zip(total) {
            *dst = src;
        }
    }
    Ok(())
}

/// The copy-back stage of one batch.
fn copy_back<O: DeviceOutput>(
    batch: &Batch,
    out: &mut O,
    jobs: &mut [RenderJob<'_>],
    totals: &mut [Vec<ChannelStats>],
) -> PluginResult<()> {
    for p in &batch.placed {
        let c = &p.chunk;
        let range = c.job_offset..c.job_offset + c.elements();
        match (&mut jobs[c.job].output, c.kind) {
            (OutputBuffer::Int16(s), OutKind::I16) => {
                out.read_i16(p.buffer_offset, &mut s.as_mut_slice()[range])?
            }
            (OutputBuffer::MilliVolts(s), OutKind::F32) => {
                out.read_f32(p.buffer_offset, &mut s.as_mut_slice()[range])?
            }
            _ => unreachable!("a chunk keeps the kind of its job's buffer"),
        }
    }
    let words = out.read_stats(batch.n_slots * STATS_WORDS)?;
    out.finish()?;
    for p in &batch.placed {
        for (c, total) in totals[p.chunk.job].iter_mut().enumerate() {
            let slot = p.slot + c;
            let w = &words[slot * STATS_WORDS..(slot + 1) * STATS_WORDS];
            total.merge(&slot_stats(w, &batch.host_stats[slot]));
        }
    }
    Ok(())
}
