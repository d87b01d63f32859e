//! The summary `awgsf run` (and `awgsf compile`) prints.

use awgsf_core::format::{bytes, count, number, sci, seconds, significant};
use awgsf_core::session::RunReport;
use awgsf_core::verify::{ContinuityReport, Discontinuity};

use super::table::{kv_table, new_table, wrap};

/// What `--help` of `run` says about the discontinuity table.
pub const COLUMNS_HELP: &str = "\
Discontinuities: every transition of the step graph and every transition the card \
played is compared with what the previous segment's tones would have produced next. \
Jumps the program asked for are counted per cause (`--details` lists each); any \
other jump is listed and fails the run (exit 10). Columns: from, to = the segments \
before and after the boundary; ch = hardware channel; jump/FS = largest sample \
jump over full scale; tones = largest tone phasor jump over the channel's summed \
amplitude; played = times the card played this transition (0: only in the step \
graph); what = which tone jumped most, and how; cause = why the program asked for \
it, or UNREQUESTED.";

/// A run report with what the command knows around it: the config used, where
/// outputs went, and whether every discontinuity is listed.
pub struct RunSummary<'a> {
    /// The report of the job.
    pub report: &'a RunReport,
    /// The config file used, or "built-in defaults".
    pub config: String,
    /// Where outputs went.
    pub outputs: String,
    /// List requested discontinuities one by one (`--details`).
    pub details: bool,
}

impl super::Render for RunSummary<'_> {
    fn render(&self) -> String {
        let r = self.report;
        let mut out = String::new();
        for n in &r.notices {
            out.push_str(&wrap(&format!("notice: {n}"), "  "));
            out.push('\n');
        }
        let t = &r.timings;
        let mut tab = kv_table();
        let mut row = |k: &str, v: String| {
            tab.add_row(vec![k.to_string(), v]);
        };
        row("config", self.config.clone());
        row(
            "program",
            format!("{} (digest {})", r.source, &r.digest[..12]),
        );
        row("synthesis", r.synthesis.clone());
        row("card", r.card.clone());
        row(
            "segments",
            format!(
                "{} in {} ({} shared, {} saved), {}",
                count(r.segments as u64, "segment", "segments"),
                count(r.slots as u64, "slot", "slots"),
                r.shared_segments,
                bytes(r.saved_bytes),
                count(r.steps as u64, "step", "steps")
            ),
        );
        row(
            "samples",
            format!(
                "{} per channel × {}, {} on the card, {} of program",
                r.samples_per_channel,
                count(u64::from(r.channels), "channel", "channels"),
                bytes(r.card_bytes),
                seconds(r.duration_s)
            ),
        );
        row(
            "stages",
            format!(
                "resolve {} · quantise {} · phases {}\nrender {} · upload {}",
                seconds(t.resolve_s),
                seconds(t.quantize_s),
                seconds(t.lower_s),
                seconds(t.render_s),
                seconds(t.upload_s)
            ),
        );
        row(
            "throughput",
            format!(
                "{} tone-samples in {}: {} tone-samples/s\nreal-time factor {} (compile / program duration)",
                sci(r.tone_samples as f64),
                seconds(t.render_s),
                sci(r.tone_samples_per_s),
                significant(r.real_time_factor, 3)
            ),
        );
        if let Some(rss) = r.peak_rss_bytes {
            row("peak memory", bytes(rss));
        }
        row(
            "clipping",
            if r.clipping.iter().all(|c| c.clipped_samples == 0) {
                "none".into()
            } else {
                format!(
                    "WARNING: {} clipped",
                    count(
                        r.clipping.iter().map(|c| c.clipped_samples).sum::<u64>(),
                        "sample",
                        "samples"
                    )
                )
            },
        );
        if let Some(c) = &r.continuity {
            row("continuity", format!("{}\n{}", c.checked(), c.found()));
            if let Some(text) = requested_counts(c, self.details) {
                row("requested", text);
            }
        }
        row("outputs", self.outputs.clone());
        out.push_str(&tab.trim_fmt());
        if r.clipping
            .iter()
            .any(|c| c.clipped_samples > 0 || c.calib_clamped > 0)
        {
            let mut ct = new_table(
                &[
                    "segment",
                    "channel",
                    "clipped",
                    "peak / FS",
                    "calib. clamped",
                    "max p/g",
                ],
                &[false, true, true, true, true, true],
            );
            for c in &r.clipping {
                ct.add_row(vec![
                    c.segment.clone(),
                    c.hardware_channel.to_string(),
                    c.clipped_samples.to_string(),
                    number(c.peak_over_full_scale, 4),
                    c.calib_clamped.to_string(),
                    number(c.calib_max_ratio, 4),
                ]);
            }
            out.push_str(&format!("\n{}", ct.trim_fmt()));
        }
        if let Some(c) = &r.continuity {
            let listed: Vec<&Discontinuity> = c
                .discontinuities
                .iter()
                .filter(|d| self.details || d.unrequested())
                .collect();
            if !listed.is_empty() {
                out.push_str(&format!("\n{}", discontinuity_table(&listed)));
            }
        }
        out
    }
}

/// The requested jumps, one line per cause; `None` when there are none. Without
/// `details`, says how to list them.
fn requested_counts(c: &ContinuityReport, details: bool) -> Option<String> {
    let by_cause = c.requested_by_cause();
    if by_cause.is_empty() {
        return None;
    }
    let mut lines: Vec<String> = by_cause
        .iter()
        .map(|(cause, n)| format!("{n} × {cause}"))
        .collect();
    if !details {
        lines.push("(all asked for by the program; --details lists them)".into());
    }
    Some(lines.join("\n"))
}

/// The table of the given discontinuities (columns explained in `run --help`).
fn discontinuity_table(ds: &[&Discontinuity]) -> String {
    let mut dt = new_table(
        &[
            "from", "to", "ch", "jump/FS", "tones", "played", "what", "cause",
        ],
        &[false, false, true, true, true, true, false, false],
    );
    for d in ds {
        dt.add_row(vec![
            d.from_name.clone(),
            d.to_name.clone(),
            d.hardware_channel.to_string(),
            number(d.sample_jump_fs, 3),
            number(d.tone_jump, 3),
            d.played.to_string(),
            d.detail.clone(),
            if d.causes.is_empty() {
                "UNREQUESTED".to_string()
            } else {
                d.causes.join("; ")
            },
        ]);
    }
    dt.trim_fmt()
}
