//! The `spcm` card backend: configure, full upload, hot swap, start/stop, status,
//! read-back and close on an open Spectrum card.
//!
//! Every failure of `configure`, `upload`, `start` and of a hot-swap write leaves the
//! card stopped (`SPC_M2CMD = CARD_STOP | DATA_STOPDMA`, transfer buffer invalidated);
//! a hot swap refused before any write leaves the card playing.

use awgsf_plugin_api::{
    CardInfo, CardSettings, CardStatus, HardwareBackend, PluginError, PluginResult, SegmentData,
    UploadProgram, UploadReport,
};

use crate::configure::{self, STOP_COMMAND};
use crate::device::{Device, DriverError};
use crate::driver;
use crate::model;
use crate::regs::*;
use crate::settings::SpcmSettings;
use crate::upload;

/// WRITESEGMENT, SEGMENTSIZE, transfer definition, DMA with wait.
fn write_segment(dev: &Device, seg: &SegmentData<'_>) -> Result<(), DriverError> {
    dev.set(SPC_SEQMODE_WRITESEGMENT, i64::from(seg.index))?;
    dev.set(SPC_SEQMODE_SEGMENTSIZE, seg.n_samples as i64)?;
    dev.define_write(seg.samples.as_slice())?;
    dev.set(SPC_M2CMD, M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA)
}

/// What `configure` established.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Configured {
    channels: u32,
}

/// An open Spectrum card.
#[derive(Debug)]
pub struct SpcmCard {
    device: Option<Device>,
    info: CardInfo,
    readback: bool,
    configured: Option<Configured>,
    /// Segment lengths of the complete program on the card.
    uploaded: Option<Vec<u64>>,
}

impl SpcmCard {
    /// Loads the driver, opens the card named in the settings JSON and reads its
    /// description. Nothing is written to the card.
    pub fn open(settings_json: &str) -> PluginResult<SpcmCard> {
        let settings = SpcmSettings::parse(settings_json)?;
        let driver = driver::load(settings.driver_path.as_deref())?;
        let device = Device::open(driver, &settings.device)?;
        let description = model::describe(&device, &settings)?;
        Ok(SpcmCard {
            device: Some(device),
            info: description.info,
            readback: description.readback,
            configured: None,
            uploaded: None,
        })
    }

    /// The card's description.
    pub fn info(&self) -> &CardInfo {
        &self.info
    }

    fn dev(&self) -> PluginResult<&Device> {
        self.device
            .as_ref()
            .ok_or_else(|| PluginError::invalid_state("the card has been closed"))
    }

    /// Stops replay and DMA and drops the transfer definition.
    fn halt(&self) -> Result<(), DriverError> {
        let Some(dev) = self.device.as_ref() else {
            return Ok(());
        };
        dev.set(SPC_M2CMD, STOP_COMMAND)?;
        dev.invalidate()
    }

    /// Stops the card after a failure and says so in the error; the card then needs
    /// a new upload (and, after a failed configure, a new configure).
    fn failed(&mut self, err: PluginError, forget_configuration: bool) -> PluginError {
        self.uploaded = None;
        if forget_configuration {
            self.configured = None;
        }
        let note = match self.halt() {
            Ok(()) => "; the card is stopped".to_string(),
            Err(e) => format!("; stopping the card also failed: {e}"),
        };
        PluginError::new(err.kind, format!("{}{note}", err.message))
    }

    fn configured(&self) -> PluginResult<Configured> {
        self.configured
            .ok_or_else(|| PluginError::invalid_state("configure the card before uploading"))
    }

    fn is_running(&self) -> PluginResult<bool> {
        let status = self
            .dev()?
            .get(SPC_M2STATUS)
            .map_err(|e| e.into_plugin("reading the card status"))?;
        Ok(status & M2STAT_CARD_READY == 0)
    }

    fn do_configure(&mut self, settings: &CardSettings) -> PluginResult<()> {
        let plan = configure::plan(&self.info, settings)?;
        let dev = self.dev()?;
        for w in &plan {
            dev.set(w.reg, w.value)
                .map_err(|e| e.into_plugin("configure"))?;
        }
        let rate = dev
            .get(SPC_SAMPLERATE)
            .map_err(|e| e.into_plugin("configure"))?;
        if rate as f64 != settings.sample_rate_hz {
            return Err(PluginError::device(format!(
                "configure: SPC_SAMPLERATE reads back {rate} Hz after writing {} Hz",
                settings.sample_rate_hz
            )));
        }
        Ok(())
    }

    fn do_upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        let channels = self.configured()?.channels;
        let layout = upload::check_program(&self.info, channels, program)?;
        let dev = self.dev()?;
        let step = |e: DriverError, what: String| e.into_plugin(&format!("upload: {what}"));
        dev.set(SPC_M2CMD, STOP_COMMAND)
            .map_err(|e| step(e, "stopping the card".into()))?;
        dev.set(SPC_SEQMODE_STARTSTEP, i64::from(program.start_step))
            .map_err(|e| step(e, "start step".into()))?;
        dev.set(SPC_SEQMODE_MAXSEGMENTS, i64::from(layout.slots))
            .map_err(|e| step(e, "segment slots".into()))?;
        for seg in program.segments.iter() {
            write_segment(dev, seg)
                .map_err(|e| step(e, format!("segment {} '{}'", seg.index, seg.name)))?;
        }
        for (i, word) in layout.words.iter().enumerate() {
            dev.set(SPC_SEQMODE_STEPMEM0 + i as i32, *word as i64)
                .map_err(|e| step(e, format!("step {i}")))?;
        }
        let report = UploadReport {
            bytes: layout.bytes,
            segments: layout.lengths.len() as u32,
            slots: layout.slots,
            steps: layout.words.len() as u32,
        };
        self.uploaded = Some(layout.lengths);
        Ok(report)
    }

    fn check_swap(&self, seg: &SegmentData<'_>) -> PluginResult<()> {
        let lengths = self.uploaded.as_ref().ok_or_else(|| {
            PluginError::invalid_state(
                "hot swap needs a complete program on the card; upload first",
            )
        })?;
        let Some(&length) = lengths.get(seg.index as usize) else {
            return Err(PluginError::invalid_input(format!(
                "segment {} '{}': the program on the card has {} segments",
                seg.index,
                seg.name,
                lengths.len()
            )));
        };
        if seg.n_samples != length {
            return Err(PluginError::invalid_input(format!(
                "segment {} '{}': hot swap keeps segment lengths, the card holds {length} samples, got {}; do a full upload",
                seg.index, seg.name, seg.n_samples
            )));
        }
        upload::check_segment(&self.info, self.configured()?.channels, seg)
    }

    fn do_read_back(&self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        let dev = self.dev()?;
        let ctx = |e: DriverError| e.into_plugin(&format!("read-back of segment {segment}"));
        dev.set(SPC_SEQMODE_WRITESEGMENT, i64::from(segment))
            .map_err(ctx)?;
        let channels = self.configured()?.channels as usize;
        dev.set(SPC_SEQMODE_SEGMENTSIZE, (out.len() / channels) as i64)
            .map_err(ctx)?;
        dev.set(SPC_MEMTEST, 1).map_err(ctx)?;
        let transfer = dev
            .define_read(out)
            .and_then(|()| dev.set(SPC_M2CMD, M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA));
        let restore = dev.set(SPC_MEMTEST, 0);
        if transfer.is_err() {
            let _ = dev.set(SPC_M2CMD, STOP_COMMAND);
            let _ = dev.invalidate();
        }
        transfer.map_err(ctx)?;
        restore.map_err(ctx)
    }
}

impl HardwareBackend for SpcmCard {
    fn describe(&self) -> PluginResult<CardInfo> {
        Ok(self.info.clone())
    }

    fn configure(&mut self, settings: &CardSettings) -> PluginResult<()> {
        self.configured = None;
        self.uploaded = None;
        match self.do_configure(settings) {
            Ok(()) => {
                self.configured = Some(Configured {
                    channels: settings.channels.len() as u32,
                });
                Ok(())
            }
            Err(e) => Err(self.failed(e, true)),
        }
    }

    fn upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        self.uploaded = None;
        self.do_upload(program).map_err(|e| self.failed(e, false))
    }

    fn update_segment(&mut self, segment: &SegmentData<'_>) -> PluginResult<()> {
        self.check_swap(segment)?;
        write_segment(self.dev()?, segment).map_err(|e| {
            let e = e.into_plugin(&format!(
                "hot swap of segment {} '{}'",
                segment.index, segment.name
            ));
            self.failed(e, false)
        })
    }

    fn start(&mut self, force_trigger: bool) -> PluginResult<()> {
        if self.uploaded.is_none() {
            return Err(PluginError::invalid_state(
                "start needs a complete program on the card; upload first",
            ));
        }
        let restart = self.is_running()?;
        let mut cmd = M2CMD_CARD_START | M2CMD_CARD_ENABLETRIGGER;
        if force_trigger {
            cmd |= M2CMD_CARD_FORCETRIGGER;
        }
        let dev = self.dev()?;
        let result = if restart {
            dev.set(SPC_M2CMD, STOP_COMMAND)
        } else {
            Ok(())
        }
        .and_then(|()| dev.set(SPC_M2CMD, cmd));
        result.map_err(|e| {
            let e = e.into_plugin("start");
            self.failed(e, false)
        })
    }

    fn force_trigger(&mut self) -> PluginResult<()> {
        self.dev()?
            .set(SPC_M2CMD, M2CMD_CARD_FORCETRIGGER)
            .map_err(|e| e.into_plugin("force trigger"))
    }

    fn stop(&mut self) -> PluginResult<()> {
        self.dev()?
            .set(SPC_M2CMD, STOP_COMMAND)
            .map_err(|e| e.into_plugin("stop"))
    }

    fn status(&mut self) -> PluginResult<CardStatus> {
        let dev = self.dev()?;
        let m2 = dev.get(SPC_M2STATUS).map_err(|e| e.into_plugin("status"))?;
        let running = m2 & M2STAT_CARD_READY == 0;
        let mut detail = format!(
            "SPC_M2STATUS 0x{m2:x} ({}{})",
            if running { "running" } else { "ready" },
            if m2 & M2STAT_CARD_TRIGGER != 0 {
                ", triggered"
            } else {
                ""
            }
        );
        let mut current = None;
        if self.configured.is_some() {
            let seq = dev
                .get(SPC_SEQMODE_STATUS)
                .map_err(|e| e.into_plugin("status"))?;
            detail.push_str(&format!(", SPC_SEQMODE_STATUS 0x{seq:x}"));
            if running {
                current = Some((seq & !SEQSTAT_STEPCHANGE) as u32);
            }
        }
        Ok(CardStatus {
            running,
            current_step: current.into(),
            detail: detail.into(),
        })
    }

    fn read_back(&mut self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        if !self.readback {
            return Err(PluginError::unsupported(format!(
                "memory read-back is not available on the {} at {} (no SPC_MEMTEST, or memory_readback = \"off\")",
                self.info.model,
                self.dev()?.name
            )));
        }
        let lengths = self.uploaded.as_ref().ok_or_else(|| {
            PluginError::invalid_state("read-back needs a complete program on the card")
        })?;
        let Some(&length) = lengths.get(segment as usize) else {
            return Err(PluginError::invalid_input(format!(
                "read-back: segment {segment} does not exist ({} segments on the card)",
                lengths.len()
            )));
        };
        let channels = u64::from(self.configured()?.channels);
        if out.len() as u64 != length * channels {
            return Err(PluginError::invalid_input(format!(
                "read-back of segment {segment}: buffer of {} codes, expected {length} samples x {channels} channels",
                out.len()
            )));
        }
        if self.is_running()? {
            return Err(PluginError::invalid_state(
                "read-back needs a stopped card (memory-test mode cannot be entered while it plays)",
            ));
        }
        self.do_read_back(segment, out)
    }

    fn close(&mut self) -> PluginResult<()> {
        if self.device.is_none() {
            return Ok(());
        }
        let stopped = self.halt();
        self.device = None;
        self.configured = None;
        self.uploaded = None;
        stopped.map_err(|e| e.into_plugin("close (the handle was closed anyway)"))
    }
}

impl Drop for SpcmCard {
    fn drop(&mut self) {
        let _ = self.close();
    }
}
