//! Shared helpers of the cpu-simd integration tests: the backend and one-call
//! renders. Random plans come from `awgsf_test_kit::synthesis::plans`.
#![allow(dead_code)]

use awgsf_cpu_simd::{CpuSimd, Settings};
use awgsf_plugin_api::{ChannelStats, OutputBuffer, RenderJob, SegmentPlan, SynthesisBackend};

pub fn backend(threads: usize) -> CpuSimd {
    CpuSimd::new(Settings { threads }).expect("backend opens")
}

/// Renders `start..start + count` as int16 in one job.
pub fn render_i16(
    b: &CpuSimd,
    seg: &SegmentPlan,
    start: u64,
    count: u64,
) -> (Vec<i16>, Vec<ChannelStats>) {
    let mut out = vec![0i16; (count as usize) * seg.channels.len()];
    let stats = {
        let mut jobs = [RenderJob::new(
            seg,
            start,
            OutputBuffer::Int16(out.as_mut_slice().into()),
        )];
        b.render(&mut jobs).expect("render succeeds");
        jobs[0].stats.to_vec()
    };
    (out, stats)
}

/// Renders `start..start + count` as millivolts in one job.
pub fn render_mv(b: &CpuSimd, seg: &SegmentPlan, start: u64, count: u64) -> Vec<f32> {
    let mut out = vec![0f32; (count as usize) * seg.channels.len()];
    {
        let mut jobs = [RenderJob::new(
            seg,
            start,
            OutputBuffer::MilliVolts(out.as_mut_slice().into()),
        )];
        b.render(&mut jobs).expect("render succeeds");
    }
    out
}
