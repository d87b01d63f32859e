//! The warnings commands print to standard error beside their reports: what
//! [`awgsf_core::warnings`] finds in a program, and requested optical power that
//! the calibration cannot reach.

use awgsf_core::format::{count, significant};
use awgsf_core::pipeline::ResolvedSegment;
use awgsf_core::program::{LoadedProgram, ProgramFormat};
use awgsf_core::session::RunReport;
use awgsf_core::warnings::{bare_unit_numbers, high_tones, moving_in_loops};

use super::table::wrap;

/// The warnings about a program compiled at `fs`: bare numbers in its file (once),
/// tones close to Nyquist, tones moving inside repeating segments.
pub fn program<'a>(
    loaded: &LoadedProgram,
    fs: f64,
    channels: &[String],
    segments: impl IntoIterator<Item = &'a ResolvedSegment> + Clone,
) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(w) = file_warning(loaded) {
        out.push(w);
    }
    out.extend(high_tones(fs, channels, segments.clone()));
    out.extend(moving_in_loops(channels, segments));
    out
}

/// Bare numbers in a TOML program file (presets and JSON files are not checked:
/// the reference layout has no units).
fn file_warning(loaded: &LoadedProgram) -> Option<String> {
    if loaded.source.starts_with("preset:") {
        return None;
    }
    let path = std::path::Path::new(&loaded.source);
    let text = awgsf_core::input::read_to_string(path).ok()?;
    let toml = match ProgramFormat::from_extension(path) {
        Some(f) => f == ProgramFormat::Toml,
        None => !text.trim_start().starts_with('{'),
    };
    if !toml {
        return None;
    }
    bare_unit_numbers(&text).map(|w| format!("{}: {w}", loaded.source))
}

/// Requested optical power above what the calibration reaches (those tones play
/// at the reachable maximum).
pub fn calibration(report: &RunReport) -> Vec<String> {
    let clamped: Vec<_> = report
        .clipping
        .iter()
        .filter(|c| c.calib_clamped > 0)
        .collect();
    let Some(worst) = clamped
        .iter()
        .max_by(|a, b| a.calib_max_ratio.total_cmp(&b.calib_max_ratio))
    else {
        return Vec::new();
    };
    vec![format!(
        "requested optical power is above what the calibration can reach in {} \
         (most: {}× the reachable power, segment '{}' channel {}); they play at the \
         reachable maximum",
        count(
            clamped.iter().map(|c| c.calib_clamped).sum(),
            "tone-sample",
            "tone-samples"
        ),
        significant(worst.calib_max_ratio, 3),
        worst.segment,
        worst.hardware_channel
    )]
}

/// Prints each warning to standard error, wrapped to the report width.
pub fn print(warnings: &[String]) {
    for w in warnings {
        eprintln!("{}", wrap(&format!("warning: {w}"), "  "));
    }
}
