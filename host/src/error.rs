//! The host's error type and the process exit code of each error class.

use std::fmt;

use awgsf_plugin_api::ErrorKind;

use crate::config::ConfigError;
use crate::plugins::LoadError;
use crate::program::ProgramError;

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
        (INTERRUPTED, "interrupted"),
    ];

    /// The one-line list of exit codes: `Exit codes: 0 ok · 1 internal · ...`.
    pub fn summary() -> String {
        let items: Vec<String> = TABLE.iter().map(|(c, n)| format!("{c} {n}")).collect();
        format!("Exit codes: {}", items.join(" · "))
    }
}

/// Anything that stops a command.
#[derive(Debug)]
pub enum Error {
    /// Bad program.
    Program(ProgramError),
    /// Bad config.
    Config(ConfigError),
    /// One or more plugins could not be loaded or opened (all reported together).
    Plugins(Vec<LoadError>),
    /// The card failed; `what` names the operation.
    Hardware {
        /// Operation (e.g. `upload`).
        what: String,
        /// The plugin's error.
        error: awgsf_plugin_api::PluginError,
    },
    /// Synthesis failed.
    Synthesis(String),
    /// File I/O failed.
    Io(String),
    /// Bad calibration or setup file.
    Calibration(String),
    /// Verification failed.
    Verification(String),
    /// Bad usage not caught by the argument parser.
    Usage(String),
    /// A bug.
    Internal(String),
    /// A plugin broke rules of its conformance suite.
    Conformance(String),
    /// A signal asked the command to stop before it finished (the card was stopped
    /// and released).
    Interrupted,
}

impl Error {
    /// The process exit code of this error's class.
    pub fn exit_code(&self) -> i32 {
        match self {
            Error::Program(_) => exit::PROGRAM,
            Error::Config(_) => exit::CONFIG,
            Error::Plugins(_) => exit::PLUGIN,
            // A file-writing card (file-sink) that cannot write is a file problem.
            Error::Hardware { error, .. } if error.kind == ErrorKind::IO => exit::IO,
            Error::Hardware { .. } => exit::HARDWARE,
            Error::Synthesis(_) => exit::SYNTHESIS,
            Error::Io(_) => exit::IO,
            Error::Calibration(_) => exit::CALIBRATION,
            Error::Verification(_) => exit::VERIFICATION,
            Error::Usage(_) => exit::USAGE,
            Error::Internal(_) => exit::INTERNAL,
            Error::Interrupted => exit::INTERRUPTED,
            Error::Conformance(_) => exit::PLUGIN,
        }
    }

    /// An I/O error naming the path.
    pub fn io(what: &str, path: &std::path::Path, e: impl fmt::Display) -> Error {
        Error::Io(format!("{what} {}: {e}", path.display()))
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Program(e) => write!(f, "program error: {e}"),
            Error::Config(e) => write!(f, "{e}"),
            Error::Plugins(list) => {
                for (i, e) in list.iter().enumerate() {
                    if i > 0 {
                        writeln!(f)?;
                    }
                    write!(f, "plugin error: {e}")?;
                }
                Ok(())
            }
            Error::Hardware { what, error } => write!(f, "card error during {what}: {error}"),
            Error::Synthesis(e) => write!(f, "synthesis error: {e}"),
            Error::Io(e) => write!(f, "i/o error: {e}"),
            Error::Calibration(e) => write!(f, "calibration error: {e}"),
            Error::Verification(e) => write!(f, "verification failed: {e}"),
            Error::Usage(e) => write!(f, "usage error: {e}"),
            Error::Internal(e) => write!(f, "internal error: {e}"),
            Error::Conformance(e) => write!(f, "plugin conformance: {e}"),
            Error::Interrupted => {
                write!(
                    f,
                    "interrupted by a signal; the card was stopped and released"
                )
            }
        }
    }
}

impl std::error::Error for Error {}

impl From<ProgramError> for Error {
    fn from(e: ProgramError) -> Self {
        Error::Program(e)
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Config(e)
    }
}

impl From<LoadError> for Error {
    fn from(e: LoadError) -> Self {
        Error::Plugins(vec![e])
    }
}

/// Result of host operations.
pub type Result<T> = std::result::Result<T, Error>;
