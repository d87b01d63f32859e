//! `awgsf rearrange`: play a program with a move segment, then move the atoms of an
//! occupancy onto the target sites by rewriting only the move; prints the
//! assignment, the slot written, the latency split and the continuity check.

use std::path::Path;

use serde_json::json;

use awgsf_core::error::{exit, Error};
use awgsf_core::format::{duration, si};
use awgsf_core::rearrange::{find_move, RearrangeReport, RearrangeRequest};
use awgsf_core::session::{JobOptions, Session};
use awgsf_core::verify::{ContinuityReport, DEFAULT_THRESHOLD};

use super::args::RearrangeArgs;
use super::basic::load;
use super::run::load_config;

/// `0`/`1` per tweezer from `text` (or from the file `text` names); `_`, spaces,
/// commas and line breaks separate nothing and are skipped.
fn bits(flag: &str, text: &str) -> Result<Vec<bool>, Error> {
    let is_bits = |t: &str| {
        t.chars()
            .all(|c| matches!(c, '0' | '1' | '_' | ',' | ' ' | '\n' | '\r' | '\t'))
    };
    let (body, origin) = if !is_bits(text) && Path::new(text).is_file() {
        let body = awgsf_core::input::read_to_string(Path::new(text))
            .map_err(|e| Error::io(&format!("cannot read {flag} file"), Path::new(text), e))?;
        (body, format!("{flag} file {text}"))
    } else {
        (text.to_string(), flag.to_string())
    };
    let mut out = Vec::new();
    for (i, c) in body.chars().enumerate() {
        match c {
            '0' => out.push(false),
            '1' => out.push(true),
            '_' | ',' | ' ' | '\n' | '\r' | '\t' => {}
            other => {
                return Err(Error::Usage(format!(
                    "{origin}: character {} is '{}'; expected 0 or 1 per tweezer \
                     (or the path of a file holding them)",
                    i + 1,
                    other.escape_default()
                )))
            }
        }
    }
    if out.is_empty() {
        return Err(Error::Usage(format!("{origin}: no 0 or 1 in it")));
    }
    Ok(out)
}

fn plural(n: usize) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// The rearrangement and the check in words, in lines of at most 100 characters
/// (the assignment table has one row per site).
fn render(r: &RearrangeReport, c: &ContinuityReport) -> String {
    let mut s = format!(
        "rearranged '{}' (channel {}): {} atom{}, {} site{} filled\n\
         card slot {} rewritten, no other\n",
        r.segment,
        r.channel,
        r.atoms,
        plural(r.atoms),
        r.sites,
        plural(r.sites),
        r.slot
    );
    if !r.unused_atoms.is_empty() {
        s += &format!(
            "{} atom{} not needed: tones {:?} end where the move starts\n",
            r.unused_atoms.len(),
            plural(r.unused_atoms.len()),
            r.unused_atoms
        );
    }
    s += "  tone  from          to            phase correction\n";
    for m in &r.moves {
        s += &format!(
            "  {:>4}  {:<12}  {:<12}  {:+.1} Hz\n",
            m.from_tone,
            si(m.from_hz, "Hz"),
            si(m.to_hz, "Hz"),
            m.correction_hz
        );
    }
    let t = &r.timings;
    s += &format!(
        "move {}: corrections up to {:.1} Hz (bound {:.1} Hz), end-phase error {:.1e} rad\n",
        duration(r.move_s, 4),
        r.max_correction_hz,
        r.bound_hz,
        r.max_phase_error_rad
    );
    s += &format!(
        "latency {}: assign {} · plan {} · render {} · upload {}\n",
        duration(t.total_s, 3),
        duration(t.assign_s, 3),
        duration(t.plan_s, 3),
        duration(t.render_s, 3),
        duration(t.upload_s, 3)
    );
    s += &format!("continuity:\n  {}", c.summary());
    s
}

/// `awgsf rearrange`.
pub fn rearrange(a: &RearrangeArgs) -> Result<i32, Error> {
    let req = RearrangeRequest {
        occupancy: bits("--occupancy", &a.occupancy)?,
        target: a
            .target
            .as_deref()
            .map(|t| bits("--target", t))
            .transpose()?,
        segment: a.segment.clone(),
        max_correction_hz: a.max_correction_hz,
    };
    let config = load_config(&a.config)?;
    let loaded = load(&a.program.spec())?;
    // A program without a move is refused before anything is compiled or played.
    find_move(&loaded.program, a.segment.as_deref())?;
    let mut session = Session::open(config)?;
    let opts = JobOptions {
        force_trigger: true,
        verify: false,
        threshold_fs: DEFAULT_THRESHOLD,
    };
    let outcome = session.run(loaded, &opts).and_then(|_| {
        let r = session.rearrange(&req)?;
        // Play through the move so the card's record shows it.
        session.card.force_trigger()?;
        let c = session.verify_on_card(DEFAULT_THRESHOLD)?;
        Ok((r, c))
    });
    let close = session.close();
    let (report, continuity) = outcome?;
    close?;
    if a.json {
        let v = json!({
            "rearrangement": report,
            "continuity": {
                "summary": continuity.summary(),
                "unrequested": continuity.unrequested(),
                "report": continuity,
            },
        });
        println!(
            "{}",
            serde_json::to_string_pretty(&v).map_err(|e| Error::Internal(e.to_string()))?
        );
    } else {
        println!("{}", render(&report, &continuity));
    }
    if continuity.unrequested() > 0 {
        return Err(Error::Verification(format!(
            "{} unrequested discontinuities after the rearrangement",
            continuity.unrequested()
        )));
    }
    Ok(exit::OK)
}
