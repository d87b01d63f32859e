//! The benchmark log: a CSV file that results are appended to, one row per workload
//! and run of `awgsf bench --csv FILE`.
//!
//! The first column is the schema version. Columns are only ever added at the end,
//! with a new version, so a reader of version N reads every older file; a file
//! written by an older version gets the new columns (empty in its old rows) when
//! next appended to. A file whose header is not a prefix of this version's is
//! refused rather than mixed.

use std::fs::OpenOptions;
use std::io::Write;
use std::path::Path;

use awgsf_core::error::{Error, Result};
use awgsf_plugin_api::output_dir;

use super::host_info::HostInfo;
use super::summary::WorkloadResult;

/// Schema version written in the first column.
pub const SCHEMA_VERSION: u32 = 1;

/// The columns of [`SCHEMA_VERSION`], in order.
pub const COLUMNS: &[&str] = &[
    "schema_version",
    "date",
    "git_commit",
    "cpu",
    "cores",
    "load_1m",
    "backend",
    "device",
    "threads",
    "workload",
    "repeats",
    "resolve_s",
    "quantize_s",
    "phases_s",
    "render_s",
    "compile_s",
    "duration_s",
    "tone_samples",
    "render_tone_samples_per_s",
    "total_tone_samples_per_s",
    "real_time_factor",
    "output_bytes",
    "peak_rss_bytes",
];

fn opt<T: ToString>(v: Option<T>) -> String {
    v.map_or(String::new(), |v| v.to_string())
}

/// The CSV row of one result.
pub fn row(host: &HostInfo, r: &WorkloadResult) -> Vec<String> {
    vec![
        SCHEMA_VERSION.to_string(),
        host.date.clone(),
        host.git_commit.clone(),
        host.cpu.clone(),
        host.cores.to_string(),
        opt(host.load.map(|l| l[0])),
        r.backend.clone(),
        r.device.clone(),
        r.threads.to_string(),
        r.workload.clone(),
        r.repeats.to_string(),
        format!("{:e}", r.resolve_s),
        format!("{:e}", r.quantize_s),
        format!("{:e}", r.phases_s),
        format!("{:e}", r.render_s),
        format!("{:e}", r.compile_s),
        format!("{:e}", r.duration_s),
        r.tone_samples.to_string(),
        format!("{:e}", r.render_tone_samples_per_s),
        format!("{:e}", r.total_tone_samples_per_s),
        format!("{:e}", r.real_time_factor),
        r.output_bytes.to_string(),
        opt(r.peak_rss_bytes),
    ]
}

fn io(path: &Path, e: impl std::fmt::Display) -> Error {
    Error::io_message(format!(
        "cannot write the benchmark log {}: {e}",
        path.display()
    ))
}

/// Appends one row per result to `path`, writing the header first when the file is
/// new or empty, and upgrading a file of an older schema (see the module doc).
pub fn append(path: &Path, host: &HostInfo, results: &[WorkloadResult]) -> Result<()> {
    let existing = match std::fs::read(path) {
        Ok(b) => Some(b),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => None,
        Err(e) => return Err(io(path, e)),
    };
    let rows: Vec<Vec<String>> = results.iter().map(|r| row(host, r)).collect();
    match existing.filter(|b| !b.is_empty()) {
        None => rewrite(path, &[], &rows),
        Some(bytes) => {
            let mut reader = csv::ReaderBuilder::new()
                .has_headers(false)
                .flexible(true)
                .from_reader(bytes.as_slice());
            let records: Vec<csv::StringRecord> = reader
                .records()
                .collect::<std::result::Result<_, _>>()
                .map_err(|e| io(path, format!("not a readable CSV file: {e}")))?;
            let header: Vec<&str> = records.first().map_or(Vec::new(), |r| r.iter().collect());
            if header == COLUMNS {
                let mut file = OpenOptions::new()
                    .append(true)
                    .open(path)
                    .map_err(|e| io(path, e))?;
                let mut w = csv::Writer::from_writer(Vec::new());
                for r in &rows {
                    w.write_record(r).map_err(|e| io(path, e))?;
                }
                let mut text = w.into_inner().map_err(|e| io(path, e))?;
                if !bytes.ends_with(b"\n") {
                    text.insert(0, b'\n');
                }
                file.write_all(&text).map_err(|e| io(path, e))
            } else if header.len() < COLUMNS.len() && COLUMNS.starts_with(&header) {
                let old: Vec<Vec<String>> = records[1..]
                    .iter()
                    .map(|r| r.iter().map(str::to_string).collect())
                    .collect();
                rewrite(path, &old, &rows)
            } else {
                Err(io(
                    path,
                    format!(
                        "its header is not that of a benchmark log of schema version {} or older \
                         (expected the columns {}); choose another file",
                        SCHEMA_VERSION,
                        COLUMNS.join(",")
                    ),
                ))
            }
        }
    }
}

/// Writes header, `old` rows (padded to the current columns) and `new` rows to a
/// temporary file next to `path`, then renames it over `path`.
fn rewrite(path: &Path, old: &[Vec<String>], new: &[Vec<String>]) -> Result<()> {
    output_dir::write_atomically(path, |file| {
        let mut w = csv::Writer::from_writer(file);
        w.write_record(COLUMNS)?;
        for r in old {
            let mut r = r.clone();
            r.resize(COLUMNS.len(), String::new());
            w.write_record(&r)?;
        }
        for r in new {
            w.write_record(r)?;
        }
        w.flush()
    })
    .map_err(|e| io(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn host() -> HostInfo {
        HostInfo {
            date: "2025-01-02T03:04:05Z".into(),
            git_commit: "abc123".into(),
            cpu: "Some CPU, 2 GHz".into(),
            cores: 2,
            load: Some([0.5, 0.4, 0.3]),
        }
    }

    fn result(name: &str) -> WorkloadResult {
        WorkloadResult {
            workload: name.into(),
            source: format!("preset:{name}"),
            backend: "cpu-simd 0.1.0".into(),
            device: "cpu".into(),
            threads: 2,
            repeats: 3,
            resolve_s: 1e-4,
            quantize_s: 2e-4,
            phases_s: 3e-3,
            render_s: 0.5,
            compile_s: 0.5033,
            compile_range_s: (0.5, 0.6),
            duration_s: 0.01,
            tone_samples: 1_250_000_000,
            render_tone_samples_per_s: 2.5e9,
            total_tone_samples_per_s: 2.48e9,
            real_time_factor: 50.33,
            output_bytes: 25_000_000,
            baseline_rss_bytes: Some(8 << 20),
            peak_rss_bytes: Some(40 << 20),
            rss_over_output_bytes: Some(0),
            within_memory_goal: Some(true),
        }
    }

    fn read(path: &Path) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .has_headers(false)
            .from_path(path)
            .unwrap()
            .records()
            .map(|r| r.unwrap().iter().map(str::to_string).collect())
            .collect()
    }

    #[test]
    fn a_new_log_gets_a_header_and_later_runs_append() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("bench.csv");
        append(&path, &host(), &[result("large")]).unwrap();
        append(&path, &host(), &[result("mol_exp"), result("huge")]).unwrap();
        let rows = read(&path);
        assert_eq!(rows.len(), 4);
        assert_eq!(rows[0], COLUMNS);
        assert_eq!(rows[1][0], "1");
        assert_eq!(rows[1][3], "Some CPU, 2 GHz");
        assert_eq!(rows[1][9], "large");
        assert_eq!(rows[3][9], "huge");
        assert!(rows.iter().all(|r| r.len() == COLUMNS.len()));
        let col = |n: &str| COLUMNS.iter().position(|c| *c == n).unwrap();
        assert_eq!(rows[2][col("tone_samples")], "1250000000");
        assert_eq!(rows[2][col("peak_rss_bytes")], (40u64 << 20).to_string());
        assert_eq!(rows[2][col("render_s")].parse::<f64>().unwrap(), 0.5);
    }

    #[test]
    fn an_older_schema_is_upgraded_and_a_foreign_file_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("old.csv");
        let old_cols = &COLUMNS[..COLUMNS.len() - 2];
        std::fs::write(
            &path,
            format!(
                "{}\n{}\n",
                old_cols.join(","),
                vec!["1"; old_cols.len()].join(",")
            ),
        )
        .unwrap();
        append(&path, &host(), &[result("large")]).unwrap();
        let rows = read(&path);
        assert_eq!(rows[0], COLUMNS);
        assert_eq!(rows[1].len(), COLUMNS.len());
        assert_eq!(rows[1][COLUMNS.len() - 1], "");
        assert_eq!(rows[2][9], "large");

        let foreign = dir.path().join("other.csv");
        std::fs::write(&foreign, "a,b\n1,2\n").unwrap();
        let e = append(&foreign, &host(), &[result("large")])
            .unwrap_err()
            .to_string();
        assert!(
            e.contains("other.csv") && e.contains("schema version"),
            "{e}"
        );
        assert_eq!(std::fs::read_to_string(&foreign).unwrap(), "a,b\n1,2\n");
    }
}
