//! Handing a compiled program to a card: the step table over shared slots, the
//! program metadata, and the upload itself.

use abi_stable::std_types::{RSlice, RStr};
use awgsf_plugin_api::{CardSettings, SegmentData, Step, UploadProgram, UploadReport};
use serde_json::json;

use crate::compiler::Planned;
use crate::error::Result;
use crate::machine::Card;
use crate::pipeline::step_table;
use crate::pipeline::tones::segment_tones;
use crate::program::digest::{program_digest, segment_fingerprints};
use crate::program::LoadedProgram;
use crate::render::SegmentSamples;
use crate::shared::SlotMap;

/// The program metadata sinks record (digest, fingerprints, quantisation table).
pub fn metadata(
    loaded: &LoadedProgram,
    planned: &Planned,
    slots: &SlotMap,
    config_digest: Option<&str>,
) -> serde_json::Value {
    let q = &planned.quantized;
    // The program before quantisation, for the frequency shifts of each tone.
    let resolved = crate::pipeline::resolve(&loaded.program, q.sample_rate_hz).ok();
    json!({
        "source": loaded.source,
        "program_digest": program_digest(&loaded.program),
        "config_digest": config_digest,
        "sample_rate_hz": q.sample_rate_hz,
        "channels": planned.lowered.first().map(|l| l.plan.channels.iter().map(|c| json!({
            "hardware_channel": c.hardware_channel,
            "full_scale": c.scale.full_scale,
            "full_scale_mv": c.scale.full_scale_mv,
            "clip": c.scale.clip,
            "calibrated": c.calibration.is_some(),
        })).collect::<Vec<_>>()),
        "logical_channels": q.logical_channels,
        "quantization": {
            "quantum_samples": q.quantum_samples,
            "step_samples": q.limits.step_samples,
            "min_segment_samples": q.min_samples,
            "quantum_s": q.limits.quantum_s,
        },
        "segments": q.segments.iter().zip(segment_fingerprints(&loaded.program)).enumerate().map(|(i, (qs, fp))| json!({
            "index": i,
            "name": qs.segment.name,
            "fingerprint": fp.digest,
            "slot": slots.slot_of_segment[i],
            "mode": qs.segment.mode.as_str(),
            "loop": qs.segment.loop_count,
            "phase_mode": qs.segment.phase_mode.as_str(),
            "original_samples": qs.info.original_samples,
            "quantized_samples": qs.info.quantized_samples,
            "loopable": qs.info.loopable,
            "wrap_protected": qs.info.wrap_protected,
            "parts": segment_tones(
                &qs.segment,
                resolved.as_ref().and_then(|r| r.segments.get(i)),
                &q.logical_channels,
            ),
        })).collect::<Vec<_>>(),
        "generator": concat!("awgsf ", env!("CARGO_PKG_VERSION")),
    })
}

/// The step table of `planned` with segments mapped to their slots.
pub fn steps(planned: &Planned, slots: &SlotMap) -> Vec<Step> {
    step_table(&planned.quantized, &slots.slot_of_segment)
}

/// Configures the card and uploads every slot and the step table.
pub fn configure_and_upload(
    card: &mut Card,
    settings: &CardSettings,
    planned: &Planned,
    samples: &[SegmentSamples],
    slots: &SlotMap,
    metadata: &serde_json::Value,
) -> Result<UploadReport> {
    card.configure(settings)?;
    let names: Vec<&str> = slots
        .segment_of_slot
        .iter()
        .map(|&s| planned.quantized.segments[s].segment.name.as_str())
        .collect();
    let data: Vec<SegmentData<'_>> = slots
        .segment_of_slot
        .iter()
        .enumerate()
        .map(|(slot, &s)| SegmentData {
            index: slot as u32,
            name: RStr::from(names[slot]),
            n_samples: samples[s].n_samples,
            n_channels: samples[s].n_channels,
            samples: RSlice::from_slice(&samples[s].codes),
        })
        .collect();
    let steps = steps(planned, slots);
    let meta = metadata.to_string();
    let program = UploadProgram {
        segments: RSlice::from_slice(&data),
        steps: RSlice::from_slice(&steps),
        start_step: 0,
        metadata_json: RStr::from(meta.as_str()),
    };
    card.upload(&program)
}
