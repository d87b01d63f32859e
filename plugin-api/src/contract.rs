//! What the host guarantees before it calls a plugin, and what a plugin must
//! check all the same.
//!
//! # The rule
//!
//! The `awgsf` host checks everything it can *before* it calls a plugin, against
//! what the plugin itself reported ([`CardInfo`] from `describe`), so that a user
//! gets an error located in the config or program file, and so that nothing is
//! rendered or written for a program that cannot play. A plugin may rely on those
//! checks for **what it does well**, never for **what it does safely**: every
//! precondition whose breach would write out of bounds, put a wrong value into a
//! register, or leave the card half-configured is checked again by the plugin,
//! which refuses with an error naming the item ([`PluginError`], kind
//! `INVALID_INPUT`, `LIMIT_EXCEEDED`, `INVALID_STATE` or `UNSUPPORTED`). The reasons:
//!
//! * the host is not the only caller: `awgsf check-plugin` runs the conformance
//!   suite (`awgsf-test-kit`), which makes wrong calls on purpose (upload before
//!   configure, a channel count the card does not accept, loop counts beyond the
//!   step word) and expects refusals of the right kind; tests call backends
//!   in-process;
//! * a plugin may be loaded by a newer host than it was built with;
//! * the re-checks cost next to nothing: they look at counts and indices, never at
//!   every sample.
//!
//! The plugin API gives the shared checks once, so that host and plugins agree:
//! [`UploadProgram::check`] and [`SegmentData::check`] against a [`CardInfo`],
//! [`Step::checked_spectrum_word`], and [`settings::parse`](crate::settings::parse)
//! for plugin settings. For render plans, `awgsf-math` (the closed-form math shared
//! by the host and the renderers) has `validate_segment` and `validate_job`.
//!
//! # Every plugin
//!
//! Guaranteed by the host:
//!
//! * the library passed abi_stable's layout check and the API version check before
//!   anything else is called; `info` is called first;
//! * `probe` and `open` get the JSON object text of the plugin's **own** settings
//!   table (`[hardware.settings]`, or `[synthesis.settings.<name>]` for the
//!   synthesis backend and each fallback), never another plugin's; an empty string
//!   when the config has none. TOML values arrive as written: `1e8` is a float.
//! * every call runs inside the panic guard of the export macros, so a panic
//!   becomes a `PANIC` error instead of aborting the host.
//!
//! The plugin checks: its settings, all of them (unknown keys, types, ranges);
//! the host does not look inside the table.
//!
//! # Synthesis backends: `render`
//!
//! Guaranteed by the host, for plans it built (`docs/semantics.md` §7):
//!
//! * every [`SegmentPlan`] is well formed: `sample_rate_hz` finite and > 0; each
//!   channel's parts are back to back from 0 and cover `n_samples` exactly (or the
//!   channel has no parts and outputs zeros), each part at least 1 sample; tone
//!   values finite, `|frequency|` below `sample_rate_hz / 2`, `phase0_rad` in
//!   `[0, 2 pi)`; frequencies change only in parts whose kind moves them; an
//!   [`OutputScale`] with `full_scale_mv > 0`, `full_scale` at most the card's
//!   full-scale code, `clip` in `(0, 1]`; calibration coefficients finite, as read
//!   from the setup file;
//! * every [`RenderJob`]: `start_sample + count <= n_samples`, an output of exactly
//!   `count * channels` values, `stats` with one zeroed entry per channel; the jobs
//!   of one call write disjoint buffers;
//! * a segment is rendered in ranges of up to 2^21 samples, split wherever the host
//!   likes; int16 output for the card, one whole-segment millivolt job per segment
//!   for `compile --mv-out`;
//! * one `render` call at a time.
//!
//! Not guaranteed, so the backend checks:
//!
//! * the plan and job shape, before writing through raw pointers or launching a
//!   kernel (`validate_segment` / `validate_job`, which also cover plans from other
//!   callers);
//! * [`SynthInfo::max_tones`]: the host does not compare tone counts with it (a
//!   program is limited to 65536 tones per definition, and ops add more); a
//!   backend with a limit refuses more tones with `LIMIT_EXCEEDED`;
//! * the remaining calibration constraints (`min_g > 0`, `y_eps` in `(0, 1)`, a
//!   frequency range of positive width), which `validate_segment` checks;
//! * [`SynthInfo::supports_millivolts`]: `compile --mv-out` asks for
//!   [`OutputBuffer::MilliVolts`] without looking at it; a backend without it
//!   refuses with `UNSUPPORTED`;
//! * that the output does not depend on how ranges are split or on thread counts
//!   (the backend's own property; the host's tests compare splits);
//! * being called from several threads: [`Synthesizer`](crate::Synthesizer) is
//!   `Sync`, and other callers may render concurrently.
//!
//! # Hardware plugins
//!
//! `describe` is called once after `open`; the host derives every figure from that
//! answer (quantisation, memory plan, which calls to make), so it must not change
//! while the card is open.
//!
//! ## `configure`
//!
//! Guaranteed by the host (`awgsf run`, `smoke`, `plot --played`, sessions): the
//! [`CardSettings`] come from a config checked against `describe()`:
//!
//! * channels non-empty, distinct, ascending, each below `max_channels`, their
//!   number one of `channel_counts` with a minimum segment length;
//! * `sample_rate_hz` finite, within `min_sample_rate_hz..=max_sample_rate_hz`;
//! * every amplitude finite, within `min_amplitude_mv..=max_amplitude_mv`;
//! * `trigger.level_mv` finite, `trigger.delay_samples <= i64::MAX`, `timeout_ms`
//!   any `u32`;
//! * an external reference clock with `reference_hz > 0`, the internal PLL with 0;
//! * a card the host knows to be playing is stopped first.
//!
//! Not guaranteed, so `configure` checks (and applies nothing on a refusal):
//!
//! * the same figures again, against its own limits (the conformance suite sends a
//!   channel count the card does not accept);
//! * the trigger source against the card's inputs: the host only *notes* a source
//!   without `SOFTWARE_TRIGGER` / `EXTERNAL_TRIGGER` (`UNSUPPORTED`);
//! * register granularity (whole hertz, whole millivolts), trigger level and delay
//!   ranges, reference-clock range: the host knows none of them;
//! * being called while running (`INVALID_STATE`).
//!
//! ## `upload`
//!
//! Guaranteed by the host: a successful `configure` came first; the program was
//! checked against `describe()` before it was rendered (slots, the next power of
//! two of the segment count, `<= max_segments`; steps `<= max_steps`; every
//! segment a multiple of `step_samples`, at least the minimum for the channel
//! count, within its slot's share of `memory_bytes`; loops `1..=max_loops`); and
//! it is built consistently: segments are slots `0..n` in order (identical segments
//! share one slot), all with the configured channel count and `n_samples *
//! n_channels` codes; steps `0..n` in order pointing at existing slots and steps,
//! `start_step` 0; `metadata_json` a JSON object.
//!
//! Not guaranteed, so `upload` calls [`UploadProgram::check`] with its own
//! [`CardInfo`] before writing anything (the host checks the same limits in its own
//! terms, not through this function), refuses an upload before `configure` or
//! while running (`INVALID_STATE`), and checks whatever else its memory layout
//! needs. A refused upload leaves the previous program in place.
//!
//! ## The other calls
//!
//! * `update_segment`: the host calls it only on a card that reports `HOT_SWAP`,
//!   only for an existing slot holding one segment, with the same `n_samples` and
//!   `n_channels` as uploaded. The card still checks [`SegmentData::check`], the
//!   slot index and the length against what it stores (`INVALID_INPUT`), and that
//!   a program was uploaded (`INVALID_STATE`).
//! * `start`: after a successful `upload`. `start(true)` also forces the first
//!   trigger.
//! * `force_trigger`, `playback`, `read_back`: the main path calls `playback` only
//!   with `PLAYBACK_TRACE` and `read_back` (in `smoke`) only with
//!   `MEMORY_READBACK`, a buffer of the slot's size; but `smoke` forces a trigger
//!   and `plot --played` asks for a trace and reads back without looking at the
//!   features. A card answers every method: `UNSUPPORTED` for a feature it lacks
//!   (the [`HardwareBackend`](crate::HardwareBackend) defaults of `playback` and
//!   `read_back` do), `INVALID_INPUT` for a slot or buffer that does not match.
//! * `stop`: may come on a stopped card (not an error), and after any failure.
//! * `close`: once, also after errors (a session dropped without `close` stops and
//!   closes the card). The card answers later calls with `INVALID_STATE`.
//!
//! [`CardInfo`]: crate::CardInfo
//! [`CardSettings`]: crate::CardSettings
//! [`PluginError`]: crate::PluginError
//! [`UploadProgram::check`]: crate::UploadProgram::check
//! [`SegmentData::check`]: crate::SegmentData::check
//! [`Step::checked_spectrum_word`]: crate::Step::checked_spectrum_word
//! [`SegmentPlan`]: crate::SegmentPlan
//! [`RenderJob`]: crate::RenderJob
//! [`OutputScale`]: crate::OutputScale
//! [`OutputBuffer::MilliVolts`]: crate::OutputBuffer::MilliVolts
//! [`SynthInfo::max_tones`]: crate::SynthInfo::max_tones
//! [`SynthInfo::supports_millivolts`]: crate::SynthInfo::supports_millivolts
