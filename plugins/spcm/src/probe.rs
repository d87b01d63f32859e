//! `probe`: whether a card can be opened with these settings, without keeping
//! anything open or writing to the card.

use awgsf_plugin_api::Probe;

use crate::device::Device;
use crate::driver;
use crate::model;
use crate::settings::SpcmSettings;

/// "driver not found (looked in: ...)", "no card at /dev/spcm0: ...", or
/// "card found: M4i.6622-x8 SN 12345".
pub fn probe(settings_json: &str) -> Probe {
    let settings = match SpcmSettings::parse(settings_json) {
        Ok(s) => s,
        Err(e) => return Probe::unavailable(e.message),
    };
    let driver = match driver::load(settings.driver_path.as_deref()) {
        Ok(d) => d,
        Err(e) => return Probe::unavailable(e.message),
    };
    let device = match Device::open(driver, &settings.device) {
        Ok(d) => d,
        Err(e) => return Probe::unavailable(e.message),
    };
    match model::describe(&device, &settings) {
        Ok(d) => {
            let found = format!("{} SN {}", d.info.model, d.info.serial);
            Probe::available(
                format!("{found} at {}", settings.device),
                format!("card found: {found}"),
            )
        }
        Err(e) => Probe::unavailable(e.message),
    }
}
