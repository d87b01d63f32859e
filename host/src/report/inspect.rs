//! `awgsf inspect`: what each stage made of a program, as a table or JSON.

use serde::Serialize;

use awgsf_core::format::{number, seconds, si, significant};
use awgsf_core::pipeline::tones::{segment_tones, ToneRow};
use awgsf_core::pipeline::{resolve, QuantizedProgram, ResolvedProgram, ResolvedSegment};
use awgsf_core::program::Program;
use comfy_table::{ColumnConstraint, Width};

use super::table::{new_table, wrap};

/// One part of a segment: length and, per logical channel, interpolation and tones.
#[derive(Debug, Clone, Serialize)]
pub struct PartRow {
    /// Samples.
    pub n_samples: u64,
    /// Per logical channel: (interpolation, tone count).
    pub channels: Vec<(String, usize)>,
    /// Added by the quantiser (padding), not by an op.
    pub padding: bool,
    /// Every tone: frequencies (with the quantiser's shift), amplitudes, phases.
    pub tones: Vec<ToneRow>,
}

/// One segment row.
#[derive(Debug, Clone, Serialize)]
pub struct SegmentRow {
    /// Index.
    pub index: usize,
    /// Name.
    pub name: String,
    /// `loop_n` or `wait_trig`.
    pub mode: String,
    /// Repetitions.
    pub loop_count: u64,
    /// Phase mode.
    pub phase_mode: String,
    /// Samples from the resolver.
    pub original_samples: u64,
    /// Card-ready samples (quantised stage only).
    pub quantized_samples: Option<u64>,
    /// Loopable (wait_trig or loop > 1).
    pub loopable: bool,
    /// Frequencies snapped so every tone closes its phase per loop.
    pub wrap_protected: Option<bool>,
    /// Largest frequency change made by snapping or its propagation, Hz.
    pub max_shift_hz: Option<f64>,
    /// Parts.
    pub parts: Vec<PartRow>,
    /// Ops (intent stage).
    pub ops: Vec<String>,
    /// Rendered figures per output channel (with `--render`).
    pub rendered: Vec<RenderedChannel>,
}

/// Figures of one output channel of a rendered segment.
#[derive(Debug, Clone, Serialize)]
pub struct RenderedChannel {
    /// Hardware channel.
    pub hardware_channel: u32,
    /// Crest factor `max|y| / rms(y)` of the card codes (0 for silence).
    pub crest: f64,
    /// Largest `|v|` before clipping over full scale.
    pub peak_over_full_scale: f64,
    /// Samples clipped.
    pub clipped_samples: u64,
    /// Tone-samples whose optical power was clamped by the calibration.
    pub calib_clamped: u64,
}

impl RenderedChannel {
    /// Figures of column `c` of a rendered segment.
    pub fn of(
        samples: &awgsf_core::render::SegmentSamples,
        c: usize,
        hardware_channel: u32,
        full_scale_mv: f64,
    ) -> RenderedChannel {
        let nch = samples.n_channels as usize;
        let (mut peak, mut sum2) = (0.0f64, 0.0f64);
        for v in samples.codes.iter().skip(c).step_by(nch.max(1)) {
            let x = f64::from(*v);
            peak = peak.max(x.abs());
            sum2 += x * x;
        }
        let rms = (sum2 / samples.n_samples.max(1) as f64).sqrt();
        let st = samples.stats.get(c).copied().unwrap_or_default();
        RenderedChannel {
            hardware_channel,
            crest: if rms > 0.0 { peak / rms } else { 0.0 },
            peak_over_full_scale: st.peak_mv / full_scale_mv,
            clipped_samples: st.clipped_samples,
            calib_clamped: st.calib_clamped,
        }
    }
}

/// Report of `inspect`.
#[derive(Debug, Clone, Serialize)]
pub struct InspectReport {
    /// Where the program came from.
    pub source: String,
    /// `intent`, `resolved` or `quantized`.
    pub stage: String,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Logical channels.
    pub logical_channels: Vec<String>,
    /// Quantum, step and minimum (quantised stage).
    pub quantum_samples: Option<u64>,
    /// Segment step (quantised stage).
    pub step_samples: Option<u64>,
    /// Minimum segment (quantised stage).
    pub min_samples: Option<u64>,
    /// Program digest.
    pub digest: String,
    /// Segments.
    pub segments: Vec<SegmentRow>,
}

fn parts_of(
    seg: &ResolvedSegment,
    before: Option<&ResolvedSegment>,
    channels: &[String],
) -> Vec<PartRow> {
    seg.parts
        .iter()
        .zip(segment_tones(seg, before, channels))
        .map(|(p, t)| PartRow {
            n_samples: p.n_samples,
            channels: p
                .channels
                .iter()
                .map(|c| (c.interp.kind.as_str().to_string(), c.start.len()))
                .collect(),
            padding: p.op_index.is_none(),
            tones: t.tones,
        })
        .collect()
}

fn row(
    index: usize,
    seg: &ResolvedSegment,
    before: Option<&ResolvedSegment>,
    channels: &[String],
) -> SegmentRow {
    SegmentRow {
        index,
        name: seg.name.clone(),
        mode: seg.mode.as_str().into(),
        loop_count: seg.loop_count,
        phase_mode: seg.phase_mode.as_str().into(),
        original_samples: seg.n_samples(),
        quantized_samples: None,
        loopable: seg.is_loopable(),
        wrap_protected: None,
        max_shift_hz: None,
        parts: parts_of(seg, before, channels),
        ops: Vec::new(),
        rendered: Vec::new(),
    }
}

impl InspectReport {
    fn base(source: &str, stage: &str, program: &Program, fs: f64) -> InspectReport {
        InspectReport {
            source: source.into(),
            stage: stage.into(),
            sample_rate_hz: fs,
            logical_channels: program.logical_channels.clone(),
            quantum_samples: None,
            step_samples: None,
            min_samples: None,
            digest: awgsf_core::program::digest::program_digest(program),
            segments: Vec::new(),
        }
    }

    /// The intent stage: segments and their ops (and, when the program resolves at
    /// `fs`, the tones of each part).
    pub fn intent(source: &str, program: &Program, fs: f64) -> InspectReport {
        let mut r = Self::base(source, "intent", program, fs);
        let resolved = resolve(program, fs).ok();
        r.segments = program
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| SegmentRow {
                index: i,
                name: s.name.clone(),
                mode: s.mode.as_str().into(),
                loop_count: s.loop_count,
                phase_mode: s.phase_mode.as_str().into(),
                original_samples: 0,
                quantized_samples: None,
                loopable: s.is_loopable(),
                wrap_protected: None,
                max_shift_hz: None,
                parts: resolved
                    .as_ref()
                    .and_then(|r| r.segments.get(i))
                    .map(|rs| parts_of(rs, None, &r.logical_channels))
                    .unwrap_or_default(),
                rendered: Vec::new(),
                ops: s
                    .ops
                    .iter()
                    .map(|o| match (o.channel(), o.time_s()) {
                        (Some(c), Some(t)) => format!("{} {c} {}", o.name(), seconds(t)),
                        (Some(c), None) => format!("{} {c}", o.name()),
                        (None, Some(t)) => format!("{} {}", o.name(), seconds(t)),
                        (None, None) => o.name().to_string(),
                    })
                    .collect(),
            })
            .collect();
        r
    }

    /// The resolved stage.
    pub fn resolved(source: &str, program: &Program, r: &ResolvedProgram) -> InspectReport {
        let mut rep = Self::base(source, "resolved", program, r.sample_rate_hz);
        rep.segments = r
            .segments
            .iter()
            .enumerate()
            .map(|(i, s)| row(i, s, None, &r.logical_channels))
            .collect();
        rep
    }

    /// The quantised stage; `before` is the program before quantisation (for the
    /// frequency shift of each tone).
    pub fn quantized(
        source: &str,
        program: &Program,
        before: Option<&ResolvedProgram>,
        q: &QuantizedProgram,
    ) -> InspectReport {
        let mut rep = Self::base(source, "quantized", program, q.sample_rate_hz);
        rep.quantum_samples = Some(q.quantum_samples);
        rep.step_samples = Some(q.limits.step_samples);
        rep.min_samples = Some(q.min_samples);
        rep.segments = q
            .segments
            .iter()
            .enumerate()
            .map(|(i, qs)| {
                let old = before.and_then(|b| b.segments.get(i));
                let mut r = row(i, &qs.segment, old, &q.logical_channels);
                r.original_samples = qs.info.original_samples;
                r.quantized_samples = Some(qs.info.quantized_samples);
                r.wrap_protected = Some(qs.info.wrap_protected);
                r.max_shift_hz = Some(qs.info.max_shift_hz);
                r
            })
            .collect();
        rep
    }

    /// The table `inspect` prints.
    pub fn render(&self) -> String {
        let fs = self.sample_rate_hz;
        let samples = |n: u64| format!("{n} ({})", seconds(n as f64 / fs));
        let mut head = format!(
            "{} — stage {} at {}, channels {}",
            self.source,
            self.stage,
            si(fs, "S/s"),
            self.logical_channels.join(", ")
        );
        if let (Some(q), Some(step), Some(min)) =
            (self.quantum_samples, self.step_samples, self.min_samples)
        {
            head.push_str(&format!(
                "\nquantum {} · step {step} · minimum segment {min} samples",
                samples(q)
            ));
        }
        head.push_str(&format!("\ndigest {}", self.digest));
        let rendered = self.segments.iter().any(|s| !s.rendered.is_empty());
        let mut t = if self.stage == "intent" {
            new_table(
                &["#", "segment", "mode, phase", "ops"],
                &[true, false, false, false],
            )
        } else if rendered {
            new_table(
                &[
                    "#",
                    "segment",
                    "mode, phase",
                    "samples",
                    "wrap",
                    "parts",
                    "crest",
                    "peak/FS",
                    "clipped",
                ],
                &[true, false, false, true, false, false, true, true, true],
            )
        } else {
            new_table(
                &["#", "segment", "mode, phase", "samples", "wrap", "parts"],
                &[true, false, false, true, false, false],
            )
        };
        // Segment names wrap only when very long.
        let longest = self
            .segments
            .iter()
            .map(|s| s.name.chars().count())
            .max()
            .unwrap_or(0)
            .min(24);
        if let Some(c) = t.column_mut(1) {
            c.set_constraint(ColumnConstraint::LowerBoundary(Width::Fixed(
                u16::try_from(longest).unwrap_or(24),
            )));
        }
        for s in &self.segments {
            let mode = if s.mode == "loop_n" {
                if s.loop_count == 1 {
                    "once".to_string()
                } else {
                    format!("loop ×{}", s.loop_count)
                }
            } else {
                s.mode.clone()
            };
            let mode = format!("{mode}\n{}", s.phase_mode);
            if self.stage == "intent" {
                t.add_row(vec![
                    s.index.to_string(),
                    s.name.clone(),
                    mode,
                    s.ops.join("\n"),
                ]);
                continue;
            }
            let sam = match s.quantized_samples {
                Some(qn) if qn != s.original_samples => format!(
                    "{qn}\n({})\nwas {}",
                    seconds(qn as f64 / fs),
                    s.original_samples
                ),
                Some(qn) => format!("{qn}\n({})", seconds(qn as f64 / fs)),
                None => format!(
                    "{}\n({})",
                    s.original_samples,
                    seconds(s.original_samples as f64 / fs)
                ),
            };
            let wrap = match (s.wrap_protected, s.max_shift_hz) {
                (Some(true), Some(sh)) => {
                    format!("protected\nshift {} Hz", significant(sh, 3))
                }
                (Some(false), Some(sh)) if sh > 0.0 => {
                    format!("shifted\n{} Hz", significant(sh, 3))
                }
                _ => "-".into(),
            };
            let parts = s
                .parts
                .iter()
                .map(|p| {
                    let ch: Vec<String> = self
                        .logical_channels
                        .iter()
                        .zip(&p.channels)
                        .map(|(name, (kind, n))| format!("{name}:{kind}({n})"))
                        .collect();
                    format!(
                        "{}{} {}",
                        p.n_samples,
                        if p.padding { " pad" } else { "" },
                        ch.join(" ")
                    )
                })
                .collect::<Vec<_>>()
                .join("\n");
            let mut row = vec![s.index.to_string(), s.name.clone(), mode, sam, wrap, parts];
            if rendered {
                let col = |f: &dyn Fn(&RenderedChannel) -> String| {
                    s.rendered
                        .iter()
                        .map(|r| format!("ch{} {}", r.hardware_channel, f(r)))
                        .collect::<Vec<_>>()
                        .join("\n")
                };
                row.push(col(&|r| {
                    if r.crest > 0.0 {
                        significant(r.crest, 3)
                    } else {
                        "-".into()
                    }
                }));
                row.push(col(&|r| number(r.peak_over_full_scale, 3)));
                row.push(col(&|r| {
                    if r.calib_clamped > 0 {
                        format!("{} (+{} clamped)", r.clipped_samples, r.calib_clamped)
                    } else {
                        r.clipped_samples.to_string()
                    }
                }));
            }
            t.add_row(row);
        }
        format!("{}\n{}", wrap(&head, "  "), t.trim_fmt())
    }

    /// Every tone of every part, one table per segment (`inspect --tones`):
    /// start and end frequency with the quantiser's shift, amplitude and phase.
    pub fn render_tones(&self) -> String {
        let hz = |f: f64| format!("{f:.3}");
        let pair = |a: String, b: String| if a == b { a } else { format!("{a} → {b}") };
        let mut out = Vec::new();
        for s in &self.segments {
            let mut t = new_table(
                &[
                    "part",
                    "ch",
                    "tone",
                    "start Hz",
                    "end Hz",
                    "shift Hz",
                    "amp",
                    "phase rad",
                ],
                &[true, false, true, true, true, true, true, true],
            );
            for (i, p) in s.parts.iter().enumerate() {
                let part = format!("{i}{}", if p.padding { " pad" } else { "" });
                for tone in &p.tones {
                    t.add_row(vec![
                        part.clone(),
                        tone.channel.clone(),
                        tone.tone.to_string(),
                        hz(tone.start_hz),
                        if tone.end_hz == tone.start_hz {
                            "=".into()
                        } else {
                            hz(tone.end_hz)
                        },
                        pair(
                            format!("{:+.3}", tone.start_shift_hz),
                            format!("{:+.3}", tone.end_shift_hz),
                        ),
                        pair(significant(tone.start_amp, 4), significant(tone.end_amp, 4)),
                        pair(
                            significant(tone.start_phase_rad, 4),
                            significant(tone.end_phase_rad, 4),
                        ),
                    ]);
                }
            }
            let title = format!("segment {} '{}'", s.index, s.name);
            if t.row_count() == 0 {
                out.push(format!("{title}: no tones"));
            } else {
                out.push(format!("{title}\n{}", t.trim_fmt()));
            }
        }
        out.join("\n")
    }
}
