//! The tables the render kernel reads, as 64-bit words.
//!
//! Every record is a run of 8-byte words (`f64` bits or integers) in the field order
//! of the matching `struct` in `kernel.cu`; the record sizes and every code below
//! reach the kernel as `-D` definitions ([`crate::kernel::defines`]), and the kernel
//! checks its struct sizes against them with `static_assert`, so the two sides
//! cannot drift apart silently.

/// Samples per thread: a cell starts at a multiple of `CELL` from its part's start.
pub const CELL: u64 = 32;
/// Threads per block.
pub const BLOCK: u32 = 128;
/// Blocks per multiprocessor the kernel is compiled to fit (`__launch_bounds__`),
/// which caps it at 128 registers per thread.
pub const MIN_BLOCKS: u32 = 4;

/// Words of a [`Span`].
pub const SPAN_WORDS: usize = 12;
/// Words of a [`Part`].
pub const PART_WORDS: usize = 10;
/// Words of a [`Steady`] tone.
pub const STEADY_WORDS: usize = 6;
/// Words of a [`Ramp`] tone.
pub const RAMP_WORDS: usize = 16;
/// Words of a calibration header (coefficients follow).
pub const CALIB_HEAD_WORDS: usize = 7;
/// Words of one statistics slot: clipped, peak bits, calibration clamps, max-ratio bits.
pub const STATS_WORDS: usize = 4;

/// `Part::calib` of an uncalibrated channel.
pub const NO_CALIB: u64 = u64::MAX;

/// `Span::out_kind`: card codes.
pub const OUT_I16: u64 = 0;
/// `Span::out_kind`: millivolts.
pub const OUT_F32: u64 = 1;

/// Phase of a ramp tone: constant frequency (recurrence at unit amplitude).
pub const PHASE_FIXED: u64 = 0;
/// Phase of a ramp tone: linear chirp.
pub const PHASE_LINEAR: u64 = 1;
/// Phase of a ramp tone: minimum-jerk chirp.
pub const PHASE_MIN_JERK: u64 = 2;

/// Amplitude model: `a`.
pub const AMP_CONST: u64 = 0;
/// Amplitude model: `a + b u`.
pub const AMP_LINEAR: u64 = 1;
/// Amplitude model: `a + b u^3 (10 - 15u + 6u^2)`.
pub const AMP_MIN_JERK: u64 = 2;
/// Amplitude model: `a + b exp(-k c)`, the exponential stepped by `amp_q` per sample.
pub const AMP_EXP: u64 = 3;
/// Amplitude model: `a` at `k = 0`, else `b`.
pub const AMP_STEP: u64 = 4;
/// Amplitude model: `a exp(b u)`, the exponential stepped by `amp_q` per sample.
pub const AMP_GEO: u64 = 5;
/// Amplitude model: `1 / ((1 - w) a + w b)`, `w = u^2 (3 - 2u)`.
pub const AMP_ADIABATIC: u64 = 6;

/// Appends words to a table.
pub trait Record {
    /// Number of words [`Record::write`] appends.
    const WORDS: usize;
    /// Appends the record's words in field order.
    fn write(&self, out: &mut Vec<u64>);
}

/// One requested range of one part (kernel `struct Span`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Span {
    /// Global index (thread) of the span's first cell in the launch.
    pub cell_begin: u64,
    /// Index of the part in the part table.
    pub part: u64,
    /// Part-local index of the span's first cell.
    pub first_cell: u64,
    /// First requested sample, counted from the part start.
    pub lo: u64,
    /// End (exclusive) of the requested samples, counted from the part start.
    pub hi: u64,
    /// Output element of part-local sample 0 in its batch buffer (may be negative).
    pub out_origin: i64,
    /// Output elements per sample: the chunk's channel count.
    pub stride: u64,
    /// Statistics slot (batch-wide) of the span's chunk and channel.
    pub slot: u64,
    /// Output kind: [`OUT_I16`] or [`OUT_F32`].
    pub out_kind: u64,
    /// Output voltage (mV) that maps to `full_scale`.
    pub full_scale_mv: f64,
    /// Card code of full scale (e.g. 32767).
    pub full_scale: f64,
    /// Fraction of full scale beyond which samples are clipped.
    pub clip: f64,
}

impl Record for Span {
    const WORDS: usize = SPAN_WORDS;
    fn write(&self, out: &mut Vec<u64>) {
        out.extend_from_slice(&[
            self.cell_begin,
            self.part,
            self.first_cell,
            self.lo,
            self.hi,
            self.out_origin as u64,
            self.stride,
            self.slot,
            self.out_kind,
            self.full_scale_mv.to_bits(),
            self.full_scale.to_bits(),
            self.clip.to_bits(),
        ]);
    }
}

/// One part of one channel (kernel `struct Part`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Part {
    /// Length of the part, samples.
    pub n: u64,
    /// Index of the part's first tone in the steady-tone table.
    pub steady_begin: u64,
    /// Number of steady tones of the part.
    pub n_steady: u64,
    /// Index of the part's first tone in the ramp-tone table.
    pub ramp_begin: u64,
    /// Number of ramp tones of the part.
    pub n_ramp: u64,
    /// Word offset of the channel's calibration in the tables, or [`NO_CALIB`].
    pub calib: u64,
    /// `1 / n` as a double-double `(hi, lo)`.
    pub inv_n: (f64, f64),
    /// `1 / fs` (seconds per sample) as a double-double `(hi, lo)`.
    pub inv_fs: (f64, f64),
}

impl Record for Part {
    const WORDS: usize = PART_WORDS;
    fn write(&self, out: &mut Vec<u64>) {
        out.extend_from_slice(&[
            self.n,
            self.steady_begin,
            self.n_steady,
            self.ramp_begin,
            self.n_ramp,
            self.calib,
            self.inv_n.0.to_bits(),
            self.inv_n.1.to_bits(),
            self.inv_fs.0.to_bits(),
            self.inv_fs.1.to_bits(),
        ]);
    }
}

/// A tone of constant frequency and amplitude (kernel `struct Steady`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Steady {
    /// Cycles per sample `f / fs` as a double-double `(hi, lo)`.
    pub cps: (f64, f64),
    /// Phase at the part's first sample, turns (radians / 2 pi).
    pub p0_turns: f64,
    /// RF amplitude, mV.
    pub amp_mv: f64,
    /// Cosine of the phase advance of one sample, `2 pi f / fs` radians.
    pub cos_d: f64,
    /// Sine of the phase advance of one sample, `2 pi f / fs` radians.
    pub sin_d: f64,
}

impl Record for Steady {
    const WORDS: usize = STEADY_WORDS;
    fn write(&self, out: &mut Vec<u64>) {
        out.extend_from_slice(&[
            self.cps.0.to_bits(),
            self.cps.1.to_bits(),
            self.p0_turns.to_bits(),
            self.amp_mv.to_bits(),
            self.cos_d.to_bits(),
            self.sin_d.to_bits(),
        ]);
    }
}

/// A tone whose frequency or amplitude moves (kernel `struct Ramp`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Ramp {
    /// Phase code: [`PHASE_FIXED`], [`PHASE_LINEAR`] or [`PHASE_MIN_JERK`].
    pub phase_mode: u64,
    /// Amplitude model code, one of the `AMP_*` constants.
    pub amp_model: u64,
    /// Parameters `a`, `b`, `c` of the amplitude model (see the `AMP_*` constants).
    pub amp: [f64; 3],
    /// Frequency at the part's first sample, Hz.
    pub f0: f64,
    /// End minus start frequency `f1 - f0`, Hz, as a double-double `(hi, lo)`.
    pub delta: (f64, f64),
    /// Phase at the part's first sample, turns (radians / 2 pi).
    pub p0_turns: f64,
    /// Cycles per sample `f0 / fs` as a double-double `(hi, lo)` (used at a fixed frequency).
    pub cps: (f64, f64),
    /// Cosine of the phase advance of one sample at `f0` (used at a fixed frequency).
    pub cos_d: f64,
    /// Sine of the phase advance of one sample at `f0` (used at a fixed frequency).
    pub sin_d: f64,
    /// Reachable optical power `g` at `f0` (fixed frequency, calibrated channel; else 0).
    pub cal_g: f64,
    /// RF amplitude scale `v0` at `f0`, mV (fixed frequency, calibrated channel; else 0).
    pub cal_v0: f64,
    /// Per-sample factor of the exponential of the exp and geo models (else 1).
    pub amp_q: f64,
}

impl Record for Ramp {
    const WORDS: usize = RAMP_WORDS;
    fn write(&self, out: &mut Vec<u64>) {
        out.extend_from_slice(&[
            self.phase_mode,
            self.amp_model,
            self.amp[0].to_bits(),
            self.amp[1].to_bits(),
            self.amp[2].to_bits(),
            self.f0.to_bits(),
            self.delta.0.to_bits(),
            self.delta.1.to_bits(),
            self.p0_turns.to_bits(),
            self.cps.0.to_bits(),
            self.cps.1.to_bits(),
            self.cos_d.to_bits(),
            self.sin_d.to_bits(),
            self.cal_g.to_bits(),
            self.cal_v0.to_bits(),
            self.amp_q.to_bits(),
        ]);
    }
}

/// A channel calibration (kernel `struct CalibHead` and its coefficients).
#[derive(Clone, Debug, PartialEq)]
pub struct Calib {
    /// Centre of the calibrated frequency range, Hz.
    pub mid: f64,
    /// Inverse of half the width of the calibrated frequency range, 1/Hz.
    pub inv_half: f64,
    /// Floor of `g`.
    pub min_g: f64,
    /// Added under the square root of `v0`, mV^2.
    pub min_v0_sq: f64,
    /// `1 - y_eps`: the largest fraction of reachable power requested.
    pub cap: f64,
    /// Coefficients of the reachable optical power `g(x)`, highest power first.
    pub g_poly: Vec<f64>,
    /// Coefficients of the RF amplitude scale `v0(x)` (mV), highest power first.
    pub v0_poly: Vec<f64>,
}

impl Calib {
    /// Words the calibration takes, header and coefficients.
    pub fn words(&self) -> usize {
        CALIB_HEAD_WORDS + self.g_poly.len() + self.v0_poly.len()
    }

    /// Appends the header and the coefficients.
    pub fn write(&self, out: &mut Vec<u64>) {
        out.extend_from_slice(&[
            self.mid.to_bits(),
            self.inv_half.to_bits(),
            self.min_g.to_bits(),
            self.min_v0_sq.to_bits(),
            self.cap.to_bits(),
            self.g_poly.len() as u64,
            self.v0_poly.len() as u64,
        ]);
        out.extend(self.g_poly.iter().map(|c| c.to_bits()));
        out.extend(self.v0_poly.iter().map(|c| c.to_bits()));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words<R: Record>(r: &R) -> usize {
        let mut v = Vec::new();
        r.write(&mut v);
        v.len()
    }

    #[test]
    fn records_write_their_declared_size() {
        let span = Span {
            cell_begin: 0,
            part: 0,
            first_cell: 0,
            lo: 0,
            hi: 1,
            out_origin: -3,
            stride: 2,
            slot: 0,
            out_kind: OUT_I16,
            full_scale_mv: 1.0,
            full_scale: 1.0,
            clip: 1.0,
        };
        assert_eq!(words(&span), Span::WORDS);
        let part = Part {
            n: 1,
            steady_begin: 0,
            n_steady: 0,
            ramp_begin: 0,
            n_ramp: 0,
            calib: NO_CALIB,
            inv_n: (1.0, 0.0),
            inv_fs: (1.0, 0.0),
        };
        assert_eq!(words(&part), Part::WORDS);
        let steady = Steady {
            cps: (0.1, 0.0),
            p0_turns: 0.0,
            amp_mv: 1.0,
            cos_d: 1.0,
            sin_d: 0.0,
        };
        assert_eq!(words(&steady), Steady::WORDS);
        let ramp = Ramp {
            phase_mode: PHASE_FIXED,
            amp_model: AMP_CONST,
            amp: [1.0, 0.0, 0.0],
            f0: 1.0,
            delta: (0.0, 0.0),
            p0_turns: 0.0,
            cps: (0.0, 0.0),
            cos_d: 1.0,
            sin_d: 0.0,
            cal_g: 0.0,
            cal_v0: 0.0,
            amp_q: 1.0,
        };
        assert_eq!(words(&ramp), Ramp::WORDS);
        let cal = Calib {
            mid: 0.0,
            inv_half: 1.0,
            min_g: 1e-12,
            min_v0_sq: 0.0,
            cap: 0.5,
            g_poly: vec![1.0, 2.0],
            v0_poly: vec![3.0],
        };
        let mut v = Vec::new();
        cal.write(&mut v);
        assert_eq!(v.len(), cal.words());
        assert_eq!(v[CALIB_HEAD_WORDS], 1.0f64.to_bits());
        // A negative origin survives the trip through u64 as two's complement.
        let mut v = Vec::new();
        span.write(&mut v);
        assert_eq!(v[5] as i64, -3);
    }
}
