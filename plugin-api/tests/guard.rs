//! The export macro and the panic guard, exercised in-process.

use awgsf_plugin_api::abi_stable::std_types::{RResult, RStr};
use awgsf_plugin_api::*;

struct Panicky;

impl HardwareBackend for Panicky {
    fn describe(&self) -> PluginResult<CardInfo> {
        panic!("describe exploded")
    }
    fn configure(&mut self, _: &CardSettings) -> PluginResult<()> {
        Err(PluginError::invalid_input(
            "sample_rate_hz: expected at most 1.25e9",
        ))
    }
    fn upload(&mut self, _: &UploadProgram<'_>) -> PluginResult<UploadReport> {
        Ok(UploadReport::default())
    }
    fn update_segment(&mut self, _: &SegmentData<'_>) -> PluginResult<()> {
        Ok(())
    }
    fn start(&mut self, _: bool) -> PluginResult<()> {
        let v: Vec<u8> = Vec::new();
        let _ = v[3];
        Ok(())
    }
    fn force_trigger(&mut self) -> PluginResult<()> {
        Ok(())
    }
    fn stop(&mut self) -> PluginResult<()> {
        Ok(())
    }
    fn status(&mut self) -> PluginResult<CardStatus> {
        Ok(CardStatus {
            running: false,
            current_step: None.into(),
            detail: "idle".into(),
        })
    }
    fn close(&mut self) -> PluginResult<()> {
        Ok(())
    }
}

awgsf_plugin_api::export_hardware_plugin! {
    info: || PluginInfo::new("panicky", "9.9.9", PluginRole::Hardware, "test double"),
    probe: |_s: &str| Probe::available("nothing", ""),
    open: |s: &str| -> PluginResult<Panicky> {
        if s == "refuse" { Err(PluginError::not_available("no card")) } else { Ok(Panicky) }
    },
}

#[test]
fn panics_become_errors_and_errors_pass_through() {
    let module = awgsf_hardware_root_module();
    let info = (module.info())();
    assert_eq!(info.name.as_str(), "panicky");
    assert_eq!(info.api_version.as_str(), API_VERSION);

    match (module.open())(RStr::from("refuse")) {
        RResult::RErr(e) => assert_eq!(e.kind, ErrorKind::NOT_AVAILABLE),
        RResult::ROk(_) => panic!("open should have failed"),
    }
    let mut card = match (module.open())(RStr::from("{}")) {
        RResult::ROk(c) => c,
        RResult::RErr(e) => panic!("{e}"),
    };
    let err = card.describe().unwrap_err();
    assert_eq!(err.kind, ErrorKind::PANIC);
    assert!(err.message.contains("describe exploded"), "{}", err.message);
    let err = card.start(false).unwrap_err();
    assert_eq!(err.kind, ErrorKind::PANIC);
    assert!(
        err.message.contains("index out of bounds"),
        "{}",
        err.message
    );
    let mut out = [0i16; 4];
    let err = card.read_back(0, out.as_mut_slice().into()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::UNSUPPORTED);
    assert!(card.status().unwrap().detail.as_str() == "idle");
}

#[test]
fn step_word_matches_spectrum_layout() {
    let s = Step {
        index: 3,
        segment: 5,
        next: 4,
        loops: 7,
        end: StepEnd::OnTrigger,
    };
    assert_eq!(s.spectrum_word(), (0x4000_0007u64 << 32) | (4 << 16) | 5);
    let s = Step {
        index: 0,
        segment: 0xFFFF,
        next: 0,
        loops: (1 << 20) - 1,
        end: StepEnd::EndOfSequence,
    };
    assert_eq!(s.spectrum_word(), (0x800F_FFFFu64 << 32) | 0xFFFF);
}

#[test]
fn exported_symbol_is_the_one_abi_stable_looks_up() {
    assert_eq!(
        awgsf_plugin_api::guard::ROOT_MODULE_SYMBOL,
        awgsf_plugin_api::abi_stable::library::ROOT_MODULE_LOADER_NAME
    );
    // The static exists under that name in this test binary.
    let _ = &_1as_0lib_1header_0root_bmodule_bloader;
}
