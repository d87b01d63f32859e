//! Rendering render plans through a synthesis plugin into card buffers.
//!
//! Each segment gets one interleaved buffer of its final size (the output itself:
//! no intermediate copies). Large segments are cut into chunks so a progress bar
//! can move between plugin calls; the plugin contract guarantees that the bytes do
//! not depend on how ranges are split.

use abi_stable::std_types::{RSliceMut, RVec};
use awgsf_plugin_api::{ChannelStats, OutputBuffer, RenderJob, SegmentPlan, SynthesizerBox};

use crate::error::{Error, Result};

/// Samples per channel of one render chunk.
pub const CHUNK_SAMPLES: u64 = 1 << 21;

/// Rendered card data of one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentSamples {
    /// Interleaved codes, `n_samples * n_channels`.
    pub codes: Vec<i16>,
    /// Samples per channel.
    pub n_samples: u64,
    /// Channels interleaved.
    pub n_channels: u32,
    /// Per-channel clipping and calibration figures.
    pub stats: Vec<ChannelStats>,
}

/// Rendered millivolts of one segment.
#[derive(Debug, Clone, PartialEq)]
pub struct SegmentMillivolts {
    /// Interleaved mV, `n_samples * n_channels`.
    pub mv: Vec<f32>,
    /// Samples per channel.
    pub n_samples: u64,
    /// Channels interleaved.
    pub n_channels: u32,
}

/// Something told about the progress of long work (a terminal progress bar, a GUI,
/// a log, or nothing): a session calls [`Progress::start`], then
/// [`Progress::update`] as samples are rendered, then [`Progress::finish`].
pub trait Progress {
    /// Work named `what` (e.g. `rendering`) begins.
    fn start(&self, what: &str) {
        let _ = what;
    }
    /// `done` of `total` samples rendered.
    fn update(&self, done: u64, total: u64);
    /// The work ended (successfully or not).
    fn finish(&self) {}
}

impl Progress for () {
    fn update(&self, _: u64, _: u64) {}
}

/// Sample types for which all-zero bytes are the value zero.
trait ZeroBits: Copy {}
impl ZeroBits for i16 {}
impl ZeroBits for f32 {}

/// A zero-filled buffer of `len` values, or an error when memory is short.
///
/// The memory comes zeroed from the allocator (`calloc`): large blocks are fresh
/// pages that the kernel zeroes on first touch, so the buffer is written once — by
/// the renderer, in parallel — instead of being cleared first.
fn allocate<T: ZeroBits>(len: usize, what: &str) -> Result<Vec<T>> {
    let fail = || Error::synthesis(format!("cannot allocate {len} values for {what}"));
    let layout = std::alloc::Layout::array::<T>(len).map_err(|_| fail())?;
    if layout.size() == 0 {
        return Ok(Vec::new());
    }
    // SAFETY: the layout has a non-zero size.
    let ptr = unsafe { std::alloc::alloc_zeroed(layout) }.cast::<T>();
    if ptr.is_null() {
        return Err(fail());
    }
    // SAFETY: `ptr` comes from the global allocator with the layout of `len` values
    // of `T` (capacity = length = `len`), and all-zero bytes are a valid `T`
    // (`ZeroBits`), so every element is initialised.
    Ok(unsafe { Vec::from_raw_parts(ptr, len, len) })
}

/// Splits `plans` into chunks of at most [`CHUNK_SAMPLES`]: `(segment, start, count)`.
fn chunks(plans: &[SegmentPlan]) -> Vec<(usize, u64, u64)> {
    let mut out = Vec::new();
    for (si, p) in plans.iter().enumerate() {
        let mut start = 0;
        while start < p.n_samples {
            let count = CHUNK_SAMPLES.min(p.n_samples - start);
            out.push((si, start, count));
            start += count;
        }
    }
    out
}

/// Renders every plan to card codes.
pub fn render_codes(
    synth: &SynthesizerBox,
    plans: &[SegmentPlan],
    progress: &dyn Progress,
) -> Result<Vec<SegmentSamples>> {
    let mut buffers: Vec<SegmentSamples> = plans
        .iter()
        .map(|p| {
            let ch = p.channels.len();
            Ok(SegmentSamples {
                codes: allocate(p.n_samples as usize * ch, "segment samples")?,
                n_samples: p.n_samples,
                n_channels: ch as u32,
                stats: vec![ChannelStats::default(); ch],
            })
        })
        .collect::<Result<_>>()?;
    let total: u64 = plans.iter().map(|p| p.n_samples).sum();
    let work = chunks(plans);
    // Enough chunks per call to keep every core busy, few enough calls to report progress.
    let per_call = work.len().div_ceil(32).max(1);
    let mut done = 0u64;
    for batch in work.chunks(per_call) {
        let mut jobs: Vec<RenderJob<'_>> = Vec::with_capacity(batch.len());
        // Hand out disjoint mutable windows of the segment buffers.
        let mut rest: Vec<Option<&mut [i16]>> = buffers
            .iter_mut()
            .map(|b| Some(b.codes.as_mut_slice()))
            .collect();
        let mut offsets = vec![0u64; plans.len()];
        for &(si, start, count) in batch {
            let ch = plans[si].channels.len() as u64;
            let buf = rest[si].take().expect("one window at a time per segment");
            let skip = ((start - offsets[si]) * ch) as usize;
            let (_, tail) = buf.split_at_mut(skip);
            let (window, after) = tail.split_at_mut((count * ch) as usize);
            rest[si] = Some(after);
            offsets[si] = start + count;
            jobs.push(RenderJob::new(
                &plans[si],
                start,
                OutputBuffer::Int16(RSliceMut::from_mut_slice(window)),
            ));
        }
        synth
            .render(RSliceMut::from_mut_slice(&mut jobs))
            .into_result()
            .map_err(|e| Error::backend("render", e))?;
        let stats: Vec<(usize, RVec<ChannelStats>)> = batch
            .iter()
            .zip(jobs)
            .map(|(&(si, _, _), j)| (si, j.stats))
            .collect();
        for (si, s) in stats {
            for (acc, c) in buffers[si].stats.iter_mut().zip(s.iter()) {
                acc.merge(c);
            }
        }
        done += batch.iter().map(|c| c.2).sum::<u64>();
        progress.update(done, total);
    }
    Ok(buffers)
}

/// Renders every plan to millivolts.
pub fn render_millivolts(
    synth: &SynthesizerBox,
    plans: &[SegmentPlan],
) -> Result<Vec<SegmentMillivolts>> {
    let mut out = Vec::with_capacity(plans.len());
    for p in plans {
        let ch = p.channels.len();
        let mut mv = allocate::<f32>(p.n_samples as usize * ch, "segment millivolts")?;
        let mut jobs = vec![RenderJob::new(
            p,
            0,
            OutputBuffer::MilliVolts(RSliceMut::from_mut_slice(&mut mv)),
        )];
        synth
            .render(RSliceMut::from_mut_slice(&mut jobs))
            .into_result()
            .map_err(|e| Error::backend("render", e))?;
        drop(jobs);
        out.push(SegmentMillivolts {
            mv,
            n_samples: p.n_samples,
            n_channels: ch as u32,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buffers_come_zeroed_and_a_failed_allocation_is_an_error() {
        let v = allocate::<i16>(3 << 20, "test").unwrap();
        assert_eq!((v.len(), v.capacity()), (3 << 20, 3 << 20));
        assert!(v.iter().all(|&x| x == 0));
        let f = allocate::<f32>(1000, "test").unwrap();
        assert!(f.iter().all(|&x| x == 0.0));
        assert!(allocate::<i16>(0, "test").unwrap().is_empty());
        let e = allocate::<i16>(usize::MAX, "segment samples").unwrap_err();
        assert!(e.to_string().contains("segment samples"), "{e}");
        assert!(allocate::<i16>(1 << 61, "too many").is_err());
    }
}
