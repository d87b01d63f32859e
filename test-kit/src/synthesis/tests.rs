//! The suite against a backend built on the reference renderer: it passes every
//! rule, and each fault planted in it fails the rule about that fault.

use super::*;
use std::sync::Mutex;

use awgsf_plugin_api::abi_stable::std_types::RString;

/// A fault planted in the reference backend.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Fault {
    /// Describes itself with parallelism 0.
    NoParallelism,
    /// Renders every job from sample 0.
    IgnoresStart,
    /// Every 50th code of a job two off.
    CodesTwoOff,
    /// Millivolts two code steps off.
    MillivoltsOff,
    /// Counts no clipped samples.
    NoClipCount,
    /// A phase error growing to 5e-6 rad at sample 2^34.
    PhaseDrift,
    /// The last code of a job that does not start at 0 one off.
    SplitDependent,
    /// The last code of a job one off with two threads.
    ThreadDependent,
    /// Code 1 on channels without parts.
    NoisySilence,
    /// Renders plans without checking them.
    NoPlanChecks,
    /// Renders jobs without checking them.
    NoJobChecks,
    /// No millivolt output, yet renders millivolt jobs.
    MillivoltsUnclaimed,
}

struct ReferenceBackend {
    threads: usize,
    fault: Option<Fault>,
    /// Whole segments rendered so far, with their millivolts and codes.
    rendered: Mutex<Vec<Whole>>,
}

/// A segment rendered whole: the plan, its millivolts and its codes.
type Whole = (SegmentPlan, Vec<f64>, Vec<i16>);

/// Longest segment the backend renders whole; windows of longer ones are rendered
/// alone.
const WHOLE_LIMIT: u64 = 1 << 22;

impl ReferenceBackend {
    fn new(threads: usize, fault: Option<Fault>) -> ReferenceBackend {
        ReferenceBackend {
            threads,
            fault,
            rendered: Mutex::new(Vec::new()),
        }
    }

    fn has(&self, f: Fault) -> bool {
        self.fault == Some(f)
    }

    /// Millivolts and codes of `start..start + count`. The reference sums the phase
    /// from the first sample it renders, so its last bits depend on where a range
    /// starts; rendering segments whole and cutting the ranges out of them makes the
    /// bytes independent of the ranges, as a conforming backend's are.
    fn values(&self, seg: &SegmentPlan, start: u64, count: u64) -> (Vec<f64>, Vec<i16>) {
        if seg.n_samples > WHOLE_LIMIT {
            let e = expected(seg, start, count);
            return (e.mv, e.codes);
        }
        let mut cache = self.rendered.lock().unwrap();
        let at = match cache.iter().position(|(s, _, _)| s == seg) {
            Some(at) => at,
            None => {
                let e = expected(seg, 0, seg.n_samples);
                if cache.len() >= 16 {
                    cache.remove(0);
                }
                cache.push((seg.clone(), e.mv, e.codes));
                cache.len() - 1
            }
        };
        let nch = seg.channels.len();
        let range = start as usize * nch..(start + count) as usize * nch;
        let (_, mv, codes) = &cache[at];
        (mv[range.clone()].to_vec(), codes[range].to_vec())
    }
}

fn check_job(j: usize, job: &RenderJob<'_>) -> PluginResult<()> {
    let nch = job.segment.channels.len();
    let len = job.output.len();
    let bad = |m: String| Err(PluginError::invalid_input(format!("job {j}: {m}")));
    if nch == 0 || !len.is_multiple_of(nch) {
        return bad(format!("{len} values for {nch} channels"));
    }
    let end = job.start_sample.checked_add((len / nch) as u64);
    if end.is_none_or(|e| e > job.segment.n_samples) {
        return bad("beyond the segment".into());
    }
    if job.stats.len() != nch {
        return bad("stats".into());
    }
    Ok(())
}

fn check_plan(s: &SegmentPlan) -> PluginResult<()> {
    let bad = |m: &str| Err(PluginError::invalid_input(m.to_string()));
    if !(s.sample_rate_hz.is_finite() && s.sample_rate_hz > 0.0) {
        return bad("sample rate");
    }
    for ch in s.channels.iter() {
        let sc = &ch.scale;
        let scale_ok = sc.full_scale_mv.is_finite()
            && sc.full_scale_mv > 0.0
            && sc.full_scale > 0.0
            && sc.full_scale <= 32767.0
            && sc.clip > 0.0
            && sc.clip <= 1.0;
        if !scale_ok {
            return bad("scale");
        }
        if let Some(cal) = ch.calibration.as_ref().into_option() {
            let mut coefficients = cal.g_poly.iter().chain(cal.v0_poly.iter());
            let range_ok = cal.freq_max_hz > cal.freq_min_hz;
            if !range_ok || !coefficients.all(|c| c.is_finite()) {
                return bad("calibration");
            }
        }
        let mut next = 0;
        for p in ch.parts.iter() {
            if p.offset != next || p.n_samples == 0 || !p.tau_s.is_finite() {
                return bad("parts");
            }
            next += p.n_samples;
            for t in p.tones.iter() {
                let values = [t.f0_hz, t.f1_hz, t.a0, t.a1, t.phase0_rad];
                if !values.iter().all(|v| v.is_finite()) {
                    return bad("tone");
                }
                if p.kind == InterpKind::GeoRamp
                    && t.a0 != t.a1
                    && (t.a0 == 0.0 || t.a1 == 0.0 || (t.a0 > 0.0) != (t.a1 > 0.0))
                {
                    return bad("geo_ramp");
                }
            }
        }
        if !ch.parts.is_empty() && next != s.n_samples {
            return bad("coverage");
        }
    }
    Ok(())
}

impl SynthesisBackend for ReferenceBackend {
    fn describe(&self) -> PluginResult<SynthInfo> {
        Ok(SynthInfo {
            name: RString::from("reference"),
            version: RString::from("1"),
            device: RString::from("this process"),
            precision: RString::from("f64"),
            parallelism: if self.has(Fault::NoParallelism) {
                0
            } else {
                self.threads.max(1) as u32
            },
            max_tones: 0,
            supports_millivolts: !self.has(Fault::MillivoltsUnclaimed),
        })
    }

    fn render(&self, jobs: &mut [RenderJob<'_>]) -> PluginResult<()> {
        for (j, job) in jobs.iter().enumerate() {
            if !self.has(Fault::NoJobChecks) {
                check_job(j, job)?;
            }
            if !self.has(Fault::NoPlanChecks) {
                check_plan(job.segment)?;
            }
        }
        for job in jobs.iter_mut() {
            let nch = job.segment.channels.len().max(1);
            let count = job.count();
            let start = if self.has(Fault::IgnoresStart) {
                0
            } else {
                job.start_sample
            };
            let mut seg = job.segment.clone();
            if self.has(Fault::PhaseDrift) {
                let drift = 5e-6 * start as f64 / (1u64 << 34) as f64;
                for ch in seg.channels.iter_mut() {
                    for p in ch.parts.iter_mut() {
                        for t in p.tones.iter_mut() {
                            t.phase0_rad += drift;
                        }
                    }
                }
            }
            let mut exp = expected(&seg, start, count);
            (exp.mv, exp.codes) = self.values(&seg, start, count);
            for (c, ch) in seg.channels.iter().enumerate() {
                if self.has(Fault::NoisySilence) && ch.parts.is_empty() {
                    exp.codes
                        .iter_mut()
                        .skip(c)
                        .step_by(nch)
                        .for_each(|v| *v = 1);
                }
            }
            let last = exp.codes.len().saturating_sub(1);
            let nudge = (self.has(Fault::SplitDependent) && start > 0)
                || (self.has(Fault::ThreadDependent) && self.threads == 2);
            if nudge && !exp.codes.is_empty() {
                exp.codes[last] ^= 1;
            }
            if self.has(Fault::CodesTwoOff) {
                for c in exp.codes.iter_mut().step_by(50) {
                    *c = if *c > 0 { *c - 2 } else { *c + 2 };
                }
            }
            match &mut job.output {
                OutputBuffer::Int16(out) => {
                    for (o, c) in out.iter_mut().zip(&exp.codes) {
                        *o = *c;
                    }
                }
                OutputBuffer::MilliVolts(out) => {
                    for (i, (o, v)) in out.iter_mut().zip(&exp.mv).enumerate() {
                        let off = if self.has(Fault::MillivoltsOff) {
                            2.0 * lsb_mv(&seg, i % nch)
                        } else {
                            0.0
                        };
                        *o = (v + off) as f32;
                    }
                }
            }
            for (dst, mut s) in job.stats.iter_mut().zip(exp.stats) {
                if self.has(Fault::NoClipCount) {
                    s.clipped_samples = 0;
                }
                *dst = s;
            }
        }
        Ok(())
    }
}

/// Parses `{}` and `{"threads": N}`; with `threads_setting` false, refuses the
/// latter as an unknown key.
fn settings(text: &str, threads_setting: bool) -> PluginResult<usize> {
    if text.trim() == "{}" {
        return Ok(0);
    }
    text.strip_prefix(r#"{"threads": "#)
        .and_then(|rest| rest.strip_suffix('}'))
        .filter(|_| threads_setting)
        .and_then(|n| n.parse().ok())
        .ok_or_else(|| PluginError::invalid_input(format!("unknown settings {text}")))
}

fn opener(
    fault: Option<Fault>,
    threads_setting: bool,
) -> impl FnMut(&str) -> PluginResult<SynthesizerBox> {
    move |text: &str| {
        let threads = settings(text, threads_setting)?;
        Ok(boxed(ReferenceBackend::new(threads, fault)))
    }
}

fn rule(name: &str) -> &'static Rule {
    RULES
        .iter()
        .find(|r| r.name == name)
        .unwrap_or_else(|| panic!("no rule {name}"))
}

#[test]
fn the_reference_backend_passes_every_rule() {
    let outcomes = run_suite(&mut opener(None, true));
    assert_eq!(outcomes.len(), RULES.len());
    for o in &outcomes {
        assert_eq!(o.verdict, Verdict::Pass, "{}: {}", o.rule, o.verdict);
    }
}

#[test]
fn the_thread_rule_needs_a_threads_setting() {
    let o = rule("thread-invariant").run(&mut opener(None, false));
    assert!(
        matches!(&o.verdict, Verdict::NotApplicable(why) if why.contains("threads")),
        "{}",
        o.verdict
    );
}

#[test]
fn a_backend_that_cannot_open_fails_every_rule() {
    let mut open =
        |_: &str| -> PluginResult<SynthesizerBox> { Err(PluginError::device("no device")) };
    for o in run_suite(&mut open) {
        assert!(!o.ok(), "{}: {}", o.rule, o.verdict);
        assert!(o.verdict.to_string().contains("no device"), "{}", o.verdict);
    }
}

/// Runs `rules` against the backend with `fault`: each must fail.
fn fails(fault: Fault, rules: &[&str]) {
    for name in rules {
        let o = rule(name).run(&mut opener(Some(fault), true));
        assert!(!o.ok(), "{fault:?} passes {name}");
        println!("{fault:?}: {name}: {}", o.verdict);
    }
}

#[test]
fn a_wrong_description_fails() {
    fails(Fault::NoParallelism, &["describe"]);
}

#[test]
fn wrong_codes_fail() {
    fails(Fault::CodesTwoOff, &["matches-reference"]);
    fails(
        Fault::IgnoresStart,
        &["matches-reference", "split-invariant"],
    );
}

#[test]
fn wrong_millivolts_fail() {
    fails(Fault::MillivoltsOff, &["millivolts"]);
    fails(Fault::MillivoltsUnclaimed, &["millivolts"]);
}

#[test]
fn uncounted_clipping_fails() {
    fails(Fault::NoClipCount, &["statistics"]);
}

#[test]
fn phase_drift_in_long_parts_fails() {
    fails(Fault::PhaseDrift, &["long-parts"]);
}

#[test]
fn output_that_depends_on_splits_or_threads_fails() {
    // One code off passes the reference comparison but not byte equality.
    fails(Fault::SplitDependent, &["split-invariant"]);
    fails(Fault::ThreadDependent, &["thread-invariant"]);
}

#[test]
fn noise_in_silence_fails() {
    fails(Fault::NoisySilence, &["silence"]);
}

#[test]
fn unchecked_plans_and_jobs_fail() {
    fails(Fault::NoPlanChecks, &["refuses-bad-plans"]);
    fails(Fault::NoJobChecks, &["refuses-bad-jobs"]);
}

/// The plans the rules use include what the statistics rule is about: clipped
/// samples and clamped calibration requests, in ranges rendered.
#[test]
fn the_statistics_plans_clip_and_clamp() {
    let (mut clipped, mut clamped) = (0, 0);
    for (seed, limits) in reference_cases(STATS_SEED) {
        let seg = segment(seed, limits);
        let exp = expected(&seg, 0, seg.n_samples);
        clipped += exp.stats.iter().map(|s| s.clipped_samples).sum::<u64>();
        clamped += exp.stats.iter().map(|s| s.calib_clamped).sum::<u64>();
    }
    assert!(
        clipped > 100 && clamped > 100,
        "{clipped} clipped, {clamped} clamped"
    );
}
