//! Progress bars for work that takes more than a second (hidden when stderr is not
//! a terminal, when JSON output is asked for, and for the first second).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::render::Progress;

/// Delay before a bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar that appears only once work has run for [`SHOW_AFTER`].
pub struct DelayedBar {
    bar: ProgressBar,
    started: Instant,
    shown: Mutex<bool>,
    enabled: bool,
}

impl DelayedBar {
    /// A bar for `what` (e.g. "rendering"), counting samples; `enabled = false`
    /// (JSON output, quiet) never draws.
    pub fn new(what: &str, enabled: bool) -> DelayedBar {
        let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
        bar.set_style(
            ProgressStyle::with_template(
                "{msg:>10} [{bar:40}] {percent:>3}% {human_pos}/{human_len} samples, eta {eta}",
            )
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
        );
        bar.set_message(what.to_string());
        DelayedBar {
            bar,
            started: Instant::now(),
            shown: Mutex::new(false),
            enabled,
        }
    }

    /// Removes the bar.
    pub fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

impl Progress for DelayedBar {
    fn update(&self, done: u64, total: u64) {
        self.bar.set_length(total);
        self.bar.set_position(done);
        if self.enabled && self.started.elapsed() >= SHOW_AFTER {
            let mut shown = self.shown.lock().unwrap_or_else(|e| e.into_inner());
            if !*shown {
                self.bar.set_draw_target(ProgressDrawTarget::stderr());
                *shown = true;
            }
        }
    }
}
