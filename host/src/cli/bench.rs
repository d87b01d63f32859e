//! `awgsf bench` (measure workloads, each run in a child process) and the hidden
//! `awgsf bench-worker` that such a child runs.

use crate::bench::host_info::HostInfo;
use crate::bench::measure::{measure, Overrides};
use crate::bench::report::BenchReport;
use crate::bench::{csv_log, rearrange, workload, BenchPlan};
use awgsf_core::error::{exit, Error};
use awgsf_core::session::Session;

use super::args::{BenchArgs, BenchWorkerArgs, SynthesisOverrideArgs};
use super::run::load_config;

fn overrides(a: &SynthesisOverrideArgs) -> Overrides {
    Overrides {
        backend: a.backend.clone(),
        threads: a.threads,
    }
}

/// `awgsf bench`.
pub fn bench(a: &BenchArgs) -> Result<i32, Error> {
    let workloads: Vec<String> = if a.workload.is_empty() {
        workload::DEFAULT_WORKLOADS
            .iter()
            .map(|w| w.to_string())
            .collect()
    } else {
        a.workload.iter().map(|w| w.trim().to_string()).collect()
    };
    // Check everything the children need here, so that mistakes are reported once
    // and with their own exit codes.
    for w in &workloads {
        workload::program(w)?;
    }
    let mut config = load_config(&a.config)?;
    let overrides = overrides(&a.synthesis);
    overrides.apply(&mut config);
    let config_path = config.source().map(|p| p.to_path_buf());
    let (latency, workloads): (Vec<String>, Vec<String>) = workloads
        .into_iter()
        .partition(|w| w == workload::REARRANGE);
    let rearrange = if latency.is_empty() {
        None
    } else {
        eprintln!(
            "measuring {} ({} rearrangements)",
            workload::REARRANGE,
            a.rearrangements
        );
        Some(rearrange::measure(
            config.clone(),
            a.rearrangements as usize,
        )?)
    };
    if rearrange.is_some() {
        if let Some(path) = &a.csv {
            eprintln!(
                "note: {} logs compile measurements; the {} latencies are not appended to it",
                path.display(),
                workload::REARRANGE
            );
        }
    }
    if workloads.is_empty() {
        if let Some(r) = &rearrange {
            if a.json {
                let text = serde_json::to_string_pretty(&serde_json::json!({ "rearrange": r }))
                    .map_err(|e| Error::Internal(e.to_string()))?;
                println!("{text}");
            } else {
                println!("{}", r.render());
            }
        }
        return Ok(exit::OK);
    }
    Session::open(config)?.close()?;
    let exe = std::env::current_exe()
        .map_err(|e| Error::Internal(format!("cannot find this program's own path: {e}")))?;
    let plan = BenchPlan {
        config: config_path,
        workloads,
        overrides,
        repeat: a.repeat as usize,
    };
    let host = HostInfo::collect();
    let results = crate::bench::run(&exe, &plan, |w, i| {
        eprintln!("measuring {w} ({}/{})", i + 1, plan.repeat);
    })?;
    let report = BenchReport {
        host,
        repeats: plan.repeat,
        results,
    };
    if let Some(path) = &a.csv {
        csv_log::append(path, &report.host, &report.results)?;
        eprintln!(
            "appended {} row(s) to {}",
            report.results.len(),
            path.display()
        );
    }
    if a.json {
        let mut value =
            serde_json::to_value(&report).map_err(|e| Error::Internal(e.to_string()))?;
        if let (Some(r), Some(map)) = (&rearrange, value.as_object_mut()) {
            map.insert(
                "rearrange".into(),
                serde_json::to_value(r).map_err(|e| Error::Internal(e.to_string()))?,
            );
        }
        let text =
            serde_json::to_string_pretty(&value).map_err(|e| Error::Internal(e.to_string()))?;
        println!("{text}");
    } else {
        println!("{}", report.render());
        if let Some(r) = &rearrange {
            println!("{}", r.render());
        }
    }
    Ok(exit::OK)
}

/// `awgsf bench-worker`: one measurement, printed as one line of JSON.
pub fn worker(a: &BenchWorkerArgs) -> Result<i32, Error> {
    let mut config = load_config(&a.config)?;
    overrides(&a.synthesis).apply(&mut config);
    let m = measure(config, &a.workload)?;
    let text = serde_json::to_string(&m).map_err(|e| Error::Internal(e.to_string()))?;
    println!("{text}");
    Ok(exit::OK)
}
