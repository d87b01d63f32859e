//! End-to-end cases run against every synthesis backend that can be loaded, through
//! one macro: `cpu-simd` always; `cuda` when its plugin reports that it can run here,
//! otherwise the case prints `skipped: cuda: <reason>` and returns.
//!
//! * random programs, planned by the host at several sample rates, agree with the
//!   plain reference renderer within 1 LSB at every sample;
//! * output bytes do not depend on the thread count or on how sample ranges are
//!   split into render jobs;
//! * the plugin file, opened as the host opens it, passes the synthesis
//!   conformance suite of `awgsf-test-kit`;
//! * the five presets run through `awgsf run` on the simulator (`configs/ci.toml`)
//!   with no unrequested discontinuity.

use awgsf_core::calib::PhysicalSetup;
use awgsf_core::compiler::{plan, CompileSettings};
use awgsf_core::error::exit;
use awgsf_core::phases::crest::Effort;
use awgsf_core::pipeline::{ColumnBinding, OutputLayout, QuantLimits};
use awgsf_core::plugins::{file_name_for, load_synthesis, SynthesisPlugin};
use awgsf_core::program::random::{random_program, RandomSpec};
use awgsf_core::program::{presets, LoadedProgram};
use awgsf_core::render::{render_codes, SegmentSamples};
use awgsf_plugin_api::abi_stable::std_types::RSliceMut;
use awgsf_plugin_api::{
    OutputBuffer, OutputScale, PluginError, RenderJob, SegmentPlan, SynthesizerBox,
};
use awgsf_test_kit::synthesis::{reference, run_suite, Verdict};
use awgsf_tests::bins::{profile_dir, repo_root};
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::Scratch;

/// A synthesis plugin that can run here.
struct Backend {
    name: &'static str,
    plugin: SynthesisPlugin,
}

impl Backend {
    /// Loads and probes `name`; `Err(reason)` when it cannot run here.
    fn load(name: &'static str) -> Result<Backend, String> {
        let path = profile_dir().join(file_name_for(name));
        if !path.is_file() {
            return Err(format!("{} was not built", path.display()));
        }
        let plugin = load_synthesis(&path).map_err(|e| e.to_string())?;
        let probe = plugin.probe("{}");
        if !probe.available {
            return Err(probe.detail.to_string());
        }
        Ok(Backend { name, plugin })
    }

    /// Opens the backend with `settings` (JSON object text).
    fn open(&self, settings: &str) -> SynthesizerBox {
        self.plugin
            .open(settings)
            .unwrap_or_else(|e| panic!("{}: open with {settings}: {e}", self.name))
    }

    /// The settings that fix its thread count, where it has one.
    fn thread_settings(&self, threads: usize) -> Option<String> {
        (self.name == "cpu-simd").then(|| format!(r#"{{"threads": {threads}}}"#))
    }
}

/// Runs `case` against backend `name`. `cpu-simd` must load; any other backend
/// that cannot run here is reported as skipped, with the reason.
fn with_backend(name: &'static str, case: fn(&Backend)) {
    match Backend::load(name) {
        Ok(b) => case(&b),
        Err(reason) if name == "cpu-simd" => panic!("cpu-simd must always run: {reason}"),
        Err(reason) => awgsf_test_kit::skip(name, &reason),
    }
}

/// One test per case and backend: `case::cpu_simd`, `case::cuda`.
macro_rules! backend_cases {
    ($($case:ident),+ $(,)?) => {$(
        mod $case {
            #[test]
            fn cpu_simd() {
                super::with_backend("cpu-simd", super::$case);
            }

            #[test]
            fn cuda() {
                super::with_backend("cuda", super::$case);
            }
        }
    )+};
}

backend_cases!(
    random_programs_match_the_reference,
    bytes_do_not_depend_on_threads_or_splits,
    passes_the_synthesis_suite,
    presets_play_without_unrequested_discontinuities,
);

/// Sample rates the random programs are compiled at.
const SAMPLE_RATES: [f64; 3] = [50e6, 625e6, 1.25e9];
/// Random programs per sample rate.
const PROGRAMS_PER_RATE: u64 = 12;

/// Two output columns: H calibrated (the golden sin² calibration), V plain.
fn layout(n_logical: usize) -> OutputLayout {
    let setup =
        PhysicalSetup::from_file(&repo_root().join("tests/golden/samples/calibrated.setup.json"))
            .expect("the golden setup loads");
    let calibration = setup.calibrations()[0]
        .as_ref()
        .expect("hardware channel 0 is calibrated")
        .to_plan();
    let columns = (0..2usize)
        .map(|hw| ColumnBinding {
            hardware_channel: hw as u32,
            logical: (hw < n_logical).then_some(hw),
            calibration: (hw == 0).then(|| calibration.clone()),
            scale: OutputScale {
                // Calibrated tones reach a few hundred mV, plain ones a few mV.
                full_scale_mv: if hw == 0 { 1200.0 } else { 4.0 },
                full_scale: 32767.0,
                clip: 1.0,
            },
        })
        .collect();
    OutputLayout { columns }
}

fn settings(fs: f64, n_logical: usize) -> CompileSettings {
    CompileSettings {
        sample_rate_hz: fs,
        limits: QuantLimits {
            step_samples: 32,
            min_segment_samples: 192,
            quantum_s: 4e-6,
        },
        layout: layout(n_logical),
        effort: Effort {
            passes: 1,
            time_budget: None,
        },
    }
}

/// The plans of random program `seed` at `fs`.
fn random_plans(seed: u64, fs: f64) -> Vec<SegmentPlan> {
    let spec = RandomSpec {
        sample_rate_hz: fs,
        max_channels: 2,
        max_segments: 4,
        max_tones: 4,
        max_op_samples: 3000,
    };
    let program = random_program(seed, &spec);
    let n_logical = program.logical_channels.len();
    let loaded = LoadedProgram {
        program,
        source: format!("random program {seed} at {fs} Hz"),
        source_map: Default::default(),
    };
    let planned = plan(&loaded, &settings(fs, n_logical))
        .unwrap_or_else(|e| panic!("{}: {e}", loaded.source));
    planned.lowered.into_iter().map(|l| l.plan).collect()
}

fn random_programs_match_the_reference(b: &Backend) {
    let synth = b.open("{}");
    let mut checked = 0u64;
    for fs in SAMPLE_RATES {
        for seed in 0..PROGRAMS_PER_RATE {
            let plans = random_plans(seed, fs);
            let got = render_codes(&synth, &plans, &()).expect("renders");
            for (si, (plan, seg)) in plans.iter().zip(&got).enumerate() {
                let want = reference::render_codes(plan, 0, plan.n_samples);
                assert_eq!(seg.codes.len(), want.len());
                let nch = plan.channels.len().max(1);
                let worst = seg
                    .codes
                    .iter()
                    .zip(&want)
                    .enumerate()
                    .map(|(i, (&g, &w))| ((i32::from(g) - i32::from(w)).abs(), i))
                    .max()
                    .unwrap_or((0, 0));
                assert!(
                    worst.0 <= 1,
                    "{}: seed {seed} at {fs} Hz, segment {si}: {} LSB from the reference at \
                     sample {} channel {}",
                    b.name,
                    worst.0,
                    worst.1 / nch,
                    worst.1 % nch
                );
                checked += want.len() as u64;
            }
        }
    }
    println!("{}: {checked} codes within 1 LSB of the reference", b.name);
}

/// Renders `plans` with every segment cut into jobs at the `cuts` fractions.
fn render_split(synth: &SynthesizerBox, plans: &[SegmentPlan], cuts: &[f64]) -> Vec<Vec<i16>> {
    let mut out: Vec<Vec<i16>> = plans
        .iter()
        .map(|p| vec![0i16; p.n_samples as usize * p.channels.len()])
        .collect();
    for (p, buf) in plans.iter().zip(out.iter_mut()) {
        let nch = p.channels.len();
        let mut bounds: Vec<u64> = cuts
            .iter()
            .map(|c| ((p.n_samples as f64 * c) as u64).min(p.n_samples))
            .collect();
        bounds.insert(0, 0);
        bounds.push(p.n_samples);
        bounds.dedup();
        let mut rest: &mut [i16] = buf;
        let mut jobs = Vec::new();
        for w in bounds.windows(2) {
            let (window, after) = rest.split_at_mut((w[1] - w[0]) as usize * nch);
            rest = after;
            jobs.push(RenderJob::new(
                p,
                w[0],
                OutputBuffer::Int16(RSliceMut::from_mut_slice(window)),
            ));
        }
        synth
            .render(RSliceMut::from_mut_slice(&mut jobs))
            .into_result()
            .expect("renders");
    }
    out
}

fn codes(s: Vec<SegmentSamples>) -> Vec<Vec<i16>> {
    s.into_iter().map(|s| s.codes).collect()
}

fn bytes_do_not_depend_on_threads_or_splits(b: &Backend) {
    let plans: Vec<SegmentPlan> = (0..4)
        .flat_map(|seed| random_plans(100 + seed, 625e6))
        .collect();
    let whole = codes(render_codes(&b.open("{}"), &plans, &()).expect("renders"));
    let split = render_split(&b.open("{}"), &plans, &[0.013, 0.5, 0.77]);
    assert!(whole == split, "{}: bytes depend on the job split", b.name);
    match (b.thread_settings(1), b.thread_settings(2)) {
        (Some(one), Some(two)) => {
            let a = codes(render_codes(&b.open(&one), &plans, &()).expect("renders"));
            let c = codes(render_codes(&b.open(&two), &plans, &()).expect("renders"));
            assert!(a == c, "{}: bytes differ between 1 and 2 threads", b.name);
            assert!(
                a == whole,
                "{}: bytes differ from the default settings",
                b.name
            );
        }
        _ => println!(
            "{}: no thread-count setting; job splits compared only",
            b.name
        ),
    }
}

/// Every rule of the synthesis suite passes; the thread rule does not apply to a
/// backend without a thread-count setting.
fn passes_the_synthesis_suite(b: &Backend) {
    let mut open = |settings: &str| {
        b.plugin
            .open(settings)
            .map_err(|e| PluginError::invalid_input(e.to_string()))
    };
    let outcomes = run_suite(&mut open);
    let threads = b.thread_settings(1).is_some();
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| match &o.verdict {
            Verdict::Pass => false,
            Verdict::NotApplicable(_) => threads || o.rule != "thread-invariant",
            Verdict::Fail(_) => true,
        })
        .map(|o| format!("{}: {}", o.rule, o.verdict))
        .collect();
    assert!(wrong.is_empty(), "{}:\n{}", b.name, wrong.join("\n"));
    println!(
        "{}: {} rules of the synthesis suite",
        b.name,
        outcomes.len()
    );
}

/// `configs/ci.toml` with the synthesis backend replaced by `name`.
fn ci_config_for(s: &Scratch, name: &str) -> std::path::PathBuf {
    let ci = repo_root().join("configs/ci.toml");
    if name == "cpu-simd" {
        return ci;
    }
    let text = std::fs::read_to_string(&ci).unwrap();
    let section =
        "[synthesis]\nbackend = \"cpu-simd\"\n\n[synthesis.settings.cpu-simd]\nthreads = 2\n";
    assert!(
        text.contains(section),
        "configs/ci.toml no longer has the [synthesis] section this test replaces"
    );
    s.write(
        "ci.toml",
        &text.replace(section, &format!("[synthesis]\nbackend = \"{name}\"\n")),
    )
}

fn presets_play_without_unrequested_discontinuities(b: &Backend) {
    let s = Scratch::new();
    let config = ci_config_for(&s, b.name);
    for preset in presets::names() {
        // Run where the simulator's relative output directory lands in scratch space.
        let o = awgsf(
            s.path(),
            &[
                "run",
                "--preset",
                preset,
                "--config",
                config.to_str().unwrap(),
                "--json",
            ],
            &[],
        );
        o.expect_exit(exit::OK);
        let report = o.json();
        assert!(
            report["synthesis"].as_str().unwrap().starts_with(b.name),
            "{preset}: ran on {}",
            report["synthesis"]
        );
        let c = &report["continuity"];
        let unrequested: Vec<&serde_json::Value> = c["discontinuities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["causes"].as_array().unwrap().is_empty())
            .collect();
        assert!(
            unrequested.is_empty(),
            "{}: {preset}: unrequested discontinuities {unrequested:#?}",
            b.name
        );
        assert_eq!(c["foreign_transitions"], 0, "{preset}");
        assert!(
            c["played_transitions"].as_u64().unwrap() > 0,
            "{preset}: nothing played"
        );
        println!(
            "{}: {preset}: {} transitions checked, {} played, render {:.3} s",
            b.name,
            c["graph_transitions"],
            c["played_transitions"],
            report["timings"]["render_s"].as_f64().unwrap_or(0.0)
        );
    }
}
