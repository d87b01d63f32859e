//! Commands that need no plugins: `inspect`, `presets`, `convert`.

use crate::report::inspect::InspectReport;
use awgsf_core::error::{exit, Error};
use awgsf_core::pipeline::{quantize, resolve, QuantLimits, ResolvedProgram};
use awgsf_core::program::{load_program, presets, save_program, LoadedProgram, ProgramFormat};

use super::args::{ConvertArgs, InspectArgs, PresetsArgs, Stage};

fn json_out<T: serde::Serialize>(v: &T) -> Result<i32, Error> {
    let text = serde_json::to_string_pretty(v).map_err(|e| Error::Internal(e.to_string()))?;
    println!("{text}");
    Ok(exit::OK)
}

/// Loads a program spec, with located errors.
pub fn load(spec: &str) -> Result<LoadedProgram, Error> {
    Ok(load_program(spec)?)
}

/// `awgsf inspect`.
pub fn inspect(a: &InspectArgs) -> Result<i32, Error> {
    let loaded = load(&a.program.spec())?;
    let p = &loaded.program;
    if a.render {
        return inspect_rendered(a, &loaded);
    }
    let report = match a.stage {
        Stage::Intent => InspectReport::intent(&loaded.source, p, a.sample_rate),
        Stage::Resolved => {
            let r = resolve(p, a.sample_rate).map_err(|e| loaded.locate(e))?;
            print_warnings(&loaded, &r);
            InspectReport::resolved(&loaded.source, p, &r)
        }
        Stage::Quantized => {
            let r = resolve(p, a.sample_rate).map_err(|e| loaded.locate(e))?;
            print_warnings(&loaded, &r);
            let channels = a.channels.unwrap_or(match p.logical_channels.len() {
                0 | 1 => 1,
                2 => 2,
                _ => 4,
            });
            if ![1, 2, 4].contains(&channels) {
                return Err(Error::Usage(format!(
                    "--channels: expected 1, 2 or 4, got {channels}"
                )));
            }
            let mut limits = QuantLimits::m4i66xx(channels);
            limits.quantum_s = a.quantum;
            limits.step_samples = a.step;
            let q = quantize(&r, &limits).map_err(|e| loaded.locate(e))?;
            InspectReport::quantized(&loaded.source, p, Some(&r), &q)
        }
    };
    print_inspect(a, &report)
}

/// Prints the warnings about a resolved program.
fn print_warnings(loaded: &LoadedProgram, r: &ResolvedProgram) {
    crate::report::warnings::print(&crate::report::warnings::program(
        loaded,
        r.sample_rate_hz,
        &r.logical_channels,
        &r.segments,
    ));
}

/// Prints an inspect report as `a` asks: JSON, or the table (and the tones).
fn print_inspect(a: &InspectArgs, report: &InspectReport) -> Result<i32, Error> {
    if a.json {
        return json_out(report);
    }
    println!("{}", report.render());
    if a.tones {
        println!("{}", report.render_tones());
    }
    Ok(exit::OK)
}

/// `awgsf presets`.
pub fn presets(a: &PresetsArgs) -> Result<i32, Error> {
    if let Some(name) = &a.show {
        let loaded = presets::get(name)?;
        let text = presets::text(name).unwrap_or_default();
        let _ = loaded;
        print!("{text}");
        return Ok(exit::OK);
    }
    let mut rows = Vec::new();
    for name in presets::names() {
        let loaded = presets::get(name)?;
        let p = &loaded.program;
        rows.push(serde_json::json!({
            "name": name,
            "segments": p.segments.len(),
            "logical_channels": p.logical_channels,
            "digest": awgsf_core::program::digest::program_digest(p),
            "description": presets::description(name),
        }));
    }
    if a.json {
        return json_out(&rows);
    }
    let mut t = crate::report::table::new_table(
        &["preset", "segments", "channels", "what"],
        &[false, true, false, false],
    );
    // Names do not wrap; the digest is in `--json`.
    if let Some(c) = t.column_mut(0) {
        c.set_constraint(comfy_table::ColumnConstraint::ContentWidth);
    }
    for r in &rows {
        t.add_row(vec![
            r["name"].as_str().unwrap_or_default().to_string(),
            r["segments"].to_string(),
            r["logical_channels"]
                .as_array()
                .map(|a| {
                    a.iter()
                        .filter_map(|v| v.as_str())
                        .collect::<Vec<_>>()
                        .join(", ")
                })
                .unwrap_or_default(),
            r["description"].as_str().unwrap_or_default().to_string(),
        ]);
    }
    println!(
        "{}\n{}",
        t.trim_fmt(),
        crate::report::table::wrap(
            "use one anywhere a program is accepted: `awgsf run --preset NAME`, \
             `awgsf inspect NAME`",
            ""
        )
    );
    Ok(exit::OK)
}

/// `awgsf convert`.
pub fn convert(a: &ConvertArgs) -> Result<i32, Error> {
    let loaded = load(&a.input)?;
    if a.output.exists() && !a.overwrite {
        return Err(Error::io_message(format!(
            "{} already exists; pass --overwrite to replace it",
            a.output.display()
        )));
    }
    if ProgramFormat::from_extension(&a.output).is_none() {
        return Err(Error::Usage(format!(
            "cannot tell the output format of {}; use a .toml or .json extension",
            a.output.display()
        )));
    }
    // The program was read and checked above: what fails now is the write.
    let format =
        save_program(&loaded.program, &a.output).map_err(|e| Error::io_message(e.to_string()))?;
    eprintln!(
        "wrote {} ({}), digest {}",
        a.output.display(),
        format.name(),
        awgsf_core::program::digest::program_digest(&loaded.program)
    );
    Ok(exit::OK)
}

/// `inspect --render`: the quantised stage as the config's machine compiles it,
/// with crest factor, peak and clipping per segment.
fn inspect_rendered(a: &InspectArgs, loaded: &LoadedProgram) -> Result<i32, Error> {
    use crate::report::inspect::RenderedChannel;
    let config = super::run::load_config(&a.config)?;
    let mut session = awgsf_core::session::Session::open(config)?;
    crate::progress::attach(&mut session, a.json);
    let compiled = session.compile(loaded);
    let _ = session.close();
    let (planned, samples) = compiled?;
    let before = resolve(&loaded.program, planned.quantized.sample_rate_hz).ok();
    let mut report = InspectReport::quantized(
        &loaded.source,
        &loaded.program,
        before.as_ref(),
        &planned.quantized,
    );
    for (row, (l, s)) in report
        .segments
        .iter_mut()
        .zip(planned.lowered.iter().zip(&samples))
    {
        row.rendered = l
            .plan
            .channels
            .iter()
            .enumerate()
            .map(|(c, ch)| RenderedChannel::of(s, c, ch.hardware_channel, ch.scale.full_scale_mv))
            .collect();
    }
    print_inspect(a, &report)
}
