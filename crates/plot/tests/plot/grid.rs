//! The spot-grid picture: small tone states, the `recreate_mol_exp` preset at
//! chosen instants, an empty channel, and bad input.

use crate::support::{assert_picture, preset};
use awgsf_core::pipeline::ToneState;
use awgsf_plot::{grid, tones_at, GridOptions, PlotError};

fn state(freqs: &[f64], amps: &[f64]) -> ToneState {
    ToneState {
        freqs_hz: freqs.to_vec(),
        amps: amps.to_vec(),
        phases_rad: vec![0.0; freqs.len()],
        ids: (0..freqs.len() as u32).collect(),
        lineage: (0..freqs.len() as u32).collect(),
    }
}

#[test]
fn small_grid_renders_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let h = state(&[90e6, 95e6, 100e6], &[0.5, 0.0, 1.0]);
    let v = state(&[98e6, 102e6], &[0.3, 0.6]);
    for (name, size) in [("g.png", (600, 500)), ("g.svg", (640, 480))] {
        let path = dir.path().join(name);
        grid(&h, &v, &GridOptions::default(), &path, size).unwrap();
        assert_picture(&path, size);
    }
    let svg = std::fs::read_to_string(dir.path().join("g.svg")).unwrap();
    // 3 × 2 spots: four lit (fill and rim) and two off rings.
    assert_eq!(svg.matches("<circle").count(), 4 * 2 + 2, "{svg}");
}

#[test]
fn preset_grids_render_at_several_instants() {
    let dir = tempfile::tempdir().unwrap();
    let program = preset("recreate_mol_exp");
    for (i, qs) in program.segments.iter().enumerate().skip(1).step_by(3) {
        let n = qs.segment.n_samples();
        let states = tones_at(&program, i, n / 2).unwrap();
        let path = dir.path().join(format!("{i}.png"));
        let options = GridOptions {
            title: Some(format!("{} at sample {}", qs.segment.name, n / 2)),
            ..GridOptions::default()
        };
        grid(&states[0], &states[1], &options, &path, (800, 600)).unwrap();
        assert_picture(&path, (800, 600));
    }
    assert!(tones_at(&program, 99, 0).is_none());
    let n = program.segments[2].segment.n_samples();
    assert!(tones_at(&program, 2, n).is_some());
    assert!(tones_at(&program, 2, n + 1).is_none());
}

#[test]
fn a_channel_without_tones_gives_an_empty_grid() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("empty.svg");
    grid(
        &state(&[], &[]),
        &state(&[1e6], &[1.0]),
        &GridOptions::default(),
        &path,
        (500, 400),
    )
    .unwrap();
    assert_picture(&path, (500, 400));
    assert!(std::fs::read_to_string(&path)
        .unwrap()
        .contains("H has no tones"));
}

#[test]
fn non_finite_tones_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.png");
    let err = grid(
        &state(&[1e6], &[1.0]),
        &state(&[2e6, 3e6], &[1.0, f64::INFINITY]),
        &GridOptions::default(),
        &path,
        (500, 400),
    )
    .unwrap_err();
    assert!(matches!(err, PlotError::BadInput { .. }));
    assert!(err.to_string().contains("V.tones[1]"), "{err}");
    assert!(!path.exists());
}

#[test]
fn positions_in_a_pass_map_to_segments() {
    use awgsf_plot::segment_at;
    let program = preset("recreate_mol_exp");
    let n0 = program.segments[0].segment.n_samples();
    let n1 = program.segments[1].segment.n_samples();
    assert_eq!(segment_at(&program, 0), Some((0, 0)));
    assert_eq!(segment_at(&program, n0), Some((1, 0)));
    assert_eq!(segment_at(&program, n0 + n1 - 1), Some((1, n1 - 1)));
    let total: u64 = program.segments.iter().map(|s| s.segment.n_samples()).sum();
    assert_eq!(segment_at(&program, total), None);
}

/// The number in `attr="..."` of an SVG element's text.
fn attr(element: &str, name: &str) -> Option<f64> {
    let from = element.find(&format!(" {name}=\""))? + name.len() + 3;
    let rest = &element[from..];
    rest[..rest.find('"')?].parse().ok()
}

#[test]
fn colour_bar_ticks_stand_right_of_the_bar() {
    let dir = tempfile::tempdir().unwrap();
    let h = state(&[90e6, 95e6, 100e6], &[0.5, 0.2, 1.0]);
    let v = state(&[98e6, 102e6], &[0.3, 0.6]);
    let path = dir.path().join("g.svg");
    grid(&h, &v, &GridOptions::default(), &path, (800, 500)).unwrap();
    let svg = std::fs::read_to_string(&path).unwrap();
    // The bar is the narrow rectangles (the background spans the picture).
    let bar_right = svg
        .split("<rect")
        .skip(1)
        .filter_map(|r| Some((attr(r, "x")?, attr(r, "width")?)))
        .filter(|&(_, w)| w < 400.0)
        .map(|(x, w)| x + w)
        .fold(0.0f64, f64::max);
    assert!(bar_right > 600.0, "no colour bar found");
    for label in ["0", "0.2", "0.4", "0.6", "0.8", "1"] {
        let text = svg
            .split("<text")
            .skip(1)
            .find(|t| {
                t.split_once('>')
                    .is_some_and(|(_, body)| body.trim().starts_with(&format!("{label}\n")))
                    && attr(t, "x").is_some_and(|x| x > 600.0)
            })
            .unwrap_or_else(|| panic!("no colour-bar tick {label}"));
        assert!(text.contains("text-anchor=\"start\""), "{text}");
        assert!(
            attr(text, "x").unwrap() >= bar_right,
            "{label} overlaps the bar"
        );
    }
}
