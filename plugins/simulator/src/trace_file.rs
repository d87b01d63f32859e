//! The content of `trace.json`: every played instance, every trigger and hot swap,
//! the program's structure, the card settings and the simulator settings used.

use awgsf_plugin_api::{
    CardSettings, ClockSource, Coupling, StepEnd, StopLevel, TriggerEdge, TriggerSource,
};
use serde::Serialize;

use crate::player::{EndReason, Instance, Run, SwapRecord, TriggerRecord};
use crate::program::Program;
use crate::settings::SimSettings;

/// Value of the `format` field.
pub const TRACE_FORMAT: &str = "awgsf-simulator-trace";

#[derive(Serialize)]
struct SegmentSummary {
    index: u32,
    name: String,
    n_samples: u64,
    /// Data version on the card when the recording ended.
    version: u32,
}

#[derive(Serialize)]
struct StepSummary {
    index: u32,
    segment: u32,
    next: u32,
    loops: u64,
    end: &'static str,
}

#[derive(Serialize)]
struct ProgramSummary {
    start_step: u32,
    slots: u32,
    slot_samples: u64,
    segments: Vec<SegmentSummary>,
    steps: Vec<StepSummary>,
}

#[derive(Serialize)]
struct ChannelSummary {
    index: u32,
    amplitude_mv: f64,
    stop_level: &'static str,
}

#[derive(Serialize)]
struct TriggerSummary {
    source: &'static str,
    edge: &'static str,
    level_mv: f64,
    coupling: &'static str,
    termination_50ohm: bool,
    delay_samples: u64,
}

#[derive(Serialize)]
struct ClockSummary {
    source: &'static str,
    reference_hz: f64,
    output_enabled: bool,
}

#[derive(Serialize)]
struct CardSummary {
    sample_rate_hz: f64,
    channels: Vec<ChannelSummary>,
    trigger: TriggerSummary,
    clock: ClockSummary,
    timeout_ms: u32,
}

/// `trace.json`.
#[derive(Serialize)]
pub(crate) struct TraceFile<'a> {
    format: &'static str,
    version: u32,
    sample_rate_hz: f64,
    channels: Vec<u32>,
    window_samples: u64,
    total_samples: u64,
    end: Option<EndReason>,
    stream_file: Option<&'a str>,
    instances: &'a [Instance],
    triggers: &'a [TriggerRecord],
    unreached_schedule: Vec<usize>,
    swaps: &'a [SwapRecord],
    program: ProgramSummary,
    card: CardSummary,
    settings: &'a SimSettings,
}

fn step_end(e: StepEnd) -> &'static str {
    match e {
        StepEnd::Always => "always",
        StepEnd::OnTrigger => "on_trigger",
        StepEnd::EndOfSequence => "end_of_sequence",
    }
}

fn stop_level(s: StopLevel) -> &'static str {
    match s {
        StopLevel::Zero => "zero",
        StopLevel::Low => "low",
        StopLevel::High => "high",
        StopLevel::HoldLast => "hold_last",
        StopLevel::Tristate => "tristate",
    }
}

fn card_summary(c: &CardSettings) -> CardSummary {
    CardSummary {
        sample_rate_hz: c.sample_rate_hz,
        channels: c
            .channels
            .iter()
            .map(|ch| ChannelSummary {
                index: ch.index,
                amplitude_mv: ch.amplitude_mv,
                stop_level: stop_level(ch.stop_level),
            })
            .collect(),
        trigger: TriggerSummary {
            source: match c.trigger.source {
                TriggerSource::Software => "software",
                TriggerSource::Ext0 => "ext0",
                TriggerSource::Ext1 => "ext1",
            },
            edge: match c.trigger.edge {
                TriggerEdge::Rising => "rising",
                TriggerEdge::Falling => "falling",
                TriggerEdge::Both => "both",
            },
            level_mv: c.trigger.level_mv,
            coupling: match c.trigger.coupling {
                Coupling::Dc => "dc",
                Coupling::Ac => "ac",
            },
            termination_50ohm: c.trigger.termination_50ohm,
            delay_samples: c.trigger.delay_samples,
        },
        clock: ClockSummary {
            source: match c.clock.source {
                ClockSource::InternalPll => "internal_pll",
                ClockSource::ExternalReference => "external_reference",
            },
            reference_hz: c.clock.reference_hz,
            output_enabled: c.clock.output_enabled,
        },
        timeout_ms: c.timeout_ms,
    }
}

impl<'a> TraceFile<'a> {
    /// The trace of `run`.
    pub(crate) fn new(
        run: &'a Run,
        program: &Program,
        card: &CardSettings,
        settings: &'a SimSettings,
        stream_file: Option<&'a str>,
    ) -> TraceFile<'a> {
        TraceFile {
            format: TRACE_FORMAT,
            version: 1,
            sample_rate_hz: card.sample_rate_hz,
            channels: card.channels.iter().map(|c| c.index).collect(),
            window_samples: run.window_samples(),
            total_samples: run.total_samples(),
            end: run.end(),
            stream_file,
            instances: run.instances(),
            triggers: run.trigger_records(),
            unreached_schedule: run.unreached_schedule(),
            swaps: run.swaps(),
            program: ProgramSummary {
                start_step: program.start_step,
                slots: program.slots,
                slot_samples: program.slot_samples,
                segments: program
                    .segments
                    .iter()
                    .enumerate()
                    .map(|(i, s)| SegmentSummary {
                        index: i as u32,
                        name: s.name.clone(),
                        n_samples: s.n_samples,
                        version: s.version,
                    })
                    .collect(),
                steps: program
                    .steps
                    .iter()
                    .map(|s| StepSummary {
                        index: s.index,
                        segment: s.segment,
                        next: s.next,
                        loops: s.loops,
                        end: step_end(s.end),
                    })
                    .collect(),
            },
            card: card_summary(card),
            settings,
        }
    }
}
