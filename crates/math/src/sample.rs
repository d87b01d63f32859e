//! Straightforward per-sample evaluation of a segment and the millivolt-to-code
//! conversion (docs/semantics.md §7.2-7.4).

use awgsf_plugin_api::{OutputScale, PartPlan, SegmentPlan, Sin2Calibration, TonePlan};

use crate::calib::calibrated_amplitude;
use crate::interp::{frequency_at, interp_value};
use crate::phase::phase_at;

/// Amplitude of one tone at sample `k` of `part`, with its calibration figures:
/// the RF amplitude in mV, the requested fraction of reachable power (0 when
/// uncalibrated) and whether it was clamped.
pub fn tone_amplitude(
    part: &PartPlan,
    tone: &TonePlan,
    calibration: Option<&Sin2Calibration>,
    fs: f64,
    k: u64,
) -> crate::CalibratedAmp {
    let n = part.n_samples;
    let a = interp_value(part.kind, part.tau_s, tone.a0, tone.a1, k, n, fs);
    match calibration {
        None => crate::CalibratedAmp {
            mv: a,
            ratio: 0.0,
            clamped: false,
        },
        Some(cal) => {
            let f = frequency_at(part.kind, tone.f0_hz, tone.f1_hz, k, n);
            calibrated_amplitude(cal, f, a)
        }
    }
}

/// Output of `part` at sample `k` of the part, mV.
pub fn part_sample_mv(
    part: &PartPlan,
    calibration: Option<&Sin2Calibration>,
    fs: f64,
    k: u64,
) -> f64 {
    part.tones
        .iter()
        .map(|t| tone_amplitude(part, t, calibration, fs, k).mv * phase_at(part, t, fs, k).sin())
        .sum()
}

/// Output of one channel of a segment at sample `k`, mV, evaluated directly.
///
/// `k = segment.n_samples` (or beyond) evaluates the last part past its end: what
/// the segment would produce next. A channel without parts outputs 0.
///
/// # Panics
/// If `channel` is not an index into `segment.channels`.
pub fn sample_mv(segment: &SegmentPlan, channel: usize, k: u64) -> f64 {
    let ch = &segment.channels[channel];
    let parts = ch.parts.as_slice();
    let Some(last) = parts.last() else {
        return 0.0;
    };
    // First part whose end lies beyond k; the last part takes k >= its end.
    let idx = parts.partition_point(|p| p.offset + p.n_samples <= k);
    let part = parts.get(idx).unwrap_or(last);
    let local = k.saturating_sub(part.offset);
    part_sample_mv(
        part,
        ch.calibration.as_ref().into_option(),
        segment.sample_rate_hz,
        local,
    )
}

/// Card code of a voltage: `rint(clip(v / full_scale_mv, -clip, clip) * full_scale)`
/// with round-half-even, and whether the voltage was clipped.
#[inline]
pub fn to_code(v_mv: f64, scale: &OutputScale) -> (i16, bool) {
    let x = v_mv / scale.full_scale_mv;
    let clipped = x.abs() > scale.clip;
    let c = x.clamp(-scale.clip, scale.clip) * scale.full_scale;
    (c.round_ties_even() as i16, clipped)
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::std_types::{RNone, RVec};
    use awgsf_plugin_api::{ChannelPlan, InterpKind};

    fn scale() -> OutputScale {
        OutputScale {
            full_scale_mv: 1000.0,
            full_scale: 32767.0,
            clip: 1.0,
        }
    }

    #[test]
    fn to_code_rounds_half_even_and_clips() {
        let s = scale();
        // 0.5 code = 1000 / 32767 / 2 mV.
        let half_code = 1000.0 / 32767.0 / 2.0;
        assert_eq!(to_code(half_code, &s).0, 0);
        assert_eq!(to_code(3.0 * half_code, &s).0, 2);
        assert_eq!(to_code(-half_code, &s).0, 0);
        assert_eq!(to_code(1000.0, &s), (32767, false));
        assert_eq!(to_code(1200.0, &s), (32767, true));
        assert_eq!(to_code(-5000.0, &s), (-32767, true));
        let tight = OutputScale { clip: 0.5, ..s };
        assert_eq!(to_code(600.0, &tight), (16384, true));
    }

    #[test]
    fn sample_mv_follows_parts_and_extrapolates_past_the_end() {
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
                    scale: scale(),
                },
                ChannelPlan {
                    hardware_channel: 1,
                    calibration: RNone,
                    parts: RVec::new(),
                    scale: scale(),
                },
            ]),
        };
        // Quarter-cycle steps: 0, 100, 0, -100 then the linear part at pi/2.
        let expected = [0.0, 100.0, 0.0, -100.0, 100.0, 0.0, -50.0, 0.0, 0.0];
        for (k, e) in expected.iter().enumerate() {
            let v = sample_mv(&seg, 0, k as u64);
            assert!((v - e).abs() < 1e-9, "k={k}: {v} vs {e}");
            assert_eq!(sample_mv(&seg, 1, k as u64), 0.0);
        }
    }
}
