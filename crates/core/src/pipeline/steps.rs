//! The sequence step table (`docs/semantics.md` §8).

use awgsf_plugin_api::{Step, StepEnd};

use crate::program::SegmentMode;

use super::quantize::QuantizedProgram;

/// Step `i` plays segment slot `slots[i]` (`i` itself unless segments are shared),
/// `loop` times (`loop_n`) or until a trigger (`wait_trig`), then goes to step
/// `(i + 1) mod n`.
pub fn step_table(q: &QuantizedProgram, slots: &[u32]) -> Vec<Step> {
    let n = q.segments.len();
    q.segments
        .iter()
        .enumerate()
        .map(|(i, qs)| {
            let seg = &qs.segment;
            let (loops, end) = match seg.mode {
                SegmentMode::LoopN => (seg.loop_count, StepEnd::Always),
                SegmentMode::WaitTrig => (1, StepEnd::OnTrigger),
            };
            Step {
                index: i as u32,
                segment: slots.get(i).copied().unwrap_or(i as u32),
                next: ((i + 1) % n) as u32,
                loops,
                end,
            }
        })
        .collect()
}
