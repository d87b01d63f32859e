//! Injected driver failures: each error names the register, value and the driver's
//! text, and leaves the card stopped.

mod common;

use awgsf_plugin_api::{ErrorKind, HardwareBackend, SegmentData};
use awgsf_spcm::SpcmCard;
use common::{segment_data, small_program, software_settings, Emu, Op, STOP};

const ERR_BOARDINUSE: u32 = 0x0B;
const ERR_VALUE: u32 = 0x101;

/// A card configured, uploaded with the small program and playing.
fn playing(emu: &Emu, program: &common::Program) -> SpcmCard {
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&software_settings()).unwrap();
    card.upload(&program.upload(&segments)).unwrap();
    card.start(true).unwrap();
    assert!(emu.is_running());
    card
}

#[test]
fn open_failure_names_the_device_and_the_driver_text() {
    let emu = Emu::new("/dev/spcm-fault-open", "");
    emu.fail_open(ERR_BOARDINUSE);
    let err = SpcmCard::open(&emu.settings()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::NOT_AVAILABLE);
    assert_eq!(
        err.message.as_str(),
        "no card at /dev/spcm-fault-open: spcm_hOpen(\"/dev/spcm-fault-open\") failed, driver says \"emulated driver: injected open failure of /dev/spcm-fault-open\" [ERR_BOARDINUSE 0xb]"
    );
    emu.fail_open(0);
    SpcmCard::open(&emu.settings()).unwrap();

    let other = Emu::new("/dev/spcm-fault-open-2", "");
    let missing = other
        .settings()
        .replace("/dev/spcm-fault-open-2", "/dev/spcm-nowhere");
    let err = SpcmCard::open(&missing).unwrap_err();
    assert!(
        err.message.starts_with("no card at /dev/spcm-nowhere: "),
        "{err}"
    );
    assert!(err.message.contains("ERR_BOARDNOTFOUND"), "{err}");
}

#[test]
fn register_failure_during_configure() {
    let emu = Emu::new("/dev/spcm-fault-configure", "");
    let program = small_program();
    let mut card = playing(&emu, &program);
    emu.fail_register(30110, 0, ERR_VALUE); // SPC_AMP1
    let err = card.configure(&software_settings()).unwrap_err();
    assert_eq!(err.kind, ErrorKind::DEVICE);
    assert_eq!(
        err.message.as_str(),
        "configure: writing SPC_AMP1 (30110) = 1000 failed with ERR_VALUE (0x101): driver says \"emulated driver: injected failure of SPC_AMP1 = 1000\"; the card is stopped"
    );
    emu.assert_stopped();
    // Nothing may start on a half-configured card.
    assert_eq!(
        card.start(false).unwrap_err().kind,
        ErrorKind::INVALID_STATE
    );
}

#[test]
fn a_value_the_driver_refuses_is_reported_with_its_text() {
    let emu = Emu::new("/dev/spcm-fault-trigger-level", "");
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    let mut s = common::reference_settings();
    s.trigger.level_mv = 20_000.0;
    let err = card.configure(&s).unwrap_err();
    assert_eq!(
        err.message.as_str(),
        "configure: writing SPC_TRIG_EXT0_LEVEL0 (42320) = 20000 failed with ERR_VALUE (0x101): driver says \"SPC_TRIG_EXT0_LEVEL0 = 20000 mV is outside -10000..10000 mV\"; the card is stopped"
    );
    emu.assert_stopped();
}

#[test]
fn register_failure_during_upload_while_playing() {
    let emu = Emu::new("/dev/spcm-fault-upload", "");
    let program = small_program();
    let mut card = playing(&emu, &program);
    emu.fail_register(349940, 2, ERR_VALUE); // SPC_SEQMODE_SEGMENTSIZE of the third segment
    let segments = program.segments();
    let err = card.upload(&program.upload(&segments)).unwrap_err();
    assert_eq!(
        err.message.as_str(),
        "upload: segment 2 'c': writing SPC_SEQMODE_SEGMENTSIZE (349940) = 1024 failed with ERR_VALUE (0x101): driver says \"emulated driver: injected failure of SPC_SEQMODE_SEGMENTSIZE = 1024\"; the card is stopped"
    );
    emu.assert_stopped();
    // The program on the card is incomplete: no start until a full upload.
    let e = card.start(true).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_STATE);
    assert!(!emu.is_running());
    card.upload(&program.upload(&segments)).unwrap();
    card.start(true).unwrap();
    assert!(emu.is_running());
}

#[test]
fn step_word_failure() {
    let emu = Emu::new("/dev/spcm-fault-step", "");
    let program = small_program();
    let mut card = playing(&emu, &program);
    emu.fail_register(340001, 0, ERR_VALUE); // SPC_SEQMODE_STEPMEM0 + 1
    let segments = program.segments();
    let err = card.upload(&program.upload(&segments)).unwrap_err();
    assert!(
        err.message.starts_with(
            "upload: step 1: writing SPC_SEQMODE_STEPMEM0+1 (340001) = 0x0000000100020001 failed with ERR_VALUE (0x101)"
        ),
        "{err}"
    );
    emu.assert_stopped();
}

#[test]
fn dma_timeout_during_upload() {
    let emu = Emu::new("/dev/spcm-fault-dma", "");
    let program = small_program();
    let mut card = playing(&emu, &program);
    emu.dma_timeout(1); // the second segment's transfer
    let segments = program.segments();
    let err = card.upload(&program.upload(&segments)).unwrap_err();
    assert_eq!(err.kind, ErrorKind::TIMEOUT);
    assert_eq!(
        err.message.as_str(),
        "upload: segment 1 'b': writing SPC_M2CMD (100) = 0x30000 (DATA_STARTDMA|DATA_WAITDMA) failed with ERR_TIMEOUT (0x107): driver says \"timeout: DMA transfer of segment 1 stopped after 768 of 1536 bytes\"; the card is stopped"
    );
    emu.assert_stopped();
    // The driver forgets the buffer after the stop.
    let w = emu.writes();
    assert_eq!(&w[w.len() - 2..], &[Op::Set(100, STOP), Op::Invalidate]);
}

#[test]
fn dma_timeout_during_hot_swap_stops_the_card() {
    let emu = Emu::new("/dev/spcm-fault-swap", "");
    let program = small_program();
    let mut card = playing(&emu, &program);
    emu.dma_timeout(0);
    let data = segment_data(1, 384, 2, 5);
    let err = card
        .update_segment(&SegmentData {
            index: 1,
            name: "b".into(),
            n_samples: 384,
            n_channels: 2,
            samples: data.as_slice().into(),
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::TIMEOUT);
    assert!(
        err.message
            .starts_with("hot swap of segment 1 'b': writing SPC_M2CMD (100) = 0x30000"),
        "{err}"
    );
    assert!(err.message.ends_with("; the card is stopped"), "{err}");
    emu.assert_stopped();
    assert_eq!(card.start(true).unwrap_err().kind, ErrorKind::INVALID_STATE);
}

#[test]
fn start_failure_stops_the_card() {
    let emu = Emu::new("/dev/spcm-fault-start", "");
    let program = small_program();
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&software_settings()).unwrap();
    card.upload(&program.upload(&segments)).unwrap();
    emu.fail_register(100, 0, ERR_VALUE);
    let err = card.start(true).unwrap_err();
    assert!(
        err.message.starts_with("start: writing SPC_M2CMD (100) = 0x1c (CARD_START|CARD_ENABLETRIGGER|CARD_FORCETRIGGER) failed with ERR_VALUE"),
        "{err}"
    );
    emu.assert_stopped();
}
