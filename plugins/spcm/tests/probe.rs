//! `probe` and `open` against emulated cards of several kinds.

mod common;

use awgsf_plugin_api::abi_stable::std_types::{RResult, RStr};
use awgsf_plugin_api::{CardFeatures, ErrorKind, HardwareBackend};
use awgsf_spcm::probe::probe;
use awgsf_spcm::SpcmCard;
use common::{recreate_mol_exp, small_program, software_settings, Emu, Op};

#[test]
fn probe_finds_the_card_and_leaves_nothing_open() {
    let emu = Emu::new("/dev/spcm-probe", "");
    let p = probe(&emu.settings());
    assert!(p.available, "{}", p.detail);
    assert_eq!(p.detail.as_str(), "card found: M4i.6622-x8 SN 12345");
    assert_eq!(p.device.as_str(), "M4i.6622-x8 SN 12345 at /dev/spcm-probe");
    assert_eq!(emu.state()["open"], false);
    assert!(emu.writes().is_empty(), "probe wrote {:?}", emu.writes());
    // The handle was released: opening again works.
    let _card = SpcmCard::open(&emu.settings()).unwrap();
    assert_eq!(emu.state()["open"], true);
}

#[test]
fn probe_says_why_not() {
    let emu = Emu::new("/dev/spcm-probe-why", "");
    let missing = emu
        .settings()
        .replace("/dev/spcm-probe-why", "/dev/spcm-probe-missing");
    let p = probe(&missing);
    assert!(!p.available);
    assert!(
        p.detail.starts_with("no card at /dev/spcm-probe-missing: "),
        "{}",
        p.detail
    );

    let p = probe(&emu.settings_with(r#", "expect_serial": 999"#));
    assert!(!p.available);
    assert_eq!(
        p.detail.as_str(),
        "card at /dev/spcm-probe-why is a M4i.6622-x8 SN 12345, settings expect_serial is 999"
    );
    let p = probe(&emu.settings_with(r#", "expect_model": "M4i.6621-x8""#));
    assert!(
        p.detail.contains("settings expect_model is M4i.6621-x8"),
        "{}",
        p.detail
    );
    let p = probe(&emu.settings_with(r#", "colour": "blue""#));
    assert!(p.detail.contains("unknown key `colour`"), "{}", p.detail);
    assert_eq!(emu.state()["open"], false);
}

#[test]
fn unsupported_cards_are_refused() {
    let emu = Emu::new("/dev/spcm-probe-m2p", r#"{"type_code": 615750}"#); // 0x96546
    let p = probe(&emu.settings());
    assert!(!p.available);
    assert_eq!(
        p.detail.as_str(),
        "card at /dev/spcm-probe-m2p is a M2p.6546-x4 SN 12345 (type 0x096546); this plugin supports M4i.66xx generators"
    );
    let emu = Emu::new("/dev/spcm-probe-digitiser", r#"{"function_type": 1}"#);
    let err = SpcmCard::open(&emu.settings()).unwrap_err();
    assert!(err.message.contains("not a generator"), "{err}");
}

#[test]
fn exported_module_opens_the_card() {
    let emu = Emu::new("/dev/spcm-module", "");
    let module = awgsf_spcm::awgsf_hardware_root_module();
    let mut card = match (module.open())(RStr::from(emu.settings().as_str())) {
        RResult::ROk(c) => c,
        RResult::RErr(e) => panic!("{e}"),
    };
    let info = card.describe().unwrap();
    assert_eq!(info.model.as_str(), "M4i.6622-x8");
    card.configure(&software_settings()).unwrap();
    card.close().unwrap();
    assert_eq!(emu.state()["open"], false);
}

#[test]
fn card_without_memory_test_or_sequence_option() {
    let emu = Emu::new("/dev/spcm-no-memtest", r#"{"memtest": false}"#);
    let program = small_program();
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    assert!(!card
        .describe()
        .unwrap()
        .features
        .contains(CardFeatures::MEMORY_READBACK));
    card.configure(&software_settings()).unwrap();
    card.upload(&program.upload(&segments)).unwrap();
    let mut out = vec![0i16; program.data[0].len()];
    assert_eq!(
        card.read_back(0, &mut out).unwrap_err().kind,
        ErrorKind::UNSUPPORTED
    );

    let emu = Emu::new("/dev/spcm-readback-off", "");
    let card = SpcmCard::open(&emu.settings_with(r#", "memory_readback": "off""#)).unwrap();
    assert!(!card
        .describe()
        .unwrap()
        .features
        .contains(CardFeatures::MEMORY_READBACK));

    let emu = Emu::new("/dev/spcm-no-sequence", r#"{"features": 0}"#);
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    let info = card.describe().unwrap();
    assert!(!info.features.contains(CardFeatures::SEQUENCE_REPLAY));
    assert_eq!(info.max_segments, 0);
    let err = card.configure(&software_settings()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::UNSUPPORTED);
    assert!(err.message.contains("no sequence-replay option"), "{err}");
    emu.assert_stopped();
}

#[test]
fn settings_are_checked_against_the_description() {
    let emu = Emu::new(
        "/dev/spcm-two-channels",
        r#"{"type_code": 484897, "channels_per_module": 2}"#,
    ); // 0x76621
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    let info = card.describe().unwrap();
    assert_eq!(info.model.as_str(), "M4i.6621-x8");
    assert_eq!(info.channel_counts.as_slice(), &[1, 2]);
    let mut s = software_settings();
    s.channels.push(s.channels[0]);
    s.channels.push(s.channels[0]);
    for (i, c) in s.channels.iter_mut().enumerate() {
        c.index = i as u32;
    }
    let err = card.configure(&s).unwrap_err();
    assert_eq!(err.kind, ErrorKind::INVALID_INPUT);
    assert!(
        err.message
            .starts_with("card.channels: 4 enabled channels, the M4i.6621-x8 accepts 1 or 2"),
        "{err}"
    );
    let mut s = software_settings();
    s.sample_rate_hz = 1e9;
    assert!(card
        .configure(&s)
        .unwrap_err()
        .message
        .starts_with("card.sample_rate_hz: 1000000000 Hz is outside"));
    let mut s = software_settings();
    s.channels[1].amplitude_mv = 50.0;
    assert!(card.configure(&s).unwrap_err().message.starts_with(
        "card.amplitude_mv (channel 1): 50 mV is outside the M4i.6621-x8's 80..2500 mV"
    ));
    // Only the stops of the failure path reached the card.
    assert!(
        emu.writes()
            .iter()
            .all(|w| *w == Op::Set(100, common::STOP)),
        "{:?}",
        emu.writes()
    );
}

#[test]
fn memory_per_slot_is_checked_before_any_write() {
    // 16 slots of 64 KiB: 16384 samples per slot with 2 channels, below the
    // recreate_mol_exp segments.
    let emu = Emu::new("/dev/spcm-small-memory", r#"{"memory_bytes": 1048576}"#);
    let program = recreate_mol_exp();
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&common::reference_settings()).unwrap();
    let before = emu.log().len();
    let err = card.upload(&program.upload(&segments)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::LIMIT_EXCEEDED);
    assert_eq!(
        err.message.as_str(),
        "segment 1 'loading_tweezers_on': 124960 samples exceed the 16384 samples of one of 16 segment slots (1048576 bytes of memory, 2 channels); the card is stopped"
    );
    assert_eq!(
        common::writes(&emu.log()[before..]),
        vec![Op::Set(100, common::STOP)]
    );
}
