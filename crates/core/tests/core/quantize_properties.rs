//! Properties of resolve + quantise over thousands of random programs.

use awgsf_core::pipeline::{quantize, resolve, QuantLimits, QuantizedProgram, ResolvedProgram};
use awgsf_core::program::random::{random_program, RandomSpec, Rng};
use awgsf_core::program::{AmpTarget, Dst, Op, Program};
use proptest::prelude::*;

fn limits(seed: u64) -> QuantLimits {
    let channels = [1, 2, 4][(seed % 3) as usize];
    let mut l = QuantLimits::m4i66xx(channels);
    l.quantum_s = [40e-6, 10e-6, 3e-6][(seed / 3 % 3) as usize];
    l
}

fn spec(seed: u64) -> RandomSpec {
    RandomSpec {
        sample_rate_hz: [625e6, 1e6, 62.5e6, 1.25e9][(seed / 9 % 4) as usize],
        ..RandomSpec::default()
    }
}

fn compile(seed: u64) -> (Program, ResolvedProgram, QuantizedProgram) {
    let s = spec(seed);
    let program = random_program(seed, &s);
    let resolved =
        resolve(&program, s.sample_rate_hz).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    let q = quantize(&resolved, &limits(seed)).unwrap_or_else(|e| panic!("seed {seed}: {e}"));
    (program, resolved, q)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(3000))]

    #[test]
    fn lengths_are_card_ready(seed in any::<u64>()) {
        let (_, _, q) = compile(seed);
        let step = q.limits.step_samples;
        for qs in &q.segments {
            let n = qs.info.quantized_samples;
            prop_assert_eq!(n % step, 0, "seed {}: {} not a multiple of {}", seed, n, step);
            prop_assert!(n >= q.min_samples);
            prop_assert_eq!(qs.segment.n_samples(), n);
            if qs.info.loopable && qs.segment.snap_len_to_quantum {
                prop_assert_eq!(n % q.quantum_samples, 0);
            }
            if !qs.info.constant {
                prop_assert!(n >= qs.info.original_samples, "seed {}: non-constant segment shortened", seed);
            }
        }
    }

    #[test]
    fn wrap_protected_segments_close(seed in any::<u64>()) {
        let (_, _, q) = compile(seed);
        for qs in &q.segments {
            if qs.info.wrap_protected {
                let n = qs.info.quantized_samples;
                for cp in &qs.segment.parts[0].channels {
                    for &f in &cp.start.freqs_hz {
                        let e = awgsf_core::pipeline::quantize::wrap_error_rad(f, n, q.sample_rate_hz);
                        prop_assert!(e <= 1e-6, "seed {}: {} rad", seed, e);
                    }
                }
            }
        }
    }

    /// Quantisation adds no frequency step where the resolved program is continuous:
    /// between consecutive parts and segments, a tone of the same lineage changes by
    /// exactly what the resolver asked for, except into a wrap-protected segment.
    #[test]
    fn no_unrequested_frequency_steps(seed in any::<u64>()) {
        let (_, r, q) = compile(seed);
        let fs = q.sample_rate_hz;
        // Walk every boundary (within and between segments) in play order.
        let mut prev: Option<(Vec<&awgsf_core::pipeline::ToneState>, Vec<Vec<f64>>)> = None;
        for (si, qs) in q.segments.iter().enumerate() {
            let rs = &r.segments[si];
            for (pi, p) in qs.segment.parts.iter().enumerate() {
                let r_start: Vec<Vec<f64>> = (0..p.channels.len())
                    .map(|c| rs.parts.get(pi).map_or(rs.end_state(c).freqs_hz.clone(), |rp| rp.channels[c].start.freqs_hz.clone()))
                    .collect();
                if let Some((ends, r_ends)) = &prev {
                    let into_protected = pi == 0 && qs.info.wrap_protected;
                    for (c, cp) in p.channels.iter().enumerate() {
                        for (i, l) in cp.start.lineage.iter().enumerate() {
                            if let Some(j) = ends[c].lineage.iter().position(|x| x == l) {
                                if into_protected { continue; }
                                let ours = cp.start.freqs_hz[i] - ends[c].freqs_hz[j];
                                let asked = r_start[c][i] - r_ends[c][j];
                                prop_assert!((ours - asked).abs() <= 1e-6 * (1.0 + fs * 1e-9),
                                    "seed {}: segment {} part {} channel {} tone {}: step {} Hz, asked {} Hz", seed, si, pi, c, i, ours, asked);
                            }
                        }
                    }
                }
                let r_end: Vec<Vec<f64>> = (0..p.channels.len())
                    .map(|c| rs.parts.get(pi).map_or(rs.end_state(c).freqs_hz.clone(), |rp| rp.channels[c].end.freqs_hz.clone()))
                    .collect();
                prev = Some((p.channels.iter().map(|c| &c.end).collect(), r_end));
            }
        }
    }

    /// Random damage to a valid program gives errors, never panics.
    #[test]
    fn invalid_programs_give_errors_not_panics(seed in any::<u64>()) {
        let s = spec(seed);
        let mut program = random_program(seed, &s);
        let mut rng = Rng::new(seed.wrapping_mul(31));
        for _ in 0..1 + rng.below(3) {
            damage(&mut program, &mut rng);
        }
        let fs = if rng.chance(0.05) { [0.0, -1.0, f64::NAN][rng.below(3)] } else { s.sample_rate_hz };
        if let Ok(r) = resolve(&program, fs) {
            let mut l = limits(seed);
            if rng.chance(0.1) { l.step_samples = 0; }
            if rng.chance(0.1) { l.quantum_s = [0.0, f64::NAN, -1.0, 1e9][rng.below(4)]; }
            let _ = quantize(&r, &l);
        }
    }
}

fn damage(p: &mut Program, rng: &mut Rng) {
    let bad_f = [f64::NAN, f64::INFINITY, -1e-3, 1e30, 0.0][rng.below(5)];
    let bad_i = [0usize, 7, 1000, usize::MAX][rng.below(4)];
    if p.segments.is_empty() {
        return;
    }
    let si = rng.below(p.segments.len());
    let first_name = p.segments[0].name.clone();
    let seg = &mut p.segments[si];
    match rng.below(9) {
        0 => seg.loop_count = [0, 1 << 40][rng.below(2)],
        1 => seg.name = first_name,
        2 => seg.ops.clear(),
        _ => {
            if seg.ops.is_empty() {
                return;
            }
            let oi = rng.below(seg.ops.len());
            match &mut seg.ops[oi] {
                Op::Hold { time_s } => *time_s = bad_f,
                Op::UseDef { def, .. } => *def = "missing".into(),
                Op::AddTone { at, amps, .. } => {
                    if rng.chance(0.5) {
                        *at = Some(bad_i)
                    } else {
                        amps.push(1.0)
                    }
                }
                Op::RemoveTones { idxs, .. } => idxs.push(bad_i),
                Op::Move {
                    idxs,
                    df_hz,
                    channel,
                    ..
                } => match rng.below(3) {
                    0 => *idxs = Some(vec![bad_i]),
                    1 => *df_hz = bad_f,
                    _ => *channel = "Z".into(),
                },
                Op::RampAmpTo { amps, interp, .. } => match rng.below(3) {
                    0 => *amps = AmpTarget::List(vec![1.0, 2.0, 3.0, 4.0, 5.0, 6.0, 7.0]),
                    1 => interp.tau_s = Some(bad_f),
                    _ => interp.kind = awgsf_core::program::InterpKind::GeoRamp,
                },
                Op::RemapFromDef { src, dst, .. } => {
                    if rng.chance(0.5) {
                        src.push(bad_i)
                    } else {
                        *dst = Dst::List(vec![bad_i])
                    }
                }
                Op::Parallel { ops, time_s } => {
                    if rng.chance(0.5) {
                        *time_s = bad_f
                    } else if let Some(o) = ops.first().cloned() {
                        ops.push(o)
                    }
                }
            }
        }
    }
}
