//! Hot swap: a changed program replaces the one on the card, rewriting only the
//! segments whose data changed while the card plays, when the structure (segment
//! count, lengths, step graph, slot sharing) is unchanged; otherwise a full upload.

use std::time::Instant;

use awgsf_plugin_api::CardFeatures;
use serde::Serialize;

use super::{JobOptions, OnCard, Session};
use crate::compiler::Planned;
use crate::error::{Error, Result};
use crate::pipeline::{lower, quantize, resolve, LowerOptions, LoweredSegment, QuantizedProgram};
use crate::program::digest::segment_fingerprints;
use crate::program::{LoadedProgram, PhaseMode};
use crate::render::{render_codes, SegmentSamples};
use crate::verify::ContinuityReport;

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

/// Slots a swap has rewritten so far.
#[derive(Default)]
struct Progress {
    /// Names of the segments written, in order.
    uploaded: Vec<String>,
    /// From the new program to the end of the first batch, seconds.
    first_swap_s: Option<f64>,
}

/// Why a batch of segments was not written in place.
enum BatchStop {
    /// Slot sharing would change: a full upload is needed.
    SharingChanged,
    /// Rendering or writing failed; true when nothing had been written yet.
    Failed(Error, bool),
}

/// The recompiled segments in two batches: those whose own definition changed
/// first, then those that changed only through carried state or phases.
fn edited_first(old: &OnCard, loaded: &LoadedProgram, recompiled: &[usize]) -> [Vec<usize>; 2] {
    let old_fp = segment_fingerprints(&old.loaded.program);
    let new_fp = segment_fingerprints(&loaded.program);
    let edited = |i: &usize| old_fp.get(*i).map(|f| &f.digest) != new_fp.get(*i).map(|f| &f.digest);
    let (first, rest): (Vec<usize>, Vec<usize>) = recompiled.iter().copied().partition(edited);
    [first, rest]
}

/// The report and the new state of the card once every changed slot of `plan` is
/// written (`old` holds the new samples).
fn swapped_in_place(
    old: OnCard,
    loaded: &LoadedProgram,
    opts: &JobOptions,
    plan: Replanned,
    progress: Progress,
    elapsed_s: f64,
) -> Swapped {
    let OnCard {
        samples,
        slots,
        steps,
        planned: old_planned,
        ..
    } = old;
    let Replanned {
        lowered,
        recompiled,
        quantized: q,
    } = plan;
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
        uploaded: progress.uploaded,
        first_swap_s: progress.first_swap_s,
        elapsed_s,
        continuity,
    };
    let on_card = OnCard {
        loaded: loaded.clone(),
        planned,
        samples,
        slots,
        steps,
        move_closing: None,
    };
    Swapped::InPlace(report, on_card)
}

impl Session {
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
                let _ = self.card.stop();
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
        let plan = match self.replan(&old, loaded) {
            Ok(Some(p)) => p,
            Ok(None) => return Swapped::NeedsFullUpload(old),
            Err(e) => return Swapped::Failed(e, Some(old)),
        };
        let mut old = old;
        let mut progress = Progress::default();
        for batch in edited_first(&old, loaded, &plan.recompiled) {
            if batch.is_empty() {
                continue;
            }
            match self.write_batch(&mut old, batch, &plan, &mut progress) {
                Ok(()) => {}
                Err(BatchStop::SharingChanged) => return Swapped::NeedsFullUpload(old),
                Err(BatchStop::Failed(e, card_unchanged)) => {
                    return Swapped::Failed(e, card_unchanged.then_some(old))
                }
            }
            progress
                .first_swap_s
                .get_or_insert_with(|| t0.elapsed().as_secs_f64());
        }
        let elapsed_s = t0.elapsed().as_secs_f64();
        swapped_in_place(old, loaded, opts, plan, progress, elapsed_s)
    }

    /// Renders the segments of `batch` and rewrites, in place, the slots whose bytes
    /// changed; `old` then holds the new samples.
    fn write_batch(
        &mut self,
        old: &mut OnCard,
        batch: Vec<usize>,
        plan: &Replanned,
        progress: &mut Progress,
    ) -> std::result::Result<(), BatchStop> {
        let plans: Vec<_> = batch
            .iter()
            .map(|&i| plan.lowered[i].plan.clone())
            .collect();
        // After a first batch was written the card holds a mix.
        let fresh = render_codes(&self.synth.backend, &plans, &())
            .map_err(|e| BatchStop::Failed(e, progress.uploaded.is_empty()))?;
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
            return Err(BatchStop::SharingChanged);
        }
        for (i, data) in changed {
            let slot = old.slots.slot_of_segment[i];
            let name = plan.quantized.segments[i].segment.name.clone();
            self.card
                .update_segment(slot, &name, data.n_samples, data.n_channels, &data.codes)
                .map_err(|e| BatchStop::Failed(e, false))?;
            old.samples[i] = data;
            progress.uploaded.push(name);
        }
        Ok(())
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
}
