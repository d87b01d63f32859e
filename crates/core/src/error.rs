//! The host's error type and the process exit code of each error class.

mod plot;

use std::fmt;

use awgsf_plugin_api::ErrorKind;

use crate::calib::CalibError;
use crate::config::ConfigError;
use crate::plugins::LoadError;
use crate::program::ProgramError;
pub use plot::PlotError;

/// Exit codes of `awgsf`, one per error class. [`exit::TABLE`] is the one list the
/// `--help` text and the README's table are made from.
pub mod exit {
    /// Success.
    pub const OK: i32 = 0;
    /// An internal error (a bug).
    pub const INTERNAL: i32 = 1;
    /// Bad command-line usage.
    pub const USAGE: i32 = 2;
    /// The program (intent) is invalid.
    pub const PROGRAM: i32 = 3;
    /// The config file is invalid or does not fit the card.
    pub const CONFIG: i32 = 4;
    /// A plugin could not be found, loaded or opened.
    pub const PLUGIN: i32 = 5;
    /// The card (hardware plugin) refused or failed an operation.
    pub const HARDWARE: i32 = 6;
    /// Synthesis failed.
    pub const SYNTHESIS: i32 = 7;
    /// Reading or writing files failed.
    pub const IO: i32 = 8;
    /// A calibration or physical-setup file is invalid.
    pub const CALIBRATION: i32 = 9;
    /// Verification found unrequested discontinuities (or clipping with `--strict`).
    pub const VERIFICATION: i32 = 10;
    /// A rearrangement was refused (too few atoms, a target the program's move
    /// cannot reach, a phase that cannot close); the card still plays what it played.
    pub const REARRANGE: i32 = 11;
    /// Stopped by a signal (SIGINT, SIGTERM, SIGHUP) before the job finished; the card
    /// was stopped and released.
    pub const INTERRUPTED: i32 = 130;

    /// Every exit code with its short name, in the order the help lists them.
    pub const TABLE: &[(i32, &str)] = &[
        (OK, "ok"),
        (INTERNAL, "internal"),
        (USAGE, "usage"),
        (PROGRAM, "program"),
        (CONFIG, "config"),
        (PLUGIN, "plugin"),
        (HARDWARE, "card"),
        (SYNTHESIS, "synthesis"),
        (IO, "file i/o"),
        (CALIBRATION, "calibration"),
        (VERIFICATION, "verification"),
        (REARRANGE, "rearrangement"),
        (INTERRUPTED, "interrupted"),
    ];

    /// The one-line list of exit codes: `Exit codes: 0 ok · 1 internal · ...`.
    pub fn summary() -> String {
        let items: Vec<String> = TABLE.iter().map(|(c, n)| format!("{c} {n}")).collect();
        format!("Exit codes: {}", items.join(" · "))
    }
}

/// Anything that stops a command. Each variant is one error class with one exit code
/// ([`Error::exit_code`]); typed causes are kept as sources.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// Bad program.
    #[error("program error: {0}")]
    Program(#[from] ProgramError),
    /// Bad config.
    #[error("{0}")]
    Config(#[from] ConfigError),
    /// One or more plugins could not be loaded or opened (all reported together).
    #[error("{}", plugin_lines(.errors, .notices))]
    Plugins {
        /// One error per plugin that failed.
        errors: Vec<LoadError>,
        /// What was learnt on the way (a synthesis fallback taken), for whoever reads
        /// the errors.
        notices: Vec<String>,
    },
    /// The card failed; `what` names the operation.
    #[error("card error during {what}: {error}")]
    Hardware {
        /// Operation (e.g. `upload`).
        what: String,
        /// The plugin's error.
        #[source]
        error: awgsf_plugin_api::PluginError,
    },
    /// Synthesis failed: what was being done, and the backend's error where the
    /// backend reported one.
    #[error("synthesis error: {what}{}", suffix(.error))]
    Synthesis {
        /// What failed (`render`, `cannot allocate ...`).
        what: String,
        /// The backend's error.
        #[source]
        error: Option<awgsf_plugin_api::PluginError>,
    },
    /// File I/O failed: what was being done (naming the file), and the operating
    /// system's error where there is one.
    #[error("i/o error: {what}{}", suffix(.source))]
    Io {
        /// What failed, naming the file.
        what: String,
        /// The operating system's error.
        #[source]
        source: Option<std::io::Error>,
    },
    /// Bad calibration or setup file.
    #[error("calibration error: {0}")]
    Calibration(#[from] CalibError),
    /// A picture could not be made: bad options (usage) or a failed write (i/o).
    #[error("plot error: {0}")]
    Plot(#[from] PlotError),
    /// Verification failed.
    #[error("verification failed: {0}")]
    Verification(String),
    /// Bad usage not caught by the argument parser.
    #[error("usage error: {0}")]
    Usage(String),
    /// A rearrangement refused; nothing on the card changed.
    #[error("rearrangement refused: {0}")]
    Rearrange(String),
    /// A bug.
    #[error("internal error: {0}")]
    Internal(String),
    /// A plugin broke rules of its conformance suite.
    #[error("plugin conformance: {0}")]
    Conformance(String),
    /// A signal asked the command to stop before it finished (the card was stopped
    /// and released).
    #[error("interrupted by a signal; the card was stopped and released")]
    Interrupted,
}

/// `: cause` when there is a cause.
fn suffix(cause: &Option<impl fmt::Display>) -> String {
    cause.as_ref().map(|c| format!(": {c}")).unwrap_or_default()
}

/// A `notice: ...` line per notice, then one `plugin error: ...` line per plugin that
/// failed.
fn plugin_lines(errors: &[LoadError], notices: &[String]) -> String {
    let notices = notices.iter().map(|n| format!("notice: {n}"));
    let errors = errors.iter().map(|e| format!("plugin error: {e}"));
    notices.chain(errors).collect::<Vec<_>>().join("\n")
}

impl Error {
    /// The process exit code of this error's class.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Program(_) => exit::PROGRAM,
            Error::Config(_) => exit::CONFIG,
            Error::Plugins { .. } => exit::PLUGIN,
            // A file-writing card (file-sink) that cannot write is a file problem.
            Error::Hardware { error, .. } if error.kind == ErrorKind::IO => exit::IO,
            Error::Hardware { .. } => exit::HARDWARE,
            Error::Synthesis { .. } => exit::SYNTHESIS,
            Error::Io { .. } => exit::IO,
            // The options asked for a picture that cannot be made: usage.
            Error::Plot(
                PlotError::UnknownFormat { .. }
                | PlotError::BadSize { .. }
                | PlotError::BadInput { .. },
            ) => exit::USAGE,
            Error::Plot(PlotError::Write { .. }) => exit::IO,
            Error::Plot(PlotError::Draw { .. }) => exit::INTERNAL,
            Error::Calibration(_) => exit::CALIBRATION,
            Error::Verification(_) => exit::VERIFICATION,
            Error::Usage(_) => exit::USAGE,
            Error::Rearrange(_) => exit::REARRANGE,
            Error::Internal(_) => exit::INTERNAL,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Conformance(_) => exit::PLUGIN,
        }
    }

    /// Plugins that could not be loaded or opened.
    pub fn plugins(errors: Vec<LoadError>) -> Error {
        Error::Plugins {
            errors,
            notices: Vec::new(),
        }
    }

    /// An I/O error: `what` (e.g. `cannot write`) to `path`, caused by `source`.
    pub fn io(what: &str, path: &std::path::Path, source: std::io::Error) -> Error {
        Error::Io {
            what: format!("{what} {}", path.display()),
            source: Some(source),
        }
    }

    /// An I/O error with no operating-system error behind it (the message says it all).
    pub fn io_message(what: impl Into<String>) -> Error {
        Error::Io {
            what: what.into(),
            source: None,
        }
    }

    /// A synthesis error with no backend error behind it.
    pub fn synthesis(what: impl Into<String>) -> Error {
        Error::Synthesis {
            what: what.into(),
            error: None,
        }
    }

    /// A synthesis backend's error while doing `what`.
    pub fn backend(what: impl Into<String>, error: awgsf_plugin_api::PluginError) -> Error {
        Error::Synthesis {
            what: what.into(),
            error: Some(error),
        }
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::plugins(vec![e])
    }
}

/// Result of host operations.
pub type Result<T> = std::result::Result<T, Error>;
