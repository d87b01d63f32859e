//! The `large` benchmark preset (no reference golden exists for it): it loads,
//! resolves and quantises at 625 MS/s to the size the benchmarks assume, its
//! rearrangement keeps every tone in order, and its digest does not drift.

use awgsf_core::pipeline::{quantize, resolve, QuantLimits, QuantizedProgram};
use awgsf_core::program::digest::program_digest;
use awgsf_core::program::{load_program, Op};

/// Digest of `configs/programs/large.toml`: a change to the program must be
/// deliberate, since benchmark figures are compared across commits.
const LARGE_DIGEST: &str = "8c6c6c300e252f3761f851e77b623e4a0e45644a54260631db34f43451fae645";

fn quantized() -> QuantizedProgram {
    let loaded = load_program("large").unwrap();
    let r = resolve(&loaded.program, 625e6).unwrap();
    quantize(&r, &QuantLimits::m4i66xx(2)).unwrap()
}

#[test]
fn loads_with_100_tones_per_axis_and_a_stable_digest() {
    let p = load_program("preset:large").unwrap().program;
    assert_eq!(p.logical_channels, ["H", "V"]);
    for def in p.definitions.values() {
        assert_eq!(def.freqs_hz.len(), 100, "{}", def.name);
        assert!(def.freqs_hz.iter().all(|f| (90e6..=110e6).contains(f)));
        assert!(def.freqs_hz.windows(2).all(|w| w[0] < w[1]), "{}", def.name);
    }
    let rearrange = &p.segments[p.segment_index("rearrange_to_exp_grid").unwrap()];
    let Op::Parallel { time_s, ops } = &rearrange.ops[0] else {
        panic!("the rearrangement is one parallel op");
    };
    assert_eq!(*time_s, 5e-3);
    assert_eq!(ops.len(), 2);
    for op in ops {
        let Op::RemapFromDef { src, .. } = op else {
            panic!("both axes remap");
        };
        assert_eq!(*src, (0..100).collect::<Vec<_>>(), "every tone, in order");
    }
    assert_eq!(program_digest(&p), LARGE_DIGEST);
}

#[test]
fn quantises_to_10_ms_and_1_25e9_tone_samples() {
    let q = quantized();
    let fs = q.sample_rate_hz;
    let samples: u64 = q.segments.iter().map(|s| s.segment.n_samples()).sum();
    let tone_samples: u64 = q
        .segments
        .iter()
        .flat_map(|s| &s.segment.parts)
        .map(|part| {
            part.n_samples
                * part
                    .channels
                    .iter()
                    .map(|c| c.start.len() as u64)
                    .sum::<u64>()
        })
        .sum();
    // 10 ms per channel within the card's granularity (the 1 ns arm segment is one
    // minimum-length segment).
    let duration = samples as f64 / fs;
    assert!((duration - 10e-3).abs() < 5e-6, "{duration}");
    let expected = 2.0 * 100.0 * 10e-3 * fs;
    assert!(
        (tone_samples as f64 / expected - 1.0).abs() < 1e-3,
        "{tone_samples} vs {expected}"
    );
    for s in &q.segments {
        assert_eq!(s.segment.n_samples() % 32, 0, "{}", s.segment.name);
    }
    let image = q
        .segments
        .iter()
        .find(|s| s.segment.name == "image")
        .unwrap();
    assert_eq!(image.segment.loop_count, 4);
    // A repeating segment is a whole number of loop quanta (40 µs on the 32-sample
    // step: 24992 samples), the nearest to 1 ms.
    assert_eq!(q.quantum_samples, 24_992);
    assert_eq!(image.segment.n_samples(), 25 * 24_992);
}
