//! Spectrogram: a heat map of frequency against time for one channel's samples
//! (short-time Fourier transform, Hann window), levels in dB relative to a
//! full-scale sine on a viridis scale, with segment boundaries marked.
//!
//! Each pixel row shows the loudest FFT bin inside it, so a narrow tone never
//! falls between rows; the frequency axis zooms to where the signal is unless a
//! range is given.

use std::ops::Range;
use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::element::BitMapElement;
use plotters::prelude::*;

use super::axis::{freq_unit, SampleAxis};
use super::colour::viridis;
use super::colourbar::{bar_width, colour_bar};
use super::layout::{self, Axes};
use super::marks::{boundary_lines, strip_height, strip_over_charts, SegmentLabel};
use super::output::{check_target, write_figure, DrawResult, Figure, PixelSize};
use super::samples::{channel_name, check_rate};
use super::stft::{default_fft_len, stft, Stft};
use super::trace::{SampleSource, Trace};
use crate::PlotError;

/// Longest window transformed, samples (27 ms at 625 MS/s; the window is held as
/// `f64`, 128 MiB at most).
pub const MAX_SPECTROGRAM_SAMPLES: u64 = 1 << 24;

/// Full-scale int16 code: a sine of this amplitude is 0 dBFS.
const FULL_SCALE_CODE: f64 = 32767.0;

/// Options of [`spectrogram`].
#[derive(Debug, Clone, PartialEq)]
pub struct SpectrogramOptions {
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Channel (index into the interleaved data).
    pub channel: usize,
    /// Channel name for labels (`ch{channel}` when `None`).
    pub channel_name: Option<String>,
    /// Sample positions to transform; everything when `None`. Gaps between
    /// segments count as silence.
    pub window: Option<Range<u64>>,
    /// FFT length (at least 16); about `sqrt(16 × window)` rounded to a power of
    /// two when `None`.
    pub fft_len: Option<usize>,
    /// Frequencies shown, Hz; where the signal is when `None`.
    pub freq_range_hz: Option<(f64, f64)>,
    /// Levels shown below the loudest, dB (colour scale span).
    pub dynamic_range_db: f64,
    /// Title; a default when `None`.
    pub title: Option<String>,
}

impl SpectrogramOptions {
    /// Defaults for channel 0 of data at `sample_rate_hz`.
    pub fn new(sample_rate_hz: f64) -> SpectrogramOptions {
        SpectrogramOptions {
            sample_rate_hz,
            channel: 0,
            channel_name: None,
            window: None,
            fft_len: None,
            freq_range_hz: None,
            dynamic_range_db: 80.0,
            title: None,
        }
    }
}

/// Draws the spectrogram of one channel of `source` into `path` (`.png` or
/// `.svg`) at `size` pixels and returns the path written.
pub fn spectrogram(
    source: &SampleSource<'_>,
    options: &SpectrogramOptions,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    check_target(path, size)?;
    let figure =
        SpectrogramFigure::new(source, options).map_err(|m| PlotError::bad_input(path, m))?;
    write_figure(&figure, path, size)
}

struct SpectrogramFigure {
    /// The window's samples of the channel (gaps as zeros).
    x: Vec<f64>,
    view: Range<u64>,
    n_fft: usize,
    fs: f64,
    freq_range: Option<(f64, f64)>,
    dynamic_range_db: f64,
    /// (sample position, label, detail) inside the view.
    marks: Vec<(u64, String, String)>,
    name: String,
    title: String,
}

impl SpectrogramFigure {
    fn new(source: &SampleSource<'_>, o: &SpectrogramOptions) -> Result<SpectrogramFigure, String> {
        check_rate(o.sample_rate_hz)?;
        let trace = Trace::gather(source, o.sample_rate_hz)?;
        if o.channel >= trace.n_channels {
            return Err(format!(
                "channel: channel {} does not exist; the data has {} channel(s)",
                o.channel, trace.n_channels
            ));
        }
        if !(o.dynamic_range_db.is_finite() && o.dynamic_range_db > 0.0) {
            return Err(format!(
                "dynamic_range_db: expected a finite value > 0 dB, got {}",
                o.dynamic_range_db
            ));
        }
        let view = trace.view(o.window.as_ref())?;
        let len = view.end - view.start;
        if len > MAX_SPECTROGRAM_SAMPLES {
            return Err(format!(
                "window: {len} samples is more than the {MAX_SPECTROGRAM_SAMPLES} a spectrogram transforms; choose a shorter window"
            ));
        }
        let len = len as usize;
        let n_fft = o.fft_len.unwrap_or_else(|| default_fft_len(len));
        if n_fft < 16 || n_fft > len {
            return Err(format!(
                "fft_len: expected 16 to {len} samples (the window's length), got {n_fft}"
            ));
        }
        let nyquist = o.sample_rate_hz / 2.0;
        if let Some((lo, hi)) = o.freq_range_hz {
            if !(lo.is_finite() && hi.is_finite() && 0.0 <= lo && lo < hi && lo < nyquist) {
                return Err(format!(
                    "freq_range_hz: expected 0 <= low < high with low below {nyquist} Hz, got {lo}..{hi}"
                ));
            }
        }
        let mut x = vec![0.0; len];
        for (first, values) in trace.runs(o.channel, &view) {
            let at = (first - view.start) as usize;
            for (dst, &v) in x[at..at + values.len()].iter_mut().zip(&values) {
                *dst = f64::from(v);
            }
        }
        let marks = trace
            .boundaries
            .iter()
            .filter(|b| view.contains(&b.0))
            .cloned()
            .collect();
        let name = o
            .channel_name
            .clone()
            .unwrap_or_else(|| channel_name(&[], o.channel));
        let title = o.title.clone().unwrap_or_else(|| {
            format!(
                "Spectrogram of {name}, samples {}..{} ({}-point Hann windows)",
                view.start, view.end, n_fft
            )
        });
        Ok(SpectrogramFigure {
            x,
            view,
            n_fft,
            fs: o.sample_rate_hz,
            freq_range: o.freq_range_hz.map(|(lo, hi)| (lo, hi.min(nyquist))),
            dynamic_range_db: o.dynamic_range_db,
            marks,
            name,
            title,
        })
    }

    fn bin_hz(&self) -> f64 {
        self.fs / self.n_fft as f64
    }

    /// Frequencies to show: the given range, or the span of bins within 30 dB of
    /// the loudest, padded.
    fn shown_range(&self, s: &Stft, peak: f64) -> (f64, f64) {
        let nyquist = self.fs / 2.0;
        if let Some(r) = self.freq_range {
            return r;
        }
        let loud = |b: usize| s.frames.iter().any(|f| f.level_db[b] >= peak - 30.0);
        let bins = s.n_fft / 2 + 1;
        let (Some(lo), Some(hi)) = (
            (0..bins).find(|&b| loud(b)),
            (0..bins).rev().find(|&b| loud(b)),
        ) else {
            return (0.0, nyquist);
        };
        let (lo, hi) = (lo as f64 * self.bin_hz(), hi as f64 * self.bin_hz());
        let pad = (0.15 * (hi - lo)).max(8.0 * self.bin_hz());
        ((lo - pad).max(0.0), (hi + pad).min(nyquist))
    }

    /// RGB pixels of the heat map for a `w`×`h` plotting area showing
    /// `f_lo..f_hi` (Hz) over the whole view.
    #[allow(clippy::too_many_arguments)]
    fn heat_map(
        &self,
        s: &Stft,
        w: usize,
        h: usize,
        (f_lo, f_hi): (f64, f64),
        floor: f64,
        peak: f64,
    ) -> Vec<u8> {
        let bin = self.bin_hz();
        let last_bin = s.n_fft / 2;
        let rows: Vec<(usize, usize)> = (0..h)
            .map(|r| {
                let top = f_hi - (f_hi - f_lo) * r as f64 / h as f64;
                let bottom = f_hi - (f_hi - f_lo) * (r + 1) as f64 / h as f64;
                let a = ((bottom / bin).ceil().max(0.0) as usize).min(last_bin);
                let b = ((top / bin).floor().max(0.0) as usize).min(last_bin);
                if a <= b {
                    (a, b)
                } else {
                    let c = ((0.5 * (top + bottom) / bin).round().max(0.0) as usize).min(last_bin);
                    (c, c)
                }
            })
            .collect();
        let n = s.frames.len();
        let len = self.x.len() as f64;
        let mut rgb = vec![0u8; w * h * 3];
        for c in 0..w {
            let pos = (c as f64 + 0.5) / w as f64 * len;
            let (c0, c1) = (s.frames[0].centre, s.frames[n - 1].centre);
            let i = if n == 1 || c1 <= c0 {
                0
            } else {
                (((pos - c0) / (c1 - c0) * (n - 1) as f64).round().max(0.0) as usize).min(n - 1)
            };
            let levels = &s.frames[i].level_db;
            for (r, &(a, b)) in rows.iter().enumerate() {
                let level = levels[a..=b].iter().copied().fold(f64::MIN, f64::max);
                // Silence (every level at the -300 dB floor) is drawn as the lowest colour.
                let t = if peak <= -299.0 {
                    0.0
                } else {
                    (level - floor) / (peak - floor)
                };
                let colour = viridis(t);
                let at = (r * w + c) * 3;
                rgb[at..at + 3].copy_from_slice(&[colour.0, colour.1, colour.2]);
            }
        }
        rgb
    }
}

impl Figure for SpectrogramFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = layout::font_px(root.dim_in_pixel());
        let (title_band, body) = layout::split_title(root, font);
        layout::draw_title(&title_band, &self.title, font)?;
        let (w, _) = body.dim_in_pixel();
        let main_w = w.saturating_sub(bar_width(font));
        let axis = SampleAxis::new(self.view.start, self.view.end, self.fs);
        let x_of = |s: f64| axis.x(s);
        let x_range = (x_of(self.view.start as f64), x_of(self.view.end as f64));
        let labels = SegmentLabel::at_starts(
            self.marks
                .iter()
                .map(|m| (x_of(m.0 as f64), m.1.clone(), m.2.clone()))
                .collect(),
            x_range.1,
        );
        let rest = if labels.is_empty() {
            body
        } else {
            let (strip, rest) = body.split_vertically(strip_height(&body, &labels, font));
            let (left, _) = strip.split_horizontally(main_w);
            strip_over_charts(&left, x_range, &labels, font)?;
            rest
        };
        let (main, bar) = rest.split_horizontally(main_w);

        // Probe the plotting area's width to pick the number of frames.
        let width_px = {
            let probe = layout::chart(&main, x_range, (0.0, 1.0), font, true)?;
            probe.plotting_area().dim_in_pixel().0.max(1) as usize
        };
        let s = stft(&self.x, self.n_fft, width_px, FULL_SCALE_CODE);
        let peak = s
            .frames
            .iter()
            .flat_map(|f| f.level_db.iter().copied())
            .fold(f64::MIN, f64::max);
        let floor = peak - self.dynamic_range_db;
        let (f_lo, f_hi) = self.shown_range(&s, peak);
        let fu = freq_unit(f_hi);
        let y_range = (f_lo * fu.scale, f_hi * fu.scale);

        let mut chart = layout::chart(&main, x_range, y_range, font, true)?;
        let x_desc = axis.desc();
        let y_desc = format!("{} frequency ({})", self.name, fu.symbol);
        let axes = Axes {
            x_desc: &x_desc,
            y_desc: &y_desc,
            x_ticks: 10,
            y_ticks: 8,
        };
        layout::mesh(&mut chart, &axes, font)?;
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let rgb = self.heat_map(&s, pw as usize, ph as usize, (f_lo, f_hi), floor, peak);
        if let Some(image) = BitMapElement::with_owned_buffer((x_range.0, y_range.1), (pw, ph), rgb)
        {
            chart.plotting_area().draw(&image)?;
        }
        let xs: Vec<f64> = self.marks.iter().map(|m| x_of(m.0 as f64)).collect();
        boundary_lines(&mut chart, &xs, y_range, WHITE)?;
        colour_bar(&bar, (floor, peak), viridis, "level (dBFS)", font)?;
        Ok(())
    }
}
