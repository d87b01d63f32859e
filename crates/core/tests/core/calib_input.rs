//! Reading measured calibration data: CSV (headered, headerless, frequency units),
//! `.awgde` in the reference's layout, and DE-calibration JSON.

use std::path::{Path, PathBuf};

use awgsf_core::calib::{CalibError, FreqUnit, InputFormat, MeasuredData};

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

fn points(d: &MeasuredData) -> Vec<(f64, f64, f64)> {
    (0..d.len())
        .map(|i| (d.freqs_hz[i], d.rf_amps_mv[i], d.powers[i]))
        .collect()
}

#[test]
fn csv_with_named_columns_in_any_order() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "scan.csv",
        "# AOD scan\nOptical Power, RF Amp (mV), Frequency (MHz)\n0.5, 100, 90.5\n\n0.25,50,91\n",
    );
    let d = MeasuredData::read(&p, InputFormat::Auto, None).unwrap();
    assert_eq!(d.format, InputFormat::Csv);
    assert_eq!(points(&d), [(90.5e6, 100.0, 0.5), (91e6, 50.0, 0.25)]);
}

#[test]
fn csv_header_unit_is_used_and_must_agree_with_the_flag() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "s.csv", "freq_khz,amp_mv,power\n90000,10,0.1\n");
    let d = MeasuredData::read(&p, InputFormat::Auto, None).unwrap();
    assert_eq!(d.freqs_hz, [90e6]);
    let d = MeasuredData::read(&p, InputFormat::Auto, Some(FreqUnit::KHz)).unwrap();
    assert_eq!(d.freqs_hz, [90e6]);
    let e = MeasuredData::read(&p, InputFormat::Auto, Some(FreqUnit::MHz)).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: header (line 1): the frequency column is in kHz but MHz was requested",
            p.display()
        )
    );
}

#[test]
fn csv_without_header_uses_the_unit_flag() {
    let dir = tempfile::tempdir().unwrap();
    let text = "90,10,0.1\n# comment\n91,20,0.2\n";
    let p = write(dir.path(), "plain.csv", text);
    let mhz = MeasuredData::read(&p, InputFormat::Csv, None).unwrap();
    assert_eq!(mhz.freqs_hz, [90e6, 91e6]);
    let khz = MeasuredData::read(&p, InputFormat::Csv, Some(FreqUnit::KHz)).unwrap();
    assert_eq!(khz.freqs_hz, [90e3, 91e3]);
    let hz = MeasuredData::read(&p, InputFormat::Csv, Some(FreqUnit::Hz)).unwrap();
    assert_eq!(hz.freqs_hz, [90.0, 91.0]);
    assert_eq!(hz.rf_amps_mv, [10.0, 20.0]);
    assert_eq!(hz.powers, [0.1, 0.2]);
}

#[test]
fn csv_header_of_unknown_names_means_the_first_three_columns() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "x.csv", "x,y,z,comment\n95,30,0.3,ok\n");
    let d = MeasuredData::read(&p, InputFormat::Csv, None).unwrap();
    assert_eq!(points(&d), [(95e6, 30.0, 0.3)]);
}

#[test]
fn csv_cleaning_drops_and_clamps() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "c.csv",
        "90,10,0.1\n90,,0.2\n90,nan,0.2\n90,-5,0.2\n90,20,-0.001\n",
    );
    let d = MeasuredData::read(&p, InputFormat::Csv, None).unwrap();
    assert_eq!(points(&d), [(90e6, 10.0, 0.1), (90e6, 20.0, 0.0)]);
    assert_eq!((d.n_dropped, d.n_clamped), (3, 1));
}

#[test]
fn csv_errors_name_line_and_column() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.csv",
        "f,amp,power\n90,10,0.1\n91,ten,0.2\n",
    );
    let e = MeasuredData::read(&p, InputFormat::Csv, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: line 3, column 2: expected a number, got \"ten\"",
            p.display()
        )
    );
    let p = write(dir.path(), "short.csv", "90,10,0.1\n91,20\n");
    let e = MeasuredData::read(&p, InputFormat::Csv, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: line 2: expected at least 3 columns, got 2",
            p.display()
        )
    );
    let p = write(dir.path(), "partial.csv", "freq,voltage,power\n90,10,0.1\n");
    let e = MeasuredData::read(&p, InputFormat::Csv, None).unwrap_err();
    assert!(
        e.to_string().contains("header (line 1): header [\"freq\", \"voltage\", \"power\"] names no column for: RF amplitude"),
        "{e}"
    );
    let p = write(dir.path(), "empty.csv", "# nothing\n");
    assert!(matches!(
        MeasuredData::read(&p, InputFormat::Csv, None),
        Err(CalibError::Fit { .. })
    ));
}

/// A small `.awgde` in the reference's layout: power level -> iso-power curve.
const AWGDE: &str = r#"{
  "0.0": {"Frequency (MHz)": [90.0, 100.0], "RF Amplitude (mV)": [0.0, 0.0]},
  "0.5": {"Frequency (MHz)": [90.0, 95.25, 100.0], "RF Amplitude (mV)": [80.0, 82.5, NaN]},
  "comment": "measured 2024-10-04",
  "1.0e-1": {"Frequency (MHz)": [90.0], "RF Amplitude (mV)": [30.0]}
}"#;

#[test]
fn awgde_levels_become_points() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(dir.path(), "cal.awgde", AWGDE);
    let d = MeasuredData::read(&p, InputFormat::Auto, None).unwrap();
    assert_eq!(d.format, InputFormat::Awgde);
    assert_eq!(
        points(&d),
        [
            (90e6, 0.0, 0.0),
            (100e6, 0.0, 0.0),
            (90e6, 80.0, 0.5),
            (95.25e6, 82.5, 0.5),
            (90e6, 30.0, 0.1)
        ]
    );
    assert_eq!(d.n_dropped, 1);
    // The same content under a .json name is recognised by its layout.
    let p = write(dir.path(), "cal.json", AWGDE);
    assert_eq!(
        MeasuredData::read(&p, InputFormat::Auto, None)
            .unwrap()
            .format,
        InputFormat::Awgde
    );
}

#[test]
fn awgde_errors_name_the_level() {
    let dir = tempfile::tempdir().unwrap();
    let p = write(
        dir.path(),
        "bad.awgde",
        r#"{"0.5": {"Frequency (MHz)": [90.0, 91.0], "RF Amplitude (mV)": [80.0]}}"#,
    );
    let e = MeasuredData::read(&p, InputFormat::Auto, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: [\"0.5\"][\"RF Amplitude (mV)\"]: expected 2 values (one per frequency), got 1",
            p.display()
        )
    );
    let p = write(
        dir.path(),
        "key.awgde",
        r#"{"half": {"Frequency (MHz)": [90.0], "RF Amplitude (mV)": [80.0]}}"#,
    );
    let e = MeasuredData::read(&p, InputFormat::Auto, None).unwrap_err();
    assert!(
        e.to_string()
            .ends_with(": half: a curve's key must be its optical power (a number)"),
        "{e}"
    );
    let p = write(dir.path(), "none.awgde", r#"{"note": "x"}"#);
    assert!(MeasuredData::read(&p, InputFormat::Auto, None).is_err());
}

#[test]
fn de_json_reads_and_reports_bad_entries() {
    let dir = tempfile::tempdir().unwrap();
    let good = r#"{"umPerMHz": 0.3, "DE_RF_calibration": {
        "80.25": {"RF Amplitude (mV)": [0.0, 10.0], "Diffraction Efficiency": [-0.001, 0.2]}}}"#;
    let p = write(dir.path(), "cal.txt", good);
    let d = MeasuredData::read(&p, InputFormat::Auto, None).unwrap();
    assert_eq!(d.format, InputFormat::DeJson);
    assert_eq!(points(&d), [(80.25e6, 0.0, 0.0), (80.25e6, 10.0, 0.2)]);
    assert_eq!(d.n_clamped, 1);

    let bad = good.replace("[-0.001, 0.2]", "[0.2]");
    let p = write(dir.path(), "bad.json", &bad);
    let e = MeasuredData::read(&p, InputFormat::DeJson, None).unwrap_err();
    assert_eq!(
        e.to_string(),
        format!(
            "{}: DE_RF_calibration[\"80.25\"][\"Diffraction Efficiency\"]: expected 2 values (one per RF amplitude), got 1",
            p.display()
        )
    );
    let p = write(dir.path(), "other.json", r#"{"hello": 1}"#);
    let e = MeasuredData::read(&p, InputFormat::Auto, None).unwrap_err();
    assert!(e.to_string().contains("cannot tell the format"), "{e}");
    let e =
        MeasuredData::read(&dir.path().join("absent.json"), InputFormat::Auto, None).unwrap_err();
    assert!(matches!(e, CalibError::Io { action: "read", .. }));
}

#[test]
fn measured_file_has_the_expected_grid() {
    let p = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/calibrations/814_V_calFile_17.02.2022.de.json");
    let d = MeasuredData::read(&p, InputFormat::Auto, None).unwrap();
    assert_eq!(d.len(), 160 * 120);
    assert_eq!(d.n_dropped, 0);
    let fmax = d.freqs_hz.iter().copied().fold(f64::MIN, f64::max);
    let fmin = d.freqs_hz.iter().copied().fold(f64::MAX, f64::min);
    assert_eq!((fmin, fmax), (80e6, 120e6));
}

#[test]
fn format_and_unit_names_parse() {
    assert_eq!("de-json".parse::<InputFormat>(), Ok(InputFormat::DeJson));
    assert_eq!("AWGDE".parse::<InputFormat>(), Ok(InputFormat::Awgde));
    assert!("xml".parse::<InputFormat>().is_err());
    assert_eq!("kHz".parse::<FreqUnit>(), Ok(FreqUnit::KHz));
    assert_eq!("mhz".parse::<FreqUnit>(), Ok(FreqUnit::MHz));
    assert!("GHz".parse::<FreqUnit>().is_err());
}
