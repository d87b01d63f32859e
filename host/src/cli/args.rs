//! Command-line arguments (clap).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

/// A finite number greater than zero (sample rates, millivolts, seconds).
fn positive(text: &str) -> Result<f64, String> {
    match text.trim().parse::<f64>() {
        Ok(x) if x.is_finite() && x > 0.0 => Ok(x),
        Ok(_) => Err(format!("expected a finite number > 0, found `{text}`")),
        Err(e) => Err(format!(
            "expected a finite number > 0, found `{text}` ({e})"
        )),
    }
}

/// AWG Segment Factory: compiles multi-tone RF programs for AWG sequence replay.
#[derive(Debug, Parser)]
#[command(name = "awgsf", version, about)]
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
    /// Compile a program to files (segments as .npy, steps, manifest) through file-sink.
    Compile(CompileArgs),
    /// List the plugins found, their role, version and whether they can run here.
    Plugins(PluginsArgs),
    /// Config commands.
    #[command(subcommand)]
    Config(ConfigCommand),
    /// Check a real card end to end: upload, start, trigger, status, read back.
    Smoke(SmokeArgs),
    /// Calibration commands.
    #[command(subcommand)]
    Calib(CalibCommand),
    /// Draw a picture (PNG or SVG) of a program, its samples, or a calibration.
    Plot(PlotArgs),
    /// Compare two synthesis backends sample by sample (golden cases, presets and
    /// random programs).
    CheckBackends(CheckBackendsArgs),
    /// Run the hardware conformance suite on a card plugin: call order, limits,
    /// refusals and their error kinds, playback, hot swap, read-back, close.
    CheckPlugin(CheckPluginArgs),
    /// Play a program with a move segment, then rearrange: atoms of an occupancy onto
    /// the target sites, only the move rewritten (phase-closed) while the card plays.
    Rearrange(RearrangeArgs),
}

/// `awgsf rearrange`.
#[derive(Debug, Args)]
pub struct RearrangeArgs {
    /// The program (with a move segment: one `remap_from_def` after the loading segment).
    #[command(flatten)]
    pub program: ProgramArg,
    /// The config.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Which loading tweezers hold an atom: one `0`/`1` per loading tone (`_`,
    /// spaces and commas are ignored), or a file holding that text.
    #[arg(long, value_name = "BITS|FILE")]
    pub occupancy: String,
    /// Which tones of the target definition to fill (same forms); by default those
    /// the program's move fills, the only set reachable without recompiling what
    /// follows.
    #[arg(long, value_name = "BITS|FILE")]
    pub target: Option<String>,
    /// The move segment (default: the program's only one).
    #[arg(long, value_name = "NAME")]
    pub segment: Option<String>,
    /// Largest frequency excursion for closing a phase, Hz (default 1 / move time,
    /// which closes every phase).
    #[arg(long, value_name = "HZ", value_parser = positive)]
    pub max_correction_hz: Option<f64>,
    /// Print JSON instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf check-plugin`.
#[derive(Debug, Args)]
pub struct CheckPluginArgs {
    /// The plugin: a path to its library, or a plugin name searched like a config's.
    pub plugin: String,
    /// The settings the plugin is opened with (a JSON object, as a config's
    /// `[hardware.settings]` would give).
    #[arg(long, default_value = "{}", value_name = "JSON")]
    pub settings: String,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf check-backends`.
#[derive(Debug, Args)]
pub struct CheckBackendsArgs {
    /// The config (card limits, setup, settings passed to both backends).
    #[command(flatten)]
    pub config: ConfigArg,
    /// First backend (name or path).
    #[arg(long, default_value = "cpu-simd")]
    pub a: String,
    /// Second backend (name or path).
    #[arg(long)]
    pub b: String,
    /// Random programs to compare besides the presets.
    #[arg(long, default_value_t = 100)]
    pub random: u64,
    /// Seed of the random programs.
    #[arg(long, default_value_t = 1)]
    pub seed: u64,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// Picture kinds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum PlotKind {
    /// Frequency and amplitude of every tone against time, segments marked.
    Timeline,
    /// Compiled samples of chosen segments (or the played stream), boundaries marked.
    Samples,
    /// Spectrogram of a window of one channel.
    Spectrogram,
    /// The crossed-AOD spot grid at one instant.
    Grid,
    /// Calibration data against fitted models.
    Calibration,
}

/// `awgsf plot`.
#[derive(Debug, Args)]
pub struct PlotArgs {
    /// What to draw.
    #[arg(value_enum)]
    pub kind: PlotKind,
    /// Program file or preset name (all kinds but `calibration`).
    #[arg(value_name = "PROGRAM")]
    pub program: Option<String>,
    /// A preset instead of a program file.
    #[arg(long, value_name = "NAME", conflicts_with = "program")]
    pub preset: Option<String>,
    /// Output file: .png or .svg.
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
    /// Replace an existing output file.
    #[arg(long)]
    pub overwrite: bool,
    /// The config (synthesis backend, card, setup) used to compile.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Picture size in pixels, WIDTHxHEIGHT.
    #[arg(long, default_value = "1400x900", value_name = "WxH")]
    pub size: String,
    /// Title (default: derived from the input).
    #[arg(long)]
    pub title: Option<String>,
    /// Segments to show: NAME, or FIRST..LAST by name or index (timeline, samples,
    /// spectrogram); default all.
    #[arg(long, value_name = "SEL")]
    pub segments: Option<String>,
    /// Timeline: equal width per segment, so short waits stay visible.
    #[arg(long)]
    pub equal_widths: bool,
    /// Samples/spectrogram: the stream the card played (needs a card with a playback
    /// trace and memory read-back, e.g. the simulator) instead of each segment once.
    #[arg(long)]
    pub played: bool,
    /// Samples/spectrogram: window START..END in samples of the shown stream.
    #[arg(long, value_name = "START..END")]
    pub window: Option<String>,
    /// Samples: show millivolts instead of card codes.
    #[arg(long)]
    pub mv: bool,
    /// Spectrogram: output channel (column) to analyse.
    #[arg(long, default_value_t = 0)]
    pub channel: usize,
    /// Spectrogram: FFT length.
    #[arg(long)]
    pub fft_len: Option<usize>,
    /// Spectrogram: dynamic range shown, dB.
    #[arg(long, default_value_t = 80.0)]
    pub dynamic_range: f64,
    /// Grid: the instant, SEGMENT or SEGMENT@SAMPLE (default: start of the first
    /// segment with tones on both channels).
    #[arg(long, value_name = "SEGMENT[@SAMPLE]")]
    pub at: Option<String>,
    /// Grid: the two logical channels (H and V).
    #[arg(long, default_value = "H,V", value_name = "H,V")]
    pub axes: String,
    /// Calibration: measured data file (DE JSON, .awgde or CSV).
    #[arg(long, value_name = "FILE")]
    pub data: Option<PathBuf>,
    /// Calibration: fitted setup or calibration file (drawn as "fit").
    #[arg(long, value_name = "FILE")]
    pub fit: Option<PathBuf>,
    /// Calibration: a second fit drawn beside it (e.g. the reference library's).
    #[arg(long, value_name = "FILE")]
    pub reference: Option<PathBuf>,
    /// Calibration: hardware channel of the fit files.
    #[arg(long = "hw-channel", default_value_t = 0)]
    pub hw_channel: u32,
}

/// `awgsf config ...`.
#[derive(Debug, Subcommand)]
pub enum ConfigCommand {
    /// Validate a config, check it against the card and print the derived figures
    /// (quantisation, memory per segment, trigger latency of each wait step).
    Check(ConfigCheckArgs),
}

/// `awgsf config check`.
#[derive(Debug, Args)]
pub struct ConfigCheckArgs {
    /// The config.
    #[command(flatten)]
    pub config: ConfigArg,
    /// A program whose memory and trigger latency to compute (optional).
    #[arg(value_name = "PROGRAM")]
    pub program: Option<String>,
    /// A preset instead of a program file.
    #[arg(long, value_name = "NAME", conflicts_with = "program")]
    pub preset: Option<String>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf compile`.
#[derive(Debug, Args)]
pub struct CompileArgs {
    /// The program.
    #[command(flatten)]
    pub program: ProgramArg,
    /// Output directory, written atomically (default: the config's `[output] dir`).
    #[arg(long, value_name = "DIR")]
    pub out: Option<PathBuf>,
    /// The config (synthesis, card settings, setup); its hardware backend is replaced
    /// by file-sink.
    #[command(flatten)]
    pub config: ConfigArg,
    /// Physical-setup JSON (channel map and calibrations); enables channels 0..N.
    #[arg(long, value_name = "FILE")]
    pub setup: Option<PathBuf>,
    /// Sample rate, Hz.
    #[arg(long, value_name = "HZ", value_parser = positive)]
    pub sample_rate: Option<f64>,
    /// Millivolts that map to full scale.
    #[arg(long, value_name = "MV", value_parser = positive)]
    pub full_scale_mv: Option<f64>,
    /// Card code of full scale (1 to 32767).
    #[arg(long, value_name = "N", value_parser = clap::value_parser!(i32).range(1..=32767))]
    pub full_scale: Option<i32>,
    /// Loop quantum, seconds.
    #[arg(long, value_name = "S", value_parser = positive)]
    pub quantum: Option<f64>,
    /// Also write the synthesised millivolts (f32 .npy, same layout) to this directory.
    #[arg(long, value_name = "DIR")]
    pub mv_out: Option<PathBuf>,
    /// Replace existing output directories (also when the config's `[output]
    /// overwrite` is true).
    #[arg(long)]
    pub overwrite: bool,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf plugins`.
#[derive(Debug, Args)]
pub struct PluginsArgs {
    /// The config (its plugin_dirs, and the settings its backends are probed with).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf smoke`.
#[derive(Debug, Args)]
pub struct SmokeArgs {
    /// The rig's config (one file per rig).
    #[command(flatten)]
    pub config: ConfigArg,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
}

/// `awgsf calib ...`.
#[derive(Debug, Subcommand)]
pub enum CalibCommand {
    /// Fit sin² calibrations to measured data, one file per hardware channel.
    Fit(CalibFitArgs),
}

/// `awgsf calib fit`.
#[derive(Debug, Args)]
pub struct CalibFitArgs {
    /// Measured data, one file per hardware channel (file i is channel i).
    #[arg(required = true, value_name = "FILE")]
    pub files: Vec<PathBuf>,
    /// Input format.
    #[arg(long, default_value = "auto", value_name = "auto|de-json|awgde|csv")]
    pub format: String,
    /// Logical channel of a hardware channel, NAME=INDEX (repeatable).
    #[arg(long = "map", value_name = "NAME=INDEX")]
    pub map: Vec<String>,
    /// Traceability string per file (repeatable, in file order).
    #[arg(long = "trace", value_name = "TEXT")]
    pub trace: Vec<String>,
    /// Degree of the g(f) polynomial.
    #[arg(long, default_value_t = 6)]
    pub degree_g: usize,
    /// Degree of the v0(f) polynomial.
    #[arg(long, default_value_t = 6)]
    pub degree_v0: usize,
    /// Frequency unit of CSV files without one in the header.
    #[arg(long, value_name = "Hz|kHz|MHz")]
    pub csv_freq_unit: Option<String>,
    /// RF amplitude above which the report warns, mV.
    #[arg(long, default_value_t = 100.0)]
    pub rf_warn_mv: f64,
    /// RF amplitude above which the report says critical, mV.
    #[arg(long, default_value_t = 200.0)]
    pub rf_critical_mv: f64,
    /// Write the physical-setup JSON here.
    #[arg(long, value_name = "SETUP.json")]
    pub write_out: Option<PathBuf>,
    /// Print JSON.
    #[arg(long)]
    pub json: bool,
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
#[command(after_help = crate::report::run::COLUMNS_HELP)]
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
    /// Jumps above this fraction of full scale are reported (a finite number > 0).
    #[arg(long, default_value_t = awgsf_core::verify::DEFAULT_THRESHOLD, value_name = "FRACTION",
          value_parser = positive)]
    pub glitch_threshold: f64,
    /// Exit 0 even when unrequested discontinuities are found.
    #[arg(long)]
    pub allow_glitches: bool,
    /// List every discontinuity, also those the program asked for (counted per
    /// cause otherwise).
    #[arg(long)]
    pub details: bool,
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
    /// Card-ready lengths and snapped frequencies (also spelled `quantised`).
    #[value(alias = "quantised")]
    Quantized,
}

/// `awgsf inspect`.
#[derive(Debug, Args)]
pub struct InspectArgs {
    /// The program.
    #[command(flatten)]
    pub program: ProgramArg,
    /// Sample rate, Hz.
    #[arg(long, default_value_t = 625e6, value_name = "HZ", value_parser = positive)]
    pub sample_rate: f64,
    /// Stage to show.
    #[arg(long, value_enum, default_value_t = Stage::Quantized)]
    pub stage: Stage,
    /// Enabled card channels (the minimum segment depends on it); default: the
    /// program's logical channel count rounded up to 1, 2 or 4.
    #[arg(long, value_name = "N")]
    pub channels: Option<u32>,
    /// Loop quantum, seconds.
    #[arg(long, default_value_t = 40e-6, value_name = "S", value_parser = positive)]
    pub quantum: f64,
    /// Segment step of the card, samples.
    #[arg(long, default_value_t = 32, value_name = "N")]
    pub step: u64,
    /// Compile with the config's machine (limits from its card, synthesis backend)
    /// and add crest factor, peak and clipping per segment and channel.
    #[arg(long)]
    pub render: bool,
    /// Also list every tone of every part: start and end frequency (Hz) with the
    /// shift quantisation made (wrap snapping), amplitude and phase, per channel
    /// (`--json` always has them).
    #[arg(long)]
    pub tones: bool,
    /// The config used by --render.
    #[command(flatten)]
    pub config: ConfigArg,
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
    /// Worker threads of the `cpu-simd` synthesis plugin (its `threads` setting; 0 = all cores).
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
    /// Rearrangements the `rearrange` workload times.
    #[arg(long, default_value_t = 200, value_name = "N",
          value_parser = clap::value_parser!(u32).range(1..))]
    pub rearrangements: u32,
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
