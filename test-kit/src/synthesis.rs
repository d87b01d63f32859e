//! The synthesis conformance suite: what every synthesis plugin must do, checked
//! through the plugin API alone, so it runs against the shipped backends (in-process
//! or loaded from their files) and any plugin file a lab hands to the host.
//!
//! Each [`Rule`] opens a fresh backend, renders plans from [`plans`] and holds the
//! output to the [`reference`](mod@reference) renderer: card codes within one of the reference on
//! random plans of every interpolation kind, calibrated and not; millivolts and
//! statistics that follow the same values; exact phase deep inside long parts;
//! output that does not depend on how a segment is cut into jobs and calls, nor on
//! the thread count where the backend takes one; silence; and refusal of invalid
//! plans and jobs with `INVALID_INPUT` instead of a panic. A failed rule names the
//! plan (its seed), the range, the sample and channel, and both values.
//!
//! * [`plans`]: random render plans from a seed;
//! * [`reference`](mod@reference): the plain per-sample `f64` renderer;
//! * [`exact`]: the exact phase of a tone anywhere in a part.

pub mod exact;
pub mod plans;
pub mod reference;

use awgsf_plugin_api::abi_stable::sabi_trait::TD_Opaque;
use awgsf_plugin_api::abi_stable::std_types::{RSliceMut, RSome, RVec};
use awgsf_plugin_api::guard::Guarded;
use awgsf_plugin_api::{
    ChannelStats, ErrorKind, InterpKind, OutputBuffer, PartPlan, PluginError, PluginResult,
    RenderJob, SegmentPlan, SynthInfo, SynthesisBackend, SynthesizerBox, Synthesizer_TO, TonePlan,
};

pub use crate::{Outcome, Verdict};
use plans::{segment, single_part, Limits, Rng};
use reference::{expected, tone_amplitude, Expected};

/// Opens a fresh backend of the plugin under test with the settings a rule asks
/// for: a JSON object text, `{}` for none (the plugin's defaults, or the caller's
/// own settings) or `{"threads": N}` for the thread rule. A caller with settings of
/// its own merges these keys into them.
pub type Opener<'a> = dyn FnMut(&str) -> PluginResult<SynthesizerBox> + 'a;

/// One rule of the suite.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Short name (`matches-reference`, `split-invariant`, ...).
    pub name: &'static str,
    /// What a conforming backend does.
    pub expectation: &'static str,
    check: fn(&mut Opener<'_>) -> Verdict,
}

impl Rule {
    /// Runs this rule alone against backends from `open`.
    pub fn run(&self, open: &mut Opener<'_>) -> Outcome {
        Outcome {
            rule: self.name,
            expectation: self.expectation,
            verdict: (self.check)(open),
        }
    }
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule {
        name: "describe",
        expectation: "describe() names the backend, its version, device and precision, with parallelism >= 1",
        check: describes_itself,
    },
    Rule {
        name: "matches-reference",
        expectation: "random plans (every interpolation kind, calibrated and not, 1-3 channels, several parts and tones, odd lengths; several segments per call) rendered as card codes over random ranges: every code within 1 of the f64 reference",
        check: matches_the_reference,
    },
    Rule {
        name: "millivolts",
        expectation: "with supports_millivolts, millivolt output is within one code step (full_scale_mv / full_scale) of the reference and converts to the codes rendered directly within 1; without it, millivolt jobs are refused (UNSUPPORTED or INVALID_INPUT)",
        check: renders_millivolts,
    },
    Rule {
        name: "statistics",
        expectation: "each job's ChannelStats follow the reference: peak_mv the largest |v| (within one code step), clipped_samples the samples beyond clip * full_scale_mv, calib_clamped the tone-samples whose requested power exceeds 1 - y_eps of the reachable power, calib_max_ratio the largest requested ratio (0 uncalibrated); samples within the tolerance of a limit may count either way",
        check: reports_statistics,
    },
    Rule {
        name: "long-parts",
        expectation: "windows deep inside parts of 2^34 samples (hold, linear and min_jerk chirps) keep the exact phase: codes within 1 of the reference and millivolts within 1e-6 of the tones' amplitude sum",
        check: keeps_the_phase_of_long_parts,
    },
    Rule {
        name: "split-invariant",
        expectation: "a segment rendered in one job equals, byte for byte (codes and millivolts), the same segment cut into several jobs of one call and into separate calls; merged statistics have the same counts and maxima within 1e-12",
        check: splits_do_not_change_output,
    },
    Rule {
        name: "thread-invariant",
        expectation: "where the backend takes a `threads` setting, 1, 2 and 3 threads and the default give the same bytes and statistics",
        check: threads_do_not_change_output,
    },
    Rule {
        name: "silence",
        expectation: "channels without parts and parts without tones render zeros with zero statistics; empty jobs at the start and at the end of a segment succeed",
        check: renders_silence,
    },
    Rule {
        name: "refuses-bad-plans",
        expectation: "plans that break the plan rules (sample rate not finite and > 0, parts of 0 samples, gaps, overlaps or short coverage, non-finite tone values or tau, geo_ramp ends of different signs or zero, scales or calibration ranges out of range) are refused with INVALID_INPUT, without a panic",
        check: refuses_bad_plans,
    },
    Rule {
        name: "refuses-bad-jobs",
        expectation: "jobs whose output is not a whole number of rows (too small for one sample of every channel, or one value over), ranges beyond the segment or overflowing, and stats of the wrong length are refused with INVALID_INPUT, without a panic",
        check: refuses_bad_jobs,
    },
];

/// Runs every rule against backends from `open`.
pub fn run_suite(open: &mut Opener<'_>) -> Vec<Outcome> {
    RULES.iter().map(|r| r.run(open)).collect()
}

/// Boxes an in-process backend as the FFI object a plugin's `open` returns (every
/// call guarded against panics), so the suite can run without a plugin file.
pub fn boxed<B: SynthesisBackend>(backend: B) -> SynthesizerBox {
    Synthesizer_TO::from_value(Guarded(backend), TD_Opaque)
}

// ---- rules -------------------------------------------------------------------------

/// Base seeds of the rules' plans (plan `seed` is `plans::segment(seed, limits)`).
const REFERENCE_SEED: u64 = 0x5eed_1000;
const MILLIVOLT_SEED: u64 = 0x5eed_2000;
const STATS_SEED: u64 = 0x5eed_3000;
const SPLIT_SEED: u64 = 0x5eed_4000;
const THREAD_SEED: u64 = 0x5eed_5000;
const SILENCE_SEED: u64 = 0x5eed_6000;
const BAD_PLAN_SEED: u64 = 0x5eed_7000;
const BAD_JOB_SEED: u64 = 0x5eed_8000;

/// Segments long enough that ranges cross a backend's work items and batches.
const LONG: Limits = Limits {
    channels: 2,
    parts: 3,
    part_len: 70_000,
    tones: 4,
};

/// Relative tolerance of calibration ratios against the reference.
const RATIO_TOLERANCE: f64 = 1e-6;

/// Code a backend never writes on purpose: the buffers start with it.
const UNWRITTEN: i16 = 0x5a5a;

fn describes_itself(open: &mut Opener<'_>) -> Verdict {
    let (_, info) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let mut problems = Vec::new();
    for (field, value) in [
        ("name", &info.name),
        ("version", &info.version),
        ("device", &info.device),
        ("precision", &info.precision),
    ] {
        if value.trim().is_empty() {
            problems.push(format!("{field} is empty"));
        }
    }
    if info.parallelism == 0 {
        problems.push("parallelism is 0".to_string());
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems.join("; "))
    }
}

/// Plan seeds and limits of the reference comparisons: small plans, and a few
/// with many tones.
fn reference_cases(base: u64) -> Vec<(u64, Limits)> {
    let small = (0..24).map(|i| (base + i, Limits::SMALL));
    let many = (0..3).map(|i| (base + 100 + i, Limits::MANY_TONES));
    small.chain(many).collect()
}

fn matches_the_reference(open: &mut Opener<'_>) -> Verdict {
    let (synth, _) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    verdict(for_each_batch(
        &synth,
        REFERENCE_SEED,
        false,
        |what, seg, r, out| {
            let exp = expected(seg, r.start, r.count);
            codes_near(what, seg, r.start, &out.codes, &exp)
        },
    ))
}

fn renders_millivolts(open: &mut Opener<'_>) -> Verdict {
    let (synth, info) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    if !info.supports_millivolts {
        let seg = segment(MILLIVOLT_SEED, Limits::SMALL);
        let whole = Request::whole(&seg, true);
        return verdict(
            expect_refused(
                "a millivolt job on a backend without millivolt output",
                render(&synth, &[(&seg, whole)]).map(|_| ()),
                &[ErrorKind::UNSUPPORTED, ErrorKind::INVALID_INPUT],
            )
            .map_err(|v| v.with_context("supports_millivolts is false")),
        );
    }
    verdict(for_each_batch(
        &synth,
        MILLIVOLT_SEED,
        true,
        |what, seg, r, out| {
            let exp = expected(seg, r.start, r.count);
            millivolts_near(what, seg, r.start, &out.mv, &exp, |c, _| lsb_mv(seg, c))?;
            // The same range as codes: the millivolts convert to them within 1.
            let codes = render(
                &synth,
                &[(
                    seg,
                    Request {
                        millivolts: false,
                        ..r
                    },
                )],
            )
            .map_err(|e| failed(&format!("{what} as codes"), e))?;
            let nch = seg.channels.len().max(1);
            for (i, (&v, &c)) in out.mv.iter().zip(&codes[0].codes).enumerate() {
                let (from_mv, _) = reference::to_code(f64::from(v), &seg.channels[i % nch].scale);
                if (i32::from(from_mv) - i32::from(c)).abs() > 1 {
                    return Err(fail(format!(
                        "{what}: sample {} channel {}: {v} mV gives code {from_mv}, but the \
                         same range rendered as codes has {c}",
                        r.start + (i / nch) as u64,
                        i % nch
                    )));
                }
            }
            Ok(())
        },
    ))
}

fn reports_statistics(open: &mut Opener<'_>) -> Verdict {
    let (synth, _) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    verdict(for_each_batch(
        &synth,
        STATS_SEED,
        false,
        |what, seg, r, out| {
            let exp = expected(seg, r.start, r.count);
            stats_near(what, seg, r, &out.stats, &exp)
        },
    ))
}

fn keeps_the_phase_of_long_parts(open: &mut Opener<'_>) -> Verdict {
    let (synth, info) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let n = 1u64 << 34;
    let tone = |f0: f64, f1: f64, phase0_rad: f64| TonePlan {
        f0_hz: f0,
        f1_hz: f1,
        a0: 300.0,
        a1: 300.0,
        phase0_rad,
    };
    let check = || {
        for kind in [InterpKind::Hold, InterpKind::Linear, InterpKind::MinJerk] {
            let seg = single_part(
                n,
                625e6,
                kind,
                vec![tone(97.3e6, 104.9e6, 0.3), tone(88.123e6, 88.123e6, 5.0)],
            );
            let amplitude_sum = 600.0;
            for millivolts in [false, true] {
                if millivolts && !info.supports_millivolts {
                    continue;
                }
                let windows: Vec<Request> = [0, n / 3 + 17, n / 2 - 5, n - 100]
                    .iter()
                    .map(|&start| Request {
                        start,
                        count: 100,
                        millivolts,
                    })
                    .collect();
                let work: Vec<_> = windows.iter().map(|&r| (&seg, r)).collect();
                let what = format!("{} part of 2^34 samples", kind.as_str());
                let out = render(&synth, &work).map_err(|e| failed(&what, e))?;
                for (r, o) in windows.iter().zip(&out) {
                    let what = format!("{what}, {}", r.describe());
                    let exp = expected(&seg, r.start, r.count);
                    if millivolts {
                        millivolts_near(&what, &seg, r.start, &o.mv, &exp, |_, e| {
                            1e-6 * amplitude_sum + e.abs() * f64::from(f32::EPSILON)
                        })?;
                    } else {
                        codes_near(&what, &seg, r.start, &o.codes, &exp)?;
                    }
                }
            }
        }
        Ok(())
    };
    verdict(check())
}

/// Plan seeds and limits of the comparisons of a backend with itself: small plans
/// and long ones.
fn self_cases(base: u64) -> Vec<(u64, Limits)> {
    let small = (0..6).map(|i| (base + i, Limits::SMALL));
    let long = (0..2).map(|i| (base + 100 + i, LONG));
    small.chain(long).collect()
}

/// The segment cut at 1 to 6 random samples: the pieces, as requests.
fn random_pieces(rng: &mut Rng, n: u64, millivolts: bool) -> Vec<Request> {
    let mut cuts: Vec<u64> = (0..rng.int(1, 6)).map(|_| rng.int(0, n)).collect();
    cuts.push(0);
    cuts.push(n);
    cuts.sort_unstable();
    cuts.dedup();
    cuts.windows(2)
        .map(|w| Request {
            start: w[0],
            count: w[1] - w[0],
            millivolts,
        })
        .collect()
}

fn splits_do_not_change_output(open: &mut Opener<'_>) -> Verdict {
    let (synth, info) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let check = || {
        for (seed, limits) in self_cases(SPLIT_SEED) {
            let seg = segment(seed, limits);
            let plan = plan_name(seed, limits);
            let n = seg.n_samples;
            let mut rng = Rng::new(seed ^ 0x5151);
            for millivolts in [false, true] {
                if millivolts && !info.supports_millivolts {
                    continue;
                }
                let whole = Request::whole(&seg, millivolts);
                let what = format!("{plan}, {}", whole.describe());
                let one = render(&synth, &[(&seg, whole)]).map_err(|e| failed(&what, e))?;
                let pieces = random_pieces(&mut rng, n, millivolts);
                let cuts: Vec<u64> = pieces.iter().skip(1).map(|p| p.start).collect();
                let work: Vec<_> = pieces.iter().map(|&p| (&seg, p)).collect();
                let together = render(&synth, &work)
                    .map_err(|e| failed(&format!("{plan} cut at {cuts:?}"), e))?;
                let mut apart = Vec::new();
                for p in &pieces {
                    let what = format!("{plan}, {} alone", p.describe());
                    apart.extend(render(&synth, &[(&seg, *p)]).map_err(|e| failed(&what, e))?);
                }
                for (how, rendered) in [("in one call", &together), ("in separate calls", &apart)] {
                    let what = format!("{what} cut at {cuts:?} {how}");
                    same_as_whole(&what, &seg, &one[0], rendered)?;
                }
            }
        }
        Ok(())
    };
    verdict(check())
}

/// Checks that `pieces` joined give the bytes of `whole` and, merged, its statistics.
fn same_as_whole(
    what: &str,
    seg: &SegmentPlan,
    whole: &Rendered,
    pieces: &[Rendered],
) -> Result<(), Verdict> {
    let nch = seg.channels.len().max(1);
    let codes: Vec<i16> = pieces
        .iter()
        .flat_map(|p| p.codes.iter().copied())
        .collect();
    if let Some(i) = first_difference(&codes, &whole.codes) {
        return Err(fail(format!(
            "{what}: sample {} channel {} differs from the segment rendered whole",
            i / nch,
            i % nch
        )));
    }
    let mv: Vec<u32> = pieces
        .iter()
        .flat_map(|p| p.mv.iter().map(|v| v.to_bits()))
        .collect();
    let whole_mv: Vec<u32> = whole.mv.iter().map(|v| v.to_bits()).collect();
    if let Some(i) = first_difference(&mv, &whole_mv) {
        return Err(fail(format!(
            "{what}: millivolts of sample {} channel {} differ from the segment rendered whole",
            i / nch,
            i % nch
        )));
    }
    let mut merged = vec![ChannelStats::default(); seg.channels.len()];
    for p in pieces {
        for (m, s) in merged.iter_mut().zip(&p.stats) {
            m.merge(s);
        }
    }
    if !stats_agree(&merged, &whole.stats) {
        return Err(fail(format!(
            "{what}: merged statistics {merged:?} differ from those of the whole {:?}",
            whole.stats
        )));
    }
    Ok(())
}

/// Statistics of the same samples: equal counts, and maxima equal up to the last
/// bits (a backend may reach a sample's value along another path of `f64`
/// operations from another range start without changing the bytes it writes).
fn stats_agree(a: &[ChannelStats], b: &[ChannelStats]) -> bool {
    let close = |x: f64, y: f64| (x - y).abs() <= 1e-12 * x.abs().max(y.abs());
    a.len() == b.len()
        && a.iter().zip(b).all(|(x, y)| {
            x.clipped_samples == y.clipped_samples
                && x.calib_clamped == y.calib_clamped
                && close(x.peak_mv, y.peak_mv)
                && close(x.calib_max_ratio, y.calib_max_ratio)
        })
}

fn first_difference<T: PartialEq>(a: &[T], b: &[T]) -> Option<usize> {
    if a.len() != b.len() {
        return Some(a.len().min(b.len()));
    }
    a.iter().zip(b).position(|(x, y)| x != y)
}

fn threads_do_not_change_output(open: &mut Opener<'_>) -> Verdict {
    let settings = |n: usize| format!(r#"{{"threads": {n}}}"#);
    let first = settings(1);
    match open(&first) {
        Ok(_) => {}
        Err(e) if [ErrorKind::INVALID_INPUT, ErrorKind::UNSUPPORTED].contains(&e.kind) => {
            return Verdict::NotApplicable(format!(
                "the backend takes no `threads` setting ({}: {})",
                e.kind, e.message
            ))
        }
        Err(e) => return failed(&format!("open with {first}"), e),
    }
    let segs: Vec<(String, SegmentPlan)> = self_cases(THREAD_SEED)
        .into_iter()
        .map(|(seed, limits)| (plan_name(seed, limits), segment(seed, limits)))
        .collect();
    // Every segment whole, then cut into pieces, all in one call.
    let mut rng = Rng::new(THREAD_SEED);
    let mut work: Vec<(&SegmentPlan, Request)> = Vec::new();
    let mut labels = Vec::new();
    for (plan, seg) in &segs {
        let whole = Request::whole(seg, false);
        for r in std::iter::once(whole).chain(random_pieces(&mut rng, seg.n_samples, false)) {
            work.push((seg, r));
            labels.push(format!("{plan}, {}", r.describe()));
        }
    }
    let render_with = |open: &mut Opener<'_>, s: &str| -> Result<Vec<Rendered>, Verdict> {
        let synth = open(s).map_err(|e| failed(&format!("open with {s}"), e))?;
        render(&synth, &work).map_err(|e| failed(&format!("rendering with {s}"), e))
    };
    let check = |open: &mut Opener<'_>| {
        let base = render_with(open, &first)?;
        for s in [settings(2), settings(3), "{}".to_string()] {
            let other = render_with(open, &s)?;
            for ((a, b), what) in base.iter().zip(&other).zip(&labels) {
                if let Some(i) = first_difference(&a.codes, &b.codes) {
                    return Err(fail(format!(
                        "{what}: value {i} with {s} differs from {first}"
                    )));
                }
                if a.stats != b.stats {
                    return Err(fail(format!(
                        "{what}: statistics with {s} {:?} differ from {first} {:?}",
                        b.stats, a.stats
                    )));
                }
            }
        }
        Ok(())
    };
    verdict(check(open))
}

fn renders_silence(open: &mut Opener<'_>) -> Verdict {
    let (synth, info) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let Some((seed, mut seg)) =
        find_plan(SILENCE_SEED, |s| s.channels.len() >= 2 && s.n_samples > 1)
    else {
        return Verdict::Fail("no plan with two channels among the seeds tried".into());
    };
    for ch in seg.channels.iter_mut() {
        for p in ch.parts.iter_mut() {
            p.tones = RVec::new();
        }
    }
    let last = seg.channels.len() - 1;
    seg.channels[last].parts = RVec::new();
    let n = seg.n_samples;
    let mut work = vec![
        Request::whole(&seg, false),
        Request {
            start: 0,
            count: 0,
            millivolts: false,
        },
        Request {
            start: n,
            count: 0,
            millivolts: false,
        },
    ];
    if info.supports_millivolts {
        work.push(Request::whole(&seg, true));
    }
    let jobs: Vec<_> = work.iter().map(|&r| (&seg, r)).collect();
    let what = format!("{} without tones", plan_name(seed, Limits::SMALL));
    let out = match render(&synth, &jobs) {
        Ok(out) => out,
        Err(e) => return failed(&what, e),
    };
    for (r, o) in work.iter().zip(&out) {
        let what = format!("{what}, {}", r.describe());
        let nch = seg.channels.len();
        let at = |i: usize| format!("sample {} channel {}", r.start + (i / nch) as u64, i % nch);
        if let Some(i) = o.codes.iter().position(|&c| c != 0) {
            return Verdict::Fail(format!("{what}: {}: code {}", at(i), o.codes[i]));
        }
        if let Some(i) = o.mv.iter().position(|&v| v != 0.0) {
            return Verdict::Fail(format!("{what}: {}: {} mV", at(i), o.mv[i]));
        }
        if o.stats.iter().any(|s| *s != ChannelStats::default()) {
            return Verdict::Fail(format!("{what}: statistics {:?}", o.stats));
        }
    }
    Verdict::Pass
}

/// The first plan from `base` on (small limits) that `pred` accepts.
fn find_plan(base: u64, pred: impl Fn(&SegmentPlan) -> bool) -> Option<(u64, SegmentPlan)> {
    (base..base + 1000)
        .map(|seed| (seed, segment(seed, Limits::SMALL)))
        .find(|(_, s)| pred(s))
}

/// A plan whose first channel has at least two parts, the first with a tone.
fn plan_to_break(base: u64) -> Option<(u64, SegmentPlan)> {
    find_plan(base, |s| {
        s.channels
            .first()
            .is_some_and(|c| c.parts.len() >= 2 && !c.parts[0].tones.is_empty())
    })
}

type Breakage = (&'static str, fn(&mut SegmentPlan));

fn first_tone(s: &mut SegmentPlan) -> &mut TonePlan {
    &mut s.channels[0].parts[0].tones[0]
}

/// Ways to break a plan, each with what it breaks.
const BREAKAGES: &[Breakage] = &[
    ("sample_rate_hz = 0", |s| s.sample_rate_hz = 0.0),
    ("sample_rate_hz = -625e6", |s| s.sample_rate_hz = -625e6),
    ("sample_rate_hz = NaN", |s| s.sample_rate_hz = f64::NAN),
    ("a part of 0 samples", |s| {
        let empty = PartPlan {
            n_samples: 0,
            ..s.channels[0].parts[0].clone()
        };
        s.channels[0].parts.insert(0, empty);
    }),
    ("a gap between two parts", |s| {
        s.channels[0].parts[1].offset += 1;
        s.channels[0].parts[1].n_samples -= 1;
        if s.channels[0].parts[1].n_samples == 0 {
            s.channels[0].parts[1].n_samples = 1;
        }
    }),
    ("two overlapping parts", |s| {
        s.channels[0].parts[1].offset -= 1;
        s.channels[0].parts[1].n_samples += 1;
    }),
    ("parts that cover one sample less than the segment", |s| {
        s.n_samples += 1;
    }),
    ("f0_hz = NaN", |s| first_tone(s).f0_hz = f64::NAN),
    ("a1 = infinity", |s| first_tone(s).a1 = f64::INFINITY),
    ("phase0_rad = NaN", |s| first_tone(s).phase0_rad = f64::NAN),
    ("tau_s = NaN", |s| s.channels[0].parts[0].tau_s = f64::NAN),
    ("a geo_ramp from +1 to -1", |s| {
        s.channels[0].parts[0].kind = InterpKind::GeoRamp;
        let t = first_tone(s);
        (t.f1_hz, t.a0, t.a1) = (t.f0_hz, 1.0, -1.0);
    }),
    ("a geo_ramp from 0 to 1", |s| {
        s.channels[0].parts[0].kind = InterpKind::GeoRamp;
        let t = first_tone(s);
        (t.f1_hz, t.a0, t.a1) = (t.f0_hz, 0.0, 1.0);
    }),
    ("scale.clip = 0", |s| s.channels[0].scale.clip = 0.0),
    ("scale.clip = 1.5", |s| s.channels[0].scale.clip = 1.5),
    ("scale.full_scale_mv = 0", |s| {
        s.channels[0].scale.full_scale_mv = 0.0
    }),
    ("scale.full_scale = 40000 (beyond int16)", |s| {
        s.channels[0].scale.full_scale = 40000.0
    }),
    ("a calibration with freq_max_hz below freq_min_hz", |s| {
        let fs = s.sample_rate_hz;
        s.channels[0].calibration = RSome(plans::calibration(0.4 * fs, 0.1 * fs));
    }),
    ("a calibration with a NaN coefficient", |s| {
        let fs = s.sample_rate_hz;
        let mut cal = plans::calibration(0.1 * fs, 0.4 * fs);
        cal.v0_poly[2] = f64::NAN;
        s.channels[0].calibration = RSome(cal);
    }),
];

fn refuses_bad_plans(open: &mut Opener<'_>) -> Verdict {
    let (synth, _) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let Some((seed, good)) = plan_to_break(BAD_PLAN_SEED) else {
        return Verdict::Fail("no plan to break among the seeds tried".into());
    };
    let plan = plan_name(seed, Limits::SMALL);
    let check = || {
        let whole = Request::whole(&good, false);
        render(&synth, &[(&good, whole)])
            .map_err(|e| failed(&format!("{plan} before breaking it"), e))?;
        for (what, brk) in BREAKAGES {
            let mut bad = good.clone();
            brk(&mut bad);
            let whole = Request::whole(&bad, false);
            expect_refused(
                &format!("{plan} with {what}"),
                render(&synth, &[(&bad, whole)]).map(|_| ()),
                &[ErrorKind::INVALID_INPUT],
            )?;
        }
        Ok(())
    };
    verdict(check())
}

fn refuses_bad_jobs(open: &mut Opener<'_>) -> Verdict {
    let (synth, _) = match opened(open, "{}") {
        Ok(v) => v,
        Err(v) => return v,
    };
    let Some((seed, seg)) = find_plan(BAD_JOB_SEED, |s| s.channels.len() >= 2) else {
        return Verdict::Fail("no plan with two channels among the seeds tried".into());
    };
    let nch = seg.channels.len();
    let n = seg.n_samples;
    // (what, start, output length, stats entries)
    let jobs: [(String, u64, usize, usize); 6] = [
        (
            format!("an output of {} values for {nch} channels", nch - 1),
            0,
            nch - 1,
            nch,
        ),
        (
            format!(
                "an output of {} values for {nch} channels",
                n as usize * nch + 1
            ),
            0,
            n as usize * nch + 1,
            nch,
        ),
        (
            format!("samples {}..{} of a {n}-sample segment", n - 1, n + 1),
            n - 1,
            2 * nch,
            nch,
        ),
        (
            format!("an empty job starting at {} of a {n}-sample segment", n + 1),
            n + 1,
            0,
            nch,
        ),
        (
            "a range ending beyond 2^64 samples".to_string(),
            u64::MAX - 1,
            2 * nch,
            nch,
        ),
        (
            format!("stats with {} entries for {nch} channels", nch - 1),
            0,
            nch,
            nch - 1,
        ),
    ];
    let check = || {
        for (what, start, len, n_stats) in &jobs {
            let mut buf = vec![0i16; *len];
            let mut job =
                RenderJob::new(&seg, *start, OutputBuffer::Int16(buf.as_mut_slice().into()));
            job.stats = (0..*n_stats).map(|_| ChannelStats::default()).collect();
            let mut batch = [job];
            let r = synth
                .render(RSliceMut::from_mut_slice(&mut batch))
                .into_result();
            expect_refused(
                &format!("{}: {what}", plan_name(seed, Limits::SMALL)),
                r,
                &[ErrorKind::INVALID_INPUT],
            )?;
        }
        Ok(())
    };
    verdict(check())
}

// ---- helpers -----------------------------------------------------------------------

/// A range of a segment to render, and into which kind of buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
struct Request {
    start: u64,
    count: u64,
    millivolts: bool,
}

impl Request {
    fn whole(seg: &SegmentPlan, millivolts: bool) -> Request {
        Request {
            start: 0,
            count: seg.n_samples,
            millivolts,
        }
    }

    fn describe(&self) -> String {
        let unit = if self.millivolts {
            "millivolts"
        } else {
            "codes"
        };
        format!(
            "samples {}..{} as {unit}",
            self.start,
            self.start as u128 + self.count as u128
        )
    }
}

/// One rendered range.
#[derive(Clone, Debug)]
struct Rendered {
    codes: Vec<i16>,
    mv: Vec<f32>,
    stats: Vec<ChannelStats>,
}

/// Renders every request in one call. Buffers start as [`UNWRITTEN`] codes and
/// NaN millivolts, so samples a backend leaves alone show up.
fn render(synth: &SynthesizerBox, work: &[(&SegmentPlan, Request)]) -> PluginResult<Vec<Rendered>> {
    let mut buffers: Vec<(Vec<i16>, Vec<f32>)> = work
        .iter()
        .map(|(seg, r)| {
            let len = r.count as usize * seg.channels.len();
            if r.millivolts {
                (Vec::new(), vec![f32::NAN; len])
            } else {
                (vec![UNWRITTEN; len], Vec::new())
            }
        })
        .collect();
    let mut jobs: Vec<RenderJob<'_>> = work
        .iter()
        .zip(buffers.iter_mut())
        .map(|((seg, r), (codes, mv))| {
            let out = if r.millivolts {
                OutputBuffer::MilliVolts(mv.as_mut_slice().into())
            } else {
                OutputBuffer::Int16(codes.as_mut_slice().into())
            };
            RenderJob::new(seg, r.start, out)
        })
        .collect();
    synth
        .render(RSliceMut::from_mut_slice(&mut jobs))
        .into_result()?;
    let stats: Vec<Vec<ChannelStats>> = jobs.iter().map(|j| j.stats.to_vec()).collect();
    drop(jobs);
    Ok(buffers
        .into_iter()
        .zip(stats)
        .map(|((codes, mv), stats)| Rendered { codes, mv, stats })
        .collect())
}

/// Renders the reference cases from `base` three segments per call, one or two
/// random ranges of each, and checks every rendered range with `check`.
fn for_each_batch(
    synth: &SynthesizerBox,
    base: u64,
    millivolts: bool,
    mut check: impl FnMut(&str, &SegmentPlan, Request, &Rendered) -> Result<(), Verdict>,
) -> Result<(), Verdict> {
    let cases = reference_cases(base);
    for batch in cases.chunks(3) {
        let segs: Vec<(String, SegmentPlan)> = batch
            .iter()
            .map(|&(seed, limits)| (plan_name(seed, limits), segment(seed, limits)))
            .collect();
        let mut work = Vec::new();
        let mut names = Vec::new();
        for (j, &(seed, _)) in batch.iter().enumerate() {
            let seg = &segs[j].1;
            let mut rng = Rng::new(seed ^ 0xabcd);
            let n = seg.n_samples;
            for _ in 0..rng.int(1, 2) {
                let start = rng.int(0, n - 1);
                let count = if rng.coin(0.3) {
                    n - start
                } else {
                    rng.int(1, n - start)
                };
                work.push((
                    seg,
                    Request {
                        start,
                        count,
                        millivolts,
                    },
                ));
                names.push(&segs[j].0);
            }
        }
        let seeds: Vec<u64> = batch.iter().map(|(s, _)| *s).collect();
        let out = render(synth, &work)
            .map_err(|e| failed(&format!("rendering plans {seeds:?} in one call"), e))?;
        if out.len() != work.len() {
            return Err(fail("the render returned the wrong number of jobs"));
        }
        for (j, ((seg, r), o)) in work.iter().zip(&out).enumerate() {
            let what = format!(
                "{} (job {j} of a call with plans {seeds:?}), {}",
                names[j],
                r.describe()
            );
            check(&what, seg, *r, o)?;
        }
    }
    Ok(())
}

/// How a failure names a plan: enough to build it again with [`plans::segment`].
fn plan_name(seed: u64, limits: Limits) -> String {
    format!(
        "plan {seed} (limits: {} channels, {} parts of up to {} samples, {} tones)",
        limits.channels, limits.parts, limits.part_len, limits.tones
    )
}

/// `|difference| <= tolerance`, false for NaN.
fn within(difference: f64, tolerance: f64) -> bool {
    difference.abs() <= tolerance
}

/// One code step of channel `c`, mV.
fn lsb_mv(seg: &SegmentPlan, c: usize) -> f64 {
    let s = &seg.channels[c].scale;
    s.full_scale_mv / s.full_scale
}

fn codes_near(
    what: &str,
    seg: &SegmentPlan,
    start: u64,
    got: &[i16],
    exp: &Expected,
) -> Result<(), Verdict> {
    if got.len() != exp.codes.len() {
        return Err(fail(format!(
            "{what}: {} codes, expected {}",
            got.len(),
            exp.codes.len()
        )));
    }
    let nch = seg.channels.len().max(1);
    for (i, (&g, &e)) in got.iter().zip(&exp.codes).enumerate() {
        if (i32::from(g) - i32::from(e)).abs() > 1 {
            return Err(fail(format!(
                "{what}: sample {} channel {}: code {g}, reference {e} ({} mV)",
                start + (i / nch) as u64,
                i % nch,
                exp.mv[i]
            )));
        }
    }
    Ok(())
}

/// Millivolts within `tol(channel, reference value)` of the reference.
fn millivolts_near(
    what: &str,
    seg: &SegmentPlan,
    start: u64,
    got: &[f32],
    exp: &Expected,
    tol: impl Fn(usize, f64) -> f64,
) -> Result<(), Verdict> {
    if got.len() != exp.mv.len() {
        return Err(fail(format!(
            "{what}: {} values, expected {}",
            got.len(),
            exp.mv.len()
        )));
    }
    let nch = seg.channels.len().max(1);
    for (i, (&g, &e)) in got.iter().zip(&exp.mv).enumerate() {
        let t = tol(i % nch, e);
        if !within(f64::from(g) - e, t) {
            return Err(fail(format!(
                "{what}: sample {} channel {}: {g} mV, reference {e} mV (tolerance {t:.3e})",
                start + (i / nch) as u64,
                i % nch
            )));
        }
    }
    Ok(())
}

fn stats_near(
    what: &str,
    seg: &SegmentPlan,
    r: Request,
    got: &[ChannelStats],
    exp: &Expected,
) -> Result<(), Verdict> {
    let nch = seg.channels.len();
    if got.len() != nch {
        return Err(fail(format!(
            "{what}: {} stats entries for {nch} channels",
            got.len()
        )));
    }
    for (c, (g, e)) in got.iter().zip(&exp.stats).enumerate() {
        let what = format!("{what}, channel {c}");
        let lsb = lsb_mv(seg, c);
        if !within(g.peak_mv - e.peak_mv, lsb) {
            return Err(fail(format!(
                "{what}: peak_mv {}, reference {} (tolerance {lsb:.3e})",
                g.peak_mv, e.peak_mv
            )));
        }
        let scale = &seg.channels[c].scale;
        let limit = scale.clip * scale.full_scale_mv;
        let values = exp.mv.iter().skip(c).step_by(nch.max(1));
        let beyond = |margin: f64| values.clone().filter(|v| v.abs() > limit + margin).count();
        let (surely, maybe) = (beyond(lsb) as u64, beyond(-lsb) as u64);
        if !(surely..=maybe).contains(&g.clipped_samples) {
            return Err(fail(format!(
                "{what}: clipped_samples {}, reference {} ({surely} to {maybe} within the tolerance)",
                g.clipped_samples, e.clipped_samples
            )));
        }
        let (surely, maybe) = calibration_clamps(seg, c, r);
        if !(surely..=maybe).contains(&g.calib_clamped) {
            return Err(fail(format!(
                "{what}: calib_clamped {}, reference {} ({surely} to {maybe} within the tolerance)",
                g.calib_clamped, e.calib_clamped
            )));
        }
        let tol = RATIO_TOLERANCE * e.calib_max_ratio + 1e-12;
        if !within(g.calib_max_ratio - e.calib_max_ratio, tol) {
            return Err(fail(format!(
                "{what}: calib_max_ratio {}, reference {}",
                g.calib_max_ratio, e.calib_max_ratio
            )));
        }
    }
    Ok(())
}

/// Tone-samples of channel `c` in range `r` whose requested ratio surely exceeds the
/// calibration's cap, and those that may within [`RATIO_TOLERANCE`].
fn calibration_clamps(seg: &SegmentPlan, c: usize, r: Request) -> (u64, u64) {
    let ch = &seg.channels[c];
    let Some(cal) = ch.calibration.as_ref().into_option() else {
        return (0, 0);
    };
    let cap = 1.0 - cal.y_eps;
    let (mut surely, mut maybe) = (0, 0);
    for p in ch.parts.iter() {
        let lo = r.start.max(p.offset);
        let hi = (r.start + r.count).min(p.offset + p.n_samples);
        for k in lo..hi {
            for t in p.tones.iter() {
                let a = tone_amplitude(p, t, Some(cal), seg.sample_rate_hz, k - p.offset);
                surely += (a.ratio > cap * (1.0 + RATIO_TOLERANCE)) as u64;
                maybe += (a.ratio > cap * (1.0 - RATIO_TOLERANCE)) as u64;
            }
        }
    }
    (surely, maybe)
}

fn fail(message: impl Into<String>) -> Verdict {
    Verdict::Fail(message.into())
}

fn failed(what: &str, e: PluginError) -> Verdict {
    Verdict::Fail(format!("{what} failed: {} ({})", e.message, e.kind))
}

fn verdict(r: Result<(), Verdict>) -> Verdict {
    r.err().unwrap_or(Verdict::Pass)
}

impl Verdict {
    /// The verdict with `context` added to a failure's message.
    fn with_context(self, context: &str) -> Verdict {
        match self {
            Verdict::Fail(m) => Verdict::Fail(format!("{m} ({context})")),
            v => v,
        }
    }
}

fn expect_refused(what: &str, r: PluginResult<()>, kinds: &[ErrorKind]) -> Result<(), Verdict> {
    match r {
        Ok(()) => Err(fail(format!("{what} was rendered; it must be refused"))),
        Err(e) if kinds.contains(&e.kind) => Ok(()),
        Err(e) => {
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            Err(fail(format!(
                "{what} failed as `{}` ({}); expected {}",
                e.kind,
                e.message,
                names.join(" or ")
            )))
        }
    }
}

fn opened(open: &mut Opener<'_>, settings: &str) -> Result<(SynthesizerBox, SynthInfo), Verdict> {
    let synth = open(settings).map_err(|e| failed(&format!("open with {settings}"), e))?;
    let info = synth
        .describe()
        .into_result()
        .map_err(|e| failed("describe", e))?;
    Ok((synth, info))
}

#[cfg(test)]
mod tests;
