//! Partial compilation of a contiguous run of segments, seeded with the end phases
//! of an earlier full compilation, equals the same segments of the full one.

use awgsf_core::compiler::{plan, plan_range, CompileSettings};
use awgsf_core::program::load_program;

fn settings() -> CompileSettings {
    crate::common::settings_625msps(2)
}

#[test]
fn a_seeded_run_of_segments_equals_the_full_compilation() {
    let loaded = load_program("recreate_mol_exp").unwrap();
    let full = plan(&loaded, &settings()).unwrap();
    let ends = full.end_phases();
    for start in [1usize, 3, 8, 11] {
        let part = plan_range(
            &loaded,
            &settings(),
            start..full.lowered.len(),
            Some(&ends[start - 1]),
        )
        .unwrap();
        for (i, l) in part.iter().enumerate() {
            assert_eq!(
                l.plan,
                full.lowered[start + i].plan,
                "segment {} from {start}",
                start + i
            );
        }
    }
}

#[test]
fn a_continue_segment_without_its_seed_is_refused() {
    let loaded = load_program("recreate_mol_exp").unwrap();
    // Segment 2 continues the phases of segment 1.
    let e = plan_range(&loaded, &settings(), 2..4, None)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("hotswap_rearrange_to_exp_array") && e.contains("end phases"),
        "{e}"
    );
}
