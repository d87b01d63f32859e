//! Timeline: every tone's frequency and amplitude against time for a quantised
//! program, one frequency panel and one amplitude panel per logical channel, with
//! segment boundaries marked and each segment named above the panels.
//!
//! Curves are evaluated with the renderers' interpolation formulas at a bounded
//! number of points per part (enough to show the shape, not every sample).
//! Colours follow tone identities, so a tone keeps its colour through moves,
//! ramps and remaps.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{finite_bounds, freq_unit, padded, time_unit, Unit};
use super::colour::{categorical, MARK_GREY};
use super::layout::{self, Axes};
use super::marks::{boundary_lines, strip_height, strip_over_charts, SegmentLabel};
use super::output::{check_target, write_figure, DrawResult, Figure, PixelSize};
use super::tones::{channel_state_at, sample_points};
use crate::PlotError;
use awgsf_core::format::duration;
use awgsf_core::pipeline::{QuantizedProgram, QuantizedSegment, ToneId};
use awgsf_core::program::SegmentMode;

/// How the time axis of a timeline is laid out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum TimeAxis {
    /// True time: each segment as long as one pass through it.
    #[default]
    Actual,
    /// Every segment the same width, so short segments stay visible; inside a
    /// segment, positions are proportional to its own time.
    EqualSegments,
}

/// Options of [`timeline`].
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineOptions {
    /// Segments to show (indices, a contiguous range); all when `None`.
    pub segments: Option<Range<usize>>,
    /// Time axis layout.
    pub time_axis: TimeAxis,
    /// Most points evaluated per changing part (2 to 4096).
    pub points_per_part: usize,
    /// Amplitude axis description, with its unit (amplitudes are mV on an
    /// uncalibrated channel, optical power on a calibrated one).
    pub amplitude_label: String,
    /// Title; a default naming the sample rate when `None`.
    pub title: Option<String>,
}

impl Default for TimelineOptions {
    fn default() -> TimelineOptions {
        TimelineOptions {
            segments: None,
            time_axis: TimeAxis::Actual,
            points_per_part: 96,
            amplitude_label: "amplitude".to_string(),
            title: None,
        }
    }
}

/// Draws the timeline of `program` into `path` (`.png` or `.svg`) at `size`
/// pixels and returns the path written.
pub fn timeline(
    program: &QuantizedProgram,
    options: &TimelineOptions,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    check_target(path, size)?;
    let figure =
        TimelineFigure::new(program, options).map_err(|m| PlotError::bad_input(path, m))?;
    write_figure(&figure, path, size)
}

/// One tone's path through one part: (x, frequency Hz, amplitude).
struct Trace {
    tone: ToneId,
    points: Vec<(f64, f64, f64)>,
}

struct ChannelCurves {
    name: String,
    traces: Vec<Trace>,
}

struct TimelineFigure {
    title: String,
    channels: Vec<ChannelCurves>,
    x_range: (f64, f64),
    /// Display unit of x (`None`: equal segment widths).
    x_unit: Option<Unit>,
    boundaries: Vec<f64>,
    /// At each segment's middle.
    labels: Vec<SegmentLabel>,
    amplitude_label: String,
}

impl TimelineFigure {
    fn new(
        program: &QuantizedProgram,
        options: &TimelineOptions,
    ) -> Result<TimelineFigure, String> {
        let fs = program.sample_rate_hz;
        if !(fs.is_finite() && fs > 0.0) {
            return Err(format!(
                "sample_rate_hz: expected a finite rate > 0 Hz, got {fs}"
            ));
        }
        if program.logical_channels.is_empty() {
            return Err("the program has no logical channels".to_string());
        }
        let n_seg = program.segments.len();
        let range = options.segments.clone().unwrap_or(0..n_seg);
        if range.is_empty() || range.end > n_seg {
            return Err(format!(
                "segments {}..{}: expected a non-empty range within the program's {n_seg} segments",
                range.start, range.end
            ));
        }
        let n_ch = program.logical_channels.len();
        for (i, qs) in program
            .segments
            .iter()
            .enumerate()
            .take(range.end)
            .skip(range.start)
        {
            if let Some(part) = qs.segment.parts.iter().find(|p| p.channels.len() != n_ch) {
                return Err(format!(
                    "segment {i} `{}`: a part has {} channels, the program {n_ch}",
                    qs.segment.name,
                    part.channels.len()
                ));
            }
        }

        let starts: Vec<u64> = program
            .segments
            .iter()
            .scan(0u64, |acc, qs| {
                let s = *acc;
                *acc += qs.segment.n_samples();
                Some(s)
            })
            .collect();
        let t0 = starts[range.start] as f64 / fs;
        let last = range.end - 1;
        let t1 = (starts[last] + program.segments[last].segment.n_samples()) as f64 / fs;
        let x_unit = match options.time_axis {
            TimeAxis::Actual => Some(time_unit(t1 - t0)),
            TimeAxis::EqualSegments => None,
        };
        // Position on the x axis of sample `k` of segment `i`.
        let x_of = |i: usize, k: u64| -> f64 {
            match x_unit {
                Some(u) => (starts[i] + k) as f64 / fs * u.scale,
                None => {
                    let n = program.segments[i].segment.n_samples().max(1);
                    (i - range.start) as f64 + k as f64 / n as f64
                }
            }
        };

        let mut channels: Vec<ChannelCurves> = program
            .logical_channels
            .iter()
            .map(|name| ChannelCurves {
                name: name.clone(),
                traces: Vec::new(),
            })
            .collect();
        let mut boundaries = Vec::new();
        let mut labels = Vec::new();
        for i in range.clone() {
            let qs = &program.segments[i];
            let n = qs.segment.n_samples();
            boundaries.push(x_of(i, 0));
            labels.push(SegmentLabel {
                x: 0.5 * (x_of(i, 0) + x_of(i, n)),
                extent: (x_of(i, 0), x_of(i, n)),
                name: qs.segment.name.clone(),
                detail: segment_detail(qs, fs),
            });
            let mut offset = 0u64;
            for part in &qs.segment.parts {
                for (ch, cp) in part.channels.iter().enumerate() {
                    let changes = !cp.is_constant();
                    let ks = sample_points(part.n_samples, changes, options.points_per_part);
                    let states: Vec<_> = ks
                        .iter()
                        .map(|&k| {
                            (
                                x_of(i, offset + k),
                                channel_state_at(cp, k, part.n_samples, fs),
                            )
                        })
                        .collect();
                    for (t, &tone) in cp
                        .start
                        .ids
                        .iter()
                        .enumerate()
                        .take(cp.start.len().min(cp.end.len()))
                    {
                        let points = states
                            .iter()
                            .map(|(x, s)| (*x, s.freqs_hz[t], s.amps[t]))
                            .filter(|(x, f, a)| x.is_finite() && f.is_finite() && a.is_finite())
                            .collect();
                        channels[ch].traces.push(Trace { tone, points });
                    }
                }
                offset += part.n_samples;
            }
        }
        boundaries.push(x_of(last, program.segments[last].segment.n_samples()));

        let x_range = (x_of(range.start, 0), *boundaries.last().unwrap_or(&1.0));
        let x_range = if x_range.1 > x_range.0 {
            x_range
        } else {
            (x_range.0, x_range.0 + 1.0)
        };
        let title = options.title.clone().unwrap_or_else(|| {
            format!(
                "Tones over time ({} segment{}, {} MS/s)",
                range.len(),
                if range.len() == 1 { "" } else { "s" },
                layout::tick(fs / 1e6)
            )
        });
        Ok(TimelineFigure {
            title,
            channels,
            x_range,
            x_unit,
            boundaries,
            labels,
            amplitude_label: options.amplitude_label.clone(),
        })
    }

    fn x_desc(&self) -> String {
        match self.x_unit {
            Some(u) => format!("time ({})", u.symbol),
            None => "segments (equal widths; each from its start to its end)".to_string(),
        }
    }
}

/// `duration · how it repeats` of a segment.
fn segment_detail(qs: &QuantizedSegment, fs: f64) -> String {
    let seg = &qs.segment;
    let repeat = match seg.mode {
        SegmentMode::WaitTrig => " · loops until trigger".to_string(),
        SegmentMode::LoopN if seg.loop_count > 1 => format!(" · ×{}", seg.loop_count),
        SegmentMode::LoopN => String::new(),
    };
    format!("{}{}", duration(seg.n_samples() as f64 / fs, 3), repeat)
}

impl Figure for TimelineFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = layout::font_px(root.dim_in_pixel());
        let (title_band, body) = layout::split_title(root, font);
        let strip_h = strip_height(&body, &self.labels, font);
        let (strip, panels) = body.split_vertically(strip_h);

        let dropped = strip_over_charts(&strip, self.x_range, &self.labels, font)?;
        let title = match dropped {
            0 => self.title.clone(),
            1 => format!("{} (1 short segment unlabelled)", self.title),
            n => format!("{} ({n} short segments unlabelled)", self.title),
        };
        layout::draw_title(&title_band, &title, font)?;

        let weights: Vec<f64> = self.channels.iter().flat_map(|_| [3.0, 2.0]).collect();
        let areas = layout::rows(&panels, &weights, layout::x_label_height(font));
        let x_desc = self.x_desc();
        let x_ticks = if self.x_unit.is_some() { 10 } else { 0 };
        let n_panels = areas.len();
        for (ci, ch) in self.channels.iter().enumerate() {
            for (pi, is_freq) in [(2 * ci, true), (2 * ci + 1, false)] {
                let area = &areas[pi];
                let is_last = pi + 1 == n_panels;
                let values = ch.traces.iter().flat_map(|t| {
                    t.points
                        .iter()
                        .map(move |p| if is_freq { p.1 } else { p.2 })
                });
                let bounds = finite_bounds(values);
                let (unit, y_desc, y_range) = if is_freq {
                    let (lo, hi) = bounds.unwrap_or((0.0, 1.0));
                    let u = freq_unit(lo.abs().max(hi.abs()));
                    let r = padded(lo * u.scale, hi * u.scale, 0.08);
                    (u.scale, format!("{} frequency ({})", ch.name, u.symbol), r)
                } else {
                    let (lo, hi) = bounds.unwrap_or((0.0, 1.0));
                    let r = padded(lo.min(0.0), hi.max(0.0), 0.08);
                    (1.0, format!("{} {}", ch.name, self.amplitude_label), r)
                };
                let mut chart = layout::chart(area, self.x_range, y_range, font, is_last)?;
                let axes = Axes {
                    x_desc: &x_desc,
                    y_desc: &y_desc,
                    x_ticks,
                    y_ticks: if is_freq { 6 } else { 4 },
                };
                layout::mesh(&mut chart, &axes, font)?;
                boundary_lines(&mut chart, &self.boundaries, y_range, MARK_GREY)?;
                for trace in &ch.traces {
                    let colour = categorical(trace.tone as usize);
                    let points = trace
                        .points
                        .iter()
                        .map(|p| (p.0, if is_freq { p.1 * unit } else { p.2 }));
                    chart.draw_series(LineSeries::new(points, colour.stroke_width(2)))?;
                }
                if bounds.is_none() {
                    layout::note(&chart, &format!("{}: no tones", ch.name), font)?;
                }
            }
        }
        Ok(())
    }
}
