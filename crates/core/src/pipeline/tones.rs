//! Every tone of every part of a segment, as reports and files show it: start and
//! end frequency with the shift quantisation made (wrap snapping and its
//! propagation), amplitude and phase, per logical channel. `awgsf inspect --tones`
//! prints it and `manifest.json` carries it per segment.

use serde::Serialize;

use super::ir::{ResolvedSegment, ToneState};

/// One tone of one logical channel in one part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToneRow {
    /// Logical channel name.
    pub channel: String,
    /// Index of the tone in its channel.
    pub tone: usize,
    /// Frequency at the start of the part, Hz.
    pub start_hz: f64,
    /// Frequency at the end of the part, Hz.
    pub end_hz: f64,
    /// `start_hz` minus the frequency before quantisation, Hz (0 before it).
    pub start_shift_hz: f64,
    /// `end_hz` minus the frequency before quantisation, Hz (0 before it).
    pub end_shift_hz: f64,
    /// Amplitude at the start of the part.
    pub start_amp: f64,
    /// Amplitude at the end of the part.
    pub end_amp: f64,
    /// Phase at the start of the part as the program gives it, rad (the phase
    /// stage may choose other start phases).
    pub start_phase_rad: f64,
    /// Phase at the end of the part as the program gives it, rad.
    pub end_phase_rad: f64,
}

/// The tones of one part.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct PartTones {
    /// Index of the part in its segment.
    pub part: usize,
    /// Samples.
    pub n_samples: u64,
    /// Added by the quantiser (padding), not by an op.
    pub padding: bool,
    /// Every tone of every logical channel.
    pub tones: Vec<ToneRow>,
}

/// The tones of every part of `seg`. `before` is the same segment before
/// quantisation (`None` at the intent and resolved stages): the shifts are the
/// differences to it, part by part; a padding part is compared with the end of
/// the last part before quantisation.
pub fn segment_tones(
    seg: &ResolvedSegment,
    before: Option<&ResolvedSegment>,
    channels: &[String],
) -> Vec<PartTones> {
    seg.parts
        .iter()
        .enumerate()
        .map(|(i, part)| {
            let mut tones = Vec::new();
            for (c, ch) in part.channels.iter().enumerate() {
                let name = channels.get(c).cloned().unwrap_or_else(|| c.to_string());
                let (old_start, old_end): (Option<&ToneState>, Option<&ToneState>) =
                    match before.map(|b| (b.parts.get(i), b.parts.last())) {
                        Some((Some(p), _)) => (
                            p.channels.get(c).map(|x| &x.start),
                            p.channels.get(c).map(|x| &x.end),
                        ),
                        Some((None, Some(last))) => {
                            let end = last.channels.get(c).map(|x| &x.end);
                            (end, end)
                        }
                        _ => (None, None),
                    };
                let shift = |new: &ToneState, old: Option<&ToneState>, k: usize| {
                    old.and_then(|o| o.freqs_hz.get(k))
                        .map_or(0.0, |f| new.freqs_hz[k] - f)
                };
                for k in 0..ch.start.len().min(ch.end.len()) {
                    tones.push(ToneRow {
                        channel: name.clone(),
                        tone: k,
                        start_hz: ch.start.freqs_hz[k],
                        end_hz: ch.end.freqs_hz[k],
                        start_shift_hz: shift(&ch.start, old_start, k),
                        end_shift_hz: shift(&ch.end, old_end, k),
                        start_amp: ch.start.amps[k],
                        end_amp: ch.end.amps[k],
                        start_phase_rad: ch.start.phases_rad[k],
                        end_phase_rad: ch.end.phases_rad[k],
                    });
                }
            }
            PartTones {
                part: i,
                n_samples: part.n_samples,
                padding: part.op_index.is_none(),
                tones,
            }
        })
        .collect()
}
