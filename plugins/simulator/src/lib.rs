//! `simulator`: an emulated Spectrum M4i.66xx-class generator in sequence-replay
//! mode. It rejects what the card rejects, plays the step graph with loops and
//! triggers on a virtual sample clock, and reports exactly what came out
//! ([`PlaybackTrace`](awgsf_plugin_api::PlaybackTrace), and optionally `played.npy`
//! and `trace.json`).
//!
//! # Settings (`[hardware.settings]`, a JSON object)
//!
//! ```toml
//! [hardware]
//! backend = "simulator"
//! [hardware.settings]
//! play_s = 0.02                 # record 20 ms after each start
//! triggers = ["force", 0.001]   # first wait step: at once; then an edge at 1 ms
//! output_dir = "out/sim"        # played.npy + trace.json
//! ```
//!
//! Unknown keys (with the closest known key) and wrong types are errors that name
//! the key and the expected type; `null` means the default. Whole-number keys also
//! accept floats without a fraction (`1e8`).
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `model` | string | `"Simulated M4i.6622-x8"` | model reported by `describe()` |
//! | `serial` | string | `"emulated card (awgsf-simulator)"` | serial reported by `describe()` |
//! | `max_channels` | integer 1..64 | `2` | output channels installed |
//! | `channel_counts` | array of integers | `[1, 2, 4]` up to `max_channels` (`[1, 2]`) | numbers of enabled channels accepted |
//! | `min_segment_samples` | table `"count" = samples` | `384 / count` (`{"1": 384, "2": 192, "4": 96}`) | minimum segment length per channel count; entries override the default |
//! | `min_sample_rate_hz` | number > 0 | `50e6` | lowest sample rate |
//! | `max_sample_rate_hz` | number > 0 | `1.25e9` | highest sample rate |
//! | `full_scale_code` | integer 1..32767 | `32767` | card code of full scale |
//! | `min_amplitude_mv` | number > 0 | `80` | lowest output amplitude |
//! | `max_amplitude_mv` | number > 0 | `2500` | highest output amplitude |
//! | `memory_bytes` | integer ≥ 1 | `2147483648` (2 GiB) | installed sample memory |
//! | `step_samples` | integer 1..2^20 | `32` | segment length granularity |
//! | `max_segments` | power of two 1..65536 | `65536` | segment slots (`AVAILMAXSEGMENT`) |
//! | `max_steps` | integer 1..65536 | `8192` | sequence steps (`STEPMEM0..STEPMEM8191`) |
//! | `max_loops` | integer 1..1048575 | `1048575` (2^20 - 1) | loops per step (`AVAILMAXLOOP`) |
//! | `features` | array of names | all: `hot-swap`, `playback-trace`, `memory-readback`, `software-trigger`, `external-trigger`, `sequence-replay` | features reported and honoured; a left-out feature makes its calls fail with `UNSUPPORTED` (`playback()` returns `None`) |
//! | `max_trigger_level_mv` | number > 0 | `10000` | largest external trigger level magnitude |
//! | `max_trigger_delay_samples` | integer | `8589934560` (2^33 - 32) | largest trigger delay |
//! | `min_reference_hz` | number > 0 | `10e6` | lowest external reference clock |
//! | `max_reference_hz` | number > 0 | `1.25e9` | highest external reference clock |
//! | `play_s` | number ≥ 0 | `0.01` | length of the recording after each `start()`, seconds |
//! | `triggers` | array of seconds ≥ 0 or `"force"` | `[]` | trigger schedule (below) |
//! | `max_play_samples` | integer | `67108864` (2^26) | cap on `play_s × sample rate`; `configure` fails beyond it |
//! | `output_dir` | string | none | directory for `played.npy` and `trace.json` (relative paths: to the working directory) |
//! | `write_stream` | boolean | `true` | write `played.npy` (with `output_dir`); `false` writes only the trace and keeps no stream in memory |
//!
//! `max_segments = 65536` is what `SPC_SEQMODE_AVAILMAXSEGMENT` reports for an M4i.66xx
//! (64 Ki segments; the 16-bit segment field of the step word addresses no more).
//! The trigger-level, trigger-delay and reference-clock ranges are sanity limits of
//! the emulation; set them to a specific card's data-sheet values where that matters.
//!
//! # What the card enforces
//!
//! * `configure`: sample rate and amplitudes within range, an accepted number of
//!   enabled channels, indices below `max_channels` in ascending order, the trigger
//!   source available, level and delay within range, a reference frequency only with
//!   the external-reference clock and within range, and a recording window within
//!   `max_play_samples`. Not while running. A change of the number of enabled
//!   channels discards the uploaded program (memory layout changes).
//! * `upload` (card stopped): data of every segment has the enabled channel count and
//!   `n_samples × channels` codes; lengths are multiples of `step_samples` and at
//!   least the minimum for the channel count; slots = next power of two ≥ segment
//!   count, at most `max_segments`; memory is shared equally among slots
//!   (`memory_bytes / slots / (2 bytes × channels)` samples each) and every segment
//!   fits its slot; at most `max_steps` steps; loops in `1..=max_loops`; step,
//!   segment, next-step and start-step indices exist. Everything is checked before
//!   anything is written: a rejected upload leaves the previous program in place.
//! * `update_segment` (also while running): only an existing segment, same length
//!   and channel count. Program structure changes only with a full upload.
//!
//! # Playback
//!
//! Step `i` plays its segment `loops` times, then step `next`; an
//! [`OnTrigger`](awgsf_plugin_api::StepEnd::OnTrigger) (wait) step repeats its segment
//! until a trigger has arrived and then finishes the repetition in progress (with
//! `loops = n > 1`, the block of `n` repetitions in progress); an
//! [`EndOfSequence`](awgsf_plugin_api::StepEnd::EndOfSequence) step stops the card
//! after its loops. Playback starts at the start step at `start()`, sample 0.
//!
//! Triggers. A trigger acts at the sample it is seen: arrival plus the card's
//! `trigger.delay_samples`. A trigger seen while a wait step plays ends that step
//! (after the repetition containing the sample); any other trigger is **ignored** and
//! reported as such (in `trace.json`, with the reason, and in
//! `PlaybackTrace::triggers`, which lists every trigger the card saw). Sources:
//! * `start(true)` forces a trigger at sample 0; `force_trigger()` forces one at the
//!   current position (below). Both work with any trigger source.
//! * `triggers` (the schedule), taken in list order, each entry no earlier than the
//!   one before: a number `t` is an external edge at `t` seconds after start (at the
//!   previous entry's arrival if that was later); it reaches the card only with the
//!   `ext0`/`ext1` source (with `software` it is reported as not routed). `"force"`
//!   arrives as soon as an untriggered wait step is playing, at or after the sample
//!   where the previous entry was seen. Entries not reached within the window are
//!   listed as `unreached_schedule`.
//!
//! Time. Simulated time is a sample clock, not the wall clock. The card runs ahead
//! on its own while anything but the host can still happen, and pauses for the host
//! only while it repeats a wait step that nothing left (schedule, pending triggers)
//! will end inside the window. Host calls land at that point: during the wait
//! step's repetition in progress. `stop()` and `close()` let the card play to the end
//! of the window without further host input (the schedule still applies) and then
//! stop it; the recording ends after `play_s` or at the end of the sequence.
//!
//! Hot swap. An update lands at the current position: instances that started at or
//! before it play the old data, instances that start later the new data. An instance
//! is never a mix.
//!
//! The trace and files. `playback()` lists every instance (start sample, step,
//! segment, repetition, samples; the last may be cut by the window end), the
//! triggers seen and the files written. The trace costs memory proportional to the
//! number of instances; the played stream is kept only when `output_dir` and
//! `write_stream` ask for it (bounded by `max_play_samples`). Files are written when
//! the run ends (`stop()`, `close()` or the end of the sequence), each through a
//! temporary file renamed into place: `played.npy` (int16, shape
//! `(n_channels, n_samples)`, Fortran order: the data bytes are the card's
//! interleaved order) and `trace.json` (instances with the data version each played,
//! triggers with outcome, hot swaps, unreached schedule entries, program structure,
//! card settings and simulator settings). Each run replaces the previous run's files.

mod backend;
mod card_info;
mod configure;
mod output;
mod player;
mod program;
mod settings;
mod trace_file;

pub use backend::Simulator;
pub use output::{STREAM_FILE, TRACE_FILE};
pub use settings::{SimSettings, TriggerEntry, BYTES_PER_SAMPLE, FEATURE_NAMES, KEYS};
pub use trace_file::TRACE_FORMAT;

use awgsf_plugin_api::{PluginInfo, PluginResult, PluginRole, Probe};

/// Name of the plugin in configs.
pub const PLUGIN_NAME: &str = "simulator";

fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        PLUGIN_NAME,
        env!("CARGO_PKG_VERSION"),
        PluginRole::Hardware,
        "emulated M4i.66xx-class sequence-replay card: validates like the card, plays the \
         step graph, reports what it played",
    )
}

fn probe(settings: &str) -> Probe {
    match SimSettings::parse(settings) {
        Ok(s) => Probe::available(s.model, "emulated card, always available".to_string()),
        Err(e) => Probe::unavailable(e.message),
    }
}

awgsf_plugin_api::export_hardware_plugin! {
    info: plugin_info,
    probe: probe,
    open: |settings: &str| -> PluginResult<Simulator> { Simulator::open(settings) },
}
