//! Checks that a render plan is well formed before anything is synthesised.

use std::fmt;

use awgsf_plugin_api::{InterpKind, OutputScale, RenderJob, SegmentPlan, Sin2Calibration};

/// A render plan that breaks a rule of `plan.rs` / docs/semantics.md §7, with the place.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PlanError(pub String);

impl fmt::Display for PlanError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PlanError {}

fn finite(x: f64) -> bool {
    x.is_finite()
}

fn check_calibration(where_: &str, cal: &Sin2Calibration) -> Result<(), PlanError> {
    let bad = |field: &str, expected: &str| {
        Err(PlanError(format!(
            "{where_}: calibration field `{field}` must be {expected}"
        )))
    };
    if !(finite(cal.freq_min_hz) && finite(cal.freq_max_hz) && cal.freq_max_hz > cal.freq_min_hz) {
        return bad(
            "freq_max_hz",
            &format!(
                "finite and above freq_min_hz (got {} .. {})",
                cal.freq_min_hz, cal.freq_max_hz
            ),
        );
    }
    if cal.g_poly.is_empty() || !cal.g_poly.iter().copied().all(finite) {
        return bad("g_poly", "a non-empty list of finite numbers");
    }
    if cal.v0_poly.is_empty() || !cal.v0_poly.iter().copied().all(finite) {
        return bad("v0_poly", "a non-empty list of finite numbers");
    }
    if !(finite(cal.min_g) && cal.min_g > 0.0) {
        return bad("min_g", &format!("finite and > 0 (got {})", cal.min_g));
    }
    if !(finite(cal.min_v0_sq) && cal.min_v0_sq >= 0.0) {
        return bad(
            "min_v0_sq",
            &format!("finite and >= 0 (got {})", cal.min_v0_sq),
        );
    }
    if !(finite(cal.y_eps) && cal.y_eps > 0.0 && cal.y_eps < 1.0) {
        return bad("y_eps", &format!("in (0, 1) (got {})", cal.y_eps));
    }
    Ok(())
}

/// Checks one channel's conversion to card codes.
fn check_scale(at: &str, sc: &OutputScale) -> Result<(), PlanError> {
    let err = |msg: String| Err(PlanError(format!("{at}: {msg}")));
    if !(finite(sc.full_scale_mv) && sc.full_scale_mv > 0.0) {
        return err(format!(
            "scale.full_scale_mv must be finite and > 0 (got {})",
            sc.full_scale_mv
        ));
    }
    if !(finite(sc.full_scale) && sc.full_scale > 0.0 && sc.full_scale <= 32767.0) {
        return err(format!(
            "scale.full_scale must be in (0, 32767] (got {})",
            sc.full_scale
        ));
    }
    if !(finite(sc.clip) && sc.clip > 0.0 && sc.clip <= 1.0) {
        return err(format!("scale.clip must be in (0, 1] (got {})", sc.clip));
    }
    Ok(())
}

/// Checks a segment plan: sample rate and scale, parts back to back covering the
/// segment, finite tone values, constant frequencies outside `linear`/`min_jerk`,
/// `geo_ramp` ends of one sign, calibration coefficients.
pub fn validate_segment(seg: &SegmentPlan) -> Result<(), PlanError> {
    let s = seg.index;
    let err = |msg: String| Err(PlanError(format!("segment {s}: {msg}")));
    let fs = seg.sample_rate_hz;
    if !(finite(fs) && fs > 0.0) {
        return err(format!("sample_rate_hz must be finite and > 0 (got {fs})"));
    }
    for (c, ch) in seg.channels.iter().enumerate() {
        let at = format!(
            "segment {s}, channel {c} (hardware {})",
            ch.hardware_channel
        );
        check_scale(&at, &ch.scale)?;
        if let Some(cal) = ch.calibration.as_ref().into_option() {
            check_calibration(&at, cal)?;
        }
        if ch.parts.is_empty() {
            continue;
        }
        let mut next = 0u64;
        for (pi, p) in ch.parts.iter().enumerate() {
            let at = format!("{at}, part {pi}");
            let perr = |msg: String| Err(PlanError(format!("{at}: {msg}")));
            if p.offset != next {
                return perr(format!(
                    "offset {} leaves a gap or overlap (expected {next})",
                    p.offset
                ));
            }
            if p.n_samples == 0 {
                return perr("n_samples must be at least 1".into());
            }
            next = match p.offset.checked_add(p.n_samples) {
                Some(v) => v,
                None => return perr("offset + n_samples overflows".into()),
            };
            if !finite(p.tau_s) {
                return perr(format!("tau_s must be finite (got {})", p.tau_s));
            }
            for (ti, t) in p.tones.iter().enumerate() {
                let terr = |msg: String| Err(PlanError(format!("{at}, tone {ti}: {msg}")));
                for (name, v) in [
                    ("f0_hz", t.f0_hz),
                    ("f1_hz", t.f1_hz),
                    ("a0", t.a0),
                    ("a1", t.a1),
                    ("phase0_rad", t.phase0_rad),
                ] {
                    if !finite(v) {
                        return terr(format!("{name} must be finite (got {v})"));
                    }
                }
                let moves = crate::interp::moves_frequency(p.kind);
                if !moves && p.kind != InterpKind::Hold && t.f0_hz != t.f1_hz {
                    return terr(format!(
                        "a {} part cannot change frequency (f0_hz {} != f1_hz {})",
                        p.kind.as_str(),
                        t.f0_hz,
                        t.f1_hz
                    ));
                }
                if p.kind == InterpKind::GeoRamp
                    && t.a0 != t.a1
                    && (t.a0 == 0.0 || t.a1 == 0.0 || (t.a0 > 0.0) != (t.a1 > 0.0))
                {
                    return terr(format!(
                        "geo_ramp needs non-zero amplitudes of one sign (a0 {}, a1 {})",
                        t.a0, t.a1
                    ));
                }
            }
        }
        if next != seg.n_samples {
            return err(format!(
                "channel {c}: parts cover {next} samples, expected n_samples {}",
                seg.n_samples
            ));
        }
    }
    Ok(())
}

/// Checks one render job (number `j` of a call) against its segment: an output of
/// whole rows for the segment's channels, a range inside the segment, and one stats
/// entry per channel.
pub fn validate_job(j: usize, job: &RenderJob<'_>) -> Result<(), PlanError> {
    let seg = job.segment;
    let nch = seg.channels.len();
    let len = job.output.len();
    let at = format!("render job {j} (segment {})", seg.index);
    if nch == 0 {
        return if len == 0 {
            Ok(())
        } else {
            Err(PlanError(format!(
                "{at}: the segment has no channels but the output holds {len} values"
            )))
        };
    }
    if !len.is_multiple_of(nch) {
        return Err(PlanError(format!(
            "{at}: output length {len} is not a multiple of the segment's {nch} channels"
        )));
    }
    let count = (len / nch) as u64;
    if job
        .start_sample
        .checked_add(count)
        .is_none_or(|e| e > seg.n_samples)
    {
        return Err(PlanError(format!(
            "{at}: samples {}..{} lie beyond the segment's {} samples",
            job.start_sample,
            job.start_sample as u128 + count as u128,
            seg.n_samples
        )));
    }
    if job.stats.len() != nch {
        return Err(PlanError(format!(
            "{at}: stats has {} entries, expected one per channel ({nch})",
            job.stats.len()
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use abi_stable::std_types::{RNone, RVec};
    use awgsf_plugin_api::{ChannelPlan, OutputScale, PartPlan, TonePlan};

    fn seg(kind: InterpKind, tone: TonePlan, lens: &[u64], n: u64) -> SegmentPlan {
        let mut off = 0;
        let parts = lens
            .iter()
            .map(|&l| {
                let p = PartPlan {
                    offset: off,
                    n_samples: l,
                    kind,
                    tau_s: 0.0,
                    tones: RVec::from(vec![tone]),
                };
                off += l;
                p
            })
            .collect::<Vec<_>>();
        SegmentPlan {
            index: 3,
            n_samples: n,
            sample_rate_hz: 1e6,
            channels: RVec::from(vec![ChannelPlan {
                hardware_channel: 1,
                calibration: RNone,
                parts: RVec::from(parts),
                scale: OutputScale {
                    full_scale_mv: 1000.0,
                    full_scale: 32767.0,
                    clip: 1.0,
                },
            }]),
        }
    }

    const TONE: TonePlan = TonePlan {
        f0_hz: 1e5,
        f1_hz: 1e5,
        a0: 1.0,
        a1: 2.0,
        phase0_rad: 0.0,
    };

    #[test]
    fn accepts_a_good_plan() {
        for kind in InterpKind::ALL {
            assert_eq!(validate_segment(&seg(kind, TONE, &[10, 20], 30)), Ok(()));
        }
    }

    #[test]
    fn names_what_is_wrong() {
        let e = validate_segment(&seg(InterpKind::Hold, TONE, &[10, 20], 31)).unwrap_err();
        assert!(
            e.0.contains("segment 3") && e.0.contains("expected n_samples 31"),
            "{e}"
        );
        let e = validate_segment(&seg(InterpKind::Hold, TONE, &[10, 0], 10)).unwrap_err();
        assert!(e.0.contains("part 1") && e.0.contains("n_samples"), "{e}");
        let moving = TonePlan { f1_hz: 2e5, ..TONE };
        let e = validate_segment(&seg(InterpKind::Exp, moving, &[10], 10)).unwrap_err();
        assert!(
            e.0.contains("tone 0") && e.0.contains("cannot change frequency"),
            "{e}"
        );
        let geo = TonePlan { a1: -1.0, ..TONE };
        let e = validate_segment(&seg(InterpKind::GeoRamp, geo, &[10], 10)).unwrap_err();
        assert!(e.0.contains("geo_ramp"), "{e}");
        let nan = TonePlan {
            a0: f64::NAN,
            ..TONE
        };
        let e = validate_segment(&seg(InterpKind::Linear, nan, &[10], 10)).unwrap_err();
        assert!(e.0.contains("a0 must be finite"), "{e}");
    }
}
