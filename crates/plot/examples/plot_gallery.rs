//! Writes one example picture of each kind into `docs/images/`, from the
//! `recreate_mol_exp` preset at 625 MS/s.
//!
//! ```text
//! cargo run -p awgsf-plot --example plot_gallery -- [OUT_DIR] [--cal-data FILE --cal-fit FILE]
//! ```
//!
//! The sample and spectrogram pictures need int16 samples; this example makes
//! them with a plain phase-accumulating sum of the preset's tones (evaluated with
//! `awgsf_plot::tones_at`), which is enough for an illustration.
//!
//! The calibration picture uses measured data when given: `--cal-data` names a
//! diffraction-efficiency file (`{"DE_RF_calibration": {"<MHz>": {"RF Amplitude
//! (mV)": [..], "Diffraction Efficiency": [..]}}}`) and `--cal-fit` a physical-setup
//! file whose first channel calibration is the fit to compare. Without them it
//! draws synthetic data against two synthetic fits.

use std::f64::consts::TAU;
use std::path::PathBuf;

use abi_stable::std_types::RVec;
use awgsf_core::pipeline::{quantize, resolve, QuantLimits, QuantizedProgram};
use awgsf_core::program::load_program;
use awgsf_plot::{
    calibration, grid, samples, spectrogram, timeline, tones_at, Boundary, CalibrationOptions,
    GridOptions, NamedFit, PowerModel, PowerPoint, SampleSource, SampleStream, SamplesOptions,
    SpectrogramOptions, TimeAxis, TimelineOptions,
};
use awgsf_plugin_api::Sin2Calibration;
use serde_json::Value;

const FS: f64 = 625e6;

type Error = Box<dyn std::error::Error>;

fn main() -> Result<(), Error> {
    let mut out = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../docs/images");
    let (mut cal_data, mut cal_fit) = (None, None);
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--cal-data" => cal_data = Some(args.next().ok_or("--cal-data needs a file")?),
            "--cal-fit" => cal_fit = Some(args.next().ok_or("--cal-fit needs a file")?),
            _ => out = PathBuf::from(arg),
        }
    }
    std::fs::create_dir_all(&out)?;
    let loaded = load_program("recreate_mol_exp")?;
    let program = quantize(&resolve(&loaded.program, FS)?, &QuantLimits::m4i66xx(2))?;
    let starts = segment_starts(&program);
    let start_of = |name: &str| -> Result<u64, String> {
        program
            .segments
            .iter()
            .position(|s| s.segment.name == name)
            .map(|i| starts[i])
            .ok_or_else(|| format!("no segment `{name}`"))
    };

    let options = TimelineOptions {
        time_axis: TimeAxis::EqualSegments,
        title: Some("recreate_mol_exp: tones over time".to_string()),
        ..TimelineOptions::default()
    };
    report(timeline(
        &program,
        &options,
        &out.join("plot_timeline.png"),
        (1400, 900),
    )?);

    // Samples: 20 µs either side of the 40 µs wait before the row moves.
    let first = start_of("wait_for_trigger_A")? - 12_500;
    let (data, boundaries) = synthesize(&program, &starts, first, 50_000);
    let source = SampleSource::Stream(SampleStream {
        data: &data,
        n_channels: 2,
        start_sample: first,
        boundaries: &boundaries,
    });
    let mut options = SamplesOptions::new(FS);
    options.channel_names = vec!["H".into(), "V".into()];
    options.title = Some("recreate_mol_exp: samples around wait_for_trigger_A".into());
    report(samples(
        &source,
        &options,
        &out.join("plot_samples.png"),
        (1400, 800),
    )?);
    let edge = first + 12_500;
    options.window = Some(edge - 120..edge + 120);
    options.title = Some("recreate_mol_exp: samples at a segment boundary, zoomed in".into());
    report(samples(
        &source,
        &options,
        &out.join("plot_samples_zoom.png"),
        (1400, 800),
    )?);

    // Spectrogram: H while the loaded sites are rearranged onto the experiment array.
    let first = start_of("hotswap_rearrange_to_exp_array")? - 62_500;
    let (data, boundaries) = synthesize(&program, &starts, first, 62_500 + 625_000 + 125_000);
    let source = SampleSource::Stream(SampleStream {
        data: &data,
        n_channels: 2,
        start_sample: first,
        boundaries: &boundaries,
    });
    let mut options = SpectrogramOptions::new(FS);
    options.channel_name = Some("H".into());
    options.title = Some("recreate_mol_exp: spectrogram of H during the rearrangement".into());
    report(spectrogram(
        &source,
        &options,
        &out.join("plot_spectrogram.png"),
        (1400, 800),
    )?);

    // Spot grid halfway through ramping up the detection tweezer's row.
    let seg = program
        .segments
        .iter()
        .position(|s| s.segment.name == "turn_on_detect")
        .ok_or("no segment `turn_on_detect`")?;
    let at = program.segments[seg].segment.n_samples() / 2;
    let states = tones_at(&program, seg, at).ok_or("no tone states")?;
    let options = GridOptions {
        title: Some("recreate_mol_exp: spots halfway through turn_on_detect".into()),
        ..GridOptions::default()
    };
    report(grid(
        &states[0],
        &states[1],
        &options,
        &out.join("plot_grid.png"),
        (1000, 800),
    )?);

    let path = out.join("plot_calibration.png");
    match (cal_data, cal_fit) {
        (Some(data), Some(fit)) => {
            let points = read_points(&data)?;
            let fit = read_fit(&fit)?;
            let fits = [NamedFit {
                name: "reference fit",
                model: &fit,
            }];
            let options = CalibrationOptions {
                power_unit: "diffraction efficiency".into(),
                title: Some(format!(
                    "Calibration of {} against the reference fit",
                    file_name(&data)
                )),
                ..CalibrationOptions::default()
            };
            report(calibration(&points, &fits, &options, &path, (1400, 1000))?);
        }
        (None, None) => {
            let (points, truth, rough) = synthetic_calibration();
            let fits = [
                NamedFit {
                    name: "model",
                    model: &truth,
                },
                NamedFit {
                    name: "rough fit",
                    model: &rough,
                },
            ];
            let options = CalibrationOptions {
                title: Some("Synthetic calibration data against two fits".into()),
                ..CalibrationOptions::default()
            };
            report(calibration(&points, &fits, &options, &path, (1400, 1000))?);
        }
        _ => return Err("give both --cal-data and --cal-fit, or neither".into()),
    }
    Ok(())
}

fn file_name(path: &str) -> String {
    PathBuf::from(path)
        .file_name()
        .map_or_else(|| path.to_string(), |n| n.to_string_lossy().into_owned())
}

/// The point cloud of a diffraction-efficiency calibration file.
fn read_points(path: &str) -> Result<Vec<PowerPoint>, Error> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let table = json["DE_RF_calibration"]
        .as_object()
        .ok_or(format!("{path}: no DE_RF_calibration object"))?;
    let mut points = Vec::new();
    for (mhz, cols) in table {
        let f = mhz.parse::<f64>()? * 1e6;
        let amps = cols["RF Amplitude (mV)"]
            .as_array()
            .ok_or(format!("{path}: {mhz}: no amplitudes"))?;
        let de = cols["Diffraction Efficiency"]
            .as_array()
            .ok_or(format!("{path}: {mhz}: no efficiencies"))?;
        for (a, p) in amps.iter().zip(de) {
            if let (Some(a), Some(p)) = (a.as_f64(), p.as_f64()) {
                points.push(PowerPoint {
                    freq_hz: f,
                    rf_mv: a,
                    power: p,
                });
            }
        }
    }
    Ok(points)
}

/// The first channel calibration of a physical-setup file.
fn read_fit(path: &str) -> Result<Sin2Calibration, Error> {
    let json: Value = serde_json::from_str(&std::fs::read_to_string(path)?)?;
    let c = &json["channel_calibrations"][0];
    let poly = |key: &str| -> Result<RVec<f64>, Error> {
        let v = c[key].as_array().ok_or(format!("{path}: no {key}"))?;
        Ok(v.iter()
            .filter_map(Value::as_f64)
            .collect::<Vec<_>>()
            .into())
    };
    let num = |key: &str| c[key].as_f64().ok_or(format!("{path}: no {key}"));
    Ok(Sin2Calibration {
        g_poly: poly("g_poly_high_to_low")?,
        v0_poly: poly("v0_a_poly_high_to_low")?,
        freq_min_hz: num("freq_min_hz")?,
        freq_max_hz: num("freq_max_hz")?,
        min_g: num("min_g")?,
        min_v0_sq: num("min_v0_sq")?,
        y_eps: num("y_eps")?,
    })
}

/// Points on a 40 × 30 grid from a sin² model with a deterministic ripple, the
/// model itself, and a flatter fit of it.
fn synthetic_calibration() -> (Vec<PowerPoint>, Sin2Calibration, Sin2Calibration) {
    let truth = Sin2Calibration {
        g_poly: vec![-0.25, 0.05, 0.8].into(),
        v0_poly: vec![20.0, -10.0, 140.0].into(),
        freq_min_hz: 80e6,
        freq_max_hz: 120e6,
        min_g: 1e-12,
        min_v0_sq: 1e-12,
        y_eps: 1e-6,
    };
    let rough = Sin2Calibration {
        g_poly: vec![0.72].into(),
        v0_poly: vec![145.0].into(),
        ..truth.clone()
    };
    let points = (0..40)
        .flat_map(|i| (0..30).map(move |j| (i, j)))
        .map(|(i, j)| {
            let f = 80e6 + f64::from(i) * 1e6;
            let a = f64::from(j) * 6.0;
            let ripple = 0.01 * (f64::from(i * 7 + j * 13) * 0.7).sin();
            PowerPoint {
                freq_hz: f,
                rf_mv: a,
                power: truth.power(f, a) + ripple,
            }
        })
        .collect();
    (points, truth, rough)
}

fn report(path: PathBuf) {
    println!("{}", path.display());
}

/// First sample of each segment in one pass through the program.
fn segment_starts(program: &QuantizedProgram) -> Vec<u64> {
    let mut acc = 0;
    program
        .segments
        .iter()
        .map(|s| {
            let start = acc;
            acc += s.segment.n_samples();
            start
        })
        .collect()
}

/// Interleaved H/V codes of `n` samples from position `first` of one pass
/// through the program, and the segment starts inside: every tone a sine whose
/// phase accumulates its frequency (continuous across segments), 1.0 = 16000
/// codes.
fn synthesize(
    program: &QuantizedProgram,
    starts: &[u64],
    first: u64,
    n: u64,
) -> (Vec<i16>, Vec<Boundary>) {
    let mut phases: Vec<Vec<f64>> = vec![Vec::new(); program.logical_channels.len()];
    let mut data = Vec::with_capacity(2 * n as usize);
    let boundaries = starts
        .iter()
        .zip(&program.segments)
        .filter(|(&s, _)| s >= first && s < first + n)
        .map(|(&sample, seg)| Boundary {
            sample,
            label: seg.segment.name.clone(),
        })
        .collect();
    for pos in first..first + n {
        let seg = starts.partition_point(|&s| s <= pos) - 1;
        let states = tones_at(program, seg, pos - starts[seg]).unwrap_or_default();
        for (ch, state) in states.iter().enumerate().take(2) {
            let ph = &mut phases[ch];
            ph.resize(state.len(), 0.0);
            let v: f64 = state
                .amps
                .iter()
                .zip(ph.iter())
                .map(|(a, p)| a * p.sin())
                .sum();
            for (p, f) in ph.iter_mut().zip(&state.freqs_hz) {
                *p = (*p + TAU * f / FS) % TAU;
            }
            data.push((v * 16000.0).round().clamp(-32768.0, 32767.0) as i16);
        }
    }
    (data, boundaries)
}
