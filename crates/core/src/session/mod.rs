//! A session with a lab machine: the opened plugins, and the program on the card
//! (compiled plans, rendered data, slots and steps). It runs the main job — compile,
//! upload, start, verify — and hot-swaps a changed program: only segments whose data
//! changed are re-rendered and rewritten while the card plays, after checking that
//! lengths and the step graph are unchanged (otherwise a full upload, said so).

use std::time::Instant;

use awgsf_plugin_api::{CardFeatures, Step};

use crate::compiler::{plan_checked, CompileSettings, Planned};
use crate::config::{CardFigures, Config, MemoryFigures, SegmentUse};
use crate::error::Result;
use crate::layout::layout_from_config;
use crate::machine::{open_machine, Card, Synthesis};
use crate::phases::crest::Effort;
use crate::phases::start::TonePhases;
use crate::pipeline::{QuantLimits, QuantizedSegment};
use crate::program::LoadedProgram;
use crate::render::{render_codes, Progress, SegmentSamples};
use crate::shared::{share_identical, SlotMap};
use crate::upload::{configure_and_upload, metadata, steps};
use crate::verify::{verify, ContinuityReport};

pub(crate) mod rearrange;
mod run_report;
mod swap;

pub use run_report::{peak_rss_bytes, ClipRow, RunReport};
pub use swap::SwapReport;

/// Options of the main job.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobOptions {
    /// Force a trigger right after start.
    pub force_trigger: bool,
    /// Verify continuity.
    pub verify: bool,
    /// Threshold of the verification, fraction of full scale.
    pub threshold_fs: f64,
}

/// The program a session has on the card.
pub struct OnCard {
    /// The program.
    pub loaded: LoadedProgram,
    /// Its plans.
    pub planned: Planned,
    /// Rendered data per segment.
    pub samples: Vec<SegmentSamples>,
    /// Slots.
    pub slots: SlotMap,
    /// Steps as uploaded.
    pub steps: Vec<Step>,
    /// After a rearrangement: the move segment as compiled, which every later
    /// rearrangement rebuilds and closes on (so rounding never accumulates).
    pub move_closing: Option<CompiledMove>,
}

/// A move segment as the program compiled it, before any rearrangement.
#[derive(Debug, Clone)]
pub struct CompiledMove {
    /// Segment index.
    pub segment: usize,
    /// The quantised segment (one remap part, then padding).
    pub quantized: QuantizedSegment,
    /// Its end phases per logical channel.
    pub end: Vec<TonePhases>,
}

/// An open lab machine.
pub struct Session {
    /// The config.
    pub config: Config,
    /// Synthesis backend.
    pub synth: Synthesis,
    /// Card.
    pub card: Card,
    /// Config checked against the card.
    pub figures: CardFigures,
    /// What the card holds.
    pub on_card: Option<OnCard>,
    config_digest: Option<String>,
    /// Told about long work (rendering); nothing by default.
    progress: Box<dyn Progress + Send>,
    /// `close` was called: nothing is left for `Drop` to release.
    closed: bool,
}

impl Session {
    /// Opens the plugins a config names.
    pub fn open(config: Config) -> Result<Session> {
        let (synth, card, figures) = open_machine(&config)?;
        let config_digest = config
            .source()
            .and_then(|p| std::fs::read(p).ok())
            .map(|b| crate::program::digest::sha256_hex(&b));
        Ok(Session {
            config,
            synth,
            card,
            figures,
            on_card: None,
            config_digest,
            progress: Box::new(()),
            closed: false,
        })
    }

    /// Tells `progress` about long work from now on (the CLI passes a terminal
    /// progress bar; a library user may pass anything that implements [`Progress`]).
    pub fn set_progress(&mut self, progress: Box<dyn Progress + Send>) {
        self.progress = progress;
    }

    /// Compile settings for a program with these logical channels.
    pub fn compile_settings(&self, program_channels: &[String]) -> Result<CompileSettings> {
        let q = &self.figures.quantisation;
        let budget = self.config.phases.time_budget_ms;
        Ok(CompileSettings {
            sample_rate_hz: self.figures.sample_rate_hz,
            limits: QuantLimits {
                step_samples: q.step_samples,
                min_segment_samples: q.card_min_segment_samples,
                quantum_s: q.requested_quantum_s,
            },
            layout: layout_from_config(&self.config, &self.figures, program_channels)?,
            effort: Effort {
                passes: self.config.phases.passes,
                time_budget: (budget > 0).then(|| std::time::Duration::from_millis(budget)),
            },
        })
    }

    /// Plans and renders a program.
    pub fn compile(&self, loaded: &LoadedProgram) -> Result<(Planned, Vec<SegmentSamples>)> {
        let settings = self.compile_settings(&loaded.program.logical_channels)?;
        // Lengths against the card's slots, memory, steps and loops before
        // anything is rendered.
        let mut planned = plan_checked(loaded, &settings, |q| {
            let uses = SegmentUse::of_program(q);
            Ok(MemoryFigures::compute(&self.figures, &uses).check()?)
        })?;
        let plans: Vec<_> = planned.lowered.iter().map(|l| l.plan.clone()).collect();
        let t = Instant::now();
        self.progress.start("rendering");
        let samples = render_codes(&self.synth.backend, &plans, self.progress.as_ref());
        self.progress.finish();
        let samples = samples?;
        planned.timings.render_s = t.elapsed().as_secs_f64();
        Ok((planned, samples))
    }

    /// The main job: compile, configure, upload, start, verify.
    ///
    /// The program is compiled before the card is touched: when that fails, the card
    /// keeps playing what it played. Once the card is stopped for the upload, any
    /// failure leaves it stopped and the session holding no program
    /// ([`Session::is_playing`] is false), so the next program is uploaded in full.
    pub fn run(&mut self, loaded: LoadedProgram, opts: &JobOptions) -> Result<RunReport> {
        let (mut planned, samples) = self.compile(&loaded)?;
        let slots = share_identical(&samples);
        let meta = metadata(&loaded, &planned, &slots, self.config_digest.as_deref());
        self.stop_if_running();
        self.on_card = None;
        let t = Instant::now();
        let upload = configure_and_upload(
            &mut self.card,
            &self.config.card_settings(),
            &planned,
            &samples,
            &slots,
            &meta,
        )?;
        planned.timings.upload_s = t.elapsed().as_secs_f64();
        if let Err(e) = self.card.start(opts.force_trigger) {
            // A card that half started is stopped rather than left in doubt.
            let _ = self.card.stop();
            return Err(e);
        }
        let steps = steps(&planned, &slots);
        let continuity = if opts.verify {
            Some(self.verify(&planned, &samples, &slots, &steps, opts.threshold_fs)?)
        } else {
            None
        };
        let report = self.report(&loaded, &planned, &samples, &slots, &upload, continuity);
        self.on_card = Some(OnCard {
            loaded,
            planned,
            samples,
            slots,
            steps,
            move_closing: None,
        });
        Ok(report)
    }

    fn verify(
        &mut self,
        planned: &Planned,
        samples: &[SegmentSamples],
        slots: &SlotMap,
        steps: &[Step],
        threshold: f64,
    ) -> Result<ContinuityReport> {
        let trace = if self
            .card
            .info
            .features
            .contains(CardFeatures::PLAYBACK_TRACE)
        {
            self.playback()?
        } else {
            None
        };
        Ok(verify(
            planned,
            samples,
            slots,
            steps,
            trace.as_ref(),
            threshold,
        ))
    }

    /// Checks the continuity of the program on the card: every step-graph
    /// transition, and every transition the card reports playing (when it can).
    pub fn verify_on_card(&mut self, threshold: f64) -> Result<ContinuityReport> {
        let Some(on) = self.on_card.take() else {
            return Err(crate::error::Error::Usage(
                "nothing is on the card: run a program first".into(),
            ));
        };
        let report = self.verify(&on.planned, &on.samples, &on.slots, &on.steps, threshold);
        self.on_card = Some(on);
        report
    }

    fn stop_if_running(&mut self) {
        if self.on_card.is_some() {
            let _ = self.card.stop();
        }
    }

    /// Whether the card plays a program this session knows (the last one that was
    /// run or swapped in whole). False before the first run and after a failed
    /// reload that had to stop the card.
    pub fn is_playing(&self) -> bool {
        self.on_card.is_some()
    }

    /// The card's state in words, for messages after a failed reload.
    pub fn card_state(&self) -> &'static str {
        if self.is_playing() {
            "the card still plays the last good program"
        } else {
            "the card is stopped; the next good version is uploaded in full"
        }
    }

    /// What the card reports it played since start, if it can tell.
    pub fn playback(&mut self) -> Result<Option<awgsf_plugin_api::PlaybackTrace>> {
        self.card.playback()
    }

    /// Stops and releases the card.
    pub fn close(mut self) -> Result<()> {
        self.closed = true;
        self.card.close()
    }
}

/// A session that goes out of scope without [`Session::close`] (an early return, an
/// error path, a panic that unwinds) still stops and releases its card: a card must
/// never be left playing by a session nobody holds.
impl Drop for Session {
    fn drop(&mut self) {
        if !self.closed {
            self.closed = true;
            let _ = self.card.close();
        }
    }
}
