//! `awgsf compile`: a program to files through the file-sink backend, with the
//! config's synthesis and card settings (overridable on the command line).

use std::io::IsTerminal;
use std::path::Path;

use serde_json::json;

use crate::calib::PhysicalSetup;
use crate::config::{Config, PluginRef, SetupCalibration};
use crate::error::{exit, Error};
use crate::render::render_millivolts;
use crate::session::{JobOptions, Session};

use super::args::CompileArgs;
use super::basic::load;
use super::run::load_config;

/// The config with the command line's overrides and file-sink as the card.
fn export_config(
    a: &CompileArgs,
    mut config: Config,
    out: &Path,
    overwrite: bool,
) -> Result<Config, Error> {
    config.hardware.backend = PluginRef::Name("file-sink".into());
    config.hardware.settings = match json!({
        "output_dir": out.display().to_string(),
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
        let setup =
            PhysicalSetup::from_file(path).map_err(|e| Error::Calibration(e.to_string()))?;
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

/// Writes `(channels, samples)` Fortran-order f32 arrays, one per segment, into
/// `dir` atomically (temporary sibling directory, then rename).
fn write_millivolts(
    dir: &Path,
    names: &[String],
    mv: &[crate::render::SegmentMillivolts],
    overwrite: bool,
) -> Result<(), Error> {
    use ndarray::ShapeBuilder;
    use ndarray_npy::WriteNpyExt;
    check_not_there(dir, overwrite)?;
    let tmp = dir.with_extension(format!("partial-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    std::fs::create_dir_all(&tmp).map_err(|e| Error::io("cannot create", &tmp, e))?;
    let result = (|| {
        for (i, (name, seg)) in names.iter().zip(mv).enumerate() {
            let path = tmp.join(format!("segment_{i:03}_{name}.mv.npy"));
            let view = ndarray::ArrayView2::from_shape(
                (seg.n_channels as usize, seg.n_samples as usize).f(),
                &seg.mv,
            )
            .map_err(|e| Error::Internal(e.to_string()))?;
            let file =
                std::fs::File::create(&path).map_err(|e| Error::io("cannot create", &path, e))?;
            view.write_npy(std::io::BufWriter::new(file))
                .map_err(|e| Error::io("cannot write", &path, e))?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        std::fs::remove_dir_all(dir).map_err(|e| Error::io("cannot replace", dir, e))?;
    }
    std::fs::rename(&tmp, dir).map_err(|e| Error::io("cannot move into place", dir, e))
}

/// Refuses an existing output directory before any work is done (the writers
/// check again when they write).
fn check_not_there(dir: &Path, overwrite: bool) -> Result<(), Error> {
    if dir.exists() && !overwrite {
        return Err(Error::Io(format!(
            "{} already exists; pass --overwrite to replace it",
            dir.display()
        )));
    }
    Ok(())
}

/// `awgsf compile`.
pub fn compile(a: &CompileArgs) -> Result<i32, Error> {
    let config = load_config(&a.config)?;
    let out = a.out.clone().unwrap_or_else(|| config.output.dir.clone());
    let overwrite = a.overwrite || config.output.overwrite;
    check_not_there(&out, overwrite)?;
    if let Some(dir) = &a.mv_out {
        check_not_there(dir, overwrite)?;
    }
    let config = export_config(a, config, &out, overwrite)?;
    let loaded = load(&a.program.spec())?;
    let mut session = Session::open(config)?;
    let opts = JobOptions {
        force_trigger: false,
        verify: true,
        threshold_fs: crate::verify::DEFAULT_THRESHOLD,
        progress: !a.json && std::io::stderr().is_terminal(),
    };
    let report = session.run(loaded, &opts);
    let report = match report {
        Ok(r) => r,
        Err(e) => {
            let _ = session.close();
            return Err(e);
        }
    };
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
        let names: Vec<String> = on_card
            .planned
            .quantized
            .segments
            .iter()
            .map(|s| {
                s.segment
                    .name
                    .chars()
                    .map(|c| {
                        if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                            c
                        } else {
                            '_'
                        }
                    })
                    .collect()
            })
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
        println!("{}\nwritten to {}", report.render(), out.display());
    }
    Ok(exit::OK)
}
