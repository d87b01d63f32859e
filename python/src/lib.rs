//! The `awgsf` Python package's extension module (`awgsf._awgsf`): the reference
//! library's program builder, programs in its JSON layout and TOML with the same
//! digests, compilation to numpy arrays, and live card sessions.
//!
//! Built by maturin (`python/pyproject.toml`), which turns on the
//! `extension-module` feature; a plain `cargo build` links libpython instead and
//! checks that everything compiles.

use pyo3::prelude::*;

mod builder;
mod compile;
mod convert;
mod errors;
mod intent;
mod session;

/// The names of the built-in programs (`IntentIR.preset(name)` loads one).
#[pyfunction]
fn presets() -> Vec<&'static str> {
    awgsf_core::program::presets::names()
}

#[pymodule]
fn _awgsf(m: &Bound<'_, PyModule>) -> PyResult<()> {
    m.add("__version__", env!("CARGO_PKG_VERSION"))?;
    m.add("DEFAULT_THRESHOLD", awgsf_core::verify::DEFAULT_THRESHOLD)?;
    m.add(
        "PLUGIN_PATH_ENV",
        awgsf_core::plugins::discovery::PLUGIN_PATH_ENV,
    )?;
    errors::register(m)?;
    m.add_class::<builder::AWGProgramBuilder>()?;
    m.add_class::<builder::LogicalChannelView>()?;
    m.add_class::<builder::ParallelBlock>()?;
    m.add_class::<intent::IntentIR>()?;
    m.add_class::<compile::Compiled>()?;
    m.add_class::<session::Session>()?;
    m.add_function(wrap_pyfunction!(compile::compile, m)?)?;
    m.add_function(wrap_pyfunction!(presets, m)?)?;
    Ok(())
}
