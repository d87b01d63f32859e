//! Measured calibration data: the point cloud `(frequency, RF amplitude, optical
//! power)` the fitter works on, read from one of three formats:
//!
//! - DE-calibration JSON (`{"DE_RF_calibration": {"<MHz>": {"RF Amplitude (mV)":
//!   [..], "Diffraction Efficiency": [..]}}}`), diffraction efficiency being the power;
//! - `.awgde` (`{"<power>": {"Frequency (MHz)": [..], "RF Amplitude (mV)": [..]}}`,
//!   one iso-power curve per power level);
//! - CSV point clouds (frequency, RF amplitude in mV, power), with or without a
//!   header, frequency in Hz, kHz or MHz.
//!
//! Points with a non-finite value or a negative amplitude are dropped and counted;
//! negative powers (measurement noise around zero) are raised to 0 and counted.

mod awgde;
mod csv_cloud;
mod de_json;

use std::fmt;
use std::path::Path;
use std::str::FromStr;

use super::json;
use super::CalibError;

/// Format of a measured-data file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum InputFormat {
    /// From the extension (`.awgde`, `.csv`), else from the JSON content.
    #[default]
    Auto,
    /// DE-calibration JSON with a `DE_RF_calibration` member.
    DeJson,
    /// `.awgde` iso-power curves.
    Awgde,
    /// CSV point cloud.
    Csv,
}

impl InputFormat {
    /// Name used on the command line.
    pub fn as_str(self) -> &'static str {
        match self {
            InputFormat::Auto => "auto",
            InputFormat::DeJson => "de-json",
            InputFormat::Awgde => "awgde",
            InputFormat::Csv => "csv",
        }
    }
}

impl fmt::Display for InputFormat {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for InputFormat {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [
            InputFormat::Auto,
            InputFormat::DeJson,
            InputFormat::Awgde,
            InputFormat::Csv,
        ]
        .into_iter()
        .find(|f| f.as_str().eq_ignore_ascii_case(s.trim()))
        .ok_or_else(|| format!("unknown input format {s:?}; expected auto, de-json, awgde or csv"))
    }
}

/// Unit of the frequency column of a CSV file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FreqUnit {
    /// Hertz.
    Hz,
    /// Kilohertz.
    KHz,
    /// Megahertz.
    MHz,
}

impl FreqUnit {
    /// Hertz per unit.
    pub fn hz(self) -> f64 {
        match self {
            FreqUnit::Hz => 1.0,
            FreqUnit::KHz => 1e3,
            FreqUnit::MHz => 1e6,
        }
    }

    /// Usual spelling.
    pub fn as_str(self) -> &'static str {
        match self {
            FreqUnit::Hz => "Hz",
            FreqUnit::KHz => "kHz",
            FreqUnit::MHz => "MHz",
        }
    }
}

impl fmt::Display for FreqUnit {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for FreqUnit {
    type Err = String;
    fn from_str(s: &str) -> Result<Self, String> {
        [FreqUnit::Hz, FreqUnit::KHz, FreqUnit::MHz]
            .into_iter()
            .find(|u| u.as_str().eq_ignore_ascii_case(s.trim()))
            .ok_or_else(|| format!("unknown frequency unit {s:?}; expected Hz, kHz or MHz"))
    }
}

/// A cleaned point cloud of one hardware channel.
#[derive(Debug, Clone, PartialEq)]
pub struct MeasuredData {
    /// The file it came from (for messages and traceability).
    pub source: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// RF frequency of each point, Hz.
    pub freqs_hz: Vec<f64>,
    /// RF amplitude of each point, mV (>= 0).
    pub rf_amps_mv: Vec<f64>,
    /// Optical power of each point (>= 0).
    pub powers: Vec<f64>,
    /// Points dropped for a non-finite value or a negative amplitude.
    pub n_dropped: usize,
    /// Points whose negative power was raised to 0.
    pub n_clamped: usize,
}

impl MeasuredData {
    /// Cleans raw points (see the module doc); the three columns must have equal
    /// lengths.
    pub fn from_points(
        source: &str,
        format: InputFormat,
        freqs_hz: &[f64],
        rf_amps_mv: &[f64],
        powers: &[f64],
    ) -> Result<Self, CalibError> {
        if freqs_hz.len() != rf_amps_mv.len() || freqs_hz.len() != powers.len() {
            return Err(CalibError::fit(
                source,
                format!(
                    "point columns differ in length: {} frequencies, {} amplitudes, {} powers",
                    freqs_hz.len(),
                    rf_amps_mv.len(),
                    powers.len()
                ),
            ));
        }
        let mut d = MeasuredData {
            source: source.to_owned(),
            format,
            freqs_hz: Vec::with_capacity(freqs_hz.len()),
            rf_amps_mv: Vec::with_capacity(freqs_hz.len()),
            powers: Vec::with_capacity(freqs_hz.len()),
            n_dropped: 0,
            n_clamped: 0,
        };
        for ((&f, &a), &p) in freqs_hz.iter().zip(rf_amps_mv).zip(powers) {
            if !(f.is_finite() && a.is_finite() && p.is_finite()) || a < 0.0 {
                d.n_dropped += 1;
                continue;
            }
            if p < 0.0 {
                d.n_clamped += 1;
            }
            d.freqs_hz.push(f);
            d.rf_amps_mv.push(a);
            d.powers.push(p.max(0.0));
        }
        Ok(d)
    }

    /// Reads a measured-data file. `csv_unit` is the CSV frequency unit; `None`
    /// takes it from a header such as `freq_hz`, else MHz.
    pub fn read(
        path: &Path,
        format: InputFormat,
        csv_unit: Option<FreqUnit>,
    ) -> Result<Self, CalibError> {
        let file = path.display().to_string();
        let text = json::read_text(path, &file)?;
        let ext = path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase);
        let format = match (format, ext.as_deref()) {
            (InputFormat::Auto, Some("csv")) => InputFormat::Csv,
            (InputFormat::Auto, Some("awgde")) => InputFormat::Awgde,
            (f, _) => f,
        };
        if format == InputFormat::Csv {
            return csv_cloud::read(&text, &file, csv_unit);
        }
        let root = json::parse(&text, &file)?;
        match format {
            InputFormat::DeJson => de_json::read(&root, &file),
            InputFormat::Awgde => awgde::read(&root, &file),
            _ if de_json::looks_like(&root) => de_json::read(&root, &file),
            _ if awgde::looks_like(&root) => awgde::read(&root, &file),
            _ => Err(CalibError::field(
                &file,
                "(top level)",
                "cannot tell the format: expected a DE_RF_calibration member (de-json) \
                 or power-level keys holding \"Frequency (MHz)\" and \"RF Amplitude (mV)\" \
                 lists (awgde); name the format explicitly",
            )),
        }
    }

    /// Number of points.
    pub fn len(&self) -> usize {
        self.freqs_hz.len()
    }

    /// Whether there are no points.
    pub fn is_empty(&self) -> bool {
        self.freqs_hz.is_empty()
    }
}
