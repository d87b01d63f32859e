//! The timeline picture: small programs and the `recreate_mol_exp` preset, PNG
//! and SVG, both time axes, and the errors a caller can make.

use crate::support::{assert_picture, files_in, preset, small_program};
use awgsf_plot::{timeline, PlotError, TimeAxis, TimelineOptions};

#[test]
fn small_program_renders_as_png_and_svg() {
    let dir = tempfile::tempdir().unwrap();
    let program = small_program();
    for (name, size) in [("t.png", (640, 480)), ("t.svg", (900, 600))] {
        let path = dir.path().join(name);
        let written = timeline(&program, &TimelineOptions::default(), &path, size).unwrap();
        assert_eq!(written, path);
        assert_picture(&path, size);
    }
    assert_eq!(files_in(dir.path()), ["t.png", "t.svg"]);
}

#[test]
fn preset_renders_with_both_time_axes() {
    let dir = tempfile::tempdir().unwrap();
    let program = preset("recreate_mol_exp");
    for (axis, name) in [
        (TimeAxis::Actual, "a.png"),
        (TimeAxis::EqualSegments, "e.svg"),
    ] {
        let options = TimelineOptions {
            time_axis: axis,
            ..TimelineOptions::default()
        };
        let path = dir.path().join(name);
        timeline(&program, &options, &path, (1400, 900)).unwrap();
        assert_picture(&path, (1400, 900));
    }
    // SVG keeps the labels as text.
    let svg = std::fs::read_to_string(dir.path().join("e.svg")).unwrap();
    // On the true time axis the 200 µs segment next to the 307 ns one keeps its
    // label: short segments give way to long ones.
    let actual = dir.path().join("a.svg");
    let options = TimelineOptions {
        time_axis: TimeAxis::Actual,
        ..TimelineOptions::default()
    };
    timeline(&program, &options, &actual, (1400, 900)).unwrap();
    let text = std::fs::read_to_string(&actual).unwrap();
    assert!(
        text.contains("loading_tweezers_on"),
        "a long segment lost its label"
    );
    assert!(text.contains("1 short segment unlabelled"));
    assert!(svg.contains("hotswap_rearrange"), "segment names missing");
    assert!(svg.contains("H frequency (MHz)"));
}

#[test]
fn a_range_of_segments_renders_alone() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("range.png");
    let options = TimelineOptions {
        segments: Some(2..4),
        points_per_part: 8,
        ..TimelineOptions::default()
    };
    timeline(&preset("recreate_mol_exp"), &options, &path, (800, 600)).unwrap();
    assert_picture(&path, (800, 600));
}

#[test]
fn same_input_gives_the_same_bytes() {
    let dir = tempfile::tempdir().unwrap();
    let program = small_program();
    let a = dir.path().join("a.png");
    let b = dir.path().join("b.png");
    timeline(&program, &TimelineOptions::default(), &a, (500, 400)).unwrap();
    timeline(&program, &TimelineOptions::default(), &b, (500, 400)).unwrap();
    assert_eq!(std::fs::read(a).unwrap(), std::fs::read(b).unwrap());
}

#[test]
fn errors_name_the_file_and_leave_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    let program = small_program();
    let opts = TimelineOptions::default();

    let jpg = dir.path().join("t.jpg");
    let err = timeline(&program, &opts, &jpg, (500, 400)).unwrap_err();
    assert!(matches!(err, PlotError::UnknownFormat { .. }));
    assert!(err.to_string().contains("t.jpg"), "{err}");

    let png = dir.path().join("t.png");
    let err = timeline(&program, &opts, &png, (50, 400)).unwrap_err();
    assert!(matches!(err, PlotError::BadSize { .. }), "{err}");

    let bad = TimelineOptions {
        segments: Some(1..9),
        ..TimelineOptions::default()
    };
    let err = timeline(&program, &bad, &png, (500, 400)).unwrap_err();
    assert!(matches!(err, PlotError::BadInput { .. }), "{err}");
    assert!(err.to_string().contains("segments 1..9"), "{err}");
    assert_eq!(err.path(), png.as_path());

    let missing = dir.path().join("no_such_dir").join("t.png");
    let err = timeline(&program, &opts, &missing, (500, 400)).unwrap_err();
    assert!(matches!(err, PlotError::Write { .. }), "{err}");
    assert!(err.to_string().contains("no_such_dir"), "{err}");

    assert!(
        files_in(dir.path()).is_empty(),
        "{:?}",
        files_in(dir.path())
    );
}

#[test]
fn an_existing_picture_is_replaced_whole() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("t.svg");
    std::fs::write(&path, "old").unwrap();
    timeline(
        &small_program(),
        &TimelineOptions::default(),
        &path,
        (600, 400),
    )
    .unwrap();
    assert_picture(&path, (600, 400));
    assert_eq!(files_in(dir.path()), ["t.svg"]);
}
