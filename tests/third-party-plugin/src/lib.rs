//! `example-card`: a complete, minimal hardware plugin written against
//! `awgsf-plugin-api` alone, as a third party would write one (walked through in
//! `docs/writing-a-hardware-plugin.md`).
//!
//! The "card" is a block of memory: it validates configurations and uploads like a
//! simple sequence-replay card would (limits in [`limits`]), keeps the uploaded
//! segments and steps, rewrites single segments while "running" (hot swap), reads
//! segments back, and, when the `log_file` setting names a file, appends one line per
//! call that changes its state. It plays nothing and reports no playback trace.
//!
//! # Settings (`[hardware.settings]`)
//!
//! | key | type | default | meaning |
//! |---|---|---|---|
//! | `log_file` | string | none | file to append the call log to |
//! | `memory_bytes` | integer | `536870912` (512 MiB) | sample memory of the card |

pub mod card;
pub mod limits;
pub mod log;
pub mod settings;

use awgsf_plugin_api::{PluginInfo, PluginResult, PluginRole, Probe};

pub use card::ExampleCard;
pub use settings::Settings;

/// The plugin's name, as listings show it.
pub const NAME: &str = "example-card";

/// Who the plugin is (called without opening anything).
pub fn plugin_info() -> PluginInfo {
    PluginInfo::new(
        NAME,
        env!("CARGO_PKG_VERSION"),
        PluginRole::Hardware,
        "example in-memory card that logs every upload (third-party plugin example)",
    )
}

/// Whether a card can be opened with these settings, and which.
pub fn probe(settings_json: &str) -> Probe {
    match Settings::parse(settings_json) {
        Ok(s) => Probe::available(
            "in-memory example card",
            match &s.log_file {
                Some(p) => format!("logging to {}", p.display()),
                None => "no log file".to_string(),
            },
        ),
        Err(e) => Probe::unavailable(e.to_string()),
    }
}

awgsf_plugin_api::export_hardware_plugin! {
    info: plugin_info,
    probe: probe,
    open: |settings: &str| -> PluginResult<ExampleCard> { ExampleCard::open(settings) },
}
