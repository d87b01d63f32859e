//! Bad plans, jobs and settings are errors that say what is wrong; nothing panics.

mod common;

use awgsf_cpu_simd::CpuSimd;
use awgsf_plugin_api::{ErrorKind, InterpKind, OutputBuffer, RenderJob, SynthesisBackend};
use awgsf_test_kit::synthesis::plans::{segment, Limits};
use common::backend;

const LIMITS: Limits = Limits {
    channels: 2,
    parts: 2,
    part_len: 100,
    tones: 3,
};

#[test]
fn bad_plans_and_jobs_are_invalid_input() {
    let b = backend(1);
    // The first plan with two channels, the first of them playing.
    let seg = (1..)
        .map(|seed| segment(seed, LIMITS))
        .find(|s| s.channels.len() == 2 && !s.channels[0].parts.is_empty())
        .expect("a plan with two channels");
    let nch = seg.channels.len();
    let n = seg.n_samples as usize;

    // Range beyond the segment.
    let mut out = vec![0i16; (n + 1) * nch];
    let mut jobs = [RenderJob::new(
        &seg,
        0,
        OutputBuffer::Int16(out.as_mut_slice().into()),
    )];
    let e = b.render(&mut jobs).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert!(e.message.contains("beyond the segment"), "{e}");

    // Output not a multiple of the channel count.
    let mut out = vec![0i16; nch + 1];
    let mut jobs = [RenderJob::new(
        &seg,
        0,
        OutputBuffer::Int16(out.as_mut_slice().into()),
    )];
    let e = b.render(&mut jobs).unwrap_err();
    assert!(e.message.contains("not a multiple"), "{e}");

    // A plan breaking a rule names segment, channel, part and tone.
    let mut bad = seg.clone();
    let part = &mut bad.channels[0].parts[0];
    part.kind = InterpKind::GeoRamp;
    part.tones = vec![awgsf_plugin_api::TonePlan {
        f0_hz: 1e3,
        f1_hz: 1e3,
        a0: 1.0,
        a1: 0.0,
        phase0_rad: 0.0,
    }]
    .into();
    let mut out = vec![0i16; nch];
    let mut jobs = [RenderJob::new(
        &bad,
        0,
        OutputBuffer::Int16(out.as_mut_slice().into()),
    )];
    let e = b.render(&mut jobs).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert!(
        e.message.contains(&format!("segment {}", bad.index))
            && e.message.contains("part 0")
            && e.message.contains("geo_ramp"),
        "{e}"
    );
}

#[test]
fn settings_errors_name_the_key() {
    let e = CpuSimd::from_json(r#"{"threads": 2, "simd": "avx"}"#)
        .err()
        .expect("rejected");
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert!(e.message.contains("`simd`"), "{e}");
    let b = CpuSimd::from_json(r#"{"threads": 1}"#).expect("opens");
    let info = b.describe().unwrap();
    assert_eq!(info.parallelism, 1);
    assert!(info.supports_millivolts);
}
