//! A vertical colour bar: the colour map drawn from `lo` (bottom) to `hi` (top)
//! with a labelled value axis, sized to line up with a chart beside it.

use plotters::coord::Shift;
use plotters::prelude::*;

use super::layout::{self, Axes};
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
    let mut chart = layout::chart(area, (0.0, 1.0), (lo, hi), font, true)?;
    let axes = Axes {
        x_desc: "",
        y_desc: desc,
        x_ticks: 0,
        y_ticks: 6,
    };
    layout::mesh(&mut chart, &axes, font)?;
    let step = (hi - lo) / STEPS as f64;
    chart.draw_series((0..STEPS).map(|i| {
        let y0 = lo + i as f64 * step;
        let colour = map((i as f64 + 0.5) / STEPS as f64);
        Rectangle::new([(0.0, y0), (1.0, y0 + step)], colour.filled())
    }))?;
    Ok(())
}

/// Width of a colour bar area, px.
pub(crate) fn bar_width(font: f64) -> u32 {
    layout::y_label_width(font) + (font * 4.0).round() as u32
}
