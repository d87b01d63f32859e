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
    if seg.n_channels != channels {
        return Err(PluginError::invalid_input(format!(
            "segment {} '{}': {} interleaved channels, the card is configured for {channels}",
            seg.index, seg.name, seg.n_channels
        )));
    }
    seg.check(info)
}

/// Checks the whole program ([`UploadProgram::check`] and the enabled channels) and
/// lays it out; nothing is written.
pub fn check_program(
    info: &CardInfo,
    channels: u32,
    p: &UploadProgram<'_>,
) -> PluginResult<Layout> {
    if let Some(seg) = p.segments.first() {
        check_segment(info, channels, seg)?;
    }
    p.check(info)?;
    let words = p
        .steps
        .iter()
        .map(|s| s.checked_spectrum_word())
        .collect::<PluginResult<Vec<u64>>>()?;
    Ok(Layout {
        slots: (p.segments.len() as u32).next_power_of_two(),
        lengths: p.segments.iter().map(|s| s.n_samples).collect(),
        words,
        bytes: p.segments.iter().map(|s| s.samples.len() as u64 * 2).sum(),
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
