//! Phase stays exact over long parts: the last 4096 samples of a 2^34-sample hold
//! and of 2^30-sample linear and min_jerk chirps (90-110 MHz at 625 MS/s), against
//! a phase computed in exact rational arithmetic.

mod common;

use abi_stable::std_types::{RNone, RVec};
use awgsf_math::phase_at;
use awgsf_plugin_api::{ChannelPlan, InterpKind, OutputScale, PartPlan, SegmentPlan, TonePlan};
use awgsf_test_kit::synthesis::exact::exact_phase;
use common::{backend, render_i16, render_mv};

const FS: f64 = 625e6;
const AMP_MV: f64 = 900.0;
const TAIL: u64 = 4096;

fn segment(kind: InterpKind, n: u64, f0: f64, f1: f64) -> SegmentPlan {
    let tone = TonePlan {
        f0_hz: f0,
        f1_hz: f1,
        a0: AMP_MV,
        a1: AMP_MV,
        phase0_rad: 2.345678901234,
    };
    SegmentPlan {
        index: 0,
        n_samples: n,
        sample_rate_hz: FS,
        channels: RVec::from(vec![ChannelPlan {
            hardware_channel: 0,
            calibration: RNone,
            parts: RVec::from(vec![PartPlan {
                offset: 0,
                n_samples: n,
                kind,
                tau_s: 0.0,
                tones: RVec::from(vec![tone]),
            }]),
            scale: OutputScale {
                full_scale_mv: 1000.0,
                full_scale: 32767.0,
                clip: 1.0,
            },
        }]),
    }
}

fn angle_diff(a: f64, b: f64) -> f64 {
    let d = (a - b).rem_euclid(std::f64::consts::TAU);
    d.min(std::f64::consts::TAU - d)
}

fn check(kind: InterpKind, n: u64, f0: f64, f1: f64) {
    let seg = segment(kind, n, f0, f1);
    let part = &seg.channels[0].parts[0];
    let tone = &part.tones[0];
    // The closed form itself, at the tail and at the end (the next part's start).
    let mut worst_phase: f64 = 0.0;
    for k in [n - TAIL, n - TAIL + 1, n - 2, n - 1, n, n / 3, 12345] {
        let d = angle_diff(phase_at(part, tone, FS, k), exact_phase(part, tone, FS, k));
        worst_phase = worst_phase.max(d);
    }
    assert!(
        worst_phase < 1e-6,
        "{kind:?}: closed-form phase error {worst_phase:e} rad"
    );
    // The check can tell: plain f64 accumulation of the cycle count at the end of
    // a long hold is off by far more.
    if kind == InterpKind::Hold {
        let naive = tone.phase0_rad + std::f64::consts::TAU * (n as f64 * f0 / FS).fract();
        let naive_err = angle_diff(naive, exact_phase(part, tone, FS, n));
        assert!(naive_err > 1e-8, "naive f64 error {naive_err:e}");
    }

    // The rendered tail, in millivolts and codes.
    let start = n - TAIL;
    let b = backend(2);
    let mv = render_mv(&b, &seg, start, TAIL);
    let (codes, _) = render_i16(&b, &seg, start, TAIL);
    let mut worst_mv: f64 = 0.0;
    for i in 0..TAIL as usize {
        let phi = exact_phase(part, tone, FS, start + i as u64);
        let exact = AMP_MV * phi.sin();
        worst_mv = worst_mv.max((mv[i] as f64 - exact).abs());
        let (code, _) = awgsf_math::to_code(exact, &seg.channels[0].scale);
        assert!(
            (codes[i] as i32 - code as i32).abs() <= 1,
            "{kind:?} sample {}: code {} vs exact {code}",
            start + i as u64,
            codes[i]
        );
    }
    // |error| / A bounds the phase error (f32 output adds up to 6e-8 of A).
    let phase_bound = worst_mv / AMP_MV;
    assert!(
        phase_bound < 1e-6,
        "{kind:?}: rendered tail off by {worst_mv:e} mV ({phase_bound:e} of the amplitude)"
    );
    println!(
        "{kind:?} n=2^{}: closed-form phase error {worst_phase:.2e} rad, rendered tail within {phase_bound:.2e} of A",
        n.trailing_zeros()
    );
}

#[test]
fn hold_of_2_pow_34_samples() {
    check(
        InterpKind::Hold,
        1 << 34,
        97.123_456_789_012e6,
        97.123_456_789_012e6,
    );
}

#[test]
fn linear_chirp_of_2_pow_30_samples() {
    check(
        InterpKind::Linear,
        1 << 30,
        90.000_123_456e6,
        109.987_654_321e6,
    );
}

#[test]
fn min_jerk_chirp_of_2_pow_30_samples() {
    check(
        InterpKind::MinJerk,
        1 << 30,
        109.876_543_21e6,
        90.123_456_789e6,
    );
}
