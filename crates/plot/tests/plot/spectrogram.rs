//! The spectrogram picture: a synthetic sine stream across a boundary, PNG and
//! SVG (heat map embedded as an image), given ranges, and bad input.

use crate::support::{assert_picture, sines, FS};
use awgsf_plot::{
    spectrogram, Boundary, PlotError, SampleSource, SampleStream, SegmentSamples,
    SpectrogramOptions,
};

#[test]
fn a_stream_renders_with_its_boundaries() {
    let dir = tempfile::tempdir().unwrap();
    let data = sines(100_000, 2, 40e6, FS);
    let boundaries = [Boundary {
        sample: 50_000,
        label: "next".into(),
    }];
    let source = SampleSource::Stream(SampleStream {
        data: &data,
        n_channels: 2,
        start_sample: 0,
        boundaries: &boundaries,
    });
    let mut options = SpectrogramOptions::new(FS);
    options.channel = 1;
    options.channel_name = Some("V".into());
    for (name, size) in [("s.png", (900, 600)), ("s.svg", (800, 500))] {
        let path = dir.path().join(name);
        spectrogram(&source, &options, &path, size).unwrap();
        assert_picture(&path, size);
    }
    let svg = std::fs::read_to_string(dir.path().join("s.svg")).unwrap();
    assert!(
        svg.contains("<image") && svg.contains(";base64,"),
        "heat map not embedded as an image"
    );
    assert!(svg.contains("V frequency (MHz)") && svg.contains("next"));
}

#[test]
fn given_ranges_and_fft_length_are_used() {
    let dir = tempfile::tempdir().unwrap();
    let a = sines(20_000, 1, 10e6, FS);
    let b = sines(20_000, 1, 12e6, FS);
    let segs = [
        SegmentSamples {
            name: "a",
            data: &a,
            n_channels: 1,
            start_sample: 0,
        },
        SegmentSamples {
            name: "b",
            data: &b,
            n_channels: 1,
            start_sample: 20_000,
        },
    ];
    let mut options = SpectrogramOptions::new(FS);
    options.window = Some(10_000..30_000);
    options.fft_len = Some(1000);
    options.freq_range_hz = Some((5e6, 15e6));
    options.dynamic_range_db = 60.0;
    let path = dir.path().join("r.png");
    spectrogram(&SampleSource::Segments(&segs), &options, &path, (600, 400)).unwrap();
    assert_picture(&path, (600, 400));
}

#[test]
fn silence_still_renders() {
    let dir = tempfile::tempdir().unwrap();
    let zeros = vec![0i16; 4096];
    let source = SampleSource::Stream(SampleStream {
        data: &zeros,
        n_channels: 1,
        start_sample: 0,
        boundaries: &[],
    });
    let path = dir.path().join("z.png");
    spectrogram(&source, &SpectrogramOptions::new(FS), &path, (400, 300)).unwrap();
    assert_picture(&path, (400, 300));
}

#[test]
fn bad_options_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("bad.png");
    let data = sines(1000, 1, 1e6, FS);
    let source = SampleSource::Stream(SampleStream {
        data: &data,
        n_channels: 1,
        start_sample: 0,
        boundaries: &[],
    });
    let check = |options: &SpectrogramOptions, needle: &str| {
        let err = spectrogram(&source, options, &path, (600, 400)).unwrap_err();
        assert!(matches!(err, PlotError::BadInput { .. }), "{err}");
        assert!(err.to_string().contains(needle), "{err}");
    };
    let mut o = SpectrogramOptions::new(FS);
    o.fft_len = Some(4096);
    check(&o, "fft_len");
    let mut o = SpectrogramOptions::new(FS);
    o.channel = 1;
    check(&o, "channel 1");
    let mut o = SpectrogramOptions::new(FS);
    o.freq_range_hz = Some((2e6, 1e6));
    check(&o, "freq_range_hz");
    let mut o = SpectrogramOptions::new(FS);
    o.dynamic_range_db = 0.0;
    check(&o, "dynamic_range_db");
    assert!(!path.exists());
}
