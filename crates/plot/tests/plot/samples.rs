//! The samples picture: synthetic sines as segments and as a stream, long
//! (envelope) and zoomed (raw samples) views, PNG and SVG, and bad input.

use crate::support::{assert_picture, files_in, sines, FS};
use awgsf_plot::{
    samples, Boundary, PlotError, SampleSource, SampleStream, SampleUnits, SamplesOptions,
    SegmentSamples,
};

#[test]
fn segments_render_as_envelope_and_as_samples() {
    let dir = tempfile::tempdir().unwrap();
    let a = sines(200_000, 2, 3.1e6, FS);
    let b = sines(50_000, 2, 7.7e6, FS);
    let segs = [
        SegmentSamples {
            name: "first",
            data: &a,
            n_channels: 2,
            start_sample: 0,
        },
        SegmentSamples {
            name: "second",
            data: &b,
            n_channels: 2,
            start_sample: 200_000,
        },
    ];
    let source = SampleSource::Segments(&segs);
    let mut options = SamplesOptions::new(FS);
    options.channel_names = vec!["H".into(), "V".into()];
    for (name, window) in [
        ("long.png", None),
        ("zoom.svg", Some(199_950..200_050)),
        ("mid.png", Some(199_000..201_000)),
    ] {
        options.window = window;
        let path = dir.path().join(name);
        samples(&source, &options, &path, (1000, 700)).unwrap();
        assert_picture(&path, (1000, 700));
    }
    // The zoomed SVG marks every sample (100 per channel).
    let svg = std::fs::read_to_string(dir.path().join("zoom.svg")).unwrap();
    assert!(svg.matches("<circle").count() >= 200, "markers missing");
    assert!(svg.contains("second"));
}

#[test]
fn a_stream_in_millivolts_with_one_chosen_channel() {
    let dir = tempfile::tempdir().unwrap();
    let data = sines(30_000, 4, 1e6, FS);
    let boundaries = [
        Boundary {
            sample: 1_010_000,
            label: "loop 2".into(),
        },
        Boundary {
            sample: 1_020_000,
            label: "loop 3".into(),
        },
    ];
    let source = SampleSource::Stream(SampleStream {
        data: &data,
        n_channels: 4,
        start_sample: 1_000_000,
        boundaries: &boundaries,
    });
    let mut options = SamplesOptions::new(FS);
    options.units = SampleUnits::Millivolts {
        mv_per_code: 480.0 / 32767.0,
    };
    options.channels = Some(vec![2]);
    let path = dir.path().join("ch2.svg");
    samples(&source, &options, &path, (700, 400)).unwrap();
    assert_picture(&path, (700, 400));
    let svg = std::fs::read_to_string(&path).unwrap();
    assert!(svg.contains("ch2 (mV)") && svg.contains("loop 3"));
}

#[test]
fn bad_input_is_refused_naming_the_file_and_field() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.png");
    let data = sines(1000, 2, 1e6, FS);
    let segs = [SegmentSamples {
        name: "s",
        data: &data,
        n_channels: 2,
        start_sample: 0,
    }];
    let source = SampleSource::Segments(&segs);
    let check = |options: &SamplesOptions, needle: &str| {
        let err = samples(&source, options, &path, (600, 400)).unwrap_err();
        assert!(matches!(err, PlotError::BadInput { .. }), "{err}");
        let text = err.to_string();
        assert!(text.contains("bad.png") && text.contains(needle), "{text}");
    };
    let mut o = SamplesOptions::new(FS);
    o.channels = Some(vec![5]);
    check(&o, "channel 5");
    let mut o = SamplesOptions::new(FS);
    o.window = Some(5000..6000);
    check(&o, "window");
    check(&SamplesOptions::new(0.0), "sample_rate_hz");
    let mut o = SamplesOptions::new(FS);
    o.units = SampleUnits::Millivolts { mv_per_code: -1.0 };
    check(&o, "mv_per_code");
    let odd = [SegmentSamples {
        name: "odd",
        data: &data[..999],
        n_channels: 2,
        start_sample: 0,
    }];
    let err = samples(
        &SampleSource::Segments(&odd),
        &SamplesOptions::new(FS),
        &path,
        (600, 400),
    )
    .unwrap_err();
    assert!(err.to_string().contains("`odd`"), "{err}");
    assert!(files_in(dir.path()).is_empty());
}
