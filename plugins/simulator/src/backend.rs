//! The emulated card: the [`HardwareBackend`] state machine (configure, upload,
//! hot swap, start, triggers, stop, status, playback, read-back, close).

use awgsf_plugin_api::{
    CardFeatures, CardInfo, CardSettings, CardStatus, HardwareBackend, PlaybackTrace, PluginError,
    PluginResult, SegmentData, TriggerSource, UploadProgram, UploadReport,
};

use crate::card_info::card_info;
use crate::configure::{validate, Configured};
use crate::output::{write_run_files, STREAM_FILE};
use crate::player::{EndReason, Run, RunParams, TriggerOrigin, Until};
use crate::program::{segment_label, validate_upload, Program};
use crate::settings::SimSettings;
use crate::trace_file::TraceFile;

/// The emulated sequence-replay card.
#[derive(Debug)]
pub struct Simulator {
    settings: SimSettings,
    configured: Option<Configured>,
    program: Option<Program>,
    run: Option<Run>,
    running: bool,
    files: Vec<String>,
    closed: bool,
}

impl Simulator {
    /// Opens the card with its settings (JSON object text; `""` means defaults).
    pub fn open(settings_json: &str) -> PluginResult<Simulator> {
        Ok(Simulator::new(SimSettings::parse(settings_json)?))
    }

    /// Opens the card with parsed settings.
    pub fn new(settings: SimSettings) -> Simulator {
        Simulator {
            settings,
            configured: None,
            program: None,
            run: None,
            running: false,
            files: Vec::new(),
            closed: false,
        }
    }

    /// The settings in use.
    pub fn settings(&self) -> &SimSettings {
        &self.settings
    }

    fn check_open(&self, call: &str) -> PluginResult<()> {
        if self.closed {
            return Err(PluginError::invalid_state(format!(
                "{call}: the card was closed; open it again"
            )));
        }
        Ok(())
    }

    fn require_feature(&self, feature: CardFeatures, what: &str) -> PluginResult<()> {
        if self.settings.has(feature) {
            Ok(())
        } else {
            Err(PluginError::unsupported(format!(
                "{what} (the `features` setting leaves out {})",
                feature.names().join(", ")
            )))
        }
    }

    /// Ends the card's part of a run that has ended: writes the files when
    /// `output_dir` is set.
    fn finish_run(&mut self) -> PluginResult<()> {
        self.running = false;
        let (Some(run), Some(program), Some(configured)) = (
            self.run.as_mut(),
            self.program.as_ref(),
            self.configured.as_ref(),
        ) else {
            return Ok(());
        };
        let Some(dir) = self.settings.output_dir.as_ref() else {
            return Ok(());
        };
        let stream = run.stream().map(|s| (s, run.n_channels()));
        let stream_name = stream.is_some().then_some(STREAM_FILE);
        let trace = TraceFile::new(
            run,
            program,
            &configured.settings,
            &self.settings,
            stream_name,
        );
        let files = write_run_files(dir, stream, &trace)?;
        run.drop_stream();
        self.files = files;
        Ok(())
    }

    /// After the card played on: a sequence that ended stops the card.
    fn after_advance(&mut self) -> PluginResult<()> {
        let ended = self
            .run
            .as_ref()
            .is_some_and(|r| r.end() == Some(EndReason::EndOfSequence));
        if ended && self.running {
            self.finish_run()?;
        }
        Ok(())
    }

    fn running_detail(&self, run: &Run) -> String {
        let fs = self
            .configured
            .as_ref()
            .map_or(1.0, |c| c.settings.sample_rate_hz);
        match run.end() {
            Some(EndReason::Window) => format!(
                "running: the recording window of {} samples ({:.6} s) is complete; the card \
                 plays on until stop()",
                run.window_samples(),
                run.window_samples() as f64 / fs
            ),
            Some(EndReason::EndOfSequence) => {
                format!("stopped: end of sequence at sample {}", run.total_samples())
            }
            None => {
                let step = run.current_step().unwrap_or(0);
                let segment = self
                    .program
                    .as_ref()
                    .map(|p| {
                        let s = p.steps[step as usize].segment;
                        segment_label(s, &p.segments[s as usize].name)
                    })
                    .unwrap_or_default();
                format!(
                    "running: step {step} ({segment}) repetition {} at sample {} ({:.6} s){}",
                    run.current_loop().unwrap_or(0),
                    run.position(),
                    run.position() as f64 / fs,
                    if run.waiting_for_trigger() {
                        ", waiting for a trigger"
                    } else {
                        ""
                    }
                )
            }
        }
    }
}

impl HardwareBackend for Simulator {
    fn describe(&self) -> PluginResult<CardInfo> {
        Ok(card_info(&self.settings))
    }

    fn configure(&mut self, settings: &CardSettings) -> PluginResult<()> {
        self.check_open("configure")?;
        if self.running {
            return Err(PluginError::invalid_state(
                "configure: the card is running; call stop() first",
            ));
        }
        let configured = validate(&self.settings, settings)?;
        if self
            .program
            .as_ref()
            .is_some_and(|p| p.n_channels != configured.n_channels)
        {
            // The memory layout depends on the number of enabled channels.
            self.program = None;
        }
        self.configured = Some(configured);
        Ok(())
    }

    fn upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        self.check_open("upload")?;
        self.require_feature(
            CardFeatures::SEQUENCE_REPLAY,
            "upload: this card has no sequence-replay mode",
        )?;
        if self.running {
            return Err(PluginError::invalid_state(
                "upload: a full upload (which may change the program structure) requires the \
                 card to be stopped: call stop() first; while the card plays, only \
                 update_segment() may rewrite a segment of unchanged length",
            ));
        }
        let Some(configured) = self.configured.as_ref() else {
            return Err(PluginError::invalid_state(
                "upload: the card is not configured: call configure() first",
            ));
        };
        let (stored, report) = validate_upload(&self.settings, configured.n_channels, program)?;
        self.program = Some(stored);
        Ok(report)
    }

    fn update_segment(&mut self, segment: &SegmentData<'_>) -> PluginResult<()> {
        self.check_open("update_segment")?;
        if self.running {
            self.require_feature(
                CardFeatures::HOT_SWAP,
                "update_segment: this card cannot rewrite a segment while it plays; stop() first",
            )?;
        }
        let Some(program) = self.program.as_mut() else {
            return Err(PluginError::invalid_state(
                "update_segment: no program uploaded: call upload() first",
            ));
        };
        program.check_update(&self.settings, segment)?;
        let version = program.apply_update(segment);
        if self.running {
            if let Some(run) = self.run.as_mut() {
                run.record_swap(segment.index, version);
            }
        }
        Ok(())
    }

    fn start(&mut self, force_trigger: bool) -> PluginResult<()> {
        self.check_open("start")?;
        if self.running {
            return Err(PluginError::invalid_state(
                "start: the card is already running; call stop() first",
            ));
        }
        if force_trigger {
            self.require_feature(
                CardFeatures::SOFTWARE_TRIGGER,
                "start(force_trigger): this card has no software trigger",
            )?;
        }
        let Some(configured) = self.configured.as_ref() else {
            return Err(PluginError::invalid_state(
                "start: the card is not configured: call configure() and upload() first",
            ));
        };
        let Some(program) = self.program.as_ref() else {
            return Err(PluginError::invalid_state(
                "start: no program uploaded: call upload() first",
            ));
        };
        let s = &configured.settings;
        let params = RunParams {
            sample_rate_hz: s.sample_rate_hz,
            window_samples: configured.window_samples,
            delay_samples: s.trigger.delay_samples,
            external_routed: s.trigger.source != TriggerSource::Software,
            schedule: self.settings.triggers.clone(),
            record_stream: self.settings.output_dir.is_some() && self.settings.write_stream,
        };
        let mut run = Run::new(program, &params);
        if force_trigger {
            run.force(TriggerOrigin::Start);
        }
        run.advance(program, Until::HostNeeded);
        self.run = Some(run);
        self.files.clear();
        self.running = true;
        self.after_advance()
    }

    fn force_trigger(&mut self) -> PluginResult<()> {
        self.check_open("force_trigger")?;
        self.require_feature(
            CardFeatures::SOFTWARE_TRIGGER,
            "force_trigger: this card has no software trigger",
        )?;
        if !self.running {
            return Err(PluginError::invalid_state(
                "force_trigger: the card is not running: call start() first",
            ));
        }
        if let (Some(run), Some(program)) = (self.run.as_mut(), self.program.as_ref()) {
            run.force(TriggerOrigin::Host);
            run.advance(program, Until::HostNeeded);
        }
        self.after_advance()
    }

    fn stop(&mut self) -> PluginResult<()> {
        self.check_open("stop")?;
        if !self.running {
            return Ok(());
        }
        if let (Some(run), Some(program)) = (self.run.as_mut(), self.program.as_ref()) {
            run.advance(program, Until::End);
        }
        self.finish_run()
    }

    fn status(&mut self) -> PluginResult<CardStatus> {
        let detail = if self.closed {
            "closed".to_string()
        } else if let (true, Some(run)) = (self.running, self.run.as_ref()) {
            self.running_detail(run)
        } else if self.configured.is_none() {
            "idle: not configured".to_string()
        } else if let Some(p) = self.program.as_ref() {
            let mut d = format!(
                "stopped: program of {} segments in {} slots and {} steps uploaded",
                p.segments.len(),
                p.slots,
                p.steps.len()
            );
            if let Some(run) = self.run.as_ref() {
                d.push_str(&format!(
                    "; last recording {} samples ({})",
                    run.total_samples(),
                    match run.end() {
                        Some(EndReason::EndOfSequence) => "ended at the end of the sequence",
                        _ => "window complete",
                    }
                ));
            }
            d
        } else {
            "idle: configured, no program uploaded".to_string()
        };
        let current_step = if self.running {
            self.run.as_ref().and_then(Run::current_step)
        } else {
            None
        };
        Ok(CardStatus {
            running: self.running,
            current_step: current_step.into(),
            detail: detail.into(),
        })
    }

    fn playback(&mut self) -> PluginResult<Option<PlaybackTrace>> {
        if !self.settings.has(CardFeatures::PLAYBACK_TRACE) {
            return Ok(None);
        }
        match self.run.as_ref() {
            Some(run) => Ok(Some(run.playback_trace(&self.files))),
            None => Err(PluginError::invalid_state(
                "playback: nothing played yet: call start() first",
            )),
        }
    }

    fn read_back(&mut self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        self.check_open("read_back")?;
        self.require_feature(
            CardFeatures::MEMORY_READBACK,
            "read_back: this card cannot read segment memory back",
        )?;
        match self.program.as_ref() {
            Some(p) => p.read_back(segment, out),
            None => Err(PluginError::invalid_state(
                "read_back: no program uploaded: call upload() first",
            )),
        }
    }

    fn close(&mut self) -> PluginResult<()> {
        if self.closed {
            return Ok(());
        }
        let stopped = self.stop();
        self.closed = true;
        stopped
    }
}
