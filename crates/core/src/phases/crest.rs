//! Crest-factor phase optimisation (docs/semantics.md section 6, `phase_mode = "optimise"`
//! and the unmatched tones of `"continue"`).
//!
//! The optimiser chooses start phases that minimise `max|y| / rms(y)` of
//! `y(t) = sum_k a_k sin(2 pi f_k t + phi_k)`:
//!
//! 1. It works on the complex envelope of the tones (`crest/envelope.rs`): the real peak
//!    never exceeds the envelope peak and reaches it wherever the carrier lines up, so
//!    minimising the envelope peak holds for any alignment, and the envelope needs only
//!    a few samples per cycle of the tone spread instead of per cycle of the carrier.
//!    When the tones lie on a common frequency grid (`f_k = f_0 + n_k step`, the usual
//!    case: evenly spaced tones, or any frequencies snapped to a segment's resolution
//!    with a moderate number of grid steps) the envelope repeats every `1 / step` and one
//!    period is sampled exactly by FFT; otherwise it is summed directly over the span of
//!    the measurement grid.
//! 2. Each pass starts from a deterministic seed (the start, Schroeder-like chirps with
//!    1, 2, 3, ... sweeps, and from the fourth pass on reproducible pseudo-random
//!    phases in between) and minimises the `L_2q` norm of the envelope power for
//!    `q = 4, 32, 256, 2048` in turn with L-BFGS; the gradient is analytic and the last
//!    stages, sampled four times more densely so that peaks cannot hide between
//!    samples, approximate the minimax.
//! 3. The pass with the lowest envelope peak is measured on the fine measurement grid
//!    (the real signal at 5 GS/s, [`Grid::measurement`]) against the starting point, and
//!    the better of the two is returned: the result is never worse than the start.
//!
//! Determinism: the work is fixed by [`Effort::passes`] and the stopping rules, all
//! arithmetic is IEEE in a fixed order on one thread (the sums use a fixed number of
//! lanes whatever the target's vector width), and sines come from the portable `libm`,
//! so the phases are the same bit for bit on every machine. The optional
//! [`Effort::time_budget`] only cuts work short; when it does, [`Optimised::budget_hit`]
//! says so and the result may then depend on the machine's speed.

mod direct;
mod envelope;
mod fft;
mod grid;
mod lbfgs;
mod seeds;
mod spectral;

use std::time::{Duration, Instant};

use envelope::{Envelope, EnvelopeTone, Layout};
use grid::RealSignal;
pub use grid::{Grid, MAX_PERIOD_S, MEASUREMENT_RATE_HZ, MIN_PERIOD_S};
pub use seeds::schroeder_phases;
use seeds::{chirp_phases, reduce, PhaseStream};

/// Envelope samples per cycle of the tone spread in the early stages and in the late
/// ones (from `q = 2^FINE_FROM_LOG2_Q`), where peaks between samples matter.
const COARSE_OVERSAMPLING: f64 = 4.0;
const FINE_OVERSAMPLING: f64 = envelope::MAX_OVERSAMPLING;
const FINE_FROM_LOG2_Q: u32 = 6;
/// The continuation: `L_2q` norms of the envelope with `q = 2^s` for these `s`; the
/// last (`q = 2048`) is within a fraction of a percent of the peak.
const STAGES_LOG2_Q: [u32; 4] = [2, 5, 8, 11];
/// Iterations per continuation stage at most.
const STAGE_ITERATIONS: usize = 40;
/// A stage ends when an iteration lowers the objective (a log power) by less than this.
const STAGE_MIN_DECREASE: f64 = 1e-7;
/// Seed of the pseudo-random starting phases.
const SEED: u64 = 0x6372_6573_7466_6163;

/// How hard to try. The work is fixed by `passes` (each pass is a bounded number of
/// L-BFGS iterations), so the result depends on the input alone.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Effort {
    /// Optimisation passes, each from its own deterministic starting point (at least 1
    /// is used). More passes explore more local minima; each costs a few hundred
    /// envelope evaluations. Default 4.
    pub passes: u32,
    /// Optional wall-clock cap. It only cuts work short: the result is still never worse
    /// than the start, but once it bites the phases depend on machine speed, which
    /// [`Optimised::budget_hit`] reports. `None` (the default) keeps results reproducible.
    pub time_budget: Option<Duration>,
}

impl Default for Effort {
    fn default() -> Self {
        Self {
            passes: 4,
            time_budget: None,
        }
    }
}

/// The tones of one channel at a segment start. All slices have one entry per tone.
#[derive(Clone, Copy, Debug)]
pub struct ToneSet<'a> {
    /// Frequencies, Hz. The envelope model assumes distinct positive frequencies (RF
    /// tones); other sets are accepted and still never made worse than their start.
    pub freqs_hz: &'a [f64],
    /// RF amplitudes, mV, after calibration.
    pub amps: &'a [f64],
    /// Starting phases, radians: the manual phases for `optimise`; for `continue` the
    /// continued phases of the matched tones (and anything for the others).
    pub init_phases: &'a [f64],
    /// Tones whose phase must not change (the matched tones of `continue`).
    pub fixed: &'a [bool],
}

/// The optimiser's answer.
#[derive(Clone, Debug, PartialEq)]
pub struct Optimised {
    /// One phase per tone, radians. Free tones with non-zero amplitude are in `[0, 2 pi)`;
    /// fixed and zero-amplitude tones keep their initial phase bit for bit.
    pub phases: Vec<f64>,
    /// Crest factor of `phases` on the measurement grid; NaN when the time budget ran
    /// out before even the starting point was measured (then `phases` are Schroeder's
    /// with no fixed tone, the initial phases otherwise).
    pub crest: f64,
    /// Crest factor of the starting point on the measurement grid: the initial phases,
    /// or (with no fixed tone) the better of those and Schroeder's; NaN as `crest`.
    pub start_crest: f64,
    /// Envelope objective evaluations spent (0 when there was nothing to optimise: no
    /// free tone with non-zero amplitude, or fewer than two sounding tones).
    pub evaluations: u64,
    /// True when [`Effort::time_budget`] cut the work short.
    pub budget_hit: bool,
}

/// Bad input to the optimiser.
#[derive(Debug, thiserror::Error, PartialEq)]
pub enum CrestError {
    /// A slice of the tone set is not one entry per frequency.
    #[error("tone set field `{field}` has {got} entries, expected {expected} (one per frequency)")]
    Length {
        /// The field (`amps`, `init_phases` or `fixed`).
        field: &'static str,
        /// Entries expected: the number of frequencies.
        expected: usize,
        /// Entries found.
        got: usize,
    },
    /// A frequency, amplitude or initial phase is NaN or infinite.
    #[error("tone {index}: `{field}` is {value}, expected a finite number")]
    NonFinite {
        /// Index of the tone in the set.
        index: usize,
        /// The field holding the value.
        field: &'static str,
        /// The value found.
        value: f64,
    },
    /// A grid with no samples or a sample rate that is not finite and positive.
    #[error("evaluation grid: {0}")]
    Grid(String),
}

/// `max|y| / rms(y)` of `y = sum_k amps_k sin(2 pi freqs_k t + phases_k)` sampled on
/// `grid`; 0 for a signal that is zero on every sample. Tones with zero amplitude are
/// left out (they add nothing). The slices must have equal lengths (extra entries of
/// the longer ones are ignored). [`Optimised::crest`] is this function's value on
/// [`Grid::measurement`], bit for bit.
pub fn crest_factor(freqs_hz: &[f64], amps: &[f64], phases: &[f64], grid: &Grid) -> f64 {
    let n = freqs_hz.len().min(amps.len()).min(phases.len());
    let sounding: Vec<usize> = (0..n).filter(|&k| amps[k] != 0.0).collect();
    let pick = |v: &[f64]| -> Vec<f64> { sounding.iter().map(|&k| v[k]).collect() };
    RealSignal::new(&pick(freqs_hz), grid).crest(&pick(amps), &pick(phases))
}

impl Grid {
    /// The grid on which the optimiser samples the complex envelope in its final stages
    /// (the early ones use a quarter of the samples over the same span). With all
    /// finite frequencies on a common grid `f_0 + n step` it covers one period `1 / step`
    /// of the envelope; otherwise the span of [`Grid::measurement`]. Sixteen samples per
    /// cycle of the tone spread (highest minus lowest frequency), a power of two on a
    /// common grid, at most a bounded number of tone-samples otherwise.
    pub fn envelope(freqs_hz: &[f64]) -> Self {
        let finite: Vec<f64> = freqs_hz.iter().copied().filter(|f| f.is_finite()).collect();
        let layout = Layout::plan(&finite);
        let samples = layout.samples(FINE_OVERSAMPLING);
        Grid::new(samples as f64 / layout.period_s(), samples)
            .expect("a planned layout has a positive, finite period and samples")
    }
}

/// Chooses start phases minimising the crest factor; see the module documentation.
pub fn optimise(tones: &ToneSet, effort: &Effort) -> Result<Optimised, CrestError> {
    validate(tones)?;
    // The budget covers everything below: measuring, the starting point, the
    // envelopes and the search.
    let deadline = effort.time_budget.map(|b| Instant::now() + b);
    let problem = Problem::new(tones);
    let Some((start, start_crest, start_cut)) = problem.starting_point(deadline) else {
        return Ok(Optimised {
            phases: problem.unmeasured_start(),
            crest: f64::NAN,
            start_crest: f64::NAN,
            evaluations: 0,
            budget_hit: true,
        });
    };
    let unchanged = |evaluations: u64, budget_hit: bool| Optimised {
        phases: start.clone(),
        crest: start_crest,
        start_crest,
        evaluations,
        budget_hit,
    };
    if start_cut || problem.free.is_empty() || problem.active.len() < 2 {
        return Ok(unchanged(0, start_cut));
    }
    let start_x: Vec<f64> = problem.free.iter().map(|&k| start[k]).collect();
    let search = problem.search(&start_x, effort.passes.max(1), deadline);
    let phases = problem.assemble(&search.phases);
    let Some(crest) = problem.measure_until(&phases, deadline) else {
        return Ok(unchanged(search.evaluations, true));
    };
    let (phases, crest) = if crest < start_crest {
        (phases, crest)
    } else {
        (start, start_crest)
    };
    Ok(Optimised {
        phases,
        crest,
        start_crest,
        evaluations: search.evaluations,
        budget_hit: search.budget_hit,
    })
}

/// A validated tone set with its measurement.
struct Problem<'a> {
    tones: &'a ToneSet<'a>,
    /// Tones with non-zero amplitude.
    active: Vec<usize>,
    /// Active tones that are not fixed: the variables.
    free: Vec<usize>,
    /// The active tones on the measurement grid.
    signal: RealSignal,
    active_amps: Vec<f64>,
    layout: Layout,
}

/// What the envelope search found.
struct Search {
    /// Phases of the free tones.
    phases: Vec<f64>,
    evaluations: u64,
    budget_hit: bool,
}

impl<'a> Problem<'a> {
    fn new(tones: &'a ToneSet<'a>) -> Self {
        let n = tones.freqs_hz.len();
        let active: Vec<usize> = (0..n).filter(|&k| tones.amps[k] != 0.0).collect();
        let free = active
            .iter()
            .copied()
            .filter(|&k| !tones.fixed[k])
            .collect();
        let active_freqs: Vec<f64> = active.iter().map(|&k| tones.freqs_hz[k]).collect();
        let signal = RealSignal::new(&active_freqs, &Grid::measurement(tones.freqs_hz));
        Self {
            tones,
            active_amps: active.iter().map(|&k| tones.amps[k]).collect(),
            active,
            free,
            signal,
            layout: Layout::plan(&active_freqs),
        }
    }

    /// Crest factor of a full phase vector on the measurement grid, or `None` when
    /// `deadline` passes first.
    fn measure_until(&self, phases: &[f64], deadline: Option<Instant>) -> Option<f64> {
        let active: Vec<f64> = self.active.iter().map(|&k| phases[k]).collect();
        self.signal
            .crest_until(&self.active_amps, &active, deadline)
    }

    /// True when only the initial phases are candidates (some tone is fixed, or
    /// none is free).
    fn start_is_fixed(&self) -> bool {
        self.free.is_empty() || self.free.len() < self.active.len()
    }

    /// The phases used when the budget ran out before anything was measured: with no
    /// fixed tone Schroeder's (a good crest factor at no cost), else the initial ones.
    fn unmeasured_start(&self) -> Vec<f64> {
        if self.start_is_fixed() {
            self.assemble(&self.free_values(self.tones.init_phases))
        } else {
            self.assemble(&self.free_values(&schroeder_phases(self.tones.freqs_hz.len())))
        }
    }

    /// A full phase vector from free-tone phases (reduced to `[0, 2 pi)`); every other
    /// tone keeps its initial phase bit for bit.
    fn assemble(&self, x: &[f64]) -> Vec<f64> {
        let mut phases = self.tones.init_phases.to_vec();
        for (&k, &p) in self.free.iter().zip(x) {
            phases[k] = reduce(p);
        }
        phases
    }

    fn free_values(&self, values: &[f64]) -> Vec<f64> {
        self.free.iter().map(|&k| values[k]).collect()
    }

    /// Schroeder's chirp over the free tones with `sweeps` sweeps per period.
    fn chirp(&self, sweeps: f64) -> Vec<f64> {
        let freqs = self.free_values(self.tones.freqs_hz);
        let amps = self.free_values(self.tones.amps);
        chirp_phases(&freqs, &amps, self.layout.sweep_period_s(), sweeps)
    }

    /// The initial phases, or with no fixed tone the best of those, Schroeder's phases
    /// by tone index and their chirp form by frequency; with its measured crest factor
    /// and whether `deadline` cut the comparison short. `None` when it passed before
    /// the initial phases were measured.
    fn starting_point(&self, deadline: Option<Instant>) -> Option<(Vec<f64>, f64, bool)> {
        let mut start = self.assemble(&self.free_values(self.tones.init_phases));
        let mut crest = self.measure_until(&start, deadline)?;
        if self.start_is_fixed() {
            return Some((start, crest, false));
        }
        let schroeder = schroeder_phases(self.tones.freqs_hz.len());
        let by_index = self.free_values(&schroeder);
        let chirp = self.chirp(1.0);
        let mut candidates = vec![by_index];
        if !same_phases(&candidates[0], &chirp) {
            candidates.push(chirp);
        }
        for candidate in candidates {
            let phases = self.assemble(&candidate);
            let Some(c) = self.measure_until(&phases, deadline) else {
                return Some((start, crest, true));
            };
            if c < crest {
                (start, crest) = (phases, c);
            }
        }
        Some((start, crest, false))
    }

    /// `passes` continuations from deterministic seeds; returns the free phases with the
    /// lowest envelope peak.
    fn search(&self, start: &[f64], passes: u32, deadline: Option<Instant>) -> Search {
        let expired = || deadline.is_some_and(|t| Instant::now() >= t);
        let cut = || Search {
            phases: start.to_vec(),
            evaluations: 0,
            budget_hit: true,
        };
        if expired() {
            return cut();
        }
        let tone = |k: usize| EnvelopeTone {
            freq_hz: self.tones.freqs_hz[k],
            amp: self.tones.amps[k],
            phase: self.tones.init_phases[k],
        };
        let free: Vec<EnvelopeTone> = self.free.iter().map(|&k| tone(k)).collect();
        let fixed: Vec<EnvelopeTone> = (self.active.iter())
            .filter(|&&k| self.tones.fixed[k])
            .map(|&k| tone(k))
            .collect();
        let mut coarse = Envelope::new(&self.layout, COARSE_OVERSAMPLING, &free, &fixed);
        if expired() {
            return cut();
        }
        let mut fine = Envelope::new(&self.layout, FINE_OVERSAMPLING, &free, &fixed);
        let mut seeds = Seeds {
            problem: self,
            start,
            stream: PhaseStream::new(SEED),
            next: 0,
        };
        let mut best: Option<(f64, Vec<f64>)> = None;
        let mut budget_hit = false;
        for _ in 0..passes {
            let mut x = seeds.next_seed();
            budget_hit = refine(&mut coarse, &mut fine, &mut x, deadline);
            let peak = fine.peak_to_average(&x);
            if best.as_ref().is_none_or(|(p, _)| peak < *p) {
                best = Some((peak, x));
            }
            if budget_hit {
                break;
            }
        }
        Search {
            phases: best.map_or_else(|| start.to_vec(), |(_, x)| x),
            evaluations: coarse.evaluations() + fine.evaluations(),
            budget_hit,
        }
    }
}

/// Starting points of the passes: the start, then chirps of 1, 2, ... sweeps with
/// reproducible pseudo-random phases between them from the third on (a chirp equal to
/// the start is skipped).
struct Seeds<'p, 'a> {
    problem: &'p Problem<'a>,
    start: &'p [f64],
    stream: PhaseStream,
    next: u32,
}

impl Seeds<'_, '_> {
    fn next_seed(&mut self) -> Vec<f64> {
        loop {
            let i = self.next;
            self.next += 1;
            let seed = match i {
                0 => self.start.to_vec(),
                1 | 2 => self.problem.chirp(f64::from(i)),
                _ if i % 2 == 1 => (0..self.start.len())
                    .map(|_| self.stream.next_phase())
                    .collect(),
                _ => self.problem.chirp(f64::from(i / 2 + 1)),
            };
            if i == 0 || !same_phases(&seed, self.start) {
                return seed;
            }
        }
    }
}

/// True when the phases agree modulo `2 pi` to within `1e-9` rad.
fn same_phases(a: &[f64], b: &[f64]) -> bool {
    a.iter().zip(b).all(|(x, y)| {
        let d = reduce(x - y);
        d.min(std::f64::consts::TAU - d) < 1e-9
    })
}

/// One pass: the `L_2q` continuation from `x`. Returns true when the deadline stopped it.
fn refine(
    coarse: &mut Envelope,
    fine: &mut Envelope,
    x: &mut [f64],
    deadline: Option<Instant>,
) -> bool {
    let settings = lbfgs::Settings {
        memory: 8,
        max_iterations: STAGE_ITERATIONS,
        min_decrease: STAGE_MIN_DECREASE,
        max_step: 1.0,
    };
    for log2_q in STAGES_LOG2_Q {
        let env = if log2_q >= FINE_FROM_LOG2_Q {
            &mut *fine
        } else {
            &mut *coarse
        };
        let mut objective = |x: &[f64], g: &mut [f64]| env.eval(log2_q, x, g);
        if lbfgs::minimise(&mut objective, x, &settings, deadline) {
            return true;
        }
    }
    false
}

fn validate(tones: &ToneSet) -> Result<(), CrestError> {
    let n = tones.freqs_hz.len();
    let lengths = [
        ("amps", tones.amps.len()),
        ("init_phases", tones.init_phases.len()),
        ("fixed", tones.fixed.len()),
    ];
    for (field, got) in lengths {
        if got != n {
            return Err(CrestError::Length {
                field,
                expected: n,
                got,
            });
        }
    }
    let fields = [
        ("freqs_hz", tones.freqs_hz),
        ("amps", tones.amps),
        ("init_phases", tones.init_phases),
    ];
    for index in 0..n {
        for (field, values) in fields {
            if !values[index].is_finite() {
                return Err(CrestError::NonFinite {
                    index,
                    field,
                    value: values[index],
                });
            }
        }
    }
    Ok(())
}
