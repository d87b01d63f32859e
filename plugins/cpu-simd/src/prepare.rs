//! Turns a validated segment plan into per-part, per-tone constants for the kernels.
//!
//! A tone whose frequency and amplitude stay constant over its part is *steady*: it
//! plays through a complex-rotation recurrence (see `kernels`). Every other tone is
//! a *ramp* tone, evaluated per sample: its amplitude model, and for calibrated
//! channels its frequency model, are captured here once per part.

use awgsf_math::{
    calib_g_v0, moves_frequency, tone_amplitude, validate_segment, Dd, ADIABATIC_FLOOR,
};
use awgsf_plugin_api::{InterpKind, PartPlan, SegmentPlan, Sin2Calibration, TonePlan};

use crate::kernels::LANES;

/// Calibration constants of one channel, in the form the kernels use.
#[derive(Clone, Debug)]
pub struct Calib {
    /// Centre of the calibrated frequency range, Hz.
    pub mid: f64,
    /// Inverse of half the width of the calibrated frequency range, 1/Hz.
    pub inv_half: f64,
    /// Coefficients of the reachable optical power `g(x)`, highest power first.
    pub g_poly: Vec<f64>,
    /// Coefficients of the RF amplitude scale `v0(x)` (mV), highest power first.
    pub v0_poly: Vec<f64>,
    /// Floor of `g`.
    pub min_g: f64,
    /// Added under the square root of `v0`, mV^2.
    pub min_v0_sq: f64,
    /// `1 - y_eps`: the largest fraction of reachable power requested.
    pub cap: f64,
}

impl Calib {
    fn new(cal: &Sin2Calibration) -> Calib {
        Calib {
            mid: 0.5 * (cal.freq_min_hz + cal.freq_max_hz),
            inv_half: 1.0 / (0.5 * (cal.freq_max_hz - cal.freq_min_hz)),
            g_poly: cal.g_poly.to_vec(),
            v0_poly: cal.v0_poly.to_vec(),
            min_g: cal.min_g,
            min_v0_sq: cal.min_v0_sq,
            cap: 1.0 - cal.y_eps,
        }
    }
}

/// Requested amplitude (mV, or optical power when calibrated) of a ramp tone as a
/// function of `u = k / n` and `k`.
#[derive(Clone, Copy, Debug)]
pub enum AmpModel {
    /// Constant.
    Const(f64),
    /// `s + d u`.
    Linear {
        /// Start amplitude.
        s: f64,
        /// End minus start amplitude.
        d: f64,
    },
    /// `s + d u^3 (10 - 15u + 6u^2)`.
    MinJerk {
        /// Start amplitude.
        s: f64,
        /// End minus start amplitude.
        d: f64,
    },
    /// `e + d exp(-k rate)`, `rate = 1 / (fs |tau|)`.
    Exp {
        /// End amplitude, approached as `k` grows.
        e: f64,
        /// Start minus end amplitude.
        d: f64,
        /// Decay per sample, `1 / (fs |tau|)`.
        rate: f64,
    },
    /// `s` at `k = 0`, else `e` (an `exp` with `tau = 0`).
    Step {
        /// Amplitude at `k = 0`.
        s: f64,
        /// Amplitude at every later sample.
        e: f64,
    },
    /// `s exp(lnr u)`.
    Geo {
        /// Start amplitude.
        s: f64,
        /// Natural logarithm of end over start amplitude.
        lnr: f64,
    },
    /// `1 / ((1 - w) ia + w ib)`, `w = u^2 (3 - 2u)`.
    Adiabatic {
        /// Inverse of the start amplitude, floored at `ADIABATIC_FLOOR` first.
        ia: f64,
        /// Inverse of the end amplitude, floored at `ADIABATIC_FLOOR` first.
        ib: f64,
    },
}

/// Frequency of a ramp tone on a calibrated channel.
#[derive(Clone, Copy, Debug)]
pub enum FreqModel {
    /// Constant frequency: `1 / g` (reachable power) and RF scale `v0` computed once.
    Const {
        /// Inverse of the reachable optical power `g` at the tone's frequency.
        inv_g: f64,
        /// RF amplitude scale at the tone's frequency, mV.
        v0: f64,
    },
    /// `f0 + d shape(u)`, shape linear or minimum-jerk.
    Moving {
        /// Frequency at the part's first sample, Hz.
        f0: f64,
        /// End minus start frequency, Hz.
        d: f64,
        /// Whether the shape is minimum-jerk (else linear).
        min_jerk: bool,
    },
}

/// Rotation constants of a tone at a fixed frequency `f`.
#[derive(Clone, Debug)]
pub struct Rotation {
    /// Real parts of `exp(2 pi i l f / fs)` for the lanes `l = 0..LANES`.
    pub lane_re: [f64; LANES],
    /// Imaginary parts of `exp(2 pi i l f / fs)` for the lanes `l = 0..LANES`.
    pub lane_im: [f64; LANES],
    /// Real part of `exp(2 pi i LANES f / fs)`: one step of the recurrence.
    pub step_re: f64,
    /// Imaginary part of `exp(2 pi i LANES f / fs)`.
    pub step_im: f64,
}

impl Rotation {
    fn new(f: f64, fs: f64) -> Rotation {
        let mut lane_re = [0.0; LANES];
        let mut lane_im = [0.0; LANES];
        for l in 0..LANES {
            (lane_re[l], lane_im[l]) = rotation(l as u64, f, fs);
        }
        let (step_re, step_im) = rotation(LANES as u64, f, fs);
        Rotation {
            lane_re,
            lane_im,
            step_re,
            step_im,
        }
    }
}

/// A tone with constant frequency and amplitude.
#[derive(Clone, Debug)]
pub struct SteadyTone {
    /// The tone in its part.
    pub tone: TonePlan,
    /// RF amplitude, mV.
    pub amp_mv: f64,
    /// Rotation constants at the tone's frequency.
    pub rot: Rotation,
    /// Requested fraction of reachable power (0 on uncalibrated channels).
    pub ratio: f64,
    /// Whether the calibration clamped the request (false on uncalibrated channels).
    pub clamped: bool,
}

/// A tone whose frequency or amplitude moves.
#[derive(Clone, Debug)]
pub struct RampTone {
    /// The tone in its part.
    pub tone: TonePlan,
    /// Requested amplitude (mV, or optical power when calibrated) over the part.
    pub amp: AmpModel,
    /// Present on calibrated channels only.
    pub freq: Option<FreqModel>,
    /// Present when only the amplitude moves: the phase then rotates.
    pub rot: Option<Rotation>,
}

/// One part, split into steady and ramp tones.
#[derive(Clone, Debug)]
pub struct PreparedPart<'a> {
    /// The part's plan.
    pub plan: &'a PartPlan,
    /// Tones of constant frequency and amplitude, in plan order.
    pub steady: Vec<SteadyTone>,
    /// Tones whose frequency or amplitude moves, in plan order.
    pub ramps: Vec<RampTone>,
    /// `1 / n_samples` of the part.
    pub inv_n: f64,
}

/// One output channel.
#[derive(Clone, Debug)]
pub struct PreparedChannel<'a> {
    /// The channel's parts, in plan order.
    pub parts: Vec<PreparedPart<'a>>,
    /// Calibration constants, present on calibrated channels only.
    pub calib: Option<Calib>,
}

/// A whole segment, ready to render any range.
#[derive(Clone, Debug)]
pub struct PreparedSegment<'a> {
    /// The segment's plan.
    pub plan: &'a SegmentPlan,
    /// The output channels, in interleave order.
    pub channels: Vec<PreparedChannel<'a>>,
}

/// `exp(2 pi i m f / fs)`, from the exact fractional cycle count.
fn rotation(m: u64, f: f64, fs: f64) -> (f64, f64) {
    let turns = (Dd::from_u64(m) * f / fs).frac();
    let (s, c) = (std::f64::consts::TAU * turns).sin_cos();
    (c, s)
}

fn steady_tone(
    part: &PartPlan,
    tone: &TonePlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
) -> SteadyTone {
    let a = tone_amplitude(part, tone, cal, fs, 0);
    SteadyTone {
        tone: *tone,
        amp_mv: a.mv,
        rot: Rotation::new(tone.f0_hz, fs),
        ratio: a.ratio,
        clamped: a.clamped,
    }
}

fn amp_model(part: &PartPlan, tone: &TonePlan, fs: f64) -> AmpModel {
    let (s, e) = (tone.a0, tone.a1);
    if s == e && part.kind != InterpKind::AdiabaticRamp {
        return AmpModel::Const(s);
    }
    match part.kind {
        InterpKind::Hold => AmpModel::Const(s),
        InterpKind::Linear => AmpModel::Linear { s, d: e - s },
        InterpKind::MinJerk => AmpModel::MinJerk { s, d: e - s },
        InterpKind::Exp => {
            let tau = part.tau_s.abs();
            if tau > 0.0 {
                AmpModel::Exp {
                    e,
                    d: s - e,
                    rate: 1.0 / (fs * tau),
                }
            } else {
                AmpModel::Step { s, e }
            }
        }
        InterpKind::GeoRamp => AmpModel::Geo {
            s,
            lnr: (e / s).ln(),
        },
        InterpKind::AdiabaticRamp => AmpModel::Adiabatic {
            ia: 1.0 / s.max(ADIABATIC_FLOOR),
            ib: 1.0 / e.max(ADIABATIC_FLOOR),
        },
    }
}

fn prepare_part<'a>(
    part: &'a PartPlan,
    cal: Option<&Sin2Calibration>,
    fs: f64,
) -> PreparedPart<'a> {
    let mut steady = Vec::new();
    let mut ramps = Vec::new();
    for tone in part.tones.iter() {
        let freq_moves = moves_frequency(part.kind) && tone.f0_hz != tone.f1_hz;
        let amp_moves = match part.kind {
            InterpKind::Hold => false,
            _ => tone.a0 != tone.a1,
        };
        if !freq_moves && !amp_moves {
            steady.push(steady_tone(part, tone, cal, fs));
            continue;
        }
        let freq = cal.map(|c| {
            if freq_moves {
                FreqModel::Moving {
                    f0: tone.f0_hz,
                    d: tone.f1_hz - tone.f0_hz,
                    min_jerk: part.kind == InterpKind::MinJerk,
                }
            } else {
                let (g, v0) = calib_g_v0(c, tone.f0_hz);
                FreqModel::Const { inv_g: 1.0 / g, v0 }
            }
        });
        ramps.push(RampTone {
            tone: *tone,
            amp: amp_model(part, tone, fs),
            freq,
            rot: (!freq_moves).then(|| Rotation::new(tone.f0_hz, fs)),
        });
    }
    PreparedPart {
        plan: part,
        steady,
        ramps,
        inv_n: 1.0 / part.n_samples as f64,
    }
}

/// Validates `plan` and prepares it.
pub fn prepare(plan: &SegmentPlan) -> Result<PreparedSegment<'_>, awgsf_math::PlanError> {
    validate_segment(plan)?;
    let fs = plan.sample_rate_hz;
    let channels = plan
        .channels
        .iter()
        .map(|ch| {
            let cal = ch.calibration.as_ref().into_option();
            PreparedChannel {
                parts: ch.parts.iter().map(|p| prepare_part(p, cal, fs)).collect(),
                calib: cal.map(Calib::new),
            }
        })
        .collect();
    Ok(PreparedSegment { plan, channels })
}
