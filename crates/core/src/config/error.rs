//! Config errors: every problem of a file as `file:line:col: key.path: message`.

use std::fmt;
use std::path::PathBuf;

use serde::Serialize;

/// A position in a config file, 1-based; columns count characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct Location {
    /// Line, starting at 1.
    pub line: usize,
    /// Column (characters), starting at 1.
    pub column: usize,
}

/// One problem of a config, tied to its key and, where known, its place in the file.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Problem {
    /// The config file, when the config came from one.
    pub file: Option<PathBuf>,
    /// Where in the file, when known.
    pub location: Option<Location>,
    /// Dotted key path (`card.trigger.level_mv`, `card.channels[1]`); empty for
    /// TOML syntax errors.
    pub key: String,
    /// What was expected and what was found.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if let Some(file) = &self.file {
            write!(f, "{}:", file.display())?;
            if let Some(at) = self.location {
                write!(f, "{}:{}:", at.line, at.column)?;
            }
            f.write_str(" ")?;
        }
        if !self.key.is_empty() {
            write!(f, "{}: ", self.key)?;
        }
        f.write_str(&self.message)
    }
}

/// Why a config cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("{}: cannot read config file: {source}", path.display())]
    Read {
        /// The file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not a valid config: every problem found, in file order.
    #[error("{}", ProblemList { head: "invalid config", problems })]
    Invalid {
        /// All problems of the file.
        problems: Vec<Problem>,
    },
    /// The config is valid but does not fit the card the hardware plugin describes.
    #[error("{}", ProblemList { head: &format!("config does not fit card {card}"), problems })]
    Card {
        /// Card model, as the hardware plugin describes it.
        card: String,
        /// All mismatches found.
        problems: Vec<Problem>,
    },
}

impl ConfigError {
    /// The individual problems (empty for [`ConfigError::Read`]).
    pub fn problems(&self) -> &[Problem] {
        match self {
            ConfigError::Read { .. } => &[],
            ConfigError::Invalid { problems } | ConfigError::Card { problems, .. } => problems,
        }
    }
}

/// Renders a problem list: a single problem on one line, several under a heading,
/// one per line so that editors can jump to each.
struct ProblemList<'a> {
    head: &'a str,
    problems: &'a [Problem],
}

impl fmt::Display for ProblemList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.problems {
            [one] => write!(f, "{one}"),
            many => {
                write!(f, "{} ({} problems):", self.head, many.len())?;
                for p in many {
                    write!(f, "\n{p}")?;
                }
                Ok(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn problem(location: Option<Location>, key: &str) -> Problem {
        Problem {
            file: Some(PathBuf::from("configs/lab.toml")),
            location,
            key: key.into(),
            message: "expected a finite number > 0, found -1".into(),
        }
    }

    #[test]
    fn problem_renders_file_line_column_and_key() {
        let p = problem(
            Some(Location {
                line: 7,
                column: 18,
            }),
            "card.sample_rate_hz",
        );
        assert_eq!(
            p.to_string(),
            "configs/lab.toml:7:18: card.sample_rate_hz: expected a finite number > 0, found -1"
        );
    }

    #[test]
    fn problem_without_location_or_key() {
        let mut p = problem(None, "");
        assert_eq!(
            p.to_string(),
            "configs/lab.toml: expected a finite number > 0, found -1"
        );
        p.file = None;
        p.key = "compile.clip".into();
        assert_eq!(
            p.to_string(),
            "compile.clip: expected a finite number > 0, found -1"
        );
    }

    #[test]
    fn several_problems_are_listed_one_per_line() {
        let at = |line| Some(Location { line, column: 1 });
        let err = ConfigError::Invalid {
            problems: vec![problem(at(2), "a"), problem(at(5), "b")],
        };
        let text = err.to_string();
        let lines: Vec<&str> = text.lines().collect();
        assert_eq!(lines[0], "invalid config (2 problems):");
        assert!(lines[1].starts_with("configs/lab.toml:2:1: a: "));
        assert!(lines[2].starts_with("configs/lab.toml:5:1: b: "));
        assert_eq!(err.problems().len(), 2);
    }
}
