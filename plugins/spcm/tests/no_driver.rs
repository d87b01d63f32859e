//! Without a driver library, open and probe fail cleanly with one line saying where
//! they looked.

mod common;

use awgsf_plugin_api::abi_stable::std_types::{RResult, RStr};
use awgsf_plugin_api::{ErrorKind, API_VERSION};
use awgsf_spcm::driver::{search_locations, Location, LIBRARY_NAME};
use awgsf_spcm::SpcmCard;

#[test]
fn missing_driver_at_driver_path() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(LIBRARY_NAME);
    let settings = format!(
        r#"{{"driver_path": {}}}"#,
        serde_json::to_string(&path).unwrap()
    );
    let err = SpcmCard::open(&settings).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NOT_AVAILABLE);
    assert_eq!(
        err.message.as_str(),
        format!("driver not found (looked in: {})", path.display())
    );

    // A folder given as driver_path is searched for the library file.
    let settings = format!(
        r#"{{"driver_path": {}}}"#,
        serde_json::to_string(dir.path()).unwrap()
    );
    let probe = awgsf_spcm::probe::probe(&settings);
    assert!(!probe.available);
    assert_eq!(
        probe.detail.as_str(),
        format!("driver not found (looked in: {})", path.display())
    );
}

#[test]
fn missing_driver_in_the_usual_places() {
    let locations = search_locations(None);
    let installed = locations.iter().any(|l| match l {
        Location::File(p) => p.exists(),
        // SAFETY: probing whether the system loader finds the vendor driver.
        Location::SystemSearch => unsafe { libloading::Library::new(LIBRARY_NAME) }.is_ok(),
    });
    if installed {
        awgsf_test_kit::skip(
            "no-spcm-driver",
            "a Spectrum driver is installed on this machine, so the default search finds one",
        );
        return;
    }
    let err = SpcmCard::open("{}").unwrap_err();
    assert_eq!(err.kind, ErrorKind::NOT_AVAILABLE);
    let msg = err.message.as_str();
    assert!(
        msg.starts_with(&format!("driver not found (looked in: {LIBRARY_NAME} via ")),
        "{msg}"
    );
    assert!(!msg.contains('\n'), "{msg}");
    let probe = awgsf_spcm::probe::probe("");
    assert!(!probe.available);
    assert_eq!(probe.detail.as_str(), msg);
}

#[test]
fn exported_module_reports_missing_driver() {
    let module = awgsf_spcm::awgsf_hardware_root_module();
    let info = (module.info())();
    assert_eq!(info.name.as_str(), "spcm");
    assert_eq!(info.api_version.as_str(), API_VERSION);
    let dir = tempfile::tempdir().unwrap();
    let settings = format!(
        r#"{{"driver_path": {}}}"#,
        serde_json::to_string(&dir.path().join("libnothing.so")).unwrap()
    );
    let probe = (module.probe())(RStr::from(settings.as_str()));
    assert!(!probe.available);
    assert!(probe.detail.starts_with("driver not found (looked in: "));
    match (module.open())(RStr::from(settings.as_str())) {
        RResult::RErr(e) => {
            assert_eq!(e.kind, ErrorKind::NOT_AVAILABLE);
            assert!(e.message.starts_with("driver not found"), "{e}");
        }
        RResult::ROk(_) => panic!("open without a driver succeeded"),
    }
    // Bad settings name the key before anything is loaded.
    match (module.open())(RStr::from(r#"{"device": "/dev/spcm0", "trigger": "ext0"}"#)) {
        RResult::RErr(e) => {
            assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
            assert!(e.message.contains("unknown key `trigger`"), "{e}");
        }
        RResult::ROk(_) => panic!("open with an unknown key succeeded"),
    }
}
