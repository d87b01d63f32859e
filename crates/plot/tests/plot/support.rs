//! Helpers of the plot tests: programs to draw, synthetic samples, and checks
//! that a written file is a whole picture of the requested size.

#![allow(dead_code)]

use std::path::Path;

use awgsf_core::pipeline::{quantize, resolve, QuantLimits, QuantizedProgram};
use awgsf_core::program::{from_toml_str, load_program};

/// The sample rate the presets are compiled at.
pub const FS: f64 = 625e6;

/// A preset resolved and quantised at 625 MS/s for a two-channel M4i.66xx.
pub fn preset(name: &str) -> QuantizedProgram {
    let loaded = load_program(name).unwrap();
    quantize(
        &resolve(&loaded.program, FS).unwrap(),
        &QuantLimits::m4i66xx(2),
    )
    .unwrap()
}

/// A small two-channel program: a tone pair that moves, ramps and gains a tone.
pub fn small_program() -> QuantizedProgram {
    let text = r#"
logical_channels = ["H", "V"]

[definitions.h]
channel = "H"
freqs = ["10 MHz", "12 MHz"]
amps = [0.5, 0.25]

[definitions.v]
channel = "V"
freqs = ["20 MHz"]
amps = [0.8]

[[segments]]
name = "on"
mode = "wait_trig"
ops = [
  { op = "use_def", channel = "H", def = "h" },
  { op = "use_def", channel = "V", def = "v" },
  { op = "hold", time = "10 us" },
]

[[segments]]
name = "glide"
ops = [
  { op = "move", channel = "H", df = "1 MHz", time = "20 us", kind = "min_jerk" },
]

[[segments]]
name = "dim"
mode = "loop_n"
loop = 3
ops = [
  { op = "ramp_amp_to", channel = "V", amps = 0.2, time = "15 us", kind = "exp", tau = "5 us" },
]

[[segments]]
name = "add"
ops = [
  { op = "add_tone", channel = "V", freq = "21 MHz", amp = 0.1 },
  { op = "hold", time = "5 us" },
]
"#;
    let program = from_toml_str(text, "small.toml").unwrap();
    quantize(&resolve(&program, FS).unwrap(), &QuantLimits::m4i66xx(2)).unwrap()
}

/// `n` frames of `channels` interleaved sines, channel `c` at `f0 × (c + 1)` Hz,
/// amplitude 20000 codes.
pub fn sines(n: usize, channels: usize, f0: f64, fs: f64) -> Vec<i16> {
    (0..n)
        .flat_map(|k| {
            (0..channels).map(move |c| {
                let f = f0 * (c + 1) as f64;
                (20000.0 * (std::f64::consts::TAU * f * k as f64 / fs).sin()).round() as i16
            })
        })
        .collect()
}

/// Width and height of a PNG, after decoding every pixel (so a truncated or
/// corrupt file fails).
pub fn png_size(path: &Path) -> (u32, u32) {
    let file = std::fs::File::open(path).unwrap();
    let mut reader = png::Decoder::new(std::io::BufReader::new(file))
        .read_info()
        .unwrap();
    let mut buf = vec![0; reader.output_buffer_size()];
    let info = reader.next_frame(&mut buf).unwrap();
    assert_eq!(info.color_type, png::ColorType::Rgb);
    (info.width, info.height)
}

/// Width and height attributes of an SVG's root element; also checks that the
/// document is closed.
pub fn svg_size(path: &Path) -> (u32, u32) {
    let text = std::fs::read_to_string(path).unwrap();
    let start = text.find("<svg").expect("an <svg> element");
    let tag = &text[start..start + text[start..].find('>').unwrap()];
    let attr = |name: &str| -> u32 {
        let key = format!(" {name}=\"");
        let at = tag
            .find(&key)
            .unwrap_or_else(|| panic!("no {name} in {tag}"))
            + key.len();
        tag[at..at + tag[at..].find('"').unwrap()].parse().unwrap()
    };
    assert!(text.trim_end().ends_with("</svg>"), "unterminated SVG");
    (attr("width"), attr("height"))
}

/// Checks that `path` is a picture of `size` in the format of its extension.
pub fn assert_picture(path: &Path, size: (u32, u32)) {
    assert!(path.is_file(), "{} missing", path.display());
    match path.extension().and_then(|e| e.to_str()) {
        Some("png") => assert_eq!(png_size(path), size),
        Some("svg") => assert_eq!(svg_size(path), size),
        other => panic!("unexpected extension {other:?}"),
    }
}

/// Names of the files in `dir` (to check that no temporary file is left).
pub fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}
