//! A vertical colour bar: the colour map drawn from `lo` (bottom) to `hi` (top)
//! with a labelled value axis on its right, sized to line up with a chart beside
//! it. The labels stand right of the bar, left-aligned, so that no label runs into
//! the colours whatever its width.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{self, tick};
use super::output::DrawResult;

/// Colour steps drawn in the bar.
const STEPS: usize = 128;

/// Draws a colour bar for `map` over `lo..hi` in `area`, titled `desc`.
pub(crate) fn colour_bar<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    (lo, hi): (f64, f64),
    map: impl Fn(f64) -> RGBColor,
    desc: &str,
    font: f64,
) -> DrawResult {
    let (lo, hi) = if hi > lo {
        (lo, hi)
    } else {
        (lo - 1.0, lo + 1.0)
    };
    // The vertical geometry of `layout::chart`, so the bar lines up with the chart
    // beside it; the label area is on the right.
    let m = (font * 0.6).round() as u32;
    let mut chart = ChartBuilder::on(area)
        .margin_top(m)
        .margin_bottom(m)
        .margin_left(m)
        .margin_right(m)
        .right_y_label_area_size(layout::y_label_width(font))
        .x_label_area_size(layout::x_label_height(font))
        .build_cartesian_2d(0.0..1.0, lo..hi)?;
    let step = (hi - lo) / STEPS as f64;
    chart.draw_series((0..STEPS).map(|i| {
        let y0 = lo + i as f64 * step;
        let colour = map((i as f64 + 0.5) / STEPS as f64);
        Rectangle::new([(0.0, y0), (1.0, y0 + step)], colour.filled())
    }))?;
    let fmt = |v: &f64| tick(*v);
    chart
        .configure_mesh()
        .disable_mesh()
        .disable_x_axis()
        .x_labels(0)
        .y_labels(6)
        .y_desc(desc)
        .label_style(layout::text(font * 0.9))
        .axis_desc_style(layout::text(font))
        .y_label_formatter(&fmt)
        .draw()?;
    Ok(())
}

/// Width of a colour bar area, px.
pub(crate) fn bar_width(font: f64) -> u32 {
    layout::y_label_width(font) + (font * 4.0).round() as u32
}
