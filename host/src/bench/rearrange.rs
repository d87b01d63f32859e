//! The `rearrange` workload: latency of real-time rearrangement, from the call to
//! the move segment being on the card. A row of 100 loading tones at the config's
//! sample rate, 50 random atoms moved onto the 50 central sites with a 100 µs
//! min-jerk move, 200 times (by default) in one session on the config's card.

use serde::Serialize;

use awgsf_core::config::Config;
use awgsf_core::error::{Error, Result};
use awgsf_core::program::{LoadedProgram, SourceMap};
use awgsf_core::rearrange::demo::RowShape;
use awgsf_core::rearrange::RearrangeRequest;
use awgsf_core::session::{JobOptions, Session};
use awgsf_core::verify::DEFAULT_THRESHOLD;

/// Rearrangements per measurement unless told otherwise.
pub const REPETITIONS: usize = 200;

/// Latency figures of the `rearrange` workload.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RearrangeBench {
    /// Synthesis plugin that rendered, with its version.
    pub backend: String,
    /// The card.
    pub card: String,
    /// Sample rate, Hz.
    pub sample_rate_hz: f64,
    /// Loading tones.
    pub tones: usize,
    /// Atoms per rearrangement (random positions).
    pub atoms: usize,
    /// Target sites.
    pub sites: usize,
    /// Duration of the move, seconds.
    pub move_s: f64,
    /// Rearrangements measured.
    pub repetitions: usize,
    /// Median latency from the call to the segment on the card, seconds.
    pub latency_p50_s: f64,
    /// 99th percentile, seconds.
    pub latency_p99_s: f64,
    /// Largest, seconds.
    pub latency_max_s: f64,
    /// Medians of the parts: assign, plan, render, upload, seconds.
    pub assign_p50_s: f64,
    /// See `assign_p50_s`.
    pub plan_p50_s: f64,
    /// See `assign_p50_s`.
    pub render_p50_s: f64,
    /// See `assign_p50_s`.
    pub upload_p50_s: f64,
    /// Largest end-phase error over every rearrangement, radians.
    pub max_phase_error_rad: f64,
    /// Largest phase-closing correction over every rearrangement, Hz.
    pub max_correction_hz: f64,
}

/// The `q` quantile of `values` (nearest rank).
fn quantile(values: &[f64], q: f64) -> f64 {
    let mut v = values.to_vec();
    v.sort_by(f64::total_cmp);
    let rank = ((q * v.len() as f64).ceil() as usize).clamp(1, v.len());
    v[rank - 1]
}

/// `n` distinct positions among `0..len`, from a seeded generator (the same
/// sequence on every machine).
fn random_occupancy(len: usize, n: usize, state: &mut u64) -> Vec<bool> {
    let mut order: Vec<usize> = (0..len).collect();
    for i in (1..len).rev() {
        *state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        order.swap(i, (*state >> 33) as usize % (i + 1));
    }
    let mut occ = vec![false; len];
    for &i in &order[..n] {
        occ[i] = true;
    }
    occ
}

/// Plays the row program on the config's card and rearranges it `repetitions`
/// times.
pub fn measure(config: Config, repetitions: usize) -> Result<RearrangeBench> {
    let shape = RowShape::default();
    let loaded = LoadedProgram {
        program: shape.program()?,
        source: "builder:RowShape::default()".into(),
        source_map: SourceMap::default(),
    };
    let mut session = Session::open(config)?;
    let opts = JobOptions {
        force_trigger: true,
        verify: false,
        threshold_fs: DEFAULT_THRESHOLD,
    };
    let outcome = (|| {
        session.run(loaded, &opts)?;
        let atoms = shape.target_tones;
        let mut state = 1u64;
        let mut reports = Vec::with_capacity(repetitions);
        for _ in 0..repetitions.max(1) {
            let req = RearrangeRequest {
                occupancy: random_occupancy(shape.load_tones, atoms, &mut state),
                ..RearrangeRequest::default()
            };
            reports.push(session.rearrange(&req)?);
        }
        Ok::<_, Error>(reports)
    })();
    let info = &session.synth.info;
    let backend = format!("{} {}", info.name, info.version);
    let card = format!(
        "{} ({})",
        session.card.info.model, session.card.plugin.info.name
    );
    let sample_rate_hz = session.figures.sample_rate_hz;
    let closed = session.close();
    let reports = outcome?;
    closed?;
    let col = |f: &dyn Fn(&awgsf_core::rearrange::RearrangeReport) -> f64| -> Vec<f64> {
        reports.iter().map(f).collect()
    };
    let total = col(&|r| r.timings.total_s);
    Ok(RearrangeBench {
        backend,
        card,
        sample_rate_hz,
        tones: shape.load_tones,
        atoms: shape.target_tones,
        sites: shape.target_tones,
        move_s: reports.first().map_or(shape.move_s, |r| r.move_s),
        repetitions: reports.len(),
        latency_p50_s: quantile(&total, 0.5),
        latency_p99_s: quantile(&total, 0.99),
        latency_max_s: quantile(&total, 1.0),
        assign_p50_s: quantile(&col(&|r| r.timings.assign_s), 0.5),
        plan_p50_s: quantile(&col(&|r| r.timings.plan_s), 0.5),
        render_p50_s: quantile(&col(&|r| r.timings.render_s), 0.5),
        upload_p50_s: quantile(&col(&|r| r.timings.upload_s), 0.5),
        max_phase_error_rad: col(&|r| r.max_phase_error_rad)
            .into_iter()
            .fold(0.0, f64::max),
        max_correction_hz: col(&|r| r.max_correction_hz)
            .into_iter()
            .fold(0.0, f64::max),
    })
}

impl RearrangeBench {
    /// The figures in a few lines.
    pub fn render(&self) -> String {
        use awgsf_core::format::{duration, si};
        format!(
            "rearrange: {} tones, {} atoms onto {} sites, {} move at {}, {} times\n  \
             on {} ({})\n  \
             latency p50 {} · p99 {} · max {}\n  \
             median split: assign {} · plan {} · render {} · upload {}\n  \
             largest end-phase error {:.1e} rad, largest correction {:.1} Hz",
            self.tones,
            self.atoms,
            self.sites,
            duration(self.move_s, 3),
            si(self.sample_rate_hz, "S/s"),
            self.repetitions,
            self.card,
            self.backend,
            duration(self.latency_p50_s, 3),
            duration(self.latency_p99_s, 3),
            duration(self.latency_max_s, 3),
            duration(self.assign_p50_s, 3),
            duration(self.plan_p50_s, 3),
            duration(self.render_p50_s, 3),
            duration(self.upload_p50_s, 3),
            self.max_phase_error_rad,
            self.max_correction_hz,
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quantiles_take_the_nearest_rank() {
        let v: Vec<f64> = (1..=200).map(f64::from).collect();
        assert_eq!(quantile(&v, 0.5), 100.0);
        assert_eq!(quantile(&v, 0.99), 198.0);
        assert_eq!(quantile(&v, 1.0), 200.0);
    }

    #[test]
    fn occupancies_hold_the_asked_number_of_atoms() {
        let mut s = 7;
        let a = random_occupancy(100, 50, &mut s);
        let b = random_occupancy(100, 50, &mut s);
        assert_eq!(a.iter().filter(|&&x| x).count(), 50);
        assert_ne!(a, b);
    }
}
