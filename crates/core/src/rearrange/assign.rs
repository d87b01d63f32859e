//! Which atom goes to which target tweezer: on a line (one AOD axis), the matching
//! of minimum total travel that never lets two moving tones cross.
//!
//! Atoms and targets are taken in frequency order. For costs `|f_atom - f_target|`
//! on a line an optimal matching that keeps the order exists (exchanging the
//! targets of two crossing atoms never adds travel), so the best order-keeping
//! choice of which `k` of the `n` atoms to use is the global optimum, found by
//! dynamic programming in `O(n k)`.

/// Why no assignment exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AssignError {
    /// Fewer atoms than target sites.
    TooFewAtoms {
        /// Atoms in the occupancy.
        atoms: usize,
        /// Sites the target needs filled.
        needed: usize,
    },
}

impl std::fmt::Display for AssignError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssignError::TooFewAtoms { atoms, needed } => write!(
                f,
                "the occupancy holds {atoms} atom{} but the target needs {needed}: nothing was changed on the card",
                if *atoms == 1 { "" } else { "s" }
            ),
        }
    }
}

/// Indices of `values` sorted by value (ties by index), so the result is
/// deterministic.
fn order(values: &[f64], keep: impl Fn(usize) -> bool) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..values.len()).filter(|&i| keep(i)).collect();
    idx.sort_by(|&a, &b| values[a].total_cmp(&values[b]).then(a.cmp(&b)));
    idx
}

/// For each target site `j` (frequency `targets_hz[j]`), the index of the loading
/// tone whose atom moves there: atoms are the loading tones with `occupied[i]`.
/// Minimises the total frequency travel; no two assigned atoms swap order.
pub fn assign(
    loading_hz: &[f64],
    occupied: &[bool],
    targets_hz: &[f64],
) -> Result<Vec<usize>, AssignError> {
    debug_assert_eq!(loading_hz.len(), occupied.len());
    let atoms = order(loading_hz, |i| occupied[i]);
    let sites = order(targets_hz, |_| true);
    let (n, k) = (atoms.len(), sites.len());
    if n < k {
        return Err(AssignError::TooFewAtoms {
            atoms: n,
            needed: k,
        });
    }
    // cost[i][j]: least travel placing the first j sites with the first i atoms
    // (row-major, (n + 1) x (k + 1)); only j <= i is reachable.
    let w = k + 1;
    let mut cost = vec![f64::INFINITY; (n + 1) * w];
    for i in 0..=n {
        cost[i * w] = 0.0;
    }
    for i in 1..=n {
        let fa = loading_hz[atoms[i - 1]];
        for j in 1..=k.min(i) {
            let skip = cost[(i - 1) * w + j];
            let take = cost[(i - 1) * w + j - 1] + (fa - targets_hz[sites[j - 1]]).abs();
            cost[i * w + j] = if take <= skip { take } else { skip };
        }
    }
    // Walk back: atom i - 1 took site j - 1 when that was the choice made.
    let mut out = vec![usize::MAX; k];
    let (mut i, mut j) = (n, k);
    while j > 0 {
        let fa = loading_hz[atoms[i - 1]];
        let take = cost[(i - 1) * w + j - 1] + (fa - targets_hz[sites[j - 1]]).abs();
        if i > j && cost[i * w + j] != take {
            i -= 1;
            continue;
        }
        out[sites[j - 1]] = atoms[i - 1];
        i -= 1;
        j -= 1;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn travel(loading: &[f64], targets: &[f64], a: &[usize]) -> f64 {
        a.iter()
            .enumerate()
            .map(|(j, &i)| (loading[i] - targets[j]).abs())
            .sum()
    }

    #[test]
    fn compacts_a_sparse_row_onto_the_centre() {
        let loading: Vec<f64> = (0..10).map(|i| i as f64).collect();
        let occ = [
            true, false, true, true, false, false, true, false, false, true,
        ];
        let targets = [3.0, 4.0, 5.0];
        let a = assign(&loading, &occ, &targets).unwrap();
        assert_eq!(a, vec![2, 3, 6]);
        assert_eq!(travel(&loading, &targets, &a), 1.0 + 1.0 + 1.0);
    }

    #[test]
    fn too_few_atoms_is_a_clear_refusal() {
        let e = assign(&[1.0, 2.0], &[true, false], &[1.0, 2.0]).unwrap_err();
        assert_eq!(
            e,
            AssignError::TooFewAtoms {
                atoms: 1,
                needed: 2
            }
        );
        assert!(e.to_string().contains("1 atom but the target needs 2"));
    }

    #[test]
    fn unsorted_inputs_are_matched_in_frequency_order() {
        let loading = [5.0, 1.0, 3.0];
        let targets = [4.0, 2.0];
        let a = assign(&loading, &[true; 3], &targets).unwrap();
        // Sites 2 Hz and 4 Hz, atoms 1, 3, 5 Hz: best is 1->2, 3->4 or 3->2, 5->4
        // (both 2 Hz); ties keep the earlier choice deterministic.
        assert_eq!(travel(&loading, &targets, &a), 2.0);
        assert!(loading[a[1]] < loading[a[0]], "no crossing");
    }

    /// The least travel over every order-keeping choice of atoms, by brute force.
    fn best_by_search(atoms: &[f64], sites: &[f64]) -> f64 {
        fn go(atoms: &[f64], sites: &[f64]) -> f64 {
            match (atoms, sites) {
                (_, []) => 0.0,
                ([], _) => f64::INFINITY,
                ([a, rest @ ..], [s, srest @ ..]) => {
                    let take = (a - s).abs() + go(rest, srest);
                    take.min(go(rest, sites))
                }
            }
        }
        go(atoms, sites)
    }

    proptest::proptest! {
        #[test]
        fn random_occupancies_fill_the_target_without_crossings(
            occupancy in proptest::collection::vec(proptest::bool::ANY, 1..14),
            n_sites in 1usize..8,
            offset in -3.0f64..3.0,
        ) {
            let loading: Vec<f64> = (0..occupancy.len()).map(|i| i as f64).collect();
            let targets: Vec<f64> = (0..n_sites).map(|j| offset + 0.9 * j as f64).collect();
            let atoms = occupancy.iter().filter(|&&o| o).count();
            match assign(&loading, &occupancy, &targets) {
                Err(e) => {
                    proptest::prop_assert!(atoms < n_sites);
                    proptest::prop_assert_eq!(e, AssignError::TooFewAtoms { atoms, needed: n_sites });
                }
                Ok(a) => {
                    proptest::prop_assert!(atoms >= n_sites);
                    // Every site gets a distinct occupied tweezer.
                    proptest::prop_assert_eq!(a.len(), n_sites);
                    let mut used = a.clone();
                    used.sort_unstable();
                    used.dedup();
                    proptest::prop_assert_eq!(used.len(), n_sites);
                    proptest::prop_assert!(a.iter().all(|&i| occupancy[i]));
                    // Sites in frequency order take atoms in frequency order.
                    proptest::prop_assert!(a.windows(2).all(|w| loading[w[0]] < loading[w[1]]));
                    // And no choice of atoms travels less.
                    let atom_hz: Vec<f64> = (0..loading.len())
                        .filter(|&i| occupancy[i])
                        .map(|i| loading[i])
                        .collect();
                    let best = best_by_search(&atom_hz, &targets);
                    proptest::prop_assert!((travel(&loading, &targets, &a) - best).abs() < 1e-9);
                }
            }
        }
    }
}
