//! Python exceptions: one class per error class of `awgsf_core::error::Error`, all
//! sharing the base `awgsf.AwgsfError`. The message is what the `awgsf` command
//! prints after `error: `, and `exit_code` is the code it exits with.

use awgsf_core::error::{exit, Error};
use awgsf_core::program::ProgramError as CoreProgramError;
use pyo3::create_exception;
use pyo3::exceptions::PyException;
use pyo3::prelude::*;

create_exception!(
    awgsf,
    AwgsfError,
    PyException,
    "Base class of every awgsf error; `exit_code` is the `awgsf` command's exit code."
);
create_exception!(
    awgsf,
    ProgramError,
    AwgsfError,
    "The program (intent) is invalid."
);
create_exception!(
    awgsf,
    ConfigError,
    AwgsfError,
    "The config file is invalid or does not fit the card."
);
create_exception!(
    awgsf,
    PluginError,
    AwgsfError,
    "A plugin could not be found, loaded or opened."
);
create_exception!(
    awgsf,
    HardwareError,
    AwgsfError,
    "The card (hardware plugin) refused or failed an operation."
);
create_exception!(awgsf, SynthesisError, AwgsfError, "Synthesis failed.");
create_exception!(
    awgsf,
    IoError,
    AwgsfError,
    "Reading or writing files failed."
);
create_exception!(
    awgsf,
    CalibrationError,
    AwgsfError,
    "A calibration or physical-setup file is invalid."
);
create_exception!(awgsf, PlotError, AwgsfError, "A picture could not be made.");
create_exception!(
    awgsf,
    VerificationError,
    AwgsfError,
    "Verification found unrequested discontinuities."
);
create_exception!(
    awgsf,
    UsageError,
    AwgsfError,
    "Bad usage (arguments that cannot work together)."
);
create_exception!(
    awgsf,
    RearrangeError,
    AwgsfError,
    "A rearrangement was refused (too few atoms, an unreachable target, a phase that cannot close); the card plays what it played."
);
create_exception!(
    awgsf,
    InternalError,
    AwgsfError,
    "An internal error (a bug)."
);
create_exception!(
    awgsf,
    ConformanceError,
    AwgsfError,
    "A plugin broke rules of its conformance suite."
);
create_exception!(
    awgsf,
    Interrupted,
    AwgsfError,
    "A signal stopped the job before it finished; the card was stopped and released."
);

/// Every exception class with the exit code of its class, for the module's
/// namespace (the class attribute `exit_code`).
pub fn register(m: &Bound<'_, PyModule>) -> PyResult<()> {
    let py = m.py();
    let classes: [(&str, Bound<'_, pyo3::types::PyType>, i32); 15] = [
        ("AwgsfError", py.get_type::<AwgsfError>(), exit::INTERNAL),
        ("ProgramError", py.get_type::<ProgramError>(), exit::PROGRAM),
        ("ConfigError", py.get_type::<ConfigError>(), exit::CONFIG),
        ("PluginError", py.get_type::<PluginError>(), exit::PLUGIN),
        (
            "HardwareError",
            py.get_type::<HardwareError>(),
            exit::HARDWARE,
        ),
        (
            "SynthesisError",
            py.get_type::<SynthesisError>(),
            exit::SYNTHESIS,
        ),
        ("IoError", py.get_type::<IoError>(), exit::IO),
        (
            "CalibrationError",
            py.get_type::<CalibrationError>(),
            exit::CALIBRATION,
        ),
        ("PlotError", py.get_type::<PlotError>(), exit::USAGE),
        (
            "VerificationError",
            py.get_type::<VerificationError>(),
            exit::VERIFICATION,
        ),
        ("UsageError", py.get_type::<UsageError>(), exit::USAGE),
        (
            "RearrangeError",
            py.get_type::<RearrangeError>(),
            exit::REARRANGE,
        ),
        (
            "InternalError",
            py.get_type::<InternalError>(),
            exit::INTERNAL,
        ),
        (
            "ConformanceError",
            py.get_type::<ConformanceError>(),
            exit::PLUGIN,
        ),
        (
            "Interrupted",
            py.get_type::<Interrupted>(),
            exit::INTERRUPTED,
        ),
    ];
    for (name, class, code) in classes {
        class.setattr("exit_code", code)?;
        m.add(name, class)?;
    }
    Ok(())
}

/// The Python exception of a core error: its class's exception, the message the CLI
/// prints, and the exit code of this very error (a file-writing card's failed
/// write is an i/o error, 8, though raised as `HardwareError`).
pub fn to_py(e: Error) -> PyErr {
    let code = e.exit_code();
    let message = e.to_string();
    let err = match &e {
        Error::Program(_) => ProgramError::new_err(message),
        Error::Config(_) => ConfigError::new_err(message),
        Error::Plugins { .. } => PluginError::new_err(message),
        Error::Hardware { .. } => HardwareError::new_err(message),
        Error::Synthesis { .. } => SynthesisError::new_err(message),
        Error::Io { .. } => IoError::new_err(message),
        Error::Calibration(_) => CalibrationError::new_err(message),
        Error::Plot(_) => PlotError::new_err(message),
        Error::Verification(_) => VerificationError::new_err(message),
        Error::Usage(_) => UsageError::new_err(message),
        Error::Rearrange(_) => RearrangeError::new_err(message),
        Error::Internal(_) => InternalError::new_err(message),
        Error::Conformance(_) => ConformanceError::new_err(message),
        Error::Interrupted => Interrupted::new_err(message),
    };
    Python::attach(|py| {
        // An instance attribute: the class default is overridden where the error's
        // own code differs (card i/o errors, plot usage errors).
        let _ = err.value(py).setattr("exit_code", code);
    });
    err
}

/// A program error as the Python exception (`awgsf.ProgramError`).
pub fn program(e: CoreProgramError) -> PyErr {
    to_py(Error::Program(e))
}

/// Converts core results to Python results.
pub trait IntoPy<T> {
    /// The result with a core error turned into its Python exception.
    fn py_err(self) -> PyResult<T>;
}

impl<T> IntoPy<T> for Result<T, Error> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(to_py)
    }
}

impl<T> IntoPy<T> for Result<T, CoreProgramError> {
    fn py_err(self) -> PyResult<T> {
        self.map_err(program)
    }
}
