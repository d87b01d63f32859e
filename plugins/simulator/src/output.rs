//! Writing a run's files into `output_dir`: the played stream as `.npy` and the
//! trace as JSON, each through a temporary file renamed into place, so a reader
//! never sees a partial file.

use std::fs;
use std::io::Write;
use std::path::Path;

use awgsf_plugin_api::output_dir::StagedFile;
use awgsf_plugin_api::{PluginError, PluginResult};
use ndarray::{ArrayView2, ShapeBuilder};
use ndarray_npy::WriteNpyExt;

use crate::trace_file::TraceFile;

/// File name of the played stream: int16, shape `(n_channels, n_samples)`, Fortran
/// order, so its data bytes are the card's interleaved order.
pub const STREAM_FILE: &str = "played.npy";
/// File name of the trace.
pub const TRACE_FILE: &str = "trace.json";

fn io_error(what: &str, path: &Path, e: impl std::fmt::Display) -> PluginError {
    PluginError::io(format!("{what} {}: {e}", path.display()))
}

fn staged_in(dir: &Path, name: &str) -> PluginResult<StagedFile> {
    StagedFile::create(&dir.join(name))
        .map_err(|e| io_error("cannot create a temporary file in output_dir", dir, e))
}

/// Writes the played stream (interleaved, `n_channels` wide) to a temporary file.
fn stream_temp(dir: &Path, stream: &[i16], n_channels: usize) -> PluginResult<StagedFile> {
    let n_samples = stream.len() / n_channels.max(1);
    let view = ArrayView2::from_shape((n_channels, n_samples).f(), stream).map_err(|e| {
        PluginError::new(
            awgsf_plugin_api::ErrorKind::OTHER,
            format!("played stream has an inconsistent shape: {e}"),
        )
    })?;
    let mut tmp = staged_in(dir, STREAM_FILE)?;
    let path = dir.join(STREAM_FILE);
    view.write_npy(tmp.writer())
        .map_err(|e| io_error("cannot write", &path, e))?;
    tmp.finish()
        .map_err(|e| io_error("cannot write", &path, e))?;
    Ok(tmp)
}

fn trace_temp(dir: &Path, trace: &TraceFile<'_>) -> PluginResult<StagedFile> {
    let mut tmp = staged_in(dir, TRACE_FILE)?;
    let path = dir.join(TRACE_FILE);
    serde_json::to_writer_pretty(tmp.writer(), trace)
        .map_err(|e| io_error("cannot write", &path, e))?;
    tmp.writer()
        .write_all(b"\n")
        .and_then(|()| tmp.finish())
        .map_err(|e| io_error("cannot write", &path, e))?;
    Ok(tmp)
}

/// Writes the run's files into `dir` (created if missing) and returns their paths.
/// Both files are complete before either is renamed into place.
pub(crate) fn write_run_files(
    dir: &Path,
    stream: Option<(&[i16], usize)>,
    trace: &TraceFile<'_>,
) -> PluginResult<Vec<String>> {
    fs::create_dir_all(dir).map_err(|e| io_error("cannot create output_dir", dir, e))?;
    let stream_tmp = match stream {
        Some((data, channels)) => Some(stream_temp(dir, data, channels)?),
        None => None,
    };
    let trace_tmp = trace_temp(dir, trace)?;

    let mut files = Vec::new();
    for tmp in stream_tmp.into_iter().chain([trace_tmp]) {
        let path = tmp.dest().to_path_buf();
        tmp.commit(true)
            .map_err(|e| io_error("cannot rename into place", &path, e))?;
        files.push(path.display().to_string());
    }
    Ok(files)
}
