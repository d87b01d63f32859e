//! Errors in a program, located by file, segment, op and field.

use std::borrow::Cow;
use std::fmt;

/// `name` with its control characters escaped (`a\nb` for a newline), so that a
/// name read from a file cannot break a one-line message.
pub fn printable(name: &str) -> Cow<'_, str> {
    if !name.chars().any(char::is_control) {
        return Cow::Borrowed(name);
    }
    Cow::Owned(
        name.chars()
            .map(|c| {
                if c.is_control() {
                    c.escape_debug().to_string()
                } else {
                    c.to_string()
                }
            })
            .collect(),
    )
}

/// A line and column in a program file, both counted from 1 (the column in
/// characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct TextPosition {
    /// Line, from 1.
    pub line: usize,
    /// Column in characters, from 1.
    pub column: usize,
}

impl fmt::Display for TextPosition {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}", self.line, self.column)
    }
}

/// Where in a program something is wrong.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location {
    /// File (or preset) the program came from.
    pub source: Option<String>,
    /// Line and column in that file, where known.
    pub position: Option<TextPosition>,
    /// Definition name, for errors in a definition.
    pub definition: Option<String>,
    /// Segment index and name.
    pub segment: Option<(usize, String)>,
    /// Op index within the segment, then within a `parallel`, with the op's name.
    pub op: Vec<(usize, &'static str)>,
    /// Field path within the op, definition or segment (e.g. `idxs[2]`).
    pub field: String,
}

impl Location {
    /// A location naming only a field at the program's top level.
    pub fn field(field: impl Into<String>) -> Location {
        Location {
            field: field.into(),
            ..Location::default()
        }
    }

    /// This location with a different field.
    pub fn with_field(&self, field: impl Into<String>) -> Location {
        Location {
            field: field.into(),
            ..self.clone()
        }
    }
}

/// Written as `file.toml:42:5: segment 3 'ramp', op 2 (ramp_amp_to), field `amps``:
/// the file and position first (as compilers print them), then the place in the
/// program.
impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let head = match (&self.source, &self.position) {
            (Some(s), Some(p)) => format!("{s}:{p}"),
            (Some(s), None) => s.clone(),
            (None, Some(p)) => format!("line {}, column {}", p.line, p.column),
            (None, None) => String::new(),
        };
        let mut parts: Vec<String> = Vec::new();
        if let Some(d) = &self.definition {
            parts.push(format!("definition '{}'", printable(d)));
        }
        if let Some((i, name)) = &self.segment {
            parts.push(format!("segment {i} '{}'", printable(name)));
        }
        for (depth, (i, name)) in self.op.iter().enumerate() {
            if depth == 0 {
                parts.push(format!("op {i} ({name})"));
            } else {
                parts.push(format!("sub-op {i} ({name})"));
            }
        }
        if !self.field.is_empty() {
            parts.push(format!("field `{}`", printable(&self.field)));
        }
        let body = parts.join(", ");
        match (head.is_empty(), body.is_empty()) {
            (false, false) => write!(f, "{head}: {body}"),
            (false, true) => f.write_str(&head),
            (true, _) => f.write_str(&body),
        }
    }
}

/// A program that cannot be compiled, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramError {
    /// Where (boxed to keep `Result`s small).
    pub location: Box<Location>,
    /// What was expected and what was found.
    pub message: String,
}

impl ProgramError {
    /// An error at `location`.
    pub fn new(location: Location, message: impl Into<String>) -> ProgramError {
        ProgramError {
            location: Box::new(location),
            message: message.into(),
        }
    }

    /// The same error, attributed to a source file.
    pub fn in_source(mut self, source: &str) -> ProgramError {
        if self.location.source.is_none() {
            self.location.source = Some(source.to_string());
        }
        self
    }
}

impl fmt::Display for ProgramError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let loc = self.location.to_string();
        if loc.is_empty() {
            f.write_str(&self.message)
        } else {
            write!(f, "{loc}: {}", self.message)
        }
    }
}

impl std::error::Error for ProgramError {}
