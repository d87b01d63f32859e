//! Loading a program by file path (`.toml` or `.json`) or preset name, and saving
//! one in the format its file name asks for.

use std::path::Path;

use super::error::{Location, ProgramError};
use super::json::{from_json_str, to_json_string};
use super::model::Program;
use super::presets;
use super::source_map::SourceMap;
use super::suggest::did_you_mean;
use super::toml_format::{from_toml_str_with_map, to_toml_string};
use super::validate::validate;

/// A program file format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ProgramFormat {
    /// The TOML format of `docs/programs.md`.
    Toml,
    /// The reference library's JSON layout.
    Json,
}

impl ProgramFormat {
    /// The format a file name's extension names (`.toml`, `.json`, any case).
    pub fn from_extension(path: &Path) -> Option<ProgramFormat> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "toml" => Some(ProgramFormat::Toml),
            "json" => Some(ProgramFormat::Json),
            _ => None,
        }
    }

    /// The format of program text whose file name does not tell: JSON if it starts
    /// with `{`, TOML otherwise.
    pub fn sniff(text: &str) -> ProgramFormat {
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
            ProgramFormat::Json
        } else {
            ProgramFormat::Toml
        }
    }

    /// "TOML" or "JSON".
    pub fn name(self) -> &'static str {
        match self {
            ProgramFormat::Toml => "TOML",
            ProgramFormat::Json => "JSON",
        }
    }

    /// Reads a program (not validated) from text in this format; `source` is named
    /// in errors. Only TOML yields positions in the source map.
    pub fn parse(self, text: &str, source: &str) -> Result<(Program, SourceMap), ProgramError> {
        let text = text.strip_prefix('\u{feff}').unwrap_or(text);
        match self {
            ProgramFormat::Toml => from_toml_str_with_map(text, source),
            ProgramFormat::Json => from_json_str(text)
                .map(|p| (p, SourceMap::default()))
                .map_err(|e| e.in_source(source)),
        }
    }

    /// The program as text in this format.
    pub fn write(self, program: &Program) -> String {
        match self {
            ProgramFormat::Toml => to_toml_string(program),
            ProgramFormat::Json => to_json_string(program),
        }
    }
}

/// A program with where it came from.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedProgram {
    /// The program.
    pub program: Program,
    /// The file path it was read from, or `preset:NAME`.
    pub source: String,
    /// Positions of its parts in the file (empty for JSON).
    pub source_map: SourceMap,
}

impl LoadedProgram {
    /// Reads a program (not validated) from text; the format is sniffed when not
    /// given.
    pub fn from_text(
        text: &str,
        source: &str,
        format: Option<ProgramFormat>,
    ) -> Result<LoadedProgram, ProgramError> {
        let format = format.unwrap_or_else(|| ProgramFormat::sniff(text));
        let (program, source_map) = format.parse(text, source)?;
        Ok(LoadedProgram {
            program,
            source: source.to_string(),
            source_map,
        })
    }

    /// An error about this program (from validation, resolve or later stages),
    /// with the file, the line and the file's key name added.
    pub fn locate(&self, error: ProgramError) -> ProgramError {
        self.source_map.locate(error).in_source(&self.source)
    }

    /// Validates the program; errors are located in the file.
    pub fn validate(&self) -> Result<(), ProgramError> {
        super::limits::check_limits(&self.program)
            .and_then(|()| validate(&self.program))
            .map_err(|e| self.locate(e))
    }
}

fn file_error(path: &Path, message: impl Into<String>) -> ProgramError {
    ProgramError::new(
        Location {
            source: Some(path.display().to_string()),
            ..Location::default()
        },
        message,
    )
}

/// Reads a program file (not validated): the format comes from the extension, or
/// from the content when the extension names neither.
pub fn read_file(path: &Path) -> Result<LoadedProgram, ProgramError> {
    let text = crate::input::read_to_string(path)
        .map_err(|e| file_error(path, format!("cannot read the program file: {e}")))?;
    LoadedProgram::from_text(
        &text,
        &path.display().to_string(),
        ProgramFormat::from_extension(path),
    )
}

/// Reads a program (not validated) named by `spec`: a file path, `preset:NAME`, or
/// a preset name when no such file exists.
pub fn read_program(spec: &str) -> Result<LoadedProgram, ProgramError> {
    if let Some(name) = spec.strip_prefix("preset:") {
        return presets::get(name);
    }
    let path = Path::new(spec);
    if path.is_dir() {
        return Err(file_error(path, "is a directory, not a program file"));
    }
    let looks_like_path = path.is_file()
        || spec.contains(['/', '\\'])
        || ProgramFormat::from_extension(path).is_some();
    if looks_like_path {
        return read_file(path);
    }
    if presets::text(spec).is_some() {
        return presets::get(spec);
    }
    Err(ProgramError::new(
        Location::default(),
        format!(
            "no program file `{spec}` and no preset of that name{} (presets: {})",
            did_you_mean(spec, presets::names()),
            presets::names().join(", ")
        ),
    ))
}

/// Loads and validates the program named by `spec`: a path to a `.toml` or `.json`
/// file (other extensions are recognised by content), `preset:NAME`, or a bare preset
/// name when no such file exists. Every error names the file and, for TOML, the line.
pub fn load_program(spec: &str) -> Result<LoadedProgram, ProgramError> {
    let loaded = read_program(spec)?;
    loaded.validate()?;
    Ok(loaded)
}

/// Writes a program to `path` in the format of its extension (`.toml` or `.json`).
/// The file appears whole or not at all: the text goes to a temporary file in the
/// same folder, which is then renamed.
pub fn save_program(program: &Program, path: &Path) -> Result<ProgramFormat, ProgramError> {
    let format = ProgramFormat::from_extension(path).ok_or_else(|| {
        file_error(
            path,
            "cannot tell the output format from the file name; use a .toml or .json extension",
        )
    })?;
    let text = format.write(program);
    let file_name = path
        .file_name()
        .ok_or_else(|| file_error(path, "not a file name"))?;
    let mut tmp_name = std::ffi::OsString::from(".");
    tmp_name.push(file_name);
    tmp_name.push(format!(".{}.tmp", std::process::id()));
    let tmp = path.with_file_name(tmp_name);
    std::fs::write(&tmp, text)
        .and_then(|()| std::fs::rename(&tmp, path))
        .map_err(|e| {
            let _ = std::fs::remove_file(&tmp);
            file_error(path, format!("cannot write the program file: {e}"))
        })?;
    Ok(format)
}
