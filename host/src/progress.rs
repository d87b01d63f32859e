//! Progress bars for work that takes more than a second (hidden when stderr is not
//! a terminal, when JSON output is asked for, and for the first second).

use std::sync::Mutex;
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use awgsf_core::render::Progress;

/// Delay before a bar appears.
pub const SHOW_AFTER: Duration = Duration::from_secs(1);

/// A progress bar that appears only once work has run for [`SHOW_AFTER`]; each
/// [`Progress::start`] begins a fresh bar.
pub struct DelayedBar {
    state: Mutex<BarState>,
}

/// The bar of the work in progress.
struct BarState {
    bar: ProgressBar,
    started: Instant,
    shown: bool,
}

fn hidden_bar(what: &str) -> ProgressBar {
    let bar = ProgressBar::with_draw_target(None, ProgressDrawTarget::hidden());
    bar.set_style(
        ProgressStyle::with_template(
            "{msg:>10} [{bar:40}] {percent:>3}% {human_pos}/{human_len} samples, eta {eta}",
        )
        .unwrap_or_else(|_| ProgressStyle::default_bar())
        .progress_chars("=> "),
    );
    bar.set_message(what.to_string());
    bar
}

impl DelayedBar {
    /// A bar on stderr (drawn only after [`SHOW_AFTER`]).
    pub fn new() -> DelayedBar {
        DelayedBar {
            state: Mutex::new(BarState {
                bar: hidden_bar(""),
                started: Instant::now(),
                shown: false,
            }),
        }
    }

    fn state(&self) -> std::sync::MutexGuard<'_, BarState> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }
}

impl Default for DelayedBar {
    fn default() -> Self {
        DelayedBar::new()
    }
}

impl Progress for DelayedBar {
    fn start(&self, what: &str) {
        let mut s = self.state();
        s.bar = hidden_bar(what);
        s.started = Instant::now();
        s.shown = false;
    }

    fn update(&self, done: u64, total: u64) {
        let mut s = self.state();
        s.bar.set_length(total);
        s.bar.set_position(done);
        if !s.shown && s.started.elapsed() >= SHOW_AFTER {
            s.bar.set_draw_target(ProgressDrawTarget::stderr());
            s.shown = true;
        }
    }

    fn finish(&self) {
        self.state().bar.finish_and_clear();
    }
}

/// Gives `session` a progress bar unless the output is JSON or stderr is not a
/// terminal.
pub fn attach(session: &mut awgsf_core::session::Session, json: bool) {
    use std::io::IsTerminal;
    if !json && std::io::stderr().is_terminal() {
        session.set_progress(Box::new(DelayedBar::new()));
    }
}
