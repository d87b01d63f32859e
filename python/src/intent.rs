//! `awgsf.IntentIR`: a validated program (the reference library's intent IR), with
//! its digest and fingerprints, and load/save in the reference JSON layout and TOML.

use std::path::PathBuf;

use awgsf_core::program::digest::{program_digest, segment_fingerprints};
use awgsf_core::program::json::to_json_value;
use awgsf_core::program::{
    load_program, presets, save_program, LoadedProgram, Program, ProgramFormat,
};
use pyo3::prelude::*;
use pyo3::types::PyType;

use crate::convert;
use crate::errors::IntoPy;

/// A validated program: logical channels, definitions and segments of ops, times in
/// seconds (the reference library's `IntentIR`).
#[pyclass(module = "awgsf", name = "IntentIR", frozen)]
#[derive(Clone)]
pub struct IntentIR {
    /// The program with where it came from (file positions for TOML).
    pub loaded: LoadedProgram,
}

impl IntentIR {
    /// Validates a program read from text or made by the builder.
    pub fn validated(loaded: LoadedProgram) -> PyResult<IntentIR> {
        loaded.validate().py_err()?;
        Ok(IntentIR { loaded })
    }

    /// A program made in Python (the builder), named `source` in messages.
    pub fn from_program(program: Program, source: &str) -> PyResult<IntentIR> {
        IntentIR::validated(LoadedProgram {
            program,
            source: source.to_string(),
            source_map: Default::default(),
        })
    }

    fn parse(text: &str, format: ProgramFormat, source: &str) -> PyResult<IntentIR> {
        IntentIR::validated(LoadedProgram::from_text(text, source, Some(format)).py_err()?)
    }
}

/// A program argument: an `IntentIR`, or a path / preset name as the CLI takes it.
pub fn program_arg(obj: &Bound<'_, PyAny>) -> PyResult<LoadedProgram> {
    if let Ok(ir) = obj.cast::<IntentIR>() {
        return Ok(ir.get().loaded.clone());
    }
    if let Ok(path) = obj.extract::<PathBuf>() {
        return load_program(&path.to_string_lossy()).py_err();
    }
    Err(pyo3::exceptions::PyTypeError::new_err(
        "program: expected an awgsf.IntentIR, a program file path or a preset name",
    ))
}

#[pymethods]
impl IntentIR {
    /// Loads and validates a program: a `.toml` or `.json` file (the reference
    /// layout), `preset:NAME`, or a preset name.
    #[classmethod]
    fn load(_cls: &Bound<'_, PyType>, path: PathBuf) -> PyResult<IntentIR> {
        Ok(IntentIR {
            loaded: load_program(&path.to_string_lossy()).py_err()?,
        })
    }

    /// A built-in program (`awgsf.presets()` lists them).
    #[classmethod]
    fn preset(_cls: &Bound<'_, PyType>, name: &str) -> PyResult<IntentIR> {
        IntentIR::validated(presets::get(name).py_err()?)
    }

    /// Reads the reference library's JSON layout from text.
    #[classmethod]
    fn from_json(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<IntentIR> {
        IntentIR::parse(text, ProgramFormat::Json, "<json>")
    }

    /// Reads the TOML program format from text.
    #[classmethod]
    fn from_toml(_cls: &Bound<'_, PyType>, text: &str) -> PyResult<IntentIR> {
        IntentIR::parse(text, ProgramFormat::Toml, "IntentIR.from_toml")
    }

    /// Reads a `dict` in the reference library's JSON layout (what `encode` gives,
    /// or `json.load` of a `.intent.json` file): `IntentIR.decode(d)` as in the
    /// reference.
    #[classmethod]
    fn decode(_cls: &Bound<'_, PyType>, data: &Bound<'_, PyAny>) -> PyResult<IntentIR> {
        IntentIR::parse(
            &convert::json_text(data)?,
            ProgramFormat::Json,
            "IntentIR.decode",
        )
    }

    /// The program as a `dict` in the reference library's JSON layout.
    fn encode<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyAny>> {
        convert::to_py(py, &to_json_value(&self.loaded.program))
    }

    /// The program as text in the reference library's JSON layout.
    fn to_json(&self) -> String {
        ProgramFormat::Json.write(&self.loaded.program)
    }

    /// The program as TOML text.
    fn to_toml(&self) -> String {
        ProgramFormat::Toml.write(&self.loaded.program)
    }

    /// Writes the program to `path` in the format its extension names (`.json`:
    /// the reference layout, `.toml`), atomically.
    fn save(&self, path: PathBuf) -> PyResult<()> {
        save_program(&self.loaded.program, &path).py_err()?;
        Ok(())
    }

    /// SHA-256 of the program's content, hex: equal to the reference library's
    /// `IntentIR.digest()`.
    fn digest(&self) -> String {
        program_digest(&self.loaded.program)
    }

    /// One SHA-256 per segment (the segment and the definitions it uses), hex, in
    /// segment order: the reference's `segment_fingerprints()`.
    fn segment_fingerprints(&self) -> Vec<String> {
        segment_fingerprints(&self.loaded.program)
            .into_iter()
            .map(|f| f.digest)
            .collect()
    }

    /// Logical channel names, in order.
    #[getter]
    fn logical_channels(&self) -> Vec<String> {
        self.loaded.program.logical_channels.clone()
    }

    /// Definition names, in definition order.
    #[getter]
    fn definitions(&self) -> Vec<String> {
        self.loaded.program.definitions.keys().cloned().collect()
    }

    /// Segment names, in play order.
    #[getter]
    fn segment_names(&self) -> Vec<String> {
        self.loaded
            .program
            .segments
            .iter()
            .map(|s| s.name.clone())
            .collect()
    }

    /// Where the program came from: a file path, `preset:NAME`, or `<builder>`.
    #[getter]
    fn source(&self) -> String {
        self.loaded.source.clone()
    }

    fn __eq__(&self, other: &Bound<'_, PyAny>) -> bool {
        other
            .cast::<IntentIR>()
            .is_ok_and(|o| o.get().loaded.program == self.loaded.program)
    }

    fn __repr__(&self) -> String {
        format!(
            "IntentIR(source={:?}, logical_channels={:?}, segments={:?}, digest={:?})",
            self.loaded.source,
            self.loaded.program.logical_channels,
            self.segment_names(),
            &self.digest()[..16]
        )
    }
}
