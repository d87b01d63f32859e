//! Shared segments: segments whose card data are byte-identical are stored once
//! and referenced by several steps.

use std::collections::HashMap;

use serde::Serialize;

use crate::render::SegmentSamples;

/// Which slot each segment's data lives in.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct SlotMap {
    /// Slot of each segment (program order).
    pub slot_of_segment: Vec<u32>,
    /// For each slot, the segment whose data it holds.
    pub segment_of_slot: Vec<usize>,
    /// Bytes not written because a segment shares another's slot.
    pub saved_bytes: u64,
}

impl SlotMap {
    /// One slot per segment, nothing shared.
    pub fn identity(n: usize) -> SlotMap {
        SlotMap {
            slot_of_segment: (0..n as u32).collect(),
            segment_of_slot: (0..n).collect(),
            saved_bytes: 0,
        }
    }

    /// Number of segments sharing a slot with an earlier one.
    pub fn shared_count(&self) -> usize {
        self.slot_of_segment.len() - self.segment_of_slot.len()
    }
}

fn fingerprint(s: &SegmentSamples) -> (u64, u32, u64) {
    // FNV-1a over 64-bit words of four codes (one multiply per 8 bytes, so a hot
    // swap does not spend most of its time here): cheap, and every match is
    // confirmed code for code.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut mix = |w: u64| {
        h ^= w;
        h = h.wrapping_mul(0x0100_0000_01b3);
    };
    let words = s.codes.chunks_exact(4);
    let rest = words.remainder();
    for w in words {
        mix(w
            .iter()
            .enumerate()
            .fold(0u64, |acc, (i, &c)| acc | u64::from(c as u16) << (16 * i)));
    }
    for &c in rest {
        mix(u64::from(c as u16));
    }
    (s.n_samples, s.n_channels, h)
}

/// Groups byte-identical segments into shared slots (first occurrence owns it).
pub fn share_identical(segments: &[SegmentSamples]) -> SlotMap {
    let mut by_key: HashMap<(u64, u32, u64), Vec<u32>> = HashMap::new();
    let mut slot_of_segment = Vec::with_capacity(segments.len());
    let mut segment_of_slot: Vec<usize> = Vec::new();
    let mut saved = 0u64;
    for (i, s) in segments.iter().enumerate() {
        let key = fingerprint(s);
        let candidates = by_key.entry(key).or_default();
        let found = candidates
            .iter()
            .copied()
            .find(|&slot| segments[segment_of_slot[slot as usize]].codes == s.codes);
        match found {
            Some(slot) => {
                slot_of_segment.push(slot);
                saved += s.codes.len() as u64 * 2;
            }
            None => {
                let slot = segment_of_slot.len() as u32;
                segment_of_slot.push(i);
                candidates.push(slot);
                slot_of_segment.push(slot);
            }
        }
    }
    SlotMap {
        slot_of_segment,
        segment_of_slot,
        saved_bytes: saved,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn seg(codes: Vec<i16>) -> SegmentSamples {
        SegmentSamples {
            n_samples: codes.len() as u64 / 2,
            codes,
            n_channels: 2,
            stats: Vec::new(),
        }
    }

    #[test]
    fn identical_segments_share_a_slot() {
        let a = seg(vec![1, 2, 3, 4]);
        let b = seg(vec![1, 2, 3, 5]);
        let m = share_identical(&[a.clone(), b, a.clone(), a]);
        assert_eq!(m.slot_of_segment, vec![0, 1, 0, 0]);
        assert_eq!(m.segment_of_slot, vec![0, 1]);
        assert_eq!(m.saved_bytes, 16);
        assert_eq!(m.shared_count(), 2);
    }
}
