//! Fitting sin² calibrations to measured data: `p = g(f) sin^2((pi/2) a / v0(f))`
//! with `g` and `v0` polynomials in the channel's own normalised frequency
//! `x = (f - mid) / half` (`mid`, `half` from that channel's data range, which is
//! the range stored beside its coefficients).
//!
//! Method: a seed from per-frequency 1-D fits of `v0` and linear least squares for
//! `g` (module `seed`), then Levenberg–Marquardt over all coefficients jointly
//! (module `solve`). One file per hardware channel; channels are fitted independently.

mod seed;
mod solve;

use std::collections::BTreeMap;
use std::fmt;
use std::path::PathBuf;

use super::input::{FreqUnit, InputFormat, MeasuredData};
use super::physical_setup::PhysicalSetup;
use super::report::RfWarnings;
use super::{CalibError, Sin2Calib};

/// Label for the setup built by [`fit_files`] in errors.
const FIT_SETUP: &str = "<fitted setup>";

/// One measured-data file: the calibration of one hardware channel.
#[derive(Debug, Clone, PartialEq)]
pub struct FitInput {
    /// The file.
    pub path: PathBuf,
    /// Its format ([`InputFormat::Auto`] infers it).
    pub format: InputFormat,
    /// Traceability string stored with the calibration; `None` uses the path.
    pub traceability: Option<String>,
}

impl FitInput {
    /// A file of inferred format, traced by its path.
    pub fn new(path: impl Into<PathBuf>) -> Self {
        FitInput {
            path: path.into(),
            format: InputFormat::Auto,
            traceability: None,
        }
    }
}

/// Settings of a fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitOptions {
    /// Degree of the `g` polynomial.
    pub degree_g: usize,
    /// Degree of the `v0` polynomial.
    pub degree_v0: usize,
    /// Logical channel of each hardware channel (input `i` is hardware channel `i`);
    /// `None`: `ch0 -> 0`, `ch1 -> 1`, ...
    pub logical_to_hardware: Option<BTreeMap<String, u32>>,
    /// Unit of CSV frequency columns; `None`: from the header (`freq_hz`, ...), else MHz.
    pub csv_freq_unit: Option<FreqUnit>,
    /// Width of the frequency bins of the seed's per-frequency fits, Hz.
    pub seed_bin_hz: f64,
    /// `min_g` stored with the calibrations.
    pub min_g: f64,
    /// `min_v0_sq` used in the fit and stored with the calibrations, mV².
    pub min_v0_sq: f64,
    /// `y_eps` stored with the calibrations.
    pub y_eps: f64,
    /// RF amplitude warning level of the report, mV.
    pub rf_warn_mv: f64,
    /// RF amplitude critical level of the report, mV.
    pub rf_critical_mv: f64,
    /// Frequencies in the report's warning map.
    pub report_freq_points: usize,
    /// Levenberg–Marquardt evaluation budget per coefficient (MINPACK's `patience`).
    pub patience: usize,
}

impl Default for FitOptions {
    fn default() -> Self {
        FitOptions {
            degree_g: 6,
            degree_v0: 6,
            logical_to_hardware: None,
            csv_freq_unit: None,
            seed_bin_hz: 0.5e6,
            min_g: Sin2Calib::DEFAULT_MIN_G,
            min_v0_sq: 1e-9,
            y_eps: Sin2Calib::DEFAULT_Y_EPS,
            rf_warn_mv: 100.0,
            rf_critical_mv: 200.0,
            report_freq_points: 21,
            patience: 100,
        }
    }
}

/// Highest polynomial degree accepted (monomials on [-1, 1] beyond this are too
/// ill-conditioned to store as coefficients).
pub const MAX_DEGREE: usize = 12;

impl FitOptions {
    /// Checks every option's range.
    pub fn validate(&self) -> Result<(), CalibError> {
        for (name, d) in [("degree_g", self.degree_g), ("degree_v0", self.degree_v0)] {
            if d > MAX_DEGREE {
                return Err(CalibError::option(
                    name,
                    format!("expected a degree of at most {MAX_DEGREE}, got {d}"),
                ));
            }
        }
        let positive = [
            ("seed_bin_hz", self.seed_bin_hz),
            ("min_g", self.min_g),
            ("min_v0_sq", self.min_v0_sq),
            ("rf_warn_mv", self.rf_warn_mv),
            ("rf_critical_mv", self.rf_critical_mv),
        ];
        for (name, v) in positive {
            if !(v.is_finite() && v > 0.0) {
                return Err(CalibError::option(
                    name,
                    format!("expected a finite number > 0, got {v}"),
                ));
            }
        }
        if !(self.y_eps > 0.0 && self.y_eps < 1.0) {
            return Err(CalibError::option(
                "y_eps",
                format!("expected a number in (0, 1), got {}", self.y_eps),
            ));
        }
        if self.rf_critical_mv < self.rf_warn_mv {
            return Err(CalibError::option(
                "rf_critical_mv",
                format!(
                    "expected at least rf_warn_mv = {}, got {}",
                    self.rf_warn_mv, self.rf_critical_mv
                ),
            ));
        }
        if self.report_freq_points < 2 {
            return Err(CalibError::option(
                "report_freq_points",
                format!("expected at least 2, got {}", self.report_freq_points),
            ));
        }
        if self.patience == 0 {
            return Err(CalibError::option("patience", "expected at least 1, got 0"));
        }
        Ok(())
    }
}

/// Quality figures of one channel's fit.
#[derive(Debug, Clone, PartialEq)]
pub struct FitStats {
    /// Points fitted.
    pub n_points: usize,
    /// Points dropped while reading (non-finite value or negative amplitude).
    pub n_dropped: usize,
    /// Points whose negative power was raised to 0.
    pub n_clamped: usize,
    /// Distinct frequencies among the points.
    pub n_frequencies: usize,
    /// Root-mean-square residual of the stored calibration over the points (power units).
    pub rmse: f64,
    /// Largest absolute residual.
    pub max_abs_residual: f64,
    /// Residual evaluations of the minimiser.
    pub evaluations: usize,
    /// Whether the minimiser stopped on a convergence criterion.
    pub converged: bool,
    /// The minimiser's reason for stopping.
    pub termination: String,
}

/// Result of fitting one hardware channel.
#[derive(Debug, Clone, PartialEq)]
pub struct ChannelReport {
    /// Hardware channel index.
    pub hardware_channel: u32,
    /// Logical channel mapped to it.
    pub logical_channel: String,
    /// The measured-data file.
    pub source: String,
    /// The format it was read as.
    pub format: InputFormat,
    /// Fit quality.
    pub stats: FitStats,
    /// RF-amplitude warning map of the fitted calibration.
    pub rf: RfWarnings,
}

/// Result of [`fit_files`]: the setup to write and a report per hardware channel.
#[derive(Debug, Clone, PartialEq)]
pub struct FitReport {
    /// Map plus one fitted calibration per hardware channel.
    pub setup: PhysicalSetup,
    /// One per hardware channel, in index order.
    pub channels: Vec<ChannelReport>,
}

/// Fits one hardware channel's calibration to a point cloud.
pub fn fit_sin2(
    data: &MeasuredData,
    opts: &FitOptions,
    traceability: &str,
) -> Result<(Sin2Calib, FitStats), CalibError> {
    opts.validate()?;
    let file = data.source.as_str();
    let (dg, dv0) = (opts.degree_g, opts.degree_v0);
    let n_coeffs = dg + dv0 + 2;
    let mut distinct = data.freqs_hz.clone();
    distinct.sort_by(f64::total_cmp);
    distinct.dedup();
    let need = dg.max(dv0) + 1;
    if distinct.len() < need {
        return Err(CalibError::fit(
            file,
            format!(
                "degree {} polynomials need at least {need} distinct frequencies, got {}",
                dg.max(dv0),
                distinct.len()
            ),
        ));
    }
    if data.len() < n_coeffs {
        return Err(CalibError::fit(
            file,
            format!(
                "{n_coeffs} coefficients need at least as many points, got {}",
                data.len()
            ),
        ));
    }
    let (f_min, f_max) = (distinct[0], distinct[distinct.len() - 1]);
    let (mid, half) = (0.5 * (f_min + f_max), 0.5 * (f_max - f_min));
    if !(half.is_finite() && half > 0.0) {
        return Err(CalibError::fit(
            file,
            format!("frequency range {f_min}..{f_max} Hz is not usable"),
        ));
    }
    let x: Vec<f64> = data
        .freqs_hz
        .iter()
        .map(|f| ((f - mid) / half).clamp(-1.0, 1.0))
        .collect();
    let bin: Vec<i64> = data
        .freqs_hz
        .iter()
        .map(|f| (f / opts.seed_bin_hz).round() as i64)
        .collect();
    let pts = seed::Points {
        x: &x,
        bin: &bin,
        a: &data.rf_amps_mv,
        p: &data.powers,
    };
    let (g0, v0) = seed::seed(&pts, dg, dv0, opts.min_v0_sq).ok_or_else(|| {
        CalibError::fit(
            file,
            "no curve has both positive RF amplitudes and positive powers",
        )
    })?;
    let solved = solve::solve(&pts, &g0, &v0, opts.min_v0_sq, opts.patience);
    let calib = Sin2Calib {
        g_poly: solved.g,
        v0_poly: solved.v0,
        freq_min_hz: f_min,
        freq_max_hz: f_max,
        min_g: opts.min_g,
        min_v0_sq: opts.min_v0_sq,
        y_eps: opts.y_eps,
        traceability: traceability.to_owned(),
    };
    calib
        .validate(file, "fitted calibration")
        .map_err(|e| CalibError::fit(file, format!("the fit diverged ({e})")))?;
    let (mut sse, mut max_abs) = (0.0, 0.0f64);
    for i in 0..data.len() {
        let r = calib.power(data.freqs_hz[i], data.rf_amps_mv[i]) - data.powers[i];
        sse += r * r;
        max_abs = max_abs.max(r.abs());
    }
    let stats = FitStats {
        n_points: data.len(),
        n_dropped: data.n_dropped,
        n_clamped: data.n_clamped,
        n_frequencies: distinct.len(),
        rmse: (sse / data.len() as f64).sqrt(),
        max_abs_residual: max_abs,
        evaluations: solved.evaluations,
        converged: solved.converged,
        termination: solved.termination,
    };
    Ok((calib, stats))
}

/// The logical-to-hardware map for `n` inputs, checked to cover `0..n` one-to-one.
fn channel_map(opts: &FitOptions, n: usize) -> Result<BTreeMap<String, u32>, CalibError> {
    let map = match &opts.logical_to_hardware {
        None => (0..n).map(|i| (format!("ch{i}"), i as u32)).collect(),
        Some(m) => m.clone(),
    };
    let mut hw: Vec<u32> = map.values().copied().collect();
    hw.sort_unstable();
    if hw.len() != n || hw.iter().enumerate().any(|(i, &h)| h as usize != i) {
        return Err(CalibError::option(
            "logical_to_hardware",
            format!(
                "{n} input file(s) calibrate hardware channels 0..{}; the map must name each \
                 exactly once, got {map:?}",
                n.saturating_sub(1)
            ),
        ));
    }
    Ok(map)
}

/// Fits one calibration per input file (input `i` is hardware channel `i`) and
/// returns the resulting setup with a report per channel. Nothing is written; see
/// [`PhysicalSetup::write_json`].
pub fn fit_files(inputs: &[FitInput], opts: &FitOptions) -> Result<FitReport, CalibError> {
    opts.validate()?;
    if inputs.is_empty() {
        return Err(CalibError::option(
            "inputs",
            "expected at least one measured-data file",
        ));
    }
    let map = channel_map(opts, inputs.len())?;
    let mut calibs = Vec::with_capacity(inputs.len());
    let mut channels = Vec::with_capacity(inputs.len());
    for (i, input) in inputs.iter().enumerate() {
        let data = MeasuredData::read(&input.path, input.format, opts.csv_freq_unit)?;
        let trace = input
            .traceability
            .clone()
            .unwrap_or_else(|| input.path.display().to_string());
        let (calib, stats) = fit_sin2(&data, opts, &trace)?;
        let rf = RfWarnings::compute(
            &calib,
            opts.rf_warn_mv,
            opts.rf_critical_mv,
            opts.report_freq_points,
        );
        let logical = map
            .iter()
            .find(|(_, &h)| h as usize == i)
            .map(|(n, _)| n.clone())
            .unwrap_or_default();
        channels.push(ChannelReport {
            hardware_channel: i as u32,
            logical_channel: logical,
            source: data.source.clone(),
            format: data.format,
            stats,
            rf,
        });
        calibs.push(Some(calib));
    }
    let setup = PhysicalSetup::new(map, calibs, FIT_SETUP)?;
    Ok(FitReport { setup, channels })
}

impl fmt::Display for ChannelReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = &self.stats;
        writeln!(
            f,
            "[hw {} = {}] {} ({}): rmse {:.6} max|res| {:.6} over {} points at {} frequencies",
            self.hardware_channel,
            self.logical_channel,
            self.source,
            self.format,
            s.rmse,
            s.max_abs_residual,
            s.n_points,
            s.n_frequencies
        )?;
        writeln!(
            f,
            "  dropped {} points, raised {} negative powers to 0; {} evaluations, {}",
            s.n_dropped,
            s.n_clamped,
            s.evaluations,
            if s.converged {
                "converged".to_owned()
            } else {
                format!("NOT converged ({})", s.termination)
            }
        )?;
        write!(f, "{}", self.rf)
    }
}

impl fmt::Display for FitReport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for c in &self.channels {
            writeln!(f, "{c}")?;
        }
        Ok(())
    }
}
