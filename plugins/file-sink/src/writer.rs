//! Atomic export of segments, steps and manifest.

use std::fs;
use std::path::{Path, PathBuf};

use awgsf_plugin_api::output_dir::{self, OutputError, StagedDir};
use awgsf_plugin_api::{
    CardInfo, CardSettings, PluginError, PluginResult, SegmentData, StepEnd, UploadProgram,
    UploadReport,
};
use ndarray::{ArrayView2, ShapeBuilder};
use ndarray_npy::{ReadNpyExt, WriteNpyExt};
use serde_json::{json, Value};

use crate::settings::Settings;

/// A finished export.
#[derive(Debug)]
pub struct Export {
    /// Directory written.
    pub dir: PathBuf,
    /// File of each segment slot.
    pub files: Vec<PathBuf>,
    /// Lengths and channel counts of each slot.
    pub shapes: Vec<(u64, u32)>,
    /// What the upload wrote.
    pub report: UploadReport,
}

fn io_err(what: &str, path: &Path, e: impl std::fmt::Display) -> PluginError {
    PluginError::io(format!("{what} {}: {e}", path.display()))
}

fn output_err(e: OutputError) -> PluginError {
    PluginError::io(e.message)
}

/// Writes one segment as `(n_channels, n_samples)` Fortran-order int16 `.npy`. The
/// segment was checked against the card (`SegmentData::check`) by the caller.
fn encode_segment(w: &mut impl std::io::Write, seg: &SegmentData<'_>) -> PluginResult<()> {
    let view = ArrayView2::from_shape(
        (seg.n_channels as usize, seg.n_samples as usize).f(),
        seg.samples.as_slice(),
    )
    .map_err(|e| PluginError::invalid_input(format!("segment {}: {e}", seg.index)))?;
    view.write_npy(w)
        .map_err(|e| PluginError::io(format!("segment {}: {e}", seg.index)))
}

/// Writes one segment file at `path`.
fn write_segment(path: &Path, seg: &SegmentData<'_>) -> PluginResult<()> {
    let file = fs::File::create(path).map_err(|e| io_err("cannot create", path, e))?;
    let mut w = std::io::BufWriter::new(file);
    encode_segment(&mut w, seg).map_err(|e| {
        PluginError::new(
            e.kind,
            format!("cannot write {}: {}", path.display(), e.message),
        )
    })?;
    use std::io::Write;
    w.flush().map_err(|e| io_err("cannot write", path, e))?;
    Ok(())
}

fn write_json(path: &Path, v: &Value) -> PluginResult<()> {
    let mut text = serde_json::to_string_pretty(v).map_err(|e| io_err("cannot encode", path, e))?;
    text.push('\n');
    fs::write(path, text).map_err(|e| io_err("cannot write", path, e))
}

/// Writes the whole export atomically (see [`output_dir`]).
pub fn write_all(
    settings: &Settings,
    card: &CardSettings,
    program: &UploadProgram<'_>,
) -> PluginResult<Export> {
    let staged = StagedDir::create(&settings.dir, settings.overwrite).map_err(output_err)?;
    let (files, shapes, report) = write_into(staged.path(), card, program)?;
    let dir = staged.commit().map_err(output_err)?;
    Ok(Export {
        files: files.iter().map(|f| dir.join(f)).collect(),
        dir,
        shapes,
        report,
    })
}

type Written = (Vec<String>, Vec<(u64, u32)>, UploadReport);

fn write_into(
    tmp: &Path,
    card: &CardSettings,
    program: &UploadProgram<'_>,
) -> PluginResult<Written> {
    let mut files = Vec::new();
    let mut shapes = Vec::new();
    let mut bytes = 0u64;
    // The upload was checked against the card (`UploadProgram::check`): slots are
    // 0..n in order, every step's segment and next step exist, every field fits.
    for seg in program.segments.iter() {
        let name = output_dir::segment_file_name(seg.index, seg.name.as_str(), ".npy");
        write_segment(&tmp.join(&name), seg)?;
        bytes += seg.samples.len() as u64 * 2;
        files.push(name);
        shapes.push((seg.n_samples, seg.n_channels));
    }
    let n_seg = program.segments.len() as u32;
    let steps = program
        .steps
        .iter()
        .map(|s| {
            let word = s.checked_spectrum_word()?;
            Ok(json!({
                "index": s.index,
                "segment": s.segment,
                "next": s.next,
                "loops": s.loops,
                "end": match s.end {
                    StepEnd::Always => "always",
                    StepEnd::OnTrigger => "on_trigger",
                    StepEnd::EndOfSequence => "end_of_sequence",
                },
                "word": format!("0x{word:016x}"),
            }))
        })
        .collect::<PluginResult<Vec<Value>>>()?;
    write_json(
        &tmp.join("steps.json"),
        &json!({ "start_step": program.start_step, "steps": steps }),
    )?;
    let metadata: Value = if program.metadata_json.as_str().trim().is_empty() {
        Value::Null
    } else {
        serde_json::from_str(program.metadata_json.as_str())
            .map_err(|e| PluginError::invalid_input(format!("program metadata is not JSON: {e}")))?
    };
    let manifest = json!({
        "format": "awgsf-export",
        "version": 1,
        "program": metadata,
        "card": {
            "sample_rate_hz": card.sample_rate_hz,
            "channels": card.channels.iter().map(|c| json!({"index": c.index, "amplitude_mv": c.amplitude_mv})).collect::<Vec<_>>(),
        },
        "segments": files.iter().zip(program.segments.iter()).map(|(f, s)| json!({
            "index": s.index, "name": s.name.as_str(), "file": f, "n_samples": s.n_samples, "n_channels": s.n_channels,
        })).collect::<Vec<_>>(),
        "steps_file": "steps.json",
    });
    write_json(&tmp.join("manifest.json"), &manifest)?;
    Ok((
        files,
        shapes,
        UploadReport {
            bytes,
            segments: n_seg,
            slots: n_seg.next_power_of_two(),
            steps: program.steps.len() as u32,
        },
    ))
}

impl Export {
    /// Rewrites one segment file atomically (same length and channel count, and
    /// within the card's limits `info`).
    pub fn rewrite_segment(&mut self, seg: &SegmentData<'_>, info: &CardInfo) -> PluginResult<()> {
        let i = seg.index as usize;
        let Some(&(n, ch)) = self.shapes.get(i) else {
            return Err(PluginError::invalid_input(format!(
                "segment {} does not exist",
                seg.index
            )));
        };
        if (n, ch) != (seg.n_samples, seg.n_channels) {
            return Err(PluginError::invalid_input(format!(
                "segment {} '{}': {} samples × {} channels, but the export holds {n} × {ch}; a different length needs a full upload",
                seg.index, seg.name, seg.n_samples, seg.n_channels
            )));
        }
        seg.check(info)?;
        let path = &self.files[i];
        output_dir::write_file_with(path, true, |w| {
            encode_segment(w, seg).map_err(|e| std::io::Error::other(e.message.to_string()))
        })
        .map_err(output_err)
    }

    /// Reads one segment back (interleaved codes).
    pub fn read_segment(&self, index: u32, out: &mut [i16]) -> PluginResult<()> {
        let path = self
            .files
            .get(index as usize)
            .ok_or_else(|| PluginError::invalid_input(format!("segment {index} does not exist")))?;
        let file = fs::File::open(path).map_err(|e| io_err("cannot open", path, e))?;
        let a =
            ndarray::Array2::<i16>::read_npy(file).map_err(|e| io_err("cannot read", path, e))?;
        let t = a.t();
        if out.len() != a.len() {
            return Err(PluginError::invalid_input(format!(
                "read_back of segment {index}: buffer holds {} values, segment has {}",
                out.len(),
                a.len()
            )));
        }
        for (o, v) in out.iter_mut().zip(t.iter()) {
            *o = *v;
        }
        Ok(())
    }
}
