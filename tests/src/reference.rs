//! Reference renderer: a plain per-sample `f64` evaluation of docs/semantics.md §7,
//! written for obviousness rather than speed, against which every synthesis backend
//! is checked.
//!
//! It shares no code with the renderers: parameters follow the §7.1 formulas
//! literally, the phase is the §7.2 accumulator `sum_{j<k} f(j) / fs` summed sample
//! by sample from the start of the part (compensated summation, so parts of up to a
//! few million samples stay exact to ~1e-12 cycles), and the calibration is §7.3
//! verbatim. Its cost grows with the distance from the part start, so it suits the
//! short parts of property tests, not long ones.

use std::f64::consts::{PI, TAU};

use awgsf_plugin_api::{InterpKind, PartPlan, SegmentPlan, Sin2Calibration, TonePlan};

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
            let x0 = s.max(0.005);
            let x1 = e.max(0.005);
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

/// Calibrated RF amplitude (mV) for optical power `p` at `f` (§7.3).
pub fn calibrate(cal: &Sin2Calibration, f: f64, p: f64) -> f64 {
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
    let y = (p.max(0.0) / g).clamp(0.0, 1.0 - cal.y_eps);
    v0 * (2.0 / PI) * y.sqrt().asin()
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
        // Compensated running sum of f(j) / fs for j < k.
        let (mut cycles, mut comp) = (0.0f64, 0.0f64);
        for k in 0..to {
            if k >= from {
                let p = param(
                    part.kind,
                    part.tau_s,
                    tone.a0,
                    tone.a1,
                    k,
                    part.n_samples,
                    fs,
                );
                let amp = match cal {
                    Some(c) => calibrate(c, freq(part, tone, k, fs), p),
                    None => p,
                };
                let whole = cycles.floor();
                let frac = (cycles - whole) - comp;
                let phase = tone.phase0_rad + TAU * frac;
                out[(k - from) as usize] += amp * phase.sin();
            }
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

/// Card code of a voltage (§7.4): `rint(clip(v / full_scale_mv, -clip, clip) * full_scale)`.
pub fn code(seg: &SegmentPlan, channel: usize, v_mv: f64) -> i16 {
    let s = &seg.channels[channel].scale;
    let x = (v_mv / s.full_scale_mv).clamp(-s.clip, s.clip);
    (x * s.full_scale).round_ties_even() as i16
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
