//! Stop requests from signals. SIGINT, SIGTERM and SIGHUP all set one flag that the
//! commands holding a card poll, so the card is stopped and released before the
//! process exits, whichever way it was asked to stop. A second signal exits at once.

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use awgsf_core::error::{exit, Error};

static STOP: AtomicBool = AtomicBool::new(false);
static INSTALLED: OnceLock<Result<(), String>> = OnceLock::new();

/// Installs the handler (once per process; later calls return the first outcome).
pub fn install() -> Result<(), Error> {
    INSTALLED
        .get_or_init(|| {
            ctrlc::set_handler(|| {
                if STOP.swap(true, Ordering::SeqCst) {
                    eprintln!("second stop request: exiting at once");
                    std::process::exit(exit::INTERRUPTED);
                }
                eprintln!(
                    "stop requested: stopping and releasing the card (again to exit at once)"
                );
            })
            .map_err(|e| e.to_string())
        })
        .clone()
        .map_err(|e| Error::Internal(format!("cannot install the signal handler: {e}")))
}

/// Whether a stop was requested.
pub fn requested() -> bool {
    STOP.load(Ordering::SeqCst)
}
