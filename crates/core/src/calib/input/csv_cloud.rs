//! CSV point clouds: one point per row, columns frequency, RF amplitude (mV) and
//! optical power. With a header the columns are found by name (case, spaces and
//! punctuation ignored): frequency `freq` / `frequency` / `f` with an optional unit
//! suffix (`freq_mhz`, `frequency_hz`, ...), amplitude `rf_amp` / `rf_amplitude` /
//! `amp` / `amplitude` with an optional `mv` suffix, power `power` /
//! `optical_power` / `diffraction_efficiency` / `de`. A header naming none of them
//! means the first three columns, as does a file without a header (first row all
//! numbers). Lines starting with `#` are comments; empty cells and `nan` are
//! missing values (the point is dropped).

use super::{FreqUnit, InputFormat, MeasuredData};
use crate::calib::CalibError;

const FREQ_NAMES: [&str; 5] = ["freq", "frequency", "f", "rffreq", "rffrequency"];
const AMP_NAMES: [&str; 5] = ["rfamp", "rfamplitude", "amp", "amplitude", "a"];
const POWER_NAMES: [&str; 5] = ["power", "opticalpower", "diffractionefficiency", "de", "p"];

/// Lower-case letters and digits only.
fn normalise(name: &str) -> String {
    name.chars()
        .filter(char::is_ascii_alphanumeric)
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

/// The frequency unit a normalised header name ends with, and the name without it.
fn split_freq_unit(name: &str) -> (&str, Option<FreqUnit>) {
    for (suffix, unit) in [
        ("mhz", FreqUnit::MHz),
        ("khz", FreqUnit::KHz),
        ("hz", FreqUnit::Hz),
    ] {
        if let Some(base) = name.strip_suffix(suffix) {
            return (base, Some(unit));
        }
    }
    (name, None)
}

/// Column indices (frequency, amplitude, power) and the unit the header gives.
struct Columns {
    idx: [usize; 3],
    header_unit: Option<FreqUnit>,
}

fn columns_from_header(names: &[String], file: &str) -> Result<Columns, CalibError> {
    let norm: Vec<String> = names.iter().map(|n| normalise(n)).collect();
    let freq = norm.iter().enumerate().find_map(|(i, n)| {
        let (base, unit) = split_freq_unit(n);
        FREQ_NAMES.contains(&base).then_some((i, unit))
    });
    let amp = norm
        .iter()
        .position(|n| AMP_NAMES.contains(&n.strip_suffix("mv").unwrap_or(n)));
    let power = norm.iter().position(|n| POWER_NAMES.contains(&n.as_str()));
    match (freq, amp, power) {
        (Some((f, unit)), Some(a), Some(p)) => Ok(Columns {
            idx: [f, a, p],
            header_unit: unit,
        }),
        (None, None, None) if names.len() >= 3 => Ok(Columns {
            idx: [0, 1, 2],
            header_unit: None,
        }),
        (f, a, p) => {
            let missing: Vec<&str> = [
                (
                    f.is_none(),
                    "frequency (freq, frequency, f, optionally with _hz/_khz/_mhz)",
                ),
                (
                    a.is_none(),
                    "RF amplitude (rf_amp, rf_amplitude, amp, amplitude, optionally _mv)",
                ),
                (
                    p.is_none(),
                    "power (power, optical_power, diffraction_efficiency, de)",
                ),
            ]
            .into_iter()
            .filter_map(|(m, what)| m.then_some(what))
            .collect();
            Err(CalibError::field(
                file,
                "header (line 1)",
                format!(
                    "header {names:?} names no column for: {}",
                    missing.join("; ")
                ),
            ))
        }
    }
}

/// A cell as a number: empty and `nan` are missing (NaN).
fn cell(text: &str, file: &str, line: u64, col: usize) -> Result<f64, CalibError> {
    let t = text.trim();
    if t.is_empty() {
        return Ok(f64::NAN);
    }
    t.parse::<f64>().map_err(|_| {
        CalibError::field(
            file,
            &format!("line {line}, column {}", col + 1),
            format!("expected a number, got {t:?}"),
        )
    })
}

/// Reads a CSV point cloud; `unit` overrides (and must agree with) a header unit.
pub(super) fn read(
    text: &str,
    file: &str,
    unit: Option<FreqUnit>,
) -> Result<MeasuredData, CalibError> {
    let mut reader = csv::ReaderBuilder::new()
        .has_headers(false)
        .comment(Some(b'#'))
        .trim(csv::Trim::All)
        .flexible(true)
        .from_reader(text.as_bytes());
    let mut rows = Vec::new();
    for rec in reader.records() {
        let rec = rec.map_err(|e| {
            let line = e.position().map_or(0, |p| p.line() as usize);
            CalibError::Syntax {
                file: file.to_owned(),
                line,
                column: 0,
                message: e.to_string(),
            }
        })?;
        if rec.iter().all(|c| c.trim().is_empty()) {
            continue;
        }
        let line = rec.position().map_or(0, |p| p.line());
        rows.push((line, rec));
    }
    let Some((first_line, first)) = rows.first() else {
        return Err(CalibError::fit(file, "the CSV file has no rows"));
    };
    let numeric_first = first.len() >= 3 && (0..3).all(|i| first[i].trim().parse::<f64>().is_ok());
    let (columns, data) = if numeric_first {
        (
            Columns {
                idx: [0, 1, 2],
                header_unit: None,
            },
            &rows[..],
        )
    } else {
        let names: Vec<String> = first.iter().map(str::to_owned).collect();
        let cols = columns_from_header(&names, file).map_err(|e| match e {
            CalibError::Field { file, message, .. } => CalibError::Field {
                file,
                path: format!("header (line {first_line})"),
                message,
            },
            other => other,
        })?;
        (cols, &rows[1..])
    };
    let unit = match (unit, columns.header_unit) {
        (Some(u), Some(h)) if u != h => {
            return Err(CalibError::field(
                file,
                &format!("header (line {first_line})"),
                format!("the frequency column is in {h} but {u} was requested"),
            ))
        }
        (Some(u), _) => u,
        (None, Some(h)) => h,
        (None, None) => FreqUnit::MHz,
    };
    let need = columns.idx.iter().max().copied().unwrap_or(0) + 1;
    let (mut f, mut a, mut p) = (Vec::new(), Vec::new(), Vec::new());
    for (line, rec) in data {
        if rec.len() < need {
            return Err(CalibError::field(
                file,
                &format!("line {line}"),
                format!("expected at least {need} columns, got {}", rec.len()),
            ));
        }
        let [fi, ai, pi] = columns.idx;
        f.push(cell(&rec[fi], file, *line, fi)? * unit.hz());
        a.push(cell(&rec[ai], file, *line, ai)?);
        p.push(cell(&rec[pi], file, *line, pi)?);
    }
    MeasuredData::from_points(file, InputFormat::Csv, &f, &a, &p)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_names_are_normalised() {
        let names: Vec<String> = ["Optical Power", "RF Amp (mV)", "Freq [kHz]"]
            .map(String::from)
            .to_vec();
        let c = columns_from_header(&names, "x.csv").unwrap();
        assert_eq!(c.idx, [2, 1, 0]);
        assert_eq!(c.header_unit, Some(FreqUnit::KHz));
    }

    #[test]
    fn unknown_header_means_first_three_columns() {
        let names: Vec<String> = ["x", "y", "z"].map(String::from).to_vec();
        assert_eq!(columns_from_header(&names, "x.csv").unwrap().idx, [0, 1, 2]);
    }
}
