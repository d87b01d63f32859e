//! Without a CUDA driver the plugin says so and never panics: through its exported
//! root module (as the host loads it) and through the Rust API. Settings errors name
//! the key on every machine.

use abi_stable::std_types::{RResult, RStr};
use awgsf_cuda::cuda::driver::{driver_present, NO_DRIVER};
use awgsf_cuda::{availability, awgsf_synthesis_root_module, CudaBackend, NAME};
use awgsf_plugin_api::{ErrorKind, PluginRole};

fn driverless_or_skip() -> bool {
    if driver_present() {
        awgsf_test_kit::skip(
            "no-cuda-driver",
            "a CUDA driver is installed here; tests/gpu.rs covers this machine",
        );
        return false;
    }
    true
}

#[test]
fn info_names_the_plugin() {
    let module = awgsf_synthesis_root_module();
    let info = (module.info())();
    assert_eq!(info.name.as_str(), NAME);
    assert_eq!(info.role, PluginRole::Synthesis);
    assert_eq!(info.api_version.as_str(), awgsf_plugin_api::API_VERSION);
}

#[test]
fn probe_says_there_is_no_driver() {
    if !driverless_or_skip() {
        return;
    }
    let module = awgsf_synthesis_root_module();
    let probe = (module.probe())(RStr::from("{}"));
    assert!(!probe.available);
    assert!(
        probe.detail.as_str().contains(NO_DRIVER),
        "{}",
        probe.detail
    );
    let probe = (module.probe())(RStr::from(""));
    assert!(!probe.available);
}

#[test]
fn open_fails_as_not_available() {
    if !driverless_or_skip() {
        return;
    }
    let module = awgsf_synthesis_root_module();
    match (module.open())(RStr::from(r#"{"device": 0}"#)) {
        RResult::ROk(_) => panic!("opened a CUDA backend without a driver"),
        RResult::RErr(e) => {
            assert_eq!(e.kind, ErrorKind::NOT_AVAILABLE, "{e}");
            assert!(e.message.as_str().contains(NO_DRIVER), "{e}");
        }
    }
    let e = CudaBackend::from_json("{}")
        .err()
        .expect("no backend without a driver");
    assert_eq!(e.kind, ErrorKind::NOT_AVAILABLE);
    let e = availability("{}").unwrap_err();
    assert_eq!(e.message.as_str(), format!("cuda: {NO_DRIVER}"));
}

#[test]
fn bad_settings_name_the_key_everywhere() {
    let module = awgsf_synthesis_root_module();
    let probe = (module.probe())(RStr::from(r#"{"device": 0, "gpu": 1}"#));
    assert!(!probe.available);
    assert!(probe.detail.as_str().contains("`gpu`"), "{}", probe.detail);
    match (module.open())(RStr::from(r#"{"device": "first"}"#)) {
        RResult::ROk(_) => panic!("opened with a bad device index"),
        RResult::RErr(e) => {
            assert_eq!(e.kind, ErrorKind::INVALID_INPUT, "{e}");
            assert!(e.message.as_str().contains("`device`"), "{e}");
        }
    }
}
