//! `awgsf.Session`: an open lab machine (the config's synthesis backend and card)
//! that runs programs, hot-swaps changed ones while the card plays, triggers,
//! reports status and verifies continuity; closed by `close()` or a `with` block.

use std::path::PathBuf;
use std::sync::Mutex;

use awgsf_core::error::Error;
use awgsf_core::rearrange::RearrangeRequest;
use awgsf_core::session::{JobOptions, Session as CoreSession};
use awgsf_core::verify::DEFAULT_THRESHOLD;
use pyo3::prelude::*;
use pyo3::types::PyDict;

use crate::compile::load_config;
use crate::convert::serialised;
use crate::errors::{to_py, IntoPy};
use crate::intent::program_arg;

/// An open lab machine: `Session(config)` opens the plugins a config file names
/// (default: `$AWGSF_CONFIG`, else the built-in defaults).
#[pyclass(module = "awgsf", name = "Session")]
pub struct Session {
    inner: Mutex<Option<CoreSession>>,
}

fn closed() -> PyErr {
    to_py(Error::Usage("the session is closed".into()))
}

impl Session {
    /// Runs `f` on the open session with the GIL released.
    fn with<T: Send>(
        &self,
        py: Python<'_>,
        f: impl FnOnce(&mut CoreSession) -> Result<T, Error> + Send,
    ) -> PyResult<T> {
        let mut guard = self
            .inner
            .lock()
            .map_err(|_| to_py(Error::Internal("a session call panicked".into())))?;
        let session = guard.as_mut().ok_or_else(closed)?;
        py.detach(|| f(session)).py_err()
    }
}

/// Fails like `awgsf run` when the card played jumps nobody asked for.
fn check_glitches(unrequested: usize, allow_glitches: bool) -> PyResult<()> {
    if unrequested > 0 && !allow_glitches {
        return Err(to_py(Error::Verification(format!(
            "{unrequested} unrequested discontinuities (pass allow_glitches=True to accept them)"
        ))));
    }
    Ok(())
}

#[pymethods]
impl Session {
    /// Opens the machine a config file describes.
    #[new]
    #[pyo3(signature = (config = None))]
    fn new(py: Python<'_>, config: Option<PathBuf>) -> PyResult<Session> {
        let config = load_config(config)?;
        let session = py.detach(|| CoreSession::open(config)).py_err()?;
        Ok(Session {
            inner: Mutex::new(Some(session)),
        })
    }

    /// Compiles `program` (an `IntentIR`, a program file or a preset name), uploads
    /// it, starts the card and verifies continuity; returns the run report as a
    /// dict (what `awgsf run --json` prints). Raises `VerificationError` for
    /// unrequested discontinuities unless `allow_glitches` (the card plays the
    /// program either way).
    #[pyo3(signature = (program, *, force_trigger = false, verify = true, threshold_fs = DEFAULT_THRESHOLD, allow_glitches = false))]
    fn run<'py>(
        &self,
        py: Python<'py>,
        program: &Bound<'py, PyAny>,
        force_trigger: bool,
        verify: bool,
        threshold_fs: f64,
        allow_glitches: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let loaded = program_arg(program)?;
        let opts = JobOptions {
            force_trigger,
            verify,
            threshold_fs,
        };
        let report = self.with(py, move |s| s.run(loaded, &opts))?;
        let unrequested = report.continuity.as_ref().map_or(0, |c| c.unrequested());
        let out = serialised(py, &report)?;
        check_glitches(unrequested, allow_glitches)?;
        Ok(out)
    }

    /// Replaces the program on the card: only segments whose data changed are
    /// re-rendered and rewritten while the card plays (a full upload when the
    /// structure changed; `full_upload` and `reason` say so). Returns a dict:
    /// `full_upload`, `reason`, `recompiled`, `uploaded` (segment names),
    /// `first_swap_s`, `elapsed_s` and `continuity`.
    #[pyo3(signature = (program, *, verify = true, threshold_fs = DEFAULT_THRESHOLD, allow_glitches = false))]
    fn swap<'py>(
        &self,
        py: Python<'py>,
        program: &Bound<'py, PyAny>,
        verify: bool,
        threshold_fs: f64,
        allow_glitches: bool,
    ) -> PyResult<Bound<'py, PyAny>> {
        let loaded = program_arg(program)?;
        let opts = JobOptions {
            force_trigger: false,
            verify,
            threshold_fs,
        };
        let report = self.with(py, move |s| s.swap(loaded, &opts))?;
        let unrequested = report.continuity.as_ref().map_or(0, |c| c.unrequested());
        let out = serialised(py, &report)?;
        check_glitches(unrequested, allow_glitches)?;
        Ok(out)
    }

    /// Moves the atoms of `occupancy` (one bool per loading tone, true where a
    /// tweezer holds an atom) onto the target sites: assigns atoms to sites (least
    /// travel, no crossings), rebuilds the program's move segment (its one
    /// `remap_from_def`) with every tone's end phase closed on what the next
    /// segment starts with, and rewrites that slot alone while the card plays.
    /// `target` (one bool per target-definition tone) must be the set the
    /// program's move fills; `segment` names the move when the program has several.
    /// Returns a dict: `segment`, `slot`, `channel`, `atoms`, `sites`, `moves`,
    /// `unused_atoms`, `move_s`, `bound_hz`, `max_correction_hz`,
    /// `max_phase_error_rad`, `timings` (`assign_s`, `plan_s`, `render_s`,
    /// `upload_s`, `total_s`). Raises `RearrangeError` when it cannot be done (too
    /// few atoms...), leaving the card as it was.
    #[pyo3(signature = (occupancy, *, target = None, segment = None, max_correction_hz = None))]
    fn rearrange<'py>(
        &self,
        py: Python<'py>,
        occupancy: Vec<bool>,
        target: Option<Vec<bool>>,
        segment: Option<String>,
        max_correction_hz: Option<f64>,
    ) -> PyResult<Bound<'py, PyAny>> {
        let req = RearrangeRequest {
            occupancy,
            target,
            segment,
            max_correction_hz,
        };
        let report = self.with(py, move |s| s.rearrange(&req))?;
        serialised(py, &report)
    }

    /// Sends a trigger event to the card (a `wait_trig` step moves on).
    fn force_trigger(&self, py: Python<'_>) -> PyResult<()> {
        self.with(py, |s| s.card.force_trigger())
    }

    /// The card's state: `running`, `current_step` (or None), `detail`, and
    /// whether this session knows the program it plays (`playing`).
    fn status<'py>(&self, py: Python<'py>) -> PyResult<Bound<'py, PyDict>> {
        let (status, playing) = self.with(py, |s| Ok((s.card.status()?, s.is_playing())))?;
        let d = PyDict::new(py);
        d.set_item("running", status.running)?;
        d.set_item("current_step", status.current_step.into_option())?;
        d.set_item("detail", status.detail.as_str())?;
        d.set_item("playing", playing)?;
        Ok(d)
    }

    /// Checks the continuity of the program on the card (every step-graph
    /// transition, and every transition the card reports playing); returns the
    /// report as a dict (`graph_transitions`, `played_transitions`,
    /// `foreign_transitions`, `threshold`, `discontinuities`, `unrequested`,
    /// `summary`).
    #[pyo3(signature = (threshold_fs = DEFAULT_THRESHOLD))]
    fn verify<'py>(&self, py: Python<'py>, threshold_fs: f64) -> PyResult<Bound<'py, PyAny>> {
        let report = self.with(py, move |s| s.verify_on_card(threshold_fs))?;
        let out = serialised(py, &report)?;
        out.set_item("unrequested", report.unrequested())?;
        out.set_item("summary", report.summary())?;
        Ok(out)
    }

    /// Whether the card plays a program this session knows.
    #[getter]
    fn is_playing(&self, py: Python<'_>) -> PyResult<bool> {
        self.with(py, |s| Ok(s.is_playing()))
    }

    /// The card: model, serial and plugin.
    #[getter]
    fn card(&self, py: Python<'_>) -> PyResult<String> {
        self.with(py, |s| {
            Ok(format!(
                "{} {} ({} {})",
                s.card.info.model,
                s.card.info.serial,
                s.card.plugin.info.name,
                s.card.plugin.info.version
            ))
        })
    }

    /// The sample rate the card runs at, Hz.
    #[getter]
    fn sample_rate_hz(&self, py: Python<'_>) -> PyResult<f64> {
        self.with(py, |s| Ok(s.figures.sample_rate_hz))
    }

    /// Stops and releases the card; calling it again does nothing.
    fn close(&self, py: Python<'_>) -> PyResult<()> {
        let session = self
            .inner
            .lock()
            .map_err(|_| to_py(Error::Internal("a session call panicked".into())))?
            .take();
        match session {
            Some(s) => py.detach(|| s.close()).py_err(),
            None => Ok(()),
        }
    }

    /// Whether `close()` was called.
    #[getter]
    fn closed(&self) -> bool {
        self.inner.lock().map(|g| g.is_none()).unwrap_or(true)
    }

    fn __enter__(slf: Bound<'_, Self>) -> Bound<'_, Self> {
        slf
    }

    #[pyo3(signature = (*_exc))]
    fn __exit__(&self, py: Python<'_>, _exc: &Bound<'_, pyo3::types::PyTuple>) -> PyResult<bool> {
        self.close(py)?;
        Ok(false)
    }
}
