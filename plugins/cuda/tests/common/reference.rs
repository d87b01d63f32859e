//! The exact per-sample evaluation every output is held to: `awgsf_math::sample_mv`
//! then `to_code`, and the statistics counted tone-sample by tone-sample.

use awgsf_math::{sample_mv, to_code, tone_amplitude, ADIABATIC_FLOOR};
use awgsf_plugin_api::{ChannelStats, InterpKind, SegmentPlan};

/// What a range of a segment must render to.
pub struct Expected {
    /// Millivolts, interleaved.
    pub mv: Vec<f64>,
    /// Card codes, interleaved.
    pub codes: Vec<i16>,
    /// Per channel.
    pub stats: Vec<ChannelStats>,
    /// Per channel: the arithmetic tolerance in mV (1e-9 of the largest possible sum
    /// of tone amplitudes).
    pub tol_mv: Vec<f64>,
}

/// Largest amplitude (mV) any tone of a channel can reach, summed over its tones,
/// maximised over its parts.
fn amplitude_bound(seg: &SegmentPlan, c: usize) -> f64 {
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

/// The exact rendering of samples `start .. start + count` of every channel.
pub fn expected(seg: &SegmentPlan, start: u64, count: u64) -> Expected {
    let nch = seg.channels.len();
    let fs = seg.sample_rate_hz;
    let mut mv = vec![0.0; count as usize * nch];
    let mut codes = vec![0i16; count as usize * nch];
    let mut stats = vec![ChannelStats::default(); nch];
    for (c, ch) in seg.channels.iter().enumerate() {
        for r in 0..count {
            let v = sample_mv(seg, c, start + r);
            let (code, clipped) = to_code(v, &ch.scale);
            mv[r as usize * nch + c] = v;
            codes[r as usize * nch + c] = code;
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
