//! What the main job reports, as data: the program, backends, sizes, timings,
//! clipping and continuity of a run. The `awgsf` binary renders it as text or JSON.

use awgsf_plugin_api::UploadReport;
use serde::Serialize;

use super::Session;
use crate::compiler::{Planned, StageTimings};
use crate::program::digest::program_digest;
use crate::program::LoadedProgram;
use crate::render::SegmentSamples;
use crate::shared::SlotMap;
use crate::verify::ContinuityReport;

/// Clipping or calibration clamping in one segment and channel.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ClipRow {
    /// Segment.
    pub segment: String,
    /// Hardware channel.
    pub hardware_channel: u32,
    /// Samples clipped.
    pub clipped_samples: u64,
    /// Peak before clipping over full scale.
    pub peak_over_full_scale: f64,
    /// Tone-samples whose optical power was clamped to what the AOD can reach.
    pub calib_clamped: u64,
    /// Largest requested fraction of reachable power.
    pub calib_max_ratio: f64,
}

/// What the main job did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RunReport {
    /// Program source.
    pub source: String,
    /// Program digest.
    pub digest: String,
    /// Synthesis backend.
    pub synthesis: String,
    /// Card.
    pub card: String,
    /// Fallback notices.
    pub notices: Vec<String>,
    /// Segments.
    pub segments: usize,
    /// Slots on the card.
    pub slots: usize,
    /// Segments sharing another's slot.
    pub shared_segments: usize,
    /// Bytes saved by sharing.
    pub saved_bytes: u64,
    /// Steps.
    pub steps: usize,
    /// Samples per channel (each segment once).
    pub samples_per_channel: u64,
    /// Channels.
    pub channels: u32,
    /// Bytes written to the card.
    pub card_bytes: u64,
    /// One pass through every segment, seconds.
    pub duration_s: f64,
    /// Stage timings.
    pub timings: StageTimings,
    /// Samples × tones synthesised.
    pub tone_samples: u64,
    /// Over the render time.
    pub tone_samples_per_s: f64,
    /// Compile time over program duration (lower is faster).
    pub real_time_factor: f64,
    /// Peak resident memory, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Clipped or clamped segments.
    pub clipping: Vec<ClipRow>,
    /// Continuity verification.
    pub continuity: Option<ContinuityReport>,
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

impl Session {
    pub(super) fn report(
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
}
