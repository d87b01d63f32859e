//! `awgsf.AWGProgramBuilder`: the reference library's fluent builder (same method
//! and argument names), recording into the Rust `ProgramBuilder`.
//!
//! Misuse the reference reports at once (an unknown channel, ops before a segment,
//! a bad interpolation kind, `tau` with the wrong kind) raises at once here too, as
//! the same built-in exception type; everything else is checked by
//! `build_intent_ir()`, which validates the whole program and raises
//! `awgsf.ProgramError` naming the segment, the op and the field.

use awgsf_core::program::{ChannelOps, InterpKind, PhaseMode, ProgramBuilder};
use pyo3::exceptions::{PyKeyError, PyRuntimeError, PyTypeError, PyValueError};
use pyo3::prelude::*;

use crate::intent::IntentIR;

/// One channel op with its arguments, applied to the program builder or to the body
/// of a `parallel` block alike.
enum ChannelOp {
    UseDef(String),
    AddTone {
        f: f64,
        amp: f64,
        phase: f64,
        at: Option<usize>,
    },
    RemoveTones(Vec<usize>),
    Move {
        df: f64,
        time: f64,
        idxs: Option<Vec<usize>>,
        kind: InterpKind,
    },
    RampAmpTo {
        amps: Amps,
        time: f64,
        kind: InterpKind,
        tau: Option<f64>,
        idxs: Option<Vec<usize>>,
    },
    RemapFromDef {
        target_def: String,
        src: Vec<usize>,
        dst: Option<Vec<usize>>,
        time: f64,
        kind: InterpKind,
    },
}

/// `amps` of `ramp_amp_to`: a number, or one per selected tone.
#[derive(FromPyObject)]
enum Amps {
    Scalar(f64),
    List(Vec<f64>),
}

impl ChannelOp {
    /// The duration of a timed op; `None` for instant ops.
    fn time(&self) -> Option<f64> {
        match self {
            ChannelOp::Move { time, .. }
            | ChannelOp::RampAmpTo { time, .. }
            | ChannelOp::RemapFromDef { time, .. } => Some(*time),
            _ => None,
        }
    }

    fn apply<T: ChannelOps>(self, b: T) -> T {
        match self {
            ChannelOp::UseDef(def) => b.use_def(&def),
            ChannelOp::AddTone { f, amp, phase, at } => {
                let b = b.add_tone(f).amp(amp).phase(phase);
                match at {
                    Some(i) => b.at(i),
                    None => b,
                }
            }
            ChannelOp::RemoveTones(idxs) => b.remove_tones(idxs),
            ChannelOp::Move {
                df,
                time,
                idxs,
                kind,
            } => {
                let b = b.move_by(df, time).kind(kind);
                match idxs {
                    Some(v) => b.idxs(v),
                    None => b,
                }
            }
            ChannelOp::RampAmpTo {
                amps,
                time,
                kind,
                tau,
                idxs,
            } => {
                let b = match amps {
                    Amps::Scalar(a) => b.ramp_amp_to(a, time),
                    Amps::List(v) => b.ramp_amps_to(v, time),
                }
                .kind(kind);
                let b = match tau {
                    Some(t) => b.tau(t),
                    None => b,
                };
                match idxs {
                    Some(v) => b.idxs(v),
                    None => b,
                }
            }
            ChannelOp::RemapFromDef {
                target_def,
                src,
                dst,
                time,
                kind,
            } => {
                let b = b.remap_from_def(&target_def, src, time).kind(kind);
                match dst {
                    Some(v) => b.dst(v),
                    None => b,
                }
            }
        }
    }
}

fn kind_of(op: &str, kind: &str, allowed: &[&str]) -> PyResult<InterpKind> {
    if !allowed.contains(&kind) {
        let list: Vec<String> = allowed.iter().map(|k| format!("'{k}'")).collect();
        return Err(PyValueError::new_err(format!(
            "{op}: kind must be one of {}",
            list.join(", ")
        )));
    }
    InterpKind::parse(kind).ok_or_else(|| PyValueError::new_err(format!("{op}: unknown kind")))
}

/// The fluent program builder (the reference library's `AWGProgramBuilder`).
///
/// Every method returns the builder (or a channel view that forwards the builder's
/// methods), so calls chain; `build_intent_ir()` validates and returns an
/// `IntentIR`.
#[pyclass(module = "awgsf", name = "AWGProgramBuilder")]
pub struct AWGProgramBuilder {
    inner: Option<ProgramBuilder>,
    channels: Vec<String>,
    /// Definition name → number of tones (to expand `dst="all"` and check names).
    definitions: Vec<(String, usize)>,
    segments: usize,
}

impl AWGProgramBuilder {
    fn update(&mut self, f: impl FnOnce(ProgramBuilder) -> ProgramBuilder) {
        let b = self.inner.take().unwrap_or_default();
        self.inner = Some(f(b));
    }

    fn need_segment(&self, what: &str) -> PyResult<()> {
        if self.segments == 0 {
            return Err(PyRuntimeError::new_err(format!(
                "Call .segment(...) before .{what}(...)"
            )));
        }
        Ok(())
    }

    fn need_channel(&self, channel: &str) -> PyResult<()> {
        if !self.channels.iter().any(|c| c == channel) {
            return Err(PyKeyError::new_err(format!(
                "Unknown logical_channel '{channel}'"
            )));
        }
        Ok(())
    }

    fn definition_len(&self, name: &str) -> PyResult<usize> {
        self.definitions
            .iter()
            .find(|(n, _)| n == name)
            .map(|(_, n)| *n)
            .ok_or_else(|| PyKeyError::new_err(name.to_string()))
    }
}

#[pymethods]
impl AWGProgramBuilder {
    /// An empty builder: no logical channels, definitions or segments.
    #[new]
    fn new() -> Self {
        AWGProgramBuilder {
            inner: Some(ProgramBuilder::new()),
            channels: Vec::new(),
            definitions: Vec::new(),
            segments: 0,
        }
    }

    /// Registers a logical channel name (e.g. "H", "V"); registering it again is
    /// harmless.
    fn logical_channel<'py>(slf: Bound<'py, Self>, name: &str) -> Bound<'py, Self> {
        {
            let mut b = slf.borrow_mut();
            if !b.channels.iter().any(|c| c == name) {
                b.channels.push(name.to_string());
            }
            b.update(|p| p.logical_channel(name));
        }
        slf
    }

    /// Defines a named tone bank for `logical_channel`; `phases="auto"` means all 0.
    #[pyo3(signature = (name, *, logical_channel, freqs, amps, phases = None))]
    fn define<'py>(
        slf: Bound<'py, Self>,
        name: &str,
        logical_channel: &str,
        freqs: Vec<f64>,
        amps: Vec<f64>,
        phases: Option<&Bound<'py, PyAny>>,
    ) -> PyResult<Bound<'py, Self>> {
        {
            let mut b = slf.borrow_mut();
            if !b.channels.iter().any(|c| c == logical_channel) {
                return Err(PyValueError::new_err(format!(
                    "Define references unknown logical_channel '{logical_channel}'. Call .logical_channel('{logical_channel}') first."
                )));
            }
            if freqs.len() != amps.len() {
                return Err(PyValueError::new_err(
                    "define: freqs and amps must have same length",
                ));
            }
            let phases: Vec<f64> = match phases {
                None => vec![0.0; freqs.len()],
                Some(p) if p.extract::<String>().is_ok_and(|s| s == "auto") => {
                    vec![0.0; freqs.len()]
                }
                Some(p) => p.extract()?,
            };
            if phases.len() != freqs.len() {
                return Err(PyValueError::new_err("define: phases length mismatch"));
            }
            let n = freqs.len();
            b.definitions.retain(|(d, _)| d != name);
            b.definitions.push((name.to_string(), n));
            b.update(|p| p.define_phased(name, logical_channel, freqs, amps, phases));
        }
        Ok(slf)
    }

    /// Starts a segment: `mode` is "once", "loop_n" (with `loop=N`) or "wait_trig";
    /// `phase_mode` "continue" (default), "manual" or "optimise".
    #[pyo3(signature = (name, mode = "once", r#loop = None, *, phase_mode = "continue", snap_len_to_quantum = true, snap_freqs_to_wrap = true))]
    fn segment<'py>(
        slf: Bound<'py, Self>,
        name: &str,
        mode: &str,
        r#loop: Option<i64>,
        phase_mode: &str,
        snap_len_to_quantum: bool,
        snap_freqs_to_wrap: bool,
    ) -> PyResult<Bound<'py, Self>> {
        let phase = PhaseMode::parse(phase_mode).ok_or_else(|| {
            PyValueError::new_err("phase_mode must be one of 'manual', 'continue', 'optimise'")
        })?;
        let loop_n = match mode {
            "once" | "wait_trig" => None,
            "loop_n" => match r#loop {
                Some(n) if n > 0 => Some(n as u64),
                _ => return Err(PyValueError::new_err("loop_n requires loop=N with N>0")),
            },
            other => return Err(PyValueError::new_err(format!("Unknown mode '{other}'"))),
        };
        {
            let mut b = slf.borrow_mut();
            b.segments += 1;
            b.update(|p| {
                let p = p.segment(name);
                let p = match (mode, loop_n) {
                    ("wait_trig", _) => p.wait_trig(),
                    (_, Some(n)) => p.loop_n(n),
                    _ => p,
                };
                p.phase_mode(phase)
                    .snap_len_to_quantum(snap_len_to_quantum)
                    .snap_freqs_to_wrap(snap_freqs_to_wrap)
            });
        }
        Ok(slf)
    }

    /// A view for adding ops on `logical_channel` in the current segment.
    fn tones(slf: Bound<'_, Self>, logical_channel: &str) -> PyResult<LogicalChannelView> {
        {
            let b = slf.borrow();
            b.need_channel(logical_channel)?;
            b.need_segment("tones")?;
        }
        Ok(LogicalChannelView {
            target: Target::Builder(slf.unbind()),
            channel: logical_channel.to_string(),
        })
    }

    /// Every logical channel holds its state for `time` seconds.
    #[pyo3(signature = (*, time))]
    fn hold(slf: Bound<'_, Self>, time: f64) -> PyResult<Bound<'_, Self>> {
        {
            let mut b = slf.borrow_mut();
            b.need_segment("hold")?;
            b.update(|p| p.hold(time));
        }
        Ok(slf)
    }

    /// Calls `fn(block)`; the timed ops recorded through `block.tones(ch)` run
    /// concurrently as one interval (instant ops are applied before it).
    #[pyo3(name = "parallel")]
    fn parallel_py<'py>(
        slf: Bound<'py, Self>,
        r#fn: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        let block = {
            let b = slf.borrow();
            b.need_segment("parallel")?;
            Py::new(
                py,
                ParallelBlock {
                    open: true,
                    channels: b.channels.clone(),
                    definitions: b.definitions.clone(),
                    ops: Vec::new(),
                },
            )?
        };
        let called = r#fn.call1((block.clone_ref(py),));
        let ops = {
            let mut blk = block.borrow_mut(py);
            blk.open = false;
            std::mem::take(&mut blk.ops)
        };
        // As in the reference, a block that fails records nothing.
        called?;
        check_parallel(&ops)?;
        slf.borrow_mut().update(|p| {
            p.parallel(|mut pb| {
                for (channel, op) in ops {
                    pb = op.apply(pb.tones(&channel));
                }
                pb
            })
        });
        Ok(slf)
    }

    /// Validates the program and returns it as an `IntentIR` (raises
    /// `awgsf.ProgramError` naming the segment, op and field of the first problem).
    fn build_intent_ir(&self) -> PyResult<IntentIR> {
        if self.segments == 0 {
            return Err(PyRuntimeError::new_err("No segments defined"));
        }
        let b = self.inner.clone().unwrap_or_default();
        let program = b.build().map_err(crate::errors::program)?;
        IntentIR::from_program(program, "<builder>")
    }

    fn __repr__(&self) -> String {
        format!(
            "AWGProgramBuilder(logical_channels={:?}, definitions={}, segments={})",
            self.channels,
            self.definitions.len(),
            self.segments
        )
    }
}

/// The reference's checks of a `parallel` block: some op recorded, the timed ops
/// (time > 0) of equal time and on distinct channels.
fn check_parallel(ops: &[(String, ChannelOp)]) -> PyResult<()> {
    if ops.is_empty() {
        return Err(PyValueError::new_err("parallel: no ops recorded"));
    }
    let timed: Vec<(&str, f64)> = ops
        .iter()
        .filter_map(|(ch, op)| op.time().filter(|t| *t > 0.0).map(|t| (ch.as_str(), t)))
        .collect();
    if let Some((_, t0)) = timed.first() {
        if timed.iter().any(|(_, t)| t != t0) {
            return Err(PyValueError::new_err(
                "parallel: all timed ops must have the same time=...",
            ));
        }
        for (i, (ch, _)) in timed.iter().enumerate() {
            if timed[..i].iter().any(|(c, _)| c == ch) {
                return Err(PyValueError::new_err(format!(
                    "parallel: multiple timed ops for logical_channel '{ch}'"
                )));
            }
        }
    }
    Ok(())
}

/// The restricted builder a `parallel` callback receives: only `tones(ch)` and the
/// timed channel ops on its views.
#[pyclass(module = "awgsf", name = "ParallelBlock")]
pub struct ParallelBlock {
    /// False once the `parallel(...)` call that made it has returned.
    open: bool,
    channels: Vec<String>,
    definitions: Vec<(String, usize)>,
    ops: Vec<(String, ChannelOp)>,
}

#[pymethods]
impl ParallelBlock {
    /// A view for adding ops on `logical_channel` to this block.
    fn tones(slf: Bound<'_, Self>, logical_channel: &str) -> PyResult<LogicalChannelView> {
        if !slf.borrow().channels.iter().any(|c| c == logical_channel) {
            return Err(PyKeyError::new_err(format!(
                "Unknown logical_channel '{logical_channel}'"
            )));
        }
        Ok(LogicalChannelView {
            target: Target::Block(slf.unbind()),
            channel: logical_channel.to_string(),
        })
    }

    /// Not allowed inside a parallel block.
    #[pyo3(signature = (*_args, **_kwargs))]
    fn segment(
        &self,
        _args: &Bound<'_, pyo3::types::PyTuple>,
        _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<()> {
        Err(PyRuntimeError::new_err(
            "parallel: cannot start a new segment inside a parallel block",
        ))
    }

    /// Not allowed inside a parallel block.
    #[pyo3(signature = (*_args, **_kwargs))]
    fn hold(
        &self,
        _args: &Bound<'_, pyo3::types::PyTuple>,
        _kwargs: Option<&Bound<'_, pyo3::types::PyDict>>,
    ) -> PyResult<()> {
        Err(PyRuntimeError::new_err(
            "parallel: use .hold(...) outside the parallel block",
        ))
    }
}

/// What a channel view adds ops to.
enum Target {
    Builder(Py<AWGProgramBuilder>),
    Block(Py<ParallelBlock>),
}

/// Ops on one logical channel (the reference's `LogicalChannelView`); the
/// builder's own methods are forwarded so chains continue.
#[pyclass(module = "awgsf", name = "LogicalChannelView")]
pub struct LogicalChannelView {
    target: Target,
    channel: String,
}

impl LogicalChannelView {
    fn push(slf: Bound<'_, Self>, op: ChannelOp) -> PyResult<Bound<'_, Self>> {
        let py = slf.py();
        {
            let view = slf.borrow();
            let channel = view.channel.clone();
            match &view.target {
                Target::Builder(b) => {
                    b.borrow_mut(py).update(|p| op.apply(p.tones(&channel)));
                }
                Target::Block(blk) => {
                    let mut blk = blk.borrow_mut(py);
                    if !blk.open {
                        return Err(PyRuntimeError::new_err(
                            "parallel: the block is used after its parallel(...) call returned",
                        ));
                    }
                    blk.ops.push((channel, op));
                }
            }
        }
        Ok(slf)
    }

    fn builder(&self, py: Python<'_>, what: &str) -> PyResult<Py<AWGProgramBuilder>> {
        match &self.target {
            Target::Builder(b) => Ok(b.clone_ref(py)),
            Target::Block(_) => Err(PyRuntimeError::new_err(format!(
                "parallel: .{what}(...) cannot be used inside a parallel block"
            ))),
        }
    }

    fn definition_len(&self, py: Python<'_>, name: &str) -> PyResult<usize> {
        match &self.target {
            Target::Builder(b) => b.borrow(py).definition_len(name),
            Target::Block(blk) => {
                let blk = blk.borrow(py);
                blk.definitions
                    .iter()
                    .find(|(n, _)| n == name)
                    .map(|(_, n)| *n)
                    .ok_or_else(|| PyKeyError::new_err(name.to_string()))
            }
        }
    }
}

#[pymethods]
impl LogicalChannelView {
    /// The channel's tone bank becomes the definition `def_name` (instant).
    fn use_def<'py>(slf: Bound<'py, Self>, def_name: &str) -> PyResult<Bound<'py, Self>> {
        LogicalChannelView::push(slf, ChannelOp::UseDef(def_name.to_string()))
    }

    /// Inserts one tone at `at` (default: the end) (instant); `phase="auto"` is 0.
    #[pyo3(signature = (*, f, amp = 0.0, phase = None, at = None))]
    fn add_tone<'py>(
        slf: Bound<'py, Self>,
        f: f64,
        amp: f64,
        phase: Option<&Bound<'py, PyAny>>,
        at: Option<usize>,
    ) -> PyResult<Bound<'py, Self>> {
        let phase = match phase {
            None => 0.0,
            Some(p) if p.extract::<String>().is_ok_and(|s| s == "auto") => 0.0,
            Some(p) => p
                .extract::<f64>()
                .map_err(|_| PyTypeError::new_err("add_tone: phase must be a number or 'auto'"))?,
        };
        LogicalChannelView::push(slf, ChannelOp::AddTone { f, amp, phase, at })
    }

    /// Removes the tones at `idxs` (instant).
    #[pyo3(signature = (*, idxs))]
    fn remove_tones<'py>(slf: Bound<'py, Self>, idxs: Vec<usize>) -> PyResult<Bound<'py, Self>> {
        if idxs.is_empty() {
            return Err(PyValueError::new_err(
                "remove_tones: idxs must be non-empty",
            ));
        }
        LogicalChannelView::push(slf, ChannelOp::RemoveTones(idxs))
    }

    /// Removes the tone at `idx` (instant).
    #[pyo3(signature = (*, idx))]
    fn remove_tone<'py>(slf: Bound<'py, Self>, idx: usize) -> PyResult<Bound<'py, Self>> {
        LogicalChannelView::push(slf, ChannelOp::RemoveTones(vec![idx]))
    }

    /// Adds `df` Hz to the selected tones' frequencies over `time` seconds; `kind`
    /// "linear" or "min_jerk".
    #[pyo3(name = "move", signature = (*, df, time, idxs = None, kind = "linear"))]
    fn move_by<'py>(
        slf: Bound<'py, Self>,
        df: f64,
        time: f64,
        idxs: Option<Vec<usize>>,
        kind: &str,
    ) -> PyResult<Bound<'py, Self>> {
        let kind = kind_of("move", kind, &["linear", "min_jerk"])?;
        LogicalChannelView::push(
            slf,
            ChannelOp::Move {
                df,
                time,
                idxs,
                kind,
            },
        )
    }

    /// Ramps the selected amplitudes to `amps` (a number, or one per tone) over
    /// `time` seconds; `kind` "linear", "exp" (with `tau`), "min_jerk", "geo_ramp"
    /// or "adiabatic_ramp".
    #[pyo3(signature = (*, amps, time, kind = "linear", tau = None, idxs = None))]
    fn ramp_amp_to<'py>(
        slf: Bound<'py, Self>,
        amps: Amps,
        time: f64,
        kind: &str,
        tau: Option<f64>,
        idxs: Option<Vec<usize>>,
    ) -> PyResult<Bound<'py, Self>> {
        let kind = kind_of(
            "ramp_amp_to",
            kind,
            &["linear", "exp", "min_jerk", "geo_ramp", "adiabatic_ramp"],
        )?;
        match (kind, tau) {
            (InterpKind::Exp, None) => {
                return Err(PyValueError::new_err(
                    "ramp_amp_to: kind='exp' requires tau=...",
                ))
            }
            (k, Some(_)) if k != InterpKind::Exp => {
                return Err(PyValueError::new_err(
                    "ramp_amp_to: tau is only valid for kind='exp'",
                ))
            }
            _ => {}
        }
        LogicalChannelView::push(
            slf,
            ChannelOp::RampAmpTo {
                amps,
                time,
                kind,
                tau,
                idxs,
            },
        )
    }

    /// Tweens the current tones `src` to the tones `dst` (default "all") of
    /// `target_def` over `time` seconds; `kind` "min_jerk" or "linear".
    #[pyo3(signature = (*, target_def, src, dst = None, time, kind = "min_jerk"))]
    fn remap_from_def<'py>(
        slf: Bound<'py, Self>,
        target_def: &str,
        src: Vec<usize>,
        dst: Option<&Bound<'py, PyAny>>,
        time: f64,
        kind: &str,
    ) -> PyResult<Bound<'py, Self>> {
        let py = slf.py();
        let kind = kind_of("remap_from_def", kind, &["linear", "min_jerk"])?;
        // As in the reference, "all" is expanded here, against the definition.
        let n = slf.borrow().definition_len(py, target_def)?;
        let dst: Vec<usize> = match dst {
            None => (0..n).collect(),
            Some(d) if d.extract::<String>().is_ok_and(|s| s == "all") => (0..n).collect(),
            Some(d) => d.extract()?,
        };
        LogicalChannelView::push(
            slf,
            ChannelOp::RemapFromDef {
                target_def: target_def.to_string(),
                src,
                dst: Some(dst),
                time,
                kind,
            },
        )
    }

    /// Switches to another logical channel in the same segment (or block).
    fn tones(&self, py: Python<'_>, logical_channel: &str) -> PyResult<LogicalChannelView> {
        match &self.target {
            Target::Builder(b) => AWGProgramBuilder::tones(b.bind(py).clone(), logical_channel),
            Target::Block(blk) => ParallelBlock::tones(blk.bind(py).clone(), logical_channel),
        }
    }

    /// The builder's `segment` (starts a new segment).
    #[pyo3(signature = (name, mode = "once", r#loop = None, *, phase_mode = "continue", snap_len_to_quantum = true, snap_freqs_to_wrap = true))]
    #[allow(clippy::too_many_arguments)]
    fn segment<'py>(
        &self,
        py: Python<'py>,
        name: &str,
        mode: &str,
        r#loop: Option<i64>,
        phase_mode: &str,
        snap_len_to_quantum: bool,
        snap_freqs_to_wrap: bool,
    ) -> PyResult<Bound<'py, AWGProgramBuilder>> {
        let b = self.builder(py, "segment")?;
        AWGProgramBuilder::segment(
            b.into_bound(py),
            name,
            mode,
            r#loop,
            phase_mode,
            snap_len_to_quantum,
            snap_freqs_to_wrap,
        )
    }

    /// The builder's `hold` (all channels hold for `time` seconds).
    #[pyo3(signature = (*, time))]
    fn hold<'py>(&self, py: Python<'py>, time: f64) -> PyResult<Bound<'py, AWGProgramBuilder>> {
        let b = self.builder(py, "hold")?;
        AWGProgramBuilder::hold(b.into_bound(py), time)
    }

    /// The builder's `parallel`.
    fn parallel<'py>(
        &self,
        py: Python<'py>,
        r#fn: Bound<'py, PyAny>,
    ) -> PyResult<Bound<'py, AWGProgramBuilder>> {
        let b = self.builder(py, "parallel")?;
        AWGProgramBuilder::parallel_py(b.into_bound(py), r#fn)
    }

    /// The builder's `build_intent_ir`.
    fn build_intent_ir(&self, py: Python<'_>) -> PyResult<IntentIR> {
        let b = self.builder(py, "build_intent_ir")?;
        let b = b.borrow(py);
        b.build_intent_ir()
    }

    /// Disallowed, as in the reference: use `build_intent_ir()`.
    fn build(&self) -> PyResult<()> {
        Err(pyo3::exceptions::PyAttributeError::new_err(
            "Use build_intent_ir() on the builder.",
        ))
    }
}
