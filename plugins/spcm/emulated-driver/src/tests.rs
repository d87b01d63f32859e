//! The card rules of the emulated driver, exercised on an in-process card.

use crate::card::{EmuCard, RegisterFault};
use crate::config::CardConfig;
use crate::emulator::Emulator;
use crate::regs::*;

const SET: &str = "spcm_dwSetParam_i64";
const GET: &str = "spcm_dwGetParam_i64";

fn card() -> EmuCard {
    EmuCard::new(CardConfig::default())
}

/// Sets `reg`, expecting `code`, and clears the error (returning its text).
fn set(c: &mut EmuCard, reg: i32, value: i64, code: u32) -> String {
    let rc = c.set(SET, reg, value);
    assert_eq!(rc, code, "{} = {value}", register_name(reg));
    c.take_error().map(|f| f.text).unwrap_or_default()
}

/// A card in sequence mode with two channels and `slots` segments.
fn sequence_card(slots: i64) -> EmuCard {
    let mut c = card();
    set(&mut c, SPC_CARDMODE, SPC_REP_STD_SEQUENCE, ERR_OK);
    set(&mut c, SPC_CHENABLE, 0b11, ERR_OK);
    set(&mut c, SPC_SEQMODE_MAXSEGMENTS, slots, ERR_OK);
    c
}

fn write_segment(c: &mut EmuCard, segment: i64, samples: &[i16]) -> u32 {
    set(c, SPC_SEQMODE_WRITESEGMENT, segment, ERR_OK);
    set(c, SPC_SEQMODE_SEGMENTSIZE, samples.len() as i64 / 2, ERR_OK);
    let bytes = std::mem::size_of_val(samples) as u64;
    let rc = c.def_transfer(
        SPCM_BUF_DATA,
        SPCM_DIR_PCTOCARD,
        0,
        samples.as_ptr() as usize,
        0,
        bytes,
    );
    assert_eq!(rc, ERR_OK);
    c.set(SET, SPC_M2CMD, M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA)
}

fn word(segment: u64, next: u64, loops: u64, flags: u64) -> i64 {
    (((flags | loops) << 32) | (next << 16) | segment) as i64
}

#[test]
fn an_unread_error_locks_the_driver() {
    let mut c = card();
    assert_eq!(c.set(SET, SPC_CHENABLE, 0b111,), ERR_VALUE);
    assert_eq!(c.set(SET, SPC_CHENABLE, 0b1), ERR_LASTERR);
    assert_eq!(c.get(GET, SPC_PCITYP, false).0, ERR_LASTERR);
    let f = c.take_error().unwrap();
    assert_eq!((f.code, f.reg, f.value), (ERR_VALUE, SPC_CHENABLE, 0b111));
    assert_eq!(f.text, "3 enabled channels not allowed, enable 1, 2 or 4");
    assert!(c.take_error().is_none());
    assert_eq!(c.set(SET, SPC_CHENABLE, 0b1), ERR_OK);
}

#[test]
fn registers_and_values() {
    let mut c = card();
    assert_eq!(c.get(GET, SPC_PCITYP, false), (ERR_OK, TYP_M4I6622_X8));
    assert_eq!(
        c.get("spcm_dwGetParam_i32", SPC_PCIMEMSIZE, true).0,
        ERR_EXCEEDSINT32
    );
    c.take_error();
    assert_eq!(c.get(GET, SPC_PCIMEMSIZE, false), (ERR_OK, 4 << 30));
    assert!(set(&mut c, 12345, 1, ERR_REG).contains("does not exist"));
    assert!(set(&mut c, SPC_PCITYP, 1, ERR_NOWRITEALLOWED).contains("read-only"));
    assert!(set(&mut c, SPC_CHENABLE, 0b1_0000, ERR_CHANNEL).contains("lacks"));
    assert!(set(&mut c, SPC_SAMPLERATE, 700_000_000, ERR_VALUE).contains("outside"));
    assert!(set(&mut c, SPC_AMP0 + 100, 3000, ERR_VALUE).contains("outside 80..2500 mV"));
    set(&mut c, SPC_CH0_STOPLEVEL + 3, SPCM_STOPLVL_HOLDLAST, ERR_OK);
    set(&mut c, SPC_CH0_STOPLEVEL + 1, 3, ERR_VALUE);
    set(&mut c, SPC_CARDMODE, 0x123, ERR_VALUE);
    set(&mut c, SPC_M2CMD, 0x8000_0000, ERR_VALUE);
    // A two-channel card has no SPC_AMP2.
    let mut two = EmuCard::new(CardConfig {
        channels_per_module: 2,
        ..CardConfig::default()
    });
    set(&mut two, SPC_AMP0 + 200, 1000, ERR_REG);
}

#[test]
fn sequence_registers_need_sequence_mode_and_the_option() {
    let mut c = card();
    let text = set(&mut c, SPC_SEQMODE_MAXSEGMENTS, 4, ERR_SEQUENCE);
    assert!(
        text.contains("needs SPC_CARDMODE = SPC_REP_STD_SEQUENCE"),
        "{text}"
    );
    let mut plain = EmuCard::new(CardConfig {
        features: 0,
        ..CardConfig::default()
    });
    set(&mut plain, SPC_CARDMODE, SPC_REP_STD_SEQUENCE, ERR_FEATURE);
    assert_eq!(
        plain.get(GET, SPC_SEQMODE_AVAILMAXSEGMENT, false).0,
        ERR_FEATURE
    );
}

#[test]
fn segment_rules() {
    let mut c = card();
    set(&mut c, SPC_CARDMODE, SPC_REP_STD_SEQUENCE, ERR_OK);
    set(&mut c, SPC_CHENABLE, 0b11, ERR_OK);
    set(&mut c, SPC_SEQMODE_WRITESEGMENT, 0, ERR_SEQUENCE);
    set(&mut c, SPC_SEQMODE_MAXSEGMENTS, 12, ERR_VALUE);
    set(&mut c, SPC_SEQMODE_MAXSEGMENTS, 1 << 17, ERR_VALUE);
    set(&mut c, SPC_SEQMODE_MAXSEGMENTS, 16, ERR_OK);
    set(&mut c, SPC_SEQMODE_WRITESEGMENT, 16, ERR_VALUE);
    set(&mut c, SPC_SEQMODE_WRITESEGMENT, 15, ERR_OK);
    assert!(set(&mut c, SPC_SEQMODE_SEGMENTSIZE, 200, ERR_VALUE).contains("multiple of 32"));
    assert!(set(&mut c, SPC_SEQMODE_SEGMENTSIZE, 160, ERR_VALUE)
        .contains("minimum of 192 samples with 2 channels"));
    // 4 GiB / 16 slots / 4 bytes per frame.
    let capacity = (4i64 << 30) / 16 / 4;
    let text = set(
        &mut c,
        SPC_SEQMODE_SEGMENTSIZE,
        capacity + 32,
        ERR_SEGMENTINMEM,
    );
    assert!(
        text.contains(&format!(
            "exceeds the {capacity} samples of one of 16 segment slots"
        )),
        "{text}"
    );
    set(&mut c, SPC_SEQMODE_SEGMENTSIZE, 192, ERR_OK);
    assert_eq!(c.get(GET, SPC_SEQMODE_SEGMENTSIZE, false), (ERR_OK, 192));
}

#[test]
fn dma_needs_a_defined_transfer_and_fits_the_segment() {
    let mut c = sequence_card(2);
    set(&mut c, SPC_SEQMODE_SEGMENTSIZE, 192, ERR_OK);
    let text = set(
        &mut c,
        SPC_M2CMD,
        M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA,
        ERR_SEQUENCE,
    );
    assert!(text.contains("without a buffer defined"), "{text}");
    let big = vec![0i16; 2 * 224];
    c.def_transfer(
        SPCM_BUF_DATA,
        SPCM_DIR_PCTOCARD,
        0,
        big.as_ptr() as usize,
        0,
        896,
    );
    let text = set(&mut c, SPC_M2CMD, M2CMD_DATA_STARTDMA, ERR_VALUE);
    assert!(text.contains("exceeds segment 0 (768 bytes)"), "{text}");
    assert_eq!(
        c.def_transfer(SPCM_BUF_DATA, 3, 0, big.as_ptr() as usize, 0, 768),
        ERR_FEATURE
    );
    c.take_error();
    let data: Vec<i16> = (0..384).collect();
    assert_eq!(write_segment(&mut c, 1, &data), ERR_OK);
    assert_eq!(c.segment_bytes(1).unwrap().len(), 768);
    assert_eq!(&c.segment_bytes(1).unwrap()[..4], &[0, 0, 1, 0]);

    // Reading back needs the memory-test mode.
    let mut out = vec![0i16; 384];
    c.def_transfer(
        SPCM_BUF_DATA,
        SPCM_DIR_CARDTOPC,
        0,
        out.as_mut_ptr() as usize,
        0,
        768,
    );
    set(
        &mut c,
        SPC_M2CMD,
        M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA,
        ERR_DIRMISMATCH,
    );
    set(&mut c, SPC_MEMTEST, 1, ERR_OK);
    set(
        &mut c,
        SPC_M2CMD,
        M2CMD_DATA_STARTDMA | M2CMD_DATA_WAITDMA,
        ERR_OK,
    );
    assert_eq!(out, data);
}

#[test]
fn steps_start_and_triggers() {
    let mut c = sequence_card(2);
    let data = vec![1i16; 384];
    write_segment(&mut c, 0, &data);
    write_segment(&mut c, 1, &data);
    set(&mut c, SPC_SEQMODE_STEPMEM0, word(2, 1, 1, 0), ERR_VALUE);
    set(&mut c, SPC_SEQMODE_STEPMEM0, word(0, 1, 0, 0), ERR_VALUE);
    set(
        &mut c,
        SPC_SEQMODE_STEPMEM0,
        word(0, 1, 1 << 20, 0),
        ERR_VALUE,
    );
    set(
        &mut c,
        SPC_SEQMODE_STEPMEM0 + 4096,
        word(0, 1, 1, 0),
        ERR_VALUE,
    );
    set(
        &mut c,
        SPC_SEQMODE_STEPMEM0,
        word(0, 1, 1, SPCSEQ_ENDLOOPONTRIG),
        ERR_OK,
    );
    let text = set(&mut c, SPC_M2CMD, M2CMD_CARD_START, ERR_SEQUENCE);
    assert!(
        text.contains("step 1 (reached from start step 0) was never written"),
        "{text}"
    );
    set(&mut c, SPC_SEQMODE_STEPMEM0 + 1, word(1, 2, 5, 0), ERR_OK);
    set(
        &mut c,
        SPC_SEQMODE_STEPMEM0 + 2,
        word(0, 0, 1, SPCSEQ_END),
        ERR_OK,
    );
    set(&mut c, SPC_M2CMD, M2CMD_CARD_FORCETRIGGER, ERR_SEQUENCE);
    set(
        &mut c,
        SPC_M2CMD,
        M2CMD_CARD_START | M2CMD_CARD_ENABLETRIGGER,
        ERR_OK,
    );
    assert!(c.running());
    assert_eq!(c.get(GET, SPC_M2STATUS, false), (ERR_OK, 0));
    // Setup cannot change while running; data and steps can.
    set(&mut c, SPC_SAMPLERATE, 500_000_000, ERR_RUNNING);
    set(&mut c, SPC_SEQMODE_MAXSEGMENTS, 4, ERR_RUNNING);
    set(&mut c, SPC_SEQMODE_WRITESEGMENT, 1, ERR_OK);
    set(&mut c, SPC_SEQMODE_SEGMENTSIZE, 224, ERR_RUNNING);
    assert_eq!(write_segment(&mut c, 1, &data), ERR_OK);
    // First trigger starts step 0, which waits; the next runs 1 and 2 to the end.
    set(&mut c, SPC_M2CMD, M2CMD_CARD_FORCETRIGGER, ERR_OK);
    assert_eq!(c.get(GET, SPC_SEQMODE_STATUS, false), (ERR_OK, 0));
    set(&mut c, SPC_M2CMD, M2CMD_CARD_FORCETRIGGER, ERR_OK);
    assert!(!c.running());
    assert_eq!(
        c.get(GET, SPC_SEQMODE_STATUS, false),
        (ERR_OK, 2 | SEQSTAT_STEPCHANGE)
    );
    assert_eq!(
        c.get(GET, SPC_M2STATUS, false).1 & M2STAT_CARD_READY,
        M2STAT_CARD_READY
    );
}

#[test]
fn injected_faults_and_the_log() {
    let mut c = sequence_card(2);
    c.faults.registers.push(RegisterFault {
        reg: SPC_TIMEOUT,
        skip: 1,
        code: ERR_VALUE,
    });
    set(&mut c, SPC_TIMEOUT, 10, ERR_OK);
    let text = set(&mut c, SPC_TIMEOUT, 20, ERR_VALUE);
    assert_eq!(
        text,
        "emulated driver: injected failure of SPC_TIMEOUT = 20"
    );
    set(&mut c, SPC_TIMEOUT, 30, ERR_OK);
    c.faults.dma_timeout = Some(c.dma_count);
    let data = vec![7i16; 384];
    assert_eq!(write_segment(&mut c, 0, &data), ERR_TIMEOUT);
    let f = c.take_error().unwrap();
    assert_eq!(
        f.text,
        "timeout: DMA transfer of segment 0 stopped after 384 of 768 bytes"
    );
    let log = c.log_json();
    assert!(
        log.contains(r#"{"fn":"spcm_dwSetParam_i64","reg":295130,"value":20,"rc":257}"#),
        "{log}"
    );
    assert!(
        log.contains(
            r#""transfer":{"buffer_type":1000,"direction":0,"notify":0,"offset":0,"bytes":768}"#
        ),
        "{log}"
    );
}

#[test]
fn devices_and_handles() {
    let mut emu = Emulator::new();
    let h = emu.open("/dev/spcm0").unwrap();
    assert!(emu.open("/dev/spcm0").is_none());
    assert_eq!(emu.take_open_error().unwrap().code, ERR_BOARDINUSE);
    assert!(emu.open("/dev/spcm7").is_none());
    let f = emu.take_open_error().unwrap();
    assert_eq!(
        (f.code, f.text.as_str()),
        (ERR_BOARDNOTFOUND, "no card found at /dev/spcm7")
    );
    assert_eq!(
        emu.with_handle(h, |c| c.set(SET, SPC_TIMEOUT, 1)),
        Some(ERR_OK)
    );
    emu.close(h);
    assert_eq!(emu.with_handle(h, |c| c.set(SET, SPC_TIMEOUT, 1)), None);
    assert!(!emu.card("/dev/spcm0").unwrap().is_open());
    emu.reset_card("/dev/x", CardConfig::from_json(r#"{"serial": 7}"#).unwrap());
    let h = emu.open("/dev/x").unwrap();
    assert_eq!(
        emu.with_handle(h, |c| c.get(GET, SPC_PCISERIALNO, false)),
        Some((ERR_OK, 7))
    );
    assert!(CardConfig::from_json(r#"{"serail": 7}"#)
        .unwrap_err()
        .contains("serail"));
}
