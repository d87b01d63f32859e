//! Resolve: intent (seconds) to integer sample counts, with tone identities
//! (`docs/semantics.md` §3).

use crate::program::validate::validate;
use crate::program::{AmpTarget, Dst, InterpKind, Location, Op, Program, ProgramError};

use super::ir::{
    ChannelPart, EventKind, InstantEvent, Part, ResolvedProgram, ResolvedSegment, ToneId, ToneState,
};

/// Longest part accepted, in samples (phase precision is guaranteed up to 2^34).
pub const MAX_PART_SAMPLES: u64 = 1 << 40;

/// `ceil(time_s * fs)` for `time_s > 0`, else 0, in plain IEEE arithmetic as the
/// reference computes it (so `40e-6 * 625e6` is 25001 samples).
pub fn samples_for(time_s: f64, fs: f64) -> f64 {
    if time_s > 0.0 {
        (time_s * fs).ceil()
    } else {
        0.0
    }
}

/// Resolves `program` at sample rate `fs` (Hz). Validates the program first.
pub fn resolve(program: &Program, fs: f64) -> Result<ResolvedProgram, ProgramError> {
    if !(fs.is_finite() && fs > 0.0) {
        return Err(ProgramError::new(
            Location::field("sample_rate_hz"),
            format!("expected a finite sample rate > 0 Hz, got {fs}"),
        ));
    }
    validate(program)?;
    for (key, def) in &program.definitions {
        let loc = Location {
            definition: Some(key.clone()),
            ..Location::default()
        };
        below_nyquist(&loc, "freqs_hz", &def.freqs_hz, fs)?;
    }
    let mut r = Resolver {
        program,
        fs,
        state: vec![ToneState::default(); program.logical_channels.len()],
        next_label: 0,
    };
    let mut segments = Vec::with_capacity(program.segments.len());
    for si in 0..program.segments.len() {
        segments.push(r.segment(si)?);
    }
    Ok(ResolvedProgram {
        sample_rate_hz: fs,
        logical_channels: program.logical_channels.clone(),
        segments,
    })
}

struct Resolver<'p> {
    program: &'p Program,
    fs: f64,
    state: Vec<ToneState>,
    next_label: ToneId,
}

/// Segment being built.
struct Building {
    parts: Vec<Part>,
    events: Vec<InstantEvent>,
    tone_counts: Option<(Vec<usize>, usize)>,
}

impl<'p> Resolver<'p> {
    fn labels(&mut self, n: usize) -> Vec<ToneId> {
        let start = self.next_label;
        self.next_label += n as ToneId;
        (start..self.next_label).collect()
    }

    fn channel(&self, name: &str) -> usize {
        self.program
            .channel_index(name)
            .expect("validated: op channels are declared")
    }

    fn segment(&mut self, si: usize) -> Result<ResolvedSegment, ProgramError> {
        let seg = &self.program.segments[si];
        let base = Location {
            segment: Some((si, seg.name.clone())),
            ..Location::default()
        };
        let mut b = Building {
            parts: Vec::new(),
            events: Vec::new(),
            tone_counts: None,
        };
        for (oi, op) in seg.ops.iter().enumerate() {
            let mut loc = base.clone();
            loc.op.push((oi, op.name()));
            self.op(&mut b, oi, op, &loc)?;
        }
        let total: u64 = b.parts.iter().map(|p| p.n_samples).sum();
        if total < 1 {
            return Err(ProgramError::new(
                base.with_field("ops"),
                format!(
                    "the segment lasts 0 samples at {} S/s; a segment must be at least one sample long \
                     (add a hold or a timed op)",
                    self.fs
                ),
            ));
        }
        Ok(ResolvedSegment {
            name: seg.name.clone(),
            mode: seg.mode,
            loop_count: seg.loop_count,
            phase_mode: seg.phase_mode,
            snap_len_to_quantum: seg.snap_len_to_quantum,
            snap_freqs_to_wrap: seg.snap_freqs_to_wrap,
            parts: b.parts,
            events: b.events,
        })
    }

    fn n_samples(&self, time_s: f64, loc: &Location) -> Result<u64, ProgramError> {
        let n = samples_for(time_s, self.fs);
        if n > MAX_PART_SAMPLES as f64 {
            return Err(ProgramError::new(
                loc.with_field("time_s"),
                format!(
                    "{time_s} s is {n:.0} samples at {} S/s, more than the {MAX_PART_SAMPLES} samples one part may last",
                    self.fs
                ),
            ));
        }
        Ok(n as u64)
    }

    fn push_part(
        &mut self,
        b: &mut Building,
        n: u64,
        oi: usize,
        changed: Vec<(usize, ChannelPart)>,
        loc: &Location,
    ) -> Result<(), ProgramError> {
        let mut channels: Vec<ChannelPart> = self.state.iter().map(ChannelPart::hold).collect();
        for (ch, part) in changed {
            channels[ch] = part;
        }
        let counts: Vec<usize> = channels.iter().map(|c| c.start.len()).collect();
        match &b.tone_counts {
            None => b.tone_counts = Some((counts, oi)),
            Some((first, first_op)) if *first != counts => {
                let ch = first
                    .iter()
                    .zip(&counts)
                    .position(|(a, c)| a != c)
                    .unwrap_or(0);
                return Err(ProgramError::new(
                    loc.with_field("logical_channel"),
                    format!(
                        "channel '{}' plays {} tones here but {} tones in the part made by op {first_op}; \
                         all timed parts of a segment need the same tone count — move the tone-count change \
                         into its own segment",
                        self.program.logical_channels[ch], counts[ch], first[ch]
                    ),
                ));
            }
            Some(_) => {}
        }
        b.parts.push(Part {
            n_samples: n,
            channels,
            op_index: Some(oi),
        });
        Ok(())
    }

    fn event(&self, b: &mut Building, oi: usize, ch: usize, kind: EventKind) {
        b.events.push(InstantEvent {
            op_index: oi,
            channel: ch,
            kind,
            before_part: b.parts.len(),
        });
    }

    fn op(
        &mut self,
        b: &mut Building,
        oi: usize,
        op: &Op,
        loc: &Location,
    ) -> Result<(), ProgramError> {
        match op {
            Op::Hold { time_s } => {
                let n = self.n_samples(*time_s, loc)?;
                if n > 0 {
                    self.push_part(b, n, oi, Vec::new(), loc)?;
                }
            }
            Op::UseDef { channel, def } => self.use_def(b, oi, channel, def),
            Op::AddTone {
                channel,
                freqs_hz,
                amps,
                phases_rad,
                at,
            } => {
                let tones: [&[f64]; 3] = [freqs_hz, amps, phases_rad];
                self.add_tone(b, oi, channel, tones, *at, loc)?;
            }
            Op::RemoveTones { channel, idxs } => {
                let ch = self.channel(channel);
                check_indices(loc, "idxs", idxs, self.state[ch].len(), channel)?;
                let keep: Vec<usize> = (0..self.state[ch].len())
                    .filter(|i| !idxs.contains(i))
                    .collect();
                self.state[ch] = self.state[ch].select(&keep);
                self.event(b, oi, ch, EventKind::RemoveTones);
            }
            Op::Move { .. } | Op::RampAmpTo { .. } | Op::RemapFromDef { .. } => {
                self.timed_op(b, oi, op, loc)?;
            }
            Op::Parallel { time_s, ops } => self.parallel(b, oi, *time_s, ops, loc)?,
        }
        Ok(())
    }

    /// `use_def`: the channel's tones become the definition's, with new identities.
    fn use_def(&mut self, b: &mut Building, oi: usize, channel: &str, def: &str) {
        let ch = self.channel(channel);
        let d = &self.program.definitions[def];
        let n = d.freqs_hz.len();
        self.state[ch] = ToneState {
            freqs_hz: d.freqs_hz.clone(),
            amps: d.amps.clone(),
            phases_rad: d.phases_rad.clone(),
            ids: self.labels(n),
            lineage: self.labels(n),
        };
        self.event(b, oi, ch, EventKind::UseDef);
    }

    /// `add_tone`: `tones` (frequencies, amplitudes, phases) inserted at `at` (the
    /// end when `None`), with new identities.
    fn add_tone(
        &mut self,
        b: &mut Building,
        oi: usize,
        channel: &str,
        [freqs_hz, amps, phases_rad]: [&[f64]; 3],
        at: Option<usize>,
        loc: &Location,
    ) -> Result<(), ProgramError> {
        let ch = self.channel(channel);
        let n0 = self.state[ch].len();
        let at = at.unwrap_or(n0);
        if at > n0 {
            return Err(ProgramError::new(
                loc.with_field("at"),
                format!(
                    "insertion index {at} is out of range: channel '{channel}' has {n0} tones here \
                     (expected 0..={n0})"
                ),
            ));
        }
        below_nyquist(loc, "freqs_hz", freqs_hz, self.fs)?;
        let k = freqs_hz.len();
        let ids = self.labels(k);
        let lineage = self.labels(k);
        let s = &mut self.state[ch];
        splice(&mut s.freqs_hz, at, freqs_hz);
        splice(&mut s.amps, at, amps);
        splice(&mut s.phases_rad, at, phases_rad);
        splice(&mut s.ids, at, &ids);
        splice(&mut s.lineage, at, &lineage);
        self.event(b, oi, ch, EventKind::AddTone);
        Ok(())
    }

    /// A timed op on one channel: a part when it lasts at least one sample, else an
    /// instant event.
    fn timed_op(
        &mut self,
        b: &mut Building,
        oi: usize,
        op: &Op,
        loc: &Location,
    ) -> Result<(), ProgramError> {
        let time_s = op.time_s().unwrap_or(0.0);
        let n = self.n_samples(time_s, loc)?;
        let (ch, part) = self.timed(op, loc)?;
        if n > 0 {
            if matches!(op, Op::RemapFromDef { .. }) {
                self.event(b, oi, ch, EventKind::RemapSelect);
            }
            let end = part.end.clone();
            self.push_part(b, n, oi, vec![(ch, part)], loc)?;
            self.state[ch] = end;
        } else {
            self.state[ch] = part.end;
            self.event(b, oi, ch, instant_kind(op));
        }
        Ok(())
    }

    /// A `parallel`: one part in which each sub-op's channel does its timed op, or
    /// one instant event per sub-op when it lasts 0 samples.
    fn parallel(
        &mut self,
        b: &mut Building,
        oi: usize,
        time_s: f64,
        ops: &[Op],
        loc: &Location,
    ) -> Result<(), ProgramError> {
        let n = self.n_samples(time_s, loc)?;
        let mut changed = Vec::new();
        for (i, sub) in ops.iter().enumerate() {
            let mut sloc = loc.clone();
            sloc.op.push((i, sub.name()));
            changed.push(self.timed(sub, &sloc)?);
        }
        if n > 0 {
            for ((ch, _), sub) in changed.iter().zip(ops) {
                if matches!(sub, Op::RemapFromDef { .. }) {
                    self.event(b, oi, *ch, EventKind::RemapSelect);
                }
            }
            let ends: Vec<(usize, ToneState)> =
                changed.iter().map(|(c, p)| (*c, p.end.clone())).collect();
            self.push_part(b, n, oi, changed, loc)?;
            for (ch, end) in ends {
                self.state[ch] = end;
            }
        } else {
            for ((ch, part), sub) in changed.into_iter().zip(ops) {
                self.state[ch] = part.end;
                self.event(b, oi, ch, instant_kind(sub));
            }
        }
        Ok(())
    }

    /// The channel part of a timed op starting from the current state.
    fn timed(&mut self, op: &Op, loc: &Location) -> Result<(usize, ChannelPart), ProgramError> {
        let (ch, start, end, interp) = match op {
            Op::Move {
                channel,
                df_hz,
                idxs,
                interp,
                ..
            } => {
                let (ch, start, end) = self.moved(channel, *df_hz, idxs.as_deref(), loc)?;
                (ch, start, end, interp)
            }
            Op::RampAmpTo {
                channel,
                amps,
                idxs,
                interp,
                ..
            } => {
                let (ch, start, end) =
                    self.ramped(channel, amps, idxs.as_deref(), interp.kind, loc)?;
                (ch, start, end, interp)
            }
            Op::RemapFromDef {
                channel,
                target_def,
                src,
                dst,
                interp,
                ..
            } => {
                let (ch, start, end) = self.remapped(channel, target_def, src, dst, loc)?;
                (ch, start, end, interp)
            }
            other => unreachable!("validated: {} is not a timed channel op", other.name()),
        };
        Ok((
            ch,
            ChannelPart {
                interp: *interp,
                start,
                end,
            },
        ))
    }

    /// Channel, start and end state of a `move`: every end frequency at 0 Hz or above
    /// and below the Nyquist frequency.
    fn moved(
        &self,
        channel: &str,
        df_hz: f64,
        idxs: Option<&[usize]>,
        loc: &Location,
    ) -> Result<(usize, ToneState, ToneState), ProgramError> {
        let ch = self.channel(channel);
        let start = self.state[ch].clone();
        let sel = selection(loc, idxs, start.len(), channel)?;
        let mut end = start.clone();
        for &i in &sel {
            end.freqs_hz[i] += df_hz;
            let (f0, f1) = (start.freqs_hz[i], end.freqs_hz[i]);
            let nyquist = self.fs / 2.0;
            if !(0.0..nyquist).contains(&f1) {
                return Err(ProgramError::new(
                    loc.with_field("df_hz"),
                    format!(
                        "moves tone {i} of channel '{channel}' from {f0} Hz to {f1} Hz; a move must end \
                         at 0 Hz or above and below the Nyquist frequency {nyquist} Hz ({} S/s)",
                        self.fs
                    ),
                ));
            }
        }
        Ok((ch, start, end))
    }

    /// Channel, start and end state of a `ramp_amp_to` (`kind` its interpolation).
    fn ramped(
        &self,
        channel: &str,
        amps: &AmpTarget,
        idxs: Option<&[usize]>,
        kind: InterpKind,
        loc: &Location,
    ) -> Result<(usize, ToneState, ToneState), ProgramError> {
        let ch = self.channel(channel);
        let start = self.state[ch].clone();
        let sel = selection(loc, idxs, start.len(), channel)?;
        let targets: Vec<f64> = match amps {
            AmpTarget::Scalar(a) => vec![*a; sel.len()],
            AmpTarget::List(v) if v.len() == 1 => vec![v[0]; sel.len()],
            AmpTarget::List(v) => {
                if v.len() != sel.len() {
                    return Err(ProgramError::new(
                        loc.with_field("amps_target"),
                        format!(
                            "expected 1 value or {} values (one per selected tone of channel '{channel}'), got {}",
                            sel.len(),
                            v.len()
                        ),
                    ));
                }
                v.clone()
            }
        };
        let mut end = start.clone();
        for (&i, &a) in sel.iter().zip(&targets) {
            end.amps[i] = a;
        }
        if kind == InterpKind::GeoRamp {
            geo_ramp_amplitudes(&start, &end, channel, loc)?;
        }
        Ok((ch, start, end))
    }

    /// Channel, start and end state of a `remap_from_def`: the `src` tones keep
    /// their identities and take the `dst` tones of the definition.
    fn remapped(
        &mut self,
        channel: &str,
        target_def: &str,
        src: &[usize],
        dst: &Dst,
        loc: &Location,
    ) -> Result<(usize, ToneState, ToneState), ProgramError> {
        let ch = self.channel(channel);
        check_indices(loc, "src", src, self.state[ch].len(), channel)?;
        let d = &self.program.definitions[target_def];
        let dst: Vec<usize> = match dst {
            Dst::All => (0..d.freqs_hz.len()).collect(),
            Dst::List(v) => v.clone(),
        };
        let start = self.state[ch].select(src);
        let end = ToneState {
            freqs_hz: dst.iter().map(|&i| d.freqs_hz[i]).collect(),
            amps: dst.iter().map(|&i| d.amps[i]).collect(),
            phases_rad: dst.iter().map(|&i| d.phases_rad[i]).collect(),
            ids: start.ids.clone(),
            lineage: self.labels(dst.len()),
        };
        Ok((ch, start, end))
    }
}

/// Refuses a `geo_ramp` between amplitudes that are not both non-zero and of the
/// same sign (tones whose amplitude does not change are fine).
fn geo_ramp_amplitudes(
    start: &ToneState,
    end: &ToneState,
    channel: &str,
    loc: &Location,
) -> Result<(), ProgramError> {
    for i in 0..start.len() {
        let (s, e) = (start.amps[i], end.amps[i]);
        if s != e && (s == 0.0 || e == 0.0 || s.signum() != e.signum()) {
            return Err(ProgramError::new(
                loc.with_field("amps_target"),
                format!(
                    "geo_ramp needs non-zero start and end amplitudes of the same sign; tone {i} of \
                     channel '{channel}' goes from {s} to {e}"
                ),
            ));
        }
    }
    Ok(())
}

/// Refuses a tone at or above the Nyquist frequency `fs / 2` (in magnitude): it
/// would alias to another frequency.
fn below_nyquist(
    loc: &Location,
    field: &str,
    freqs_hz: &[f64],
    fs: f64,
) -> Result<(), ProgramError> {
    let nyquist = fs / 2.0;
    match freqs_hz.iter().position(|f| f.abs() >= nyquist) {
        Some(i) => Err(ProgramError::new(
            loc.with_field(format!("{field}[{i}]")),
            format!(
                "a tone at {} Hz is at or above the Nyquist frequency {nyquist} Hz of {fs} S/s \
                 and would alias; expected |f| < {nyquist} Hz",
                freqs_hz[i]
            ),
        )),
        None => Ok(()),
    }
}

/// The event kind of a timed op applied with zero duration.
fn instant_kind(op: &Op) -> EventKind {
    match op {
        Op::Move { .. } => EventKind::Move,
        Op::RampAmpTo { .. } => EventKind::RampAmp,
        _ => EventKind::Remap,
    }
}

fn splice<T: Clone>(v: &mut Vec<T>, at: usize, items: &[T]) {
    let tail = v.split_off(at);
    v.extend_from_slice(items);
    v.extend(tail);
}

fn check_indices(
    loc: &Location,
    field: &str,
    idxs: &[usize],
    n: usize,
    channel: &str,
) -> Result<(), ProgramError> {
    if let Some((pos, bad)) = idxs.iter().enumerate().find(|(_, i)| **i >= n) {
        return Err(ProgramError::new(
            loc.with_field(format!("{field}[{pos}]")),
            format!(
                "tone index {bad} is out of range: channel '{channel}' has {n} tones here{}",
                if n == 0 {
                    String::new()
                } else {
                    format!(" (expected 0..={})", n - 1)
                }
            ),
        ));
    }
    Ok(())
}

fn selection(
    loc: &Location,
    idxs: Option<&[usize]>,
    n: usize,
    channel: &str,
) -> Result<Vec<usize>, ProgramError> {
    match idxs {
        None => Ok((0..n).collect()),
        Some(v) => {
            check_indices(loc, "idxs", v, n, channel)?;
            Ok(v.to_vec())
        }
    }
}
