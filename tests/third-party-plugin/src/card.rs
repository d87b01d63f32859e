//! The card: a [`HardwareBackend`] that checks every request against its limits,
//! keeps what it is given in memory and logs it.
//!
//! Every request is checked completely before anything changes, so a refused call
//! leaves the card as it was. Errors carry a kind the host can act on
//! (`INVALID_INPUT`, `LIMIT_EXCEEDED`, `INVALID_STATE`, `UNSUPPORTED`, `IO`) and a
//! message naming the segment, step or setting and what was expected.

use awgsf_plugin_api::{
    CardInfo, CardSettings, CardStatus, ClockSource, HardwareBackend, PluginError, PluginResult,
    SegmentData, Step, TriggerSource, UploadProgram, UploadReport,
};

use crate::limits::{self, card_info};
use crate::log::{fingerprint, CallLog};
use crate::settings::Settings;

/// One stored segment.
#[derive(Debug, Clone, PartialEq)]
struct Stored {
    name: String,
    n_samples: u64,
    codes: Vec<i16>,
}

/// What an upload left on the card.
#[derive(Debug, Clone, PartialEq)]
struct Program {
    segments: Vec<Stored>,
    steps: Vec<Step>,
    start_step: u32,
}

/// The in-memory card.
#[derive(Debug)]
pub struct ExampleCard {
    settings: Settings,
    log: CallLog,
    /// Enabled channel count after `configure`.
    channels: Option<u32>,
    program: Option<Program>,
    running: bool,
    closed: bool,
}

impl ExampleCard {
    /// Opens the card with its settings (JSON object text).
    pub fn open(settings_json: &str) -> PluginResult<ExampleCard> {
        let settings = Settings::parse(settings_json)?;
        Ok(ExampleCard {
            log: CallLog::new(settings.log_file.clone()),
            settings,
            channels: None,
            program: None,
            running: false,
            closed: false,
        })
    }

    fn check_open(&self, call: &str) -> PluginResult<()> {
        if self.closed {
            return Err(PluginError::invalid_state(format!(
                "{call}: the card was closed; open it again"
            )));
        }
        Ok(())
    }

    /// Checks one segment's data for `channels` enabled channels.
    fn check_segment(seg: &SegmentData<'_>, channels: u32) -> PluginResult<()> {
        let what = format!("segment {} '{}'", seg.index, seg.name);
        if seg.n_channels != channels {
            return Err(PluginError::invalid_input(format!(
                "{what}: has {} channels, the card is configured for {channels}",
                seg.n_channels
            )));
        }
        let expected = seg
            .n_samples
            .checked_mul(u64::from(channels))
            .ok_or_else(|| PluginError::limit(format!("{what}: too long")))?;
        if seg.samples.len() as u64 != expected {
            return Err(PluginError::invalid_input(format!(
                "{what}: expected {expected} codes ({} samples x {channels} channels), found {}",
                seg.n_samples,
                seg.samples.len()
            )));
        }
        if !seg.n_samples.is_multiple_of(limits::STEP_SAMPLES) {
            return Err(PluginError::invalid_input(format!(
                "{what}: {} samples is not a multiple of {}",
                seg.n_samples,
                limits::STEP_SAMPLES
            )));
        }
        let min = limits::min_segment(channels);
        if seg.n_samples < min {
            return Err(PluginError::invalid_input(format!(
                "{what}: {} samples is below the minimum of {min} for {channels} channels",
                seg.n_samples
            )));
        }
        Ok(())
    }

    /// Checks a whole upload; returns the slot count.
    fn check_upload(&self, program: &UploadProgram<'_>, channels: u32) -> PluginResult<u32> {
        let n = program.segments.len();
        if n == 0 {
            return Err(PluginError::invalid_input("upload: no segments"));
        }
        if n > limits::MAX_SEGMENTS as usize {
            return Err(PluginError::limit(format!(
                "upload: {n} segments, the card has {} slots",
                limits::MAX_SEGMENTS
            )));
        }
        let slots = (n as u32).next_power_of_two();
        // Memory is divided equally among the slots, as on sequence-replay cards.
        let slot_samples = self.settings.memory_bytes
            / u64::from(slots)
            / (u64::from(limits::BYTES_PER_SAMPLE) * u64::from(channels));
        for (i, seg) in program.segments.iter().enumerate() {
            if seg.index as usize != i {
                return Err(PluginError::invalid_input(format!(
                    "upload: segment at position {i} has index {}",
                    seg.index
                )));
            }
            Self::check_segment(seg, channels)?;
            if seg.n_samples > slot_samples {
                return Err(PluginError::limit(format!(
                    "segment {i} '{}': {} samples do not fit a slot of {slot_samples} samples \
                     ({} bytes of memory in {slots} slots)",
                    seg.name, seg.n_samples, self.settings.memory_bytes
                )));
            }
        }
        let steps = program.steps.len();
        if steps == 0 || steps > limits::MAX_STEPS as usize {
            return Err(PluginError::limit(format!(
                "upload: {steps} steps, expected 1 to {}",
                limits::MAX_STEPS
            )));
        }
        for (i, st) in program.steps.iter().enumerate() {
            let problem = if st.index as usize != i {
                Some(format!("has index {}", st.index))
            } else if st.segment as usize >= n {
                Some(format!(
                    "plays segment {}, which does not exist",
                    st.segment
                ))
            } else if st.next as usize >= steps {
                Some(format!("goes to step {}, which does not exist", st.next))
            } else if st.loops == 0 || st.loops > limits::MAX_LOOPS {
                Some(format!(
                    "loops {} times, expected 1 to {}",
                    st.loops,
                    limits::MAX_LOOPS
                ))
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(PluginError::invalid_input(format!("step {i} {p}")));
            }
        }
        if program.start_step as usize >= steps {
            return Err(PluginError::invalid_input(format!(
                "upload: start step {} does not exist",
                program.start_step
            )));
        }
        // The contract's own check covers what the card's step words can encode.
        program.check(&card_info(&self.settings))?;
        Ok(slots)
    }
}

impl HardwareBackend for ExampleCard {
    fn describe(&self) -> PluginResult<CardInfo> {
        Ok(card_info(&self.settings))
    }

    fn configure(&mut self, s: &CardSettings) -> PluginResult<()> {
        self.check_open("configure")?;
        if self.running {
            return Err(PluginError::invalid_state(
                "configure: the card is running; call stop() first",
            ));
        }
        let (lo, hi) = limits::SAMPLE_RATE_HZ;
        if !(lo..=hi).contains(&s.sample_rate_hz) {
            return Err(PluginError::invalid_input(format!(
                "configure: sample rate {} Hz is outside {lo} to {hi} Hz",
                s.sample_rate_hz
            )));
        }
        let count = s.channels.len() as u32;
        if !limits::CHANNEL_COUNTS.contains(&count) {
            return Err(PluginError::invalid_input(format!(
                "configure: {count} enabled channels, the card accepts {:?}",
                limits::CHANNEL_COUNTS
            )));
        }
        let (amp_lo, amp_hi) = limits::AMPLITUDE_MV;
        for (i, ch) in s.channels.iter().enumerate() {
            if ch.index >= limits::MAX_CHANNELS || (i > 0 && ch.index <= s.channels[i - 1].index) {
                return Err(PluginError::invalid_input(format!(
                    "configure: channel index {} (expected distinct indices below {}, ascending)",
                    ch.index,
                    limits::MAX_CHANNELS
                )));
            }
            if !(amp_lo..=amp_hi).contains(&ch.amplitude_mv) {
                return Err(PluginError::invalid_input(format!(
                    "configure: channel {} amplitude {} mV is outside {amp_lo} to {amp_hi} mV",
                    ch.index, ch.amplitude_mv
                )));
            }
        }
        if s.trigger.source != TriggerSource::Software {
            return Err(PluginError::unsupported(
                "configure: this card has no external trigger input; use trigger source \"software\"",
            ));
        }
        if s.clock.source != ClockSource::InternalPll {
            return Err(PluginError::unsupported(
                "configure: this card has no reference clock input; use clock source \"internal_pll\"",
            ));
        }
        let indices: Vec<u32> = s.channels.iter().map(|c| c.index).collect();
        self.log.write(&[format!(
            "configure sample_rate_hz={} channels={indices:?}",
            s.sample_rate_hz
        )])?;
        if self.channels != Some(count) {
            // Another channel count changes the memory layout: the program is gone.
            self.program = None;
        }
        self.channels = Some(count);
        Ok(())
    }

    fn upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        self.check_open("upload")?;
        if self.running {
            return Err(PluginError::invalid_state(
                "upload: the card is running; call stop() first (while it runs, only \
                 update_segment may rewrite a segment)",
            ));
        }
        let Some(channels) = self.channels else {
            return Err(PluginError::invalid_state(
                "upload: the card is not configured; call configure() first",
            ));
        };
        let slots = self.check_upload(program, channels)?;
        let bytes: u64 = program
            .segments
            .iter()
            .map(|s| s.samples.len() as u64 * u64::from(limits::BYTES_PER_SAMPLE))
            .sum();
        let mut lines = vec![format!(
            "upload segments={} slots={slots} steps={} bytes={bytes} start_step={}",
            program.segments.len(),
            program.steps.len(),
            program.start_step
        )];
        for s in program.segments.iter() {
            lines.push(format!(
                "segment {} '{}' samples={} fnv1a={:016x}",
                s.index,
                s.name,
                s.n_samples,
                fingerprint(s.samples.as_slice())
            ));
        }
        for st in program.steps.iter() {
            lines.push(format!(
                "step {} segment={} next={} loops={} end={:?}",
                st.index, st.segment, st.next, st.loops, st.end
            ));
        }
        self.log.write(&lines)?;
        self.program = Some(Program {
            segments: program
                .segments
                .iter()
                .map(|s| Stored {
                    name: s.name.to_string(),
                    n_samples: s.n_samples,
                    codes: s.samples.to_vec(),
                })
                .collect(),
            steps: program.steps.to_vec(),
            start_step: program.start_step,
        });
        Ok(UploadReport {
            bytes,
            segments: program.segments.len() as u32,
            slots,
            steps: program.steps.len() as u32,
        })
    }

    fn update_segment(&mut self, seg: &SegmentData<'_>) -> PluginResult<()> {
        self.check_open("update_segment")?;
        let (Some(channels), Some(program)) = (self.channels, self.program.as_mut()) else {
            return Err(PluginError::invalid_state(
                "update_segment: no program uploaded; call upload() first",
            ));
        };
        let Some(stored) = program.segments.get_mut(seg.index as usize) else {
            return Err(PluginError::invalid_input(format!(
                "update_segment: segment {} does not exist (the program has {})",
                seg.index,
                program.segments.len()
            )));
        };
        Self::check_segment(seg, channels)?;
        if seg.n_samples != stored.n_samples {
            return Err(PluginError::invalid_input(format!(
                "update_segment: segment {} '{}' has {} samples, the new data {}: a length \
                 change needs a full upload",
                seg.index, stored.name, stored.n_samples, seg.n_samples
            )));
        }
        self.log.write(&[format!(
            "update_segment {} '{}' samples={} fnv1a={:016x} running={}",
            seg.index,
            seg.name,
            seg.n_samples,
            fingerprint(seg.samples.as_slice()),
            self.running
        )])?;
        stored.codes.copy_from_slice(seg.samples.as_slice());
        stored.name = seg.name.to_string();
        Ok(())
    }

    fn start(&mut self, force_trigger: bool) -> PluginResult<()> {
        self.check_open("start")?;
        if self.running {
            return Err(PluginError::invalid_state(
                "start: the card is already running; call stop() first",
            ));
        }
        let Some(program) = self.program.as_ref() else {
            return Err(PluginError::invalid_state(
                "start: no program uploaded; call configure() and upload() first",
            ));
        };
        self.log.write(&[format!(
            "start step={} force_trigger={force_trigger}",
            program.start_step
        )])?;
        self.running = true;
        Ok(())
    }

    fn force_trigger(&mut self) -> PluginResult<()> {
        self.check_open("force_trigger")?;
        if !self.running {
            return Err(PluginError::invalid_state(
                "force_trigger: the card is not running; call start() first",
            ));
        }
        self.log.write(&["force_trigger".to_string()])
    }

    fn stop(&mut self) -> PluginResult<()> {
        self.check_open("stop")?;
        if self.running {
            self.running = false;
            self.log.write(&["stop".to_string()])?;
        }
        Ok(())
    }

    fn status(&mut self) -> PluginResult<CardStatus> {
        let detail = match (&self.program, self.running, self.closed) {
            (_, _, true) => "closed".to_string(),
            (None, _, _) => "no program uploaded".to_string(),
            (Some(p), running, _) => format!(
                "{} with {} segments and {} steps in memory (this card plays nothing)",
                if running { "running" } else { "stopped" },
                p.segments.len(),
                p.steps.len()
            ),
        };
        Ok(CardStatus {
            running: self.running,
            current_step: None.into(),
            detail: detail.into(),
        })
    }

    fn read_back(&mut self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        self.check_open("read_back")?;
        let Some(program) = self.program.as_ref() else {
            return Err(PluginError::invalid_state(
                "read_back: no program uploaded; call upload() first",
            ));
        };
        let Some(stored) = program.segments.get(segment as usize) else {
            return Err(PluginError::invalid_input(format!(
                "read_back: segment {segment} does not exist (the program has {})",
                program.segments.len()
            )));
        };
        if out.len() != stored.codes.len() {
            return Err(PluginError::invalid_input(format!(
                "read_back: segment {segment} holds {} codes, the buffer has room for {}",
                stored.codes.len(),
                out.len()
            )));
        }
        out.copy_from_slice(&stored.codes);
        Ok(())
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

#[cfg(test)]
mod tests {
    use super::*;
    use awgsf_plugin_api::abi_stable::std_types::{RSlice, RStr};
    use awgsf_plugin_api::{ErrorKind, StepEnd, StopLevel};

    fn settings(channels: &[u32]) -> CardSettings {
        CardSettings::new(625e6, channels, 1000.0, StopLevel::Zero)
    }

    fn step(index: u32, segment: u32, next: u32, loops: u64, end: StepEnd) -> Step {
        Step {
            index,
            segment,
            next,
            loops,
            end,
        }
    }

    fn upload(card: &mut ExampleCard, data: &[Vec<i16>], steps: &[Step]) -> PluginResult<()> {
        let names: Vec<String> = (0..data.len()).map(|i| format!("s{i}")).collect();
        let segs: Vec<SegmentData<'_>> = data
            .iter()
            .enumerate()
            .map(|(i, d)| SegmentData {
                index: i as u32,
                name: RStr::from(names[i].as_str()),
                n_samples: d.len() as u64 / 2,
                n_channels: 2,
                samples: RSlice::from_slice(d),
            })
            .collect();
        card.upload(&UploadProgram {
            segments: RSlice::from_slice(&segs),
            steps: RSlice::from_slice(steps),
            start_step: 0,
            metadata_json: RStr::from("{}"),
        })
        .map(|_| ())
    }

    #[test]
    fn uploads_swaps_reads_back_and_logs() {
        let dir = tempfile::tempdir().unwrap();
        let log = dir.path().join("calls.log");
        let mut card = ExampleCard::open(&format!(r#"{{"log_file": {:?}}}"#, log)).unwrap();
        card.configure(&settings(&[0, 1])).unwrap();
        let a: Vec<i16> = (0..384).collect();
        let b = vec![7i16; 512];
        let steps = [
            step(0, 0, 1, 1, StepEnd::OnTrigger),
            step(1, 1, 0, 3, StepEnd::Always),
        ];
        upload(&mut card, &[a.clone(), b], &steps).unwrap();
        card.start(true).unwrap();
        let c = vec![-3i16; 512];
        card.update_segment(&SegmentData {
            index: 1,
            name: RStr::from("s1"),
            n_samples: 256,
            n_channels: 2,
            samples: RSlice::from_slice(&c),
        })
        .unwrap();
        let mut out = vec![0i16; 512];
        card.read_back(1, &mut out).unwrap();
        assert_eq!(out, c);
        let mut out = vec![0i16; 384];
        card.read_back(0, &mut out).unwrap();
        assert_eq!(out, a);
        card.close().unwrap();
        let text = std::fs::read_to_string(&log).unwrap();
        let lines: Vec<&str> = text.lines().collect();
        assert!(lines[1].starts_with("upload segments=2 slots=2 steps=2 bytes=1792"));
        assert!(text.contains("update_segment 1 's1' samples=256"));
        assert_eq!(lines.last(), Some(&"stop"));
    }

    #[test]
    fn refusals_name_what_is_wrong_and_change_nothing() {
        let mut card = ExampleCard::open("").unwrap();
        let e = upload(
            &mut card,
            &[vec![0; 384]],
            &[step(0, 0, 0, 1, StepEnd::Always)],
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::INVALID_STATE);
        let e = card.configure(&settings(&[0, 1, 2])).unwrap_err();
        assert!(e.message.contains("3 enabled channels"), "{e}");
        card.configure(&settings(&[0, 1])).unwrap();
        // 100 samples per channel: not a multiple of 32.
        let e = upload(
            &mut card,
            &[vec![0; 200]],
            &[step(0, 0, 0, 1, StepEnd::Always)],
        )
        .unwrap_err();
        assert!(e.message.contains("segment 0 's0'"), "{e}");
        let e = upload(
            &mut card,
            &[vec![0; 384]],
            &[step(0, 0, 5, 1, StepEnd::Always)],
        )
        .unwrap_err();
        assert!(e.message.contains("step 0 goes to step 5"), "{e}");
        let mut small = ExampleCard::open(r#"{"memory_bytes": 1024}"#).unwrap();
        small.configure(&settings(&[0, 1])).unwrap();
        let e = upload(
            &mut small,
            &[vec![0; 768]],
            &[step(0, 0, 0, 1, StepEnd::Always)],
        )
        .unwrap_err();
        assert_eq!(e.kind, ErrorKind::LIMIT_EXCEEDED);
        // Nothing was stored by the refused uploads.
        let mut out = vec![0i16; 384];
        assert_eq!(
            card.read_back(0, &mut out).unwrap_err().kind,
            ErrorKind::INVALID_STATE
        );
    }
}
