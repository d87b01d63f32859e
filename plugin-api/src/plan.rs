//! The render plan: everything a synthesis plugin needs, fully explicit.
//!
//! The host owns program semantics. A plan says, per segment and per output
//! channel, which parts to play, with per-tone start/end frequency and amplitude,
//! the interpolation, the exact start phase of every tone, and the channel's
//! optical-power calibration. A synthesis plugin computes no program logic.
//!
//! Meaning of a part of `N` samples at sample `k` (`0 <= k < N`), with `u = k / N`,
//! `t = k / fs`, start value `s`, end value `e` (the same for frequencies and
//! amplitudes):
//!
//! | kind | value |
//! |---|---|
//! | `Hold` | `s` |
//! | `Linear` | `s + (e - s) u` |
//! | `MinJerk` | `s + (e - s) u^3 (10 - 15u + 6u^2)` |
//! | `Exp` | `e + (s - e) exp(-t / abs(tau))`; with `tau = 0`: `s` at `k = 0`, else `e` |
//! | `GeoRamp` | `s exp(ln(e / s) u)`; tones with `s == e` hold |
//! | `AdiabaticRamp` | `1 / ((1 - w) / max(s, 0.005) + w / max(e, 0.005))`, `w = u^2 (3 - 2u)` |
//!
//! Phase: `phi(k) = phase0 + (2 pi / fs) * sum_{j<k} f(j)`, and the output is
//! `sum_tones A(k) sin(phi(k))` in mV, where `A` is the amplitude itself on an
//! uncalibrated channel and the calibrated RF amplitude (see [`Sin2Calibration`])
//! otherwise. Card codes are `rint(clip(v / full_scale_mv, -clip, clip) * full_scale)`.

use abi_stable::std_types::{RSliceMut, RVec};
use abi_stable::StableAbi;

/// Interpolation of a part.
#[repr(u8)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum InterpKind {
    /// Start values held.
    Hold,
    /// Straight line from start to end.
    Linear,
    /// Fifth-order minimum-jerk smoothstep.
    MinJerk,
    /// Exponential approach with time constant `tau_s`.
    Exp,
    /// Geometric (exponential in `u`) ramp.
    GeoRamp,
    /// Constant-adiabaticity ramp for an amplitude-like quantity.
    AdiabaticRamp,
}

impl InterpKind {
    /// Name used in program files.
    pub fn as_str(self) -> &'static str {
        match self {
            InterpKind::Hold => "hold",
            InterpKind::Linear => "linear",
            InterpKind::MinJerk => "min_jerk",
            InterpKind::Exp => "exp",
            InterpKind::GeoRamp => "geo_ramp",
            InterpKind::AdiabaticRamp => "adiabatic_ramp",
        }
    }

    /// Parses a name used in program files.
    pub fn parse(name: &str) -> Option<InterpKind> {
        Some(match name {
            "hold" => InterpKind::Hold,
            "linear" => InterpKind::Linear,
            "min_jerk" => InterpKind::MinJerk,
            "exp" => InterpKind::Exp,
            "geo_ramp" => InterpKind::GeoRamp,
            "adiabatic_ramp" => InterpKind::AdiabaticRamp,
            _ => return None,
        })
    }

    /// All kinds, in declaration order.
    pub const ALL: [InterpKind; 6] = [
        InterpKind::Hold,
        InterpKind::Linear,
        InterpKind::MinJerk,
        InterpKind::Exp,
        InterpKind::GeoRamp,
        InterpKind::AdiabaticRamp,
    ];
}

/// One tone of a part.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct TonePlan {
    /// Frequency at the part's first sample, Hz.
    pub f0_hz: f64,
    /// Frequency the part moves towards (reached at `k = N`), Hz.
    pub f1_hz: f64,
    /// Amplitude at the first sample: mV, or optical power on a calibrated channel.
    pub a0: f64,
    /// Amplitude the part moves towards.
    pub a1: f64,
    /// Phase at the part's first sample, radians in `[0, 2 pi)`.
    pub phase0_rad: f64,
}

/// One part of a channel: a run of samples with one interpolation.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct PartPlan {
    /// First sample of the part within the segment.
    pub offset: u64,
    /// Length of the part in samples (at least 1).
    pub n_samples: u64,
    /// Interpolation of frequencies and amplitudes.
    pub kind: InterpKind,
    /// Time constant of [`InterpKind::Exp`], seconds (0 for the other kinds).
    pub tau_s: f64,
    /// The tones playing in this part (may be empty: silence).
    pub tones: RVec<TonePlan>,
}

/// Optical-power calibration of one hardware channel (sin² model).
///
/// With `x = clip((f - mid) / half, -1, 1)` (`mid`, `half` from the frequency
/// range), `g = max(poly(g_poly, x), min_g)`,
/// `v0 = sqrt(poly(v0_poly, x)^2 + min_v0_sq)`, an optical power `p` becomes the RF
/// amplitude `v0 (2 / pi) asin(sqrt(clip(max(p, 0) / g, 0, 1 - y_eps)))` mV.
/// Polynomial coefficients are highest power first.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct Sin2Calibration {
    /// Coefficients of the reachable optical power `g(x)`, highest power first.
    pub g_poly: RVec<f64>,
    /// Coefficients of the RF amplitude scale `v0(x)` (mV), highest power first.
    pub v0_poly: RVec<f64>,
    /// Lower end of the calibrated frequency range, Hz.
    pub freq_min_hz: f64,
    /// Upper end of the calibrated frequency range, Hz.
    pub freq_max_hz: f64,
    /// Floor of `g`.
    pub min_g: f64,
    /// Added under the square root of `v0`.
    pub min_v0_sq: f64,
    /// Requests are clamped to `1 - y_eps` of the reachable power.
    pub y_eps: f64,
}

/// The parts of one output channel of a segment.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct ChannelPlan {
    /// Hardware channel index this column of the interleaved output drives.
    pub hardware_channel: u32,
    /// Calibration applied to the amplitudes, if any.
    pub calibration: abi_stable::std_types::ROption<Sin2Calibration>,
    /// Parts covering `0..segment.n_samples` back to back, or empty for a channel
    /// no logical channel drives (it outputs zeros).
    pub parts: RVec<PartPlan>,
    /// Millivolt-to-code conversion of this channel (its card amplitude may differ
    /// from the other channels').
    pub scale: OutputScale,
}

/// How synthesised millivolts become card codes.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq)]
pub struct OutputScale {
    /// Output voltage (mV) that maps to `full_scale`.
    pub full_scale_mv: f64,
    /// Card code of full scale (e.g. 32767).
    pub full_scale: f64,
    /// Fraction of full scale beyond which samples are clipped, in `(0, 1]`.
    pub clip: f64,
}

/// One segment to synthesise.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq)]
pub struct SegmentPlan {
    /// Index of the segment in the program.
    pub index: u32,
    /// Length in samples (per channel).
    pub n_samples: u64,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Output channels in interleave order (column `c` of sample `k` is element
    /// `k * channels.len() + c` of the output).
    pub channels: RVec<ChannelPlan>,
}

/// Where a render job writes.
#[repr(u8)]
#[derive(StableAbi, Debug)]
pub enum OutputBuffer<'a> {
    /// Card codes, interleaved; length `count * channels`.
    Int16(RSliceMut<'a, i16>),
    /// Millivolts, interleaved; length `count * channels`.
    MilliVolts(RSliceMut<'a, f32>),
}

impl OutputBuffer<'_> {
    /// Number of values the buffer holds.
    pub fn len(&self) -> usize {
        match self {
            OutputBuffer::Int16(s) => s.len(),
            OutputBuffer::MilliVolts(s) => s.len(),
        }
    }

    /// True when the buffer holds nothing.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Figures a render reports per output channel.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Default)]
pub struct ChannelStats {
    /// Samples whose voltage exceeded `clip * full_scale_mv` and were clipped.
    pub clipped_samples: u64,
    /// Largest `|v|` before clipping, mV.
    pub peak_mv: f64,
    /// Tone-samples whose requested optical power exceeded `1 - y_eps` of the
    /// reachable power and were clamped by the calibration.
    pub calib_clamped: u64,
    /// Largest requested fraction `p / g` of the reachable power seen (0 if uncalibrated).
    pub calib_max_ratio: f64,
}

impl ChannelStats {
    /// Combines the figures of two ranges of the same channel.
    pub fn merge(&mut self, other: &ChannelStats) {
        self.clipped_samples += other.clipped_samples;
        self.peak_mv = self.peak_mv.max(other.peak_mv);
        self.calib_clamped += other.calib_clamped;
        self.calib_max_ratio = self.calib_max_ratio.max(other.calib_max_ratio);
    }
}

/// Render `output.len() / channels` samples of `segment` starting at `start_sample`.
#[repr(C)]
#[derive(StableAbi, Debug)]
pub struct RenderJob<'a> {
    /// The segment to render.
    pub segment: &'a SegmentPlan,
    /// First sample (per channel) to render.
    pub start_sample: u64,
    /// Interleaved destination.
    pub output: OutputBuffer<'a>,
    /// Filled by the plugin: one entry per output channel. The host passes a vector
    /// of the right length with zeroed entries.
    pub stats: RVec<ChannelStats>,
}

impl<'a> RenderJob<'a> {
    /// A job with zeroed statistics.
    pub fn new(segment: &'a SegmentPlan, start_sample: u64, output: OutputBuffer<'a>) -> Self {
        let n = segment.channels.len();
        RenderJob {
            segment,
            start_sample,
            output,
            stats: (0..n).map(|_| ChannelStats::default()).collect(),
        }
    }

    /// Number of samples (per channel) the job covers.
    pub fn count(&self) -> u64 {
        let ch = self.segment.channels.len().max(1);
        (self.output.len() / ch) as u64
    }
}

/// What a synthesis backend is and can do.
#[repr(C)]
#[derive(StableAbi, Debug, Clone)]
pub struct SynthInfo {
    /// Plugin name.
    pub name: abi_stable::std_types::RString,
    /// Plugin version.
    pub version: abi_stable::std_types::RString,
    /// Device it computes on.
    pub device: abi_stable::std_types::RString,
    /// Arithmetic used (e.g. `f64`, `f64 phase / f32 samples`).
    pub precision: abi_stable::std_types::RString,
    /// Worker threads (CPU) or streaming multiprocessors (GPU).
    pub parallelism: u32,
    /// Largest number of tones per channel it accepts (0: no limit).
    pub max_tones: u32,
    /// Whether it can write millivolt output as well as card codes.
    pub supports_millivolts: bool,
}
