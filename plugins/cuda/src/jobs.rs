//! Checks render jobs and cuts them into chunks and batches that fit the device.
//!
//! A *chunk* is a range of one job; a *batch* is the set of chunks rendered by one
//! kernel launch, whose output buffers stay under the configured device budget. Any
//! range of a segment renders alone, so cutting never changes a value.

use std::collections::HashSet;

use awgsf_math::validate_segment;
use awgsf_plugin_api::{OutputBuffer, PluginError, PluginResult, RenderJob};

use crate::layout::CELL;

/// Longest part (and segment) the kernel accepts: part-local sample indices must be
/// exact as `f64`.
pub const MAX_SAMPLES: u64 = 1 << 53;

/// What a job's buffer holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum OutKind {
    /// Card codes.
    I16,
    /// Millivolts.
    F32,
}

impl OutKind {
    /// Bytes of one output element.
    pub fn bytes(self) -> usize {
        match self {
            OutKind::I16 => 2,
            OutKind::F32 => 4,
        }
    }

    /// The kind of a job's buffer.
    pub fn of(buffer: &OutputBuffer<'_>) -> OutKind {
        match buffer {
            OutputBuffer::Int16(_) => OutKind::I16,
            OutputBuffer::MilliVolts(_) => OutKind::F32,
        }
    }
}

/// A range of one job.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Chunk {
    /// Index of the job.
    pub job: usize,
    /// First sample (of the segment).
    pub start: u64,
    /// Samples per channel.
    pub count: u64,
    /// Element offset of the chunk in the job's buffer.
    pub job_offset: usize,
    /// Channels of the segment (elements per sample).
    pub channels: usize,
    /// Element type.
    pub kind: OutKind,
}

impl Chunk {
    /// Output elements of the chunk.
    pub fn elements(&self) -> usize {
        self.count as usize * self.channels
    }
}

/// Checks one job's buffer, range and statistics against its segment.
pub fn check_job(j: usize, job: &RenderJob<'_>) -> PluginResult<()> {
    awgsf_math::validate_job(j, job).map_err(|e| PluginError::invalid_input(e.0))
}

/// Checks every job and validates every distinct segment once.
pub fn check_jobs(jobs: &[RenderJob<'_>]) -> PluginResult<()> {
    let mut seen = HashSet::new();
    for (j, job) in jobs.iter().enumerate() {
        check_job(j, job)?;
        let seg = job.segment;
        if !seen.insert(seg as *const _ as usize) {
            continue;
        }
        validate_segment(seg)
            .map_err(|e| PluginError::invalid_input(format!("render job {j}: {e}")))?;
        if seg.n_samples > MAX_SAMPLES {
            return Err(PluginError::limit(format!(
                "render job {j}: segment {} has {} samples; the cuda backend renders at \
                 most 2^53",
                seg.index, seg.n_samples
            )));
        }
    }
    Ok(())
}

/// Cuts the jobs into chunks of at most `budget` output bytes and groups them into
/// batches of at most `budget` bytes (a batch holds at least one chunk).
pub fn plan_batches(jobs: &[RenderJob<'_>], budget: usize) -> Vec<Vec<Chunk>> {
    let mut batches = Vec::new();
    let mut current = Vec::new();
    let mut used = 0usize;
    for (j, job) in jobs.iter().enumerate() {
        let channels = job.segment.channels.len();
        if channels == 0 || job.output.is_empty() {
            continue;
        }
        let kind = OutKind::of(&job.output);
        let total = (job.output.len() / channels) as u64;
        let row_bytes = channels * kind.bytes();
        // Whole cells per chunk where the budget allows it.
        let mut max_rows = (budget / row_bytes).max(1) as u64;
        if max_rows >= CELL {
            max_rows -= max_rows % CELL;
        }
        let mut done = 0u64;
        while done < total {
            let count = (total - done).min(max_rows);
            let chunk = Chunk {
                job: j,
                start: job.start_sample + done,
                count,
                job_offset: done as usize * channels,
                channels,
                kind,
            };
            let bytes = chunk.elements() * kind.bytes();
            if !current.is_empty() && used + bytes > budget {
                batches.push(std::mem::take(&mut current));
                used = 0;
            }
            current.push(chunk);
            used += bytes;
            done += count;
        }
    }
    if !current.is_empty() {
        batches.push(current);
    }
    batches
}
