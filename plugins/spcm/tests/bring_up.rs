//! The full bring-up of the recreate_mol_exp layout against the emulated driver
//! produces exactly the reference's register writes and step words.

mod common;

use awgsf_plugin_api::{CardFeatures, HardwareBackend, MinSegment};
use awgsf_spcm::SpcmCard;
use common::{recreate_mol_exp, reference_settings, Emu, Op, STOP};

fn set(reg: i32, value: i64) -> Op {
    Op::Set(reg, value)
}

#[test]
fn describe_reads_the_card_registers() {
    let emu = Emu::new("/dev/spcm-describe", "");
    let card = SpcmCard::open(&emu.settings()).unwrap();
    let info = card.describe().unwrap();
    assert_eq!(info.model.as_str(), "M4i.6622-x8");
    assert_eq!(info.serial.as_str(), "12345");
    assert!(
        info.driver.contains("Spectrum driver 7.3 build 21000"),
        "{}",
        info.driver
    );
    assert_eq!(info.max_channels, 4);
    assert_eq!(info.channel_counts.as_slice(), &[1, 2, 4]);
    assert_eq!(info.full_scale_code, 32767);
    assert_eq!(info.memory_bytes, 4 << 30);
    assert_eq!(info.bytes_per_sample, 2);
    assert_eq!(
        (info.min_sample_rate_hz, info.max_sample_rate_hz),
        (50e6, 625e6)
    );
    assert_eq!(
        (info.min_amplitude_mv, info.max_amplitude_mv),
        (80.0, 2500.0)
    );
    assert_eq!(info.step_samples, 32);
    assert_eq!(
        info.min_segment_samples.as_slice(),
        &[
            MinSegment {
                channels: 1,
                samples: 384
            },
            MinSegment {
                channels: 2,
                samples: 192
            },
            MinSegment {
                channels: 4,
                samples: 96
            },
        ]
    );
    assert_eq!(
        (info.max_segments, info.max_steps, info.max_loops),
        (65536, 4096, (1 << 20) - 1)
    );
    for f in [
        CardFeatures::SEQUENCE_REPLAY,
        CardFeatures::HOT_SWAP,
        CardFeatures::MEMORY_READBACK,
        CardFeatures::SOFTWARE_TRIGGER,
        CardFeatures::EXTERNAL_TRIGGER,
    ] {
        assert!(info.features.contains(f), "{:?}", f.names());
    }
    assert!(!info.features.contains(CardFeatures::PLAYBACK_TRACE));
    // Opening and describing writes nothing.
    assert!(emu.writes().is_empty(), "{:?}", emu.writes());
}

#[test]
fn recreate_mol_exp_bring_up_matches_the_reference() {
    let emu = Emu::new("/dev/spcm-bring-up", "");
    let program = recreate_mol_exp();
    assert_eq!(program.lengths.len(), 14);
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&reference_settings()).unwrap();
    let report = card.upload(&program.upload(&segments)).unwrap();
    card.start(true).unwrap();

    assert_eq!((report.segments, report.slots, report.steps), (14, 16, 14));
    assert_eq!(report.bytes, 8_350_272 * 2 * 2);

    // The reference (upload.py `_full_cpu_upload` + example 6): channels, trigger,
    // clock, then the sequence; marked lines are this plugin's additions or moves.
    let mut expected = vec![
        set(100, 0x40040),       // SPC_M2CMD = CARD_STOP|DATA_STOPDMA (added: stop first)
        set(9500, 0x40000),      // SPC_CARDMODE = SPC_REP_STD_SEQUENCE
        set(11000, 0x3),         // SPC_CHENABLE = CHANNEL0|CHANNEL1
        set(30091, 1),           // SPC_ENABLEOUT0
        set(30191, 1),           // SPC_ENABLEOUT1
        set(30010, 1000),        // SPC_AMP0, mV
        set(30110, 1000),        // SPC_AMP1, mV
        set(206020, 0x8),        // SPC_CH0_STOPLEVEL = SPCM_STOPLVL_HOLDLAST
        set(206021, 0x8),        // SPC_CH1_STOPLEVEL = SPCM_STOPLVL_HOLDLAST
        set(40410, 0x2),         // SPC_TRIG_ORMASK = SPC_TMASK_EXT0
        set(40430, 0x0),         // SPC_TRIG_ANDMASK = SPC_TMASK_NONE (added)
        set(40510, 0x1),         // SPC_TRIG_EXT0_MODE = SPC_TM_POS
        set(42320, 500),         // SPC_TRIG_EXT0_LEVEL0, mV
        set(40120, 0),           // SPC_TRIG_EXT0_ACDC = COUPLING_DC
        set(40110, 1),           // SPC_TRIG_TERM = 50 ohm
        set(40810, 320),         // SPC_TRIG_DELAY, samples
        set(20200, 0x1),         // SPC_CLOCKMODE = SPC_CM_INTPLL
        set(20000, 625_000_000), // SPC_SAMPLERATE
        set(20110, 0),           // SPC_CLOCKOUT off
        set(295130, 0),          // SPC_TIMEOUT (moved: the reference sets it before start)
        set(100, 0x40040),       // SPC_M2CMD = CARD_STOP|DATA_STOPDMA (added: stop before writing)
        set(349930, 0),          // SPC_SEQMODE_STARTSTEP (the reference's entry_step)
        set(349910, 16),         // SPC_SEQMODE_MAXSEGMENTS: 14 segments -> 16 slots
    ];
    let lengths = [
        192u64, 124960, 625024, 625024, 24992, 625024, 1250016, 24992, 1250016, 1250016, 24992,
        1250016, 1250016, 24992,
    ];
    assert_eq!(program.lengths, lengths);
    for (i, &n) in lengths.iter().enumerate() {
        expected.push(set(349920, i as i64)); // SPC_SEQMODE_WRITESEGMENT
        expected.push(set(349940, n as i64)); // SPC_SEQMODE_SEGMENTSIZE
        expected.push(Op::Transfer {
            direction: 0, // SPCM_DIR_PCTOCARD
            bytes: n * 2 * 2,
        });
        expected.push(set(100, 0x30000)); // SPC_M2CMD = DATA_STARTDMA|DATA_WAITDMA
    }
    // Step i plays segment i once and continues to (i + 1) mod 14; wait_trig steps
    // end on trigger (SPCSEQ_ENDLOOPONTRIG in the high word).
    let wait_trig = [0, 1, 4, 7, 10, 13];
    for i in 0..14u64 {
        let flags: u64 = if wait_trig.contains(&i) {
            0x4000_0000
        } else {
            0
        };
        let word = ((flags | 1) << 32) | (((i + 1) % 14) << 16) | i;
        expected.push(set(340000 + i as i32, word as i64)); // SPC_SEQMODE_STEPMEM0 + i
    }
    expected.push(set(100, 0x1C)); // SPC_M2CMD = CARD_START|ENABLETRIGGER|FORCETRIGGER

    let got = emu.writes();
    for (i, (g, e)) in got.iter().zip(&expected).enumerate() {
        assert_eq!(g, e, "write {i}");
    }
    assert_eq!(got.len(), expected.len());
    // Spot checks of step words against their literal layout.
    assert!(got.contains(&set(340000, 0x4000_0001_0001_0000)));
    assert!(got.contains(&set(340002, 0x0000_0001_0003_0002)));
    assert!(got.contains(&set(340013, 0x4000_0001_0000_000D)));

    // Every segment landed in card memory.
    let state = emu.state();
    for (i, &n) in lengths.iter().enumerate() {
        assert_eq!(state["segments"][i.to_string()]["samples"], n);
    }

    // Replay: the forced trigger starts step 0, which waits; each further trigger
    // ends the waiting step, and self-ending steps run on to the next waiting one.
    let status = card.status().unwrap();
    assert!(status.running, "{}", status.detail);
    assert_eq!(status.current_step.into_option(), Some(0));
    card.force_trigger().unwrap();
    assert_eq!(card.status().unwrap().current_step.into_option(), Some(1));
    card.force_trigger().unwrap();
    assert_eq!(card.status().unwrap().current_step.into_option(), Some(4));

    card.close().unwrap();
    assert_eq!(emu.last_command(), STOP);
    assert!(!emu.is_running());
    assert_eq!(emu.state()["open"], false);
    assert_eq!(emu.log().last().unwrap()["fn"], "spcm_vClose");
}

#[test]
fn read_back_returns_what_was_uploaded() {
    let emu = Emu::new("/dev/spcm-readback", "");
    let program = common::small_program();
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&common::software_settings()).unwrap();
    card.upload(&program.upload(&segments)).unwrap();
    let before = emu.log().len();
    for (i, data) in program.data.iter().enumerate() {
        let mut out = vec![0i16; data.len()];
        card.read_back(i as u32, &mut out).unwrap();
        assert_eq!(&out, data, "segment {i}");
    }
    let mut expected = Vec::new();
    for (i, &n) in program.lengths.iter().enumerate() {
        expected.extend([
            set(349920, i as i64), // SPC_SEQMODE_WRITESEGMENT
            set(349940, n as i64), // SPC_SEQMODE_SEGMENTSIZE
            set(270000, 1),        // SPC_MEMTEST on
            Op::Transfer {
                direction: 1, // SPCM_DIR_CARDTOPC
                bytes: n * 4,
            },
            set(100, 0x30000), // DATA_STARTDMA|DATA_WAITDMA
            set(270000, 0),    // SPC_MEMTEST off
        ]);
    }
    assert_eq!(common::writes(&emu.log()[before..]), expected);

    // Not while playing.
    card.start(true).unwrap();
    let mut out = vec![0i16; program.data[0].len()];
    let e = card.read_back(0, &mut out).unwrap_err();
    assert!(e.message.contains("stopped card"), "{e}");
    // A buffer of the wrong size is refused.
    card.stop().unwrap();
    let mut short = vec![0i16; 10];
    assert!(card
        .read_back(0, &mut short)
        .unwrap_err()
        .message
        .contains("expected 192 samples x 2 channels"));
}
