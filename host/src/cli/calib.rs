//! `awgsf calib fit`.

use std::collections::BTreeMap;

use awgsf_core::calib::{fit_files, FitInput, FitOptions, FreqUnit, InputFormat};
use awgsf_core::error::{exit, Error};

use super::args::CalibFitArgs;

fn usage(e: impl std::fmt::Display) -> Error {
    Error::Usage(e.to_string())
}

/// `awgsf calib fit`.
pub fn fit(a: &CalibFitArgs) -> Result<i32, Error> {
    let format: InputFormat = a
        .format
        .parse()
        .map_err(|e| usage(format!("--format: {e}")))?;
    if !a.trace.is_empty() && a.trace.len() != a.files.len() {
        return Err(usage(format!(
            "--trace: give one per file ({} files, {} traces)",
            a.files.len(),
            a.trace.len()
        )));
    }
    let mut map = BTreeMap::new();
    for m in &a.map {
        let (name, idx) = m
            .split_once('=')
            .ok_or_else(|| usage(format!("--map {m}: expected NAME=INDEX")))?;
        let idx: u32 = idx
            .trim()
            .parse()
            .map_err(|_| usage(format!("--map {m}: INDEX must be a channel number")))?;
        map.insert(name.trim().to_string(), idx);
    }
    let csv_freq_unit = match &a.csv_freq_unit {
        Some(u) => Some(
            u.parse::<FreqUnit>()
                .map_err(|e| usage(format!("--csv-freq-unit: {e}")))?,
        ),
        None => None,
    };
    let inputs: Vec<FitInput> = a
        .files
        .iter()
        .enumerate()
        .map(|(i, p)| FitInput {
            path: p.clone(),
            format,
            traceability: a.trace.get(i).cloned(),
        })
        .collect();
    let opts = FitOptions {
        degree_g: a.degree_g,
        degree_v0: a.degree_v0,
        logical_to_hardware: (!map.is_empty()).then_some(map),
        csv_freq_unit,
        rf_warn_mv: a.rf_warn_mv,
        rf_critical_mv: a.rf_critical_mv,
        ..FitOptions::default()
    };
    let t = std::time::Instant::now();
    let report = fit_files(&inputs, &opts)?;
    let elapsed = t.elapsed().as_secs_f64();
    if let Some(out) = &a.write_out {
        report.setup.write_json(out)?;
    }
    if a.json {
        let v = serde_json::json!({
            "setup": report.setup.to_json_value(),
            "channels": report.channels.iter().map(|c| c.to_string()).collect::<Vec<_>>(),
            "seconds": elapsed,
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::Internal(e.to_string()))?
        );
    } else {
        print!("{report}");
        println!("fitted in {}", awgsf_core::format::seconds(elapsed));
        if let Some(out) = &a.write_out {
            println!("wrote {}", out.display());
        }
    }
    Ok(exit::OK)
}
