//! Several measurements of one workload folded into one result: the median of each
//! time, the largest peak memory, and the memory goal checked.

use serde::Serialize;

use super::measure::Measurement;

/// Allowance of the memory goal: peak resident memory at most the output bytes plus
/// this much.
pub const MEMORY_ALLOWANCE_BYTES: u64 = 64 << 20;

/// The result of one workload over its repeats.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WorkloadResult {
    /// Workload name.
    pub workload: String,
    /// Where its program came from.
    pub source: String,
    /// Synthesis plugin and version.
    pub backend: String,
    /// What it rendered on.
    pub device: String,
    /// Worker threads (CPU) or multiprocessors (GPU).
    pub threads: u32,
    /// Measurements folded in.
    pub repeats: usize,
    /// Median wall time of resolve, seconds.
    pub resolve_s: f64,
    /// Median wall time of quantise, seconds.
    pub quantize_s: f64,
    /// Median wall time of phases and lowering, seconds.
    pub phases_s: f64,
    /// Median wall time of rendering, seconds.
    pub render_s: f64,
    /// Median compile time (all stages), seconds.
    pub compile_s: f64,
    /// Smallest and largest compile time, seconds.
    pub compile_range_s: (f64, f64),
    /// Duration of the rendered segments, each once, seconds.
    pub duration_s: f64,
    /// Samples × tones rendered.
    pub tone_samples: u64,
    /// Tone-samples per second of median render time.
    pub render_tone_samples_per_s: f64,
    /// Tone-samples per second of median compile time.
    pub total_tone_samples_per_s: f64,
    /// Median compile time over duration (below 1: faster than real time).
    pub real_time_factor: f64,
    /// Card data produced, bytes.
    pub output_bytes: u64,
    /// Largest resident memory before compiling, bytes.
    pub baseline_rss_bytes: Option<u64>,
    /// Largest peak resident memory, bytes.
    pub peak_rss_bytes: Option<u64>,
    /// Peak resident memory beyond the output, bytes (negative: below it).
    pub rss_over_output_bytes: Option<i64>,
    /// Whether the peak stays within output + [`MEMORY_ALLOWANCE_BYTES`].
    pub within_memory_goal: Option<bool>,
}

/// Median of values (mean of the middle two for an even count); 0 for none.
pub fn median(values: &[f64]) -> f64 {
    let mut v: Vec<f64> = values.to_vec();
    v.sort_by(f64::total_cmp);
    match v.len() {
        0 => 0.0,
        n if n % 2 == 1 => v[n / 2],
        n => 0.5 * (v[n / 2 - 1] + v[n / 2]),
    }
}

impl WorkloadResult {
    /// Folds the measurements of one workload (at least one).
    pub fn fold(runs: &[Measurement]) -> Option<WorkloadResult> {
        let first = runs.first()?;
        let med = |f: fn(&Measurement) -> f64| median(&runs.iter().map(f).collect::<Vec<_>>());
        let compile_s = med(|m| m.compile_s);
        let render_s = med(|m| m.render_s);
        let compiles = runs.iter().map(|m| m.compile_s);
        let range = (
            compiles.clone().fold(f64::INFINITY, f64::min),
            compiles.fold(0.0, f64::max),
        );
        let peak = runs.iter().filter_map(|m| m.peak_rss_bytes).max();
        let over = peak.map(|p| p as i64 - first.output_bytes as i64);
        Some(WorkloadResult {
            workload: first.workload.clone(),
            source: first.source.clone(),
            backend: first.backend.clone(),
            device: first.device.clone(),
            threads: first.threads,
            repeats: runs.len(),
            resolve_s: med(|m| m.resolve_s),
            quantize_s: med(|m| m.quantize_s),
            phases_s: med(|m| m.phases_s),
            render_s,
            compile_s,
            compile_range_s: range,
            duration_s: first.duration_s,
            tone_samples: first.tone_samples,
            render_tone_samples_per_s: first.tone_samples as f64 / render_s.max(1e-12),
            total_tone_samples_per_s: first.tone_samples as f64 / compile_s.max(1e-12),
            real_time_factor: compile_s / first.duration_s.max(1e-12),
            output_bytes: first.output_bytes,
            baseline_rss_bytes: runs.iter().filter_map(|m| m.baseline_rss_bytes).max(),
            peak_rss_bytes: peak,
            rss_over_output_bytes: over,
            within_memory_goal: over.map(|o| o <= MEMORY_ALLOWANCE_BYTES as i64),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run(compile_s: f64, peak: u64) -> Measurement {
        Measurement {
            workload: "w".into(),
            source: "preset:w".into(),
            backend: "cpu-simd 0.1.0".into(),
            device: "cpu".into(),
            threads: 2,
            sample_rate_hz: 625e6,
            resolve_s: 1e-4,
            quantize_s: 1e-4,
            phases_s: 0.0,
            render_s: compile_s - 2e-4,
            compile_s,
            duration_s: 0.01,
            tone_samples: 1_000_000,
            output_bytes: 100 << 20,
            baseline_rss_bytes: Some(10 << 20),
            peak_rss_bytes: Some(peak),
        }
    }

    #[test]
    fn medians_and_the_largest_peak() {
        assert_eq!(median(&[3.0, 1.0, 2.0]), 2.0);
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), 2.5);
        assert_eq!(median(&[]), 0.0);
        let r = WorkloadResult::fold(&[
            run(0.3, 150 << 20),
            run(0.1, 170 << 20),
            run(0.2, 160 << 20),
        ])
        .unwrap();
        assert_eq!(r.repeats, 3);
        assert_eq!(r.compile_s, 0.2);
        assert_eq!(r.compile_range_s, (0.1, 0.3));
        assert_eq!(r.peak_rss_bytes, Some(170 << 20));
        assert_eq!(r.rss_over_output_bytes, Some(70 << 20));
        assert_eq!(r.within_memory_goal, Some(false));
        assert!((r.real_time_factor - 20.0).abs() < 1e-12);
        assert!((r.total_tone_samples_per_s - 5e6).abs() < 1e-6);
        let ok = WorkloadResult::fold(&[run(0.1, 164 << 20)]).unwrap();
        assert_eq!(ok.within_memory_goal, Some(true));
        assert!(WorkloadResult::fold(&[]).is_none());
    }
}
