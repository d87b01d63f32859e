//! The physical setup: which hardware channel each logical channel drives and each
//! hardware channel's optional calibration, in the reference library's JSON layout
//! (`{"channel_calibrations": [..|null], "logical_to_hardware_map": {name: index}}`),
//! with validation on load and atomic writing.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use awgsf_plugin_api::output_dir;
use serde::{Deserialize, Serialize};
use serde_json::Value;

use super::json::{self, index_path, key_path};
use super::model::{Sin2Calib, Sin2CalibJson};
use super::CalibError;

/// Label used for the file in errors about setups that were not read from a file.
pub const IN_MEMORY: &str = "<setup>";

const MAP: &str = "logical_to_hardware_map";
const CALIBS: &str = "channel_calibrations";

/// Logical-to-hardware channel map plus per-hardware-channel calibrations.
///
/// Invariants (checked by every constructor): the map is non-empty, one-to-one,
/// and its hardware indices are exactly `0..N`; there are `N` calibration slots.
#[derive(Debug, Clone, PartialEq)]
pub struct PhysicalSetup {
    map: BTreeMap<String, u32>,
    calibrations: Vec<Option<Sin2Calib>>,
}

impl PhysicalSetup {
    /// A validated setup; `source` names it in errors.
    pub fn new(
        map: BTreeMap<String, u32>,
        calibrations: Vec<Option<Sin2Calib>>,
        source: &str,
    ) -> Result<Self, CalibError> {
        let n = check_map(&map, source)?;
        if calibrations.len() != n {
            return Err(calib_count_error(source, n, calibrations.len()));
        }
        for (i, c) in calibrations.iter().enumerate() {
            if let Some(c) = c {
                c.validate(source, &index_path(CALIBS, i))?;
            }
        }
        Ok(PhysicalSetup { map, calibrations })
    }

    /// Logical channels `names[i] -> i`, all uncalibrated.
    pub fn identity<S: AsRef<str>>(names: &[S]) -> Result<Self, CalibError> {
        let map = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_ref().to_owned(), i as u32))
            .collect::<BTreeMap<_, _>>();
        if map.len() != names.len() {
            return Err(CalibError::field(
                IN_MEMORY,
                MAP,
                "logical channel names must be distinct",
            ));
        }
        Self::new(map, vec![None; names.len()], IN_MEMORY)
    }

    /// Number of hardware channels.
    pub fn n_channels(&self) -> usize {
        self.calibrations.len()
    }

    /// The logical-to-hardware map (sorted by name).
    pub fn logical_to_hardware(&self) -> &BTreeMap<String, u32> {
        &self.map
    }

    /// Hardware channel of a logical channel.
    pub fn hardware_channel(&self, logical: &str) -> Option<u32> {
        self.map.get(logical).copied()
    }

    /// Logical channel driving a hardware channel.
    pub fn logical_channel(&self, hardware: u32) -> Option<&str> {
        self.map
            .iter()
            .find(|(_, &h)| h == hardware)
            .map(|(n, _)| n.as_str())
    }

    /// Calibration of each hardware channel, by index.
    pub fn calibrations(&self) -> &[Option<Sin2Calib>] {
        &self.calibrations
    }

    /// Calibration of one hardware channel (`None` if uncalibrated or out of range).
    pub fn calibration(&self, hardware: u32) -> Option<&Sin2Calib> {
        self.calibrations.get(hardware as usize)?.as_ref()
    }

    /// Reads and validates a setup file.
    pub fn from_file(path: &Path) -> Result<Self, CalibError> {
        let file = path.display().to_string();
        let text = json::read_text(path, &file)?;
        Self::from_json_str(&text, &file)
    }

    /// Parses and validates setup JSON; `file` names it in errors.
    pub fn from_json_str(text: &str, file: &str) -> Result<Self, CalibError> {
        Self::from_json_value(&json::parse(text, file)?, file)
    }

    /// Validates a parsed setup document; `file` names it in errors.
    ///
    /// A missing or empty `channel_calibrations` means every channel is
    /// uncalibrated, as in the reference library.
    pub fn from_json_value(v: &Value, file: &str) -> Result<Self, CalibError> {
        let obj = json::object(v, file, "")?;
        json::no_unknown_members(obj, &[CALIBS, MAP], file, "")?;
        let raw_map = json::object(json::member(obj, MAP, file, "")?, file, MAP)?;
        let mut map = BTreeMap::new();
        for (name, idx) in raw_map {
            let path = key_path(MAP, name);
            let hw = idx
                .as_u64()
                .or_else(|| {
                    idx.as_f64()
                        .filter(|x| x.fract() == 0.0 && *x >= 0.0)
                        .map(|x| x as u64)
                })
                .and_then(|x| u32::try_from(x).ok())
                .ok_or_else(|| {
                    CalibError::field(
                        file,
                        &path,
                        format!(
                            "expected a non-negative integer hardware channel, got {}",
                            json::describe(idx)
                        ),
                    )
                })?;
            map.insert(name.clone(), hw);
        }
        let n = check_map(&map, file)?;
        let raw_calibs = match obj.get(CALIBS) {
            None => &[][..],
            Some(c) => json::array(c, file, CALIBS)?,
        };
        let calibrations = if raw_calibs.is_empty() {
            vec![None; n]
        } else {
            if raw_calibs.len() != n {
                return Err(calib_count_error(file, n, raw_calibs.len()));
            }
            raw_calibs
                .iter()
                .enumerate()
                .map(|(i, c)| match c {
                    Value::Null => Ok(None),
                    c => Sin2Calib::from_json(c, file, &index_path(CALIBS, i)).map(Some),
                })
                .collect::<Result<_, _>>()?
        };
        Ok(PhysicalSetup { map, calibrations })
    }

    /// The setup as a JSON value of the reference layout.
    pub fn to_json_value(&self) -> Value {
        serde_json::to_value(self).expect("a setup serialises to JSON")
    }

    /// The setup as pretty-printed JSON (2-space indent, sorted keys, final newline).
    pub fn to_json_string(&self) -> String {
        let mut s = serde_json::to_string_pretty(self).expect("a setup serialises to JSON");
        s.push('\n');
        s
    }

    /// Writes the setup to `path` atomically: a temporary file in the same folder,
    /// flushed to disk, then renamed over `path`. On error `path` is untouched.
    pub fn write_json(&self, path: &Path) -> Result<(), CalibError> {
        output_dir::write_atomically(path, |w| w.write_all(self.to_json_string().as_bytes()))
            .map_err(|source| CalibError::Io {
                file: path.display().to_string(),
                action: "write",
                source,
            })
    }
}

/// Checks that the map is non-empty, one-to-one and onto `0..N`; returns `N`.
fn check_map(map: &BTreeMap<String, u32>, file: &str) -> Result<usize, CalibError> {
    if map.is_empty() {
        return Err(CalibError::field(
            file,
            MAP,
            "expected at least one logical channel, got none",
        ));
    }
    if let Some(name) = map.keys().find(|k| k.is_empty()) {
        return Err(CalibError::field(
            file,
            &key_path(MAP, name),
            "expected a non-empty logical channel name",
        ));
    }
    let mut by_hw: BTreeMap<u32, &str> = BTreeMap::new();
    for (name, &hw) in map {
        if let Some(first) = by_hw.insert(hw, name) {
            return Err(CalibError::field(
                file,
                MAP,
                format!(
                    "hardware channel {hw} is driven by both {first:?} and {name:?}; \
                     the map must be one-to-one"
                ),
            ));
        }
    }
    let n = by_hw.len();
    if by_hw.keys().enumerate().any(|(i, &hw)| hw as usize != i) {
        let got: Vec<u32> = by_hw.keys().copied().collect();
        return Err(CalibError::field(
            file,
            MAP,
            format!(
                "hardware channels must be contiguous 0..{}, got {got:?}",
                n - 1
            ),
        ));
    }
    Ok(n)
}

fn calib_count_error(file: &str, n: usize, got: usize) -> CalibError {
    CalibError::field(
        file,
        CALIBS,
        format!("expected {n} entries (one per hardware channel, null if uncalibrated), got {got}"),
    )
}

/// The reference's JSON object for a setup.
#[derive(Serialize)]
struct SetupJson<'a> {
    channel_calibrations: Vec<Option<Sin2CalibJson<'a>>>,
    logical_to_hardware_map: &'a BTreeMap<String, u32>,
}

impl Serialize for PhysicalSetup {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        SetupJson {
            channel_calibrations: self
                .calibrations
                .iter()
                .map(|c| c.as_ref().map(Sin2Calib::to_json_form))
                .collect(),
            logical_to_hardware_map: &self.map,
        }
        .serialize(s)
    }
}

impl<'de> Deserialize<'de> for PhysicalSetup {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let v = Value::deserialize(d)?;
        PhysicalSetup::from_json_value(&v, IN_MEMORY).map_err(serde::de::Error::custom)
    }
}
