//! Checking a program against the card before anything is written: segment
//! lengths, granularity, slot memory, segment/step/loop limits; and the step words.

use awgsf_plugin_api::{CardInfo, PluginError, PluginResult, SegmentData, UploadProgram};

/// What a checked program occupies on the card.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Layout {
    /// `SPC_SEQMODE_MAXSEGMENTS`: next power of two at or above the segment count.
    pub slots: u32,
    /// Samples per channel of each segment.
    pub lengths: Vec<u64>,
    /// Step words, by step index.
    pub words: Vec<u64>,
    /// Bytes of sample data.
    pub bytes: u64,
}

fn limit(message: String) -> PluginError {
    PluginError::limit(message)
}

/// Samples per channel one of `slots` segment slots holds.
pub fn slot_capacity(info: &CardInfo, slots: u32, channels: u32) -> u64 {
    let frame = u64::from(info.bytes_per_sample) * u64::from(channels);
    if slots == 0 || frame == 0 {
        0
    } else {
        info.memory_bytes / u64::from(slots) / frame
    }
}

/// Checks one segment's data against the card and the enabled channels.
pub fn check_segment(info: &CardInfo, channels: u32, seg: &SegmentData<'_>) -> PluginResult<()> {
    let name = format!("segment {} '{}'", seg.index, seg.name);
    if seg.n_channels != channels {
        return Err(PluginError::invalid_input(format!(
            "{name}: {} interleaved channels, the card is configured for {channels}",
            seg.n_channels
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
            "{name}: {} samples is below the card's minimum of {min} samples with {channels} channels",
            seg.n_samples
        )));
    }
    Ok(())
}

/// Checks the whole program and lays it out; nothing is written.
pub fn check_program(
    info: &CardInfo,
    channels: u32,
    p: &UploadProgram<'_>,
) -> PluginResult<Layout> {
    let n = p.segments.len();
    if n == 0 || p.steps.is_empty() {
        return Err(PluginError::invalid_input(format!(
            "program: {n} segments and {} steps; an upload needs at least one of each",
            p.steps.len()
        )));
    }
    let slots = (n as u64).next_power_of_two();
    if slots > u64::from(info.max_segments) {
        return Err(limit(format!(
            "program: {n} segments need {slots} segment slots, the {} allows {}",
            info.model, info.max_segments
        )));
    }
    let slots = slots as u32;
    if p.steps.len() as u64 > u64::from(info.max_steps) {
        return Err(limit(format!(
            "program: {} steps, the {} allows {}",
            p.steps.len(),
            info.model,
            info.max_steps
        )));
    }
    let capacity = slot_capacity(info, slots, channels);
    let mut lengths = Vec::with_capacity(n);
    let mut bytes = 0u64;
    for (i, seg) in p.segments.iter().enumerate() {
        if seg.index as usize != i {
            return Err(PluginError::invalid_input(format!(
                "segment '{}' at position {i} has index {}, expected {i}",
                seg.name, seg.index
            )));
        }
        check_segment(info, channels, seg)?;
        if seg.n_samples > capacity {
            return Err(limit(format!(
                "segment {i} '{}': {} samples exceed the {capacity} samples of one of {slots} segment slots ({} bytes of memory, {channels} channels)",
                seg.name, seg.n_samples, info.memory_bytes
            )));
        }
        lengths.push(seg.n_samples);
        bytes += seg.samples.len() as u64 * 2;
    }
    let n_steps = p.steps.len() as u32;
    let mut words = Vec::with_capacity(p.steps.len());
    for (i, step) in p.steps.iter().enumerate() {
        let at = format!("step {i}");
        if step.index as usize != i {
            return Err(PluginError::invalid_input(format!(
                "{at}: has index {}, expected {i}",
                step.index
            )));
        }
        if step.segment as usize >= n {
            return Err(PluginError::invalid_input(format!(
                "{at}: plays segment {}, the program has {n} segments",
                step.segment
            )));
        }
        if step.next >= n_steps {
            return Err(PluginError::invalid_input(format!(
                "{at}: continues to step {}, the program has {n_steps} steps",
                step.next
            )));
        }
        if step.loops < 1 || step.loops > info.max_loops {
            return Err(limit(format!(
                "{at}: loop count {} outside 1..{} of the {}",
                step.loops, info.max_loops, info.model
            )));
        }
        words.push(step.spectrum_word());
    }
    if p.start_step >= n_steps {
        return Err(PluginError::invalid_input(format!(
            "program: start step {} does not exist ({n_steps} steps)",
            p.start_step
        )));
    }
    Ok(Layout {
        slots,
        lengths,
        words,
        bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::configure::tests::m4i_info;
    use awgsf_plugin_api::{ErrorKind, Step, StepEnd};

    fn seg(index: u32, n: u64, data: &[i16]) -> SegmentData<'_> {
        SegmentData {
            index,
            name: "s".into(),
            n_samples: n,
            n_channels: 2,
            samples: data.into(),
        }
    }

    fn step(index: u32, segment: u32, next: u32, loops: u64) -> Step {
        Step {
            index,
            segment,
            next,
            loops,
            end: StepEnd::Always,
        }
    }

    #[test]
    fn layout_of_three_segments() {
        let d = vec![0i16; 2 * 192];
        let segs = [seg(0, 192, &d), seg(1, 192, &d), seg(2, 192, &d)];
        let steps = [step(0, 0, 1, 1), step(1, 1, 2, 5), step(2, 2, 0, 1)];
        let p = UploadProgram {
            segments: segs[..].into(),
            steps: steps[..].into(),
            start_step: 0,
            metadata_json: "".into(),
        };
        let l = check_program(&m4i_info(), 2, &p).unwrap();
        assert_eq!(l.slots, 4);
        assert_eq!(l.lengths, vec![192, 192, 192]);
        assert_eq!(l.words[1], (5u64 << 32) | (2 << 16) | 1);
        assert_eq!(l.bytes, 3 * 192 * 2 * 2);
    }

    #[test]
    fn limits_are_checked_before_writing() {
        let mut info = m4i_info();
        let d = vec![0i16; 2 * 192];
        let segs = [seg(0, 192, &d), seg(1, 192, &d), seg(2, 192, &d)];
        let steps = [step(0, 0, 1, 1), step(1, 1, 2, 1), step(2, 2, 0, 1)];
        let p = UploadProgram {
            segments: segs[..].into(),
            steps: steps[..].into(),
            start_step: 0,
            metadata_json: "".into(),
        };
        info.max_segments = 2;
        let e = check_program(&info, 2, &p).unwrap_err();
        assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
        assert!(e.message.contains("need 4 segment slots"), "{e}");
        let mut info = m4i_info();
        info.max_steps = 2;
        assert!(check_program(&info, 2, &p)
            .unwrap_err()
            .message
            .contains("3 steps"));
        let mut info = m4i_info();
        // 4 slots of 2 channels x 2 bytes: 100 samples each.
        info.memory_bytes = 4 * 100 * 4;
        let e = check_program(&info, 2, &p).unwrap_err();
        assert!(
            e.message
                .contains("exceed the 100 samples of one of 4 segment slots"),
            "{e}"
        );
        let info = m4i_info();
        let bad = [step(0, 0, 1, 1), step(1, 1, 2, 1 << 20), step(2, 2, 0, 1)];
        let p2 = UploadProgram {
            steps: bad[..].into(),
            ..p
        };
        assert!(check_program(&info, 2, &p2)
            .unwrap_err()
            .message
            .starts_with("step 1: loop count 1048576"));
    }

    #[test]
    fn segment_shape_errors_name_the_segment() {
        let info = m4i_info();
        let d = vec![0i16; 2 * 200];
        let e = check_segment(&info, 2, &seg(3, 200, &d)).unwrap_err();
        assert!(
            e.message
                .starts_with("segment 3 's': 200 samples is not a multiple"),
            "{e}"
        );
        let d = vec![0i16; 2 * 160];
        let e = check_segment(&info, 2, &seg(3, 160, &d)).unwrap_err();
        assert!(e.message.contains("minimum of 192"), "{e}");
        let e = check_segment(&info, 2, &seg(3, 192, &d)).unwrap_err();
        assert!(e.message.contains("320 codes given"), "{e}");
        let e = check_segment(&info, 4, &seg(3, 160, &d)).unwrap_err();
        assert!(e.message.contains("configured for 4"), "{e}");
    }
}
