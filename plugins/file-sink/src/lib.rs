//! `file-sink`: a hardware plugin that writes what a card would receive to disk, for
//! other tools and for offline export.
//!
//! On upload it writes, into the settings' `output_dir`:
//! * `segment_NNN_<name>.npy` per segment slot: int16, shape `(n_channels, n_samples)`
//!   in Fortran order, so the bytes are the card's interleaved order and numpy loads
//!   it as the reference library's `data_i16`;
//! * `steps.json`: the step table with Spectrum step words;
//! * `manifest.json`: the program metadata from the host, the card settings, the
//!   files and the limits the program was quantised for.
//!
//! Writing is atomic and safe (see `awgsf_plugin_api::output_dir`): everything goes
//! to a temporary sibling directory that is renamed into place without replacing
//! a directory that appeared meanwhile, so a failed run leaves nothing half
//! written and of two concurrent runs one fails. An existing directory is only
//! replaced when `overwrite = true`, and then only when it is empty or an earlier
//! awgsf output (never `.`, `..` or the working directory). File names are
//! `segment_NNN_<name>.npy` with the name part cut to
//! `output_dir::MAX_NAME_PART` characters.

mod settings;
mod writer;

use awgsf_plugin_api::*;

pub use settings::Settings;
pub use writer::Export;

/// The file-sink backend.
pub struct FileSink {
    settings: Settings,
    card: Option<CardSettings>,
    export: Option<Export>,
    /// Started and not stopped since: what a card would be doing.
    running: bool,
}

impl FileSink {
    /// Opens a sink with settings JSON (see [`Settings`]).
    pub fn open(settings_json: &str) -> PluginResult<FileSink> {
        Ok(FileSink {
            settings: Settings::parse(settings_json)?,
            card: None,
            export: None,
            running: false,
        })
    }
}

impl HardwareBackend for FileSink {
    fn describe(&self) -> PluginResult<CardInfo> {
        Ok(self.settings.card_info())
    }

    fn configure(&mut self, settings: &CardSettings) -> PluginResult<()> {
        let n = settings.channels.len() as u32;
        if !self.settings.channel_counts.contains(&n) {
            return Err(PluginError::limit(format!(
                "{n} enabled channels: this target accepts {:?}",
                self.settings.channel_counts
            )));
        }
        self.card = Some(settings.clone());
        Ok(())
    }

    fn upload(&mut self, program: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        let card = self
            .card
            .as_ref()
            .ok_or_else(|| PluginError::invalid_state("upload before configure"))?;
        program.check(&self.settings.card_info())?;
        let export = writer::write_all(&self.settings, card, program)?;
        let report = export.report;
        self.export = Some(export);
        Ok(report)
    }

    fn update_segment(&mut self, segment: &SegmentData<'_>) -> PluginResult<()> {
        let export = self
            .export
            .as_mut()
            .ok_or_else(|| PluginError::invalid_state("update_segment before a full upload"))?;
        export.rewrite_segment(segment, &self.settings.card_info())
    }

    fn start(&mut self, _force_trigger: bool) -> PluginResult<()> {
        if self.export.is_none() {
            return Err(PluginError::invalid_state("start before upload"));
        }
        self.running = true;
        Ok(())
    }

    fn force_trigger(&mut self) -> PluginResult<()> {
        Ok(())
    }

    fn stop(&mut self) -> PluginResult<()> {
        self.running = false;
        Ok(())
    }

    fn status(&mut self) -> PluginResult<CardStatus> {
        Ok(CardStatus {
            running: self.running,
            current_step: None.into(),
            detail: match &self.export {
                Some(e) => format!("written to {}", e.dir.display()).into(),
                None => "nothing written yet".into(),
            },
        })
    }

    fn read_back(&mut self, segment: u32, out: &mut [i16]) -> PluginResult<()> {
        let export = self
            .export
            .as_ref()
            .ok_or_else(|| PluginError::invalid_state("read_back before upload"))?;
        export.read_segment(segment, out)
    }

    fn close(&mut self) -> PluginResult<()> {
        self.running = false;
        Ok(())
    }
}

fn probe(settings_json: &str) -> Probe {
    match Settings::parse(settings_json) {
        Ok(s) => Probe::available(format!("files in {}", s.dir.display()), ""),
        Err(e) => Probe::unavailable(e.message.to_string()),
    }
}

export_hardware_plugin! {
    info: || PluginInfo::new(
        "file-sink",
        env!("CARGO_PKG_VERSION"),
        PluginRole::Hardware,
        "writes segments (.npy), steps and a manifest to a directory",
    ),
    probe: probe,
    open: FileSink::open,
}
