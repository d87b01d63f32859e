//! A reload that fails never leaves the card in doubt: either it still plays the
//! last good program, or it is stopped and the session says so (and uploads the next
//! good version in full). Checked against the emulated Spectrum driver, whose own
//! state tells whether the card really replays.

use std::ffi::{c_char, CString};

use awgsf_core::config::Config;
use awgsf_core::program::{load_program, LoadedProgram};
use awgsf_core::session::{JobOptions, Session};
use awgsf_tests::bins::library_file;
use awgsf_tests::scratch::{config_text, toml_str, Scratch, SMALL_PROGRAM};

/// The emulated driver's control functions, from the same file the spcm plugin
/// loads (so the same card state).
struct Emulator {
    lib: libloading::Library,
    device: CString,
}

impl Emulator {
    /// A fresh default card at `device`.
    fn new(device: &str) -> Emulator {
        // SAFETY: the emulated driver has no initialisers with preconditions.
        let lib = unsafe { libloading::Library::new(library_file("awgsf_spcm_emulator")) }
            .expect("load the emulated driver");
        let emu = Emulator {
            lib,
            device: CString::new(device).unwrap(),
        };
        let empty = CString::new("").unwrap();
        // SAFETY: `spcm_emu_reset(device, config)` takes two NUL-terminated strings.
        let rc = unsafe {
            let f = emu
                .lib
                .get::<unsafe extern "C" fn(*const c_char, *const c_char) -> i32>(b"spcm_emu_reset")
                .unwrap();
            f(emu.device.as_ptr(), empty.as_ptr())
        };
        assert_eq!(rc, 0);
        emu
    }

    /// Calls a control function taking the device and one number.
    fn call(&self, name: &[u8], arg: Option<u32>) -> i32 {
        // SAFETY: the named functions take the device string (and a u32 where given).
        unsafe {
            match arg {
                Some(a) => self
                    .lib
                    .get::<unsafe extern "C" fn(*const c_char, u32) -> i32>(name)
                    .unwrap()(self.device.as_ptr(), a),
                None => self
                    .lib
                    .get::<unsafe extern "C" fn(*const c_char) -> i32>(name)
                    .unwrap()(self.device.as_ptr()),
            }
        }
    }

    fn replays(&self) -> bool {
        self.call(b"spcm_emu_is_running", None) == 1
    }

    /// The next DMA transfer times out half way.
    fn fail_next_transfer(&self) {
        assert_eq!(self.call(b"spcm_emu_dma_timeout", Some(0)), 0);
    }
}

fn session(s: &Scratch, device: &str) -> Session {
    let driver = library_file("awgsf_spcm_emulator");
    let settings = format!("device = \"{device}\"\ndriver_path = {}", toml_str(&driver));
    let cfg = s.write(
        "rig.toml",
        &config_text("\"spcm\"", &settings, "")
            .replace("sample_rate_hz = 100e6", "sample_rate_hz = 625e6"),
    );
    Session::open(Config::load(&cfg).expect("the rig config loads")).expect("the rig opens")
}

fn program(s: &Scratch, name: &str, text: &str) -> LoadedProgram {
    let p = s.write(name, text);
    load_program(p.to_str().unwrap()).expect("the program loads")
}

const OPTS: JobOptions = JobOptions {
    force_trigger: true,
    verify: false,
    threshold_fs: 1e-3,
};

/// The small program with one more segment: a structural change (full upload).
fn longer() -> String {
    format!("{SMALL_PROGRAM}\n[[segments]]\nname = \"extra\"\nops = [{{ op = \"hold\", time = \"40 us\" }}]\n")
}

#[test]
fn a_reload_that_does_not_compile_leaves_the_last_good_program_playing() {
    let s = Scratch::new();
    let emu = Emulator::new("/dev/spcm-reload-compile");
    let mut session = session(&s, "/dev/spcm-reload-compile");
    session
        .run(program(&s, "a.toml", SMALL_PROGRAM), &OPTS)
        .unwrap();
    assert!(emu.replays());
    // A logical channel the config does not map: planning fails.
    let bad = longer().replace(
        "logical_channels = [\"H\", \"V\"]",
        "logical_channels = [\"H\", \"V\", \"Z\"]",
    );
    let err = session
        .swap(program(&s, "b.toml", &bad), &OPTS)
        .unwrap_err();
    assert!(err.to_string().contains('Z'), "{err}");
    assert!(session.is_playing(), "{}", session.card_state());
    assert!(
        emu.replays(),
        "the card must keep playing the last good program"
    );
    session.close().unwrap();
}

#[test]
fn a_failed_full_upload_leaves_the_card_stopped_and_said_so() {
    let s = Scratch::new();
    let emu = Emulator::new("/dev/spcm-reload-upload");
    let mut session = session(&s, "/dev/spcm-reload-upload");
    session
        .run(program(&s, "a.toml", SMALL_PROGRAM), &OPTS)
        .unwrap();
    assert!(emu.replays());
    emu.fail_next_transfer();
    let err = session.swap(program(&s, "b.toml", &longer()), &OPTS);
    assert!(err.is_err(), "the upload was to fail");
    assert!(!emu.replays(), "a card with half an upload must not play");
    assert!(!session.is_playing());
    assert!(session.card_state().contains("stopped"));
    // The next good version goes up in full and plays.
    let r = session
        .swap(program(&s, "c.toml", &longer()), &OPTS)
        .unwrap();
    assert!(r.full_upload, "{r:?}");
    assert!(session.is_playing() && emu.replays());
    session.close().unwrap();
    assert!(!emu.replays());
}

#[test]
fn a_session_dropped_without_close_stops_and_releases_the_card() {
    // The simulator writes its trace when the card is closed, and releases nothing
    // on its own when merely dropped: the session must close it.
    let s = Scratch::new();
    let out = s.path().join("played");
    let cfg = s.write(
        "sim.toml",
        &config_text(
            "\"simulator\"",
            &format!("play_s = 0.001\noutput_dir = {}", toml_str(&out)),
            "",
        ),
    );
    {
        let config = Config::load(&cfg).expect("the config loads");
        let mut session = Session::open(config).expect("the simulator opens");
        session
            .run(program(&s, "a.toml", SMALL_PROGRAM), &OPTS)
            .unwrap();
        let _ = std::fs::remove_file(out.join("trace.json"));
        // An error path returns early: the session goes out of scope unclosed.
    }
    assert!(
        out.join("trace.json").is_file(),
        "a dropped session did not close the card"
    );
}
