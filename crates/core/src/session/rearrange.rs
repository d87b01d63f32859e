//! `Session::rearrange`: an occupancy in, the program's move segment rebuilt for it
//! (phase-closed), rendered and written to its slot while the card plays; no other
//! slot is touched.

use std::time::Instant;

use awgsf_plugin_api::CardFeatures;

use super::{CompiledMove, Session};
use crate::error::{Error, Result};
use crate::pipeline::LowerOptions;
use crate::program::{Dst, Op, PhaseMode, Program};
use crate::rearrange::assign::assign;
use crate::rearrange::closure::{close_move, MoveTarget};
use crate::rearrange::{AtomMove, RearrangeReport, RearrangeRequest, RearrangeTimings};
use crate::render::render_codes;

/// The program's move: where it is and what it fills.
pub struct MoveSite {
    /// Segment index.
    pub segment: usize,
    /// Logical channel index.
    pub channel: usize,
    /// Target definition tone filled by each result tone.
    pub dst: Vec<usize>,
    /// Tones in the target definition.
    pub target_tones: usize,
}

fn refuse(message: impl Into<String>) -> Error {
    Error::Rearrange(message.into())
}

/// Finds the move segment of `program` (the one named, or the only segment whose one
/// op is a `remap_from_def`) and checks its shape, so that a program can be checked
/// before it is played.
pub fn find_move(program: &Program, name: Option<&str>) -> Result<MoveSite> {
    let is_move = |ops: &[Op]| matches!(ops, [Op::RemapFromDef { .. }]);
    let index = match name {
        Some(name) => program
            .segments
            .iter()
            .position(|s| s.name == name)
            .ok_or_else(|| {
                refuse(format!(
                    "the program has no segment '{}'",
                    name.escape_debug()
                ))
            })?,
        None => {
            let found: Vec<usize> = (0..program.segments.len())
                .filter(|&i| is_move(&program.segments[i].ops))
                .collect();
            match found.as_slice() {
                [i] => *i,
                [] => return Err(refuse(
                    "the program has no move segment (a segment whose one op is a remap_from_def)",
                )),
                many => {
                    let names: Vec<&str> = many
                        .iter()
                        .map(|&i| program.segments[i].name.as_str())
                        .collect();
                    return Err(refuse(format!(
                        "the program has {} move segments ({}): name one",
                        many.len(),
                        names.join(", ")
                    )));
                }
            }
        }
    };
    let seg = &program.segments[index];
    let [Op::RemapFromDef {
        channel,
        target_def,
        dst,
        ..
    }] = seg.ops.as_slice()
    else {
        return Err(refuse(format!(
            "segment '{}' is not a move: its one op must be a remap_from_def",
            seg.name
        )));
    };
    if seg.is_loopable() {
        return Err(refuse(format!(
            "move segment '{}' must play once (not loop_n > 1 or wait_trig)",
            seg.name
        )));
    }
    if index == 0 || seg.phase_mode != PhaseMode::Continue {
        return Err(refuse(format!(
            "move segment '{}' must follow the loading segment and continue its phases",
            seg.name
        )));
    }
    let def = &program.definitions[target_def];
    let target_tones = def.freqs_hz.len();
    let dst = match dst {
        Dst::All => (0..target_tones).collect(),
        Dst::List(l) => l.clone(),
    };
    let channel = program
        .logical_channels
        .iter()
        .position(|c| c == channel)
        .ok_or_else(|| Error::Internal(format!("unknown channel {channel}")))?;
    Ok(MoveSite {
        segment: index,
        channel,
        dst,
        target_tones,
    })
}

/// Checks the target mask against what the program's move fills.
fn check_target(site: &MoveSite, target: Option<&[bool]>) -> Result<()> {
    let Some(mask) = target else { return Ok(()) };
    if mask.len() != site.target_tones {
        return Err(refuse(format!(
            "the target has {} entries; the target definition has {} tones",
            mask.len(),
            site.target_tones
        )));
    }
    let wanted: Vec<usize> = (0..mask.len()).filter(|&i| mask[i]).collect();
    let mut filled = site.dst.clone();
    filled.sort_unstable();
    if wanted != filled {
        return Err(refuse(format!(
            "the program's move fills target tones {filled:?}, not {wanted:?}: another target \
             changes the segments after the move; change the move's dst and run the program"
        )));
    }
    Ok(())
}

impl Session {
    /// Moves the atoms of `req.occupancy` onto the target sites: assigns atoms to
    /// sites (least travel, no crossings), rebuilds the program's move segment for
    /// them with every phase closed on what the next segment starts with, renders it
    /// and rewrites its slot while the card plays. Nothing else on the card changes,
    /// and on any refusal nothing at all does.
    pub fn rearrange(&mut self, req: &RearrangeRequest) -> Result<RearrangeReport> {
        let t0 = Instant::now();
        let on = self.on_card.as_ref().ok_or_else(|| {
            Error::Usage("nothing is on the card: run a program with a move segment first".into())
        })?;
        if !self.card.info.features.contains(CardFeatures::HOT_SWAP) {
            return Err(refuse(
                "the card cannot rewrite a segment while it plays (no hot-swap feature)",
            ));
        }
        let site = find_move(&on.loaded.program, req.segment.as_deref())?;
        check_target(&site, req.target.as_deref())?;
        let m = site.segment;
        let q = &on.planned.quantized;
        // The move as compiled: later rearrangements rebuild it, not the last one.
        let compiled = match &on.move_closing {
            Some(c) if c.segment == m => c.clone(),
            _ => CompiledMove {
                segment: m,
                quantized: q.segments[m].clone(),
                end: on.planned.lowered[m].end.clone(),
            },
        };
        let seg_name = compiled.quantized.segment.name.clone();
        let loading = q.segments[m - 1].segment.end_state(site.channel);
        if req.occupancy.len() != loading.len() {
            return Err(refuse(format!(
                "the occupancy has {} entries; move segment '{seg_name}' starts from {} tones",
                req.occupancy.len(),
                loading.len()
            )));
        }
        let move_part = &compiled.quantized.segment.parts[0];
        let sites_hz = move_part.channels[site.channel].end.freqs_hz.clone();
        let src = assign(&loading.freqs_hz, &req.occupancy, &sites_hz)
            .map_err(|e| refuse(e.to_string()))?;
        let t_assign = t0.elapsed().as_secs_f64();

        let move_s = move_part.n_samples as f64 / q.sample_rate_hz;
        let bound_hz = match req.max_correction_hz {
            Some(b) if b.is_finite() && b >= 0.0 => b,
            Some(b) => {
                return Err(Error::Usage(format!(
                    "max_correction_hz {b}: expected a finite, non-negative number"
                )))
            }
            None => 1.0 / move_s,
        };
        let settings = self.compile_settings(&on.loaded.program.logical_channels)?;
        let closed = close_move(
            &MoveTarget {
                program: q,
                segment: m,
                original: &compiled.quantized,
                channel: site.channel,
                previous_end: &on.planned.lowered[m - 1].end,
                closing: &compiled.end,
                bound_hz,
                layout: &settings.layout,
                options: &LowerOptions {
                    effort: settings.effort,
                },
            },
            &src,
        )
        .map_err(|e| refuse(format!("move segment '{seg_name}': {e}")))?;
        let t_plan = t0.elapsed().as_secs_f64();

        let slot = on.slots.slot_of_segment[m];
        if on
            .slots
            .slot_of_segment
            .iter()
            .filter(|&&s| s == slot)
            .count()
            > 1
        {
            return Err(refuse(format!(
                "move segment '{seg_name}' shares its card slot with an identical segment; give it a slot of its own"
            )));
        }
        let data = render_codes(
            &self.synth.backend,
            std::slice::from_ref(&closed.lowered.plan),
            &(),
        )?
        .remove(0);
        let t_render = t0.elapsed().as_secs_f64();
        if let Err(e) = self.card.update_segment(
            slot,
            &seg_name,
            data.n_samples,
            data.n_channels,
            &data.codes,
        ) {
            // A slot written in part would play garbage: stop the card; the next
            // program is uploaded in full.
            let _ = self.card.stop();
            self.on_card = None;
            return Err(e);
        }
        let total_s = t0.elapsed().as_secs_f64();

        let Some(on) = self.on_card.as_mut() else {
            return Err(Error::Internal("the program on the card went away".into()));
        };
        let loading = on.planned.quantized.segments[m - 1]
            .segment
            .end_state(site.channel)
            .clone();
        let moves: Vec<AtomMove> = src
            .iter()
            .enumerate()
            .map(|(j, &i)| AtomMove {
                from_tone: i,
                to_tone: site.dst[j],
                from_hz: loading.freqs_hz[i],
                to_hz: sites_hz[j],
                correction_hz: closed.corrections_hz[j],
            })
            .collect();
        let unused_atoms = (0..req.occupancy.len())
            .filter(|&i| req.occupancy[i] && !src.contains(&i))
            .collect();
        on.move_closing = Some(compiled);
        let report = RearrangeReport {
            segment: seg_name,
            slot,
            channel: on.planned.quantized.logical_channels[site.channel].clone(),
            atoms: req.occupancy.iter().filter(|&&o| o).count(),
            sites: src.len(),
            max_correction_hz: closed
                .corrections_hz
                .iter()
                .fold(0.0f64, |a, d| a.max(d.abs())),
            moves,
            unused_atoms,
            move_s,
            bound_hz,
            max_phase_error_rad: closed.max_phase_error_rad,
            timings: RearrangeTimings {
                assign_s: t_assign,
                plan_s: t_plan - t_assign,
                render_s: t_render - t_plan,
                upload_s: total_s - t_render,
                total_s,
            },
        };
        on.planned.quantized.segments[m] = closed.segment;
        on.planned.lowered[m] = closed.lowered;
        on.samples[m] = data;
        Ok(report)
    }
}
