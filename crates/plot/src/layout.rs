//! Shared layout: font sizes that follow the picture size, the title, stacked
//! panels, axis meshes and tick labels.

use plotters::coord::types::RangedCoordf64;
use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::font::FAMILY;
use super::output::DrawResult;

/// A chart with `f64` axes.
pub(crate) type Chart<'a, DB> = ChartContext<'a, DB, Cartesian2d<RangedCoordf64, RangedCoordf64>>;

/// Width of the y-axis label area, px, shared by stacked panels so their plotting
/// areas line up.
pub(crate) fn y_label_width(font: f64) -> u32 {
    (font * 5.5).round() as u32
}

/// Height of the x-axis label area, px.
pub(crate) fn x_label_height(font: f64) -> u32 {
    (font * 3.2).round() as u32
}

/// Label font size, px, for a picture of `dim` pixels.
pub(crate) fn font_px(dim: (u32, u32)) -> f64 {
    let short = f64::from(dim.0.min(dim.1 * 3 / 2));
    (short / 70.0).clamp(10.0, 22.0)
}

/// A text style in the built-in font.
pub(crate) fn text(size: f64) -> TextStyle<'static> {
    (FAMILY, size).into_font().into()
}

/// Splits a band for the title off the top of `root`: (title band, the rest).
pub(crate) fn split_title<DB: DrawingBackend>(
    root: &DrawingArea<DB, Shift>,
    font: f64,
) -> (DrawingArea<DB, Shift>, DrawingArea<DB, Shift>) {
    root.split_vertically((font * 2.7).round() as u32)
}

/// Writes `title` centred in `band`.
pub(crate) fn draw_title<DB: DrawingBackend>(
    band: &DrawingArea<DB, Shift>,
    title: &str,
    font: f64,
) -> DrawResult {
    let (w, h) = band.dim_in_pixel();
    let style = text(font * 1.35).pos(Pos::new(HPos::Center, VPos::Center));
    band.draw(&Text::new(
        title.to_string(),
        ((w / 2) as i32, (h / 2) as i32),
        style,
    ))?;
    Ok(())
}

/// Writes a panel caption at the top of `area` and returns the area below it.
pub(crate) fn captioned<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    caption: &str,
    font: f64,
) -> DrawResult<DrawingArea<DB, Shift>> {
    let h = (font * 1.8).round() as u32;
    let (band, rest) = area.split_vertically(h);
    let (w, _) = band.dim_in_pixel();
    let style = text(font * 1.05).pos(Pos::new(HPos::Center, VPos::Center));
    band.draw(&Text::new(
        caption.to_string(),
        ((w / 2) as i32, (h / 2) as i32),
        style,
    ))?;
    Ok(rest)
}

/// Splits `area` into rows whose heights are proportional to `weights`, after
/// giving the last row `extra_last` more pixels (room for its x labels).
pub(crate) fn rows<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weights: &[f64],
    extra_last: u32,
) -> Vec<DrawingArea<DB, Shift>> {
    let (_, h) = area.dim_in_pixel();
    let share = f64::from(h.saturating_sub(extra_last));
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let breaks: Vec<u32> = weights[..weights.len().saturating_sub(1)]
        .iter()
        .map(|w| {
            acc += w;
            (share * acc / total).round() as u32
        })
        .collect();
    area.split_by_breakpoints(Vec::<u32>::new(), breaks)
}

/// Splits `area` into columns whose widths are proportional to `weights`.
pub(crate) fn columns<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    weights: &[f64],
) -> Vec<DrawingArea<DB, Shift>> {
    let (w, _) = area.dim_in_pixel();
    let total: f64 = weights.iter().sum();
    let mut acc = 0.0;
    let breaks: Vec<u32> = weights[..weights.len().saturating_sub(1)]
        .iter()
        .map(|x| {
            acc += x;
            (f64::from(w) * acc / total).round() as u32
        })
        .collect();
    area.split_by_breakpoints(breaks, Vec::<u32>::new())
}

/// A chart on `area` with room for y labels and, when `x_labels`, x labels.
pub(crate) fn chart<'a, DB: DrawingBackend>(
    area: &'a DrawingArea<DB, Shift>,
    x: (f64, f64),
    y: (f64, f64),
    font: f64,
    x_labels: bool,
) -> DrawResult<Chart<'a, DB>> {
    let m = (font * 0.6).round() as u32;
    Ok(ChartBuilder::on(area)
        .margin_top(m)
        .margin_bottom(m)
        .margin_left(m)
        .margin_right((font * 1.5).round() as u32)
        .y_label_area_size(y_label_width(font))
        .x_label_area_size(if x_labels { x_label_height(font) } else { 0 })
        .build_cartesian_2d(x.0..x.1, y.0..y.1)?)
}

/// What the axes of a chart say.
pub(crate) struct Axes<'s> {
    /// X axis description (drawn only where the chart has an x label area).
    pub x_desc: &'s str,
    /// Y axis description.
    pub y_desc: &'s str,
    /// Number of x ticks (0: none, and no vertical grid lines).
    pub x_ticks: usize,
    /// Number of y ticks.
    pub y_ticks: usize,
}

/// Draws the grid, the ticks and the axis descriptions.
pub(crate) fn mesh<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    axes: &Axes<'_>,
    font: f64,
) -> DrawResult {
    let fmt = |v: &f64| tick(*v);
    chart
        .configure_mesh()
        .x_labels(axes.x_ticks)
        .y_labels(axes.y_ticks)
        .x_desc(axes.x_desc)
        .y_desc(axes.y_desc)
        .label_style(text(font * 0.9))
        .axis_desc_style(text(font))
        .x_label_formatter(&fmt)
        .y_label_formatter(&fmt)
        .bold_line_style(RGBColor(0xd8, 0xd8, 0xd8))
        .light_line_style(RGBColor(0xf0, 0xf0, 0xf0))
        .draw()?;
    Ok(())
}

/// A tick label: the value rounded to six decimals, without float noise or `-0`.
pub(crate) fn tick(v: f64) -> String {
    let r = (v * 1e6).round() / 1e6;
    if r == 0.0 {
        "0".to_string()
    } else if r.abs() >= 1e7 || (r.abs() < 1e-3) {
        format!("{r:.2e}")
    } else {
        format!("{r}")
    }
}

/// Writes `message` in the middle of a chart's plotting area (e.g. "no tones").
pub(crate) fn note<DB: DrawingBackend>(
    chart: &Chart<'_, DB>,
    message: &str,
    font: f64,
) -> DrawResult {
    let area = chart.plotting_area().strip_coord_spec();
    let (w, h) = area.dim_in_pixel();
    let style = text(font)
        .pos(Pos::new(HPos::Center, VPos::Center))
        .color(&RGBColor(0x55, 0x55, 0x55));
    area.draw(&Text::new(
        message.to_string(),
        ((w / 2) as i32, (h / 2) as i32),
        style,
    ))?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ticks_are_short_and_clean() {
        assert_eq!(tick(100.0), "100");
        assert_eq!(tick(0.30000000000000004), "0.3");
        assert_eq!(tick(-0.0000000001), "0");
        assert_eq!(tick(32767.0), "32767");
        assert_eq!(tick(1.5e-5), "1.50e-5");
    }

    #[test]
    fn fonts_grow_with_the_picture_within_bounds() {
        assert_eq!(font_px((200, 200)), 10.0);
        assert!(font_px((1200, 800)) > font_px((600, 400)));
        assert_eq!(font_px((8000, 8000)), 22.0);
    }
}
