//! `awgsf run`: the main job, and `--watch` hot swapping.

use crate::report::run::RunSummary;
use crate::report::Render;
use std::path::{Path, PathBuf};

use awgsf_core::config::Config;
use awgsf_core::error::{exit, Error};
use awgsf_core::program::LoadedProgram;
use awgsf_core::session::{JobOptions, RunReport, Session};

use super::args::{ConfigArg, RunArgs};
use super::basic::load;

/// The config a command uses: `--config`, `$AWGSF_CONFIG`, `./configs/default.toml`,
/// or the built-in defaults.
pub fn load_config(arg: &ConfigArg) -> Result<Config, Error> {
    let path: Option<PathBuf> = arg
        .config
        .clone()
        .or_else(|| std::env::var_os("AWGSF_CONFIG").map(PathBuf::from))
        .or_else(|| {
            let p = Path::new("configs/default.toml");
            p.is_file().then(|| p.to_path_buf())
        });
    match path {
        Some(p) => Ok(Config::load(&p)?),
        None => Ok(Config::default()),
    }
}

/// Which config a report names: its file, or the built-in defaults and why.
pub fn config_label(config: &Config) -> String {
    match config.source() {
        Some(p) => p.display().to_string(),
        None => "built-in defaults: cpu-simd + simulator (no --config, no $AWGSF_CONFIG, \
                 no ./configs/default.toml)"
            .into(),
    }
}

/// Where a run's outputs went: the card plugin's `output_dir` when it writes files.
fn run_outputs(config: &Config) -> String {
    match config
        .hardware
        .settings
        .get("output_dir")
        .and_then(|v| v.as_str())
    {
        Some(dir) => format!("{dir} (written by {})", config.hardware.backend),
        None => format!(
            "no files written: played on the card ({})",
            config.hardware.backend
        ),
    }
}

/// Prints the warnings about the program on the card and its run.
pub fn print_warnings(session: &Session, loaded: &LoadedProgram, report: &RunReport) {
    let mut warnings = match session.on_card.as_ref() {
        Some(c) => {
            let q = &c.planned.quantized;
            crate::report::warnings::program(
                loaded,
                q.sample_rate_hz,
                &q.logical_channels,
                q.segments.iter().map(|s| &s.segment),
            )
        }
        None => Vec::new(),
    };
    warnings.extend(crate::report::warnings::calibration(report));
    crate::report::warnings::print(&warnings);
}

/// `awgsf run`.
pub fn run(a: &RunArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let (config_name, outputs) = (config_label(&config), run_outputs(&config));
    let loaded = load(&a.program.spec())?;
    let for_warnings = loaded.clone();
    let mut session = Session::open(config)?;
    crate::progress::attach(&mut session, a.json);
    let opts = JobOptions {
        force_trigger: a.force_trigger,
        verify: !a.no_verify,
        threshold_fs: a.glitch_threshold,
    };
    let report = match session.run(loaded, &opts) {
        Ok(r) => r,
        Err(e) => {
            let _ = session.close();
            return Err(e);
        }
    };
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| Error::Internal(e.to_string()))?
        );
    } else {
        let summary = RunSummary {
            report: &report,
            config: config_name,
            outputs,
            details: a.details,
        };
        println!("{}", summary.render());
    }
    print_warnings(&session, &for_warnings, &report);
    let glitches = report.continuity.as_ref().map_or(0, |c| c.unrequested());
    if super::signals::requested() {
        session.close()?;
        return Err(Error::Interrupted);
    }
    if a.watch {
        return super::watch::watch(session, &a.program.spec(), &opts, a.json);
    }
    session.close()?;
    if glitches > 0 && !a.allow_glitches {
        return Err(Error::Verification(format!(
            "{glitches} unrequested discontinuities (pass --allow-glitches to accept them)"
        )));
    }
    if report.clipping.iter().any(|c| c.clipped_samples > 0) {
        eprintln!("warning: some samples clip; see the clipping table");
    }
    Ok(exit::OK)
}
