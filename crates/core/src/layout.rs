//! The output layout of a compilation: which logical channel drives each enabled
//! hardware channel and with which calibration, from the config's `[setup]` or a
//! physical-setup file.

use std::path::Path;

use indexmap::IndexMap;
use serde_json::Value;

use crate::calib::{CalibError, PhysicalSetup, Sin2Calib};
use crate::config::CardFigures;
use crate::config::{Config, SetupCalibration};
use crate::error::{Error, Result};
use crate::pipeline::{ColumnBinding, OutputLayout};
use awgsf_plugin_api::OutputScale;

/// A setup or calibration file's JSON (duplicate keys refused) and its name for
/// messages. A file that cannot be read is a calibration error, as every other
/// calibration input.
pub fn read_calibration_json(path: &Path) -> Result<(Value, String)> {
    let file = path.display().to_string();
    let text = crate::calib::json::read_text(path, &file)?;
    let v = crate::calib::json::parse(&text, &file).map_err(|e| match e {
        CalibError::Syntax {
            file,
            line,
            column,
            message,
        } => CalibError::Syntax {
            file,
            line,
            column,
            message: format!("not valid JSON: {message}"),
        },
        e => e,
    })?;
    Ok((v, file))
}

/// The calibration for hardware channel `hw` in a file that holds either one
/// fitted calibration object or a physical-setup file.
fn calibration_from_file(path: &Path, hw: u32) -> Result<Option<Sin2Calib>> {
    let (v, file) = read_calibration_json(path)?;
    if v.get("channel_calibrations").is_some() {
        let setup = PhysicalSetup::from_json_value(&v, &file)?;
        let present: Vec<&Sin2Calib> = setup.calibrations().iter().flatten().collect();
        // A setup holding exactly one calibration is that channel's calibration file.
        return Ok(match present.as_slice() {
            [only] => Some((*only).clone()),
            _ => setup.calibration(hw).cloned(),
        });
    }
    Ok(Some(Sin2Calib::from_json(&v, &file, "")?))
}

/// The conversion to codes of hardware channel `hw` from the config's card figures.
pub fn scale_for(figures: &CardFigures, hw: u32) -> OutputScale {
    let ch = figures.channels.iter().find(|c| c.index == hw);
    OutputScale {
        full_scale_mv: ch.map_or(1000.0, |c| c.full_scale_mv),
        full_scale: f64::from(figures.full_scale),
        clip: figures.clip,
    }
}

/// Builds the layout for `program_channels` from a config checked against a card.
pub fn layout_from_config(
    config: &Config,
    figures: &CardFigures,
    program_channels: &[String],
) -> Result<OutputLayout> {
    let map: &IndexMap<String, u32> = &config.setup.map;
    let mut calibs: std::collections::BTreeMap<u32, Sin2Calib> = Default::default();
    match &config.setup.calibration {
        SetupCalibration::None => {}
        SetupCalibration::SetupFile(path) => {
            let setup = PhysicalSetup::from_file(path)?;
            for (hw, c) in setup.calibrations().iter().enumerate() {
                if let Some(c) = c {
                    calibs.insert(hw as u32, c.clone());
                }
            }
        }
        SetupCalibration::PerChannel(files) => {
            for (&hw, path) in files {
                if let Some(c) = calibration_from_file(path, hw)? {
                    calibs.insert(hw, c);
                }
            }
        }
    }
    let columns: Vec<(u32, Option<String>, OutputScale)> = config
        .card
        .channels_ascending()
        .into_iter()
        .map(|(hw, _)| {
            (
                hw,
                map.iter().find(|(_, &h)| h == hw).map(|(n, _)| n.clone()),
                scale_for(figures, hw),
            )
        })
        .collect();
    build(program_channels, &columns, &calibs).map_err(|m| {
        Error::Config(crate::config::ConfigError::Invalid {
            problems: vec![config.problem("setup.map", m)],
        })
    })
}

/// Builds the layout from a physical-setup file (channels `0..N` enabled, all
/// converted with `scale`).
pub fn layout_from_setup(
    setup: &PhysicalSetup,
    program_channels: &[String],
    scale: OutputScale,
) -> Result<OutputLayout> {
    let columns: Vec<(u32, Option<String>, OutputScale)> = (0..setup.n_channels() as u32)
        .map(|hw| (hw, setup.logical_channel(hw).map(str::to_string), scale))
        .collect();
    let calibs = setup
        .calibrations()
        .iter()
        .enumerate()
        .filter_map(|(i, c)| c.clone().map(|c| (i as u32, c)))
        .collect();
    build(program_channels, &columns, &calibs).map_err(|message| {
        Error::Calibration(CalibError::field(
            "<setup>",
            "logical_to_hardware_map",
            message,
        ))
    })
}

fn build(
    program_channels: &[String],
    columns: &[(u32, Option<String>, OutputScale)],
    calibs: &std::collections::BTreeMap<u32, Sin2Calib>,
) -> std::result::Result<OutputLayout, String> {
    let mut out = Vec::with_capacity(columns.len());
    for (hw, name, scale) in columns {
        let logical = match name {
            Some(n) => program_channels.iter().position(|c| c == n),
            None => None,
        };
        out.push(ColumnBinding {
            hardware_channel: *hw,
            logical,
            calibration: calibs.get(hw).map(Sin2Calib::to_plan),
            scale: *scale,
        });
    }
    for (i, name) in program_channels.iter().enumerate() {
        if !out.iter().any(|c| c.logical == Some(i)) {
            let mapped: Vec<String> = columns
                .iter()
                .filter_map(|(hw, n, _)| n.as_ref().map(|n| format!("{n}→{hw}")))
                .collect();
            return Err(format!(
                "the program's logical channel '{name}' is not mapped to an enabled hardware channel (map: {})",
                if mapped.is_empty() { "empty".to_string() } else { mapped.join(", ") }
            ));
        }
    }
    Ok(OutputLayout { columns: out })
}
