//! `awgsf check-backends`: renders the same plans with two synthesis backends and
//! compares every sample (presets and seeded random programs).

use serde::Serialize;

use crate::report::table::{new_table, wrap};
use awgsf_core::compiler::plan;
use awgsf_core::config::PluginRef;
use awgsf_core::error::{exit, Error};
use awgsf_core::format::count;
use awgsf_core::machine::search_path;
use awgsf_core::plugins::{load_synthesis, LoadError};
use awgsf_core::program::random::{random_program, RandomSpec};
use awgsf_core::program::{presets, LoadedProgram};
use awgsf_core::render::render_codes;
use awgsf_core::session::Session;

use super::args::CheckBackendsArgs;
use super::run::load_config;

/// Comparison of one program.
#[derive(Debug, Serialize)]
struct Row {
    program: String,
    samples: u64,
    identical: bool,
    max_lsb: i32,
    differing: u64,
}

fn open(name: &str, session: &Session) -> Result<awgsf_plugin_api::SynthesizerBox, Error> {
    let sp = search_path(&session.config);
    let path = sp.resolve(name, None).map_err(|looked| {
        Error::plugins(vec![LoadError::NotFound {
            spec: name.into(),
            looked,
        }])
    })?;
    let plugin = load_synthesis(&path)?;
    let settings = session
        .config
        .synthesis
        .settings_json(plugin.info.name.as_str());
    let probe = plugin.probe(&settings);
    if !probe.available {
        return Err(Error::plugins(vec![LoadError::Open {
            name: name.into(),
            error: awgsf_plugin_api::PluginError::not_available(probe.detail.to_string()),
        }]));
    }
    Ok(plugin.open(&settings)?)
}

/// `awgsf check-backends`.
pub fn check(a: &CheckBackendsArgs) -> Result<i32, Error> {
    let mut config = load_config(&a.config)?;
    config.synthesis.backend = PluginRef::Name(a.a.clone());
    config.synthesis.fallbacks.clear();
    let session = Session::open(config)?;
    let result = compare_all(a, &session);
    let _ = session.close();
    let rows = result?;
    let bad = rows.iter().filter(|r| r.max_lsb > 1).count();
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).map_err(|e| Error::Internal(e.to_string()))?
        );
    } else {
        let mut t = new_table(
            &[
                "program",
                "samples",
                "identical",
                "max |Δ| (LSB)",
                "differing",
            ],
            &[false, true, false, true, true],
        );
        for r in &rows {
            t.add_row(vec![
                r.program.clone(),
                r.samples.to_string(),
                if r.identical { "yes" } else { "no" }.into(),
                r.max_lsb.to_string(),
                r.differing.to_string(),
            ]);
        }
        let identical = rows.iter().filter(|r| r.identical).count();
        let summary = format!(
            "{} vs {}: {}, {identical} byte-identical, {bad} beyond 1 LSB",
            a.a,
            a.b,
            count(rows.len() as u64, "program", "programs")
        );
        println!("{}\n{}", t.trim_fmt(), wrap(&summary, "  "));
    }
    if bad > 0 {
        return Err(Error::synthesis(format!(
            "{bad} programs differ by more than 1 LSB between {} and {}",
            a.a, a.b
        )));
    }
    Ok(exit::OK)
}

fn compare_all(a: &CheckBackendsArgs, session: &Session) -> Result<Vec<Row>, Error> {
    let other = open(&a.b, session)?;
    let mut programs: Vec<LoadedProgram> = presets::names()
        .into_iter()
        .map(presets::get)
        .collect::<Result<_, _>>()?;
    let spec = RandomSpec {
        sample_rate_hz: session.figures.sample_rate_hz,
        max_op_samples: 20_000,
        ..RandomSpec::default()
    };
    for i in 0..a.random {
        let seed = a.seed.wrapping_mul(1_000_003).wrapping_add(i);
        let mut program = random_program(seed, &spec);
        // Random programs name their channels H, V, X, Y; keep those the setup maps.
        program
            .logical_channels
            .retain(|c| session.config.setup.map.contains_key(c));
        if program.logical_channels.is_empty() {
            continue;
        }
        let keep = program.logical_channels.clone();
        program
            .definitions
            .retain(|_, d| keep.contains(&d.logical_channel));
        for s in &mut program.segments {
            s.ops
                .retain(|o| o.channel().is_none_or(|c| keep.iter().any(|k| k == c)));
            s.ops.iter_mut().for_each(|o| {
                if let awgsf_core::program::Op::Parallel { ops, .. } = o {
                    ops.retain(|x| x.channel().is_none_or(|c| keep.iter().any(|k| k == c)));
                }
            });
        }
        programs.push(LoadedProgram {
            program,
            source: format!("random seed {seed}"),
            source_map: Default::default(),
        });
    }
    let mut rows = Vec::new();
    for loaded in &programs {
        let settings = session.compile_settings(&loaded.program.logical_channels)?;
        let planned = match plan(loaded, &settings) {
            Ok(p) => p,
            // A random program trimmed to the mapped channels may no longer be valid.
            Err(Error::Program(_)) if loaded.source.starts_with("random") => continue,
            Err(e) => return Err(e),
        };
        let plans: Vec<_> = planned.lowered.iter().map(|l| l.plan.clone()).collect();
        let x = render_codes(&session.synth.backend, &plans, &())?;
        let y = render_codes(&other, &plans, &())?;
        let (mut max, mut differing, mut samples) = (0i32, 0u64, 0u64);
        for (sx, sy) in x.iter().zip(&y) {
            samples += sx.codes.len() as u64;
            for (p, q) in sx.codes.iter().zip(&sy.codes) {
                let d = (i32::from(*p) - i32::from(*q)).abs();
                if d > 0 {
                    differing += 1;
                    max = max.max(d);
                }
            }
        }
        rows.push(Row {
            program: loaded.source.clone(),
            samples,
            identical: differing == 0,
            max_lsb: max,
            differing,
        });
    }
    Ok(rows)
}
