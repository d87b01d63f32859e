//! The CUDA backend on a real GPU, held to the exact evaluation and run through
//! the synthesis conformance suite (opened by its root module). Skipped with a
//! printed reason where no CUDA device can run it (see docs/gpu.md for running the
//! built test binary on a GPU machine).

mod common;

use std::sync::OnceLock;

use abi_stable::std_types::{RResult, RStr};
use awgsf_cuda::{availability, awgsf_synthesis_root_module, CudaBackend, Settings, NAME};
use awgsf_plugin_api::{InterpKind, PluginResult, RenderJob, SynthesisBackend, TonePlan};
use awgsf_test_kit::synthesis::plans::{single_part, Rng};
use awgsf_test_kit::synthesis::reference::expected;
use common::Request;

/// The backend opened once for the whole binary, or why there is none.
fn backend() -> Option<&'static CudaBackend> {
    static BACKEND: OnceLock<Result<CudaBackend, String>> = OnceLock::new();
    let b = BACKEND.get_or_init(|| {
        if let Err(e) = availability("{}") {
            return Err(e.message.to_string());
        }
        let b = CudaBackend::from_json("{}").unwrap_or_else(|e| panic!("open failed: {e}"));
        match b.compile_report() {
            Ok(report) => eprintln!("{}\n{report}", b.summary().line()),
            Err(e) => panic!("no compile report: {e}"),
        }
        Ok(b)
    });
    match b {
        Ok(b) => Some(b),
        Err(why) => {
            awgsf_test_kit::skip("cuda", why);
            None
        }
    }
}

fn renderer() -> Option<impl Fn(&mut [RenderJob<'_>]) -> PluginResult<()>> {
    let b = backend()?;
    Some(move |jobs: &mut [RenderJob<'_>]| b.render(jobs))
}

#[test]
fn describes_the_device() {
    let Some(b) = backend() else { return };
    let info = b.describe().expect("describe");
    assert_eq!(info.name.as_str(), NAME);
    assert!(info.parallelism > 0);
    assert!(
        info.device.as_str().contains("compute capability"),
        "{}",
        info.device
    );
    assert!(info.precision.as_str().starts_with("f64"));
    assert!(info.supports_millivolts);
    let module = awgsf_synthesis_root_module();
    let probe = (module.probe())(RStr::from("{}"));
    assert!(probe.available, "{}", probe.detail);
    assert!(matches!((module.open())(RStr::from("{}")), RResult::ROk(_)));
}

#[test]
fn passes_the_synthesis_suite() {
    if backend().is_none() {
        return;
    }
    let module = awgsf_synthesis_root_module();
    let mut open = |settings: &str| (module.open())(RStr::from(settings)).into_result();
    common::assert_conforms(&awgsf_test_kit::synthesis::run_suite(&mut open));
}

#[test]
fn random_plans_match_the_exact_evaluation() {
    let Some(render) = renderer() else { return };
    common::random_plans_match_exact(&render, 300, 10_000);
}

#[test]
fn many_tones_match_the_exact_evaluation() {
    let Some(render) = renderer() else { return };
    common::many_tones_match_exact(&render, 20, 50000);
}

#[test]
fn several_segments_in_one_call() {
    let Some(render) = renderer() else { return };
    common::several_segments_in_one_call(&render, 40, 60000);
}

#[test]
fn output_does_not_depend_on_how_ranges_are_split() {
    let Some(render) = renderer() else { return };
    common::splits_do_not_change_output(&render, 100, 20_000);
}

#[test]
fn millivolts_agree_with_card_codes() {
    let Some(render) = renderer() else { return };
    common::millivolts_agree_with_codes(&render, 100, 30_000);
}

#[test]
fn long_parts_keep_their_phase() {
    let Some(render) = renderer() else { return };
    common::long_parts_keep_their_phase(&render);
}

#[test]
fn silence_and_empty_jobs() {
    let Some(render) = renderer() else { return };
    common::silence_and_empty_jobs(&render);
}

#[test]
fn bad_jobs_are_refused() {
    let Some(render) = renderer() else { return };
    common::rejects_bad_jobs(&render);
}

/// Many tones over many samples, spot-checked against the exact evaluation, and
/// rendered again through 1 MiB batches to the same bytes.
#[test]
fn large_renders_and_small_batches() {
    let Some(b) = backend() else { return };
    let fs = 625e6;
    let mut rng = Rng::new(77);
    let tones: Vec<TonePlan> = (0..400)
        .map(|_| {
            let f0 = rng.uniform(75e6, 125e6);
            TonePlan {
                f0_hz: f0,
                f1_hz: f0 + rng.uniform(-2e6, 2e6),
                a0: rng.uniform(0.0, 4.0),
                a1: rng.uniform(0.0, 4.0),
                phase0_rad: rng.uniform(0.0, std::f64::consts::TAU),
            }
        })
        .collect();
    let n = 1_500_000;
    for kind in [InterpKind::Hold, InterpKind::MinJerk] {
        let seg = single_part(n, fs, kind, tones.clone());
        let all = Request {
            start: 0,
            count: n,
            millivolts: false,
        };
        let render = |jobs: &mut [RenderJob<'_>]| b.render(jobs);
        let out = &common::render_requests(&render, &seg, &[all])[0];
        let codes = out.codes.as_ref().expect("codes");
        for _ in 0..300 {
            let k = rng.int(0, n - 1);
            let exp = expected(&seg, k, 1);
            let got = codes[k as usize];
            assert!(
                (got as i32 - exp.codes[0] as i32).abs() <= 1,
                "{kind:?} sample {k}: code {got} vs exact {} ({} mV)",
                exp.codes[0],
                exp.mv[0]
            );
        }
        let small = CudaBackend::open(Settings {
            batch_mib: 1,
            ..Settings::default()
        })
        .expect("open with 1 MiB batches");
        let render_small = |jobs: &mut [RenderJob<'_>]| small.render(jobs);
        let again = &common::render_requests(&render_small, &seg, &[all])[0];
        assert!(
            again.codes == out.codes,
            "{kind:?}: 1 MiB batches change the output"
        );
        assert_eq!(again.stats, out.stats);
    }
}
