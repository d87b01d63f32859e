//! Root modules (one per plugin role) and the `#[sabi_trait]` objects they open.

// The `#[sabi_trait]` expansion defines impls inside a generated constant.
#![allow(non_local_definitions)]

use abi_stable::library::RootModule;
use abi_stable::sabi_trait;
use abi_stable::sabi_types::VersionStrings;
use abi_stable::std_types::{RBox, ROption, RResult, RSliceMut, RStr};
use abi_stable::StableAbi;

use crate::card::{
    CardInfo, CardSettings, CardStatus, PlaybackTrace, SegmentData, UploadProgram, UploadReport,
};
use crate::error::PluginError;
use crate::plan::{RenderJob, SynthInfo};
use crate::version::{PluginInfo, Probe};

/// A synthesis backend opened by a [`SynthesisMod`].
#[sabi_trait]
pub trait Synthesizer: Send + Sync {
    /// What the backend is and can do.
    fn describe(&self) -> RResult<SynthInfo, PluginError>;

    /// Renders every job. Jobs may cover any sample range of any segment; the
    /// output of a sample must not depend on how ranges are split or on the
    /// number of threads.
    ///
    /// The last method every plugin of this API has: methods a later minor version
    /// adds go after it and are optional for older plugins.
    #[sabi(last_prefix_field)]
    fn render(&self, jobs: RSliceMut<'_, RenderJob<'_>>) -> RResult<(), PluginError>;
}

/// Owned, type-erased synthesis backend.
pub type SynthesizerBox = Synthesizer_TO<'static, RBox<()>>;

/// A card opened by a [`HardwareMod`].
#[sabi_trait]
pub trait Card: Send {
    /// The card's limits and features.
    fn describe(&self) -> RResult<CardInfo, PluginError>;

    /// Sets mode, channels, amplitudes, trigger and clock. Nothing is half-applied:
    /// on error the card is left stopped.
    fn configure(&mut self, settings: &CardSettings) -> RResult<(), PluginError>;

    /// Writes every segment and the step table. On error the card is left stopped.
    fn upload(&mut self, program: &UploadProgram<'_>) -> RResult<UploadReport, PluginError>;

    /// Rewrites one segment of unchanged length, also while the card plays.
    fn update_segment(&mut self, segment: &SegmentData<'_>) -> RResult<(), PluginError>;

    /// Starts playback from the start step and arms the trigger; optionally forces
    /// a first trigger.
    fn start(&mut self, force_trigger: bool) -> RResult<(), PluginError>;

    /// Forces one trigger.
    fn force_trigger(&mut self) -> RResult<(), PluginError>;

    /// Stops playback.
    fn stop(&mut self) -> RResult<(), PluginError>;

    /// Current state.
    fn status(&mut self) -> RResult<CardStatus, PluginError>;

    /// What was played since `start`, where the backend can tell.
    fn playback(&mut self) -> RResult<ROption<PlaybackTrace>, PluginError>;

    /// Reads segment `segment` back from card memory into `out` (interleaved codes,
    /// `n_samples * n_channels` long), for cards with
    /// [`CardFeatures::MEMORY_READBACK`](crate::CardFeatures::MEMORY_READBACK).
    fn read_back(&mut self, segment: u32, out: RSliceMut<'_, i16>) -> RResult<(), PluginError>;

    /// Stops the card and releases it.
    ///
    /// The last method every plugin of this API has: methods a later minor version
    /// adds go after it and are optional for older plugins.
    #[sabi(last_prefix_field)]
    fn close(&mut self) -> RResult<(), PluginError>;
}

/// Owned, type-erased card.
pub type CardBox = Card_TO<'static, RBox<()>>;

/// Root module of a synthesis plugin.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = SynthesisModRef)))]
#[sabi(missing_field(panic))]
pub struct SynthesisMod {
    /// Identity of the plugin.
    pub info: extern "C" fn() -> PluginInfo,
    /// Whether it can run here with these settings (JSON object text).
    pub probe: extern "C" fn(settings_json: RStr<'_>) -> Probe,
    /// Opens the backend with its settings (JSON object text).
    #[sabi(last_prefix_field)]
    pub open: extern "C" fn(settings_json: RStr<'_>) -> RResult<SynthesizerBox, PluginError>,
}

impl RootModule for SynthesisModRef {
    abi_stable::declare_root_module_statics! {SynthesisModRef}
    const BASE_NAME: &'static str = SYNTHESIS_MODULE_NAME;
    const NAME: &'static str = SYNTHESIS_MODULE_NAME;
    const VERSION_STRINGS: VersionStrings = abi_stable::package_version_strings!();
}

/// Root module of a hardware plugin.
#[repr(C)]
#[derive(StableAbi)]
#[sabi(kind(Prefix(prefix_ref = HardwareModRef)))]
#[sabi(missing_field(panic))]
pub struct HardwareMod {
    /// Identity of the plugin.
    pub info: extern "C" fn() -> PluginInfo,
    /// Whether a card can be opened with these settings (JSON object text):
    /// "driver not found", "card found: ...".
    pub probe: extern "C" fn(settings_json: RStr<'_>) -> Probe,
    /// Opens the card with its settings (JSON object text).
    #[sabi(last_prefix_field)]
    pub open: extern "C" fn(settings_json: RStr<'_>) -> RResult<CardBox, PluginError>,
}

impl RootModule for HardwareModRef {
    abi_stable::declare_root_module_statics! {HardwareModRef}
    const BASE_NAME: &'static str = HARDWARE_MODULE_NAME;
    const NAME: &'static str = HARDWARE_MODULE_NAME;
    const VERSION_STRINGS: VersionStrings = abi_stable::package_version_strings!();
}

/// Root-module name of synthesis plugins (read from a library before loading it).
pub const SYNTHESIS_MODULE_NAME: &str = "awgsf_synthesis";
/// Root-module name of hardware plugins (read from a library before loading it).
pub const HARDWARE_MODULE_NAME: &str = "awgsf_hardware";
