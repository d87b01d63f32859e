//! What `awgsf bench` prints: the machine, then one row per workload (or JSON).

use serde::Serialize;

use awgsf_core::format::{bytes, count, sci, seconds, significant};

use crate::report::table::{new_table, wrap};

use super::host_info::HostInfo;
use super::summary::{WorkloadResult, MEMORY_ALLOWANCE_BYTES};

/// A whole benchmark run.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct BenchReport {
    /// Machine, date, commit.
    pub host: HostInfo,
    /// Measurements per workload.
    pub repeats: usize,
    /// One result per workload, in the order asked.
    pub results: Vec<WorkloadResult>,
}

fn memory_cell(r: &WorkloadResult) -> String {
    match (r.rss_over_output_bytes, r.within_memory_goal) {
        (Some(o), Some(ok)) => {
            let sign = if o < 0 { "-" } else { "+" };
            format!(
                "{sign}{} {}",
                bytes(o.unsigned_abs()),
                if ok { "ok" } else { "over" }
            )
        }
        _ => "unknown".into(),
    }
}

impl BenchReport {
    /// The report as text: a header and a table.
    pub fn render(&self) -> String {
        let h = &self.host;
        let mut out = wrap(
            &format!(
                "machine: {}, load {} (1/5/15 min)\ncommit {}, {}, median of {} per workload, each in its own process",
                h.machine(),
                h.load_text(),
                h.git_commit,
                h.date,
                count(self.repeats as u64, "run", "runs")
            ),
            "  ",
        );
        out.push('\n');
        if let Some(r) = self.results.first() {
            out += &wrap(
                &format!(
                    "synthesis: {} on {}, {}",
                    r.backend,
                    r.device,
                    count(u64::from(r.threads), "thread", "threads")
                ),
                "  ",
            );
            out.push('\n');
        }
        // Two tables, so that each fits a terminal: time per stage, then speed and
        // memory.
        let mut times = new_table(
            &[
                "workload",
                "tone-samples",
                "resolve",
                "quantise",
                "phases",
                "render",
                "compile",
            ],
            &[false, true, true, true, true, true, true],
        );
        let mut speed = new_table(
            &[
                "workload",
                "TS/s render",
                "TS/s total",
                "RT factor",
                "output",
                "peak RSS",
                "RSS - output",
            ],
            &[false, true, true, true, true, true, true],
        );
        for r in &self.results {
            times.add_row(vec![
                r.workload.clone(),
                sci(r.tone_samples as f64),
                seconds(r.resolve_s),
                seconds(r.quantize_s),
                seconds(r.phases_s),
                seconds(r.render_s),
                seconds(r.compile_s),
            ]);
            speed.add_row(vec![
                r.workload.clone(),
                sci(r.render_tone_samples_per_s),
                sci(r.total_tone_samples_per_s),
                significant(r.real_time_factor, 3),
                bytes(r.output_bytes),
                r.peak_rss_bytes.map_or("unknown".into(), bytes),
                memory_cell(r),
            ]);
        }
        out += &times.trim_fmt();
        out.push('\n');
        out += &speed.trim_fmt();
        out.push('\n');
        out += &wrap(
            &format!(
                "RT factor: compile time / program duration (below 1: faster than real time). \
                 Memory goal: peak RSS <= output + {}.",
                bytes(MEMORY_ALLOWANCE_BYTES)
            ),
            "",
        );
        out
    }
}
