//! Spot grid: the optical tweezers a crossed pair of AODs makes at one instant.
//! Every (H tone, V tone) pair is a spot at (f_H, f_V); its area and colour follow
//! the product of the two amplitudes (relative to the brightest spot). Pairs with
//! a zero product are drawn as grey rings, so switched-off sites stay visible.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::prelude::*;

use super::axis::{finite_bounds, freq_unit, padded};
use super::colour::{viridis, MARK_GREY};
use super::colourbar::{bar_width, colour_bar};
use super::layout::{self, Axes};
use super::output::{check_target, write_figure, DrawResult, Figure, PixelSize};
use crate::PlotError;
use awgsf_core::pipeline::ToneState;

/// Rim of lit spots.
const OUTLINE: RGBColor = RGBColor(0x30, 0x30, 0x30);

/// Options of [`grid`].
#[derive(Debug, Clone, PartialEq)]
pub struct GridOptions {
    /// Name of the horizontal channel (x axis).
    pub h_name: String,
    /// Name of the vertical channel (y axis).
    pub v_name: String,
    /// Title; a default naming the spot count when `None`.
    pub title: Option<String>,
}

impl Default for GridOptions {
    fn default() -> GridOptions {
        GridOptions {
            h_name: "H".to_string(),
            v_name: "V".to_string(),
            title: None,
        }
    }
}

/// Draws the spot grid of tone states `h` and `v` (e.g. from
/// [`super::tones_at`]) into `path` (`.png` or `.svg`) at `size` pixels and
/// returns the path written.
pub fn grid(
    h: &ToneState,
    v: &ToneState,
    options: &GridOptions,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    check_target(path, size)?;
    let figure = GridFigure::new(h, v, options).map_err(|m| PlotError::bad_input(path, m))?;
    write_figure(&figure, path, size)
}

/// (frequency Hz, |amplitude|) of each tone.
fn tones(state: &ToneState, name: &str) -> Result<Vec<(f64, f64)>, String> {
    if state.amps.len() != state.freqs_hz.len() {
        return Err(format!(
            "{name}: {} frequencies but {} amplitudes",
            state.freqs_hz.len(),
            state.amps.len()
        ));
    }
    state
        .freqs_hz
        .iter()
        .zip(&state.amps)
        .enumerate()
        .map(|(i, (&f, &a))| {
            if f.is_finite() && a.is_finite() {
                Ok((f, a.abs()))
            } else {
                Err(format!(
                    "{name}.tones[{i}]: expected finite values, got {f} Hz, amplitude {a}"
                ))
            }
        })
        .collect()
}

struct Spot {
    f_h: f64,
    f_v: f64,
    /// Product relative to the brightest spot, 0..=1.
    rel: f64,
}

struct GridFigure {
    h: Vec<(f64, f64)>,
    v: Vec<(f64, f64)>,
    spots: Vec<Spot>,
    options: GridOptions,
    title: String,
}

impl GridFigure {
    fn new(h: &ToneState, v: &ToneState, options: &GridOptions) -> Result<GridFigure, String> {
        let h = tones(h, &options.h_name)?;
        let v = tones(v, &options.v_name)?;
        let max = h
            .iter()
            .flat_map(|a| v.iter().map(move |b| a.1 * b.1))
            .fold(0.0, f64::max);
        let mut spots: Vec<Spot> = h
            .iter()
            .flat_map(|a| {
                v.iter().map(move |b| Spot {
                    f_h: a.0,
                    f_v: b.0,
                    rel: if max > 0.0 { a.1 * b.1 / max } else { 0.0 },
                })
            })
            .collect();
        // Bright spots last, so they are drawn on top.
        spots.sort_by(|a, b| a.rel.total_cmp(&b.rel));
        let lit = spots.iter().filter(|s| s.rel > 0.0).count();
        let title = options.title.clone().unwrap_or_else(|| {
            format!(
                "Spot grid: {} × {} tones, {lit} of {} spots lit",
                h.len(),
                v.len(),
                spots.len()
            )
        });
        Ok(GridFigure {
            h,
            v,
            spots,
            options: options.clone(),
            title,
        })
    }
}

/// Smallest gap between distinct sorted values (`None` with fewer than two).
fn min_gap(values: &[f64]) -> Option<f64> {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    v.windows(2)
        .map(|w| w[1] - w[0])
        .filter(|&d| d > 0.0)
        .min_by(f64::total_cmp)
}

impl Figure for GridFigure {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = layout::font_px(root.dim_in_pixel());
        let (title_band, body) = layout::split_title(root, font);
        layout::draw_title(&title_band, &self.title, font)?;
        let (w, _) = body.dim_in_pixel();
        let (main, bar) = body.split_horizontally(w.saturating_sub(bar_width(font)));

        let fh: Vec<f64> = self.h.iter().map(|t| t.0).collect();
        let fv: Vec<f64> = self.v.iter().map(|t| t.0).collect();
        let top = finite_bounds(fh.iter().chain(&fv).map(|f| f.abs())).map_or(1.0, |b| b.1);
        let unit = freq_unit(top);
        let range = |f: &[f64]| {
            let (lo, hi) = finite_bounds(f.iter().copied()).unwrap_or((0.0, 0.0));
            padded(lo * unit.scale, hi * unit.scale, 0.1)
        };
        let (xr, yr) = (range(&fh), range(&fv));
        let mut chart = layout::chart(&main, xr, yr, font, true)?;
        let x_desc = format!("{} frequency ({})", self.options.h_name, unit.symbol);
        let y_desc = format!("{} frequency ({})", self.options.v_name, unit.symbol);
        let axes = Axes {
            x_desc: &x_desc,
            y_desc: &y_desc,
            x_ticks: 10,
            y_ticks: 8,
        };
        layout::mesh(&mut chart, &axes, font)?;

        // Largest radius: under half the closest spacing on either axis, in pixels.
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let px_per = |gap: Option<f64>, span: (f64, f64), px: u32| {
            gap.map_or(f64::INFINITY, |g| {
                g * unit.scale / (span.1 - span.0) * f64::from(px)
            })
        };
        let spacing = px_per(min_gap(&fh), xr, pw).min(px_per(min_gap(&fv), yr, ph));
        let r_max = (0.45 * spacing).min(0.08 * f64::from(pw.min(ph))).max(3.0);
        for s in &self.spots {
            let at = (s.f_h * unit.scale, s.f_v * unit.scale);
            if s.rel > 0.0 {
                let r = (r_max * s.rel.sqrt()).max(1.5).round() as i32;
                chart.draw_series(std::iter::once(Circle::new(at, r, viridis(s.rel).filled())))?;
                // A dark rim keeps the brightest (yellow) spots visible on white.
                chart.draw_series(std::iter::once(Circle::new(at, r, OUTLINE.stroke_width(1))))?;
            } else {
                let r = (0.4 * r_max).max(2.0).round() as i32;
                chart.draw_series(std::iter::once(Circle::new(
                    at,
                    r,
                    MARK_GREY.stroke_width(1),
                )))?;
            }
        }
        if self.spots.is_empty() {
            let which = match (self.h.is_empty(), self.v.is_empty()) {
                (true, true) => "no tones on either channel".to_string(),
                (true, false) => format!("{} has no tones", self.options.h_name),
                _ => format!("{} has no tones", self.options.v_name),
            };
            layout::note(&chart, &format!("no spots: {which}"), font)?;
        }
        colour_bar(
            &bar,
            (0.0, 1.0),
            viridis,
            &format!(
                "a_{} · a_{} / max",
                self.options.h_name, self.options.v_name
            ),
            font,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn state(freqs: &[f64], amps: &[f64]) -> ToneState {
        ToneState {
            freqs_hz: freqs.to_vec(),
            amps: amps.to_vec(),
            ..ToneState::default()
        }
    }

    #[test]
    fn spots_scale_with_the_amplitude_product() {
        let f = GridFigure::new(
            &state(&[1e6, 2e6], &[0.5, 1.0]),
            &state(&[3e6], &[0.0]),
            &GridOptions::default(),
        )
        .unwrap();
        assert!(f.spots.iter().all(|s| s.rel == 0.0));
        let f = GridFigure::new(
            &state(&[1e6, 2e6], &[0.5, -1.0]),
            &state(&[3e6, 4e6], &[0.2, 0.4]),
            &GridOptions::default(),
        )
        .unwrap();
        let rel: Vec<f64> = f.spots.iter().map(|s| s.rel).collect();
        assert_eq!(rel, vec![0.25, 0.5, 0.5, 1.0]);
        assert_eq!((f.spots[3].f_h, f.spots[3].f_v), (2e6, 4e6));
    }

    #[test]
    fn bad_tones_are_named() {
        let err = GridFigure::new(
            &state(&[1e6, f64::NAN], &[1.0, 1.0]),
            &state(&[1e6], &[1.0]),
            &GridOptions::default(),
        )
        .err()
        .unwrap();
        assert!(err.starts_with("H.tones[1]"), "{err}");
        assert!(GridFigure::new(
            &state(&[1e6], &[]),
            &state(&[], &[]),
            &GridOptions::default()
        )
        .is_err());
        assert_eq!(min_gap(&[3.0, 1.0, 1.0, 2.5]), Some(0.5));
        assert_eq!(min_gap(&[1.0]), None);
    }
}
