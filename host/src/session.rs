//! A session with a lab machine: the opened plugins, and the program on the card
//! (compiled plans, rendered data, slots and steps). It runs the main job — compile,
//! upload, start, verify — and hot-swaps a changed program: only segments whose data
//! changed are re-rendered and rewritten while the card plays, after checking that
//! lengths and the step graph are unchanged (otherwise a full upload, said so).

use std::time::Instant;

use abi_stable::std_types::{RSlice, RStr};
use awgsf_plugin_api::{CardFeatures, SegmentData, Step, UploadReport};
use serde::Serialize;

use crate::compiler::{plan_checked, CompileSettings, Planned, StageTimings};
use crate::config::{CardFigures, Config, MemoryFigures, SegmentUse};
use crate::error::{Error, Result};
use crate::machine::{open_machine, Card, Synthesis};
use crate::phases::crest::Effort;
use crate::pipeline::{
    lower, quantize, resolve, LowerOptions, LoweredSegment, QuantLimits, QuantizedProgram,
};
use crate::program::digest::{program_digest, segment_fingerprints};
use crate::program::LoadedProgram;
use crate::program::PhaseMode;
use crate::progress::DelayedBar;
use crate::render::{render_codes, SegmentSamples};
use crate::report::run::{ClipRow, RunReport};
use crate::setup::layout_from_config;
use crate::shared::{share_identical, SlotMap};
use crate::upload::{configure_and_upload, metadata, steps};
use crate::verify::{verify, ContinuityReport};

/// Options of the main job.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct JobOptions {
    /// Force a trigger right after start.
    pub force_trigger: bool,
    /// Verify continuity.
    pub verify: bool,
    /// Threshold of the verification, fraction of full scale.
    pub threshold_fs: f64,
    /// Show progress bars.
    pub progress: bool,
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
    /// `close` was called: nothing is left for `Drop` to release.
    closed: bool,
}

/// Peak resident memory of this process, bytes (Linux), if known.
pub fn peak_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// One notice per segment whose phase optimisation stopped at its time budget:
/// its phases then depend on the machine's speed.
fn budget_notices(planned: &Planned) -> Vec<String> {
    planned
        .quantized
        .segments
        .iter()
        .zip(&planned.lowered)
        .filter(|(_, l)| l.start.iter().any(|s| s.budget_hit))
        .map(|(q, _)| {
            format!(
                "the phase optimiser of '{}' stopped at its time budget ([phases] time_budget_ms); \
                 its phases may differ on a slower or busier machine",
                q.segment.name
            )
        })
        .collect()
}

/// What a hot swap did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SwapReport {
    /// True when the structure changed and a full upload was made instead.
    pub full_upload: bool,
    /// Why a full upload was needed.
    pub reason: Option<String>,
    /// Segments whose plans were recomputed and rendered.
    pub recompiled: Vec<String>,
    /// Segment slots rewritten on the card.
    pub uploaded: Vec<String>,
    /// From the new program to the first edited segment written, seconds (the
    /// segments whose own definition changed are written first).
    pub first_swap_s: Option<f64>,
    /// From the new program to the last slot written, seconds.
    pub elapsed_s: f64,
    /// Continuity of the new program.
    pub continuity: Option<ContinuityReport>,
}

impl SwapReport {
    fn full(reason: &str, t0: Instant, continuity: Option<ContinuityReport>) -> SwapReport {
        SwapReport {
            full_upload: true,
            reason: Some(reason.to_string()),
            recompiled: Vec::new(),
            uploaded: Vec::new(),
            first_swap_s: None,
            elapsed_s: t0.elapsed().as_secs_f64(),
            continuity,
        }
    }
}

/// What an in-place swap attempt came to.
enum Swapped {
    /// Done; the new program is on the card.
    InPlace(SwapReport, OnCard),
    /// The structure (or slot sharing) changed: a full upload is needed.
    NeedsFullUpload(OnCard),
    /// It failed; the program on the card if it is still known.
    Failed(Error, Option<OnCard>),
}

/// A changed program planned against the one on the card.
struct Replanned {
    /// Every segment's plan (unchanged ones reused).
    lowered: Vec<LoweredSegment>,
    /// Segments whose plans changed.
    recompiled: Vec<usize>,
    /// The new quantised program.
    quantized: QuantizedProgram,
}

/// Segment count, lengths and step graph (mode and loop count) equal.
fn same_structure(old: &Planned, q: &QuantizedProgram) -> bool {
    let o = &old.quantized.segments;
    o.len() == q.segments.len()
        && o.iter().zip(&q.segments).all(|(a, b)| {
            a.info.quantized_samples == b.info.quantized_samples
                && a.segment.mode == b.segment.mode
                && a.segment.loop_count == b.segment.loop_count
        })
        && old.quantized.logical_channels == q.logical_channels
}

/// Why a swap had to be a full upload, in words.
fn structure_change(old: &OnCard, loaded: &LoadedProgram, session: &Session) -> Result<String> {
    let settings = session.compile_settings(&loaded.program.logical_channels)?;
    let r = resolve(&loaded.program, settings.sample_rate_hz).map_err(|e| loaded.locate(e))?;
    let q = quantize(&r, &settings.limits).map_err(|e| loaded.locate(e))?;
    let o = &old.planned.quantized.segments;
    if o.len() != q.segments.len() {
        return Ok(format!(
            "the segment count changed from {} to {}",
            o.len(),
            q.segments.len()
        ));
    }
    for (a, b) in o.iter().zip(&q.segments) {
        if a.info.quantized_samples != b.info.quantized_samples {
            return Ok(format!(
                "segment '{}' changed length from {} to {} samples",
                b.segment.name, a.info.quantized_samples, b.info.quantized_samples
            ));
        }
        if a.segment.mode != b.segment.mode || a.segment.loop_count != b.segment.loop_count {
            return Ok(format!(
                "the step of segment '{}' changed (mode or loop count)",
                b.segment.name
            ));
        }
    }
    if old.planned.quantized.logical_channels != q.logical_channels {
        return Ok("the logical channels changed".into());
    }
    Ok("segments that were byte-identical (sharing a card slot) now differ, or the reverse".into())
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
            closed: false,
        })
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
    pub fn compile(
        &self,
        loaded: &LoadedProgram,
        progress: bool,
    ) -> Result<(Planned, Vec<SegmentSamples>)> {
        let settings = self.compile_settings(&loaded.program.logical_channels)?;
        // Lengths against the card's slots, memory, steps and loops before
        // anything is rendered.
        let mut planned = plan_checked(loaded, &settings, |q| {
            let uses = SegmentUse::of_program(q);
            Ok(MemoryFigures::compute(&self.figures, &uses).check()?)
        })?;
        let plans: Vec<_> = planned.lowered.iter().map(|l| l.plan.clone()).collect();
        let t = Instant::now();
        let bar = DelayedBar::new("rendering", progress);
        let samples = render_codes(&self.synth.backend, &plans, &bar)?;
        bar.finish();
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
        let (mut planned, samples) = self.compile(&loaded, opts.progress)?;
        let slots = share_identical(&samples);
        let meta = metadata(&loaded, &planned, &slots, self.config_digest.as_deref());
        self.stop_if_running();
        self.on_card = None;
        let t = Instant::now();
        let upload = configure_and_upload(
            &mut self.card.card,
            &self.config.card_settings(),
            &planned,
            &samples,
            &slots,
            &meta,
        )?;
        planned.timings.upload_s = t.elapsed().as_secs_f64();
        let started = self
            .card
            .card
            .start(opts.force_trigger)
            .into_result()
            .map_err(|error| Error::Hardware {
                what: "start".into(),
                error,
            });
        if let Err(e) = started {
            // A card that half started is stopped rather than left in doubt.
            let _ = self.card.card.stop();
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

    fn stop_if_running(&mut self) {
        if self.on_card.is_some() {
            let _ = self.card.card.stop();
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

    fn report(
        &self,
        loaded: &LoadedProgram,
        planned: &Planned,
        samples: &[SegmentSamples],
        slots: &SlotMap,
        upload: &UploadReport,
        continuity: Option<ContinuityReport>,
    ) -> RunReport {
        let fs = planned.quantized.sample_rate_hz;
        let duration_s = planned.samples() as f64 / fs;
        let t: StageTimings = planned.timings;
        let mut clipping = Vec::new();
        for (si, s) in samples.iter().enumerate() {
            for (c, st) in s.stats.iter().enumerate() {
                let ch = &planned.lowered[si].plan.channels[c];
                if st.clipped_samples > 0 || st.calib_clamped > 0 {
                    clipping.push(ClipRow {
                        segment: planned.quantized.segments[si].segment.name.clone(),
                        hardware_channel: ch.hardware_channel,
                        clipped_samples: st.clipped_samples,
                        peak_over_full_scale: st.peak_mv / ch.scale.full_scale_mv,
                        calib_clamped: st.calib_clamped,
                        calib_max_ratio: st.calib_max_ratio,
                    });
                }
            }
        }
        let n_channels = samples.first().map_or(0, |s| s.n_channels);
        RunReport {
            source: loaded.source.clone(),
            digest: program_digest(&loaded.program),
            synthesis: format!(
                "{} {} on {}",
                self.synth.info.name, self.synth.info.version, self.synth.info.device
            ),
            card: format!(
                "{} {} ({} {})",
                self.card.info.model,
                self.card.info.serial,
                self.card.plugin.info.name,
                self.card.plugin.info.version
            ),
            notices: self
                .synth
                .notices
                .iter()
                .cloned()
                .chain(budget_notices(planned))
                .collect(),
            segments: planned.quantized.segments.len(),
            slots: slots.segment_of_slot.len(),
            shared_segments: slots.shared_count(),
            saved_bytes: slots.saved_bytes,
            steps: planned.steps.len(),
            samples_per_channel: planned.samples(),
            channels: n_channels,
            card_bytes: upload.bytes,
            duration_s,
            timings: t,
            tone_samples: planned.tone_samples(),
            tone_samples_per_s: planned.tone_samples() as f64 / t.render_s.max(1e-12),
            real_time_factor: t.compile_s() / duration_s.max(1e-12),
            peak_rss_bytes: peak_rss_bytes(),
            clipping,
            continuity,
        }
    }

    /// Replaces the program on the card by `loaded`: when the card can hot-swap and
    /// segment count, lengths, step graph and slot sharing are unchanged, only
    /// segments whose plans changed are re-rendered and only slots whose bytes changed
    /// are rewritten, while the card keeps playing; otherwise a full upload (and the
    /// report says why).
    pub fn swap(&mut self, loaded: LoadedProgram, opts: &JobOptions) -> Result<SwapReport> {
        let t0 = Instant::now();
        let Some(old) = self.on_card.take() else {
            let r = self.run(loaded, opts)?;
            return Ok(SwapReport::full(
                "nothing was on the card",
                t0,
                r.continuity,
            ));
        };
        if !self.card.info.features.contains(CardFeatures::HOT_SWAP) {
            self.on_card = Some(old);
            let r = self.run(loaded, opts)?;
            return Ok(SwapReport::full(
                "the card cannot rewrite a segment while it plays (no hot-swap feature)",
                t0,
                r.continuity,
            ));
        }
        match self.try_swap(old, &loaded, opts, t0) {
            Swapped::InPlace(report, on_card) => {
                self.on_card = Some(on_card);
                Ok(report)
            }
            Swapped::NeedsFullUpload(old) => {
                // When even the structure cannot be told, `run` reports why.
                let reason = structure_change(&old, &loaded, self)
                    .unwrap_or_else(|_| "the program's structure changed".into());
                self.on_card = Some(old);
                let r = self.run(loaded, opts)?;
                Ok(SwapReport::full(&reason, t0, r.continuity))
            }
            Swapped::Failed(e, Some(old)) => {
                // Nothing was written: the card plays the old program.
                self.on_card = Some(old);
                Err(e)
            }
            Swapped::Failed(e, None) => {
                // A write failed after others succeeded: the card would play a mix
                // of two programs. Stop it; the next change gets a full upload.
                let _ = self.card.card.stop();
                Err(e)
            }
        }
    }

    /// The incremental path. Segments whose own definition changed are rendered and
    /// written first (so the edit reaches the card soonest), then the segments that
    /// changed only through carried state or phases.
    fn try_swap(
        &mut self,
        old: OnCard,
        loaded: &LoadedProgram,
        opts: &JobOptions,
        t0: Instant,
    ) -> Swapped {
        let Replanned {
            lowered,
            recompiled,
            quantized: q,
        } = match self.replan(&old, loaded) {
            Ok(Some(p)) => p,
            Ok(None) => return Swapped::NeedsFullUpload(old),
            Err(e) => return Swapped::Failed(e, Some(old)),
        };
        let old_fp = segment_fingerprints(&old.loaded.program);
        let new_fp = segment_fingerprints(&loaded.program);
        let edited =
            |i: &usize| old_fp.get(*i).map(|f| &f.digest) != new_fp.get(*i).map(|f| &f.digest);
        let (first, rest): (Vec<usize>, Vec<usize>) = recompiled.iter().copied().partition(edited);
        let mut old = old;
        let mut uploaded = Vec::new();
        let mut first_swap_s = None;
        for batch in [first, rest] {
            if batch.is_empty() {
                continue;
            }
            let plans: Vec<_> = batch.iter().map(|&i| lowered[i].plan.clone()).collect();
            let fresh = match render_codes(&self.synth.backend, &plans, &()) {
                Ok(f) => f,
                // After a first batch was written the card holds a mix.
                Err(e) if !uploaded.is_empty() => return Swapped::Failed(e, None),
                Err(e) => return Swapped::Failed(e, Some(old)),
            };
            // Only slots that hold one segment can be rewritten in place.
            let changed: Vec<(usize, SegmentSamples)> = batch
                .into_iter()
                .zip(fresh)
                .filter(|(i, s)| s.codes != old.samples[*i].codes)
                .collect();
            if changed.iter().any(|(i, _)| {
                let slot = old.slots.slot_of_segment[*i];
                old.slots
                    .slot_of_segment
                    .iter()
                    .filter(|&&x| x == slot)
                    .count()
                    > 1
            }) {
                // Sharing would change (even after a first batch was written): the
                // full upload that follows rewrites the card whole.
                return Swapped::NeedsFullUpload(old);
            }
            for (i, data) in changed {
                let slot = old.slots.slot_of_segment[i];
                let name = q.segments[i].segment.name.clone();
                let written = self
                    .card
                    .card
                    .update_segment(&SegmentData {
                        index: slot,
                        name: RStr::from(name.as_str()),
                        n_samples: data.n_samples,
                        n_channels: data.n_channels,
                        samples: RSlice::from_slice(&data.codes),
                    })
                    .into_result();
                if let Err(error) = written {
                    return Swapped::Failed(
                        Error::Hardware {
                            what: format!("update_segment '{name}'"),
                            error,
                        },
                        None,
                    );
                }
                old.samples[i] = data;
                uploaded.push(name);
            }
            first_swap_s.get_or_insert_with(|| t0.elapsed().as_secs_f64());
        }
        let elapsed_s = t0.elapsed().as_secs_f64();
        let OnCard {
            samples,
            slots,
            steps,
            planned: old_planned,
            ..
        } = old;
        let planned = Planned {
            quantized: q,
            steps: old_planned.steps,
            column_logical: old_planned.column_logical,
            lowered,
            timings: old_planned.timings,
        };
        let continuity = opts.verify.then(|| {
            crate::verify::verify(&planned, &samples, &slots, &steps, None, opts.threshold_fs)
        });
        let report = SwapReport {
            full_upload: false,
            reason: None,
            recompiled: recompiled
                .iter()
                .map(|&i| planned.quantized.segments[i].segment.name.clone())
                .collect(),
            uploaded,
            first_swap_s,
            elapsed_s,
            continuity,
        };
        let on_card = OnCard {
            loaded: loaded.clone(),
            planned,
            samples,
            slots,
            steps,
        };
        Swapped::InPlace(report, on_card)
    }

    /// Re-plans a changed program against what is on the card: `None` when its
    /// structure changed; otherwise every segment's plan (unchanged ones reused), the
    /// segments whose plans changed, and the quantised program.
    fn replan(&self, old: &OnCard, loaded: &LoadedProgram) -> Result<Option<Replanned>> {
        let settings = self.compile_settings(&loaded.program.logical_channels)?;
        let resolved =
            resolve(&loaded.program, settings.sample_rate_hz).map_err(|e| loaded.locate(e))?;
        let q = quantize(&resolved, &settings.limits).map_err(|e| loaded.locate(e))?;
        if !same_structure(&old.planned, &q) {
            return Ok(None);
        }
        let lower_opts = LowerOptions {
            effort: settings.effort,
        };
        let mut lowered: Vec<LoweredSegment> = Vec::with_capacity(q.segments.len());
        let mut recompiled = Vec::new();
        for i in 0..q.segments.len() {
            let prev_end = lowered.last().map(|l| l.end.clone());
            let old_l = &old.planned.lowered[i];
            let prev_same = i == 0 || prev_end.as_ref() == Some(&old.planned.lowered[i - 1].end);
            let depends_on_prev = q.segments[i].segment.phase_mode == PhaseMode::Continue;
            if q.segments[i] == old.planned.quantized.segments[i] && (prev_same || !depends_on_prev)
            {
                lowered.push(old_l.clone());
                continue;
            }
            let l = lower(
                &q,
                &settings.layout,
                &lower_opts,
                i..i + 1,
                prev_end.as_deref(),
            )
            .map_err(|e| loaded.locate(e))?
            .remove(0);
            if l.plan != old_l.plan {
                recompiled.push(i);
            }
            lowered.push(l);
        }
        Ok(Some(Replanned {
            lowered,
            recompiled,
            quantized: q,
        }))
    }

    /// What the card reports it played since start, if it can tell.
    pub fn playback(&mut self) -> Result<Option<awgsf_plugin_api::PlaybackTrace>> {
        Ok(self
            .card
            .card
            .playback()
            .into_result()
            .map_err(|error| Error::Hardware {
                what: "playback".into(),
                error,
            })?
            .into_option())
    }

    /// Stops and releases the card.
    pub fn close(mut self) -> Result<()> {
        self.closed = true;
        self.card
            .card
            .close()
            .into_result()
            .map_err(|error| Error::Hardware {
                what: "close".into(),
                error,
            })
    }
}

/// A session that goes out of scope without [`Session::close`] (an early return, an
/// error path, a panic that unwinds) still stops and releases its card: a card must
/// never be left playing by a session nobody holds.
impl Drop for Session {
    fn drop(&mut self) {
        if !self.closed {
            self.closed = true;
            let _ = self.card.card.close();
        }
    }
}
