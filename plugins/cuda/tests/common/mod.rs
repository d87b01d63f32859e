//! Checks shared by the emulated and the GPU test binaries: each takes a renderer
//! (the pipeline on an emulating executor, or the opened CUDA backend) and holds its
//! output to the reference evaluation of `awgsf_test_kit::synthesis::reference`,
//! on plans of `awgsf_test_kit::synthesis::plans`.
#![allow(dead_code)]

use awgsf_math::to_code;
use awgsf_plugin_api::{
    ChannelStats, ErrorKind, InterpKind, OutputBuffer, PluginResult, RenderJob, SegmentPlan,
    TonePlan,
};
use awgsf_test_kit::synthesis::plans::{segment, single_part, Limits, Rng};
use awgsf_test_kit::synthesis::reference::{expected, Expected};

/// Renders a batch of jobs.
pub type Render<'a> = &'a dyn Fn(&mut [RenderJob<'_>]) -> PluginResult<()>;

/// One rendered range.
pub struct Rendered {
    pub start: u64,
    pub count: u64,
    pub codes: Option<Vec<i16>>,
    pub mv: Option<Vec<f32>>,
    pub stats: Vec<ChannelStats>,
}

/// A range to render and the kind of buffer to render it into.
#[derive(Clone, Copy, Debug)]
pub struct Request {
    pub start: u64,
    pub count: u64,
    pub millivolts: bool,
}

/// Renders every request of one segment in one call.
pub fn render_requests(render: Render, seg: &SegmentPlan, requests: &[Request]) -> Vec<Rendered> {
    let work: Vec<(&SegmentPlan, Request)> = requests.iter().map(|&r| (seg, r)).collect();
    render_many(render, &work)
}

/// Renders requests of any segments in one call.
pub fn render_many(render: Render, work: &[(&SegmentPlan, Request)]) -> Vec<Rendered> {
    let mut buffers: Vec<(Vec<i16>, Vec<f32>)> = work
        .iter()
        .map(|(seg, r)| {
            let len = r.count as usize * seg.channels.len();
            if r.millivolts {
                (Vec::new(), vec![f32::NAN; len])
            } else {
                (vec![0x5a5a; len], Vec::new())
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
    render(&mut jobs).unwrap_or_else(|e| panic!("render failed: {e}"));
    let stats: Vec<Vec<ChannelStats>> = jobs.iter().map(|j| j.stats.to_vec()).collect();
    drop(jobs);
    work.iter()
        .zip(buffers)
        .zip(stats)
        .map(|(((_, r), (codes, mv)), stats)| Rendered {
            start: r.start,
            count: r.count,
            codes: (!r.millivolts).then_some(codes),
            mv: r.millivolts.then_some(mv),
            stats,
        })
        .collect()
}

fn check_stats(what: &str, got: &[ChannelStats], exp: &Expected) {
    for (c, (g, e)) in got.iter().zip(&exp.stats).enumerate() {
        assert_eq!(
            g.clipped_samples, e.clipped_samples,
            "{what}, channel {c}: clipped samples"
        );
        assert!(
            (g.peak_mv - e.peak_mv).abs() <= exp.tol_mv[c],
            "{what}, channel {c}: peak {} vs exact {}",
            g.peak_mv,
            e.peak_mv
        );
        assert_eq!(
            g.calib_clamped, e.calib_clamped,
            "{what}, channel {c}: calibration clamps"
        );
        assert!(
            (g.calib_max_ratio - e.calib_max_ratio).abs() <= 1e-12 * e.calib_max_ratio.max(1.0),
            "{what}, channel {c}: max ratio {} vs exact {}",
            g.calib_max_ratio,
            e.calib_max_ratio
        );
    }
}

/// Codes compared with the exact evaluation, and how many differed (by one).
#[derive(Clone, Copy, Debug, Default)]
pub struct CodeTally {
    pub compared: u64,
    pub off_by_one: u64,
}

/// Holds one rendered range to the exact evaluation: codes within one, millivolts
/// within the arithmetic tolerance plus the f32 rounding, statistics equal.
pub fn check_against_exact(what: &str, seg: &SegmentPlan, r: &Rendered) -> CodeTally {
    let exp = expected(seg, r.start, r.count);
    let nch = seg.channels.len().max(1);
    let mut tally = CodeTally::default();
    if let Some(codes) = &r.codes {
        for (i, (&g, &e)) in codes.iter().zip(&exp.codes).enumerate() {
            tally.compared += 1;
            tally.off_by_one += (g != e) as u64;
            assert!(
                (g as i32 - e as i32).abs() <= 1,
                "{what}: sample {} channel {}: code {g} vs exact {e} ({} mV)",
                r.start + (i / nch) as u64,
                i % nch,
                exp.mv[i]
            );
        }
    }
    if let Some(mv) = &r.mv {
        for (i, (&g, &e)) in mv.iter().zip(&exp.mv).enumerate() {
            let tol = exp.tol_mv[i % nch] + e.abs() * f32::EPSILON as f64;
            assert!(
                (g as f64 - e).abs() <= tol,
                "{what}: sample {} channel {}: {g} mV vs exact {e} (tolerance {tol})",
                r.start + (i / nch) as u64,
                i % nch
            );
        }
    }
    check_stats(what, &r.stats, &exp);
    tally
}

fn random_request(rng: &mut Rng, n: u64) -> Request {
    let start = rng.int(0, n - 1);
    let count = if rng.coin(0.3) {
        n - start
    } else {
        rng.int(1, n - start)
    };
    Request {
        start,
        count,
        millivolts: rng.coin(0.4),
    }
}

/// Random plans of every kind, calibrated and not, random ranges of them rendered
/// several per call: every sample within one code of the exact evaluation.
pub fn random_plans_match_exact(render: Render, cases: u64, seed: u64) {
    plans_match_exact(render, Limits::SMALL, cases, seed, false);
}

/// Random plans with up to 120 tones per part, rendered whole as codes and as
/// millivolts.
pub fn many_tones_match_exact(render: Render, cases: u64, seed: u64) {
    plans_match_exact(render, Limits::MANY_TONES, cases, seed, true);
}

fn plans_match_exact(render: Render, limits: Limits, cases: u64, seed: u64, whole: bool) {
    let mut tally = CodeTally::default();
    for case in 0..cases {
        let seed = seed + case;
        let seg = segment(seed, limits);
        let mut rng = Rng::new(seed ^ 0xabcd);
        let requests: Vec<Request> = if whole {
            [false, true]
                .map(|millivolts| Request {
                    start: 0,
                    count: seg.n_samples,
                    millivolts,
                })
                .to_vec()
        } else {
            (0..rng.int(1, 3))
                .map(|_| random_request(&mut rng, seg.n_samples))
                .collect()
        };
        for (j, r) in render_requests(render, &seg, &requests).iter().enumerate() {
            let what = format!("plan seed {seed}, job {j} {:?}", requests[j]);
            let t = check_against_exact(&what, &seg, r);
            tally.compared += t.compared;
            tally.off_by_one += t.off_by_one;
        }
    }
    eprintln!(
        "{} of {} card codes differ (by one) from the exact evaluation",
        tally.off_by_one, tally.compared
    );
}

/// Jobs of several segments in one call (one batch: their parts, tones and
/// calibrations share the tables) each match the exact evaluation.
pub fn several_segments_in_one_call(render: Render, cases: u64, seed: u64) {
    for case in 0..cases {
        let seeds: Vec<u64> = (0..4).map(|i| seed + 10 * case + i).collect();
        let segs: Vec<SegmentPlan> = seeds.iter().map(|&s| segment(s, Limits::SMALL)).collect();
        let mut rng = Rng::new(seed ^ case);
        let requests: Vec<Request> = segs
            .iter()
            .map(|s| random_request(&mut rng, s.n_samples))
            .collect();
        let work: Vec<(&SegmentPlan, Request)> = segs.iter().zip(requests).collect();
        for (i, rendered) in render_many(render, &work).iter().enumerate() {
            let what = format!("segment seed {}, {:?}", seeds[i], work[i].1);
            check_against_exact(&what, work[i].0, rendered);
        }
    }
}

/// Cutting a segment into any ranges, in one call or several, gives the bytes of
/// the whole, and the merged statistics of the whole.
pub fn splits_do_not_change_output(render: Render, cases: u64, seed: u64) {
    for case in 0..cases {
        let seed = seed + case;
        let seg = segment(seed, Limits::SMALL);
        let n = seg.n_samples;
        let whole = Request {
            start: 0,
            count: n,
            millivolts: false,
        };
        let whole = &render_requests(render, &seg, &[whole])[0];
        let mut rng = Rng::new(seed ^ 0x5151);
        let mut cuts: Vec<u64> = (0..rng.int(1, 6)).map(|_| rng.int(1, n)).collect();
        cuts.push(0);
        cuts.push(n);
        cuts.sort();
        cuts.dedup();
        let pieces: Vec<Request> = cuts
            .windows(2)
            .map(|w| Request {
                start: w[0],
                count: w[1] - w[0],
                millivolts: false,
            })
            .collect();
        let together = render_requests(render, &seg, &pieces);
        let apart: Vec<Rendered> = pieces
            .iter()
            .flat_map(|p| render_requests(render, &seg, std::slice::from_ref(p)))
            .collect();
        for rendered in [&together, &apart] {
            let joined: Vec<i16> = rendered
                .iter()
                .flat_map(|r| r.codes.clone().expect("codes"))
                .collect();
            assert!(
                joined == *whole.codes.as_ref().expect("codes"),
                "plan seed {seed}: cuts {cuts:?} change the output"
            );
            let mut merged = vec![ChannelStats::default(); seg.channels.len()];
            for r in rendered.iter() {
                for (m, s) in merged.iter_mut().zip(&r.stats) {
                    m.merge(s);
                }
            }
            assert_eq!(
                merged, whole.stats,
                "plan seed {seed}: cuts {cuts:?} change the stats"
            );
        }
    }
}

/// Millivolt output converts to the card codes rendered directly (within the f32
/// rounding of the millivolts), with the same statistics.
pub fn millivolts_agree_with_codes(render: Render, cases: u64, seed: u64) {
    for case in 0..cases {
        let seed = seed + case;
        let seg = segment(seed, Limits::SMALL);
        let all = |millivolts| Request {
            start: 0,
            count: seg.n_samples,
            millivolts,
        };
        let out = render_requests(render, &seg, &[all(false), all(true)]);
        let codes = out[0].codes.as_ref().expect("codes");
        let mv = out[1].mv.as_ref().expect("millivolts");
        let nch = seg.channels.len().max(1);
        for (i, (&c, &v)) in codes.iter().zip(mv).enumerate() {
            let (from_mv, _) = to_code(v as f64, &seg.channels[i % nch].scale);
            assert!(
                (from_mv as i32 - c as i32).abs() <= 1,
                "plan seed {seed}, element {i}: {v} mV gives {from_mv}, rendered code {c}"
            );
        }
        assert_eq!(out[0].stats, out[1].stats, "plan seed {seed}: statistics");
    }
}

/// Windows deep inside a part of 2^34 samples keep the exact phase.
pub fn long_parts_keep_their_phase(render: Render) {
    let n = 1u64 << 34;
    let fs = 625e6;
    let tone = |f0: f64, f1: f64, phase0_rad: f64| TonePlan {
        f0_hz: f0,
        f1_hz: f1,
        a0: 300.0,
        a1: 300.0,
        phase0_rad,
    };
    for kind in [InterpKind::Hold, InterpKind::Linear, InterpKind::MinJerk] {
        let seg = single_part(
            n,
            fs,
            kind,
            vec![tone(97.3e6, 104.9e6, 0.3), tone(88.123e6, 88.123e6, 5.0)],
        );
        let windows: Vec<Request> = [0, n / 3 + 17, n / 2 - 5, n - 100]
            .iter()
            .map(|&start| Request {
                start,
                count: 100,
                millivolts: true,
            })
            .collect();
        for (w, r) in render_requests(render, &seg, &windows).iter().enumerate() {
            check_against_exact(&format!("{kind:?} part of 2^34, window {w}"), &seg, r);
        }
    }
}

/// Channels without parts and parts without tones render zeros; empty jobs are
/// accepted.
pub fn silence_and_empty_jobs(render: Render) {
    let mut seg = segment(7, Limits::SMALL);
    for ch in seg.channels.iter_mut() {
        for p in ch.parts.iter_mut() {
            p.tones = Default::default();
        }
    }
    let n = seg.n_samples;
    let out = render_requests(
        render,
        &seg,
        &[
            Request {
                start: 0,
                count: n,
                millivolts: false,
            },
            Request {
                start: n,
                count: 0,
                millivolts: false,
            },
            Request {
                start: 0,
                count: n,
                millivolts: true,
            },
        ],
    );
    assert!(out[0].codes.as_ref().unwrap().iter().all(|&c| c == 0));
    assert!(out[2].mv.as_ref().unwrap().iter().all(|&v| v == 0.0));
    for r in &out {
        assert!(r.stats.iter().all(|s| *s == ChannelStats::default()));
    }
}

/// Jobs that do not fit their segment, and invalid plans, are refused with
/// `INVALID_INPUT` naming the job.
pub fn rejects_bad_jobs(render: Render) {
    let seg = segment(11, Limits::SMALL);
    let nch = seg.channels.len();
    let n = seg.n_samples;
    let mut buf = vec![0i16; nch + 1];
    let mut jobs = [RenderJob::new(
        &seg,
        0,
        OutputBuffer::Int16(buf.as_mut_slice().into()),
    )];
    if nch > 1 {
        let e = render(&mut jobs).unwrap_err();
        assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
        assert!(e.message.contains("render job 0"), "{e}");
    }
    let mut buf = vec![0i16; 2 * nch];
    let mut jobs = [RenderJob::new(
        &seg,
        n - 1,
        OutputBuffer::Int16(buf.as_mut_slice().into()),
    )];
    let e = render(&mut jobs).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert!(e.message.contains("beyond"), "{e}");
    let mut bad = seg.clone();
    bad.sample_rate_hz = -1.0;
    let mut buf = vec![0i16; nch];
    let mut jobs = [RenderJob::new(
        &bad,
        0,
        OutputBuffer::Int16(buf.as_mut_slice().into()),
    )];
    let e = render(&mut jobs).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert!(e.message.contains("sample_rate_hz"), "{e}");
}

/// The synthesis conformance suite's outcomes for the cuda backend: every rule
/// passes but the thread rule, which does not apply (the backend has no `threads`
/// setting).
pub fn assert_conforms(outcomes: &[awgsf_test_kit::Outcome]) {
    use awgsf_test_kit::Verdict;
    let wrong: Vec<String> = outcomes
        .iter()
        .filter(|o| match &o.verdict {
            Verdict::Pass => false,
            Verdict::NotApplicable(_) => o.rule != "thread-invariant",
            Verdict::Fail(_) => true,
        })
        .map(|o| format!("{}: {}", o.rule, o.verdict))
        .collect();
    assert!(wrong.is_empty(), "cuda:\n{}", wrong.join("\n"));
    assert_eq!(outcomes.len(), awgsf_test_kit::synthesis::RULES.len());
}
