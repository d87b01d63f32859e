//! The error type of calibration loading and fitting; every variant names the file
//! (or option) it is about and, where there is one, the field path inside it.

/// What went wrong while reading, validating, fitting or writing a calibration.
#[derive(Debug, thiserror::Error)]
pub enum CalibError {
    /// The file could not be read or written.
    #[error("{file}: cannot {action}: {source}")]
    Io {
        /// The file.
        file: String,
        /// What was being done (`read`, `write`, ...).
        action: &'static str,
        /// The operating-system error.
        #[source]
        source: std::io::Error,
    },
    /// The file is not well-formed (JSON or CSV syntax).
    #[error("{file}: line {line}, column {column}: {message}")]
    Syntax {
        /// The file.
        file: String,
        /// 1-based line of the problem.
        line: usize,
        /// 1-based column of the problem (0 where unknown).
        column: usize,
        /// What the parser expected.
        message: String,
    },
    /// A field of a well-formed file holds a value that is not allowed.
    #[error("{file}: {path}: {message}")]
    Field {
        /// The file (or a label such as `<setup>` for in-memory values).
        file: String,
        /// Path of the field, e.g. `channel_calibrations[0].g_poly_high_to_low[3]`.
        path: String,
        /// What was expected and what was found.
        message: String,
    },
    /// The data of a file cannot be fitted (too few points, no signal, ...).
    #[error("{file}: cannot fit: {message}")]
    Fit {
        /// The measured-data file.
        file: String,
        /// Why not.
        message: String,
    },
    /// A fit option is out of its range.
    #[error("option {option}: {message}")]
    Option {
        /// The option, as the fitter names it (e.g. `degree_g`).
        option: &'static str,
        /// What was expected and what was found.
        message: String,
    },
}

impl CalibError {
    /// A [`CalibError::Field`] error.
    pub fn field(file: &str, path: &str, message: impl Into<String>) -> Self {
        CalibError::Field {
            file: file.to_owned(),
            path: path.to_owned(),
            message: message.into(),
        }
    }

    /// A [`CalibError::Fit`] error.
    pub(crate) fn fit(file: &str, message: impl Into<String>) -> Self {
        CalibError::Fit {
            file: file.to_owned(),
            message: message.into(),
        }
    }

    /// A [`CalibError::Option`] error.
    #[cfg(feature = "fit")]
    pub(crate) fn option(option: &'static str, message: impl Into<String>) -> Self {
        CalibError::Option {
            option,
            message: message.into(),
        }
    }
}
