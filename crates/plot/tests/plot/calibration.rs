//! The calibration picture: synthetic data against one and two fits (a card
//! calibration and closures), PNG and SVG, and bad input.

use crate::support::assert_picture;
use abi_stable::std_types::RVec;
use awgsf_plot::{
    calibration, CalibrationOptions, FnModel, NamedFit, PlotError, PowerModel, PowerPoint,
};
use awgsf_plugin_api::Sin2Calibration;

fn model() -> Sin2Calibration {
    Sin2Calibration {
        g_poly: RVec::from(vec![-0.25, 0.05, 0.8]),
        v0_poly: RVec::from(vec![20.0, -10.0, 140.0]),
        freq_min_hz: 80e6,
        freq_max_hz: 120e6,
        min_g: 1e-12,
        min_v0_sq: 1e-12,
        y_eps: 1e-6,
    }
}

fn points(cal: &Sin2Calibration) -> Vec<PowerPoint> {
    (0..20)
        .flat_map(|i| (0..15).map(move |j| (i, j)))
        .map(|(i, j)| {
            let f = 80e6 + f64::from(i) * 2e6;
            let a = f64::from(j) * 12.0;
            let ripple = 0.01 * (f64::from(i * 5 + j * 3)).sin();
            PowerPoint {
                freq_hz: f,
                rf_mv: a,
                power: cal.power(f, a) + ripple,
            }
        })
        .collect()
}

#[test]
fn one_fit_and_two_fits_render() {
    let dir = tempfile::tempdir().unwrap();
    let cal = model();
    let data = points(&cal);
    let flat = FnModel {
        power: |_f: f64, a: f64| 0.7 * (std::f64::consts::FRAC_PI_2 * a / 145.0).sin().powi(2),
        g: |_f: f64| 0.7,
        v0_mv: |_f: f64| 145.0,
    };
    let one = [NamedFit {
        name: "sin²",
        model: &cal,
    }];
    let two = [
        NamedFit {
            name: "ours",
            model: &cal,
        },
        NamedFit {
            name: "reference",
            model: &flat,
        },
    ];
    for (name, fits, size) in [
        ("one.png", &one[..], (1000, 800)),
        ("two.svg", &two[..], (1400, 1000)),
    ] {
        let path = dir.path().join(name);
        calibration(&data, fits, &CalibrationOptions::default(), &path, size).unwrap();
        assert_picture(&path, size);
    }
    let svg = std::fs::read_to_string(dir.path().join("two.svg")).unwrap();
    assert!(svg.contains("reference: data − fit") && svg.contains("ours: data − fit"));
    assert!(svg.contains("Reachable power g(f)"));
}

#[test]
fn bad_input_is_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.png");
    let cal = model();
    let fits = [NamedFit {
        name: "a",
        model: &cal,
    }];
    let err = calibration(
        &[],
        &fits,
        &CalibrationOptions::default(),
        &path,
        (800, 600),
    )
    .unwrap_err();
    assert!(matches!(err, PlotError::BadInput { .. }));
    let data = points(&cal);
    let three = [fits[0], fits[0], fits[0]];
    let err = calibration(
        &data,
        &three,
        &CalibrationOptions::default(),
        &path,
        (800, 600),
    )
    .unwrap_err();
    assert!(err.to_string().contains("fits"), "{err}");
    let options = CalibrationOptions {
        slices: 0,
        ..CalibrationOptions::default()
    };
    let err = calibration(&data, &fits, &options, &path, (800, 600)).unwrap_err();
    assert!(err.to_string().contains("slices"), "{err}");
    assert!(!path.exists());
}
