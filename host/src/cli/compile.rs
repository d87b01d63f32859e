//! `awgsf compile`: a program to files through the file-sink backend, with the
//! config's synthesis and card settings (overridable on the command line).

use crate::report::Render;
use std::path::Path;

use awgsf_plugin_api::output_dir::{self, OutputError, OutputErrorKind, StagedDir};
use awgsf_plugin_api::ErrorKind;
use serde_json::json;

use awgsf_core::calib::PhysicalSetup;
use awgsf_core::config::{Config, PluginRef, SetupCalibration};
use awgsf_core::error::{exit, Error};
use awgsf_core::render::render_millivolts;
use awgsf_core::session::{JobOptions, Session};

use super::args::CompileArgs;
use super::basic::load;
use super::run::load_config;

/// The config with the command line's overrides and file-sink as the card.
fn export_config(
    a: &CompileArgs,
    mut config: Config,
    out: &str,
    overwrite: bool,
) -> Result<Config, Error> {
    config.hardware.backend = PluginRef::Name("file-sink".into());
    config.hardware.settings = match json!({
        "output_dir": out,
        "overwrite": overwrite,
    }) {
        serde_json::Value::Object(m) => m,
        _ => unreachable!("a JSON object literal"),
    };
    if let Some(fs) = a.sample_rate {
        config.card.sample_rate_hz = fs;
    }
    if let Some(mv) = a.full_scale_mv {
        config.compile.full_scale_mv = Some(mv);
    }
    if let Some(n) = a.full_scale {
        config.compile.full_scale = Some(n);
    }
    if let Some(q) = a.quantum {
        config.compile.quantum_s = q;
    }
    if let Some(path) = &a.setup {
        let setup = PhysicalSetup::from_file(path)?;
        let n = setup.n_channels() as u32;
        config.card.channels = (0..n).collect();
        config.card.amplitude_mv = vec![config.compile.full_scale_mv.unwrap_or(1000.0); n as usize];
        config.setup.map = setup
            .logical_to_hardware()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        config.setup.calibration = SetupCalibration::SetupFile(path.clone());
    }
    Ok(config)
}

/// Format of the manifest of a millivolt directory.
pub const MV_FORMAT: &str = "awgsf-millivolts";

/// Writes `(channels, samples)` Fortran-order f32 arrays, one per segment, and a
/// small manifest into `dir` atomically (see [`output_dir`]).
fn write_millivolts(
    dir: &Path,
    names: &[&str],
    mv: &[awgsf_core::render::SegmentMillivolts],
    overwrite: bool,
) -> Result<(), Error> {
    use ndarray::ShapeBuilder;
    use ndarray_npy::WriteNpyExt;
    let staged = StagedDir::create(dir, overwrite).map_err(|e| output_error("--mv-out", e))?;
    let mut files = Vec::new();
    for (i, (name, seg)) in names.iter().zip(mv).enumerate() {
        let file_name = output_dir::segment_file_name(i as u32, name, ".mv.npy");
        let path = staged.path().join(&file_name);
        let view = ndarray::ArrayView2::from_shape(
            (seg.n_channels as usize, seg.n_samples as usize).f(),
            &seg.mv,
        )
        .map_err(|e| Error::Internal(e.to_string()))?;
        let file =
            std::fs::File::create(&path).map_err(|e| Error::io("cannot create", &path, e))?;
        let mut w = std::io::BufWriter::new(file);
        view.write_npy(&mut w)
            .map_err(|e| Error::io_message(format!("cannot write {}: {e}", path.display())))?;
        std::io::Write::flush(&mut w).map_err(|e| Error::io("cannot write", &path, e))?;
        files.push(json!({
            "index": i, "name": name, "file": file_name,
            "n_channels": seg.n_channels, "n_samples": seg.n_samples,
        }));
    }
    let manifest = json!({
        "format": MV_FORMAT,
        "version": 1,
        "units": "mV",
        "dtype": "float32",
        "segments": files,
    });
    let path = staged.path().join(output_dir::MANIFEST);
    let text =
        serde_json::to_string_pretty(&manifest).map_err(|e| Error::Internal(e.to_string()))?;
    std::fs::write(&path, text + "\n").map_err(|e| Error::io("cannot write", &path, e))?;
    staged
        .commit()
        .map(|_| ())
        .map_err(|e| output_error("--mv-out", e))
}

/// An output refusal or failure as a host error: a refused path is a usage error
/// naming the option, an existing target or a failed write an i/o error.
pub(super) fn output_error(option: &str, e: OutputError) -> Error {
    match e.kind {
        OutputErrorKind::Refused => Error::Usage(format!("{option} {e}")),
        OutputErrorKind::Exists | OutputErrorKind::Io => Error::io_message(e.message),
    }
}

/// Checks both output directories before any work is done (the writers check
/// again when they write): each on its own, then that neither holds the other.
/// Returns the output directory as text for the file sink's settings.
fn check_targets<'p>(
    out_option: &str,
    out: &'p Path,
    mv_out: Option<&Path>,
    overwrite: bool,
) -> Result<&'p str, Error> {
    let Some(out_str) = out.to_str() else {
        return Err(Error::Usage(format!(
            "{out_option} {}: the output path is not valid UTF-8; choose a UTF-8 name",
            out.display()
        )));
    };
    output_dir::check_dir_target(out, overwrite).map_err(|e| output_error(out_option, e))?;
    if let Some(mv) = mv_out {
        output_dir::check_dir_target(mv, overwrite).map_err(|e| output_error("--mv-out", e))?;
        if output_dir::overlapping(out, mv) {
            return Err(Error::Usage(format!(
                "{out_option} {} and --mv-out {} are the same directory or one lies inside the other; give two separate directories",
                out.display(),
                mv.display()
            )));
        }
    }
    Ok(out_str)
}

/// A file-sink write failure (plugin error of kind i/o) is an i/o error of the host.
fn sink_error(e: Error) -> Error {
    match e {
        Error::Hardware { what, error } if error.kind == ErrorKind::IO => {
            Error::io_message(format!("{what}: {}", error.message))
        }
        e => e,
    }
}

/// `awgsf compile`.
pub fn compile(a: &CompileArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let config_name = super::run::config_label(&config);
    let out = a.out.clone().unwrap_or_else(|| config.output.dir.clone());
    let overwrite = a.overwrite || config.output.overwrite;
    let out_option = if a.out.is_some() {
        "--out"
    } else {
        "[output] dir"
    };
    let out_str = check_targets(out_option, &out, a.mv_out.as_deref(), overwrite)?;
    let config = export_config(a, config, out_str, overwrite)?;
    let loaded = load(&a.program.spec())?;
    let for_warnings = loaded.clone();
    let mut session = Session::open(config)?;
    crate::progress::attach(&mut session, a.json);
    let opts = JobOptions {
        force_trigger: false,
        verify: true,
        threshold_fs: awgsf_core::verify::DEFAULT_THRESHOLD,
    };
    let report = session.run(loaded, &opts);
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            let _ = session.close();
            return Err(sink_error(e));
        }
    };
    super::run::print_warnings(&session, &for_warnings, &report);
    if let Some(dir) = &a.mv_out {
        let on_card = session
            .on_card
            .as_ref()
            .ok_or_else(|| Error::Internal("nothing compiled".into()))?;
        let plans: Vec<_> = on_card
            .planned
            .lowered
            .iter()
            .map(|l| l.plan.clone())
            .collect();
        let mv = render_millivolts(&session.synth.backend, &plans)?;
        let names: Vec<&str> = on_card
            .planned
            .quantized
            .segments
            .iter()
            .map(|s| s.segment.name.as_str())
            .collect();
        write_millivolts(dir, &names, &mv, overwrite)?;
    }
    session.close()?;
    if a.json {
        println!(
            "{}",
            serde_json::to_string_pretty(&report).map_err(|e| Error::Internal(e.to_string()))?
        );
    } else {
        let mut outputs = out.display().to_string();
        if let Some(mv) = &a.mv_out {
            outputs.push_str(&format!(", millivolts in {}", mv.display()));
        }
        let summary = crate::report::run::RunSummary {
            report: &report,
            config: config_name,
            outputs,
            details: false,
        };
        println!("{}", summary.render());
    }
    Ok(exit::OK)
}
