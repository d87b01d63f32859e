//! The exported root module opens the backend and renders through the FFI trait
//! object with the same bytes as the in-process backend; bad settings come back as
//! errors, not panics.

mod common;

use abi_stable::std_types::{RResult, RSliceMut};
use awgsf_plugin_api::{ErrorKind, OutputBuffer, RenderJob};
use awgsf_test_kit::synthesis::plans::{segment, Limits};
use common::{backend, render_i16};

#[test]
fn root_module_opens_and_renders() {
    let module = awgsf_cpu_simd::awgsf_synthesis_root_module();
    let info = (module.info())();
    assert_eq!(info.name.as_str(), "cpu-simd");
    assert!((module.probe())(r#"{"threads": 1}"#.into()).available);
    assert!(!(module.probe())(r#"{"cores": 1}"#.into()).available);

    let synth = match (module.open())(r#"{"threads": 2}"#.into()) {
        RResult::ROk(s) => s,
        RResult::RErr(e) => panic!("open failed: {e}"),
    };
    let described = synth.describe().unwrap();
    assert_eq!(described.parallelism, 2);

    let seg = segment(
        42,
        Limits {
            channels: 2,
            parts: 3,
            part_len: 5000,
            tones: 5,
        },
    );
    let n = seg.n_samples;
    let mut out = vec![0i16; n as usize * seg.channels.len()];
    {
        let mut jobs = [RenderJob::new(
            &seg,
            0,
            OutputBuffer::Int16(out.as_mut_slice().into()),
        )];
        synth.render(RSliceMut::from_mut_slice(&mut jobs)).unwrap();
    }
    let (direct, _) = render_i16(&backend(1), &seg, 0, n);
    assert!(out == direct);

    match (module.open())(r#"{"threads": "many"}"#.into()) {
        RResult::ROk(_) => panic!("bad settings accepted"),
        RResult::RErr(e) => assert_eq!(e.kind, ErrorKind::INVALID_INPUT),
    }
}
