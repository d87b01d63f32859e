//! Segment boundaries: dashed vertical lines across panels, and a strip above the
//! panels where each segment's name is written upwards at its position.

use plotters::coord::Shift;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

use super::colour::MARK_GREY;
use super::layout::{self, text, Chart};
use super::output::DrawResult;

/// Draws dashed vertical lines at data positions `xs` from `y.0` to `y.1`.
pub(crate) fn boundary_lines<DB: DrawingBackend>(
    chart: &mut Chart<'_, DB>,
    xs: &[f64],
    y: (f64, f64),
    colour: RGBColor,
) -> DrawResult {
    for &x in xs {
        chart.draw_series(DashedLineSeries::new(
            [(x, y.0), (x, y.1)],
            6,
            4,
            colour.stroke_width(1),
        ))?;
    }
    Ok(())
}

/// A segment's label in data coordinates: where it stands and the extent of the
/// segment it names (longer segments keep their labels first).
#[derive(Debug, Clone)]
pub(crate) struct SegmentLabel {
    /// Where the label stands.
    pub x: f64,
    /// The segment's first and last x.
    pub extent: (f64, f64),
    /// The segment's name.
    pub name: String,
    /// A second, smaller line (duration, repetition); may be empty.
    pub detail: String,
}

impl SegmentLabel {
    /// Labels standing at the start of each segment, each reaching to the next
    /// label or to `end`.
    pub fn at_starts(marks: Vec<(f64, String, String)>, end: f64) -> Vec<SegmentLabel> {
        let xs: Vec<f64> = marks.iter().map(|m| m.0).collect();
        marks
            .into_iter()
            .enumerate()
            .map(|(i, (x, name, detail))| SegmentLabel {
                x,
                extent: (x, xs.get(i + 1).copied().unwrap_or(end)),
                name,
                detail,
            })
            .collect()
    }
}

/// A label for the strip, at an absolute pixel column of the picture.
#[derive(Debug, Clone)]
pub(crate) struct StripLabel {
    /// Pixel column (absolute, as `ChartContext::backend_coord` gives it).
    pub x_px: i32,
    /// Width of the labelled segment, px: wider segments are labelled first.
    pub width_px: i32,
    /// The main line (a segment's name).
    pub text: String,
    /// A second, smaller line (duration, repetition); may be empty.
    pub detail: String,
}

/// Writes `labels` upwards in `strip`, from its bottom edge, each line shortened
/// with `…` to fit the strip's height; the detail line stands to the right of the
/// main one. Labels are placed widest segment first; one that would overlap a
/// label already placed is left out (so short segments give way to long ones);
/// returns how many were left out.
pub(crate) fn label_strip<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    mut labels: Vec<StripLabel>,
    font: f64,
) -> DrawResult<usize> {
    let (xs, ys) = strip.get_pixel_range();
    let room = (ys.end - ys.start - 4).max(0) as u32;
    let small = font * 0.85;
    let line = (font * 1.2).ceil() as i32;
    let upright = |size: f64| {
        text(size)
            .transform(FontTransform::Rotate270)
            .pos(Pos::new(HPos::Left, VPos::Center))
    };
    labels.sort_by_key(|l| (std::cmp::Reverse(l.width_px), l.x_px));
    let mut placed: Vec<(i32, i32)> = Vec::new();
    let mut dropped = 0;
    for label in labels {
        let two = !label.detail.is_empty();
        let (left, right) = if two {
            (label.x_px - line, label.x_px + line)
        } else {
            (label.x_px - line / 2, label.x_px + line / 2)
        };
        if left < xs.start || right > xs.end || placed.iter().any(|&(l, r)| left < r && l < right) {
            dropped += 1;
            continue;
        }
        let lines: &[(&str, f64, i32, RGBColor)] = if two {
            &[
                (
                    &label.text,
                    font,
                    label.x_px - line / 2,
                    RGBColor(0x20, 0x20, 0x20),
                ),
                (&label.detail, small, label.x_px + line / 2, MARK_GREY),
            ]
        } else {
            &[(&label.text, font, label.x_px, RGBColor(0x20, 0x20, 0x20))]
        };
        for &(line_text, size, x, colour) in lines {
            let flat = text(size);
            let fitted = fit(line_text, room, |t| {
                strip
                    .estimate_text_size(t, &flat)
                    .map(|(w, _)| w)
                    .unwrap_or(u32::MAX)
            });
            let pos = (x - xs.start, ys.end - ys.start - 2);
            strip.draw(&Text::new(fitted, pos, upright(size).color(&colour)))?;
        }
        placed.push((left, right));
    }
    Ok(dropped)
}

/// Height of a strip in `body` for `labels`, px: room for the longest label, but
/// no more than a fifth of `body` (longer labels are shortened).
pub(crate) fn strip_height<DB: DrawingBackend>(
    body: &DrawingArea<DB, Shift>,
    labels: &[SegmentLabel],
    font: f64,
) -> u32 {
    let width = |t: &str, size: f64| {
        body.estimate_text_size(t, &text(size))
            .map(|(w, _)| w)
            .unwrap_or(0)
    };
    let longest = labels
        .iter()
        .map(|l| width(&l.name, font * 0.9).max(width(&l.detail, font * 0.9 * 0.85)))
        .max()
        .unwrap_or(0);
    let (_, h) = body.dim_in_pixel();
    let cap = (f64::from(h) * 0.2).max(font * 3.0);
    (f64::from(longest) + font).clamp(font * 3.0, cap) as u32
}

/// Writes segment labels in `strip`, lined up with the charts
/// below it: the strip gets a chart of the same x geometry (`x_range`, margins and
/// y label room), whose pixel columns place the labels. Returns how many were left
/// out for lack of room.
pub(crate) fn strip_over_charts<DB: DrawingBackend>(
    strip: &DrawingArea<DB, Shift>,
    x_range: (f64, f64),
    labels: &[SegmentLabel],
    font: f64,
) -> DrawResult<usize> {
    let chart = layout::chart(strip, x_range, (0.0, 1.0), font, false)?;
    let px = |x: f64| chart.backend_coord(&(x, 0.0)).0;
    let labels = labels
        .iter()
        .map(|l| StripLabel {
            x_px: px(l.x),
            width_px: px(l.extent.1) - px(l.extent.0),
            text: l.name.clone(),
            detail: l.detail.clone(),
        })
        .collect();
    label_strip(strip, labels, font * 0.9)
}

/// `text`, or its longest prefix followed by `…`, whose width is at most `room`.
fn fit(text: &str, room: u32, width: impl Fn(&str) -> u32) -> String {
    if width(text) <= room {
        return text.to_string();
    }
    let chars: Vec<char> = text.chars().collect();
    (1..chars.len())
        .rev()
        .map(|n| chars[..n].iter().collect::<String>() + "…")
        .find(|t| width(t) <= room)
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_labels_are_cut_with_an_ellipsis() {
        let width = |t: &str| t.chars().count() as u32 * 10;
        assert_eq!(fit("abcdef", 60, width), "abcdef");
        assert_eq!(fit("abcdef", 40, width), "abc…");
        assert_eq!(fit("abcdef", 5, width), "");
    }
}
