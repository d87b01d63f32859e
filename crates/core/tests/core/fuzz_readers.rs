//! Fuzzing of the input readers: TOML and JSON programs (read, validated and
//! resolved), configs, physical-setup files and measured calibration data. Inputs
//! are random bytes and mutations of the real files of the repository (presets,
//! configs, golden JSON programs, setup and calibration files): byte flips,
//! truncations, duplicated or dropped lines, inserted tokens and numeric extremes.
//! Every reader must return `Ok` or its typed error; a panic fails the test
//! (proptest catches it and shrinks the input).
//!
//! The case count per reader is `AWGSF_FUZZ_CASES` (default 64, fast enough for
//! every `cargo test`); `scripts/fuzz.sh` runs it with a large count.

use std::path::{Path, PathBuf};

use awgsf_core::calib::{InputFormat, MeasuredData, PhysicalSetup};
use awgsf_core::config::Config;
use awgsf_core::pipeline::resolve;
use awgsf_core::program::json::from_json_str;
use awgsf_core::program::{presets, LoadedProgram, ProgramFormat};
use proptest::prelude::*;
use proptest::test_runner::Config as ProptestConfig;

/// Cases per reader: `AWGSF_FUZZ_CASES`, else 64.
fn cases() -> u32 {
    std::env::var("AWGSF_FUZZ_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64)
}

fn runner_config() -> ProptestConfig {
    ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

fn repo() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// The files of `dir` (relative to the repository) whose names end in `suffix`.
fn files(dir: &str, suffix: &str) -> Vec<(PathBuf, String)> {
    let mut out: Vec<(PathBuf, String)> = std::fs::read_dir(repo().join(dir))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.to_string_lossy().ends_with(suffix))
        .map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            (p, text)
        })
        .collect();
    out.sort();
    assert!(!out.is_empty(), "no {suffix} files in {dir}");
    out
}

/// Tokens inserted or substituted by the mutations: numeric extremes, non-numbers,
/// structure that TOML and JSON readers must cope with.
const TOKENS: &[&str] = &[
    "1e308",
    "-1e308",
    "1e309",
    "5e-324",
    "-0",
    "-0.0",
    "0",
    "NaN",
    "nan",
    "inf",
    "-inf",
    "\"NaN\"",
    "Infinity",
    "-Infinity",
    "18446744073709551616",
    "-9223372036854775809",
    "99999999999999999999999999999",
    "4294967296",
    "-1",
    "[]",
    "{}",
    "[[]]",
    "\"\"",
    "\"\\u0000\"",
    "\"a\\nb\"",
    "null",
    "true",
    "\n",
    "=",
    ",",
    "\"",
    "'",
    "[",
    "]",
    "{",
    "}",
    "[[segments]]",
    "[definitions.x]",
    "[[segments.ops]]",
    "\"1e308 MHz\"",
    "\"-5 s\"",
    "\"nan Hz\"",
    "1_000",
    "0x10",
    "\u{feff}",
    "é",
];

/// One edit of a text.
#[derive(Debug, Clone)]
enum Mutation {
    /// XOR a byte with a mask.
    Flip(usize, u8),
    /// Keep only the first bytes.
    Truncate(usize),
    /// Repeat a line.
    DupLine(usize),
    /// Remove a line.
    DropLine(usize),
    /// Insert a token at a byte offset.
    Insert(usize, usize),
    /// Replace the n-th number of the text by a token.
    Number(usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    let at = any::<usize>();
    prop_oneof![
        (at, 1u8..=255).prop_map(|(a, m)| Mutation::Flip(a, m)),
        at.prop_map(Mutation::Truncate),
        at.prop_map(Mutation::DupLine),
        at.prop_map(Mutation::DropLine),
        (at, 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Insert(a, t)),
        (at, 0..TOKENS.len()).prop_map(|(a, t)| Mutation::Number(a, t)),
    ]
}

/// Byte ranges of the numbers (runs of digits, signs, dots and exponents) in `text`.
fn numbers(text: &[u8]) -> Vec<(usize, usize)> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < text.len() {
        if text[i].is_ascii_digit() {
            let start = i;
            while i < text.len() && (text[i].is_ascii_alphanumeric() || b".+-_".contains(&text[i]))
            {
                i += 1;
            }
            out.push((start, i));
        } else {
            i += 1;
        }
    }
    out
}

fn line_bounds(text: &[u8], n: usize) -> Option<(usize, usize)> {
    let starts: Vec<usize> = std::iter::once(0)
        .chain(
            text.iter()
                .enumerate()
                .filter(|(_, b)| **b == b'\n')
                .map(|(i, _)| i + 1),
        )
        .filter(|&s| s < text.len())
        .collect();
    let start = *starts.get(n % starts.len().max(1))?;
    let end = text[start..]
        .iter()
        .position(|b| *b == b'\n')
        .map_or(text.len(), |p| start + p + 1);
    Some((start, end))
}

fn apply(text: &mut Vec<u8>, m: &Mutation) {
    let len = text.len();
    match *m {
        Mutation::Flip(at, mask) if len > 0 => text[at % len] ^= mask,
        Mutation::Truncate(at) => text.truncate(at % (len + 1)),
        Mutation::DupLine(n) => {
            if let Some((s, e)) = line_bounds(text, n) {
                let line = text[s..e].to_vec();
                text.splice(e..e, line);
            }
        }
        Mutation::DropLine(n) => {
            if let Some((s, e)) = line_bounds(text, n) {
                text.drain(s..e);
            }
        }
        Mutation::Insert(at, t) => {
            let at = at % (len + 1);
            text.splice(at..at, TOKENS[t].bytes());
        }
        Mutation::Number(n, t) => {
            let nums = numbers(text);
            if !nums.is_empty() {
                let (s, e) = nums[n % nums.len()];
                text.splice(s..e, TOKENS[t].bytes());
            }
        }
        Mutation::Flip(..) => {}
    }
}

/// A fuzz input: a corpus file mutated, or random bytes.
fn input(corpus: Vec<(PathBuf, String)>) -> impl Strategy<Value = (PathBuf, String)> {
    let n = corpus.len();
    let mutated = (0..n, prop::collection::vec(mutation(), 1..8)).prop_map(move |(i, ms)| {
        let (path, text) = &corpus[i];
        let mut bytes = text.clone().into_bytes();
        for m in &ms {
            apply(&mut bytes, m);
        }
        (path.clone(), String::from_utf8_lossy(&bytes).into_owned())
    });
    let random = prop::collection::vec(any::<u8>(), 0..512).prop_map(|b| {
        (
            repo().join("fuzz.input"),
            String::from_utf8_lossy(&b).into_owned(),
        )
    });
    prop_oneof![6 => mutated, 1 => random]
}

fn program_corpus(format: ProgramFormat) -> Vec<(PathBuf, String)> {
    match format {
        ProgramFormat::Toml => {
            let mut c = files("configs/programs", ".toml");
            c.extend(
                presets::names()
                    .into_iter()
                    .filter_map(|n| presets::text(n).map(|t| (PathBuf::from(n), t.to_string()))),
            );
            c
        }
        ProgramFormat::Json => files("tests/golden", ".intent.json"),
    }
}

/// Reads, validates and resolves a program text; any error is fine, a panic is not.
fn read_program(text: &str, format: ProgramFormat) {
    if let Ok(p) = LoadedProgram::from_text(text, "fuzz", Some(format)) {
        if p.validate().is_ok() {
            let _ = resolve(&p.program, 625e6);
        }
        let _ = format.write(&p.program);
    }
}

#[test]
fn toml_program_reader_never_panics() {
    proptest!(runner_config(), |((_p, text) in input(program_corpus(ProgramFormat::Toml)))| {
        read_program(&text, ProgramFormat::Toml);
    });
}

#[test]
fn json_program_reader_never_panics() {
    proptest!(runner_config(), |((_p, text) in input(program_corpus(ProgramFormat::Json)))| {
        read_program(&text, ProgramFormat::Json);
        let _ = from_json_str(&text);
    });
}

#[test]
fn config_reader_never_panics() {
    let mut corpus = files("configs", ".toml");
    corpus.extend(files("configs/rigs", ".toml"));
    proptest!(runner_config(), |((path, text) in input(corpus))| {
        let _ = Config::from_toml_str(&text, &path);
    });
}

#[test]
fn setup_reader_never_panics() {
    let mut corpus = files("tests/data/setups", ".json");
    corpus.extend(files("tests/data/calibrations", ".setup.json"));
    proptest!(runner_config(), |((_p, text) in input(corpus))| {
        let _ = PhysicalSetup::from_json_str(&text, "fuzz.setup.json");
    });
}

/// Small measured-data files of each format besides the large de-json ones.
const DATA_SEEDS: &[(&str, &str)] = &[
    (
        "scan.csv",
        "freq_mhz,amp_mv,power\n90,10,0.1\n91,20,0.25\n92,40,0.5\n93,80,0.75\n",
    ),
    ("bare.csv", "90.0,10,0.1\n95.5,50,0.4\n101,120,0.9\n"),
    (
        "scan.awgde",
        r#"{"0.5": {"Frequency (MHz)": [90, 95, 100], "RF Amplitude (mV)": [10, 20, 30]},
 "1.0": {"Frequency (MHz)": [90, 95, 100], "RF Amplitude (mV)": [30, 40, 60]}}"#,
    ),
];

#[test]
fn calibration_data_reader_never_panics() {
    let mut corpus = files("tests/data/calibrations", ".de.json");
    corpus.extend(
        DATA_SEEDS
            .iter()
            .map(|(name, text)| (PathBuf::from(name), text.to_string())),
    );
    let dir = tempfile::tempdir().unwrap();
    proptest!(runner_config(), |((seed, text) in input(corpus))| {
        // The extension picks the format, as for a file given to `calib fit`.
        let path = dir.path().join(seed.file_name().unwrap());
        std::fs::write(&path, &text).unwrap();
        let _ = MeasuredData::read(&path, InputFormat::Auto, None);
    });
}
