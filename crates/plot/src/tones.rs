//! Tone frequencies and amplitudes inside parts, evaluated with the renderers'
//! own interpolation formulas (`docs/semantics.md` §7.1) at chosen samples.

use awgsf_math::{frequency_at, interp_value};

use awgsf_core::pipeline::{ChannelPart, QuantizedProgram, ToneState};

/// The state of one channel at sample `k` of an `n`-sample part: frequencies and
/// amplitudes interpolated, phases and labels those of the part's start.
pub fn channel_state_at(part: &ChannelPart, k: u64, n: u64, fs: f64) -> ToneState {
    let (s, e) = (&part.start, &part.end);
    let tones = s.len().min(e.len());
    let kind = part.interp.kind;
    let tau = part.interp.tau_s.unwrap_or(0.0);
    let mut out = s.clone();
    if n == 0 {
        return out;
    }
    for i in 0..tones {
        out.freqs_hz[i] = frequency_at(kind, s.freqs_hz[i], e.freqs_hz[i], k, n);
        out.amps[i] = interp_value(kind, tau, s.amps[i], e.amps[i], k, n, fs);
    }
    out
}

/// The state of every logical channel at sample `sample` of segment `segment`
/// (`sample` equal to the segment's length gives the state it ends in). `None`
/// when the segment or the sample does not exist.
pub fn tones_at(program: &QuantizedProgram, segment: usize, sample: u64) -> Option<Vec<ToneState>> {
    let seg = &program.segments.get(segment)?.segment;
    let fs = program.sample_rate_hz;
    let mut offset = 0u64;
    for part in &seg.parts {
        if sample < offset + part.n_samples {
            let k = sample - offset;
            return Some(
                part.channels
                    .iter()
                    .map(|cp| channel_state_at(cp, k, part.n_samples, fs))
                    .collect(),
            );
        }
        offset += part.n_samples;
    }
    let last = seg.parts.last()?;
    (sample == offset).then(|| {
        last.channels
            .iter()
            .map(|cp| channel_state_at(cp, last.n_samples, last.n_samples, fs))
            .collect()
    })
}

/// The segment and the sample inside it at position `sample` of one pass through
/// the program (each segment played once); `None` past the end.
pub fn segment_at(program: &QuantizedProgram, sample: u64) -> Option<(usize, u64)> {
    let mut start = 0u64;
    for (i, qs) in program.segments.iter().enumerate() {
        let n = qs.segment.n_samples();
        if sample < start + n {
            return Some((i, sample - start));
        }
        start += n;
    }
    None
}

/// Most points evaluated per part, whatever the caller asks.
pub(crate) const MAX_POINTS_PER_PART: usize = 4096;

/// Samples at which to evaluate a part of `n` samples: both ends, and for a part
/// that changes, up to `max_points` (2 to [`MAX_POINTS_PER_PART`]) evenly spaced
/// samples in between.
pub(crate) fn sample_points(n: u64, changes: bool, max_points: usize) -> Vec<u64> {
    if !changes || n <= 1 {
        return vec![0, n];
    }
    let p = (max_points.clamp(2, MAX_POINTS_PER_PART) as u64 - 1).min(n);
    (0..=p)
        .map(|j| ((u128::from(j) * u128::from(n) + u128::from(p) / 2) / u128::from(p)) as u64)
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use awgsf_core::program::{Interp, InterpKind};

    fn state(freqs: &[f64], amps: &[f64]) -> ToneState {
        ToneState {
            freqs_hz: freqs.to_vec(),
            amps: amps.to_vec(),
            phases_rad: vec![0.0; freqs.len()],
            ids: (0..freqs.len() as u32).collect(),
            lineage: (0..freqs.len() as u32).collect(),
        }
    }

    #[test]
    fn linear_part_is_halfway_at_its_middle() {
        let part = ChannelPart {
            interp: Interp::of(InterpKind::Linear),
            start: state(&[100e6], &[0.2]),
            end: state(&[102e6], &[0.4]),
        };
        let mid = channel_state_at(&part, 50, 100, 1e6);
        assert!((mid.freqs_hz[0] - 101e6).abs() < 1e-6);
        assert!((mid.amps[0] - 0.3).abs() < 1e-12);
        let end = channel_state_at(&part, 100, 100, 1e6);
        assert_eq!(end.freqs_hz[0], 102e6);
    }

    #[test]
    fn amplitude_ramps_leave_frequencies_alone() {
        let part = ChannelPart {
            interp: Interp::of(InterpKind::AdiabaticRamp),
            start: state(&[90e6], &[0.5]),
            end: state(&[90e6], &[0.0]),
        };
        let end = channel_state_at(&part, 10, 10, 1e6);
        assert_eq!(end.freqs_hz[0], 90e6);
        assert_eq!(end.amps[0], awgsf_math::ADIABATIC_FLOOR);
    }

    #[test]
    fn sample_points_cover_both_ends_without_repeats() {
        assert_eq!(sample_points(1000, false, 50), vec![0, 1000]);
        let p = sample_points(1000, true, 5);
        assert_eq!(p, vec![0, 250, 500, 750, 1000]);
        let small = sample_points(3, true, 50);
        assert_eq!(small, vec![0, 1, 2, 3]);
        assert_eq!(
            sample_points(1 << 40, true, usize::MAX).len(),
            MAX_POINTS_PER_PART
        );
    }
}
