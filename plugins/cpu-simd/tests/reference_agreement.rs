//! cpu-simd against the plain reference renderer on random plans: every
//! interpolation kind, 0-20 tones, calibrated and not, random ranges.

mod common;

use awgsf_test_kit::synthesis::plans::{segment, Limits};
use awgsf_test_kit::synthesis::reference;
use common::{backend, render_i16, render_mv};
use proptest::prelude::*;

const LIMITS: Limits = Limits {
    channels: 3,
    parts: 4,
    part_len: 9000,
    tones: 20,
};

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn codes_within_one_lsb_of_the_reference(seed in any::<u64>(), a in 0.0f64..1.0, b in 0.0f64..1.0) {
        let seg = segment(seed, LIMITS);
        let n = seg.n_samples;
        let start = ((a * n as f64) as u64).min(n - 1);
        let count = 1 + ((b * (n - start) as f64) as u64).min(n - start - 1);
        let be = backend(2);
        let (codes, stats) = render_i16(&be, &seg, start, count);
        let expected = reference::render_mv(&seg, start, count);
        let nch = seg.channels.len();
        for (i, (&got, &mv)) in codes.iter().zip(&expected).enumerate() {
            let want = reference::code(&seg, i % nch, mv);
            prop_assert!(
                (got as i32 - want as i32).abs() <= 1,
                "sample {} channel {}: code {} vs reference {} ({} mV)",
                start + (i / nch) as u64, i % nch, got, want, mv
            );
        }
        // Peak and clip figures follow the reference values.
        for (c, st) in stats.iter().enumerate() {
            let vals: Vec<f64> = expected.iter().skip(c).step_by(nch).copied().collect();
            let peak = vals.iter().fold(0.0f64, |m, v| m.max(v.abs()));
            prop_assert!((st.peak_mv - peak).abs() <= 1e-6 * seg.channels[c].scale.full_scale_mv);
            let limit = seg.channels[c].scale.clip * seg.channels[c].scale.full_scale_mv;
            let clear_clips = vals.iter().filter(|v| v.abs() > limit * (1.0 + 1e-9)).count() as u64;
            let maybe_clips = vals.iter().filter(|v| v.abs() > limit * (1.0 - 1e-9)).count() as u64;
            prop_assert!(st.clipped_samples >= clear_clips && st.clipped_samples <= maybe_clips);
        }
        // Millivolts agree with the reference and with the codes.
        let mv = render_mv(&be, &seg, start, count);
        for (i, (&got, &want)) in mv.iter().zip(&expected).enumerate() {
            let tol = 1e-6 * seg.channels[i % nch].scale.full_scale_mv + 1e-7 * want.abs();
            prop_assert!((got as f64 - want).abs() <= tol, "sample {} ch {}: {} vs {}", start + (i / nch) as u64, i % nch, got, want);
            let (code, _) = awgsf_math::to_code(got as f64, &seg.channels[i % nch].scale);
            prop_assert!((code as i32 - codes[i] as i32).abs() <= 1);
        }
    }
}
