//! One measurement: compile a workload once in this process (resolve, quantise,
//! phases, render through the config's synthesis plugin) and take the figures,
//! the process's peak resident memory included. `awgsf bench` runs each
//! measurement in a fresh child process so that every peak belongs to one workload.

use serde::{Deserialize, Serialize};

use awgsf_core::config::{Config, PluginRef};
use awgsf_core::error::Result;
use awgsf_core::session::{peak_rss_bytes, Session};

use super::workload;

/// Synthesis overrides given on the command line.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Overrides {
    /// Synthesis plugin (name, or a path to a library) replacing the config's, with
    /// no fallbacks.
    pub backend: Option<String>,
    /// `threads` setting of the `cpu-simd` synthesis plugin.
    pub threads: Option<u32>,
}

impl Overrides {
    /// Applies the overrides to a config.
    pub fn apply(&self, config: &mut Config) {
        if let Some(b) = &self.backend {
            config.synthesis.backend = if b.contains(['/', '\\']) {
                PluginRef::Path(b.into())
            } else {
                PluginRef::Name(b.clone())
            };
            config.synthesis.fallbacks.clear();
        }
        if let Some(n) = self.threads {
            config
                .synthesis
                .settings_mut("cpu-simd")
                .insert("threads".into(), serde_json::Value::from(n));
        }
    }
}

/// Figures of one compilation of one workload.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Measurement {
    /// Workload name.
    pub workload: String,
    /// Where its program came from.
    pub source: String,
    /// Synthesis plugin that rendered, with its version.
    pub backend: String,
    /// What it rendered on.
    pub device: String,
    /// Its worker threads (CPU) or multiprocessors (GPU).
    pub threads: u32,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Wall time of resolve, seconds.
    pub resolve_s: f64,
    /// Wall time of quantise, seconds.
    pub quantize_s: f64,
    /// Wall time of phases and lowering to render plans, seconds.
    pub phases_s: f64,
    /// Wall time of rendering (output buffers allocated and filled), seconds.
    pub render_s: f64,
    /// Sum of the four stages, seconds.
    pub compile_s: f64,
    /// Duration of the rendered segments, each once, seconds.
    pub duration_s: f64,
    /// Samples × tones over every rendered segment and channel.
    pub tone_samples: u64,
    /// Bytes of card data produced.
    pub output_bytes: u64,
    /// Resident memory before compiling (plugins loaded, program read), bytes.
    pub baseline_rss_bytes: Option<u64>,
    /// Peak resident memory of the process, bytes.
    pub peak_rss_bytes: Option<u64>,
}

impl Measurement {
    /// Rendered tone-samples per second of render time.
    pub fn render_rate(&self) -> f64 {
        self.tone_samples as f64 / self.render_s.max(1e-12)
    }

    /// Rendered tone-samples per second of compile time (all stages).
    pub fn total_rate(&self) -> f64 {
        self.tone_samples as f64 / self.compile_s.max(1e-12)
    }

    /// Compile time over program duration: below 1 compiles faster than it plays.
    pub fn real_time_factor(&self) -> f64 {
        self.compile_s / self.duration_s.max(1e-12)
    }
}

/// Current resident memory of this process, bytes (Linux), if known.
fn current_rss_bytes() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kb: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb * 1024)
}

/// Opens the config's plugins, compiles `workload` once and returns its figures.
/// Run it in a process of its own: the peak memory is the process's.
pub fn measure(config: Config, workload: &str) -> Result<Measurement> {
    let loaded = workload::program(workload)?;
    let session = Session::open(config)?;
    let baseline_rss_bytes = current_rss_bytes();
    let (planned, samples) = session.compile(&loaded)?;
    let output_bytes = samples
        .iter()
        .map(|s| s.codes.len() as u64 * 2)
        .sum::<u64>();
    let peak = peak_rss_bytes();
    drop(samples);
    let t = planned.timings;
    let fs = planned.quantized.sample_rate_hz;
    let info = &session.synth.info;
    let m = Measurement {
        workload: workload.to_string(),
        source: loaded.source.clone(),
        backend: format!("{} {}", info.name, info.version),
        device: info.device.to_string(),
        threads: info.parallelism,
        sample_rate_hz: fs,
        resolve_s: t.resolve_s,
        quantize_s: t.quantize_s,
        phases_s: t.lower_s,
        render_s: t.render_s,
        compile_s: t.compile_s(),
        duration_s: planned.samples() as f64 / fs,
        tone_samples: planned.tone_samples(),
        output_bytes,
        baseline_rss_bytes,
        peak_rss_bytes: peak,
    };
    session.close()?;
    Ok(m)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn overrides_replace_the_backend_and_set_threads() {
        let mut c = Config::default();
        c.synthesis
            .fallbacks
            .push(PluginRef::Name("cpu-simd".into()));
        Overrides {
            backend: Some("cuda".into()),
            threads: Some(2),
        }
        .apply(&mut c);
        assert_eq!(c.synthesis.backend, PluginRef::Name("cuda".into()));
        assert!(c.synthesis.fallbacks.is_empty());
        assert_eq!(c.synthesis.settings_json("cpu-simd"), r#"{"threads":2}"#);
        assert_eq!(c.synthesis.settings_json("cuda"), "{}");
        let mut c = Config::default();
        Overrides {
            backend: Some("./lib/libawgsf_cpu_simd.so".into()),
            threads: None,
        }
        .apply(&mut c);
        assert!(matches!(c.synthesis.backend, PluginRef::Path(_)));
    }

    #[test]
    fn rates_follow_the_figures() {
        let m = Measurement {
            workload: "w".into(),
            source: "s".into(),
            backend: "b".into(),
            device: "d".into(),
            threads: 2,
            sample_rate_hz: 625e6,
            resolve_s: 0.0,
            quantize_s: 0.0,
            phases_s: 1.0,
            render_s: 1.0,
            compile_s: 2.0,
            duration_s: 0.5,
            tone_samples: 4_000_000_000,
            output_bytes: 0,
            baseline_rss_bytes: None,
            peak_rss_bytes: None,
        };
        assert_eq!(m.render_rate(), 4e9);
        assert_eq!(m.total_rate(), 2e9);
        assert_eq!(m.real_time_factor(), 4.0);
    }
}
