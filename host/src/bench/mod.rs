//! `awgsf bench`: compile speed and memory of named workloads.
//!
//! Each measurement runs in a fresh child process of the same binary (the hidden
//! `bench-worker` subcommand, see [`measure::measure`]), which compiles one workload
//! once — resolve, quantise, phases, render through the config's synthesis plugin,
//! no upload — and prints its [`measure::Measurement`] as JSON. A child's peak
//! resident memory (`VmHWM`) therefore belongs to that workload alone. The parent
//! folds the repeats of each workload into medians ([`summary::WorkloadResult`]),
//! prints them, and appends them to a versioned CSV log ([`csv_log`]).

pub mod csv_log;
pub mod host_info;
pub mod measure;
pub mod rearrange;
pub mod report;
pub mod summary;
pub mod workload;

use std::path::Path;
use std::process::{Command, Stdio};

use awgsf_core::error::{Error, Result};

use measure::{Measurement, Overrides};
use summary::WorkloadResult;

/// Name of the hidden subcommand that measures one workload.
pub const WORKER_COMMAND: &str = "bench-worker";

/// What the parent asks of its children.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchPlan {
    /// Config file the children read (`None`: they find it as the parent did).
    pub config: Option<std::path::PathBuf>,
    /// Workloads, in order.
    pub workloads: Vec<String>,
    /// Synthesis overrides.
    pub overrides: Overrides,
    /// Measurements per workload.
    pub repeat: usize,
}

impl BenchPlan {
    /// Arguments of the child that measures `workload`.
    pub fn worker_args(&self, workload: &str) -> Vec<String> {
        let mut args = vec![
            WORKER_COMMAND.to_string(),
            "--workload".into(),
            workload.into(),
        ];
        if let Some(c) = &self.config {
            args.push("--config".into());
            args.push(c.display().to_string());
        }
        if let Some(b) = &self.overrides.backend {
            args.push("--backend".into());
            args.push(b.clone());
        }
        if let Some(n) = self.overrides.threads {
            args.push("--threads".into());
            args.push(n.to_string());
        }
        args
    }
}

/// Runs one measurement in a child process of `exe`.
fn measure_in_child(exe: &Path, plan: &BenchPlan, workload: &str) -> Result<Measurement> {
    let out = Command::new(exe)
        .args(plan.worker_args(workload))
        .stdin(Stdio::null())
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| {
            Error::Internal(format!(
                "cannot start {} to measure `{workload}`: {e}",
                exe.display()
            ))
        })?;
    if !out.status.success() {
        let how = out
            .status
            .code()
            .map_or("was killed (out of memory?)".to_string(), |c| {
                format!("exited with code {c}")
            });
        return Err(Error::synthesis(format!(
            "workload `{workload}`: the measuring process {how}"
        )));
    }
    serde_json::from_slice(&out.stdout).map_err(|e| {
        Error::Internal(format!(
            "workload `{workload}`: unreadable measurement from the measuring process: {e}"
        ))
    })
}

/// Measures every workload `plan.repeat` times, each time in a fresh child process
/// of `exe`, and folds the repeats. `progress(workload, run)` is called before each
/// measurement.
pub fn run(
    exe: &Path,
    plan: &BenchPlan,
    mut progress: impl FnMut(&str, usize),
) -> Result<Vec<WorkloadResult>> {
    let mut results = Vec::with_capacity(plan.workloads.len());
    for w in &plan.workloads {
        let mut runs = Vec::with_capacity(plan.repeat);
        for i in 0..plan.repeat.max(1) {
            progress(w, i);
            runs.push(measure_in_child(exe, plan, w)?);
        }
        results.extend(WorkloadResult::fold(&runs));
    }
    Ok(results)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn worker_arguments_carry_the_config_and_overrides() {
        let plan = BenchPlan {
            config: Some("configs/ci.toml".into()),
            workloads: vec!["large".into()],
            overrides: Overrides {
                backend: Some("cpu-simd".into()),
                threads: Some(1),
            },
            repeat: 3,
        };
        assert_eq!(
            plan.worker_args("large").join(" "),
            "bench-worker --workload large --config configs/ci.toml --backend cpu-simd --threads 1"
        );
        let bare = BenchPlan {
            config: None,
            overrides: Overrides::default(),
            ..plan
        };
        assert_eq!(
            bare.worker_args("huge").join(" "),
            "bench-worker --workload huge"
        );
    }
}
