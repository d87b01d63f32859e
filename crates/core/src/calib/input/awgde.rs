//! `.awgde` files: each top-level key is an optical power level (a number as a
//! string) holding one iso-power curve as equal-length `"Frequency (MHz)"` and
//! `"RF Amplitude (mV)"` lists. Keys that are not numbers and do not hold such a
//! curve are metadata and ignored.

use serde_json::Value;

use super::{InputFormat, MeasuredData};
use crate::calib::json::{self, key_path};
use crate::calib::CalibError;

const FREQ: &str = "Frequency (MHz)";
const AMP: &str = "RF Amplitude (mV)";

fn is_curve(v: &Value) -> bool {
    v.get(FREQ).is_some() && v.get(AMP).is_some()
}

/// Whether some top-level member holds an iso-power curve.
pub(super) fn looks_like(root: &Value) -> bool {
    root.as_object().is_some_and(|o| o.values().any(is_curve))
}

/// Reads the point cloud of an `.awgde` document.
pub(super) fn read(root: &Value, file: &str) -> Result<MeasuredData, CalibError> {
    let obj = json::object(root, file, "")?;
    let (mut f, mut a, mut p) = (Vec::new(), Vec::new(), Vec::new());
    let mut levels = 0usize;
    for (key, entry) in obj {
        let path = key_path("", key);
        let power = match key.trim().parse::<f64>() {
            Ok(x) if x.is_finite() => x,
            Ok(_) => {
                return Err(CalibError::field(
                    file,
                    &path,
                    "expected a finite optical power as the key",
                ))
            }
            Err(_) if is_curve(entry) => {
                return Err(CalibError::field(
                    file,
                    &path,
                    "a curve's key must be its optical power (a number)",
                ))
            }
            Err(_) => continue,
        };
        let (mhz, amps) = json::paired_numbers(entry, [FREQ, AMP], "frequency", file, &path)?;
        levels += 1;
        f.extend(mhz.iter().map(|m| m * 1e6));
        a.extend(amps);
        p.extend(std::iter::repeat_n(power, mhz.len()));
    }
    if levels == 0 {
        return Err(CalibError::field(
            file,
            "(top level)",
            "expected power-level keys holding \"Frequency (MHz)\" and \"RF Amplitude (mV)\" lists, found none",
        ));
    }
    MeasuredData::from_points(file, InputFormat::Awgde, &f, &a, &p)
}
