//! The file sink through its backend: layout of the written files, atomic
//! replacement, refusal to overwrite, hot swap of one file and read-back.

use abi_stable::std_types::{RSlice, RStr};
use awgsf_file_sink::FileSink;
use awgsf_plugin_api::*;
use ndarray::Array2;
use ndarray_npy::ReadNpyExt;

fn settings(two_channels: bool) -> CardSettings {
    let channels: &[u32] = if two_channels { &[0, 1] } else { &[0] };
    CardSettings::new(625e6, channels, 1000.0, StopLevel::HoldLast)
}

fn sink(dir: &std::path::Path, overwrite: bool) -> FileSink {
    let json = format!(
        r#"{{"output_dir": "{}", "overwrite": {overwrite},
            "step_samples": 4, "min_segment_samples": [4, 4, 4]}}"#,
        dir.display()
    );
    let mut s = FileSink::open(&json).unwrap();
    s.configure(&settings(true)).unwrap();
    s
}

/// Two segments of 4 samples × 2 channels: code `100 * segment + 10 * channel + k`.
fn data() -> Vec<Vec<i16>> {
    (0..2)
        .map(|s| {
            (0..4)
                .flat_map(|k| (0..2).map(move |c| 100 * s + 10 * c + k))
                .collect()
        })
        .collect()
}

fn upload(sink: &mut FileSink, data: &[Vec<i16>]) -> PluginResult<UploadReport> {
    let segs: Vec<SegmentData<'_>> = data
        .iter()
        .enumerate()
        .map(|(i, d)| SegmentData {
            index: i as u32,
            name: RStr::from(["first", "second/odd name"][i]),
            n_samples: 4,
            n_channels: 2,
            samples: RSlice::from_slice(d),
        })
        .collect();
    let steps = [
        Step {
            index: 0,
            segment: 0,
            next: 1,
            loops: 3,
            end: StepEnd::Always,
        },
        Step {
            index: 1,
            segment: 1,
            next: 0,
            loops: 1,
            end: StepEnd::OnTrigger,
        },
    ];
    sink.upload(&UploadProgram {
        segments: RSlice::from_slice(&segs),
        steps: RSlice::from_slice(&steps),
        start_step: 0,
        metadata_json: RStr::from(r#"{"program_digest": "abc"}"#),
    })
}

#[test]
fn segments_are_channels_by_samples_in_card_order() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    let mut s = sink(&dir, false);
    let report = upload(&mut s, &data()).unwrap();
    assert_eq!((report.segments, report.bytes, report.steps), (2, 32, 2));
    let a = Array2::<i16>::read_npy(
        std::fs::File::open(dir.join("segment_001_second_odd_name.npy")).unwrap(),
    )
    .unwrap();
    assert_eq!(a.shape(), &[2, 4]);
    assert_eq!(a[[1, 2]], 100 + 10 + 2, "row = channel, column = sample");
    // Fortran order: the bytes after the header are the interleaved card order.
    let raw = std::fs::read(dir.join("segment_000_first.npy")).unwrap();
    let body: Vec<i16> = raw[raw.len() - 16..]
        .chunks(2)
        .map(|b| i16::from_le_bytes([b[0], b[1]]))
        .collect();
    assert_eq!(body, data()[0]);
    let header = String::from_utf8_lossy(&raw[..raw.len() - 16]).to_string();
    assert!(header.contains("'fortran_order': True"), "{header}");
    let steps: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("steps.json")).unwrap()).unwrap();
    assert_eq!(steps["steps"][1]["end"], "on_trigger");
    assert_eq!(
        steps["steps"][0]["word"],
        format!("0x{:016x}", (3u64 << 32) | (1 << 16))
    );
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["program"]["program_digest"], "abc");
}

#[test]
fn an_existing_directory_is_kept_unless_overwrite_is_set() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("keep.txt"), "earlier").unwrap();
    let e = upload(&mut sink(&dir, false), &data()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IO);
    assert!(e.message.contains("already exists"), "{}", e.message);
    assert!(dir.join("keep.txt").exists());
    let names = |p: &std::path::Path| std::fs::read_dir(p).unwrap().count();
    assert_eq!(names(tmp.path()), 1, "no partial sibling left behind");
    // Not an earlier export: kept even with overwrite.
    let e = upload(&mut sink(&dir, true), &data()).unwrap_err();
    assert_eq!(e.kind, ErrorKind::IO);
    assert!(
        e.message.contains("not an awgsf output directory"),
        "{}",
        e.message
    );
    assert!(dir.join("keep.txt").exists());
    assert_eq!(names(tmp.path()), 1, "no partial sibling left behind");
}

#[test]
fn an_earlier_export_is_replaced_whole_with_overwrite() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    upload(&mut sink(&dir, false), &data()).unwrap();
    std::fs::write(dir.join("stale.npy"), "from an earlier run").unwrap();
    upload(&mut sink(&dir, true), &data()).unwrap();
    assert!(!dir.join("stale.npy").exists(), "replaced whole");
    assert!(dir.join("manifest.json").exists());
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 1);
}

#[test]
fn long_segment_names_give_short_unique_file_names() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    let long = "n".repeat(240);
    let d = data();
    let segs: Vec<SegmentData<'_>> = d
        .iter()
        .enumerate()
        .map(|(i, v)| SegmentData {
            index: i as u32,
            name: RStr::from(long.as_str()),
            n_samples: 4,
            n_channels: 2,
            samples: RSlice::from_slice(v),
        })
        .collect();
    let steps = [Step {
        index: 0,
        segment: 0,
        next: 0,
        loops: 1,
        end: StepEnd::Always,
    }];
    sink(&dir, false)
        .upload(&UploadProgram {
            segments: RSlice::from_slice(&segs),
            steps: RSlice::from_slice(&steps),
            start_step: 0,
            metadata_json: RStr::from(""),
        })
        .unwrap();
    let names: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("segment_"))
        .collect();
    assert_eq!(names.len(), 2);
    assert!(names.iter().all(|n| n.len() <= 120), "{names:?}");
}

#[test]
fn a_bad_upload_leaves_nothing_behind() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    let mut bad = data();
    bad[1].pop();
    let e = upload(&mut sink(&dir, false), &bad).unwrap_err();
    assert_eq!(e.kind, ErrorKind::INVALID_INPUT);
    assert_eq!(std::fs::read_dir(tmp.path()).unwrap().count(), 0);
}

#[test]
fn hot_swap_rewrites_one_file_and_read_back_returns_it() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("export");
    let mut s = sink(&dir, false);
    upload(&mut s, &data()).unwrap();
    let new: Vec<i16> = (0..8).map(|v| -v).collect();
    s.update_segment(&SegmentData {
        index: 1,
        name: RStr::from("second"),
        n_samples: 4,
        n_channels: 2,
        samples: RSlice::from_slice(&new),
    })
    .unwrap();
    let mut back = vec![0i16; 8];
    s.read_back(1, &mut back).unwrap();
    assert_eq!(back, new);
    s.read_back(0, &mut back).unwrap();
    assert_eq!(back, data()[0]);
    let longer = vec![0i16; 10];
    let e = s
        .update_segment(&SegmentData {
            index: 1,
            name: RStr::from("second"),
            n_samples: 5,
            n_channels: 2,
            samples: RSlice::from_slice(&longer),
        })
        .unwrap_err();
    assert!(e.message.contains("needs a full upload"), "{}", e.message);
}

#[test]
fn settings_errors_name_the_key() {
    let e = FileSink::open(r#"{"output_dir": "x", "overwrit": true}"#)
        .err()
        .unwrap();
    assert!(e.message.contains("overwrit"), "{}", e.message);
    let e = FileSink::open(r#"{}"#).err().unwrap();
    assert!(e.message.contains("output_dir"), "{}", e.message);
}
