//! Start phases of a segment's tones (`docs/semantics.md` §6): `manual`, `optimise` and
//! `continue` (by identity, then by frequency within 1 Hz, the rest optimised with
//! the matched ones held).

use std::collections::{HashMap, HashSet};

use crate::pipeline::{ToneId, ToneState};
use crate::program::PhaseMode;

use super::crest::{optimise, Effort, ToneSet};

/// Phases of a channel's tones at a boundary, labelled by identity.
#[derive(Debug, Clone, PartialEq, Default, serde::Serialize)]
pub struct TonePhases {
    /// Tone identities.
    pub ids: Vec<ToneId>,
    /// Frequencies at the boundary, Hz.
    pub freqs_hz: Vec<f64>,
    /// Phases, radians in `[0, 2 pi)`.
    pub phases_rad: Vec<f64>,
}

/// How each tone's start phase was chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum PhaseSource {
    /// From the tone state (definition, `add_tone`, remap target).
    Manual,
    /// Continued from the previous segment's tone of the same identity.
    Identity,
    /// Continued from the previous segment's nearest tone within 1 Hz.
    Frequency,
    /// Chosen by the crest-factor optimiser.
    Optimised,
}

/// Start phases of one channel, and what the optimiser did.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct StartPhases {
    /// Phases, radians.
    pub phases_rad: Vec<f64>,
    /// Where each came from.
    pub sources: Vec<PhaseSource>,
    /// Crest factor after optimisation (on the optimiser's grid), if it ran.
    pub crest: Option<f64>,
    /// True when the optimiser stopped at its time budget.
    pub budget_hit: bool,
}

/// Largest frequency difference for continuing a tone without an identity match, Hz.
pub const MATCH_TOLERANCE_HZ: f64 = 1.0;

/// Chooses start phases for a channel whose first part starts in `state`.
///
/// `rf_amps` are the tones' RF amplitudes (after calibration); `previous` is the
/// previous segment's end phases of this channel (`None` for the first segment, so
/// `continue` means `manual` there).
pub fn start_phases(
    mode: PhaseMode,
    state: &ToneState,
    rf_amps: &[f64],
    previous: Option<&TonePhases>,
    effort: &Effort,
) -> Result<StartPhases, String> {
    let n = state.len();
    let manual = StartPhases {
        phases_rad: state.phases_rad.clone(),
        sources: vec![PhaseSource::Manual; n],
        crest: None,
        budget_hit: false,
    };
    match (mode, previous) {
        _ if n == 0 => Ok(manual),
        (PhaseMode::Manual, _) | (PhaseMode::Continue, None) => Ok(manual),
        (PhaseMode::Optimise, _) => run_optimiser(
            state,
            rf_amps,
            state.phases_rad.clone(),
            vec![false; n],
            manual.sources,
            effort,
        ),
        (PhaseMode::Continue, Some(prev)) => {
            let mut phases = state.phases_rad.clone();
            let mut sources = vec![PhaseSource::Optimised; n];
            let mut fixed = vec![false; n];
            let mut claimed: HashSet<usize> = HashSet::new();
            // By identity (several current tones may share one, e.g. a split tone);
            // the first previous tone of each identity, found in O(1).
            let mut first_of: HashMap<ToneId, usize> = HashMap::new();
            for (j, id) in prev.ids.iter().enumerate() {
                first_of.entry(*id).or_insert(j);
            }
            for i in 0..n {
                if let Some(&j) = first_of.get(&state.ids[i]) {
                    phases[i] = prev.phases_rad[j];
                    sources[i] = PhaseSource::Identity;
                    fixed[i] = true;
                    claimed.insert(j);
                }
            }
            // By frequency, greedily, smallest difference first; candidates come
            // from the previous tones sorted by frequency (no all-pairs scan).
            let mut by_freq: Vec<usize> = (0..prev.freqs_hz.len()).collect();
            by_freq.sort_by(|&a, &b| prev.freqs_hz[a].total_cmp(&prev.freqs_hz[b]));
            let mut pairs: Vec<(f64, usize, usize)> = Vec::new();
            for i in (0..n).filter(|i| !fixed[*i]) {
                let f = state.freqs_hz[i];
                let from =
                    by_freq.partition_point(|&j| prev.freqs_hz[j] < f - 2.0 * MATCH_TOLERANCE_HZ);
                for &j in by_freq[from..]
                    .iter()
                    .take_while(|&&j| prev.freqs_hz[j] <= f + 2.0 * MATCH_TOLERANCE_HZ)
                {
                    let d = (prev.freqs_hz[j] - f).abs();
                    if d <= MATCH_TOLERANCE_HZ && !claimed.contains(&j) {
                        pairs.push((d, i, j));
                    }
                }
            }
            pairs.sort_by(|a, b| a.0.total_cmp(&b.0).then(a.1.cmp(&b.1)).then(a.2.cmp(&b.2)));
            for (_, i, j) in pairs {
                if fixed[i] || claimed.contains(&j) {
                    continue;
                }
                phases[i] = prev.phases_rad[j];
                sources[i] = PhaseSource::Frequency;
                fixed[i] = true;
                claimed.insert(j);
            }
            if fixed.iter().all(|f| *f) {
                return Ok(StartPhases {
                    phases_rad: phases,
                    sources,
                    crest: None,
                    budget_hit: false,
                });
            }
            run_optimiser(state, rf_amps, phases, fixed, sources, effort)
        }
    }
}

fn run_optimiser(
    state: &ToneState,
    rf_amps: &[f64],
    init: Vec<f64>,
    fixed: Vec<bool>,
    mut sources: Vec<PhaseSource>,
    effort: &Effort,
) -> Result<StartPhases, String> {
    let result = optimise(
        &ToneSet {
            freqs_hz: &state.freqs_hz,
            amps: rf_amps,
            init_phases: &init,
            fixed: &fixed,
        },
        effort,
    )
    .map_err(|e| e.to_string())?;
    for (s, f) in sources.iter_mut().zip(&fixed) {
        if !*f {
            *s = PhaseSource::Optimised;
        }
    }
    Ok(StartPhases {
        phases_rad: result.phases,
        sources,
        // NaN: the budget ran out before anything was measured.
        crest: (!result.crest.is_nan()).then_some(result.crest),
        budget_hit: result.budget_hit,
    })
}
