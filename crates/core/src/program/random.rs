//! Random valid programs, reproducible from a seed: the input of property tests
//! (quantisation invariants, continuity, backend equivalence) and of fuzzing.

use indexmap::IndexMap;

use super::model::*;

/// A small reproducible generator (SplitMix64).
#[derive(Debug, Clone)]
pub struct Rng(u64);

impl Rng {
    /// A generator from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed ^ 0x9E37_79B9_7F4A_7C15)
    }

    /// Next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `[0, 1)`.
    pub fn unit(&mut self) -> f64 {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64
    }

    /// Uniform in `[lo, hi)`.
    pub fn range(&mut self, lo: f64, hi: f64) -> f64 {
        lo + (hi - lo) * self.unit()
    }

    /// Uniform integer in `[0, n)` (`n > 0`).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    /// True with probability `p`.
    pub fn chance(&mut self, p: f64) -> bool {
        self.unit() < p
    }

    /// A random non-empty subset of `0..n` in random order (`n > 0`).
    pub fn subset(&mut self, n: usize) -> Vec<usize> {
        let mut v: Vec<usize> = (0..n).collect();
        for i in (1..n).rev() {
            let j = self.below(i + 1);
            v.swap(i, j);
        }
        v.truncate(1 + self.below(n));
        v
    }
}

/// Shape of the random programs.
#[derive(Debug, Clone, Copy)]
pub struct RandomSpec {
    /// Sample rate the times are chosen for, Hz.
    pub sample_rate_hz: f64,
    /// Most logical channels.
    pub max_channels: usize,
    /// Most segments.
    pub max_segments: usize,
    /// Most tones per definition.
    pub max_tones: usize,
    /// Longest timed op, samples.
    pub max_op_samples: u64,
}

impl Default for RandomSpec {
    fn default() -> Self {
        RandomSpec {
            sample_rate_hz: 625e6,
            max_channels: 2,
            max_segments: 6,
            max_tones: 5,
            max_op_samples: 40_000,
        }
    }
}

/// A random valid program.
pub fn random_program(seed: u64, spec: &RandomSpec) -> Program {
    let mut g = Gen {
        rng: Rng::new(seed),
        spec: *spec,
        counts: Vec::new(),
    };
    g.program()
}

struct Gen {
    rng: Rng,
    spec: RandomSpec,
    /// Current tone count per channel.
    counts: Vec<usize>,
}

const RAMP_KINDS: [InterpKind; 5] = [
    InterpKind::Linear,
    InterpKind::Exp,
    InterpKind::MinJerk,
    InterpKind::GeoRamp,
    InterpKind::AdiabaticRamp,
];

impl Gen {
    fn program(&mut self) -> Program {
        let n_ch = 1 + self.rng.below(self.spec.max_channels.max(1));
        let channels: Vec<String> = ["H", "V", "X", "Y"]
            .iter()
            .take(n_ch)
            .map(|s| s.to_string())
            .collect();
        let mut definitions = IndexMap::new();
        for ch in &channels {
            for k in 0..1 + self.rng.below(3) {
                let n = self.rng.below(self.spec.max_tones + 1);
                let name = format!("{ch}{k}");
                let nyq = self.spec.sample_rate_hz / 2.0;
                definitions.insert(
                    name.clone(),
                    Definition {
                        name,
                        logical_channel: ch.clone(),
                        freqs_hz: (0..n)
                            .map(|_| self.rng.range(0.05 * nyq, 0.45 * nyq))
                            .collect(),
                        amps: (0..n).map(|_| self.rng.range(0.05, 1.0)).collect(),
                        phases_rad: (0..n)
                            .map(|_| self.rng.range(0.0, std::f64::consts::TAU))
                            .collect(),
                    },
                );
            }
        }
        let mut program = Program {
            logical_channels: channels,
            definitions,
            segments: Vec::new(),
        };
        self.counts = vec![0; n_ch];
        for si in 0..1 + self.rng.below(self.spec.max_segments.max(1)) {
            let seg = self.segment(&program, si);
            program.segments.push(seg);
        }
        program
    }

    fn time(&mut self, allow_zero: bool) -> f64 {
        if allow_zero && self.rng.chance(0.15) {
            return 0.0;
        }
        let n = 1.0 + self.rng.below(self.spec.max_op_samples as usize) as f64;
        (n - self.rng.unit()) / self.spec.sample_rate_hz
    }

    fn segment(&mut self, program: &Program, si: usize) -> Segment {
        let mut seg = Segment::once(format!("s{si}"));
        match self.rng.below(4) {
            0 => {
                seg.mode = SegmentMode::WaitTrig;
            }
            1 => seg.loop_count = 2 + self.rng.below(4) as u64,
            _ => {}
        }
        seg.phase_mode =
            [PhaseMode::Manual, PhaseMode::Continue, PhaseMode::Optimise][self.rng.below(3)];
        seg.snap_len_to_quantum = self.rng.chance(0.8);
        seg.snap_freqs_to_wrap = self.rng.chance(0.8);
        let n_ch = program.logical_channels.len();
        // Count-changing instant ops first, then timed ops (and count-keeping ones).
        for _ in 0..self.rng.below(3) {
            let ch = self.rng.below(n_ch);
            let op = self.count_changing_op(program, ch);
            seg.ops.push(op);
        }
        let mut timed = 0;
        for _ in 0..self.rng.below(4) {
            let op = self.timed_op(program);
            if op.time_s().unwrap_or(0.0) > 0.0 {
                timed += 1;
            }
            seg.ops.push(op);
        }
        if timed == 0 || self.rng.chance(0.3) {
            seg.ops.push(Op::Hold {
                time_s: self.time(false),
            });
        }
        seg
    }

    fn count_changing_op(&mut self, program: &Program, ch: usize) -> Op {
        let name = program.logical_channels[ch].clone();
        let n = self.counts[ch];
        match self.rng.below(3) {
            0 => {
                let defs: Vec<&Definition> = program
                    .definitions
                    .values()
                    .filter(|d| d.logical_channel == name)
                    .collect();
                let d = defs[self.rng.below(defs.len())];
                self.counts[ch] = d.freqs_hz.len();
                Op::UseDef {
                    channel: name,
                    def: d.name.clone(),
                }
            }
            1 => {
                let k = 1 + self.rng.below(2);
                let nyq = self.spec.sample_rate_hz / 2.0;
                self.counts[ch] += k;
                Op::AddTone {
                    channel: name,
                    freqs_hz: (0..k)
                        .map(|_| self.rng.range(0.05 * nyq, 0.45 * nyq))
                        .collect(),
                    amps: (0..k).map(|_| self.rng.range(0.0, 1.0)).collect(),
                    phases_rad: (0..k).map(|_| self.rng.range(0.0, 6.0)).collect(),
                    at: if self.rng.chance(0.5) {
                        Some(self.rng.below(n + 1))
                    } else {
                        None
                    },
                }
            }
            _ if n > 0 => {
                let idxs = self.rng.subset(n);
                self.counts[ch] -= idxs.len();
                Op::RemoveTones {
                    channel: name,
                    idxs,
                }
            }
            _ => Op::Hold { time_s: 0.0 },
        }
    }

    fn idxs(&mut self, n: usize) -> Option<Vec<usize>> {
        if n == 0 || self.rng.chance(0.4) {
            None
        } else {
            Some(self.rng.subset(n))
        }
    }

    fn channel_timed(&mut self, program: &Program, ch: usize, time_s: f64) -> Op {
        let name = program.logical_channels[ch].clone();
        let n = self.counts[ch];
        match self.rng.below(3) {
            0 => {
                // Tones start in 0.05..0.45 of Nyquist and a channel moves at most
                // 3 times per segment: steps this small keep every tone in the band.
                let step = 0.04 / (3 * self.spec.max_segments.max(1)) as f64;
                let nyquist = self.spec.sample_rate_hz / 2.0;
                Op::Move {
                    channel: name,
                    df_hz: self.rng.range(-step, step) * nyquist,
                    time_s,
                    idxs: self.idxs(n),
                    interp: Interp::of(
                        [InterpKind::Linear, InterpKind::MinJerk][self.rng.below(2)],
                    ),
                }
            }
            1 => {
                let mut kind = RAMP_KINDS[self.rng.below(RAMP_KINDS.len())];
                if kind == InterpKind::GeoRamp {
                    // Keep geo_ramp valid: positive targets; zero start amplitudes may occur,
                    // so fall back to linear whenever the channel could hold a zero.
                    kind = InterpKind::Linear;
                }
                let idxs = self.idxs(n);
                let sel = idxs.as_ref().map_or(n, Vec::len);
                let amps = if sel > 1 && self.rng.chance(0.5) {
                    AmpTarget::List((0..sel).map(|_| self.rng.range(0.0, 1.0)).collect())
                } else {
                    AmpTarget::Scalar(self.rng.range(0.0, 1.0))
                };
                Op::RampAmpTo {
                    channel: name,
                    amps,
                    time_s,
                    interp: Interp {
                        kind,
                        tau_s: (kind == InterpKind::Exp)
                            .then(|| self.rng.range(0.01, 2.0) * time_s.max(1e-7)),
                    },
                    idxs,
                }
            }
            _ => {
                let defs: Vec<Definition> = program
                    .definitions
                    .values()
                    .filter(|d| d.logical_channel == name && !d.freqs_hz.is_empty())
                    .cloned()
                    .collect();
                if n == 0 || defs.is_empty() {
                    return Op::Move {
                        channel: name,
                        df_hz: 1e3,
                        time_s,
                        idxs: None,
                        interp: Interp::of(InterpKind::Linear),
                    };
                }
                let d = &defs[self.rng.below(defs.len())];
                // Keep the tone count: as many destinations as current tones.
                let src: Vec<usize> = (0..n).map(|_| self.rng.below(n)).collect();
                let dst: Vec<usize> = (0..n).map(|_| self.rng.below(d.freqs_hz.len())).collect();
                Op::RemapFromDef {
                    channel: name,
                    target_def: d.name.clone(),
                    src,
                    dst: Dst::List(dst),
                    time_s,
                    interp: Interp::of(
                        [InterpKind::Linear, InterpKind::MinJerk][self.rng.below(2)],
                    ),
                }
            }
        }
    }

    fn timed_op(&mut self, program: &Program) -> Op {
        let n_ch = program.logical_channels.len();
        let time_s = self.time(true);
        if n_ch > 1 && self.rng.chance(0.25) {
            let mut chans: Vec<usize> = (0..n_ch).collect();
            chans.truncate(1 + self.rng.below(n_ch));
            let ops = chans
                .into_iter()
                .map(|c| self.channel_timed(program, c, time_s))
                .collect();
            return Op::Parallel { time_s, ops };
        }
        if self.rng.chance(0.2) {
            return Op::Hold { time_s };
        }
        let ch = self.rng.below(n_ch);
        self.channel_timed(program, ch, time_s)
    }
}
