//! `awgsf run --watch`: recompile and hot-swap whenever the program file changes,
//! until interrupted (the card is then stopped and released).

use std::path::Path;
use std::sync::mpsc;
use std::time::Duration;

use notify::{RecursiveMode, Watcher};

use awgsf_core::error::{exit, Error};
use awgsf_core::format::seconds;
use awgsf_core::program::load_program;
use awgsf_core::session::{JobOptions, Session};

use super::signals;

/// Watches `spec` (a program file) and swaps each new version onto the card.
pub fn watch(
    mut session: Session,
    spec: &str,
    opts: &JobOptions,
    json: bool,
) -> Result<i32, Error> {
    let path = Path::new(spec);
    if !path.is_file() {
        let _ = session.close();
        return Err(Error::Usage(format!(
            "--watch needs a program file, and `{spec}` is not one"
        )));
    }
    let (tx, rx) = mpsc::channel();
    let mut watcher = notify::recommended_watcher(move |ev: notify::Result<notify::Event>| {
        if let Ok(ev) = ev {
            if ev.kind.is_modify() || ev.kind.is_create() {
                let _ = tx.send(());
            }
        }
    })
    .map_err(|e| Error::io_message(format!("cannot watch {}: {e}", path.display())))?;
    let dir = path
        .parent()
        .filter(|p| !p.as_os_str().is_empty())
        .unwrap_or(Path::new("."));
    watcher
        .watch(dir, RecursiveMode::NonRecursive)
        .map_err(|e| Error::io_message(format!("cannot watch {}: {e}", dir.display())))?;
    eprintln!(
        "watching {} (Ctrl-C, SIGTERM or SIGHUP stops the card and exits)",
        path.display()
    );
    let mut last = awgsf_core::input::read(path).ok();
    while !signals::requested() {
        if rx.recv_timeout(Duration::from_millis(200)).is_err() {
            continue;
        }
        // Let the editor finish writing, then drain duplicate events.
        std::thread::sleep(Duration::from_millis(50));
        while rx.try_recv().is_ok() {}
        let now = awgsf_core::input::read(path).ok();
        if now == last || now.is_none() {
            continue;
        }
        last = now;
        let loaded = match load_program(spec) {
            Ok(l) => l,
            Err(e) => {
                eprintln!("not swapped: {e}");
                continue;
            }
        };
        match session.swap(loaded, opts) {
            Ok(r) if json => println!("{}", serde_json::to_string(&r).unwrap_or_default()),
            Ok(r) => {
                if r.full_upload {
                    let text = format!(
                        "full upload ({}) in {}",
                        r.reason.unwrap_or_default(),
                        seconds(r.elapsed_s)
                    );
                    println!("{}", crate::report::table::wrap(&text, "  "));
                } else {
                    let names = |v: &[String]| {
                        if v.is_empty() {
                            "none".to_string()
                        } else {
                            v.join(", ")
                        }
                    };
                    let text = format!(
                        "hot swap: edited segment on the card after {}, all in {}: recompiled {}; \
                         uploaded {}",
                        r.first_swap_s.map_or("-".into(), seconds),
                        seconds(r.elapsed_s),
                        names(&r.recompiled),
                        names(&r.uploaded)
                    );
                    println!("{}", crate::report::table::wrap(&text, "  "));
                }
                if let Some(c) = &r.continuity {
                    println!("{}", crate::report::table::wrap(&c.summary(), "  "));
                }
            }
            Err(e) => eprintln!("not swapped: {e}\n{}", session.card_state()),
        }
    }
    session.close()?;
    Ok(exit::OK)
}
