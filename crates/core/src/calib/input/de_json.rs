//! DE-calibration JSON: `DE_RF_calibration` maps a frequency in MHz (as a string key)
//! to equal-length `"RF Amplitude (mV)"` and `"Diffraction Efficiency"` lists; the
//! diffraction efficiency is the optical power. Other members (`umPerMHz`,
//! `Power_calibration`) are metadata and ignored.

use serde_json::Value;

use super::{InputFormat, MeasuredData};
use crate::calib::json::{self, key_path};
use crate::calib::CalibError;

const ROOT: &str = "DE_RF_calibration";
const AMP: &str = "RF Amplitude (mV)";
const DE: &str = "Diffraction Efficiency";

/// Whether the document has a `DE_RF_calibration` member.
pub(super) fn looks_like(root: &Value) -> bool {
    root.get(ROOT).is_some()
}

/// Reads the point cloud of a DE-calibration document.
pub(super) fn read(root: &Value, file: &str) -> Result<MeasuredData, CalibError> {
    let obj = json::object(root, file, "")?;
    let de = json::object(json::member(obj, ROOT, file, "")?, file, ROOT)?;
    let (mut f, mut a, mut p) = (Vec::new(), Vec::new(), Vec::new());
    for (key, entry) in de {
        let path = key_path(ROOT, key);
        let mhz = key
            .trim()
            .parse::<f64>()
            .ok()
            .filter(|x| x.is_finite())
            .ok_or_else(|| {
                CalibError::field(file, &path, "expected a finite frequency in MHz as the key")
            })?;
        let (amps, des) = json::paired_numbers(entry, [AMP, DE], "RF amplitude", file, &path)?;
        f.extend(std::iter::repeat_n(mhz * 1e6, amps.len()));
        a.extend(amps);
        p.extend(des);
    }
    MeasuredData::from_points(file, InputFormat::DeJson, &f, &a, &p)
}
