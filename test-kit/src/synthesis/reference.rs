//! The reference renderer every synthesis backend is held to: a plain per-sample
//! `f64` evaluation of the render plan's meaning (`awgsf_plugin_api::plan`,
//! docs/semantics.md §7), written for obviousness rather than speed.
//!
//! It shares no code with the backends. Parameters follow the §7.1 formulas
//! literally; the phase of a tone at the first sample of a range is exact
//! ([`exact_turns`]), and from there the §7.2 accumulator `sum_j f(j) / fs` is summed
//! sample by sample (compensated summation, so ranges of up to a few million
//! samples stay exact to ~1e-12 cycles, however deep inside a long part they
//! start); the calibration is §7.3 verbatim and the card code §7.4. Its cost grows
//! with the number of samples and tones rendered.

use std::f64::consts::{PI, TAU};

use awgsf_plugin_api::{
    ChannelStats, InterpKind, OutputScale, PartPlan, SegmentPlan, Sin2Calibration, TonePlan,
};

use super::exact::exact_turns;

/// Floor of both ends of an adiabatic ramp (§7.1).
pub const ADIABATIC_FLOOR: f64 = 0.005;

/// `s` to `e` at sample `k` of an `n`-sample part (§7.1).
pub fn param(kind: InterpKind, tau_s: f64, s: f64, e: f64, k: u64, n: u64, fs: f64) -> f64 {
    let u = k as f64 / n as f64;
    let t = k as f64 / fs;
    match kind {
        InterpKind::Hold => s,
        InterpKind::Linear => s + (e - s) * u,
        InterpKind::MinJerk => s + (e - s) * (u.powi(3) * (10.0 - 15.0 * u + 6.0 * u * u)),
        InterpKind::Exp => {
            if tau_s == 0.0 {
                if k == 0 {
                    s
                } else {
                    e
                }
            } else {
                e + (s - e) * (-t / tau_s.abs()).exp()
            }
        }
        InterpKind::GeoRamp => {
            if s == e {
                s
            } else {
                s * ((e / s).ln() * u).exp()
            }
        }
        InterpKind::AdiabaticRamp => {
            let w = u * u * (3.0 - 2.0 * u);
            let x0 = s.max(ADIABATIC_FLOOR);
            let x1 = e.max(ADIABATIC_FLOOR);
            1.0 / ((1.0 - w) / x0 + w / x1)
        }
    }
}

/// Frequency of a tone at sample `k` (frequencies move only under linear / min_jerk).
pub fn freq(part: &PartPlan, tone: &TonePlan, k: u64, fs: f64) -> f64 {
    match part.kind {
        InterpKind::Linear | InterpKind::MinJerk => param(
            part.kind,
            part.tau_s,
            tone.f0_hz,
            tone.f1_hz,
            k,
            part.n_samples,
            fs,
        ),
        _ => tone.f0_hz,
    }
}

/// A tone's amplitude at one sample, with its calibration figures.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Amplitude {
    /// RF amplitude, mV.
    pub mv: f64,
    /// Requested fraction `max(p, 0) / g` of the reachable power (0 uncalibrated).
    pub ratio: f64,
    /// Whether the request exceeded `1 - y_eps` and was clamped.
    pub clamped: bool,
}

/// Calibrated RF amplitude for optical power `p` at `f` (§7.3).
pub fn calibrate(cal: &Sin2Calibration, f: f64, p: f64) -> Amplitude {
    let mid = (cal.freq_min_hz + cal.freq_max_hz) / 2.0;
    let half = (cal.freq_max_hz - cal.freq_min_hz) / 2.0;
    let x = ((f - mid) / half).clamp(-1.0, 1.0);
    let poly = |c: &[f64]| {
        let mut y = 0.0;
        for &ci in c {
            y = y * x + ci;
        }
        y
    };
    let g = poly(&cal.g_poly).max(cal.min_g);
    let a = poly(&cal.v0_poly);
    let v0 = (a * a + cal.min_v0_sq).sqrt();
    let ratio = p.max(0.0) / g;
    let cap = 1.0 - cal.y_eps;
    Amplitude {
        mv: v0 * (2.0 / PI) * ratio.clamp(0.0, cap).sqrt().asin(),
        ratio,
        clamped: ratio > cap,
    }
}

/// Amplitude of `tone` at sample `k` of `part`: the interpolated value itself on an
/// uncalibrated channel, the calibrated RF amplitude otherwise.
pub fn tone_amplitude(
    part: &PartPlan,
    tone: &TonePlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
    k: u64,
) -> Amplitude {
    let p = param(
        part.kind,
        part.tau_s,
        tone.a0,
        tone.a1,
        k,
        part.n_samples,
        fs,
    );
    match cal {
        Some(c) => calibrate(c, freq(part, tone, k, fs), p),
        None => Amplitude {
            mv: p,
            ratio: 0.0,
            clamped: false,
        },
    }
}

/// Output (mV) of `part` for its local samples `from..to`.
pub fn part_mv(
    part: &PartPlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
    from: u64,
    to: u64,
) -> Vec<f64> {
    let mut out = vec![0.0; (to - from) as usize];
    for tone in part.tones.iter() {
        // Exact cycles before `from`, then a compensated running sum of f(j) / fs.
        let (mut cycles, mut comp) = (exact_turns(part, tone, fs, from), 0.0f64);
        for k in from..to {
            let amp = tone_amplitude(part, tone, cal, fs, k).mv;
            let whole = cycles.floor();
            let frac = (cycles - whole) - comp;
            let phase = tone.phase0_rad + TAU * frac;
            out[(k - from) as usize] += amp * phase.sin();
            let y = freq(part, tone, k, fs) / fs - comp;
            let s = cycles + y;
            comp = (s - cycles) - y;
            cycles = s;
        }
    }
    out
}

/// Output (mV) of channel `channel` for segment samples `start..start + count`.
pub fn channel_mv(seg: &SegmentPlan, channel: usize, start: u64, count: u64) -> Vec<f64> {
    let ch = &seg.channels[channel];
    let cal = ch.calibration.as_ref().into_option();
    let end = start + count;
    let mut out = vec![0.0; count as usize];
    for part in ch.parts.iter() {
        let p0 = part.offset.max(start);
        let p1 = (part.offset + part.n_samples).min(end);
        if p0 >= p1 {
            continue;
        }
        let vals = part_mv(
            part,
            cal,
            seg.sample_rate_hz,
            p0 - part.offset,
            p1 - part.offset,
        );
        out[(p0 - start) as usize..(p1 - start) as usize].copy_from_slice(&vals);
    }
    out
}

/// Card code of a voltage (§7.4), `rint(clip(v / full_scale_mv, -clip, clip) *
/// full_scale)` with round-half-even, and whether the voltage was clipped
/// (`|v| > clip * full_scale_mv`).
pub fn to_code(v_mv: f64, scale: &OutputScale) -> (i16, bool) {
    let x = v_mv / scale.full_scale_mv;
    let clipped = x.abs() > scale.clip;
    let c = x.clamp(-scale.clip, scale.clip) * scale.full_scale;
    (c.round_ties_even() as i16, clipped)
}

/// Card code of a voltage on channel `channel` of `seg`.
pub fn code(seg: &SegmentPlan, channel: usize, v_mv: f64) -> i16 {
    to_code(v_mv, &seg.channels[channel].scale).0
}

/// Interleaved millivolts of every channel for `start..start + count`.
pub fn render_mv(seg: &SegmentPlan, start: u64, count: u64) -> Vec<f64> {
    let nch = seg.channels.len();
    let mut out = vec![0.0; count as usize * nch];
    for c in 0..nch {
        for (i, v) in channel_mv(seg, c, start, count).into_iter().enumerate() {
            out[i * nch + c] = v;
        }
    }
    out
}

/// Interleaved card codes of every channel for `start..start + count`.
pub fn render_codes(seg: &SegmentPlan, start: u64, count: u64) -> Vec<i16> {
    let nch = seg.channels.len().max(1);
    render_mv(seg, start, count)
        .into_iter()
        .enumerate()
        .map(|(i, v)| code(seg, i % nch, v))
        .collect()
}

/// What a range of a segment renders to.
#[derive(Clone, Debug, PartialEq)]
pub struct Expected {
    /// Millivolts, interleaved.
    pub mv: Vec<f64>,
    /// Card codes, interleaved.
    pub codes: Vec<i16>,
    /// Per channel: the statistics of the range.
    pub stats: Vec<ChannelStats>,
    /// Per channel: the arithmetic tolerance in mV of an `f64` renderer, 1e-9 of the
    /// largest possible sum of tone amplitudes (plus 1e-9 mV).
    pub tol_mv: Vec<f64>,
}

/// Largest amplitude (mV) the tones of a channel can reach together, maximised over
/// its parts: the amplitudes themselves, or the calibration's largest possible
/// `v0` on a calibrated channel.
pub fn amplitude_bound(seg: &SegmentPlan, c: usize) -> f64 {
    let ch = &seg.channels[c];
    let cal = ch.calibration.as_ref().into_option();
    let v0_max = cal.map(|cal| {
        let a: f64 = cal.v0_poly.iter().map(|c| c.abs()).sum();
        (a * a + cal.min_v0_sq).sqrt()
    });
    ch.parts
        .iter()
        .map(|p| {
            p.tones
                .iter()
                .map(|t| match v0_max {
                    Some(v) => v,
                    None => {
                        let floor = if p.kind == InterpKind::AdiabaticRamp {
                            ADIABATIC_FLOOR
                        } else {
                            0.0
                        };
                        t.a0.abs().max(t.a1.abs()).max(floor)
                    }
                })
                .sum::<f64>()
        })
        .fold(0.0, f64::max)
}

/// The reference rendering of samples `start..start + count` of every channel, with
/// the statistics a backend reports for it: clipped samples and the peak `|v|`
/// counted sample by sample, calibration clamps and the largest requested ratio
/// tone-sample by tone-sample.
pub fn expected(seg: &SegmentPlan, start: u64, count: u64) -> Expected {
    let nch = seg.channels.len();
    let fs = seg.sample_rate_hz;
    let mut mv = vec![0.0; count as usize * nch];
    let mut codes = vec![0i16; count as usize * nch];
    let mut stats = vec![ChannelStats::default(); nch];
    for (c, ch) in seg.channels.iter().enumerate() {
        for (r, v) in channel_mv(seg, c, start, count).into_iter().enumerate() {
            let (code, clipped) = to_code(v, &ch.scale);
            mv[r * nch + c] = v;
            codes[r * nch + c] = code;
            stats[c].clipped_samples += clipped as u64;
            stats[c].peak_mv = stats[c].peak_mv.max(v.abs());
        }
        let Some(cal) = ch.calibration.as_ref().into_option() else {
            continue;
        };
        for p in ch.parts.iter() {
            let lo = start.max(p.offset);
            let hi = (start + count).min(p.offset + p.n_samples);
            for k in lo..hi {
                for t in p.tones.iter() {
                    let a = tone_amplitude(p, t, Some(cal), fs, k - p.offset);
                    stats[c].calib_clamped += a.clamped as u64;
                    stats[c].calib_max_ratio = stats[c].calib_max_ratio.max(a.ratio);
                }
            }
        }
    }
    let tol_mv = (0..nch)
        .map(|c| 1e-9 * (amplitude_bound(seg, c) + 1.0))
        .collect();
    Expected {
        mv,
        codes,
        stats,
        tol_mv,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::synthesis::plans::{calibration, segment, single_part, Limits};
    use awgsf_plugin_api::abi_stable::std_types::{RNone, RSome, RVec};
    use awgsf_plugin_api::ChannelPlan;

    fn scale() -> OutputScale {
        OutputScale {
            full_scale_mv: 1000.0,
            full_scale: 32767.0,
            clip: 1.0,
        }
    }

    #[test]
    fn interpolations_follow_the_formulas() {
        let n = 1000;
        let fs = 1e6;
        let at = |kind, tau, s, e, k| param(kind, tau, s, e, k, n, fs);
        assert_eq!(at(InterpKind::Hold, 0.0, 1.0, 3.0, 500), 1.0);
        assert_eq!(at(InterpKind::Linear, 0.0, 1.0, 3.0, 500), 2.0);
        assert_eq!(at(InterpKind::MinJerk, 0.0, 1.0, 3.0, 500), 2.0);
        // u^3 (10 - 15u + 6u^2) at u = 1/4 is 0.103515625.
        assert!((at(InterpKind::MinJerk, 0.0, 0.0, 1.0, 250) - 0.103515625).abs() < 1e-15);
        assert!((at(InterpKind::GeoRamp, 0.0, 1.0, 4.0, 500) - 2.0).abs() < 1e-15);
        assert_eq!(at(InterpKind::GeoRamp, 0.0, -2.0, -2.0, 5), -2.0);
        // w = 1/2: 1 / (0.5 / 1 + 0.5 / 4) = 1.6; a ramp to 0 heads for the floor.
        assert!((at(InterpKind::AdiabaticRamp, 0.0, 1.0, 4.0, 500) - 1.6).abs() < 1e-15);
        assert!((at(InterpKind::AdiabaticRamp, 0.0, 1.0, 0.0, 999) - 0.005).abs() < 1e-4);
        // One time constant (100 samples at 1 MS/s), whatever the sign of tau.
        for tau in [1e-4, -1e-4] {
            let x = at(InterpKind::Exp, tau, 1.0, 0.0, 100);
            assert!((x - (-1.0f64).exp()).abs() < 1e-15);
        }
        assert_eq!(at(InterpKind::Exp, 0.0, 1.0, 3.0, 0), 1.0);
        assert_eq!(at(InterpKind::Exp, 0.0, 1.0, 3.0, 1), 3.0);
    }

    #[test]
    fn calibration_follows_the_sin2_model() {
        // g = 1 - 0.1x + 0.05x^2 and v0 = 300 + 10x - 20x^2 over 40-200 kHz.
        let cal = Sin2Calibration {
            g_poly: RVec::from(vec![0.05, -0.1, 1.0]),
            v0_poly: RVec::from(vec![-20.0, 10.0, 300.0]),
            freq_min_hz: 40e3,
            freq_max_hz: 200e3,
            min_g: 1e-12,
            min_v0_sq: 1e-12,
            y_eps: 1e-6,
        };
        // x = 0: asin(sqrt(1/2)) = pi/4, half of v0.
        let a = calibrate(&cal, 120e3, 0.5);
        assert!((a.mv - 150.0).abs() < 1e-9 && a.ratio == 0.5 && !a.clamped);
        // x = 0.5: g = 0.9625, asin(1/2) = pi/6.
        let b = calibrate(&cal, 160e3, 0.9625 * 0.25);
        assert!((b.mv - 100.0).abs() < 1e-9, "{}", b.mv);
        // Below the range x = -1: g = 1.15, v0 = 270, asin(sqrt(3)/2) = pi/3.
        let c = calibrate(&cal, 1e3, 1.15 * 0.75);
        assert!((c.mv - 180.0).abs() < 1e-9, "{}", c.mv);
        let over = calibrate(&cal, 120e3, 2.0);
        assert!(over.clamped && over.ratio == 2.0);
        let under = calibrate(&cal, 120e3, -1.0);
        assert_eq!((under.mv, under.ratio, under.clamped), (0.0, 0.0, false));
    }

    #[test]
    fn codes_round_half_even_and_clip() {
        let s = scale();
        let half_code = 1000.0 / 32767.0 / 2.0;
        assert_eq!(to_code(half_code, &s).0, 0);
        assert_eq!(to_code(3.0 * half_code, &s).0, 2);
        assert_eq!(to_code(1000.0, &s), (32767, false));
        assert_eq!(to_code(-5000.0, &s), (-32767, true));
        let tight = OutputScale { clip: 0.5, ..s };
        assert_eq!(to_code(600.0, &tight), (16384, true));
    }

    #[test]
    fn quarter_cycle_tones_across_parts() {
        let tone = TonePlan {
            f0_hz: 250e3,
            f1_hz: 250e3,
            a0: 100.0,
            a1: 100.0,
            phase0_rad: 0.0,
        };
        let p0 = PartPlan {
            offset: 0,
            n_samples: 4,
            kind: InterpKind::Hold,
            tau_s: 0.0,
            tones: RVec::from(vec![tone]),
        };
        let p1 = PartPlan {
            offset: 4,
            n_samples: 4,
            kind: InterpKind::Linear,
            tau_s: 0.0,
            tones: RVec::from(vec![TonePlan {
                a1: 0.0,
                phase0_rad: std::f64::consts::FRAC_PI_2,
                ..tone
            }]),
        };
        let seg = SegmentPlan {
            index: 0,
            n_samples: 8,
            sample_rate_hz: 1e6,
            channels: RVec::from(vec![
                ChannelPlan {
                    hardware_channel: 0,
                    calibration: RNone,
                    parts: RVec::from(vec![p0, p1]),
                    scale: OutputScale {
                        clip: 0.05,
                        ..scale()
                    },
                },
                ChannelPlan {
                    hardware_channel: 1,
                    calibration: RNone,
                    parts: RVec::new(),
                    scale: scale(),
                },
            ]),
        };
        let want = [0.0, 100.0, 0.0, -100.0, 100.0, 0.0, -50.0, 0.0];
        let exp = expected(&seg, 0, 8);
        for (k, w) in want.iter().enumerate() {
            assert!((exp.mv[2 * k] - w).abs() < 1e-9, "k={k}: {}", exp.mv[2 * k]);
            assert_eq!(exp.mv[2 * k + 1], 0.0);
        }
        // A window deep in the segment gives the same values as the whole.
        let tail = expected(&seg, 5, 3);
        assert_eq!(tail.mv, exp.mv[10..]);
        // |v| > 50 mV clips: 100, -100, 100 and -50 does not.
        assert_eq!(exp.stats[0].clipped_samples, 3);
        assert!((exp.stats[0].peak_mv - 100.0).abs() < 1e-9);
        assert_eq!(exp.stats[1], ChannelStats::default());
        assert_eq!(exp.codes[2], 1638);
    }

    #[test]
    fn calibration_statistics_count_tone_samples() {
        let mut seg = single_part(
            10,
            1e6,
            InterpKind::Linear,
            vec![
                TonePlan {
                    f0_hz: 250e3,
                    f1_hz: 250e3,
                    a0: 0.0,
                    a1: 2.0,
                    phase0_rad: 0.0,
                };
                2
            ],
        );
        seg.channels[0].calibration = RSome(calibration(100e3, 400e3));
        let exp = expected(&seg, 0, 10);
        // g(0) is 1.1776..., so a linear ramp 0 -> 2 over 10 samples exceeds it from
        // k = 6 (p = 1.2): four samples of two tones.
        assert_eq!(exp.stats[0].calib_clamped, 8);
        assert!((exp.stats[0].calib_max_ratio - 1.8 / 1.1776187109726794).abs() < 1e-12);
    }

    /// The summation from an exact anchor gives what summing from the part's start
    /// gives, on random plans.
    #[test]
    fn windows_agree_with_the_whole() {
        for seed in 0..20 {
            let seg = segment(seed, Limits::SMALL);
            let n = seg.n_samples;
            let whole = render_mv(&seg, 0, n);
            let nch = seg.channels.len();
            let a = n / 3;
            let win = render_mv(&seg, a, n - a);
            for (i, (w, v)) in win.iter().zip(&whole[a as usize * nch..]).enumerate() {
                let c = i % nch;
                let tol = 1e-9 * (amplitude_bound(&seg, c) + 1.0);
                assert!((w - v).abs() <= tol, "seed {seed} element {i}: {w} vs {v}");
            }
        }
    }
}
