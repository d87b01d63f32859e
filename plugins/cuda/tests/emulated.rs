//! The render pipeline with the real kernel source, compiled for the CPU by the
//! host's C++ compiler (see `emulation/`), held to the exact evaluation and run
//! through the synthesis conformance suite. Runs wherever a C++ compiler is
//! installed; skipped with a printed reason otherwise.

mod common;
mod emulation;

use awgsf_cuda::{render_with, Settings, PRECISION};
use awgsf_plugin_api::abi_stable::std_types::RString;
use awgsf_plugin_api::{PluginResult, RenderJob, SynthInfo, SynthesisBackend, SynthesizerBox};
use awgsf_test_kit::synthesis::{boxed, run_suite};

/// Renders through the emulator with a batch budget of `budget` bytes, or says why
/// it cannot.
fn renderer(budget: usize) -> Option<impl Fn(&mut [RenderJob<'_>]) -> PluginResult<()>> {
    match emulation::emulator() {
        Ok(emu) => Some(move |jobs: &mut [RenderJob<'_>]| render_with(&emu, budget, jobs)),
        Err(why) => {
            awgsf_test_kit::skip("cxx", &why);
            None
        }
    }
}

const BUDGET: usize = 256 << 20;

#[test]
fn random_plans_match_the_exact_evaluation() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::random_plans_match_exact(&render, 60, 1000);
}

#[test]
fn many_tones_match_the_exact_evaluation() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::many_tones_match_exact(&render, 8, 5000);
}

#[test]
fn several_segments_in_one_call() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::several_segments_in_one_call(&render, 10, 6000);
}

#[test]
fn output_does_not_depend_on_how_ranges_are_split() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::splits_do_not_change_output(&render, 25, 2000);
}

#[test]
fn small_batches_split_jobs_without_changing_them() {
    // 256-byte batches: many launches per job, chunks of a few cells.
    let Some(render) = renderer(256) else { return };
    common::splits_do_not_change_output(&render, 10, 3000);
    common::random_plans_match_exact(&render, 10, 3100);
}

#[test]
fn millivolts_agree_with_card_codes() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::millivolts_agree_with_codes(&render, 20, 4000);
}

#[test]
fn long_parts_keep_their_phase() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::long_parts_keep_their_phase(&render);
}

#[test]
fn silence_and_empty_jobs() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::silence_and_empty_jobs(&render);
}

#[test]
fn bad_jobs_are_refused() {
    let Some(render) = renderer(BUDGET) else {
        return;
    };
    common::rejects_bad_jobs(&render);
}

/// The render pipeline on the emulator, as a backend opened from the plugin's own
/// settings: the cuda plugin with the GPU replaced.
struct Emulated {
    emu: &'static emulation::Emulator,
    budget: usize,
}

impl SynthesisBackend for Emulated {
    fn describe(&self) -> PluginResult<SynthInfo> {
        Ok(SynthInfo {
            name: RString::from("cuda (emulated)"),
            version: RString::from(env!("CARGO_PKG_VERSION")),
            device: RString::from("kernel.cu compiled for the CPU"),
            precision: RString::from(PRECISION),
            parallelism: 1,
            max_tones: 0,
            supports_millivolts: true,
        })
    }

    fn render(&self, jobs: &mut [RenderJob<'_>]) -> PluginResult<()> {
        render_with(&self.emu, self.budget, jobs)
    }
}

#[test]
fn passes_the_synthesis_suite() {
    let emu = match emulation::emulator() {
        Ok(emu) => emu,
        Err(why) => return awgsf_test_kit::skip("cxx", &why),
    };
    let mut open = |settings: &str| -> PluginResult<SynthesizerBox> {
        let s = Settings::parse(settings)?;
        Ok(boxed(Emulated {
            emu,
            budget: s.batch_bytes(),
        }))
    };
    common::assert_conforms(&run_suite(&mut open));
}
