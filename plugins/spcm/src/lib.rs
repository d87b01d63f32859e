//! `spcm`: the hardware plugin for Spectrum Instrumentation generator cards
//! (M4i.66xx) in sequence-replay mode.
//!
//! The vendor driver (`libspcm_linux.so` / `spcm_win64.dll`) is loaded at run time
//! with libloading, so the plugin builds and loads on machines without it; `probe`
//! then says "driver not found (looked in: ...)". Settings keys are documented in
//! [`settings`]; the bring-up sequence in [`configure`] and [`card`];
//! `docs/hardware.md` has the whole story, including the emulated driver
//! (`awgsf-spcm-emulator`) the tests run against.

pub mod card;
pub mod configure;
pub mod device;
pub mod driver;
pub mod model;
pub mod probe;
pub mod regs;
pub mod settings;
pub mod upload;

pub use card::SpcmCard;
pub use settings::SpcmSettings;

use awgsf_plugin_api::{PluginInfo, PluginResult, PluginRole};

awgsf_plugin_api::export_hardware_plugin! {
    info: || PluginInfo::new(
        "spcm",
        env!("CARGO_PKG_VERSION"),
        PluginRole::Hardware,
        "Spectrum M4i.66xx generator cards in sequence-replay mode, through the vendor driver",
    ),
    probe: probe::probe,
    open: |settings: &str| -> PluginResult<SpcmCard> { SpcmCard::open(settings) },
}
