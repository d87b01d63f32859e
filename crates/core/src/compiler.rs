//! The fixed pipeline up to render plans: resolve → quantise → phases/lowering →
//! step table, with stage timings; and the figures a compilation reports.

use std::time::Instant;

use awgsf_plugin_api::Step;
use serde::Serialize;

use crate::error::Result;
use crate::phases::crest::Effort;
use crate::phases::start::TonePhases;
use crate::pipeline::{
    lower, quantize, resolve, step_table, LowerOptions, LoweredSegment, OutputLayout, QuantLimits,
    QuantizedProgram,
};
use crate::program::limits::check_segment_samples;
use crate::program::LoadedProgram;

/// Everything a compilation needs besides the program.
#[derive(Debug, Clone, PartialEq)]
pub struct CompileSettings {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Card limits for the quantiser.
    pub limits: QuantLimits,
    /// Output columns, calibrations and conversion to codes.
    pub layout: OutputLayout,
    /// Crest-factor optimiser effort.
    pub effort: Effort,
}

/// Wall time of each stage, seconds.
#[derive(Debug, Clone, Copy, PartialEq, Default, Serialize)]
pub struct StageTimings {
    /// Resolve.
    pub resolve_s: f64,
    /// Quantise.
    pub quantize_s: f64,
    /// Phases and lowering to render plans.
    pub lower_s: f64,
    /// Synthesis.
    pub render_s: f64,
    /// Upload to the card.
    pub upload_s: f64,
}

impl StageTimings {
    /// Resolve + quantise + lower + render.
    pub fn compile_s(&self) -> f64 {
        self.resolve_s + self.quantize_s + self.lower_s + self.render_s
    }
}

/// A program compiled to render plans.
#[derive(Debug, Clone, PartialEq)]
pub struct Planned {
    /// The quantised program.
    pub quantized: QuantizedProgram,
    /// One render plan per segment, with start/end phases.
    pub lowered: Vec<LoweredSegment>,
    /// The step table (one step per segment; slots not yet shared).
    pub steps: Vec<Step>,
    /// Logical channel driving each output column (`None`: zeros).
    pub column_logical: Vec<Option<usize>>,
    /// Timings of the stages run so far.
    pub timings: StageTimings,
}

impl Planned {
    /// Sum over segments, channels and parts of samples × tones.
    pub fn tone_samples(&self) -> u64 {
        self.lowered
            .iter()
            .flat_map(|l| l.plan.channels.iter())
            .flat_map(|c| c.parts.iter())
            .map(|p| p.n_samples * p.tones.len() as u64)
            .sum()
    }

    /// Samples per channel over all segments (each once).
    pub fn samples(&self) -> u64 {
        self.lowered.iter().map(|l| l.plan.n_samples).sum()
    }

    /// End phases of every segment (what a partial recompilation is seeded with).
    pub fn end_phases(&self) -> Vec<Vec<TonePhases>> {
        self.lowered.iter().map(|l| l.end.clone()).collect()
    }
}

fn since(t: Instant) -> f64 {
    t.elapsed().as_secs_f64()
}

/// Resolves, quantises and lowers a program.
pub fn plan(loaded: &LoadedProgram, settings: &CompileSettings) -> Result<Planned> {
    plan_checked(loaded, settings, |_| Ok(()))
}

/// [`plan`] with `check` run on the quantised program (segment lengths known,
/// nothing big allocated yet) before the segment-size limit and lowering: the
/// place to refuse a program that does not fit the card.
pub fn plan_checked(
    loaded: &LoadedProgram,
    settings: &CompileSettings,
    check: impl FnOnce(&QuantizedProgram) -> Result<()>,
) -> Result<Planned> {
    let t = Instant::now();
    let resolved =
        resolve(&loaded.program, settings.sample_rate_hz).map_err(|e| loaded.locate(e))?;
    let resolve_s = since(t);
    let t = Instant::now();
    let quantized = quantize(&resolved, &settings.limits).map_err(|e| loaded.locate(e))?;
    let quantize_s = since(t);
    check(&quantized)?;
    for (i, s) in quantized.segments.iter().enumerate() {
        check_segment_samples(i, &s.segment.name, s.info.quantized_samples)
            .map_err(|e| loaded.locate(e))?;
    }
    let t = Instant::now();
    let opts = LowerOptions {
        effort: settings.effort,
    };
    let n = quantized.segments.len();
    let lowered =
        lower(&quantized, &settings.layout, &opts, 0..n, None).map_err(|e| loaded.locate(e))?;
    let lower_s = since(t);
    let slots: Vec<u32> = (0..n as u32).collect();
    let steps = step_table(&quantized, &slots);
    Ok(Planned {
        quantized,
        lowered,
        steps,
        column_logical: settings.layout.columns.iter().map(|c| c.logical).collect(),
        timings: StageTimings {
            resolve_s,
            quantize_s,
            lower_s,
            ..StageTimings::default()
        },
    })
}

/// Partial compilation: resolves and quantises the whole program (cheap, and needed
/// for the carried tone state) but lowers only segments `range`, seeded with the end
/// phases of the segment before it from an earlier compilation (`seed`, one entry
/// per logical channel). The result equals those segments of a full compilation
/// whenever the earlier compilation was of the same program up to `range.start`.
pub fn plan_range(
    loaded: &LoadedProgram,
    settings: &CompileSettings,
    range: std::ops::Range<usize>,
    seed: Option<&[TonePhases]>,
) -> Result<Vec<LoweredSegment>> {
    let resolved =
        resolve(&loaded.program, settings.sample_rate_hz).map_err(|e| loaded.locate(e))?;
    let quantized = quantize(&resolved, &settings.limits).map_err(|e| loaded.locate(e))?;
    if range.start > range.end || range.end > quantized.segments.len() {
        return Err(crate::error::Error::Usage(format!(
            "segments {}..{} are not a run of the program's {} segments",
            range.start,
            range.end,
            quantized.segments.len()
        )));
    }
    let opts = LowerOptions {
        effort: settings.effort,
    };
    Ok(lower(&quantized, &settings.layout, &opts, range, seed).map_err(|e| loaded.locate(e))?)
}
