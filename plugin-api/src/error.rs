//! The one error type that crosses the boundary: `{kind, message}`.

use abi_stable::std_types::RString;
use abi_stable::StableAbi;
use std::fmt;

/// What went wrong, as a code that older and newer hosts and plugins can exchange.
///
/// The set is non-exhaustive: a host must treat codes it does not know like
/// [`ErrorKind::OTHER`]. Each constant says whether retrying can help.
#[repr(transparent)]
#[derive(StableAbi, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ErrorKind(pub u32);

impl ErrorKind {
    /// Anything not covered below. Retrying does not help.
    pub const OTHER: ErrorKind = ErrorKind(0);
    /// The request or a setting is malformed or out of range (a plugin's settings
    /// table, a segment of the wrong length, ...). Retrying the same request does not help.
    pub const INVALID_INPUT: ErrorKind = ErrorKind(1);
    /// The request is valid but exceeds what this backend or card can do (too many
    /// segments, not enough memory, unsupported channel count). Retrying does not help.
    pub const LIMIT_EXCEEDED: ErrorKind = ErrorKind(2);
    /// The backend cannot run here: missing driver library, no device, no card.
    /// Retrying helps only after the machine changes.
    pub const NOT_AVAILABLE: ErrorKind = ErrorKind(3);
    /// The device or driver reported a failure. Retrying may help.
    pub const DEVICE: ErrorKind = ErrorKind(4);
    /// The device did not answer in time (DMA, trigger wait). Retrying may help.
    pub const TIMEOUT: ErrorKind = ErrorKind(5);
    /// Reading or writing files failed. Retrying may help.
    pub const IO: ErrorKind = ErrorKind(6);
    /// The call is not valid in the backend's current state (upload while running,
    /// start before upload). Retrying after the right call helps.
    pub const INVALID_STATE: ErrorKind = ErrorKind(7);
    /// The feature is not supported by this backend. Retrying does not help.
    pub const UNSUPPORTED: ErrorKind = ErrorKind(8);
    /// The plugin panicked; the panic was caught at the boundary. Retrying does not help.
    pub const PANIC: ErrorKind = ErrorKind(9);

    /// Name of the kind for messages.
    pub fn name(self) -> &'static str {
        match self {
            ErrorKind::INVALID_INPUT => "invalid input",
            ErrorKind::LIMIT_EXCEEDED => "limit exceeded",
            ErrorKind::NOT_AVAILABLE => "not available",
            ErrorKind::DEVICE => "device error",
            ErrorKind::TIMEOUT => "timeout",
            ErrorKind::IO => "i/o error",
            ErrorKind::INVALID_STATE => "invalid state",
            ErrorKind::UNSUPPORTED => "unsupported",
            ErrorKind::PANIC => "plugin panicked",
            _ => "error",
        }
    }

    /// Whether repeating the same call later can succeed.
    pub fn retry_may_help(self) -> bool {
        matches!(
            self,
            ErrorKind::DEVICE | ErrorKind::TIMEOUT | ErrorKind::IO | ErrorKind::INVALID_STATE
        )
    }
}

impl fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// An error returned by a plugin.
#[repr(C)]
#[derive(StableAbi, Debug, Clone, PartialEq, Eq)]
pub struct PluginError {
    /// Machine-readable class.
    pub kind: ErrorKind,
    /// Human-readable text naming what failed and what was expected.
    pub message: RString,
}

impl PluginError {
    /// An error of `kind` with `message`.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> Self {
        PluginError {
            kind,
            message: RString::from(message.into()),
        }
    }

    /// Shorthand for [`ErrorKind::INVALID_INPUT`].
    pub fn invalid_input(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::INVALID_INPUT, message)
    }

    /// Shorthand for [`ErrorKind::LIMIT_EXCEEDED`].
    pub fn limit(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::LIMIT_EXCEEDED, message)
    }

    /// Shorthand for [`ErrorKind::NOT_AVAILABLE`].
    pub fn not_available(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::NOT_AVAILABLE, message)
    }

    /// Shorthand for [`ErrorKind::DEVICE`].
    pub fn device(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::DEVICE, message)
    }

    /// Shorthand for [`ErrorKind::INVALID_STATE`].
    pub fn invalid_state(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::INVALID_STATE, message)
    }

    /// Shorthand for [`ErrorKind::UNSUPPORTED`].
    pub fn unsupported(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::UNSUPPORTED, message)
    }

    /// Shorthand for [`ErrorKind::IO`].
    pub fn io(message: impl Into<String>) -> Self {
        Self::new(ErrorKind::IO, message)
    }
}

impl fmt::Display for PluginError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.kind, self.message)
    }
}

impl std::error::Error for PluginError {}

/// Result type of plugin-side Rust code.
pub type PluginResult<T> = Result<T, PluginError>;
