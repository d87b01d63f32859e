//! Hot swap rewrites one segment of unchanged length while the card plays, and
//! nothing else; a changed length is refused before any write.

mod common;

use awgsf_plugin_api::{ErrorKind, HardwareBackend, SegmentData};
use awgsf_spcm::SpcmCard;
use common::{segment_data, small_program, software_settings, Emu, Op};

#[test]
fn hot_swap_writes_only_the_swapped_segment() {
    let emu = Emu::new("/dev/spcm-hot-swap", "");
    let program = small_program();
    let segments = program.segments();
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&software_settings()).unwrap();
    card.upload(&program.upload(&segments)).unwrap();
    card.start(true).unwrap();
    assert!(emu.is_running());

    let before_state = emu.state();
    let before = emu.log().len();
    let new_data = segment_data(2, 1024, 2, 1);
    assert_ne!(new_data, program.data[2]);
    let swap = SegmentData {
        index: 2,
        name: "c".into(),
        n_samples: 1024,
        n_channels: 2,
        samples: new_data.as_slice().into(),
    };
    card.update_segment(&swap).unwrap();
    assert_eq!(
        common::writes(&emu.log()[before..]),
        vec![
            Op::Set(349920, 2),    // SPC_SEQMODE_WRITESEGMENT
            Op::Set(349940, 1024), // SPC_SEQMODE_SEGMENTSIZE, unchanged
            Op::Transfer {
                direction: 0,
                bytes: 1024 * 4
            },
            Op::Set(100, 0x30000), // DATA_STARTDMA|DATA_WAITDMA
        ]
    );
    assert!(emu.is_running(), "hot swap must not stop the card");
    let after_state = emu.state();
    for s in ["0", "1", "3"] {
        assert_eq!(
            after_state["segments"][s], before_state["segments"][s],
            "segment {s}"
        );
    }
    assert_ne!(after_state["segments"]["2"], before_state["segments"]["2"]);
    assert_eq!(after_state["steps"], before_state["steps"]);

    // A changed length is refused before anything is written; the card plays on.
    let longer = segment_data(2, 1056, 2, 2);
    let before = emu.log().len();
    let err = card
        .update_segment(&SegmentData {
            index: 2,
            name: "c".into(),
            n_samples: 1056,
            n_channels: 2,
            samples: longer.as_slice().into(),
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::INVALID_INPUT);
    assert_eq!(
        err.message.as_str(),
        "segment 2 'c': hot swap keeps segment lengths, the card holds 1024 samples, got 1056; do a full upload"
    );
    assert!(common::writes(&emu.log()[before..]).is_empty());
    assert!(emu.is_running());

    // An index beyond the program is refused too.
    let err = card
        .update_segment(&SegmentData {
            index: 9,
            name: "x".into(),
            n_samples: 192,
            n_channels: 2,
            samples: program.data[0].as_slice().into(),
        })
        .unwrap_err();
    assert!(err.message.contains("has 4 segments"), "{err}");

    // The swapped data is what the card holds; the neighbours are untouched.
    card.stop().unwrap();
    let mut out = vec![0i16; new_data.len()];
    card.read_back(2, &mut out).unwrap();
    assert_eq!(out, new_data);
    let mut out = vec![0i16; program.data[1].len()];
    card.read_back(1, &mut out).unwrap();
    assert_eq!(out, program.data[1]);
}

#[test]
fn hot_swap_needs_an_uploaded_program() {
    let emu = Emu::new("/dev/spcm-hot-swap-early", "");
    let mut card = SpcmCard::open(&emu.settings()).unwrap();
    card.configure(&software_settings()).unwrap();
    let data = segment_data(0, 192, 2, 0);
    let err = card
        .update_segment(&SegmentData {
            index: 0,
            name: "a".into(),
            n_samples: 192,
            n_channels: 2,
            samples: data.as_slice().into(),
        })
        .unwrap_err();
    assert_eq!(err.kind, ErrorKind::INVALID_STATE);
    assert!(err.message.contains("upload first"), "{err}");
}
