//! One check of a whole upload against a card's [`CardInfo`], shared by every
//! hardware backend and the host, and the checked Spectrum step word.
//!
//! [`UploadProgram::check`] refuses anything the card cannot hold or a step word
//! cannot encode, naming the step or segment and the limit, before a backend writes
//! anything.

use crate::card::{CardInfo, SegmentData, Step, StepEnd, UploadProgram};
use crate::error::PluginError;

/// Largest loop count the 20-bit loop field of a Spectrum step word holds.
pub const STEP_WORD_MAX_LOOPS: u64 = (1 << 20) - 1;
/// Largest segment slot index the 16-bit segment field of a step word holds.
pub const STEP_WORD_MAX_SEGMENT: u32 = 0xFFFF;
/// Largest step index the 16-bit next-step field of a step word holds.
pub const STEP_WORD_MAX_STEP: u32 = 0xFFFF;

impl Step {
    /// Spectrum's 64-bit step word: bits 0-15 segment, 16-31 next step, 32-51 loops,
    /// bit 62 end-on-trigger, bit 63 end of sequence; an error naming the step when
    /// a field does not fit its bits or the loop count is 0.
    pub fn checked_spectrum_word(&self) -> Result<u64, PluginError> {
        let at = format!("step {}", self.index);
        if self.segment > STEP_WORD_MAX_SEGMENT {
            return Err(PluginError::limit(format!(
                "{at}: segment slot {} does not fit the step word's 16-bit segment field \
                 (at most {STEP_WORD_MAX_SEGMENT})",
                self.segment
            )));
        }
        if self.next > STEP_WORD_MAX_STEP {
            return Err(PluginError::limit(format!(
                "{at}: next step {} does not fit the step word's 16-bit step field \
                 (at most {STEP_WORD_MAX_STEP})",
                self.next
            )));
        }
        if self.loops == 0 || self.loops > STEP_WORD_MAX_LOOPS {
            return Err(PluginError::limit(format!(
                "{at}: loop count {} does not fit the step word's 20-bit loop field \
                 (expected 1 to {STEP_WORD_MAX_LOOPS})",
                self.loops
            )));
        }
        let flags: u64 = match self.end {
            StepEnd::Always => 0,
            StepEnd::OnTrigger => 0x4000_0000,
            StepEnd::EndOfSequence => 0x8000_0000,
        };
        let low = (u64::from(self.next) << 16) | u64::from(self.segment);
        Ok(((flags | self.loops) << 32) | low)
    }

    /// The step word of [`Step::checked_spectrum_word`].
    ///
    /// # Panics
    ///
    /// When a field does not fit the word (a step that [`UploadProgram::check`]
    /// refuses): a wrong word is never produced silently.
    pub fn spectrum_word(&self) -> u64 {
        match self.checked_spectrum_word() {
            Ok(w) => w,
            Err(e) => panic!("{}", e.message),
        }
    }
}

fn segment_label(seg: &SegmentData<'_>) -> String {
    format!("segment {} '{}'", seg.index, seg.name)
}

impl SegmentData<'_> {
    /// Checks one segment's data against the card: a channel count the card accepts,
    /// codes = samples × channels, a multiple of `step_samples`, at least the minimum
    /// length for the channel count (not the slot size, which depends on the program).
    pub fn check(&self, info: &CardInfo) -> Result<(), PluginError> {
        check_segment(info, self)
    }
}

fn check_segment(info: &CardInfo, seg: &SegmentData<'_>) -> Result<(), PluginError> {
    let name = segment_label(seg);
    let channels = seg.n_channels;
    if !info.channel_counts.contains(&channels) {
        return Err(PluginError::limit(format!(
            "{name}: {channels} interleaved channels; the {} accepts {:?}",
            info.model,
            info.channel_counts.as_slice()
        )));
    }
    let expected = seg.n_samples.checked_mul(u64::from(channels));
    if expected != Some(seg.samples.len() as u64) {
        return Err(PluginError::invalid_input(format!(
            "{name}: {} codes given, expected {} samples x {channels} channels",
            seg.samples.len(),
            seg.n_samples
        )));
    }
    let step = info.step_samples.max(1);
    if !seg.n_samples.is_multiple_of(step) {
        return Err(PluginError::invalid_input(format!(
            "{name}: {} samples is not a multiple of the card's {step}-sample step",
            seg.n_samples
        )));
    }
    let min = info.min_segment_for(channels).unwrap_or(step);
    if seg.n_samples < min {
        return Err(PluginError::invalid_input(format!(
            "{name}: {} samples is below the card's minimum of {min} samples with \
             {channels} channels",
            seg.n_samples
        )));
    }
    Ok(())
}

/// Checks one step against the segment and step counts and the loop limits.
fn check_step(
    info: &CardInfo,
    i: usize,
    step: &Step,
    n_seg: usize,
    n_steps: usize,
) -> Result<(), PluginError> {
    let at = format!("step {i}");
    if step.index as usize != i {
        return Err(PluginError::invalid_input(format!(
            "{at}: has index {}, expected {i}",
            step.index
        )));
    }
    if step.segment as usize >= n_seg {
        return Err(PluginError::invalid_input(format!(
            "{at}: plays segment {}, the program has {n_seg} segments",
            step.segment
        )));
    }
    if step.next as usize >= n_steps {
        return Err(PluginError::invalid_input(format!(
            "{at}: continues to step {}, the program has {n_steps} steps",
            step.next
        )));
    }
    let max_loops = info.max_loops.min(STEP_WORD_MAX_LOOPS);
    if step.loops < 1 || step.loops > max_loops {
        return Err(PluginError::limit(format!(
            "{at}: loop count {} outside 1 to {max_loops} (the {}'s max_loops {}, \
             the step word's 20-bit loop field {STEP_WORD_MAX_LOOPS})",
            step.loops, info.model, info.max_loops
        )));
    }
    step.checked_spectrum_word().map(|_| ())
}

impl UploadProgram<'_> {
    /// Checks the whole upload against `info` before anything is written: segment
    /// indices `0..n` in order, one channel count the card accepts, lengths (codes =
    /// samples × channels, a multiple of `step_samples`, at least the minimum for the
    /// channel count), slot count (the next power of two) ≤ `max_segments`, each
    /// segment fitting its slot's share of memory, steps ≤ `max_steps` with indices
    /// `0..n` in order, every step's segment and next step in range, loops
    /// `1..=max_loops` and fitting the step word, and the start step in range.
    /// Each error names the segment or step and the limit.
    pub fn check(&self, info: &CardInfo) -> Result<(), PluginError> {
        let n = self.segments.len();
        let n_steps = self.steps.len();
        if n == 0 || n_steps == 0 {
            return Err(PluginError::invalid_input(format!(
                "program: {n} segments and {n_steps} steps; an upload needs at least one of each"
            )));
        }
        let slots = (n as u64).next_power_of_two();
        let max_slots = u64::from(info.max_segments).min(u64::from(STEP_WORD_MAX_SEGMENT) + 1);
        if slots > max_slots {
            return Err(PluginError::limit(format!(
                "program: {n} segments need {slots} segment slots (the next power of two), \
                 the {} allows {max_slots}",
                info.model
            )));
        }
        let max_steps = u64::from(info.max_steps).min(u64::from(STEP_WORD_MAX_STEP) + 1);
        if n_steps as u64 > max_steps {
            return Err(PluginError::limit(format!(
                "program: {n_steps} steps, the {} allows {max_steps}",
                info.model
            )));
        }
        let channels = self.segments[0].n_channels;
        let frame = u64::from(info.bytes_per_sample.max(1)) * u64::from(channels.max(1));
        let capacity = info.memory_bytes / slots / frame;
        for (i, seg) in self.segments.iter().enumerate() {
            if seg.index as usize != i {
                return Err(PluginError::invalid_input(format!(
                    "segment '{}' at position {i} has index {}, expected {i}",
                    seg.name, seg.index
                )));
            }
            if seg.n_channels != channels {
                return Err(PluginError::invalid_input(format!(
                    "{}: {} interleaved channels, segment 0 has {channels}",
                    segment_label(seg),
                    seg.n_channels
                )));
            }
            check_segment(info, seg)?;
            if seg.n_samples > capacity {
                return Err(PluginError::limit(format!(
                    "{}: {} samples exceed the {capacity} samples of one of {slots} segment \
                     slots ({} bytes of memory, {channels} channels)",
                    segment_label(seg),
                    seg.n_samples,
                    info.memory_bytes
                )));
            }
        }
        for (i, step) in self.steps.iter().enumerate() {
            check_step(info, i, step, n, n_steps)?;
        }
        if self.start_step as usize >= n_steps {
            return Err(PluginError::invalid_input(format!(
                "program: start step {} does not exist ({n_steps} steps)",
                self.start_step
            )));
        }
        Ok(())
    }
}
