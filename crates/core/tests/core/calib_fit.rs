//! Fitting the sin² model: quality on the two measured AOD data sets, recovery of
//! known models, and per-channel frequency ranges that survive a save/load.

use std::collections::BTreeMap;
use std::path::PathBuf;

use awgsf_core::calib::{
    fit_files, fit_sin2, CalibError, FitInput, FitOptions, InputFormat, MeasuredData, PhysicalSetup,
};

fn data(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/calibrations")
        .join(name)
}

/// RMSEs of the reference library's fit of the same files (its `fit_sin2_poly_model`,
/// degree 6/6, run on these files: 0.006893 and 0.008187 to four figures).
const REF_RMSE_H: f64 = 0.006892861907802095;
const REF_RMSE_V: f64 = 0.008187479936169223;

#[test]
fn measured_h_and_v_fits_reach_the_reference_rmse() {
    let inputs = [
        FitInput::new(data("814_H_calFile_17.02.2022.de.json")),
        FitInput::new(data("814_V_calFile_17.02.2022.de.json")),
    ];
    let opts = FitOptions {
        logical_to_hardware: Some(BTreeMap::from([("H".into(), 0), ("V".into(), 1)])),
        ..FitOptions::default()
    };
    let report = fit_files(&inputs, &opts).unwrap();
    for c in &report.channels {
        eprintln!("{c}");
    }
    let (h, v) = (&report.channels[0].stats, &report.channels[1].stats);
    eprintln!("rmse H {:e} V {:e}", h.rmse, v.rmse);
    assert_eq!(h.n_points, 160 * 120);
    assert_eq!(h.n_frequencies, 160);
    assert!(h.rmse <= REF_RMSE_H, "H rmse {}", h.rmse);
    assert!(v.rmse <= REF_RMSE_V, "V rmse {}", v.rmse);
    assert!(h.converged && v.converged);
    assert_eq!(report.channels[0].format, InputFormat::DeJson);
    assert_eq!(report.setup.hardware_channel("V"), Some(1));
    let cal = report.setup.calibration(0).unwrap();
    assert_eq!((cal.freq_min_hz, cal.freq_max_hz), (80e6, 120e6));
    assert_eq!(cal.g_poly.len(), 7);
    assert_eq!(cal.v0_poly.len(), 7);
    assert!(cal
        .traceability
        .ends_with("814_H_calFile_17.02.2022.de.json"));
}

/// A known sin² model in a channel's own coordinate `u = (f - mid) / half`.
struct Truth {
    f_min: f64,
    f_max: f64,
    g: fn(f64) -> f64,
    v0: fn(f64) -> f64,
}

impl Truth {
    fn u(&self, f: f64) -> f64 {
        (f - 0.5 * (self.f_min + self.f_max)) / (0.5 * (self.f_max - self.f_min))
    }
    fn g_at(&self, f: f64) -> f64 {
        (self.g)(self.u(f))
    }
    fn v0_at(&self, f: f64) -> f64 {
        (self.v0)(self.u(f))
    }
    fn power(&self, f: f64, a: f64) -> f64 {
        let s = (std::f64::consts::FRAC_PI_2 * a / self.v0_at(f)).sin();
        self.g_at(f) * s * s
    }
    fn freq(&self, k: usize, n: usize) -> f64 {
        self.f_min + (self.f_max - self.f_min) * k as f64 / (n - 1) as f64
    }
    /// Headerless CSV (MHz) on a 41 x 60 grid up to 1.1 v0.
    fn csv(&self) -> String {
        let mut s = String::new();
        for k in 0..41 {
            let f = self.freq(k, 41);
            for j in 0..60 {
                let a = 1.1 * self.v0_at(f) * j as f64 / 59.0;
                s += &format!("{},{},{}\n", f * 1e-6, a, self.power(f, a));
            }
        }
        s
    }
    fn assert_matches(&self, setup: &PhysicalSetup, hw: u32) {
        let cal = setup.calibration(hw).unwrap();
        assert_eq!((cal.freq_min_hz, cal.freq_max_hz), (self.f_min, self.f_max));
        for k in 0..17 {
            let f = self.freq(k, 17);
            let (g, v0) = (cal.g(f), cal.v0(f));
            assert!(
                (g - self.g_at(f)).abs() < 1e-6,
                "hw {hw} f {f}: g {g} vs {}",
                self.g_at(f)
            );
            assert!(
                (v0 - self.v0_at(f)).abs() < 1e-4,
                "hw {hw} f {f}: v0 {v0} vs {}",
                self.v0_at(f)
            );
        }
    }
}

const LOW: Truth = Truth {
    f_min: 80e6,
    f_max: 100e6,
    g: |u| 0.9 + 0.1 * u - 0.05 * u * u,
    v0: |u| 150.0 + 20.0 * u + 5.0 * u * u * u,
};

const HIGH: Truth = Truth {
    f_min: 150e6,
    f_max: 200e6,
    g: |u| 0.6 - 0.2 * u + 0.1 * u * u,
    v0: |u| 250.0 - 30.0 * u + 10.0 * u * u,
};

#[test]
fn channels_with_disjoint_ranges_keep_their_own_normalisation() {
    let dir = tempfile::tempdir().unwrap();
    let low = dir.path().join("low.csv");
    let high = dir.path().join("high.csv");
    std::fs::write(&low, LOW.csv()).unwrap();
    std::fs::write(&high, HIGH.csv()).unwrap();
    let inputs = [
        FitInput {
            traceability: Some("low band".into()),
            ..FitInput::new(&low)
        },
        FitInput::new(&high),
    ];
    let report = fit_files(&inputs, &FitOptions::default()).unwrap();
    for c in &report.channels {
        assert!(c.stats.rmse < 1e-9, "{c}");
    }
    let out = dir.path().join("setup.json");
    report.setup.write_json(&out).unwrap();
    let loaded = PhysicalSetup::from_file(&out).unwrap();
    assert_eq!(loaded, report.setup);
    LOW.assert_matches(&loaded, 0);
    HIGH.assert_matches(&loaded, 1);
    assert_eq!(loaded.calibration(0).unwrap().traceability, "low band");
    assert_eq!(
        loaded.calibration(1).unwrap().traceability,
        high.display().to_string()
    );
    assert_eq!(loaded.hardware_channel("ch1"), Some(1));
}

#[test]
fn awgde_iso_power_curves_at_scattered_frequencies_recover_the_model() {
    // Iso-power curves whose frequencies drift off any grid, as measured ones do.
    let t = Truth {
        f_min: 90e6,
        f_max: 110e6,
        g: |u| 0.8 + 0.1 * u,
        v0: |u| 160.0 + 15.0 * u - 8.0 * u * u,
    };
    let mut levels = serde_json::Map::new();
    for l in 1..=30 {
        let p = 0.7 * l as f64 / 30.0;
        let (mut fs, mut amps) = (Vec::new(), Vec::new());
        for k in 0..81 {
            let jitter = if k == 0 || k == 80 {
                0.0
            } else {
                0.01 * ((k * l) as f64).sin()
            };
            let f = t.freq(k, 81) + jitter * 1e6;
            fs.push(f * 1e-6);
            amps.push(t.v0_at(f) * std::f64::consts::FRAC_2_PI * (p / t.g_at(f)).sqrt().asin());
        }
        levels.insert(
            format!("{p}"),
            serde_json::json!({"Frequency (MHz)": fs, "RF Amplitude (mV)": amps}),
        );
    }
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("scan.awgde");
    std::fs::write(&path, serde_json::to_string(&levels).unwrap()).unwrap();
    let report = fit_files(&[FitInput::new(&path)], &FitOptions::default()).unwrap();
    let c = &report.channels[0];
    assert_eq!(c.format, InputFormat::Awgde);
    assert_eq!(c.stats.n_points, 30 * 81);
    assert!(c.stats.rmse < 1e-9, "{c}");
    t.assert_matches(&report.setup, 0);
}

#[test]
fn constant_model_is_recovered_at_degree_zero() {
    let f: Vec<f64> = [90e6, 100e6, 110e6].repeat(48);
    let a: Vec<f64> = (0..144).map(|i| 150.0 * (i / 3) as f64 / 47.0).collect();
    let p: Vec<f64> = a
        .iter()
        .map(|&a| 0.8 * (std::f64::consts::FRAC_PI_2 * a / 150.0).sin().powi(2))
        .collect();
    let data = MeasuredData::from_points("mem", InputFormat::Csv, &f, &a, &p).unwrap();
    let opts = FitOptions {
        degree_g: 0,
        degree_v0: 0,
        min_v0_sq: 1e-12,
        ..FitOptions::default()
    };
    let (cal, stats) = fit_sin2(&data, &opts, "t").unwrap();
    assert!(stats.rmse < 1e-12, "{}", stats.rmse);
    assert!((cal.g(100e6) - 0.8).abs() < 1e-9);
    assert!((cal.v0(100e6) - 150.0).abs() < 1e-6);
}

#[test]
fn fits_are_deterministic() {
    let inputs = [FitInput::new(data("814_V_calFile_17.02.2022.de.json"))];
    let a = fit_files(&inputs, &FitOptions::default()).unwrap();
    let b = fit_files(&inputs, &FitOptions::default()).unwrap();
    assert_eq!(a.setup.to_json_string(), b.setup.to_json_string());
}

#[test]
fn unfittable_data_and_bad_options_are_reported() {
    let f = [90e6, 90e6, 100e6, 100e6];
    let a = [10.0, 20.0, 10.0, 20.0];
    let p = [0.1, 0.2, 0.1, 0.2];
    let data = MeasuredData::from_points("few.csv", InputFormat::Csv, &f, &a, &p).unwrap();
    let e = fit_sin2(&data, &FitOptions::default(), "").unwrap_err();
    assert_eq!(
        e.to_string(),
        "few.csv: cannot fit: degree 6 polynomials need at least 7 distinct frequencies, got 2"
    );
    let zeros = MeasuredData::from_points("dark.csv", InputFormat::Csv, &f, &a, &[0.0; 4]).unwrap();
    let opts = FitOptions {
        degree_g: 1,
        degree_v0: 0,
        ..FitOptions::default()
    };
    let e = fit_sin2(&zeros, &opts, "").unwrap_err();
    assert!(matches!(e, CalibError::Fit { .. }), "{e}");

    let bad = FitOptions {
        y_eps: 1.5,
        ..FitOptions::default()
    };
    assert_eq!(
        fit_sin2(&data, &bad, "").unwrap_err().to_string(),
        "option y_eps: expected a number in (0, 1), got 1.5"
    );
    let inputs = [FitInput::new(data_path_v())];
    let map = FitOptions {
        logical_to_hardware: Some(BTreeMap::from([("H".into(), 1)])),
        ..FitOptions::default()
    };
    let e = fit_files(&inputs, &map).unwrap_err().to_string();
    assert!(
        e.starts_with("option logical_to_hardware: 1 input file(s)"),
        "{e}"
    );
    let e = fit_files(&[], &FitOptions::default())
        .unwrap_err()
        .to_string();
    assert_eq!(e, "option inputs: expected at least one measured-data file");
}

fn data_path_v() -> PathBuf {
    data("814_V_calFile_17.02.2022.de.json")
}
