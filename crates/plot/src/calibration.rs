//! Calibration: measured optical power against one or two fitted models of the
//! sin² AOD response `power = g(f) · sin²(π/2 · a / v0(f))`.
//!
//! Top row: power against RF amplitude at a few frequencies (points: data; lines:
//! fits, solid for the first, dashed for the second), then one residual map
//! (data − fit over frequency and amplitude) per fit on a shared colour scale.
//! Bottom row: g(f) and v0(f) of each fit, with what the data say about them at
//! each measured frequency (the highest power, and the amplitude it was seen at
//! where the amplitude sweep goes past it).

use std::collections::BTreeMap;
use std::f64::consts::FRAC_PI_2;
use std::path::{Path, PathBuf};

use awgsf_core::format::significant;
use awgsf_math::calib_g_v0;
use awgsf_plugin_api::Sin2Calibration;
use plotters::coord::Shift;
use plotters::element::DashedPathElement;
use plotters::prelude::*;

use super::axis::{finite_bounds, freq_unit, padded, Unit};
use super::colour::{categorical, diverging, MARK_GREY};
use super::colourbar::{bar_width, colour_bar};
use super::layout::{self, Axes, Chart};
use super::output::{check_target, write_figure, DrawResult, Figure, PixelSize};
use crate::PlotError;

/// One measurement: optical power seen at an RF frequency and amplitude.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PowerPoint {
    /// RF frequency, Hz.
    pub freq_hz: f64,
    /// RF amplitude, mV.
    pub rf_mv: f64,
    /// Measured optical power (diffraction efficiency or arbitrary units).
    pub power: f64,
}

/// A fitted calibration model.
pub trait PowerModel {
    /// Predicted power at frequency `freq_hz` and RF amplitude `rf_mv`.
    fn power(&self, freq_hz: f64, rf_mv: f64) -> f64;
    /// Reachable power at `freq_hz`.
    fn g(&self, freq_hz: f64) -> f64;
    /// RF amplitude of the maximum at `freq_hz`, mV.
    fn v0_mv(&self, freq_hz: f64) -> f64;
}

/// A model made of three functions (closures or function pointers).
pub struct FnModel<P, G, V> {
    /// `power(freq_hz, rf_mv)`.
    pub power: P,
    /// `g(freq_hz)`.
    pub g: G,
    /// `v0(freq_hz)`, mV.
    pub v0_mv: V,
}

impl<P, G, V> PowerModel for FnModel<P, G, V>
where
    P: Fn(f64, f64) -> f64,
    G: Fn(f64) -> f64,
    V: Fn(f64) -> f64,
{
    fn power(&self, freq_hz: f64, rf_mv: f64) -> f64 {
        (self.power)(freq_hz, rf_mv)
    }
    fn g(&self, freq_hz: f64) -> f64 {
        (self.g)(freq_hz)
    }
    fn v0_mv(&self, freq_hz: f64) -> f64 {
        (self.v0_mv)(freq_hz)
    }
}

/// The card-side calibration (`docs/semantics.md` §7.3) as a forward model:
/// `g sin²(π/2 · a / v0)`.
impl PowerModel for Sin2Calibration {
    fn power(&self, freq_hz: f64, rf_mv: f64) -> f64 {
        let (g, v0) = calib_g_v0(self, freq_hz);
        g * (FRAC_PI_2 * rf_mv / v0).sin().powi(2)
    }
    fn g(&self, freq_hz: f64) -> f64 {
        calib_g_v0(self, freq_hz).0
    }
    fn v0_mv(&self, freq_hz: f64) -> f64 {
        calib_g_v0(self, freq_hz).1
    }
}

/// A fit with the name the picture shows for it.
#[derive(Clone, Copy)]
pub struct NamedFit<'a> {
    /// Name (e.g. `ours`, `reference`).
    pub name: &'a str,
    /// The model.
    pub model: &'a dyn PowerModel,
}

/// Options of [`calibration`].
#[derive(Debug, Clone, PartialEq)]
pub struct CalibrationOptions {
    /// Frequencies shown in the power-vs-amplitude panel (at least 1).
    pub slices: usize,
    /// Unit of power for axis labels.
    pub power_unit: String,
    /// Title; a default when `None`.
    pub title: Option<String>,
}

impl Default for CalibrationOptions {
    fn default() -> CalibrationOptions {
        CalibrationOptions {
            slices: 4,
            power_unit: "a.u.".to_string(),
            title: None,
        }
    }
}

/// Most fits compared in one picture.
pub const MAX_FITS: usize = 2;

/// Draws measured `points` against `fits` (one or two) into `path` (`.png` or
/// `.svg`) at `size` pixels and returns the path written.
pub fn calibration(
    points: &[PowerPoint],
    fits: &[NamedFit<'_>],
    options: &CalibrationOptions,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    check_target(path, size)?;
    let figure =
        CalibrationFigure::new(points, fits, options).map_err(|m| PlotError::bad_input(path, m))?;
    write_figure(&figure, path, size)
}

/// What the data say at one measured frequency.
struct FreqSummary {
    freq_hz: f64,
    /// Indices of its points.
    points: Vec<usize>,
    /// Highest power measured.
    max_power: f64,
    /// The amplitude the highest power was seen at, when the sweep goes past it
    /// (otherwise the maximum was not reached and says nothing about v0).
    rf_at_max: Option<f64>,
}

struct CalibrationFigure<'a> {
    points: &'a [PowerPoint],
    fits: &'a [NamedFit<'a>],
    /// Per measured frequency (grouped to the hertz), ascending.
    freqs: Vec<FreqSummary>,
    /// Indices into `freqs` shown as slices.
    slices: Vec<usize>,
    /// Per fit, per point: data − fit (NaN where the fit gives no number).
    residuals: Vec<Vec<f64>>,
    /// Distinct amplitudes (for the residual cell height).
    n_amps: usize,
    options: CalibrationOptions,
}

impl<'a> CalibrationFigure<'a> {
    fn new(
        points: &'a [PowerPoint],
        fits: &'a [NamedFit<'a>],
        options: &CalibrationOptions,
    ) -> Result<CalibrationFigure<'a>, String> {
        if points.is_empty() {
            return Err("no measured points to draw".to_string());
        }
        if fits.is_empty() || fits.len() > MAX_FITS {
            return Err(format!(
                "fits: expected 1 to {MAX_FITS} fits, got {}",
                fits.len()
            ));
        }
        if options.slices == 0 {
            return Err("slices: expected at least 1 frequency to show".to_string());
        }
        if let Some((i, p)) = points
            .iter()
            .enumerate()
            .find(|(_, p)| !(p.freq_hz.is_finite() && p.rf_mv.is_finite() && p.power.is_finite()))
        {
            return Err(format!(
                "points[{i}]: expected finite values, got {} Hz, {} mV, power {}",
                p.freq_hz, p.rf_mv, p.power
            ));
        }
        let mut groups: BTreeMap<i64, Vec<usize>> = BTreeMap::new();
        for (i, p) in points.iter().enumerate() {
            groups.entry(p.freq_hz.round() as i64).or_default().push(i);
        }
        let freqs: Vec<FreqSummary> = groups
            .into_values()
            .map(|idx| {
                let best = idx
                    .iter()
                    .copied()
                    .max_by(|&a, &b| points[a].power.total_cmp(&points[b].power))
                    .unwrap_or(idx[0]);
                let top_rf = idx
                    .iter()
                    .map(|&i| points[i].rf_mv)
                    .fold(f64::MIN, f64::max);
                FreqSummary {
                    freq_hz: points[idx[0]].freq_hz,
                    max_power: points[best].power,
                    rf_at_max: (points[best].rf_mv < top_rf).then_some(points[best].rf_mv),
                    points: idx,
                }
            })
            .collect();
        let n = freqs.len();
        let k = options.slices.min(n);
        let slices = if k == 1 {
            vec![n / 2]
        } else {
            (0..k)
                .map(|i| (i * (n - 1) + (k - 1) / 2) / (k - 1))
                .collect()
        };
        let mut amps: Vec<i64> = points
            .iter()
            .map(|p| (p.rf_mv * 1e3).round() as i64)
            .collect();
        amps.sort_unstable();
        amps.dedup();
        let residuals = fits
            .iter()
            .map(|fit| {
                points
                    .iter()
                    .map(|p| p.power - fit.model.power(p.freq_hz, p.rf_mv))
                    .collect()
            })
            .collect();
        Ok(CalibrationFigure {
            points,
            fits,
            freqs,
            slices,
            residuals,
            n_amps: amps.len(),
            options: options.clone(),
        })
    }

    /// Root-mean-square residual of fit `i` over points where it is finite.
    fn rms(&self, i: usize) -> f64 {
        let r: Vec<f64> = self.residuals[i]
            .iter()
            .copied()
            .filter(|r| r.is_finite())
            .collect();
        (r.iter().map(|r| r * r).sum::<f64>() / r.len().max(1) as f64).sqrt()
    }

    fn freq_unit(&self) -> Unit {
        freq_unit(self.freqs.last().map_or(1.0, |f| f.freq_hz.abs()))
    }

    fn freq_span(&self) -> (f64, f64) {
        let lo = self.freqs.first().map_or(0.0, |f| f.freq_hz);
        let hi = self.freqs.last().map_or(1.0, |f| f.freq_hz);
        (lo, hi)
    }

    fn max_rf(&self) -> f64 {
        self.points.iter().map(|p| p.rf_mv).fold(0.0, f64::max)
    }
}

/// Draws a curve, solid or dashed, with an optional legend entry.
fn curve<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    points: Vec<(f64, f64)>,
    colour: RGBColor,
    dashed: bool,
    label: Option<String>,
) -> DrawResult {
    let points: Vec<(f64, f64)> = points
        .into_iter()
        .filter(|p| p.0.is_finite() && p.1.is_finite())
        .collect();
    let style = colour.stroke_width(2);
    if dashed {
        let anno = chart.draw_series(DashedLineSeries::new(points, 8, 5, style))?;
        if let Some(l) = label {
            anno.label(l).legend(move |(x, y)| {
                DashedPathElement::new(vec![(x, y), (x + 24, y)], 6, 4, style)
            });
        }
    } else {
        let anno = chart.draw_series(LineSeries::new(points, style))?;
        if let Some(l) = label {
            anno.label(l)
                .legend(move |(x, y)| PathElement::new(vec![(x, y), (x + 24, y)], style));
        }
    }
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a>(
    chart: &mut Chart<'a, DB>,
    font: f64,
    at: SeriesLabelPosition,
) -> DrawResult {
    chart
        .configure_series_labels()
        .position(at)
        .label_font(layout::text(font * 0.8))
        .background_style(WHITE.mix(0.85))
        .border_style(MARK_GREY)
        .draw()?;
    Ok(())
}

/// Sample points of a function of frequency over `span`.
fn sweep(span: (f64, f64), f: impl Fn(f64) -> f64, scale: f64) -> Vec<(f64, f64)> {
    const N: usize = 200;
    (0..=N)
        .map(|i| {
            let x = span.0 + (span.1 - span.0) * i as f64 / N as f64;
            (x * scale, f(x))
        })
        .collect()
}

impl Figure for CalibrationFigure<'_> {
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult {
        let font = layout::font_px(root.dim_in_pixel());
        let (title_band, body) = layout::split_title(root, font);
        let title = self.options.title.clone().unwrap_or_else(|| {
            let names: Vec<&str> = self.fits.iter().map(|f| f.name).collect();
            format!(
                "Calibration: {} points at {} frequencies against {}",
                self.points.len(),
                self.freqs.len(),
                names.join(" and ")
            )
        });
        layout::draw_title(&title_band, &title, font)?;
        let rows = layout::rows(&body, &[1.15, 1.0], 0);
        let (w, _) = rows[0].dim_in_pixel();
        let (top, bar) = rows[0].split_horizontally(w.saturating_sub(bar_width(font)));
        let mut weights = vec![1.3];
        weights.extend(std::iter::repeat_n(1.0, self.fits.len()));
        let top_cols = layout::columns(&top, &weights);
        self.draw_slices(&top_cols[0], font)?;
        let r_max = self
            .residuals
            .iter()
            .flatten()
            .filter(|r| r.is_finite())
            .fold(0.0f64, |m, r| m.max(r.abs()));
        let r_max = if r_max > 0.0 { r_max } else { 1.0 };
        for (i, area) in top_cols[1..].iter().enumerate() {
            self.draw_residuals(area, i, r_max, font)?;
        }
        let bar = layout::captioned(&bar, " ", font)?;
        colour_bar(
            &bar,
            (-r_max, r_max),
            diverging,
            &format!("data − fit ({})", self.options.power_unit),
            font,
        )?;
        let bottom = layout::columns(&rows[1], &[1.0, 1.0]);
        self.draw_fit_curve(&bottom[0], true, font)?;
        self.draw_fit_curve(&bottom[1], false, font)?;
        Ok(())
    }
}

impl CalibrationFigure<'_> {
    fn draw_slices<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        font: f64,
    ) -> DrawResult {
        let area = layout::captioned(area, "Power against RF amplitude", font)?;
        let fu = self.freq_unit();
        let a_max = self.max_rf() * 1.02;
        let a_max = if a_max > 0.0 { a_max } else { 1.0 };
        let curves: Vec<Vec<Vec<(f64, f64)>>> = self
            .slices
            .iter()
            .map(|&s| {
                let f = self.freqs[s].freq_hz;
                self.fits
                    .iter()
                    .map(|fit| {
                        (0..=150)
                            .map(|i| {
                                let a = a_max * i as f64 / 150.0;
                                (a, fit.model.power(f, a))
                            })
                            .collect()
                    })
                    .collect()
            })
            .collect();
        let data = self
            .slices
            .iter()
            .flat_map(|&s| self.freqs[s].points.iter().map(|&i| self.points[i].power));
        let fitted = curves.iter().flatten().flatten().map(|p| p.1);
        let (lo, hi) = finite_bounds(data.chain(fitted)).unwrap_or((0.0, 1.0));
        let y = padded(lo.min(0.0), hi.max(0.0), 0.06);
        let mut chart = layout::chart(&area, (0.0, a_max), y, font, true)?;
        let y_desc = format!("power ({})", self.options.power_unit);
        let axes = Axes {
            x_desc: "RF amplitude (mV)",
            y_desc: &y_desc,
            x_ticks: 8,
            y_ticks: 6,
        };
        layout::mesh(&mut chart, &axes, font)?;
        for (k, (&s, fits)) in self.slices.iter().zip(&curves).enumerate() {
            let colour = categorical(k);
            let summary = &self.freqs[s];
            chart.draw_series(summary.points.iter().map(|&i| {
                let p = &self.points[i];
                Circle::new((p.rf_mv, p.power), 2, colour.mix(0.7).filled())
            }))?;
            for (j, c) in fits.iter().enumerate() {
                let label = (j == 0).then(|| {
                    format!(
                        "{} {}",
                        significant(summary.freq_hz * fu.scale, 3),
                        fu.symbol
                    )
                });
                curve(&mut chart, c.clone(), colour, j == 1, label)?;
            }
        }
        for (j, fit) in self.fits.iter().enumerate() {
            curve(
                &mut chart,
                Vec::new(),
                RGBColor(0x30, 0x30, 0x30),
                j == 1,
                Some(fit.name.to_string()),
            )?;
        }
        chart
            .draw_series(std::iter::empty::<Circle<(f64, f64), i32>>())?
            .label("measured")
            .legend(|(x, y)| Circle::new((x + 12, y), 3, MARK_GREY.filled()));
        legend(&mut chart, font, SeriesLabelPosition::UpperLeft)
    }

    fn draw_residuals<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        fit: usize,
        r_max: f64,
        font: f64,
    ) -> DrawResult {
        let caption = format!(
            "{}: data − fit, rms {}",
            self.fits[fit].name,
            significant(self.rms(fit), 3)
        );
        let area = layout::captioned(area, &caption, font)?;
        let fu = self.freq_unit();
        let (f0, f1) = self.freq_span();
        let x = padded(f0 * fu.scale, f1 * fu.scale, 0.02);
        let y = padded(
            0.0f64.min(self.points.iter().map(|p| p.rf_mv).fold(0.0, f64::min)),
            self.max_rf(),
            0.02,
        );
        let mut chart = layout::chart(&area, x, y, font, true)?;
        let x_desc = format!("frequency ({})", fu.symbol);
        let axes = Axes {
            x_desc: &x_desc,
            y_desc: "RF amplitude (mV)",
            x_ticks: 6,
            y_ticks: 6,
        };
        layout::mesh(&mut chart, &axes, font)?;
        // Cells as wide as the plot over the number of distinct frequencies and as
        // tall as over the number of distinct amplitudes (at least 3 px).
        let (pw, ph) = chart.plotting_area().dim_in_pixel();
        let cell = |span: f64, px: u32, n: usize| {
            let px_cell = (f64::from(px) / n.max(1) as f64).clamp(3.0, 40.0);
            0.5 * px_cell * span / f64::from(px.max(1))
        };
        let hw = cell(x.1 - x.0, pw, self.freqs.len());
        let hh = cell(y.1 - y.0, ph, self.n_amps);
        chart.draw_series(
            self.points
                .iter()
                .zip(&self.residuals[fit])
                .filter(|(_, r)| r.is_finite())
                .map(|(p, r)| {
                    let (cx, cy) = (p.freq_hz * fu.scale, p.rf_mv);
                    let colour = diverging(0.5 + 0.5 * r / r_max);
                    Rectangle::new([(cx - hw, cy - hh), (cx + hw, cy + hh)], colour.filled())
                }),
        )?;
        Ok(())
    }

    /// The g(f) panel (`is_g`) or the v0(f) panel.
    fn draw_fit_curve<DB: DrawingBackend>(
        &self,
        area: &DrawingArea<DB, Shift>,
        is_g: bool,
        font: f64,
    ) -> DrawResult {
        let caption = if is_g {
            "Reachable power g(f)"
        } else {
            "RF amplitude of the maximum v0(f)"
        };
        let area = layout::captioned(area, caption, font)?;
        let fu = self.freq_unit();
        let span = self.freq_span();
        let curves: Vec<Vec<(f64, f64)>> = self
            .fits
            .iter()
            .map(|fit| {
                if is_g {
                    sweep(span, |f| fit.model.g(f), fu.scale)
                } else {
                    sweep(span, |f| fit.model.v0_mv(f), fu.scale)
                }
            })
            .collect();
        let data: Vec<(f64, f64)> = self
            .freqs
            .iter()
            .filter_map(|s| {
                let value = if is_g { Some(s.max_power) } else { s.rf_at_max };
                value.map(|v| (s.freq_hz * fu.scale, v))
            })
            .collect();
        let (lo, hi) =
            finite_bounds(curves.iter().flatten().chain(&data).map(|p| p.1)).unwrap_or((0.0, 1.0));
        let y = padded(lo.min(0.0), hi, 0.06);
        let x = padded(span.0 * fu.scale, span.1 * fu.scale, 0.02);
        let mut chart = layout::chart(&area, x, y, font, true)?;
        let x_desc = format!("frequency ({})", fu.symbol);
        let y_desc = if is_g {
            format!("g ({})", self.options.power_unit)
        } else {
            "v0 (mV)".to_string()
        };
        let axes = Axes {
            x_desc: &x_desc,
            y_desc: &y_desc,
            x_ticks: 8,
            y_ticks: 6,
        };
        layout::mesh(&mut chart, &axes, font)?;
        let data_label = if is_g {
            "highest measured power"
        } else {
            "RF amplitude of the highest measured power"
        };
        if !data.is_empty() {
            chart
                .draw_series(data.iter().map(|&p| Circle::new(p, 2, MARK_GREY.filled())))?
                .label(data_label)
                .legend(|(x, y)| Circle::new((x + 12, y), 3, MARK_GREY.filled()));
        }
        for (j, (fit, c)) in self.fits.iter().zip(curves).enumerate() {
            let colour = if j == 0 {
                categorical(0)
            } else {
                categorical(3)
            };
            curve(&mut chart, c, colour, j == 1, Some(fit.name.to_string()))?;
        }
        legend(&mut chart, font, SeriesLabelPosition::LowerRight)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::std_types::RVec;

    pub(super) fn sin2() -> Sin2Calibration {
        Sin2Calibration {
            g_poly: RVec::from(vec![-0.2, 0.05, 0.8]),
            v0_poly: RVec::from(vec![10.0, -5.0, 150.0]),
            freq_min_hz: 80e6,
            freq_max_hz: 120e6,
            min_g: 1e-12,
            min_v0_sq: 1e-12,
            y_eps: 1e-6,
        }
    }

    #[test]
    fn the_forward_model_inverts_the_card_calibration() {
        let cal = sin2();
        for &(f, p) in &[(85e6, 0.3), (100e6, 0.7), (118e6, 0.05)] {
            let a = awgsf_math::calibrated_amplitude(&cal, f, p).mv;
            assert!((cal.power(f, a) - p).abs() < 1e-9, "{f} {p}");
        }
        assert!((cal.power(100e6, cal.v0_mv(100e6)) - cal.g(100e6)).abs() < 1e-12);
    }

    #[test]
    fn slices_spread_over_the_measured_frequencies() {
        let points: Vec<PowerPoint> = (0..10)
            .flat_map(|i| {
                (0..5).map(move |j| PowerPoint {
                    freq_hz: 80e6 + i as f64 * 4e6,
                    rf_mv: j as f64 * 30.0,
                    power: 0.1 * j as f64,
                })
            })
            .collect();
        let cal = sin2();
        let fits = [NamedFit {
            name: "a",
            model: &cal,
        }];
        let fig = CalibrationFigure::new(&points, &fits, &CalibrationOptions::default()).unwrap();
        assert_eq!(fig.freqs.len(), 10);
        assert_eq!(fig.slices, vec![0, 3, 6, 9]);
        assert_eq!(fig.n_amps, 5);
        assert_eq!(fig.freqs[2].max_power, 0.4);
        // The sweep never passes the maximum: nothing is said about v0.
        assert_eq!(fig.freqs[2].rf_at_max, None);
        let exact: Vec<PowerPoint> = points
            .iter()
            .map(|p| PowerPoint {
                power: cal.power(p.freq_hz, p.rf_mv),
                ..*p
            })
            .collect();
        let fig = CalibrationFigure::new(&exact, &fits, &CalibrationOptions::default()).unwrap();
        assert!(fig.rms(0) < 1e-15);
    }

    #[test]
    fn bad_input_is_named() {
        let cal = sin2();
        let fits = [NamedFit {
            name: "a",
            model: &cal,
        }];
        let bad = [PowerPoint {
            freq_hz: 1e6,
            rf_mv: f64::NAN,
            power: 0.0,
        }];
        let err = CalibrationFigure::new(&bad, &fits, &CalibrationOptions::default())
            .err()
            .unwrap();
        assert!(err.starts_with("points[0]"), "{err}");
        let ok = [PowerPoint {
            freq_hz: 1e6,
            rf_mv: 1.0,
            power: 0.0,
        }];
        let three = [fits[0], fits[0], fits[0]];
        assert!(CalibrationFigure::new(&ok, &three, &CalibrationOptions::default()).is_err());
        assert!(CalibrationFigure::new(&ok, &[], &CalibrationOptions::default()).is_err());
    }
}
