//! The hardware conformance suite: what every card plugin must do, checked through
//! the plugin API alone, so it runs against the shipped backends, the third-party
//! example and any plugin file a lab hands to `awgsf check-plugin`.
//!
//! Each [`Rule`] opens a fresh card, drives it through the calls the host makes and
//! checks the answers: a sane description, the call order (state machine), refusal
//! of uploads that break the card's own limits with the documented error kinds,
//! playback start/stop, hot swap and read-back where the card claims them, and
//! release on close. A failed rule names what was expected and what happened.

use awgsf_plugin_api::abi_stable::std_types::{RSlice, RSliceMut, RStr};
use awgsf_plugin_api::{
    CardBox, CardFeatures, CardInfo, CardSettings, ChannelSettings, ErrorKind, PluginError,
    PluginResult, SegmentData, Step, StepEnd, StopLevel, UploadProgram,
};

pub use crate::{Outcome, Verdict};

/// Opens a fresh card of the plugin under test.
pub type Opener<'a> = dyn FnMut() -> PluginResult<CardBox> + 'a;

/// One rule of the suite.
#[derive(Debug, Clone, Copy)]
pub struct Rule {
    /// Short name (`state-machine`, `refuses-bad-loops`, ...).
    pub name: &'static str,
    /// What a conforming card does.
    pub expectation: &'static str,
    check: fn(&mut Opener<'_>) -> Verdict,
}

/// Every rule, in the order they run.
pub const RULES: &[Rule] = &[
    Rule {
        name: "describe",
        expectation: "describe() gives consistent limits: channel counts within max_channels, a minimum segment for each, sample-rate and amplitude ranges ordered, step >= 1, max_segments a power of two, loops and steps that fit the Spectrum step word",
        check: describe_is_consistent,
    },
    Rule {
        name: "call-order",
        expectation: "upload before configure, start before upload and update_segment before upload fail with INVALID_STATE",
        check: calls_out_of_order_are_invalid_state,
    },
    Rule {
        name: "refuses-channel-count",
        expectation: "configure with a channel count the card does not accept fails (LIMIT_EXCEEDED or INVALID_INPUT)",
        check: refuses_an_unaccepted_channel_count,
    },
    Rule {
        name: "plays",
        expectation: "a minimal program configures, uploads and starts; status() says running; stop() stops it",
        check: plays_a_minimal_program,
    },
    Rule {
        name: "refuses-bad-loops",
        expectation: "an upload with loops = 0 or above max_loops fails (LIMIT_EXCEEDED or INVALID_INPUT) and the card is not running",
        check: refuses_bad_loops,
    },
    Rule {
        name: "refuses-bad-length",
        expectation: "an upload with a segment length off the step grid or data of the wrong size fails (INVALID_INPUT or LIMIT_EXCEEDED)",
        check: refuses_bad_lengths,
    },
    Rule {
        name: "refuses-bad-step-graph",
        expectation: "an upload whose steps name a missing segment or step fails (INVALID_INPUT or LIMIT_EXCEEDED)",
        check: refuses_bad_step_graph,
    },
    Rule {
        name: "hot-swap",
        expectation: "a card with hot-swap rewrites a segment of equal length while running and refuses one of another length",
        check: hot_swaps,
    },
    Rule {
        name: "read-back",
        expectation: "a card with memory-readback returns exactly the uploaded (and rewritten) codes",
        check: reads_back,
    },
    Rule {
        name: "close",
        expectation: "close() stops a running card and succeeds",
        check: closes,
    },
];

/// Runs every rule against cards from `open`.
pub fn run_suite(open: &mut Opener<'_>) -> Vec<Outcome> {
    RULES
        .iter()
        .map(|r| Outcome {
            rule: r.name,
            expectation: r.expectation,
            verdict: (r.check)(open),
        })
        .collect()
}

/// Largest loop count the 20-bit loop field of a Spectrum step word holds.
const STEP_WORD_MAX_LOOPS: u64 = (1 << 20) - 1;
/// Segments and steps the 16-bit fields of a step word address.
const STEP_WORD_MAX_INDEX: u64 = 1 << 16;

fn describe_is_consistent(open: &mut Opener<'_>) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let _ = card.close();
    let mut problems = Vec::new();
    if info.max_channels == 0 {
        problems.push("max_channels is 0".to_string());
    }
    if info.channel_counts.is_empty() {
        problems.push("channel_counts is empty".into());
    }
    for &n in info.channel_counts.iter() {
        if n == 0 || n > info.max_channels {
            problems.push(format!(
                "channel count {n} outside 1..={}",
                info.max_channels
            ));
        }
        if info.min_segment_for(n).is_none() {
            problems.push(format!("no minimum segment length for {n} channels"));
        }
    }
    let ordered = |lo: f64, hi: f64| lo.is_finite() && hi.is_finite() && 0.0 < lo && lo <= hi;
    if !ordered(info.min_sample_rate_hz, info.max_sample_rate_hz) {
        problems.push(format!(
            "sample-rate range {}..{} Hz",
            info.min_sample_rate_hz, info.max_sample_rate_hz
        ));
    }
    let amplitudes_ordered = info.min_amplitude_mv >= 0.0 && info.max_amplitude_mv > 0.0;
    if !(amplitudes_ordered && info.min_amplitude_mv <= info.max_amplitude_mv) {
        problems.push(format!(
            "amplitude range {}..{} mV",
            info.min_amplitude_mv, info.max_amplitude_mv
        ));
    }
    if info.step_samples == 0 {
        problems.push("step_samples is 0".into());
    }
    if info.full_scale_code <= 0 {
        problems.push(format!("full_scale_code {}", info.full_scale_code));
    }
    if info.bytes_per_sample == 0 || info.memory_bytes == 0 {
        problems.push("no sample memory or zero bytes per sample".into());
    }
    if !info.max_segments.is_power_of_two() || u64::from(info.max_segments) > STEP_WORD_MAX_INDEX {
        problems.push(format!(
            "max_segments {} is not a power of two up to {STEP_WORD_MAX_INDEX}",
            info.max_segments
        ));
    }
    if info.max_steps == 0 || u64::from(info.max_steps) > STEP_WORD_MAX_INDEX {
        problems.push(format!(
            "max_steps {} outside 1..={STEP_WORD_MAX_INDEX}",
            info.max_steps
        ));
    }
    if info.max_loops == 0 || info.max_loops > STEP_WORD_MAX_LOOPS {
        problems.push(format!(
            "max_loops {} outside 1..={STEP_WORD_MAX_LOOPS} (the step word's loop field)",
            info.max_loops
        ));
    }
    if problems.is_empty() {
        Verdict::Pass
    } else {
        Verdict::Fail(problems.join("; "))
    }
}

fn calls_out_of_order_are_invalid_state(open: &mut Opener<'_>) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let p = MinimalProgram::for_card(&info);
    let verdict = (|| {
        if let Err(v) = expect_kinds(
            "upload before configure",
            p.upload_to(&mut card),
            &[ErrorKind::INVALID_STATE],
        ) {
            return v;
        }
        if let Err(v) = expect_ok("configure", card.configure(&p.settings).into_result()) {
            return v;
        }
        if let Err(v) = expect_kinds(
            "start before upload",
            card.start(false).into_result(),
            &[ErrorKind::INVALID_STATE],
        ) {
            return v;
        }
        if let Err(v) = expect_kinds(
            "update_segment before upload",
            card.update_segment(&p.segment()).into_result(),
            &[ErrorKind::INVALID_STATE],
        ) {
            return v;
        }
        Verdict::Pass
    })();
    let _ = card.close();
    verdict
}

fn refuses_an_unaccepted_channel_count(open: &mut Opener<'_>) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let Some(bad) = (1..=info.max_channels + 1).find(|n| !info.channel_counts.contains(n)) else {
        let _ = card.close();
        return Verdict::NotApplicable("the card accepts every channel count".into());
    };
    let mut p = MinimalProgram::for_card(&info);
    p.settings.channels = (0..bad)
        .map(|i| ChannelSettings {
            index: i,
            ..p.settings.channels[0]
        })
        .collect();
    let v = expect_kinds(
        &format!("configure with {bad} channels"),
        card.configure(&p.settings).into_result(),
        &[ErrorKind::LIMIT_EXCEEDED, ErrorKind::INVALID_INPUT],
    );
    let _ = card.close();
    v.err().unwrap_or(Verdict::Pass)
}

fn plays_a_minimal_program(open: &mut Opener<'_>) -> Verdict {
    with_program(open, |card, _| {
        expect_ok("start", card.start(true).into_result())?;
        expect_running(card, true, "after start")?;
        expect_ok("stop", card.stop().into_result())?;
        expect_running(card, false, "after stop")
    })
}

fn refuses_bad_loops(open: &mut Opener<'_>) -> Verdict {
    with_configured(open, |card, info, p| {
        for loops in [0, info.max_loops.saturating_add(1), 1 << 20, u64::MAX] {
            let mut bad = p.clone();
            bad.steps[0].loops = loops;
            expect_kinds(
                &format!("upload with loops = {loops} (max_loops {})", info.max_loops),
                bad.upload_to(card),
                &[ErrorKind::LIMIT_EXCEEDED, ErrorKind::INVALID_INPUT],
            )?;
            expect_running(card, false, "after a refused upload")?;
        }
        Ok(())
    })
}

fn refuses_bad_lengths(open: &mut Opener<'_>) -> Verdict {
    with_configured(open, |card, info, p| {
        let kinds = [ErrorKind::INVALID_INPUT, ErrorKind::LIMIT_EXCEEDED];
        if info.step_samples > 1 {
            let mut off_grid = p.clone();
            off_grid.n_samples += 1;
            off_grid.codes = vec![0; (off_grid.n_samples * off_grid.channels()) as usize];
            let what = format!(
                "upload of {} samples (step {})",
                off_grid.n_samples, info.step_samples
            );
            expect_kinds(&what, off_grid.upload_to(card), &kinds)?;
        }
        let mut short = p.clone();
        short.codes.pop();
        expect_kinds(
            "upload with one code missing",
            short.upload_to(card),
            &kinds,
        )
    })
}

fn refuses_bad_step_graph(open: &mut Opener<'_>) -> Verdict {
    with_configured(open, |card, _, p| {
        let kinds = [ErrorKind::INVALID_INPUT, ErrorKind::LIMIT_EXCEEDED];
        let mut missing_segment = p.clone();
        missing_segment.steps[0].segment = 1;
        expect_kinds(
            "upload with a step playing segment 1 of 1",
            missing_segment.upload_to(card),
            &kinds,
        )?;
        let mut missing_next = p.clone();
        missing_next.steps[0].next = 1;
        expect_kinds(
            "upload with a step followed by step 1 of 1",
            missing_next.upload_to(card),
            &kinds,
        )
    })
}

fn hot_swaps(open: &mut Opener<'_>) -> Verdict {
    with_feature(open, CardFeatures::HOT_SWAP, "hot-swap", |card, p| {
        expect_ok("start", card.start(true).into_result())?;
        let mut edited = p.clone();
        edited.codes.iter_mut().for_each(|c| *c = c.wrapping_add(7));
        expect_ok(
            "update_segment of equal length while running",
            card.update_segment(&edited.segment()).into_result(),
        )?;
        let mut longer = p.clone();
        longer.n_samples += p.step;
        longer.codes = vec![0; (longer.n_samples * longer.channels()) as usize];
        expect_kinds(
            "update_segment of another length",
            card.update_segment(&longer.segment()).into_result(),
            &[ErrorKind::INVALID_INPUT, ErrorKind::LIMIT_EXCEEDED],
        )?;
        card.stop().into_result().map_err(|e| failed("stop", e))
    })
}

fn reads_back(open: &mut Opener<'_>) -> Verdict {
    with_feature(
        open,
        CardFeatures::MEMORY_READBACK,
        "memory-readback",
        |card, p| {
            let mut out = vec![0i16; p.codes.len()];
            expect_ok(
                "read_back",
                card.read_back(0, RSliceMut::from_mut_slice(&mut out))
                    .into_result(),
            )?;
            if out != p.codes {
                let at = out.iter().zip(&p.codes).position(|(a, b)| a != b);
                return Err(Verdict::Fail(format!(
                    "read_back differs from the upload (first at code {at:?})"
                )));
            }
            Ok(())
        },
    )
}

fn closes(open: &mut Opener<'_>) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let p = MinimalProgram::for_card(&info);
    let setup = (|| {
        expect_ok("configure", card.configure(&p.settings).into_result())?;
        expect_ok("upload", p.upload_to(&mut card))?;
        expect_ok("start", card.start(true).into_result())
    })();
    if let Err(v) = setup {
        let _ = card.close();
        return v;
    }
    match card.close().into_result() {
        Ok(()) => Verdict::Pass,
        Err(e) => Verdict::Fail(failed("close of a running card", e).to_string()),
    }
}

// ---- helpers ------------------------------------------------------------------------

fn failed(what: &str, e: PluginError) -> Verdict {
    Verdict::Fail(format!("{what} failed: {} ({})", e.message, e.kind))
}

fn expect_ok(what: &str, r: PluginResult<()>) -> Result<(), Verdict> {
    r.map_err(|e| failed(what, e))
}

fn expect_kinds(what: &str, r: PluginResult<()>, kinds: &[ErrorKind]) -> Result<(), Verdict> {
    match r {
        Ok(()) => Err(Verdict::Fail(format!("{what} succeeded; it must fail"))),
        Err(e) if kinds.contains(&e.kind) => Ok(()),
        Err(e) => {
            let names: Vec<&str> = kinds.iter().map(|k| k.name()).collect();
            Err(Verdict::Fail(format!(
                "{what} failed as `{}` ({}); expected {}",
                e.kind,
                e.message,
                names.join(" or ")
            )))
        }
    }
}

fn expect_running(card: &mut CardBox, running: bool, when: &str) -> Result<(), Verdict> {
    let status = card
        .status()
        .into_result()
        .map_err(|e| failed(&format!("status {when}"), e))?;
    if status.running == running {
        Ok(())
    } else {
        Err(Verdict::Fail(format!(
            "status {when} says running = {}, expected {running}",
            status.running
        )))
    }
}

fn opened(open: &mut Opener<'_>) -> Result<(CardBox, CardInfo), Verdict> {
    let card = open().map_err(|e| failed("open", e))?;
    let info = card
        .describe()
        .into_result()
        .map_err(|e| failed("describe", e))?;
    Ok((card, info))
}

/// Opens a card, configures it for the minimal program, runs `f`, closes.
fn with_configured(
    open: &mut Opener<'_>,
    f: impl FnOnce(&mut CardBox, &CardInfo, &MinimalProgram) -> Result<(), Verdict>,
) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let p = MinimalProgram::for_card(&info);
    let r = expect_ok("configure", card.configure(&p.settings).into_result())
        .and_then(|()| f(&mut card, &info, &p));
    let _ = card.close();
    r.err().unwrap_or(Verdict::Pass)
}

/// Opens a card, configures and uploads the minimal program, runs `f`, closes.
fn with_program(
    open: &mut Opener<'_>,
    f: impl FnOnce(&mut CardBox, &MinimalProgram) -> Result<(), Verdict>,
) -> Verdict {
    let (mut card, info) = match opened(open) {
        Ok(v) => v,
        Err(v) => return v,
    };
    let p = MinimalProgram::for_card(&info);
    let r = expect_ok("configure", card.configure(&p.settings).into_result())
        .and_then(|()| expect_ok("upload", p.upload_to(&mut card)))
        .and_then(|()| f(&mut card, &p));
    let _ = card.close();
    r.err().unwrap_or(Verdict::Pass)
}

/// [`with_program`] for a card that claims `feature`; not applicable otherwise.
fn with_feature(
    open: &mut Opener<'_>,
    feature: CardFeatures,
    name: &str,
    f: impl FnOnce(&mut CardBox, &MinimalProgram) -> Result<(), Verdict>,
) -> Verdict {
    let claims = match opened(open) {
        Ok((mut card, info)) => {
            let _ = card.close();
            info.features.contains(feature)
        }
        Err(v) => return v,
    };
    if !claims {
        return Verdict::NotApplicable(format!("the card does not claim {name}"));
    }
    with_program(open, f)
}

/// The smallest program a card accepts: its first accepted channel count, one
/// segment of the minimum length (a ramp of codes, so read-back can tell samples
/// apart) and one step looping on itself.
#[derive(Debug, Clone)]
struct MinimalProgram {
    settings: CardSettings,
    n_samples: u64,
    step: u64,
    codes: Vec<i16>,
    steps: Vec<Step>,
}

impl MinimalProgram {
    fn for_card(info: &CardInfo) -> MinimalProgram {
        let channels = info.channel_counts.first().copied().unwrap_or(1).max(1);
        let step = info.step_samples.max(1);
        let min = info.min_segment_for(channels).unwrap_or(step).max(step);
        let n_samples = min.div_ceil(step) * step;
        let amplitude = info.min_amplitude_mv.max(info.max_amplitude_mv.min(1000.0));
        let rate = info
            .min_sample_rate_hz
            .max(info.max_sample_rate_hz.min(625e6));
        let indices: Vec<u32> = (0..channels).collect();
        let settings = CardSettings {
            timeout_ms: 5000,
            ..CardSettings::new(rate, &indices, amplitude, StopLevel::Zero)
        };
        let total = (n_samples * u64::from(channels)) as usize;
        let codes = (0..total).map(|i| (i % 2000) as i16 - 1000).collect();
        MinimalProgram {
            settings,
            n_samples,
            step,
            codes,
            steps: vec![Step {
                index: 0,
                segment: 0,
                next: 0,
                loops: 1,
                end: StepEnd::Always,
            }],
        }
    }

    fn channels(&self) -> u64 {
        self.settings.channels.len() as u64
    }

    fn segment(&self) -> SegmentData<'_> {
        SegmentData {
            index: 0,
            name: RStr::from("conformance"),
            n_samples: self.n_samples,
            n_channels: self.channels() as u32,
            samples: RSlice::from_slice(&self.codes),
        }
    }

    /// Uploads the program to `card`.
    fn upload_to(&self, card: &mut CardBox) -> PluginResult<()> {
        let segments = [self.segment()];
        let program = UploadProgram {
            segments: RSlice::from_slice(&segments),
            steps: RSlice::from_slice(&self.steps),
            start_step: 0,
            metadata_json: RStr::from("{}"),
        };
        card.upload(&program).into_result().map(|_| ())
    }
}
