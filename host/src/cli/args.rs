//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

const EXIT_CODES: &str = "\
Exit codes: 0 ok · 2 usage · 3 program · 4 config · 5 plugin · 6 card · 7 synthesis · \
8 file i/o · 9 calibration · 10 verification (unrequested discontinuities) · 1 internal";

/// AWG Segment Factory: compiles multi-tone RF programs for AWG sequence replay.
#[derive(Debug, Parser)]
#[command(name = "awgsf", version, about, after_help = EXIT_CODES)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// Subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what each stage makes of a program (no plugins needed).
    Inspect(InspectArgs),
    /// List the built-in preset programs.
    Presets(PresetsArgs),
    /// Convert a program between TOML and the reference JSON layout.
    Convert(ConvertArgs),
    /// The main job: compile a program and play it on the config's card.
    Run(RunArgs),
    /// Measure compile speed and memory of benchmark workloads.
    Bench(BenchArgs),
    /// Measure one workload once and print the figures as JSON (used by `bench`,
    /// which runs each measurement in a process of its own).
    #[command(name = "bench-worker", hide = true)]
    BenchWorker(BenchWorkerArgs),
}

/// Which config to use.
#[derive(Debug, Clone, Args)]
pub struct ConfigArg {
    /// Lab-machine config (default: $AWGSF_CONFIG, else ./configs/default.toml, else
    /// built-in defaults: cpu-simd + simulator).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

/// `awgsf run`.
#[derive(Debug, Args)]
pub struct RunArgs {
    /// The program.
    #[command(flatten)]
    pub program: ProgramArg,
    /// The config.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Force a trigger right after start.
    #[arg(long)]
    pub force_trigger: bool,
    /// Skip the continuity verification.
    #[arg(long)]
    pub no_verify: bool,
    /// Jumps above this fraction of full scale are reported.
    #[arg(long, default_value_t = crate::verify::DEFAULT_THRESHOLD, value_name = "FRACTION")]
    pub glitch_threshold: f64,
    /// Exit 0 even when unrequested discontinuities are found.
    #[arg(long)]
    pub allow_glitches: bool,
    /// Keep running: recompile and hot-swap when the program file changes.
    #[arg(long)]
    pub watch: bool,
    /// Print JSON instead of the summary.
    #[arg(long)]
    pub json: bool,
}

/// A program given as a file or a preset.
#[derive(Debug, Clone, Args)]
pub struct ProgramArg {
    /// Program file (.toml or .json) or preset name.
    #[arg(
        value_name = "PROGRAM",
        required_unless_present = "preset",
        conflicts_with = "preset"
    )]
    pub program: Option<String>,
    /// A built-in preset (see `awgsf presets`).
    #[arg(long, value_name = "NAME")]
    pub preset: Option<String>,
}

impl ProgramArg {
    /// The program spec for `load_program`.
    pub fn spec(&self) -> String {
        match (&self.preset, &self.program) {
            (Some(p), _) => format!("preset:{p}"),
            (None, Some(p)) => p.clone(),
            (None, None) => String::new(),
        }
    }
}

/// Stage shown by `inspect`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Stage {
    /// The program as written.
    Intent,
    /// Integer samples per part.
    Resolved,
    /// Card-ready lengths and snapped frequencies.
    Quantized,
}

/// `awgsf inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The program.
    #[command(flatten)]
    pub program: ProgramArg,
    /// Sample rate, Hz.
    #[arg(long, default_value_t = 625e6, value_name = "HZ")]
    pub sample_rate: f64,
    /// Stage to show.
    #[arg(long, value_enum, default_value_t = Stage::Quantized)]
    pub stage: Stage,
    /// Enabled card channels (the minimum segment depends on it); default: the
    /// program's logical channel count rounded up to 1, 2 or 4.
    #[arg(long, value_name = "N")]
    pub channels: Option<u32>,
    /// Loop quantum, seconds.
    #[arg(long, default_value_t = 40e-6, value_name = "S")]
    pub quantum: f64,
    /// Segment step of the card, samples.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub step: u64,
    /// Print JSON instead of a table.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf presets`.
#[derive(Debug, Args)]
pub struct PresetsArgs {
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
    /// Print this preset's TOML text instead of the list.
    #[arg(long, value_name = "NAME")]
    pub show: Option<String>,
}

/// `awgsf convert`.
#[derive(Debug, Args)]
pub struct ConvertArgs {
    /// Input program (.toml, .json or preset name).
    pub input: String,
    /// Output file; its extension (.toml or .json) chooses the format.
    pub output: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub overwrite: bool,
}

/// Synthesis overrides of `bench` and `bench-worker`.
#[derive(Debug, Clone, Args)]
pub struct SynthesisOverrideArgs {
    /// Synthesis plugin to measure (name, or path to its library) instead of the
    /// config's; no fallbacks.
    #[arg(long, value_name = "NAME")]
    pub backend: Option<String>,
    /// Worker threads of the synthesis plugin (its `threads` setting; 0 = all cores).
    #[arg(long, value_name = "N")]
    pub threads: Option<u32>,
}

/// `awgsf bench`.
#[derive(Debug, Args)]
#[command(after_help = "\
Workloads: mol_exp (recreate_mol_exp), spec_analyser (spec_analyser_test: one 100 ms \
chirp), large (2 x 100 tones, 10 ms), huge (2 x 1000 tones, 10 ms, built in code), any \
preset name, or a program file. Default: mol_exp,spec_analyser,large,huge. Each run \
compiles (resolve, quantise, phases, render; no upload) in a fresh process, so its peak \
memory is its own.")]
pub struct BenchArgs {
    /// The config (its synthesis plugin, card settings and phase effort are used).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Workloads to measure, comma-separated.
    #[arg(long, value_name = "NAME,...", value_delimiter = ',')]
    pub workload: Vec<String>,
    /// Synthesis overrides.
    #[command(flatten)]
    pub synthesis: SynthesisOverrideArgs,
    /// Measurements per workload (the median is reported).
    #[arg(long, default_value_t = 3, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub repeat: u32,
    /// Print JSON instead of the table.
    #[arg(long)]
    pub json: bool,
    /// Append the results to this CSV log (created with a header when missing).
    #[arg(long, value_name = "FILE")]
    pub csv: Option<PathBuf>,
}

/// `awgsf bench-worker` (hidden).
#[derive(Debug, Args)]
pub struct BenchWorkerArgs {
    /// The config.
    #[command(flatten)]
    pub config: ConfigArg,
    /// The workload.
    #[arg(long, value_name = "NAME")]
    pub workload: String,
    /// Synthesis overrides.
    #[command(flatten)]
    pub synthesis: SynthesisOverrideArgs,
}
