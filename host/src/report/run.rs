//! The summary `awgsf run` prints.

use awgsf_core::format::{bytes, sci, seconds, significant};
use awgsf_core::session::RunReport;

use super::table::{kv_table, new_table};

impl super::Render for RunReport {
    fn render(&self) -> String {
        let mut out = String::new();
        for n in &self.notices {
            out.push_str(&format!("notice: {n}\n"));
        }
        let t = &self.timings;
        let mut tab = kv_table();
        tab.add_row(vec![
            "program".into(),
            format!("{} (digest {})", self.source, &self.digest[..12]),
        ]);
        tab.add_row(vec!["synthesis".into(), self.synthesis.clone()]);
        tab.add_row(vec!["card".into(), self.card.clone()]);
        tab.add_row(vec![
            "segments".into(),
            format!(
                "{} in {} slots ({} shared, {} saved), {} steps",
                self.segments,
                self.slots,
                self.shared_segments,
                bytes(self.saved_bytes),
                self.steps
            ),
        ]);
        tab.add_row(vec![
            "samples".into(),
            format!(
                "{} per channel × {} channels, {} on the card, {} of program",
                self.samples_per_channel,
                self.channels,
                bytes(self.card_bytes),
                seconds(self.duration_s)
            ),
        ]);
        tab.add_row(vec![
            "stages".into(),
            format!(
                "resolve {} · quantise {} · phases {} · render {} · upload {}",
                seconds(t.resolve_s),
                seconds(t.quantize_s),
                seconds(t.lower_s),
                seconds(t.render_s),
                seconds(t.upload_s)
            ),
        ]);
        tab.add_row(vec![
            "throughput".into(),
            format!(
                "{} tone-samples in {}: {} tone-samples/s; real-time factor {} (compile / program duration)",
                sci(self.tone_samples as f64),
                seconds(t.render_s),
                sci(self.tone_samples_per_s),
                significant(self.real_time_factor, 3)
            ),
        ]);
        if let Some(rss) = self.peak_rss_bytes {
            tab.add_row(vec!["peak memory".into(), bytes(rss)]);
        }
        tab.add_row(vec![
            "clipping".into(),
            if self.clipping.iter().all(|c| c.clipped_samples == 0) {
                "none".into()
            } else {
                format!(
                    "WARNING: {} samples clipped",
                    self.clipping.iter().map(|c| c.clipped_samples).sum::<u64>()
                )
            },
        ]);
        if let Some(c) = &self.continuity {
            tab.add_row(vec!["continuity".into(), c.summary()]);
        }
        out.push_str(&tab.to_string());
        if self
            .clipping
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
            for c in &self.clipping {
                ct.add_row(vec![
                    c.segment.clone(),
                    c.hardware_channel.to_string(),
                    c.clipped_samples.to_string(),
                    significant(c.peak_over_full_scale, 4),
                    c.calib_clamped.to_string(),
                    significant(c.calib_max_ratio, 4),
                ]);
            }
            out.push_str(&format!("\n{ct}"));
        }
        if let Some(c) = &self.continuity {
            if !c.discontinuities.is_empty() {
                let mut dt = new_table(
                    &[
                        "from",
                        "to",
                        "channel",
                        "samples / FS",
                        "tones",
                        "played",
                        "what",
                        "cause",
                    ],
                    &[false, false, true, true, true, true, false, false],
                );
                for d in &c.discontinuities {
                    dt.add_row(vec![
                        d.from_name.clone(),
                        d.to_name.clone(),
                        d.hardware_channel.to_string(),
                        significant(d.sample_jump_fs, 3),
                        significant(d.tone_jump, 3),
                        d.played.to_string(),
                        d.detail.clone(),
                        if d.causes.is_empty() {
                            "UNREQUESTED".to_string()
                        } else {
                            d.causes.join("; ")
                        },
                    ]);
                }
                out.push_str(&format!("\n{dt}"));
            }
        }
        out
    }
}
