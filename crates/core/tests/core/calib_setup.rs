//! Physical-setup files: the reference layout round-trips to equal JSON, every
//! validation rule fails with a message naming the file and field, and writing is
//! atomic.

use std::path::PathBuf;

use awgsf_core::calib::{CalibError, PhysicalSetup, PowerClamp};
use serde_json::{json, Value};

fn repo_data(rel: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data")
        .join(rel)
}

#[test]
fn golden_and_reference_setups_round_trip_to_equal_json() {
    for rel in [
        "setups/calibrated.setup.json",
        "setups/chirps.setup.json",
        "setups/ramps.setup.json",
        "calibrations/814_H.reference_fit.setup.json",
    ] {
        let path = repo_data(rel);
        let text = std::fs::read_to_string(&path).unwrap();
        let original: Value = serde_json::from_str(&text).unwrap();
        let setup = PhysicalSetup::from_file(&path).unwrap();
        assert_eq!(setup.to_json_value(), original, "{rel}");
        let again: Value = serde_json::from_str(&setup.to_json_string()).unwrap();
        assert_eq!(again, original, "{rel}");
        let via_serde: PhysicalSetup = serde_json::from_str(&text).unwrap();
        assert_eq!(via_serde, setup, "{rel}");
    }
}

#[test]
fn golden_calibrated_setup_reads_as_expected() {
    let setup = PhysicalSetup::from_file(&repo_data("setups/calibrated.setup.json")).unwrap();
    assert_eq!(setup.n_channels(), 2);
    assert_eq!(setup.hardware_channel("V"), Some(1));
    assert_eq!(setup.logical_channel(0), Some("H"));
    assert!(setup.calibration(1).is_none());
    let c = setup.calibration(0).unwrap();
    assert_eq!(c.g_poly, [0.05, -0.1, 1.0]);
    assert_eq!(c.v0_poly, [-20.0, 10.0, 300.0]);
    assert_eq!(c.traceability, "golden synthetic");
    assert_eq!(c.best_freq_hz(), 40_000);

    // SEMANTICS 7.3 by hand at f = 160 kHz (x = 0.5), p = 0.4.
    let x: f64 = 0.5;
    let g: f64 = 0.05 * x * x - 0.1 * x + 1.0;
    let q: f64 = -20.0 * x * x + 10.0 * x + 300.0;
    let v0 = (q * q + 1e-12).sqrt();
    let want = v0 * std::f64::consts::FRAC_2_PI * (0.4 / g).sqrt().asin();
    let got = c.rf_amplitude(160e3, 0.4);
    assert!((got.mv - want).abs() < 1e-12);
    assert_eq!(got.power_clamp, PowerClamp::None);
    assert!(!got.freq_clamped);

    let plan = c.to_plan();
    assert_eq!(plan.g_poly.as_slice(), c.g_poly.as_slice());
    assert_eq!(plan.v0_poly.as_slice(), c.v0_poly.as_slice());
    assert_eq!(
        (
            plan.freq_min_hz,
            plan.freq_max_hz,
            plan.min_g,
            plan.min_v0_sq,
            plan.y_eps
        ),
        (40e3, 200e3, 1e-12, 1e-12, 1e-6)
    );
}

#[test]
fn reference_best_freq_is_reproduced() {
    let setup = PhysicalSetup::from_file(&repo_data("calibrations/814_H.reference_fit.setup.json"))
        .unwrap();
    assert_eq!(setup.calibration(0).unwrap().best_freq_hz(), 97_035_409);
}

/// A valid one-channel document to break field by field.
fn valid() -> Value {
    json!({
        "channel_calibrations": [{
            "best_freq_hz": 40000,
            "freq_max_hz": 200000.0,
            "freq_min_hz": 40000.0,
            "g_poly_high_to_low": [0.05, -0.1, 0.0, 1.0],
            "min_g": 1e-12,
            "min_v0_sq": 1e-12,
            "traceability_string": "t",
            "v0_a_poly_high_to_low": [-20.0, 10.0, 300.0],
            "y_eps": 1e-6
        }],
        "logical_to_hardware_map": {"H": 0}
    })
}

/// Loads `text` as `setup.json` and returns the error message.
fn error_of(text: &str) -> String {
    match PhysicalSetup::from_json_str(text, "setup.json") {
        Ok(_) => panic!("expected an error for {text}"),
        Err(e) => e.to_string(),
    }
}

/// Applies `edit` to the valid document and returns the load error.
fn error_after(edit: impl FnOnce(&mut Value)) -> String {
    let mut v = valid();
    edit(&mut v);
    error_of(&serde_json::to_string(&v).unwrap())
}

fn calib0(v: &mut Value) -> &mut Value {
    &mut v["channel_calibrations"][0]
}

#[test]
fn the_valid_document_loads() {
    PhysicalSetup::from_json_str(&valid().to_string(), "setup.json").unwrap();
}

#[test]
fn non_finite_coefficients_are_named_by_path() {
    let text = valid()
        .to_string()
        .replace("[0.05,-0.1,0.0,1.0]", "[0.05,-0.1,0.0,NaN]");
    assert_eq!(
        error_of(&text),
        "setup.json: channel_calibrations[0].g_poly_high_to_low[3]: expected a finite number, got NaN"
    );
    let text = valid()
        .to_string()
        .replace("[-20.0,10.0,300.0]", "[-20.0,-Infinity,300.0]");
    assert_eq!(
        error_of(&text),
        "setup.json: channel_calibrations[0].v0_a_poly_high_to_low[1]: expected a finite number, got -Infinity"
    );
    let e = error_after(|v| calib0(v)["g_poly_high_to_low"][0] = json!("1.0"));
    assert_eq!(
        e,
        "setup.json: channel_calibrations[0].g_poly_high_to_low[0]: expected a finite number, got the string \"1.0\""
    );
}

#[test]
fn empty_polynomials_are_rejected() {
    assert_eq!(
        error_after(|v| calib0(v)["g_poly_high_to_low"] = json!([])),
        "setup.json: channel_calibrations[0].g_poly_high_to_low: expected at least one coefficient, got an empty list"
    );
    assert_eq!(
        error_after(|v| calib0(v)["v0_a_poly_high_to_low"] = json!([])),
        "setup.json: channel_calibrations[0].v0_a_poly_high_to_low: expected at least one coefficient, got an empty list"
    );
}

#[test]
fn frequency_range_must_be_finite_and_increasing() {
    assert_eq!(
        error_after(|v| calib0(v)["freq_max_hz"] = json!(40000.0)),
        "setup.json: channel_calibrations[0].freq_max_hz: expected a finite range above freq_min_hz = 40000, got 40000"
    );
    assert_eq!(
        error_after(|v| calib0(v)["freq_max_hz"] = json!(1000.0)),
        "setup.json: channel_calibrations[0].freq_max_hz: expected a finite range above freq_min_hz = 40000, got 1000"
    );
    let text = valid()
        .to_string()
        .replace("\"freq_min_hz\":40000.0", "\"freq_min_hz\":-Infinity");
    assert_eq!(
        error_of(&text),
        "setup.json: channel_calibrations[0].freq_min_hz: expected a finite number, got -Infinity"
    );
    let text = valid()
        .to_string()
        .replace("\"freq_max_hz\":200000.0", "\"freq_max_hz\":1.7e308");
    let e = error_of(&text.replace("\"freq_min_hz\":40000.0", "\"freq_min_hz\":-1.7e308"));
    assert!(
        e.starts_with("setup.json: channel_calibrations[0].freq_max_hz: expected a finite range"),
        "{e}"
    );
}

#[test]
fn floors_and_headroom_are_range_checked() {
    assert_eq!(
        error_after(|v| calib0(v)["min_g"] = json!(0.0)),
        "setup.json: channel_calibrations[0].min_g: expected a finite number > 0, got 0"
    );
    assert_eq!(
        error_after(|v| calib0(v)["min_v0_sq"] = json!(-1e-9)),
        "setup.json: channel_calibrations[0].min_v0_sq: expected a finite number > 0, got -0.000000001"
    );
    assert_eq!(
        error_after(|v| calib0(v)["y_eps"] = json!(0.0)),
        "setup.json: channel_calibrations[0].y_eps: expected a number in (0, 1), got 0"
    );
    assert_eq!(
        error_after(|v| calib0(v)["y_eps"] = json!(1.0)),
        "setup.json: channel_calibrations[0].y_eps: expected a number in (0, 1), got 1"
    );
}

#[test]
fn optional_fields_default_and_best_freq_is_derived() {
    let mut v = valid();
    let c = calib0(&mut v).as_object_mut().unwrap();
    for k in [
        "min_g",
        "min_v0_sq",
        "y_eps",
        "traceability_string",
        "best_freq_hz",
    ] {
        c.remove(k);
    }
    let setup = PhysicalSetup::from_json_value(&v, "setup.json").unwrap();
    let cal = setup.calibration(0).unwrap();
    assert_eq!((cal.min_g, cal.min_v0_sq, cal.y_eps), (1e-12, 1e-12, 1e-6));
    assert_eq!(cal.traceability, "");
    // g = 0.05 x^3 - 0.1 x^2 + 1 peaks at x = 0 (120 kHz); of the 4096 grid points
    // 119980.5 and 120019.5 Hz beside it, the cubic term favours the upper one.
    assert_eq!(
        setup.to_json_value()["channel_calibrations"][0]["best_freq_hz"],
        120020
    );
}

#[test]
fn missing_and_unknown_fields_are_named() {
    assert_eq!(
        error_after(|v| {
            calib0(v).as_object_mut().unwrap().remove("freq_min_hz");
        }),
        "setup.json: channel_calibrations[0].freq_min_hz: missing required field"
    );
    let e = error_after(|v| calib0(v)["y_esp"] = json!(1e-6));
    assert!(
        e.starts_with("setup.json: channel_calibrations[0].y_esp: unknown field; expected one of"),
        "{e}"
    );
    assert_eq!(
        error_after(|v| {
            v.as_object_mut().unwrap().remove("logical_to_hardware_map");
        }),
        "setup.json: logical_to_hardware_map: missing required field"
    );
    assert_eq!(
        error_after(|v| v["channel_calibrations"] = json!([7])),
        "setup.json: channel_calibrations[0]: expected an object, got 7"
    );
}

#[test]
fn calibration_count_must_match_the_hardware_channels() {
    assert_eq!(
        error_after(|v| v["channel_calibrations"] = json!([null, null])),
        "setup.json: channel_calibrations: expected 1 entries (one per hardware channel, null if uncalibrated), got 2"
    );
    let e = error_after(|v| v["logical_to_hardware_map"] = json!({"H": 0, "V": 1}));
    assert!(
        e.starts_with("setup.json: channel_calibrations: expected 2 entries"),
        "{e}"
    );
    // An empty list means "all uncalibrated", as in the reference.
    let mut v = valid();
    v["channel_calibrations"] = json!([]);
    v["logical_to_hardware_map"] = json!({"H": 0, "V": 1});
    let s = PhysicalSetup::from_json_value(&v, "setup.json").unwrap();
    assert_eq!(s.calibrations(), [None, None]);
}

#[test]
fn map_must_be_one_to_one_and_contiguous() {
    assert_eq!(
        error_after(|v| v["logical_to_hardware_map"] = json!({"H": 0, "V": 0})),
        "setup.json: logical_to_hardware_map: hardware channel 0 is driven by both \"H\" and \"V\"; the map must be one-to-one"
    );
    assert_eq!(
        error_after(|v| {
            v["logical_to_hardware_map"] = json!({"H": 0, "V": 2});
            v["channel_calibrations"] = json!([null, null]);
        }),
        "setup.json: logical_to_hardware_map: hardware channels must be contiguous 0..1, got [0, 2]"
    );
    assert_eq!(
        error_after(|v| v["logical_to_hardware_map"] = json!({"H": -1})),
        "setup.json: logical_to_hardware_map.H: expected a non-negative integer hardware channel, got -1"
    );
    assert_eq!(
        error_after(|v| v["logical_to_hardware_map"] = json!({"H": 0.5})),
        "setup.json: logical_to_hardware_map.H: expected a non-negative integer hardware channel, got 0.5"
    );
    assert_eq!(
        error_after(|v| v["logical_to_hardware_map"] = json!({})),
        "setup.json: logical_to_hardware_map: expected at least one logical channel, got none"
    );
}

#[test]
fn syntax_errors_carry_line_and_column() {
    let e =
        PhysicalSetup::from_json_str("{\n  \"logical_to_hardware_map\": {\"H\": 0,}\n}", "s.json")
            .unwrap_err();
    match e {
        CalibError::Syntax { file, line, .. } => {
            assert_eq!(file, "s.json");
            assert_eq!(line, 2);
        }
        other => panic!("unexpected {other}"),
    }
}

#[test]
fn serde_deserialisation_reports_the_field() {
    let mut v = valid();
    calib0(&mut v)["y_eps"] = json!(2.0);
    let e = serde_json::from_value::<PhysicalSetup>(v)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("channel_calibrations[0].y_eps: expected a number in (0, 1), got 2"),
        "{e}"
    );
}

#[test]
fn write_json_replaces_the_file_atomically() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("setup.json");
    std::fs::write(&path, "old").unwrap();
    let setup = PhysicalSetup::from_file(&repo_data("setups/calibrated.setup.json")).unwrap();
    setup.write_json(&path).unwrap();
    assert_eq!(PhysicalSetup::from_file(&path).unwrap(), setup);
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names, ["setup.json"], "no temporary file is left behind");

    let missing = dir.path().join("no/such/dir/setup.json");
    let e = setup.write_json(&missing).unwrap_err();
    assert!(
        matches!(
            e,
            CalibError::Io {
                action: "write",
                ..
            }
        ),
        "{e}"
    );
    assert!(e.to_string().starts_with(&missing.display().to_string()));
    assert!(!missing.exists());
}

#[test]
fn identity_setups_are_uncalibrated() {
    let s = PhysicalSetup::identity(&["H", "V"]).unwrap();
    assert_eq!(s.hardware_channel("H"), Some(0));
    assert_eq!(s.calibrations(), [None, None]);
    assert!(PhysicalSetup::identity(&["H", "H"]).is_err());
}
