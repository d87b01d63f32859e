//! An opened card with typed operations: each call goes through the plugin's ABI
//! and returns the host's [`Error::Hardware`] naming the operation (and segment),
//! so callers never repeat `into_result().map_err(..)`.

use abi_stable::std_types::{RSlice, RSliceMut, RStr};
use awgsf_plugin_api::{
    CardBox, CardInfo, CardSettings, CardStatus, PlaybackTrace, PluginError, SegmentData,
    UploadProgram, UploadReport,
};

use crate::error::{Error, Result};
use crate::plugins::HardwarePlugin;

/// An opened card: the plugin it came from, the handle and its description.
pub struct Card {
    /// The plugin.
    pub plugin: HardwarePlugin,
    /// Its description.
    pub info: CardInfo,
    handle: CardBox,
}

/// A card error naming the operation.
fn failed(what: impl Into<String>) -> impl FnOnce(PluginError) -> Error {
    let what = what.into();
    move |error| Error::Hardware { what, error }
}

impl Card {
    /// Wraps an opened card handle.
    pub fn new(plugin: HardwarePlugin, handle: CardBox, info: CardInfo) -> Card {
        Card {
            plugin,
            info,
            handle,
        }
    }

    /// Applies clock, channel and trigger settings.
    pub fn configure(&mut self, settings: &CardSettings) -> Result<()> {
        self.handle
            .configure(settings)
            .into_result()
            .map_err(failed("configure"))
    }

    /// Writes every segment and the step table.
    pub fn upload(&mut self, program: &UploadProgram<'_>) -> Result<UploadReport> {
        self.handle
            .upload(program)
            .into_result()
            .map_err(failed("upload"))
    }

    /// Rewrites one segment's slot `index` with `codes` (hot swap); `name` is the
    /// segment's, for messages.
    pub fn update_segment(
        &mut self,
        index: u32,
        name: &str,
        n_samples: u64,
        n_channels: u32,
        codes: &[i16],
    ) -> Result<()> {
        let data = SegmentData {
            index,
            name: RStr::from(name),
            n_samples,
            n_channels,
            samples: RSlice::from_slice(codes),
        };
        self.handle
            .update_segment(&data)
            .into_result()
            .map_err(failed(format!("update_segment '{name}'")))
    }

    /// Starts playback (and forces a trigger when asked).
    pub fn start(&mut self, force_trigger: bool) -> Result<()> {
        self.handle
            .start(force_trigger)
            .into_result()
            .map_err(failed("start"))
    }

    /// Forces a trigger event.
    pub fn force_trigger(&mut self) -> Result<()> {
        self.handle
            .force_trigger()
            .into_result()
            .map_err(failed("force_trigger"))
    }

    /// Stops playback.
    pub fn stop(&mut self) -> Result<()> {
        self.handle.stop().into_result().map_err(failed("stop"))
    }

    /// The card's state.
    pub fn status(&mut self) -> Result<CardStatus> {
        self.handle.status().into_result().map_err(failed("status"))
    }

    /// What the card reports it played since start, if it can tell.
    pub fn playback(&mut self) -> Result<Option<PlaybackTrace>> {
        self.handle
            .playback()
            .into_result()
            .map(|t| t.into_option())
            .map_err(failed("playback"))
    }

    /// Reads slot `slot` back into `out` (interleaved int16).
    pub fn read_back(&mut self, slot: u32, out: &mut [i16]) -> Result<()> {
        self.handle
            .read_back(slot, RSliceMut::from_mut_slice(out))
            .into_result()
            .map_err(failed(format!("read_back of slot {slot}")))
    }

    /// Stops and releases the card.
    pub fn close(&mut self) -> Result<()> {
        self.handle.close().into_result().map_err(failed("close"))
    }
}
