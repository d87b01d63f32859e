//! Sample input shared by the sample and spectrogram pictures: compiled segments
//! or one played stream, gathered into pieces on a common sample axis with
//! labelled boundaries, plus the per-pixel-column min/max envelope.

use std::ops::Range;

use awgsf_core::format::duration;

/// One segment's compiled samples, interleaved (`ch0[0], ch1[0], ch0[1], …`).
#[derive(Debug, Clone, Copy)]
pub struct SegmentSamples<'a> {
    /// Segment name (labels its boundary).
    pub name: &'a str,
    /// Interleaved int16 card codes.
    pub data: &'a [i16],
    /// Channels interleaved in `data`.
    pub n_channels: usize,
    /// Position of the segment's first sample on the time axis.
    pub start_sample: u64,
}

/// A labelled position in a played stream (e.g. where a segment starts).
#[derive(Debug, Clone, PartialEq)]
pub struct Boundary {
    /// Sample position on the time axis.
    pub sample: u64,
    /// Label written above the panels.
    pub label: String,
}

/// A played stream: interleaved samples and the positions to mark.
#[derive(Debug, Clone, Copy)]
pub struct SampleStream<'a> {
    /// Interleaved int16 card codes.
    pub data: &'a [i16],
    /// Channels interleaved in `data`.
    pub n_channels: usize,
    /// Position of the first sample on the time axis.
    pub start_sample: u64,
    /// Positions to mark.
    pub boundaries: &'a [Boundary],
}

/// Where the samples of a picture come from.
#[derive(Debug, Clone, Copy)]
pub enum SampleSource<'a> {
    /// Chosen segments, each at its own start sample.
    Segments(&'a [SegmentSamples<'a>]),
    /// One stream with marked positions.
    Stream(SampleStream<'a>),
}

/// A block of contiguous samples on the common axis.
pub(crate) struct Piece<'a> {
    pub data: &'a [i16],
    pub start: u64,
}

impl Piece<'_> {
    /// One past the last sample position.
    pub fn end(&self, n_channels: usize) -> u64 {
        self.start + (self.data.len() / n_channels) as u64
    }
}

/// A piece as given: (interleaved data, start sample, name for messages).
type RawPiece<'a> = (&'a [i16], u64, &'a str);

/// Samples gathered from a [`SampleSource`].
pub(crate) struct Trace<'a> {
    pub pieces: Vec<Piece<'a>>,
    pub n_channels: usize,
    /// (sample, label, detail), in order.
    pub boundaries: Vec<(u64, String, String)>,
    /// First and one-past-last sample position covered.
    pub span: Range<u64>,
}

impl<'a> Trace<'a> {
    /// Checks and gathers `source` (`fs` labels segment durations).
    pub fn gather(source: &SampleSource<'a>, fs: f64) -> Result<Trace<'a>, String> {
        let (raw, n_channels, mut boundaries): (Vec<RawPiece<'_>>, usize, Vec<_>) = match source {
            SampleSource::Segments(segs) => {
                let first = segs.first().ok_or("no segments to draw")?;
                if let Some(s) = segs.iter().find(|s| s.n_channels != first.n_channels) {
                    return Err(format!(
                        "segment `{}` has {} channels, segment `{}` {}; all must have the same",
                        s.name, s.n_channels, first.name, first.n_channels
                    ));
                }
                let raw = segs
                    .iter()
                    .map(|s| (s.data, s.start_sample, s.name))
                    .collect();
                (raw, first.n_channels, Vec::new())
            }
            SampleSource::Stream(st) => {
                let b = st
                    .boundaries
                    .iter()
                    .map(|b| (b.sample, b.label.clone(), String::new()))
                    .collect();
                (vec![(st.data, st.start_sample, "stream")], st.n_channels, b)
            }
        };
        if n_channels == 0 {
            return Err("n_channels: expected at least 1 channel".to_string());
        }
        let mut pieces = Vec::with_capacity(raw.len());
        for (data, start, name) in raw {
            if data.len() % n_channels != 0 {
                return Err(format!(
                    "`{name}`: {} values are not a whole number of {n_channels}-channel frames",
                    data.len()
                ));
            }
            if data.is_empty() {
                return Err(format!("`{name}` has no samples"));
            }
            let piece = Piece { data, start };
            if let SampleSource::Segments(_) = source {
                let n = piece.end(n_channels) - start;
                boundaries.push((start, name.to_string(), duration(n as f64 / fs, 3)));
            }
            pieces.push(piece);
        }
        pieces.sort_by_key(|p| p.start);
        for w in pieces.windows(2) {
            if w[1].start < w[0].end(n_channels) {
                return Err(format!(
                    "segments overlap: one starts at sample {} before the previous ends at {}",
                    w[1].start,
                    w[0].end(n_channels)
                ));
            }
        }
        let span = pieces[0].start..pieces.iter().map(|p| p.end(n_channels)).max().unwrap_or(0);
        if let SampleSource::Segments(_) = source {
            boundaries.sort_by_key(|b| b.0);
        }
        Ok(Trace {
            pieces,
            n_channels,
            boundaries,
            span,
        })
    }

    /// `window` checked against the data, or the whole span.
    pub fn view(&self, window: Option<&Range<u64>>) -> Result<Range<u64>, String> {
        let Some(w) = window else {
            return Ok(self.span.clone());
        };
        let v = w.start.max(self.span.start)..w.end.min(self.span.end);
        if w.is_empty() || v.is_empty() {
            return Err(format!(
                "window {}..{}: expected a non-empty sample range overlapping the data ({}..{})",
                w.start, w.end, self.span.start, self.span.end
            ));
        }
        Ok(v)
    }

    /// Values of channel `ch` at positions in `range`, piece by piece:
    /// (first position, values with stride `n_channels` starting at `ch`).
    pub fn runs(&self, ch: usize, range: &Range<u64>) -> Vec<(u64, Vec<i16>)> {
        self.pieces
            .iter()
            .filter_map(|p| {
                let lo = range.start.max(p.start);
                let hi = range.end.min(p.end(self.n_channels));
                (lo < hi).then(|| {
                    let a = (lo - p.start) as usize;
                    let b = (hi - p.start) as usize;
                    let vals = p.data[a * self.n_channels..b * self.n_channels]
                        .iter()
                        .skip(ch)
                        .step_by(self.n_channels)
                        .copied()
                        .collect();
                    (lo, vals)
                })
            })
            .collect()
    }

    /// Min and max of channel `ch` in each of `columns` equal slices of `view`
    /// (`None` where a slice holds no data). Column `c` covers positions
    /// `view.start + ⌊c·len/columns⌋ .. view.start + ⌊(c+1)·len/columns⌋`, so every
    /// sample lands in exactly one column and none is hidden.
    pub fn envelope(
        &self,
        ch: usize,
        view: &Range<u64>,
        columns: usize,
    ) -> Vec<Option<(i16, i16)>> {
        let len = u128::from(view.end - view.start);
        let cols = columns.max(1) as u128;
        let edge = |c: u128| view.start + (c * len / cols) as u64;
        let mut out: Vec<Option<(i16, i16)>> = vec![None; cols as usize];
        for p in &self.pieces {
            let lo = view.start.max(p.start);
            let hi = view.end.min(p.end(self.n_channels));
            if lo >= hi {
                continue;
            }
            // First column whose slice contains `lo`.
            let mut c = (u128::from(lo - view.start) * cols / len) as usize;
            while c < out.len() && edge(c as u128 + 1) <= lo {
                c += 1;
            }
            while c < out.len() && edge(c as u128) < hi {
                let a = edge(c as u128).max(lo);
                let b = edge(c as u128 + 1).min(hi);
                if a < b {
                    let from = (a - p.start) as usize * self.n_channels + ch;
                    let to = (b - p.start) as usize * self.n_channels;
                    let (mn, mx) = p.data[from..to]
                        .iter()
                        .step_by(self.n_channels)
                        .fold((i16::MAX, i16::MIN), |(mn, mx), &v| (mn.min(v), mx.max(v)));
                    out[c] = Some(match out[c] {
                        None => (mn, mx),
                        Some((m0, m1)) => (m0.min(mn), m1.max(mx)),
                    });
                }
                c += 1;
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn stream(data: &[i16], n_channels: usize) -> Trace<'_> {
        Trace::gather(
            &SampleSource::Stream(SampleStream {
                data,
                n_channels,
                start_sample: 100,
                boundaries: &[],
            }),
            1e6,
        )
        .unwrap()
    }

    #[test]
    fn envelope_keeps_every_extreme() {
        // Two channels; channel 1 has a single spike that must survive decimation.
        let mut data = vec![0i16; 2 * 1000];
        data[2 * 777 + 1] = 30000;
        data[2 * 3 + 1] = -5;
        let t = stream(&data, 2);
        let env = t.envelope(1, &(100..1100), 7);
        assert_eq!(env.len(), 7);
        assert_eq!(env.iter().flatten().map(|c| c.1).max(), Some(30000));
        assert_eq!(env.iter().flatten().map(|c| c.0).min(), Some(-5));
        assert!(env.iter().all(Option::is_some));
        assert!(t
            .envelope(0, &(100..1100), 7)
            .iter()
            .flatten()
            .all(|&c| c == (0, 0)));
    }

    #[test]
    fn envelope_leaves_gaps_between_segments_empty() {
        let a = [1i16; 10];
        let b = [2i16; 10];
        let segs = [
            SegmentSamples {
                name: "a",
                data: &a,
                n_channels: 1,
                start_sample: 0,
            },
            SegmentSamples {
                name: "b",
                data: &b,
                n_channels: 1,
                start_sample: 30,
            },
        ];
        let t = Trace::gather(&SampleSource::Segments(&segs), 1e6).unwrap();
        assert_eq!(t.span, 0..40);
        assert_eq!(t.boundaries.len(), 2);
        let env = t.envelope(0, &(0..40), 4);
        assert_eq!(env, vec![Some((1, 1)), None, None, Some((2, 2))]);
    }

    #[test]
    fn bad_input_is_refused_with_the_segment_named() {
        let a = [1i16; 3];
        let segs = [SegmentSamples {
            name: "odd",
            data: &a,
            n_channels: 2,
            start_sample: 0,
        }];
        let err = Trace::gather(&SampleSource::Segments(&segs), 1e6)
            .err()
            .unwrap();
        assert!(err.contains("`odd`"), "{err}");
        let t = stream(&[0; 8], 1);
        assert!(t.view(Some(&(0..50))).is_err());
        assert_eq!(t.view(Some(&(102..150))).unwrap(), 102..108);
    }

    #[test]
    fn runs_pick_one_channel() {
        let data = [1i16, -1, 2, -2, 3, -3];
        let t = stream(&data, 2);
        assert_eq!(t.runs(1, &(101..103)), vec![(101, vec![-2, -3])]);
    }
}
