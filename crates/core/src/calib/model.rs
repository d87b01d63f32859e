//! One hardware channel's sin² optical-power calibration
//! (`p = g(f) sin^2((pi/2) a / v0(f))`, SEMANTICS §7.3): its coefficients, range and
//! floors, validation, JSON layout of the reference library, and conversion to the
//! render plan's [`Sin2Calibration`].

use awgsf_plugin_api::Sin2Calibration;
use serde::Serialize;
use serde_json::Value;

use super::eval::{RfAmplitude, Sin2View};
use super::json::{self, key_path};
use super::CalibError;

/// Calibration of one hardware channel.
#[derive(Debug, Clone, PartialEq)]
pub struct Sin2Calib {
    /// Reachable optical power `g(x)`, polynomial in the normalised frequency,
    /// highest power first.
    pub g_poly: Vec<f64>,
    /// RF amplitude scale `v0(x)` (mV) before the floor, highest power first.
    pub v0_poly: Vec<f64>,
    /// Frequency mapped to `x = -1`, Hz.
    pub freq_min_hz: f64,
    /// Frequency mapped to `x = +1`, Hz.
    pub freq_max_hz: f64,
    /// Floor of `g` (> 0).
    pub min_g: f64,
    /// Added under the square root of `v0`, mV² (> 0).
    pub min_v0_sq: f64,
    /// Requests are clamped to `1 - y_eps` of the reachable power; in `(0, 1)`.
    pub y_eps: f64,
    /// Where the calibration came from (file, date, ...).
    pub traceability: String,
}

/// JSON field names, in the order the reference writes them (sorted).
const FIELDS: [&str; 9] = [
    "best_freq_hz",
    "freq_max_hz",
    "freq_min_hz",
    "g_poly_high_to_low",
    "min_g",
    "min_v0_sq",
    "traceability_string",
    "v0_a_poly_high_to_low",
    "y_eps",
];

impl Sin2Calib {
    /// Default floor of `g`.
    pub const DEFAULT_MIN_G: f64 = 1e-12;
    /// Default floor under the square root of `v0`.
    pub const DEFAULT_MIN_V0_SQ: f64 = 1e-12;
    /// Default headroom below the reachable power.
    pub const DEFAULT_Y_EPS: f64 = 1e-6;

    /// The coefficients as a borrowed evaluation view.
    pub fn view(&self) -> Sin2View<'_> {
        Sin2View {
            g_poly: &self.g_poly,
            v0_poly: &self.v0_poly,
            freq_min_hz: self.freq_min_hz,
            freq_max_hz: self.freq_max_hz,
            min_g: self.min_g,
            min_v0_sq: self.min_v0_sq,
            y_eps: self.y_eps,
        }
    }

    /// Reachable optical power at `freq_hz`.
    pub fn g(&self, freq_hz: f64) -> f64 {
        self.view().g(freq_hz)
    }

    /// RF amplitude scale at `freq_hz`, mV.
    pub fn v0(&self, freq_hz: f64) -> f64 {
        self.view().v0(freq_hz)
    }

    /// Optical power the model predicts for RF amplitude `rf_mv` at `freq_hz`.
    pub fn power(&self, freq_hz: f64, rf_mv: f64) -> f64 {
        self.view().power(freq_hz, rf_mv)
    }

    /// RF amplitude (mV) for optical power `power` at `freq_hz`, with clamp report.
    pub fn rf_amplitude(&self, freq_hz: f64, power: f64) -> RfAmplitude {
        self.view().rf_amplitude(freq_hz, power)
    }

    /// Frequency of the largest reachable power (derived; stored as `best_freq_hz`).
    pub fn best_freq_hz(&self) -> i64 {
        self.view().best_freq_hz()
    }

    /// The render plan's form of this calibration.
    pub fn to_plan(&self) -> Sin2Calibration {
        Sin2Calibration {
            g_poly: self.g_poly.clone().into(),
            v0_poly: self.v0_poly.clone().into(),
            freq_min_hz: self.freq_min_hz,
            freq_max_hz: self.freq_max_hz,
            min_g: self.min_g,
            min_v0_sq: self.min_v0_sq,
            y_eps: self.y_eps,
        }
    }

    /// Checks every rule of a loadable calibration; errors name `file` and the field
    /// under `path` (e.g. `channel_calibrations[0]`).
    pub fn validate(&self, file: &str, path: &str) -> Result<(), CalibError> {
        let at = |k: &str| key_path(path, k);
        for (name, poly) in [
            ("g_poly_high_to_low", &self.g_poly),
            ("v0_a_poly_high_to_low", &self.v0_poly),
        ] {
            if poly.is_empty() {
                return Err(CalibError::field(
                    file,
                    &at(name),
                    "expected at least one coefficient, got an empty list",
                ));
            }
            if let Some((i, c)) = poly.iter().enumerate().find(|(_, c)| !c.is_finite()) {
                return Err(CalibError::field(
                    file,
                    &json::index_path(&at(name), i),
                    format!("expected a finite number, got {}", show(*c)),
                ));
            }
        }
        for (name, v) in [
            ("freq_min_hz", self.freq_min_hz),
            ("freq_max_hz", self.freq_max_hz),
        ] {
            if !v.is_finite() {
                return Err(CalibError::field(
                    file,
                    &at(name),
                    format!("expected a finite number, got {}", show(v)),
                ));
            }
        }
        if self.freq_max_hz <= self.freq_min_hz
            || !(self.freq_max_hz - self.freq_min_hz).is_finite()
        {
            return Err(CalibError::field(
                file,
                &at("freq_max_hz"),
                format!(
                    "expected a finite range above freq_min_hz = {}, got {}",
                    self.freq_min_hz, self.freq_max_hz
                ),
            ));
        }
        for (name, v) in [("min_g", self.min_g), ("min_v0_sq", self.min_v0_sq)] {
            if !(v.is_finite() && v > 0.0) {
                return Err(CalibError::field(
                    file,
                    &at(name),
                    format!("expected a finite number > 0, got {}", show(v)),
                ));
            }
        }
        if !(self.y_eps > 0.0 && self.y_eps < 1.0) {
            return Err(CalibError::field(
                file,
                &at("y_eps"),
                format!("expected a number in (0, 1), got {}", show(self.y_eps)),
            ));
        }
        Ok(())
    }

    /// Reads and validates one calibration object of the reference layout.
    /// `best_freq_hz` is derived, so a stored value is checked for type only.
    pub fn from_json(v: &Value, file: &str, path: &str) -> Result<Self, CalibError> {
        let obj = json::object(v, file, path)?;
        json::no_unknown_members(obj, &FIELDS, file, path)?;
        let req = |k: &str| json::member(obj, k, file, path);
        let opt_finite = |k: &str, default: f64| -> Result<f64, CalibError> {
            obj.get(k)
                .map_or(Ok(default), |x| json::finite(x, file, &key_path(path, k)))
        };
        if let Some(b) = obj.get("best_freq_hz") {
            json::finite(b, file, &key_path(path, "best_freq_hz"))?;
        }
        let traceability = match obj.get("traceability_string") {
            None => String::new(),
            Some(s) => json::string(s, file, &key_path(path, "traceability_string"))?.to_owned(),
        };
        let g_key = "g_poly_high_to_low";
        let v0_key = "v0_a_poly_high_to_low";
        let calib = Sin2Calib {
            g_poly: json::finite_numbers(req(g_key)?, file, &key_path(path, g_key))?,
            v0_poly: json::finite_numbers(req(v0_key)?, file, &key_path(path, v0_key))?,
            freq_min_hz: json::finite(req("freq_min_hz")?, file, &key_path(path, "freq_min_hz"))?,
            freq_max_hz: json::finite(req("freq_max_hz")?, file, &key_path(path, "freq_max_hz"))?,
            min_g: opt_finite("min_g", Self::DEFAULT_MIN_G)?,
            min_v0_sq: opt_finite("min_v0_sq", Self::DEFAULT_MIN_V0_SQ)?,
            y_eps: opt_finite("y_eps", Self::DEFAULT_Y_EPS)?,
            traceability,
        };
        calib.validate(file, path)?;
        Ok(calib)
    }

    /// The serialisable form, fields in the reference's (sorted) order.
    pub(crate) fn to_json_form(&self) -> Sin2CalibJson<'_> {
        Sin2CalibJson {
            best_freq_hz: self.best_freq_hz(),
            freq_max_hz: self.freq_max_hz,
            freq_min_hz: self.freq_min_hz,
            g_poly_high_to_low: &self.g_poly,
            min_g: self.min_g,
            min_v0_sq: self.min_v0_sq,
            traceability_string: &self.traceability,
            v0_a_poly_high_to_low: &self.v0_poly,
            y_eps: self.y_eps,
        }
    }
}

impl Serialize for Sin2Calib {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.to_json_form().serialize(s)
    }
}

/// The reference's JSON object for one calibration.
#[derive(Serialize)]
pub(crate) struct Sin2CalibJson<'a> {
    best_freq_hz: i64,
    freq_max_hz: f64,
    freq_min_hz: f64,
    g_poly_high_to_low: &'a [f64],
    min_g: f64,
    min_v0_sq: f64,
    traceability_string: &'a str,
    v0_a_poly_high_to_low: &'a [f64],
    y_eps: f64,
}

/// A number as Python would print it in JSON (`NaN`, `Infinity`, `-Infinity`).
fn show(v: f64) -> String {
    if v.is_nan() {
        "NaN".to_owned()
    } else if v.is_infinite() {
        if v > 0.0 { "Infinity" } else { "-Infinity" }.to_owned()
    } else {
        v.to_string()
    }
}
