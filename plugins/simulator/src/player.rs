//! One run of the card: plays the step graph on a virtual sample clock, resolves
//! triggers, records every played instance and, when asked, the played stream.
//!
//! Time model. Sample `0` is the first sample after `start()`; the recording ends
//! after `window` samples or at the end of the sequence. The card runs ahead on its
//! own while anything but the host can still happen; it pauses for the host only
//! while it repeats a wait step that nothing left (schedule or pending triggers) will
//! end inside the window. Host calls therefore land at a definite sample, `pos`: the
//! start of that wait step's repetition in progress, or the end of the recording.
//!
//! Instances that started at or before `pos` are fixed (their data was copied when
//! they started); a hot swap affects only instances that start later, so every
//! instance is entirely old or entirely new data.

use std::collections::VecDeque;

use awgsf_plugin_api::{PlaybackTrace, PlayedInstance, StepEnd};
use serde::Serialize;

use crate::program::Program;
use crate::settings::TriggerEntry;

/// How far `advance` runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Until {
    /// Until the card waits for the host (or the recording ends).
    HostNeeded,
    /// To the end of the recording, without further host input.
    End,
}

/// Why the recording ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub(crate) enum EndReason {
    /// The window (`play_s`) was played.
    Window,
    /// A step with [`StepEnd::EndOfSequence`] finished; the card stopped itself.
    EndOfSequence,
}

/// Where a trigger came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case", tag = "kind")]
pub(crate) enum TriggerOrigin {
    /// Entry `index` of the `triggers` setting.
    Schedule { index: usize },
    /// `start(true)`.
    Start,
    /// `force_trigger()`.
    Host,
}

/// What happened to one trigger.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub(crate) struct TriggerRecord {
    pub origin: TriggerOrigin,
    /// Sample at which it arrived at the trigger input (or was forced).
    pub arrival: u64,
    /// Sample at which the card acted on it (`arrival` plus the trigger delay); `None`
    /// when the card never saw it.
    pub seen: Option<u64>,
    /// Whether it ended a wait step.
    pub accepted: bool,
    /// Step playing when the card saw it.
    pub step: Option<u32>,
    /// Why it was ignored, or what it ended.
    pub note: String,
}

/// One played instance, with the version of the segment data it played.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct Instance {
    pub start_sample: u64,
    pub step: u32,
    pub segment: u32,
    pub loop_index: u64,
    pub n_samples: u64,
    /// 0: data of the full upload; +1 per hot swap of the segment.
    pub version: u32,
}

/// One data-only segment update.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub(crate) struct SwapRecord {
    pub segment: u32,
    pub version: u32,
    /// Sample at which it took effect: instances starting after it play the new data.
    pub position: u64,
    /// False when it came after the recording had ended.
    pub during_recording: bool,
}

#[derive(Debug, Clone, Copy)]
enum Scheduled {
    Force,
    At(u64),
}

#[derive(Debug, Clone, Copy)]
struct Last {
    step: u32,
    loop_index: u64,
    start: u64,
    wait: bool,
}

#[derive(Debug, Clone, Copy)]
struct Next {
    step: u32,
    loop_index: u64,
    new_step: bool,
}

#[derive(Debug, Clone, Copy)]
struct Pending {
    arrival: u64,
    seen: u64,
    origin: TriggerOrigin,
}

#[derive(Debug, Clone, Copy)]
struct Candidate {
    key: u64,
    arrival: u64,
    seen: Option<u64>,
}

/// Fixed parameters of a run.
#[derive(Debug, Clone)]
pub(crate) struct RunParams {
    pub sample_rate_hz: f64,
    pub window_samples: u64,
    pub delay_samples: u64,
    /// Whether scheduled time entries (external edges) reach the card.
    pub external_routed: bool,
    pub schedule: Vec<TriggerEntry>,
    pub record_stream: bool,
}

/// One run, from `start()` to the end of the recording.
#[derive(Debug)]
pub(crate) struct Run {
    window_end: u64,
    delay: u64,
    external: bool,
    sample_rate_hz: f64,
    n_channels: usize,
    cursor: u64,
    pos: u64,
    last: Option<Last>,
    triggered: bool,
    pending: VecDeque<Pending>,
    schedule: Vec<Scheduled>,
    sched_next: usize,
    sched_prev_arrival: u64,
    sched_prev_key: u64,
    instances: Vec<Instance>,
    triggers: Vec<TriggerRecord>,
    swaps: Vec<SwapRecord>,
    stream: Option<Vec<i16>>,
    end: Option<EndReason>,
}

impl Run {
    /// A run of `program` that has not played anything yet.
    pub(crate) fn new(program: &Program, p: &RunParams) -> Run {
        let schedule = p
            .schedule
            .iter()
            .map(|e| match e {
                TriggerEntry::Force => Scheduled::Force,
                TriggerEntry::At(t) => Scheduled::At((t * p.sample_rate_hz).round() as u64),
            })
            .collect();
        let n_channels = program.n_channels as usize;
        Run {
            window_end: p.window_samples,
            delay: p.delay_samples,
            external: p.external_routed,
            sample_rate_hz: p.sample_rate_hz,
            n_channels,
            cursor: 0,
            pos: 0,
            last: None,
            triggered: false,
            pending: VecDeque::new(),
            schedule,
            sched_next: 0,
            sched_prev_arrival: 0,
            sched_prev_key: 0,
            instances: Vec::new(),
            triggers: Vec::new(),
            swaps: Vec::new(),
            stream: p.record_stream.then(|| {
                Vec::with_capacity((p.window_samples as usize).saturating_mul(n_channels))
            }),
            end: None,
        }
    }

    /// Plays on from the current position.
    pub(crate) fn advance(&mut self, program: &Program, until: Until) {
        if self.end.is_some() {
            return;
        }
        loop {
            self.resolve();
            if self.cursor >= self.window_end {
                self.finish(EndReason::Window);
                return;
            }
            let Some(next) = self.next_instance(program) else {
                self.finish(EndReason::EndOfSequence);
                return;
            };
            if until == Until::HostNeeded && self.waits_for_host(program, &next) {
                if let Some(last) = self.last {
                    self.pos = last.start;
                }
                return;
            }
            self.emit(program, next);
        }
    }

    /// A trigger forced by the host (or by `start(true)`) at the current position.
    pub(crate) fn force(&mut self, origin: TriggerOrigin) {
        if self.end.is_some() {
            self.triggers.push(TriggerRecord {
                origin,
                arrival: self.pos,
                seen: None,
                accepted: false,
                step: None,
                note: "arrived after the end of the recording".to_string(),
            });
            return;
        }
        self.pending.push_back(Pending {
            arrival: self.pos,
            seen: self.pos.saturating_add(self.delay),
            origin,
        });
    }

    /// Records a hot swap at the current position.
    pub(crate) fn record_swap(&mut self, segment: u32, version: u32) {
        self.swaps.push(SwapRecord {
            segment,
            version,
            position: self.pos,
            during_recording: self.end.is_none(),
        });
    }

    /// Why the recording ended, if it has.
    pub(crate) fn end(&self) -> Option<EndReason> {
        self.end
    }

    /// The sample where host calls land now.
    pub(crate) fn position(&self) -> u64 {
        self.pos
    }

    /// The step playing at the current position.
    pub(crate) fn current_step(&self) -> Option<u32> {
        self.last.map(|l| l.step)
    }

    /// True while the card repeats a wait step that has not been triggered.
    pub(crate) fn waiting_for_trigger(&self) -> bool {
        self.end.is_none() && self.last.is_some_and(|l| l.wait) && !self.triggered
    }

    /// Repetition in progress at the current position.
    pub(crate) fn current_loop(&self) -> Option<u64> {
        self.last.map(|l| l.loop_index)
    }

    pub(crate) fn instances(&self) -> &[Instance] {
        &self.instances
    }

    pub(crate) fn trigger_records(&self) -> &[TriggerRecord] {
        &self.triggers
    }

    pub(crate) fn swaps(&self) -> &[SwapRecord] {
        &self.swaps
    }

    /// Indices of schedule entries that never arrived.
    pub(crate) fn unreached_schedule(&self) -> Vec<usize> {
        (self.sched_next..self.schedule.len()).collect()
    }

    /// Samples played per channel.
    pub(crate) fn total_samples(&self) -> u64 {
        self.cursor
    }

    /// Length of the recording window, samples per channel.
    pub(crate) fn window_samples(&self) -> u64 {
        self.window_end
    }

    pub(crate) fn n_channels(&self) -> usize {
        self.n_channels
    }

    /// The played stream (interleaved), when it was recorded.
    pub(crate) fn stream(&self) -> Option<&[i16]> {
        self.stream.as_deref()
    }

    /// Releases the played stream once it has been written.
    pub(crate) fn drop_stream(&mut self) {
        self.stream = None;
    }

    /// The trace in the ABI's shape.
    pub(crate) fn playback_trace(&self, files: &[String]) -> PlaybackTrace {
        PlaybackTrace {
            sample_rate_hz: self.sample_rate_hz,
            total_samples: self.cursor,
            instances: self
                .instances
                .iter()
                .map(|i| PlayedInstance {
                    start_sample: i.start_sample,
                    step: i.step,
                    segment: i.segment,
                    loop_index: i.loop_index,
                    n_samples: i.n_samples,
                })
                .collect(),
            files: files.iter().map(|f| f.as_str().into()).collect(),
            triggers: self.triggers.iter().filter_map(|t| t.seen).collect(),
        }
    }

    fn finish(&mut self, reason: EndReason) {
        self.end = Some(reason);
        self.pos = self.cursor;
        let note = match reason {
            EndReason::Window => "seen after the end of the recording window",
            EndReason::EndOfSequence => "seen after the sequence had ended",
        };
        while let Some(p) = self.pending.pop_front() {
            self.triggers.push(TriggerRecord {
                origin: p.origin,
                arrival: p.arrival,
                seen: None,
                accepted: false,
                step: None,
                note: note.to_string(),
            });
        }
    }

    /// The instance that follows the last one, or `None` at the end of the sequence.
    fn next_instance(&self, program: &Program) -> Option<Next> {
        let Some(last) = self.last else {
            return Some(Next {
                step: program.start_step,
                loop_index: 0,
                new_step: true,
            });
        };
        let step = &program.steps[last.step as usize];
        let again = Next {
            step: last.step,
            loop_index: last.loop_index + 1,
            new_step: false,
        };
        let onward = Next {
            step: step.next,
            loop_index: 0,
            new_step: true,
        };
        let done_block = (last.loop_index + 1) % step.loops == 0;
        match step.end {
            StepEnd::Always if last.loop_index + 1 < step.loops => Some(again),
            StepEnd::Always => Some(onward),
            StepEnd::EndOfSequence if last.loop_index + 1 < step.loops => Some(again),
            StepEnd::EndOfSequence => None,
            StepEnd::OnTrigger if self.triggered && done_block => Some(onward),
            StepEnd::OnTrigger => Some(again),
        }
    }

    /// Whether playing `next` means repeating an untriggered wait step that nothing
    /// but the host can end inside the window.
    fn waits_for_host(&self, program: &Program, next: &Next) -> bool {
        if next.new_step || self.triggered {
            return false;
        }
        if program.steps[next.step as usize].end != StepEnd::OnTrigger {
            return false;
        }
        if self.pending.iter().any(|p| p.seen < self.window_end) {
            return false;
        }
        // Earliest placement of each remaining entry (see `schedule_candidate`).
        let (mut arrival, mut key) = (self.sched_prev_arrival, self.sched_prev_key);
        for entry in &self.schedule[self.sched_next..] {
            match *entry {
                Scheduled::Force => return key >= self.window_end,
                Scheduled::At(t) => {
                    arrival = t.max(arrival);
                    key = if self.external {
                        arrival.saturating_add(self.delay)
                    } else {
                        arrival
                    };
                    if self.external && key < self.window_end {
                        return false;
                    }
                }
            }
        }
        true
    }

    fn emit(&mut self, program: &Program, next: Next) {
        let step = &program.steps[next.step as usize];
        let seg = &program.segments[step.segment as usize];
        if next.new_step {
            self.triggered = false;
        }
        let n = seg.n_samples.min(self.window_end - self.cursor);
        self.instances.push(Instance {
            start_sample: self.cursor,
            step: next.step,
            segment: step.segment,
            loop_index: next.loop_index,
            n_samples: n,
            version: seg.version,
        });
        if let Some(stream) = self.stream.as_mut() {
            stream.extend_from_slice(&seg.data[..n as usize * self.n_channels]);
        }
        self.last = Some(Last {
            step: next.step,
            loop_index: next.loop_index,
            start: self.cursor,
            wait: step.end == StepEnd::OnTrigger,
        });
        self.cursor += n;
    }

    /// The next schedule entry, if it can be placed now.
    fn schedule_candidate(&self, last: &Last) -> Option<Candidate> {
        match *self.schedule.get(self.sched_next)? {
            Scheduled::At(t) => {
                let arrival = t.max(self.sched_prev_arrival);
                if self.external {
                    let seen = arrival.saturating_add(self.delay);
                    Some(Candidate {
                        key: seen,
                        arrival,
                        seen: Some(seen),
                    })
                } else {
                    Some(Candidate {
                        key: arrival,
                        arrival,
                        seen: None,
                    })
                }
            }
            Scheduled::Force if last.wait && !self.triggered => {
                let at = self.sched_prev_key.max(last.start);
                Some(Candidate {
                    key: at,
                    arrival: at,
                    seen: Some(at),
                })
            }
            Scheduled::Force => None,
        }
    }

    /// Applies every trigger the card sees before the end of the last instance.
    fn resolve(&mut self) {
        while let Some(last) = self.last {
            let host = self
                .pending
                .front()
                .map(|p| p.seen)
                .filter(|&s| s < self.cursor);
            let sched = self
                .schedule_candidate(&last)
                .filter(|c| c.key < self.cursor);
            match (host, sched) {
                (None, None) => break,
                (Some(h), Some(c)) if h < c.key => self.apply_host(&last),
                (Some(_), None) => self.apply_host(&last),
                (_, Some(c)) => {
                    let origin = TriggerOrigin::Schedule {
                        index: self.sched_next,
                    };
                    self.apply(&last, origin, c.arrival, c.seen);
                    self.sched_prev_arrival = c.arrival;
                    self.sched_prev_key = c.key;
                    self.sched_next += 1;
                }
            }
        }
    }

    fn apply_host(&mut self, last: &Last) {
        if let Some(p) = self.pending.pop_front() {
            self.apply(last, p.origin, p.arrival, Some(p.seen));
        }
    }

    fn apply(&mut self, last: &Last, origin: TriggerOrigin, arrival: u64, seen: Option<u64>) {
        let mut record = TriggerRecord {
            origin,
            arrival,
            seen,
            accepted: false,
            step: seen.map(|_| last.step),
            note: String::new(),
        };
        record.note = if seen.is_none() {
            "external edge while the trigger source is software: not routed to the card".to_string()
        } else if !last.wait {
            format!(
                "ignored: step {} does not end on a trigger (no wait step was playing)",
                last.step
            )
        } else if self.triggered {
            format!(
                "ignored: wait step {} had already been triggered",
                last.step
            )
        } else {
            self.triggered = true;
            record.accepted = true;
            format!(
                "ended wait step {} after its repetition {} in progress",
                last.step, last.loop_index
            )
        };
        self.triggers.push(record);
    }
}
