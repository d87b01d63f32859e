//! The program in card memory: full-upload validation (segments, slots, memory,
//! steps), data-only segment updates and read-back.

use awgsf_plugin_api::{PluginError, PluginResult, SegmentData, Step, UploadProgram, UploadReport};

use crate::settings::{SimSettings, BYTES_PER_SAMPLE};

/// One segment slot's contents.
#[derive(Debug, Clone)]
pub(crate) struct StoredSegment {
    /// Name for messages.
    pub name: String,
    /// Samples per channel.
    pub n_samples: u64,
    /// Interleaved codes, `n_samples * n_channels` long.
    pub data: Vec<i16>,
    /// 0 after the full upload, +1 per data-only update.
    pub version: u32,
}

/// A validated, uploaded program.
#[derive(Debug, Clone)]
pub(crate) struct Program {
    pub segments: Vec<StoredSegment>,
    pub steps: Vec<Step>,
    pub start_step: u32,
    /// Segment slots (`MAXSEGMENTS`).
    pub slots: u32,
    /// Capacity of one slot, samples per channel.
    pub slot_samples: u64,
    pub n_channels: u32,
}

/// `segment 3 'ramp'`, or `segment 3` without a name.
pub(crate) fn segment_label(index: u32, name: &str) -> String {
    if name.is_empty() {
        format!("segment {index}")
    } else {
        format!("segment {index} '{name}'")
    }
}

fn plural(n: u64, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}

/// Checks the data of one segment: channel count, data length, granularity and
/// minimum length.
fn check_segment_data(
    card: &SimSettings,
    n_channels: u32,
    seg: &SegmentData<'_>,
) -> PluginResult<()> {
    let label = segment_label(seg.index, seg.name.as_str());
    if seg.n_channels != n_channels {
        return Err(PluginError::invalid_input(format!(
            "{label}: data has {} interleaved, but configure enabled {}",
            plural(u64::from(seg.n_channels), "channel"),
            plural(u64::from(n_channels), "channel"),
        )));
    }
    let expected = seg.n_samples.checked_mul(u64::from(n_channels));
    if expected != Some(seg.samples.len() as u64) {
        return Err(PluginError::invalid_input(format!(
            "{label}: {} samples × {} channels needs {} codes, got {}",
            seg.n_samples,
            n_channels,
            expected.map_or_else(|| "more than 2^64".to_string(), |e| e.to_string()),
            seg.samples.len()
        )));
    }
    let step = card.step_samples;
    if !seg.n_samples.is_multiple_of(step) {
        return Err(PluginError::invalid_input(format!(
            "{label} has {} samples: not a multiple of the {step}-sample step ({} = {}×{step} + {})",
            seg.n_samples,
            seg.n_samples,
            seg.n_samples / step,
            seg.n_samples % step
        )));
    }
    let min = card.min_segment_for(n_channels).unwrap_or(step);
    if seg.n_samples < min {
        return Err(PluginError::invalid_input(format!(
            "{label}: {} samples is below the {min}-sample minimum for {} (short by {})",
            seg.n_samples,
            plural(u64::from(n_channels), "channel"),
            min - seg.n_samples
        )));
    }
    Ok(())
}

/// Validates a full upload against the card limits and the enabled channels.
pub(crate) fn validate_upload(
    card: &SimSettings,
    n_channels: u32,
    p: &UploadProgram<'_>,
) -> PluginResult<(Program, UploadReport)> {
    let n_segments = p.segments.len() as u64;
    if n_segments == 0 {
        return Err(PluginError::invalid_input(
            "upload: the program has no segments",
        ));
    }
    let slots = n_segments.next_power_of_two();
    if slots > u64::from(card.max_segments) {
        return Err(PluginError::limit(format!(
            "{} need {slots} segment slots (the next power of two), above the card's maximum \
             {} slots (max_segments) by {}",
            plural(n_segments, "segment"),
            card.max_segments,
            slots - u64::from(card.max_segments)
        )));
    }
    let n_steps = p.steps.len() as u64;
    if n_steps == 0 {
        return Err(PluginError::invalid_input(
            "upload: the program has no steps",
        ));
    }
    if n_steps > u64::from(card.max_steps) {
        return Err(PluginError::limit(format!(
            "{n_steps} steps exceed the card's maximum {} steps (max_steps) by {}",
            card.max_steps,
            n_steps - u64::from(card.max_steps)
        )));
    }

    let bytes_per_frame = u64::from(BYTES_PER_SAMPLE) * u64::from(n_channels);
    let slot_samples = card.memory_bytes / slots / bytes_per_frame;
    for (i, seg) in p.segments.iter().enumerate() {
        if seg.index as usize != i {
            return Err(PluginError::invalid_input(format!(
                "segments[{i}] has index {}: segments must be listed in slot order 0..{}",
                seg.index,
                n_segments - 1
            )));
        }
        check_segment_data(card, n_channels, seg)?;
        if seg.n_samples > slot_samples {
            return Err(PluginError::limit(format!(
                "{} need {slots} slots of {slot_samples} samples per channel each at {} \
                 ({} bytes shared equally); {} has {} samples and exceeds its slot by {}",
                plural(n_segments, "segment"),
                plural(u64::from(n_channels), "channel"),
                card.memory_bytes,
                segment_label(seg.index, seg.name.as_str()),
                seg.n_samples,
                seg.n_samples - slot_samples
            )));
        }
    }

    for (i, st) in p.steps.iter().enumerate() {
        check_step(card, i, st, n_segments, n_steps)?;
    }
    if u64::from(p.start_step) >= n_steps {
        return Err(PluginError::invalid_input(format!(
            "start step {} does not exist ({}: 0 to {})",
            p.start_step,
            plural(n_steps, "step"),
            n_steps - 1
        )));
    }
    // The checks every hardware backend shares (step-word fields among them).
    p.check(&crate::card_info::card_info(card))?;

    let segments: Vec<StoredSegment> = p
        .segments
        .iter()
        .map(|s| StoredSegment {
            name: s.name.as_str().to_string(),
            n_samples: s.n_samples,
            data: s.samples.as_slice().to_vec(),
            version: 0,
        })
        .collect();
    let bytes = segments
        .iter()
        .map(|s| s.data.len() as u64 * u64::from(BYTES_PER_SAMPLE))
        .sum();
    let report = UploadReport {
        bytes,
        segments: n_segments as u32,
        slots: slots as u32,
        steps: n_steps as u32,
    };
    let program = Program {
        segments,
        steps: p.steps.as_slice().to_vec(),
        start_step: p.start_step,
        slots: slots as u32,
        slot_samples,
        n_channels,
    };
    Ok((program, report))
}

fn check_step(
    card: &SimSettings,
    i: usize,
    st: &Step,
    n_segments: u64,
    n_steps: u64,
) -> PluginResult<()> {
    if st.index as usize != i {
        return Err(PluginError::invalid_input(format!(
            "steps[{i}] has index {}: steps must be listed in index order 0..{}",
            st.index,
            n_steps - 1
        )));
    }
    if u64::from(st.segment) >= n_segments {
        return Err(PluginError::invalid_input(format!(
            "step {i} plays segment {}, but the program has {} (0 to {})",
            st.segment,
            plural(n_segments, "segment"),
            n_segments - 1
        )));
    }
    if u64::from(st.next) >= n_steps {
        return Err(PluginError::invalid_input(format!(
            "step {i}: next step {} does not exist ({}: 0 to {})",
            st.next,
            plural(n_steps, "step"),
            n_steps - 1
        )));
    }
    if st.loops == 0 {
        return Err(PluginError::invalid_input(format!(
            "step {i} has 0 loops: a step plays its segment at least once (loops >= 1)"
        )));
    }
    if st.loops > card.max_loops {
        return Err(PluginError::limit(format!(
            "step {i} has {} loops, above the card's maximum {} (max_loops) by {}",
            st.loops,
            card.max_loops,
            st.loops - card.max_loops
        )));
    }
    Ok(())
}

impl Program {
    /// Checks a data-only update of one segment (it must exist and keep its length
    /// and channel count).
    pub(crate) fn check_update(
        &self,
        card: &SimSettings,
        seg: &SegmentData<'_>,
    ) -> PluginResult<()> {
        let n = self.segments.len();
        let Some(current) = self.segments.get(seg.index as usize) else {
            return Err(PluginError::invalid_input(format!(
                "update of {}: no such segment on the card ({} uploaded: 0 to {}); adding \
                 segments changes the program structure and needs a full upload, which \
                 requires the card to be stopped",
                segment_label(seg.index, seg.name.as_str()),
                n,
                n - 1
            )));
        };
        if seg.n_samples != current.n_samples {
            return Err(PluginError::invalid_input(format!(
                "update of {}: {} samples, but the segment on the card has {} ({} by {}); \
                 the length only changes with a full upload, which requires the card to be \
                 stopped",
                segment_label(seg.index, seg.name.as_str()),
                seg.n_samples,
                current.n_samples,
                if seg.n_samples > current.n_samples {
                    "longer"
                } else {
                    "shorter"
                },
                seg.n_samples.abs_diff(current.n_samples)
            )));
        }
        check_segment_data(card, self.n_channels, seg)
    }

    /// Replaces a segment's data (already checked) and returns its new version.
    pub(crate) fn apply_update(&mut self, seg: &SegmentData<'_>) -> u32 {
        let slot = &mut self.segments[seg.index as usize];
        slot.data.clear();
        slot.data.extend_from_slice(seg.samples.as_slice());
        if !seg.name.is_empty() {
            slot.name = seg.name.as_str().to_string();
        }
        slot.version += 1;
        slot.version
    }

    /// Copies segment `index` into `out`.
    pub(crate) fn read_back(&self, index: u32, out: &mut [i16]) -> PluginResult<()> {
        let n = self.segments.len();
        let Some(seg) = self.segments.get(index as usize) else {
            return Err(PluginError::invalid_input(format!(
                "read_back: segment {index} does not exist ({n} uploaded: 0 to {})",
                n - 1
            )));
        };
        if out.len() != seg.data.len() {
            return Err(PluginError::invalid_input(format!(
                "read_back of {}: the buffer holds {} codes, the segment has {} samples × {} \
                 channels = {}",
                segment_label(index, &seg.name),
                out.len(),
                seg.n_samples,
                self.n_channels,
                seg.data.len()
            )));
        }
        out.copy_from_slice(&seg.data);
        Ok(())
    }
}
