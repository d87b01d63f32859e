//! `awgsf.compile`: a program to per-segment int16 arrays and the step table, the
//! same bytes `awgsf compile` writes (the config's synthesis and card settings,
//! the file export as the target card), without writing files.

use std::path::PathBuf;

use awgsf_core::calib::PhysicalSetup;
use awgsf_core::config::{Config, PluginRef, SetupCalibration};
use awgsf_core::error::Error;
use awgsf_core::program::digest::program_digest;
use awgsf_core::program::LoadedProgram;
use awgsf_core::render::SegmentSamples;
use awgsf_core::session::Session;
use awgsf_core::shared::{share_identical, SlotMap};
use awgsf_core::upload::steps as step_table;
use awgsf_plugin_api::{Step, StepEnd};
use numpy::ndarray::{Array2, ShapeBuilder};
use numpy::PyArray2;
use pyo3::prelude::*;
use pyo3::types::{PyDict, PyList};

use crate::errors::{to_py, IntoPy};
use crate::intent::program_arg;

/// The config at `path`, else the one `AWGSF_CONFIG` names, else the defaults (what
/// a file holding only `version = 1` gives).
pub fn load_config(path: Option<PathBuf>) -> PyResult<Config> {
    let path = path.or_else(|| std::env::var_os("AWGSF_CONFIG").map(PathBuf::from));
    match path {
        Some(p) => Config::load(&p).map_err(|e| to_py(Error::Config(e))),
        None => Ok(Config::default()),
    }
}

/// Overrides of `awgsf compile`'s options.
#[derive(Debug, Clone, Default)]
pub struct Overrides {
    /// `--setup`.
    pub setup: Option<PathBuf>,
    /// `--sample-rate`.
    pub sample_rate_hz: Option<f64>,
    /// `--full-scale-mv`.
    pub full_scale_mv: Option<f64>,
    /// `--full-scale`.
    pub full_scale: Option<i32>,
    /// `--quantum`.
    pub quantum_s: Option<f64>,
}

/// The config `awgsf compile` uses: the file export as the card (nothing is
/// uploaded here, so nothing is written to `output_dir`), and the overrides.
fn export_config(mut config: Config, o: &Overrides) -> Result<Config, Error> {
    config.hardware.backend = PluginRef::Name("file-sink".into());
    let unused = std::env::temp_dir().join("awgsf-python-compile");
    let mut settings = serde_json::Map::new();
    settings.insert(
        "output_dir".into(),
        serde_json::Value::String(unused.display().to_string()),
    );
    settings.insert("overwrite".into(), serde_json::Value::Bool(false));
    config.hardware.settings = settings;
    if let Some(fs) = o.sample_rate_hz {
        config.card.sample_rate_hz = fs;
    }
    if let Some(mv) = o.full_scale_mv {
        config.compile.full_scale_mv = Some(mv);
    }
    if let Some(n) = o.full_scale {
        config.compile.full_scale = Some(n);
    }
    if let Some(q) = o.quantum_s {
        config.compile.quantum_s = q;
    }
    if let Some(path) = &o.setup {
        let setup = PhysicalSetup::from_file(path)?;
        let n = setup.n_channels() as u32;
        config.card.channels = (0..n).collect();
        config.card.amplitude_mv = vec![config.compile.full_scale_mv.unwrap_or(1000.0); n as usize];
        config.setup.map = setup
            .logical_to_hardware()
            .iter()
            .map(|(k, v)| (k.clone(), *v))
            .collect();
        config.setup.calibration = SetupCalibration::SetupFile(path.clone());
    }
    Ok(config)
}

/// What a compilation made, before it becomes Python objects.
struct Output {
    names: Vec<String>,
    samples: Vec<SegmentSamples>,
    slots: SlotMap,
    steps: Vec<Step>,
    sample_rate_hz: f64,
    digest: String,
    synthesis: String,
}

fn compile_rust(loaded: &LoadedProgram, config: Config) -> Result<Output, Error> {
    let session = Session::open(config)?;
    let compiled = session.compile(loaded);
    let info = &session.synth.info;
    let synthesis = format!("{} {} on {}", info.name, info.version, info.device);
    let closed = session.close();
    let (planned, samples) = compiled?;
    closed?;
    let slots = share_identical(&samples);
    let steps = step_table(&planned, &slots);
    Ok(Output {
        names: planned
            .quantized
            .segments
            .iter()
            .map(|s| s.segment.name.clone())
            .collect(),
        samples,
        slots,
        steps,
        sample_rate_hz: planned.quantized.sample_rate_hz,
        digest: program_digest(&loaded.program),
        synthesis,
    })
}

/// One segment's codes as a `(channels, samples)` int16 array (Fortran order: the
/// card's interleaved layout, as in the `.npy` files `awgsf compile` writes).
fn array<'py>(py: Python<'py>, s: SegmentSamples) -> PyResult<Bound<'py, PyArray2<i16>>> {
    let a = Array2::from_shape_vec((s.n_channels as usize, s.n_samples as usize).f(), s.codes)
        .map_err(|e| crate::errors::InternalError::new_err(format!("internal error: {e}")))?;
    Ok(PyArray2::from_owned_array(py, a))
}

fn end_name(end: StepEnd) -> &'static str {
    match end {
        StepEnd::Always => "always",
        StepEnd::OnTrigger => "on_trigger",
        StepEnd::EndOfSequence => "end_of_sequence",
    }
}

/// The step table as `steps.json` has it: one dict per step with `index`,
/// `segment` (the slot), `next`, `loops`, `end` and the Spectrum step `word` (hex).
pub fn steps_py<'py>(py: Python<'py>, steps: &[Step]) -> PyResult<Bound<'py, PyList>> {
    let list = PyList::empty(py);
    for s in steps {
        let d = PyDict::new(py);
        d.set_item("index", s.index)?;
        d.set_item("segment", s.segment)?;
        d.set_item("next", s.next)?;
        d.set_item("loops", s.loops)?;
        d.set_item("end", end_name(s.end))?;
        let word = s.checked_spectrum_word().map_err(|error| {
            to_py(Error::Hardware {
                what: "step table".into(),
                error,
            })
        })?;
        d.set_item("word", format!("0x{word:016x}"))?;
        list.append(d)?;
    }
    Ok(list)
}

/// A compiled program: card data and the step table.
#[pyclass(module = "awgsf", name = "Compiled", frozen)]
pub struct Compiled {
    /// One int16 array `(channels, samples)` per segment, in program order (segments
    /// with identical data are the same array object).
    #[pyo3(get)]
    segments: Py<PyList>,
    /// The distinct arrays the card holds (the `.npy` files of `awgsf compile`, in
    /// file order); steps refer to these.
    #[pyo3(get)]
    slots: Py<PyList>,
    /// The slot of each segment.
    #[pyo3(get)]
    slot_of_segment: Vec<u32>,
    /// Segment names, in program order.
    #[pyo3(get)]
    segment_names: Vec<String>,
    /// The step table (`steps.json`'s `steps`).
    #[pyo3(get)]
    steps: Py<PyList>,
    /// The step played first.
    #[pyo3(get)]
    start_step: u32,
    /// Sample rate, Hz.
    #[pyo3(get)]
    sample_rate_hz: f64,
    /// The program's digest.
    #[pyo3(get)]
    digest: String,
    /// The synthesis backend that rendered the samples.
    #[pyo3(get)]
    synthesis: String,
}

#[pymethods]
impl Compiled {
    fn __len__(&self) -> usize {
        self.segment_names.len()
    }

    fn __repr__(&self, py: Python<'_>) -> String {
        format!(
            "Compiled(segments={}, slots={}, steps={}, sample_rate_hz={}, digest={:?})",
            self.segment_names.len(),
            self.slots.bind(py).len(),
            self.steps.bind(py).len(),
            self.sample_rate_hz,
            &self.digest[..16]
        )
    }
}

/// Compiles a program (an `IntentIR`, a program file or a preset name) as
/// `awgsf compile` does, returning the arrays instead of writing `.npy` files.
///
/// `config` is a config file (default: `$AWGSF_CONFIG`, else the built-in
/// defaults); its synthesis backend renders and its card and setup sections apply;
/// the other arguments are `awgsf compile`'s `--setup`, `--sample-rate`,
/// `--full-scale-mv`, `--full-scale` and `--quantum`. The GIL is released while it
/// compiles.
#[pyfunction]
#[pyo3(signature = (program, *, config = None, setup = None, sample_rate_hz = None, full_scale_mv = None, full_scale = None, quantum_s = None))]
#[allow(clippy::too_many_arguments)]
pub fn compile(
    py: Python<'_>,
    program: &Bound<'_, PyAny>,
    config: Option<PathBuf>,
    setup: Option<PathBuf>,
    sample_rate_hz: Option<f64>,
    full_scale_mv: Option<f64>,
    full_scale: Option<i32>,
    quantum_s: Option<f64>,
) -> PyResult<Compiled> {
    let loaded = program_arg(program)?;
    let config = load_config(config)?;
    let overrides = Overrides {
        setup,
        sample_rate_hz,
        full_scale_mv,
        full_scale,
        quantum_s,
    };
    if let Some(n) = full_scale {
        if !(1..=32767).contains(&n) {
            return Err(to_py(Error::Usage(format!(
                "full_scale {n}: expected 1 to 32767"
            ))));
        }
    }
    for (name, v) in [
        ("sample_rate_hz", sample_rate_hz),
        ("full_scale_mv", full_scale_mv),
        ("quantum_s", quantum_s),
    ] {
        if let Some(x) = v {
            if !(x.is_finite() && x > 0.0) {
                return Err(to_py(Error::Usage(format!(
                    "{name} {x}: expected a positive number"
                ))));
            }
        }
    }
    let out = py
        .detach(|| {
            let config = export_config(config, &overrides)?;
            compile_rust(&loaded, config)
        })
        .py_err()?;
    let Output {
        names,
        samples,
        slots,
        steps,
        sample_rate_hz,
        digest,
        synthesis,
    } = out;
    let mut by_segment: Vec<Option<SegmentSamples>> = samples.into_iter().map(Some).collect();
    let slot_arrays = PyList::empty(py);
    for &s in &slots.segment_of_slot {
        let data = by_segment[s]
            .take()
            .ok_or_else(|| crate::errors::InternalError::new_err("internal error: slot map"))?;
        slot_arrays.append(array(py, data)?)?;
    }
    let segment_arrays = PyList::empty(py);
    for &slot in &slots.slot_of_segment {
        segment_arrays.append(slot_arrays.get_item(slot as usize)?)?;
    }
    Ok(Compiled {
        segments: segment_arrays.unbind(),
        slots: slot_arrays.unbind(),
        slot_of_segment: slots.slot_of_segment.clone(),
        segment_names: names,
        steps: steps_py(py, &steps)?.unbind(),
        start_step: 0,
        sample_rate_hz,
        digest,
        synthesis,
    })
}
