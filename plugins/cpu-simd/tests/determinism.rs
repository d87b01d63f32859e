//! Output bytes depend only on the plan and the sample index: not on the thread
//! count, nor on how a range is split into jobs.

mod common;

use awgsf_cpu_simd::{CpuSimd, Isa};
use awgsf_plugin_api::{OutputBuffer, RenderJob, SegmentPlan, SynthesisBackend};
use awgsf_test_kit::synthesis::plans::{segment, Limits, Rng};
use common::{backend, render_i16, render_mv};
use proptest::prelude::*;

/// Long parts so that ranges cross cells (4096) and work items (65536).
const LIMITS: Limits = Limits {
    channels: 2,
    parts: 3,
    part_len: 150_000,
    tones: 6,
};

/// Renders the whole segment as one call with one job per piece of `cuts`.
fn render_split(b: &CpuSimd, seg: &SegmentPlan, cuts: &[u64]) -> Vec<i16> {
    let nch = seg.channels.len();
    let mut out = vec![0i16; seg.n_samples as usize * nch];
    let mut bounds = vec![0];
    bounds.extend_from_slice(cuts);
    bounds.push(seg.n_samples);
    let mut rest = out.as_mut_slice();
    let mut jobs = Vec::new();
    for w in bounds.windows(2) {
        let (head, tail) = rest.split_at_mut(((w[1] - w[0]) as usize) * nch);
        rest = tail;
        jobs.push(RenderJob::new(seg, w[0], OutputBuffer::Int16(head.into())));
    }
    b.render(&mut jobs).expect("render succeeds");
    drop(jobs);
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 6, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every instruction-set level this CPU runs gives the same bytes.
    #[test]
    fn same_bytes_for_every_instruction_set(seed in any::<u64>()) {
        let seg = segment(seed, LIMITS);
        let n = seg.n_samples;
        let (best, _) = render_i16(&backend(2), &seg, 0, n);
        for isa in [Isa::Avx512, Isa::Avx2, Isa::Baseline] {
            if !isa.supported() {
                println!("skipped: this CPU cannot run the {} kernels", isa.name());
                continue;
            }
            let b = backend(2).with_isa(isa).expect("supported");
            let (out, _) = render_i16(&b, &seg, 0, n);
            prop_assert!(out == best, "{} kernels differ", isa.name());
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn same_bytes_for_any_thread_count_and_split(seed in any::<u64>()) {
        let seg = segment(seed, LIMITS);
        let n = seg.n_samples;
        let (one, stats1) = render_i16(&backend(1), &seg, 0, n);
        let two = backend(2);
        let (both, stats2) = render_i16(&two, &seg, 0, n);
        prop_assert!(one == both, "1 vs 2 threads differ");
        prop_assert_eq!(stats1, stats2);
        let mut rng = Rng::new(seed ^ 0x5eed);
        let mut cuts: Vec<u64> = (0..rng.int(1, 6)).map(|_| rng.int(1, n.max(2) - 1)).collect();
        cuts.sort_unstable();
        cuts.dedup();
        cuts.retain(|&c| c > 0 && c < n);
        let split = render_split(&two, &seg, &cuts);
        prop_assert!(one == split, "split at {:?} differs", cuts);
        // Separate calls for windows give the same bytes too.
        let nch = seg.channels.len();
        let a = rng.int(0, n - 1);
        let len = rng.int(1, n - a);
        let (win, _) = render_i16(&two, &seg, a, len);
        prop_assert!(win[..] == one[a as usize * nch..(a + len) as usize * nch]);
    }

    #[test]
    fn millivolts_agree_with_codes(seed in any::<u64>()) {
        let seg = segment(seed, LIMITS);
        let n = seg.n_samples;
        let b = backend(2);
        let (codes, _) = render_i16(&b, &seg, 0, n);
        let mv = render_mv(&b, &seg, 0, n);
        let mut differ = 0usize;
        let nch = seg.channels.len().max(1);
        for (i, (&c, &v)) in codes.iter().zip(&mv).enumerate() {
            let (from_mv, _) = awgsf_math::to_code(v as f64, &seg.channels[i % nch].scale);
            prop_assert!((from_mv as i32 - c as i32).abs() <= 1, "{} mV -> {} vs {}", v, from_mv, c);
            differ += (from_mv != c) as usize;
        }
        // f32 rounding flips only codes that sit on a rounding boundary.
        prop_assert!(differ * 1000 <= codes.len().max(1000), "{} of {} codes differ", differ, codes.len());
    }
}
