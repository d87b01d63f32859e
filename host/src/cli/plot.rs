//! `awgsf plot`: pictures of a program (timeline, samples, spectrogram, spot grid)
//! and of a calibration.

use std::ops::Range;
use std::path::{Path, PathBuf};

use awgsf_core::calib::{CalibError, InputFormat, MeasuredData, PhysicalSetup, Sin2Calib};
use awgsf_core::compiler::CompileSettings;
use awgsf_core::error::{exit, Error};
use awgsf_core::pipeline::QuantizedProgram;
use awgsf_core::program::LoadedProgram;
use awgsf_core::session::{JobOptions, Session};
use awgsf_plot::{
    calibration, grid, samples, spectrogram, tones_at, Boundary, CalibrationOptions, GridOptions,
    NamedFit, PixelSize, PowerPoint, SampleSource, SampleStream, SampleUnits, SamplesOptions,
    SegmentSamples, SpectrogramOptions, TimeAxis, TimelineOptions,
};
use awgsf_plugin_api::{OutputScale, Step, StepEnd};

use super::args::{PlotArgs, PlotKind};
use super::basic::load;
use super::run::load_config;

fn usage(m: impl Into<String>) -> Error {
    Error::Usage(m.into())
}

fn plot_err(e: awgsf_plot::PlotError) -> Error {
    Error::Plot(e)
}

fn size(s: &str) -> Result<PixelSize, Error> {
    let (w, h) = s
        .split_once(['x', 'X'])
        .ok_or_else(|| usage(format!("--size {s}: expected WIDTHxHEIGHT")))?;
    let p = |v: &str| {
        v.trim()
            .parse::<u32>()
            .map_err(|_| usage(format!("--size {s}: expected whole pixels")))
    };
    Ok((p(w)?, p(h)?))
}

fn range(s: &str, what: &str) -> Result<Range<u64>, Error> {
    let (a, b) = s
        .split_once("..")
        .ok_or_else(|| usage(format!("{what} {s}: expected START..END")))?;
    let p = |v: &str| {
        v.trim()
            .parse::<u64>()
            .map_err(|_| usage(format!("{what} {s}: expected sample numbers")))
    };
    let (a, b) = (p(a)?, p(b)?);
    if b <= a {
        return Err(usage(format!("{what} {s}: END must be after START")));
    }
    Ok(a..b)
}

/// Segment indices selected by NAME or FIRST..LAST (names or indices).
fn selection(sel: Option<&str>, names: &[String]) -> Result<Range<usize>, Error> {
    let find = |t: &str| -> Result<usize, Error> {
        let t = t.trim();
        names
            .iter()
            .position(|n| n == t)
            .or_else(|| t.parse::<usize>().ok().filter(|i| *i < names.len()))
            .ok_or_else(|| {
                usage(format!(
                    "--segments: no segment '{t}' (segments: {})",
                    names.join(", ")
                ))
            })
    };
    match sel {
        None => Ok(0..names.len()),
        Some(s) => match s.split_once("..") {
            Some((a, b)) => {
                let (a, b) = (find(a)?, find(b)?);
                if b < a {
                    return Err(usage(format!("--segments {s}: LAST comes before FIRST")));
                }
                Ok(a..b + 1)
            }
            None => {
                let i = find(s)?;
                Ok(i..i + 1)
            }
        },
    }
}

fn program(a: &PlotArgs) -> Result<LoadedProgram, Error> {
    match (&a.preset, &a.program) {
        (Some(p), _) => load(&format!("preset:{p}")),
        (None, Some(p)) => load(p),
        (None, None) => Err(usage(
            "this kind of picture needs a PROGRAM or --preset NAME",
        )),
    }
}

/// `awgsf plot`.
pub fn plot(a: &PlotArgs) -> Result<i32, Error> {
    let px = size(&a.size)?;
    awgsf_plugin_api::output_dir::check_file_target(&a.out, a.overwrite)
        .map_err(|e| super::compile::output_error("--out", e))?;
    let written = match a.kind {
        PlotKind::Calibration => calibration_plot(a, px)?,
        kind => {
            let loaded = program(a)?;
            let mut session = Session::open(load_config(&a.config)?)?;
            let r = program_plot(a, kind, &loaded, &mut session, px);
            let _ = session.close();
            r?
        }
    };
    eprintln!("wrote {}", written.display());
    Ok(exit::OK)
}

/// A picture of a program: the kind chooses what is compiled and drawn.
fn program_plot(
    a: &PlotArgs,
    kind: PlotKind,
    loaded: &LoadedProgram,
    session: &mut Session,
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let settings = session.compile_settings(&loaded.program.logical_channels)?;
    if kind == PlotKind::Timeline || kind == PlotKind::Grid {
        let planned = awgsf_core::compiler::plan(loaded, &settings)?;
        let q = &planned.quantized;
        let names: Vec<String> = q.segments.iter().map(|s| s.segment.name.clone()).collect();
        if kind == PlotKind::Timeline {
            return timeline_plot(a, q, &names, &settings, px);
        }
        return grid_plot(a, loaded, q, &names, px);
    }
    rendered_plot(a, loaded, session, &settings, px)
}

/// `timeline`: frequency and amplitude of every tone of the chosen segments.
fn timeline_plot(
    a: &PlotArgs,
    q: &QuantizedProgram,
    names: &[String],
    settings: &CompileSettings,
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let opts = TimelineOptions {
        segments: Some(selection(a.segments.as_deref(), names)?),
        time_axis: if a.equal_widths {
            TimeAxis::EqualSegments
        } else {
            TimeAxis::Actual
        },
        amplitude_label: if settings
            .layout
            .columns
            .iter()
            .any(|c| c.calibration.is_some())
        {
            "amplitude (mV, or optical power on calibrated channels)".into()
        } else {
            "amplitude (mV)".into()
        },
        title: a.title.clone(),
        ..TimelineOptions::default()
    };
    awgsf_plot::timeline(q, &opts, &a.out, px).map_err(plot_err)
}

/// `grid`: the crossed spots of the `--axes` channels at `--at` (by default the
/// start of the first segment with tones on both).
fn grid_plot(
    a: &PlotArgs,
    loaded: &LoadedProgram,
    q: &QuantizedProgram,
    names: &[String],
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let (h, v) = a
        .axes
        .split_once(',')
        .ok_or_else(|| usage("--axes: expected H,V"))?;
    let ch = |n: &str| {
        q.logical_channels
            .iter()
            .position(|c| c == n.trim())
            .ok_or_else(|| {
                usage(format!(
                    "--axes: no logical channel '{n}' (channels: {})",
                    q.logical_channels.join(", ")
                ))
            })
    };
    let (hi, vi) = (ch(h)?, ch(v)?);
    let (seg, sample) = match &a.at {
        Some(at) => {
            let (s, k) = at.split_once('@').unwrap_or((at.as_str(), "0"));
            let k: u64 = k
                .parse()
                .map_err(|_| usage(format!("--at {at}: SAMPLE must be a whole number")))?;
            (selection(Some(s), names)?.start, k)
        }
        None => {
            let i = q
                .segments
                .iter()
                .position(|s| {
                    !s.segment.start_state(hi).is_empty() && !s.segment.start_state(vi).is_empty()
                })
                .ok_or_else(|| {
                    usage("no segment has tones on both channels; choose one with --at")
                })?;
            (i, 0)
        }
    };
    let states = tones_at(q, seg, sample).ok_or_else(|| {
        usage(format!(
            "--at: sample {sample} is past segment '{}'",
            names[seg]
        ))
    })?;
    let opts = GridOptions {
        h_name: h.trim().into(),
        v_name: v.trim().into(),
        title: a.title.clone().or_else(|| {
            Some(format!(
                "{} at '{}' + {sample} samples",
                loaded.source, names[seg]
            ))
        }),
    };
    grid(&states[hi], &states[vi], &opts, &a.out, px).map_err(plot_err)
}

/// `samples` and `spectrogram`: pictures of rendered data, the compiled segments
/// or (`--played`) the stream the card played.
fn rendered_plot(
    a: &PlotArgs,
    loaded: &LoadedProgram,
    session: &mut Session,
    settings: &CompileSettings,
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let fs = settings.sample_rate_hz;
    let col_names: Vec<String> = settings
        .layout
        .columns
        .iter()
        .map(|c| match c.logical {
            Some(l) => format!(
                "{} (ch{})",
                loaded.program.logical_channels[l], c.hardware_channel
            ),
            None => format!("ch{}", c.hardware_channel),
        })
        .collect();
    let window = a
        .window
        .as_deref()
        .map(|w| range(w, "--window"))
        .transpose()?;
    let (planned, data) = session.compile(loaded)?;
    let names: Vec<String> = planned
        .quantized
        .segments
        .iter()
        .map(|s| s.segment.name.clone())
        .collect();
    let nch = data.first().map_or(1, |d| d.n_channels as usize);
    let played: Played;
    let pieces: Vec<SegmentSamples<'_>>;
    let source = if a.played {
        played = played_stream(loaded, session, window.clone(), &names, nch)?;
        SampleSource::Stream(SampleStream {
            data: &played.stream,
            n_channels: nch,
            start_sample: played.start_sample,
            boundaries: &played.boundaries,
        })
    } else {
        let sel = selection(a.segments.as_deref(), &names)?;
        let mut start = 0u64;
        pieces = sel
            .map(|i| {
                let p = SegmentSamples {
                    name: &names[i],
                    data: &data[i].codes,
                    n_channels: nch,
                    start_sample: start,
                };
                start += data[i].n_samples;
                p
            })
            .collect();
        SampleSource::Segments(&pieces)
    };
    let scale = planned.lowered.first().map(|l| l.plan.channels[0].scale);
    let window = if a.played { None } else { window };
    match a.kind {
        PlotKind::Samples => samples_plot(a, &source, fs, col_names, window, scale, px),
        _ => spectrogram_plot(a, &source, fs, &col_names, window, px),
    }
}

/// What the card played in a window, read back from its memory.
struct Played {
    /// Interleaved codes of the window.
    stream: Vec<i16>,
    /// Where each played segment instance starts.
    boundaries: Vec<Boundary>,
    /// First sample of the window.
    start_sample: u64,
}

/// Runs the program and rebuilds what the card played in `window` (by default the
/// first 2^22 samples) from its trace and its memory.
fn played_stream(
    loaded: &LoadedProgram,
    session: &mut Session,
    window: Option<Range<u64>>,
    names: &[String],
    nch: usize,
) -> Result<Played, Error> {
    let opts = JobOptions {
        force_trigger: false,
        verify: false,
        threshold_fs: 0.01,
    };
    session.run(loaded.clone(), &opts)?;
    let trace = session.playback()?.ok_or_else(|| {
        usage("--played needs a card that reports what it played (e.g. the simulator)")
    })?;
    let on_card = session
        .on_card
        .as_ref()
        .ok_or_else(|| Error::Internal("nothing on the card".into()))?;
    let mut memory: Vec<Vec<i16>> = Vec::new();
    for (slot, &seg) in on_card.slots.segment_of_slot.iter().enumerate() {
        let mut buf = vec![0i16; on_card.samples[seg].codes.len()];
        session.card.read_back(slot as u32, &mut buf)?;
        memory.push(buf);
    }
    let w = window.unwrap_or(0..trace.total_samples.min(1 << 22));
    let mut s = Vec::new();
    let mut b = Vec::new();
    // Passes through each step so far (a wrap to the first step starts another).
    let mut passes: std::collections::HashMap<u32, u64> = std::collections::HashMap::new();
    for inst in trace.instances.iter() {
        if inst.loop_index == 0 {
            *passes.entry(inst.step).or_default() += 1;
        }
        if !(inst.start_sample + inst.n_samples > w.start && inst.start_sample < w.end) {
            continue;
        }
        let step = &on_card.steps[inst.step as usize];
        let slot = step.segment as usize;
        b.push(Boundary {
            sample: inst.start_sample,
            label: played_label(
                &names[on_card.slots.segment_of_slot[slot]],
                step,
                inst.loop_index,
                passes.get(&inst.step).copied().unwrap_or(1),
            ),
        });
        if s.is_empty() && inst.start_sample > w.start {
            s.resize(((inst.start_sample - w.start) as usize) * nch, 0);
        }
        let from = w.start.saturating_sub(inst.start_sample) as usize;
        let to = (w.end.min(inst.start_sample + inst.n_samples) - inst.start_sample) as usize;
        s.extend_from_slice(&memory[slot][from * nch..to * nch]);
    }
    Ok(Played {
        stream: s,
        boundaries: b,
        start_sample: w.start,
    })
}

/// The label of one played instance: the segment's name, its repetition numbered
/// from 1 in a repeating step (`rep 2/4`, or `rep 7` for a step that repeats until
/// a trigger), and the pass through the program after the first (`pass 2`).
fn played_label(name: &str, step: &Step, loop_index: u64, pass: u64) -> String {
    let mut label = name.to_string();
    if step.end == StepEnd::OnTrigger {
        label.push_str(&format!(" rep {}", loop_index + 1));
    } else if step.loops > 1 {
        label.push_str(&format!(" rep {}/{}", loop_index + 1, step.loops));
    }
    if pass > 1 {
        label.push_str(&format!(" (pass {pass})"));
    }
    label
}

/// `samples`: the codes of every channel (in mV with `--mv`).
fn samples_plot(
    a: &PlotArgs,
    source: &SampleSource<'_>,
    fs: f64,
    channel_names: Vec<String>,
    window: Option<Range<u64>>,
    scale: Option<OutputScale>,
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let mut o = SamplesOptions::new(fs);
    o.channel_names = channel_names;
    o.window = window;
    o.title = a.title.clone();
    if a.mv {
        let sc = scale.ok_or_else(|| usage("no channels"))?;
        o.units = SampleUnits::Millivolts {
            mv_per_code: sc.full_scale_mv / sc.full_scale,
        };
    }
    samples(source, &o, &a.out, px).map_err(plot_err)
}

/// `spectrogram`: one channel's spectrum against time.
fn spectrogram_plot(
    a: &PlotArgs,
    source: &SampleSource<'_>,
    fs: f64,
    channel_names: &[String],
    window: Option<Range<u64>>,
    px: PixelSize,
) -> Result<PathBuf, Error> {
    let mut o = SpectrogramOptions::new(fs);
    o.channel = a.channel;
    o.channel_name = channel_names.get(a.channel).cloned();
    o.window = window;
    o.fft_len = a.fft_len;
    o.dynamic_range_db = a.dynamic_range;
    o.title = a.title.clone();
    spectrogram(source, &o, &a.out, px).map_err(plot_err)
}

/// The calibration of hardware channel `hw` in a setup or calibration file.
fn calibration_file(path: &Path, hw: u32) -> Result<Sin2Calib, Error> {
    let (v, file) = awgsf_core::layout::read_calibration_json(path)?;
    if v.get("channel_calibrations").is_some() {
        let setup = PhysicalSetup::from_json_value(&v, &file)?;
        return setup.calibration(hw).cloned().ok_or_else(|| {
            Error::Calibration(CalibError::field(
                &file,
                &format!("channel_calibrations[{hw}]"),
                "this hardware channel has no calibration",
            ))
        });
    }
    Ok(Sin2Calib::from_json(&v, &file, "")?)
}

fn calibration_plot(a: &PlotArgs, px: PixelSize) -> Result<PathBuf, Error> {
    let data_path = a
        .data
        .as_ref()
        .ok_or_else(|| usage("calibration: --data FILE is needed"))?;
    let fit_path = a
        .fit
        .as_ref()
        .ok_or_else(|| usage("calibration: --fit FILE is needed"))?;
    let data = MeasuredData::read(data_path, InputFormat::Auto, None)?;
    let points: Vec<PowerPoint> = data
        .freqs_hz
        .iter()
        .zip(&data.rf_amps_mv)
        .zip(&data.powers)
        .map(|((&f, &a), &p)| PowerPoint {
            freq_hz: f,
            rf_mv: a,
            power: p,
        })
        .collect();
    let fit = calibration_file(fit_path, a.hw_channel)?.to_plan();
    let reference = a
        .reference
        .as_ref()
        .map(|p| calibration_file(p, a.hw_channel))
        .transpose()?
        .map(|c| c.to_plan());
    let mut fits = vec![NamedFit {
        name: "fit",
        model: &fit,
    }];
    if let Some(r) = &reference {
        fits.push(NamedFit {
            name: "reference",
            model: r,
        });
    }
    let opts = CalibrationOptions {
        title: a.title.clone(),
        ..CalibrationOptions::default()
    };
    calibration(&points, &fits, &opts, &a.out, px).map_err(plot_err)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(loops: u64, end: StepEnd) -> Step {
        Step {
            index: 0,
            segment: 0,
            next: 1,
            loops,
            end,
        }
    }

    #[test]
    fn played_repetitions_are_numbered_from_one() {
        assert_eq!(played_label("a", &step(1, StepEnd::Always), 0, 1), "a");
        assert_eq!(
            played_label("a", &step(4, StepEnd::Always), 1, 1),
            "a rep 2/4"
        );
        assert_eq!(
            played_label("w", &step(1, StepEnd::OnTrigger), 6, 2),
            "w rep 7 (pass 2)"
        );
        assert_eq!(
            played_label("a", &step(1, StepEnd::Always), 0, 3),
            "a (pass 3)"
        );
    }
}
