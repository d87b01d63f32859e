//! Shared helpers of the spcm integration tests: the emulated driver library (found
//! next to the test binary's profile folder), its control functions, call-log
//! filtering, and test programs.
#![allow(dead_code)]

use std::ffi::{c_char, CString};
use std::path::PathBuf;

use awgsf_plugin_api::{
    CardSettings, SegmentData, Step, StepEnd, StopLevel, TriggerSettings, TriggerSource,
    UploadProgram,
};
use libloading::Library;
use serde_json::Value;

/// `SPC_M2CMD = CARD_STOP | DATA_STOPDMA`, the plugin's stop command.
pub const STOP: i64 = 0x40 | 0x40000;

/// Path of the emulated driver built by `cargo build --workspace`.
pub fn emulator_path() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    // target/<profile>/deps/<test> -> target/<profile>
    let profile = exe
        .parent()
        .and_then(|deps| deps.parent())
        .expect("test binary lies in target/<profile>/deps");
    profile.join(format!(
        "{}awgsf_spcm_emulator{}",
        std::env::consts::DLL_PREFIX,
        std::env::consts::DLL_SUFFIX
    ))
}

type ResetFn = unsafe extern "C" fn(*const c_char, *const c_char) -> i32;
type FailOpenFn = unsafe extern "C" fn(*const c_char, u32) -> i32;
type FailRegisterFn = unsafe extern "C" fn(*const c_char, i32, u32, u32) -> i32;
type DmaTimeoutFn = unsafe extern "C" fn(*const c_char, u32) -> i32;
type IsRunningFn = unsafe extern "C" fn(*const c_char) -> i32;
type JsonFn = unsafe extern "C" fn(*const c_char, *mut c_char, u64) -> i64;

/// The emulated driver, loaded from the same file the plugin loads (same state).
pub struct Emu {
    lib: Library,
    /// Library file.
    pub path: PathBuf,
    /// Device string of this test's card.
    pub device: String,
}

impl Emu {
    /// Loads the emulated driver and puts a fresh card at `device` (`config`: JSON
    /// object of `CardConfig` keys, `""` for the default M4i.6622-x8).
    pub fn new(device: &str, config: &str) -> Emu {
        let path = emulator_path();
        assert!(
            path.is_file(),
            "emulated driver {} is missing: run `cargo build --workspace` (or `cargo build -p awgsf-spcm-emulator`) with the same profile before `cargo test`",
            path.display()
        );
        // SAFETY: the emulated driver has no initialisers with preconditions.
        let lib = unsafe { Library::new(&path) }.expect("load the emulated driver");
        let emu = Emu {
            lib,
            path,
            device: device.to_string(),
        };
        let rc = emu.call::<ResetFn, _>(b"spcm_emu_reset", |f, d| {
            let c = CString::new(config).unwrap();
            // SAFETY: two NUL-terminated strings.
            unsafe { f(d, c.as_ptr()) }
        });
        assert_eq!(rc, 0, "spcm_emu_reset({device}, {config})");
        emu
    }

    fn call<F: Copy, R>(&self, name: &[u8], f: impl FnOnce(F, *const c_char) -> R) -> R {
        // SAFETY: `F` is the signature of the named function in ffi.rs.
        let sym = unsafe { self.lib.get::<F>(name) }.expect("emulator control function");
        let d = CString::new(self.device.as_str()).unwrap();
        f(*sym, d.as_ptr())
    }

    /// Plugin settings JSON for this card, with the emulated driver as `driver_path`.
    pub fn settings(&self) -> String {
        self.settings_with("")
    }

    /// Plugin settings with extra `"key": value` pairs (`extra` starts with a comma).
    pub fn settings_with(&self, extra: &str) -> String {
        format!(
            r#"{{"device": {}, "driver_path": {}{extra}}}"#,
            serde_json::to_string(&self.device).unwrap(),
            serde_json::to_string(&self.path).unwrap()
        )
    }

    /// Every `spcm_hOpen` fails with `code` (0 lifts it).
    pub fn fail_open(&self, code: u32) {
        let rc = self.call::<FailOpenFn, _>(b"spcm_emu_fail_open", |f, d| unsafe { f(d, code) });
        assert_eq!(rc, 0);
    }

    /// The write of `reg` after `skip` more writes of it fails with `code`.
    pub fn fail_register(&self, reg: i32, skip: u32, code: u32) {
        let rc = self.call::<FailRegisterFn, _>(b"spcm_emu_fail_register", |f, d| unsafe {
            f(d, reg, skip, code)
        });
        assert_eq!(rc, 0);
    }

    /// The DMA transfer after `skip` more transfers times out.
    pub fn dma_timeout(&self, skip: u32) {
        let rc =
            self.call::<DmaTimeoutFn, _>(b"spcm_emu_dma_timeout", |f, d| unsafe { f(d, skip) });
        assert_eq!(rc, 0);
    }

    /// Whether the emulated card replays.
    pub fn is_running(&self) -> bool {
        match self.call::<IsRunningFn, _>(b"spcm_emu_is_running", |f, d| unsafe { f(d) }) {
            0 => false,
            1 => true,
            rc => panic!("spcm_emu_is_running: {rc}"),
        }
    }

    fn json(&self, name: &[u8]) -> Value {
        let mut buf = vec![0u8; 1 << 16];
        loop {
            let cap = buf.len() as u64;
            let n = self.call::<JsonFn, _>(name, |f, d| unsafe {
                f(d, buf.as_mut_ptr() as *mut c_char, cap)
            });
            assert!(n >= 0, "no emulated card {}", self.device);
            if (n as u64) < cap {
                return serde_json::from_slice(&buf[..n as usize]).expect("emulator JSON");
            }
            buf = vec![0u8; n as usize + 1];
        }
    }

    /// The call log.
    pub fn log(&self) -> Vec<Value> {
        match self.json(b"spcm_emu_call_log_json") {
            Value::Array(a) => a,
            other => panic!("call log is not an array: {other}"),
        }
    }

    /// The card state (`open`, `running`, `registers`, `segments`, ...).
    pub fn state(&self) -> Value {
        self.json(b"spcm_emu_state_json")
    }

    /// Writes (register sets, transfer definitions, invalidations) in the log.
    pub fn writes(&self) -> Vec<Op> {
        writes(&self.log())
    }

    /// The value of the last `SPC_M2CMD` write.
    pub fn last_command(&self) -> i64 {
        self.writes()
            .iter()
            .rev()
            .find_map(|op| match op {
                Op::Set(100, v) => Some(*v),
                _ => None,
            })
            .expect("an SPC_M2CMD write")
    }

    /// Asserts the card was left stopped by a failure: the last command is the
    /// stop command and the emulated card is not replaying.
    pub fn assert_stopped(&self) {
        assert_eq!(self.last_command(), STOP, "last SPC_M2CMD write");
        assert!(!self.is_running(), "emulated card still running");
    }
}

/// A write-like driver call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `spcm_dwSetParam_*(reg, value)`.
    Set(i32, i64),
    /// `spcm_dwDefTransfer_i64(SPCM_BUF_DATA=1000, direction, notify 0, offset 0, bytes)`.
    Transfer { direction: u32, bytes: u64 },
    /// `spcm_dwInvalidateBuf(SPCM_BUF_DATA)`.
    Invalidate,
}

/// The write-like calls of a log, in order (reads and error queries left out).
pub fn writes(log: &[Value]) -> Vec<Op> {
    log.iter()
        .filter_map(|c| match c["fn"].as_str()? {
            "spcm_dwSetParam_i64" | "spcm_dwSetParam_i32" => {
                Some(Op::Set(c["reg"].as_i64()? as i32, c["value"].as_i64()?))
            }
            "spcm_dwDefTransfer_i64" => {
                let t = &c["transfer"];
                assert_eq!(t["buffer_type"], 1000, "SPCM_BUF_DATA");
                assert_eq!(t["notify"], 0);
                assert_eq!(t["offset"], 0);
                Some(Op::Transfer {
                    direction: t["direction"].as_u64()? as u32,
                    bytes: t["bytes"].as_u64()?,
                })
            }
            "spcm_dwInvalidateBuf" => Some(Op::Invalidate),
            _ => None,
        })
        .collect()
}

/// A program owning its sample data.
pub struct Program {
    pub names: Vec<String>,
    pub lengths: Vec<u64>,
    pub channels: u32,
    pub data: Vec<Vec<i16>>,
    pub steps: Vec<Step>,
}

/// A recognisable code for sample `k`, channel `c` of segment `s` (version `v`).
pub fn pattern(s: usize, k: usize, c: usize, v: i32) -> i16 {
    ((s as i32 * 7919 + k as i32 * 3 + c as i32 * 1000 + v * 17) % 30000) as i16
}

impl Program {
    /// Segments of `lengths` samples filled with [`pattern`]; steps from `steps`.
    pub fn new(names: &[&str], lengths: &[u64], channels: u32, steps: Vec<Step>) -> Program {
        let data = lengths
            .iter()
            .enumerate()
            .map(|(s, &n)| segment_data(s, n, channels, 0))
            .collect();
        Program {
            names: names.iter().map(|s| s.to_string()).collect(),
            lengths: lengths.to_vec(),
            channels,
            data,
            steps,
        }
    }

    /// Borrowed segment views.
    pub fn segments(&self) -> Vec<SegmentData<'_>> {
        (0..self.lengths.len())
            .map(|i| SegmentData {
                index: i as u32,
                name: self.names[i].as_str().into(),
                n_samples: self.lengths[i],
                n_channels: self.channels,
                samples: self.data[i].as_slice().into(),
            })
            .collect()
    }

    /// The upload program over `segments`.
    pub fn upload<'a>(&'a self, segments: &'a [SegmentData<'a>]) -> UploadProgram<'a> {
        UploadProgram {
            segments: segments.into(),
            steps: self.steps.as_slice().into(),
            start_step: 0,
            metadata_json: "".into(),
        }
    }
}

/// Interleaved codes of segment `s`, version `v`.
pub fn segment_data(s: usize, n: u64, channels: u32, v: i32) -> Vec<i16> {
    (0..n as usize)
        .flat_map(|k| (0..channels as usize).map(move |c| pattern(s, k, c, v)))
        .collect()
}

/// A step of the SEMANTICS §8 shape.
pub fn step(index: u32, next: u32, loops: u64, on_trigger: bool) -> Step {
    Step {
        index,
        segment: index,
        next,
        loops,
        end: if on_trigger {
            StepEnd::OnTrigger
        } else {
            StepEnd::Always
        },
    }
}

/// The recreate_mol_exp layout from `tests/data/recreate_mol_exp.layout.json`.
pub fn recreate_mol_exp() -> Program {
    let text = include_str!("../data/recreate_mol_exp.layout.json");
    let v: Value = serde_json::from_str(text).expect("layout JSON");
    let segs = v["segments"].as_array().unwrap();
    let names: Vec<&str> = segs.iter().map(|s| s["name"].as_str().unwrap()).collect();
    let lengths: Vec<u64> = segs
        .iter()
        .map(|s| s["samples"].as_u64().unwrap())
        .collect();
    let steps = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| Step {
            index: s["index"].as_u64().unwrap() as u32,
            segment: s["segment"].as_u64().unwrap() as u32,
            next: s["next"].as_u64().unwrap() as u32,
            loops: s["loops"].as_u64().unwrap(),
            end: match s["end"].as_str().unwrap() {
                "on_trigger" => StepEnd::OnTrigger,
                "always" => StepEnd::Always,
                other => panic!("step end {other}"),
            },
        })
        .collect();
    Program::new(
        &names,
        &lengths,
        v["channels"].as_u64().unwrap() as u32,
        steps,
    )
}

/// A small four-segment program on 2 channels: wait, once, 3 loops, wait.
pub fn small_program() -> Program {
    Program::new(
        &["a", "b", "c", "d"],
        &[192, 384, 1024, 192],
        2,
        vec![
            step(0, 1, 1, true),
            step(1, 2, 1, false),
            step(2, 3, 3, false),
            step(3, 0, 1, true),
        ],
    )
}

/// The settings of the reference's sequence-upload example: 625 MS/s, channels 0
/// and 1 at 1000 mV holding the last sample, EXT0 rising at 500 mV, DC, 50 Ω,
/// delay 320 samples, internal PLL, no clock output, no timeout.
pub fn reference_settings() -> CardSettings {
    CardSettings {
        trigger: TriggerSettings {
            source: TriggerSource::Ext0,
            level_mv: 500.0,
            termination_50ohm: true,
            delay_samples: 320,
            ..TriggerSettings::default()
        },
        ..CardSettings::new(625e6, &[0, 1], 1000.0, StopLevel::HoldLast)
    }
}

/// Two channels, software trigger.
pub fn software_settings() -> CardSettings {
    let mut s = reference_settings();
    s.trigger.source = TriggerSource::Software;
    s.timeout_ms = 5000;
    s
}
