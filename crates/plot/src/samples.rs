//! Samples: compiled int16 codes (or mV) per channel against time, segment
//! boundaries marked. Long views are drawn as a min/max envelope per pixel column,
//! so no spike is hidden; zoomed-in views show the samples themselves.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::SampleAxis;
use super::colour::{categorical, MARK_GREY};
use super::layout::{self, Axes};
use super::marks::{boundary_lines, strip_height, strip_over_charts, SegmentLabel};
use super::output::{check_target, write_figure, DrawResult, Figure, PixelSize};
use super::trace::{SampleSource, Trace};
use crate::PlotError;

/// How sample values are shown.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub enum SampleUnits {
    /// The int16 card codes.
    #[default]
    Codes,
    /// Millivolts: code × `mv_per_code` (full-scale mV / full-scale code).
    Millivolts {
        /// mV per code step.
        mv_per_code: f64,
    },
}

/// Options of [`samples`].
#[derive(Debug, Clone, PartialEq)]
pub struct SamplesOptions {
    /// Sample rate, Hz (the time axis).
    pub sample_rate_hz: f64,
    /// Codes or mV.
    pub units: SampleUnits,
    /// Channels to draw (indices into the interleaved data); all when `None`.
    pub channels: Option<Vec<usize>>,
    /// Channel names (`ch0`, `ch1`, … where missing).
    pub channel_names: Vec<String>,
    /// Sample positions to show; everything when `None`.
    pub window: Option<Range<u64>>,
    /// Title; a default when `None`.
    pub title: Option<String>,
}

impl SamplesOptions {
    /// Defaults for data at `sample_rate_hz`.
    pub fn new(sample_rate_hz: f64) -> SamplesOptions {
        SamplesOptions {
            sample_rate_hz,
            units: SampleUnits::Codes,
            channels: None,
            channel_names: Vec::new(),
            window: None,
            title: None,
        }
    }
}

/// Views with at most this many samples per plot-width pixel are drawn sample by
/// sample; longer ones as an envelope.
const RAW_SAMPLES_PER_PX: f64 = 1.0;
/// Views with at most this many samples per pixel also get a marker per sample.
const MARKER_SAMPLES_PER_PX: f64 = 1.0 / 4.0;

/// Draws the samples of `source` into `path` (`.png` or `.svg`) at `size` pixels
/// and returns the path written.
pub fn samples(
    source: &SampleSource<'_>,
    options: &SamplesOptions,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    check_target(path, size)?;
    let figure = SamplesFigure::new(source, options).map_err(|m| PlotError::bad_input(path, m))?;
    write_figure(&figure, path, size)
}

/// Names of the drawn channels, `ch{i}` where `names` has none.
pub(crate) fn channel_name(names: &[String], ch: usize) -> String {
    names.get(ch).cloned().unwrap_or_else(|| format!("ch{ch}"))
}

/// Checks a sample rate.
pub(crate) fn check_rate(fs: f64) -> Result<(), String> {
    if fs.is_finite() && fs > 0.0 {
        Ok(())
    } else {
        Err(format!(
            "sample_rate_hz: expected a finite rate > 0 Hz, got {fs}"
        ))
    }
}

struct SamplesFigure<'a> {
    trace: Trace<'a>,
    view: Range<u64>,
    channels: Vec<(usize, String)>,
    fs: f64,
    scale: f64,
    unit_name: &'static str,
    title: String,
}

impl<'a> SamplesFigure<'a> {
    fn new(source: &SampleSource<'a>, o: &SamplesOptions) -> Result<SamplesFigure<'a>, String> {
        check_rate(o.sample_rate_hz)?;
        let (scale, unit_name) = match o.units {
            SampleUnits::Codes => (1.0, "codes"),
            SampleUnits::Millivolts { mv_per_code } => {
                if !(mv_per_code.is_finite() && mv_per_code > 0.0) {
                    return Err(format!(
                        "units.mv_per_code: expected a finite value > 0, got {mv_per_code}"
                    ));
                }
                (mv_per_code, "mV")
            }
        };
        let trace = Trace::gather(source, o.sample_rate_hz)?;
        let view = trace.view(o.window.as_ref())?;
        let picked: Vec<usize> = o
            .channels
            .clone()
            .unwrap_or_else(|| (0..trace.n_channels).collect());
        if picked.is_empty() {
            return Err("channels: expected at least one channel to draw".to_string());
        }
        if let Some(&bad) = picked.iter().find(|&&c| c >= trace.n_channels) {
            return Err(format!(
                "channels: channel {bad} does not exist; the data has {} channel(s)",
                trace.n_channels
            ));
        }
        let channels = picked
            .iter()
            .map(|&c| (c, channel_name(&o.channel_names, c)))
            .collect();
        let title = o.title.clone().unwrap_or_else(|| {
            format!(
                "Samples {}..{} ({} MS/s)",
                view.start,
                view.end,
                layout::tick(o.sample_rate_hz / 1e6)
            )
        });
        Ok(SamplesFigure {
            trace,
            view,
            channels,
            fs: o.sample_rate_hz,
            scale,
            unit_name,
            title,
        })
    }

    fn axis(&self) -> SampleAxis {
        SampleAxis::new(self.view.start, self.view.end, self.fs)
    }
}

impl Figure for SamplesFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = layout::font_px(root.dim_in_pixel());
        let (title_band, body) = layout::split_title(root, font);
        layout::draw_title(&title_band, &self.title, font)?;
        let axis = self.axis();
        let x_range = (axis.x(self.view.start as f64), axis.x(self.view.end as f64));
        let marks: Vec<&(u64, String, String)> = self
            .trace
            .boundaries
            .iter()
            .filter(|b| self.view.contains(&b.0))
            .collect();
        let labels = SegmentLabel::at_starts(
            marks
                .iter()
                .map(|b| (axis.x(b.0 as f64), b.1.clone(), b.2.clone()))
                .collect(),
            x_range.1,
        );
        let panels = if labels.is_empty() {
            body
        } else {
            let (strip, panels) = body.split_vertically(strip_height(&body, &labels, font));
            strip_over_charts(&strip, x_range, &labels, font)?;
            panels
        };
        let boundary_xs: Vec<f64> = marks.iter().map(|b| axis.x(b.0 as f64)).collect();
        let weights = vec![1.0; self.channels.len()];
        let areas = layout::rows(&panels, &weights, layout::x_label_height(font));
        let x_desc = axis.desc();
        for (i, ((ch, name), area)) in self.channels.iter().zip(&areas).enumerate() {
            let is_last = i + 1 == areas.len();
            // Plot width in pixels decides between samples and an envelope.
            let width_px = {
                let probe = layout::chart(area, x_range, (-1.0, 1.0), font, is_last)?;
                probe.plotting_area().dim_in_pixel().0.max(1) as usize
            };
            let len = (self.view.end - self.view.start) as f64;
            let per_px = len / width_px as f64;
            let env = self.trace.envelope(*ch, &self.view, width_px);
            let peak = env
                .iter()
                .flatten()
                .map(|&(lo, hi)| f64::from(lo).abs().max(f64::from(hi).abs()))
                .fold(0.0, f64::max)
                * self.scale;
            let y = if peak > 0.0 { peak * 1.08 } else { 1.0 };
            let mut chart = layout::chart(area, x_range, (-y, y), font, is_last)?;
            let y_desc = format!("{name} ({})", self.unit_name);
            let axes = Axes {
                x_desc: &x_desc,
                y_desc: &y_desc,
                x_ticks: 10,
                y_ticks: 5,
            };
            layout::mesh(&mut chart, &axes, font)?;
            boundary_lines(&mut chart, &boundary_xs, (-y, y), MARK_GREY)?;
            let colour = categorical(i);
            if per_px <= RAW_SAMPLES_PER_PX {
                for (first, values) in self.trace.runs(*ch, &self.view) {
                    let pts: Vec<(f64, f64)> = values
                        .iter()
                        .enumerate()
                        .map(|(k, &v)| {
                            (axis.x((first + k as u64) as f64), f64::from(v) * self.scale)
                        })
                        .collect();
                    chart.draw_series(LineSeries::new(
                        pts.iter().copied(),
                        colour.stroke_width(1),
                    ))?;
                    if per_px <= MARKER_SAMPLES_PER_PX {
                        chart
                            .draw_series(pts.iter().map(|&p| Circle::new(p, 2, colour.filled())))?;
                    }
                }
            } else {
                self.draw_envelope(&mut chart, &env, &axis, colour)?;
            }
        }
        Ok(())
    }
}

impl SamplesFigure<'_> {
    /// Fills each run of columns between its min and max and outlines both edges.
    fn draw_envelope<DB: DrawingBackend>(
        &self,
        chart: &mut layout::Chart<'_, DB>,
        env: &[Option<(i16, i16)>],
        axis: &SampleAxis,
        colour: RGBColor,
    ) -> DrawResult {
        let len = (self.view.end - self.view.start) as f64;
        let cols = env.len() as f64;
        let x_of = |c: usize| axis.x(self.view.start as f64 + (c as f64 + 0.5) * len / cols);
        let mut c = 0;
        while c < env.len() {
            if env[c].is_none() {
                c += 1;
                continue;
            }
            let start = c;
            while c < env.len() && env[c].is_some() {
                c += 1;
            }
            let run: Vec<(f64, f64, f64)> = (start..c)
                .filter_map(|k| {
                    env[k].map(|(lo, hi)| {
                        (
                            x_of(k),
                            f64::from(lo) * self.scale,
                            f64::from(hi) * self.scale,
                        )
                    })
                })
                .collect();
            if let [(x, lo, hi)] = run[..] {
                chart.draw_series(std::iter::once(PathElement::new(
                    vec![(x, lo), (x, hi)],
                    colour.stroke_width(1),
                )))?;
                continue;
            }
            let upper: Vec<(f64, f64)> = run.iter().map(|p| (p.0, p.2)).collect();
            let lower: Vec<(f64, f64)> = run.iter().map(|p| (p.0, p.1)).collect();
            let outline: Vec<(f64, f64)> =
                upper.iter().chain(lower.iter().rev()).copied().collect();
            chart.draw_series(std::iter::once(Polygon::new(
                outline,
                colour.mix(0.45).filled(),
            )))?;
            chart.draw_series(LineSeries::new(upper, colour.stroke_width(1)))?;
            chart.draw_series(LineSeries::new(lower, colour.stroke_width(1)))?;
        }
        Ok(())
    }
}
