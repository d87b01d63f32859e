//! The TOML program format: lossless conversion with the reference JSON layout,
//! the shipped presets, exact units, located errors and loading by path or name.

use std::path::Path;

use crate::common::{golden, DIGESTS};
use awgsf_core::program::digest::{program_digest, segment_fingerprints};
use awgsf_core::program::json::{expand_dst, from_json_str, to_json_string, to_json_value};
use awgsf_core::program::toml_format::{from_toml_str, from_toml_str_with_map, to_toml_string};
use awgsf_core::program::{
    load_program, presets, save_program, AmpTarget, Dst, Op, Program, ProgramError, ProgramFormat,
};

/// The program with every `dst = "all"` written out, as the JSON layout stores it.
fn expanded(program: &Program) -> Program {
    fn walk(program: &Program, op: &mut Op) {
        match op {
            Op::RemapFromDef {
                target_def, dst, ..
            } => *dst = Dst::List(expand_dst(program, target_def, dst)),
            Op::Parallel { ops, .. } => ops.iter_mut().for_each(|o| walk(program, o)),
            _ => {}
        }
    }
    let mut out = program.clone();
    for seg in &mut out.segments {
        for op in &mut seg.ops {
            walk(program, op);
        }
    }
    out
}

fn toml_err(text: &str) -> String {
    match from_toml_str(text, "bad.toml") {
        Ok(p) => panic!("expected an error, read {p:?}"),
        Err(e) => e.to_string(),
    }
}

fn assert_bits(a: f64, b: f64) {
    assert_eq!(a.to_bits(), b.to_bits(), "{a:e} vs {b:e}");
}

// ------------------------------------------------------------ round trips

#[test]
fn every_golden_json_program_survives_toml_bit_for_bit() {
    for (file, digest, _) in DIGESTS {
        let from_json = from_json_str(&golden(file)).unwrap();
        let toml = to_toml_string(&from_json);
        let back = from_toml_str(&toml, file).unwrap_or_else(|e| panic!("{file}: {e}\n{toml}"));
        assert_eq!(back, from_json, "{file}:\n{toml}");
        assert_eq!(program_digest(&back), digest, "{file}");
        assert_eq!(
            segment_fingerprints(&back),
            segment_fingerprints(&from_json),
            "{file}"
        );
        assert_eq!(to_json_value(&back), to_json_value(&from_json), "{file}");
        // Writing is deterministic and a fixed point.
        assert_eq!(to_toml_string(&back), toml, "{file}");
    }
}

#[test]
fn every_preset_survives_json_and_back() {
    for name in presets::names() {
        let from_toml = presets::get(name).unwrap().program;
        let json = to_json_string(&from_toml);
        let via_json = from_json_str(&json).unwrap();
        let toml_again = to_toml_string(&via_json);
        let back = from_toml_str(&toml_again, name).unwrap();
        // JSON writes `dst = "all"` out as the index list; nothing else changes.
        assert_eq!(back, expanded(&from_toml), "{name}");
        assert_eq!(program_digest(&back), program_digest(&from_toml), "{name}");
        assert_eq!(
            segment_fingerprints(&back),
            segment_fingerprints(&from_toml),
            "{name}"
        );
        // The model read from TOML (with `dst = "all"` kept) writes it back.
        let direct = from_toml_str(&to_toml_string(&from_toml), name).unwrap();
        assert_eq!(direct, from_toml, "{name}");
    }
}

#[test]
fn written_toml_is_readable() {
    let program = from_json_str(&golden("recreate_mol_exp.intent.json")).unwrap();
    let toml = to_toml_string(&program);
    for expected in [
        "logical_channels = [\"H\", \"V\"]",
        "[definitions.loading_H]",
        "freqs = { linspace = [\"92 MHz\", \"110 MHz\", 12] }",
        "amps = 0.08",
        "{ op = \"hold\", time = \"40 us\" }",
        "{ op = \"hold\", time = \"1 ns\" }",
        "{ op = \"move\", channel = \"V\", df = \"-2 MHz\", time = \"1 ms\", idxs = [0] }",
        "{ op = \"add_tone\", channel = \"V\", freq = \"98.2 MHz\" }",
        "mode = \"wait_trig\"",
        "snap_len_to_quantum = false",
        "phase_mode = \"optimise\"",
        "{ op = \"ramp_amp_to\", channel = \"H\", amps = 0.0, kind = \"adiabatic_ramp\" },",
    ] {
        assert!(toml.contains(expected), "missing {expected:?} in\n{toml}");
    }
    assert!(
        !toml.contains("phases"),
        "zero phases are left out:\n{toml}"
    );
    let preset = presets::get("recreate_mol_exp").unwrap().program;
    assert!(to_toml_string(&preset).contains("dst = \"all\""));
}

// ------------------------------------------------------------ presets

/// The presets that come from the reference library (the others, such as `large`,
/// are this project's own benchmark programs and have no golden file).
const REFERENCE_PRESETS: [&str; 5] = [
    "ramp_down_chirp_2ch",
    "recreate_mol_exp",
    "rt_spec_analyser_rearr_hotswap",
    "simple_tweens",
    "spec_analyser_test",
];

#[test]
fn presets_equal_the_reference_programs() {
    let names = presets::names();
    let own: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !REFERENCE_PRESETS.contains(n))
        .collect();
    assert_eq!(own, ["large"]);
    for name in REFERENCE_PRESETS {
        assert!(names.contains(&name), "{name}");
        let (file, digest, first_fp) = DIGESTS
            .iter()
            .find(|(f, _, _)| *f == format!("{name}.intent.json"))
            .unwrap_or_else(|| panic!("no golden program for preset {name}"));
        let loaded = load_program(name).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.source, format!("preset:{name}"));
        assert_eq!(program_digest(&loaded.program), *digest, "{name}");
        assert!(segment_fingerprints(&loaded.program)[0]
            .digest
            .starts_with(first_fp));
        let reference = from_json_str(&golden(file)).unwrap();
        assert_eq!(expanded(&loaded.program), reference, "{name}");
    }
}

#[test]
fn every_program_file_in_configs_is_a_preset() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../configs/programs");
    let mut files: Vec<String> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "toml"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(files, presets::names());
    for name in files {
        let on_disk = std::fs::read_to_string(dir.join(format!("{name}.toml"))).unwrap();
        assert_eq!(presets::text(&name), Some(on_disk.as_str()));
    }
}

#[test]
fn preset_source_map_gives_op_lines() {
    let loaded = presets::get("recreate_mol_exp").unwrap();
    let text = presets::text("recreate_mol_exp").unwrap();
    let si = loaded.program.segment_index("turn_on_detect").unwrap();
    let line = loaded.source_map.op_line(si, 0).unwrap();
    let at = text.lines().nth(line - 1).unwrap();
    assert!(at.contains("op = \"add_tone\""), "line {line}: {at}");
}

// ------------------------------------------------------------ units

const UNIT_PROGRAM: &str = r#"
logical_channels = ["H"]

[definitions.d]
channel = "H"
freqs = ["92 MHz", "250 kHz", 1e6, "98.2MHz"]
amps = { values = [0.73, 0.68], scale = 0.15 }

[[segments]]
name = "s"
ops = [
  { op = "hold", time = "40 us" },
  { op = "hold", time = "1.5 ms" },
  { op = "hold", time = "0.1 ms" },
  { op = "hold", time = "1 ns" },
  { op = "hold", time = 4e-05 },
  { op = "hold", time = "40 µs" },
  { op = "move", channel = "H", df = "-0.1 MHz", time = 0 },
  { op = "ramp_amp_to", channel = "H", amps = { linspace = [0.1, 0.2, 5] }, time = "1 ms" },
]
"#;

#[test]
fn units_give_the_f64_of_the_decimal_literal() {
    let p = from_toml_str(UNIT_PROGRAM, "units.toml").unwrap_or_else(|e| panic!("{e}"));
    let d = &p.definitions["d"];
    for (got, want) in d.freqs_hz.iter().zip([92e6, 250e3, 1e6, 98.2e6]) {
        assert_bits(*got, want);
    }
    assert_bits(d.amps[0], 0.15 * 0.73);
    assert_bits(d.amps[1], 0.10200000000000001);
    let times: Vec<f64> = p.segments[0]
        .ops
        .iter()
        .map(|o| o.time_s().unwrap())
        .collect();
    for (got, want) in times
        .iter()
        .zip([40e-6, 1.5e-3, 0.1e-3, 1e-9, 4e-05, 40e-6, 0.0])
    {
        assert_bits(*got, want);
    }
    // Multiplying by the unit would have given another f64 and another sample count.
    assert_ne!(times[0].to_bits(), (40.0f64 * 1e-6).to_bits());
    assert_eq!((times[0] * 625e6).ceil(), 25001.0);
    match &p.segments[0].ops[6] {
        Op::Move { df_hz, .. } => assert_bits(*df_hz, -0.1e6),
        other => panic!("{other:?}"),
    }
    match &p.segments[0].ops[7] {
        Op::RampAmpTo {
            amps: AmpTarget::List(v),
            ..
        } => assert_eq!(v, &awgsf_core::program::numeric::linspace(0.1, 0.2, 5)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn defaults_fill_what_is_left_out() {
    let p = from_toml_str(
        r#"
logical_channels = ["H"]
[definitions.d]
channel = "H"
freqs = ["1 MHz", "2 MHz"]
amps = 0.5
[[segments]]
name = "a"
loop = 3
ops = [
  { op = "add_tone", channel = "H", freqs = ["3 MHz", "4 MHz"], amp = 0.2, at = 0 },
  { op = "remap_from_def", channel = "H", target = "d", src = [0, 1], time = "1 us" },
  { op = "parallel", ops = [{ op = "move", channel = "H", df = "1 kHz", time = "2 us" }] },
]
"#,
        "",
    )
    .unwrap_or_else(|e| panic!("{e}"));
    let d = &p.definitions["d"];
    assert_eq!(d.amps, vec![0.5, 0.5]);
    assert_eq!(d.phases_rad, vec![0.0, 0.0]);
    let s = &p.segments[0];
    assert_eq!(s.mode, awgsf_core::program::SegmentMode::LoopN);
    assert_eq!(s.loop_count, 3);
    assert!(s.snap_len_to_quantum && s.snap_freqs_to_wrap);
    assert_eq!(s.phase_mode, awgsf_core::program::PhaseMode::Continue);
    match &s.ops[0] {
        Op::AddTone {
            amps,
            phases_rad,
            at,
            ..
        } => {
            assert_eq!(amps, &vec![0.2, 0.2]);
            assert_eq!(phases_rad, &vec![0.0, 0.0]);
            assert_eq!(*at, Some(0));
        }
        other => panic!("{other:?}"),
    }
    match &s.ops[1] {
        Op::RemapFromDef { dst, interp, .. } => {
            assert_eq!(dst, &Dst::All);
            assert_eq!(interp.kind, awgsf_core::program::InterpKind::MinJerk);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(s.ops[2].time_s(), Some(2e-6));
}

// ------------------------------------------------------------ errors

#[test]
fn syntax_errors_give_line_and_column() {
    let e = toml_err("logical_channels = [\"H\"]\n\n[[segments]]\nname = \"a\"\nops = [ { op = \"hold\" time = 1 } ]\n");
    assert!(e.starts_with("bad.toml:5:"), "{e}");
    assert!(e.contains("TOML syntax error"), "{e}");
}

#[test]
fn unknown_keys_suggest_the_closest() {
    let e = toml_err(
        r#"logical_channels = ["H"]

[[segments]]
name = "ramp"
ops = [
  { op = "hold", time = "1 us" },
  { op = "move", channel = "H", df = "1 MHz", tme = "1 us" },
]
"#,
    );
    assert!(
        e.starts_with("bad.toml:7:47: segment 0 'ramp', op 1 (move), field `tme`: unknown key `tme`; did you mean `time`?"),
        "{e}"
    );
    let e = toml_err("logical_channels = [\"H\"]\nsegment = []\n");
    assert!(
        e.starts_with("bad.toml:2:1: field `segment`: unknown key") && e.contains("`segments`"),
        "{e}"
    );
    // Names of the JSON layout point to the TOML spelling.
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"a\"\nops = [{ op = \"hold\", time_s = 1 }]\n");
    assert!(e.contains("in TOML write `time`"), "{e}");
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"a\"\nops = [{ op = \"hodl\", time = 1 }]\n");
    assert!(
        e.contains("op 0 (unknown op), field `op`: unknown op \"hodl\"; did you mean `hold`?"),
        "{e}"
    );
}

#[test]
fn wrong_types_name_the_field_and_what_was_expected() {
    let e = toml_err(
        r#"logical_channels = ["H"]
[[segments]]
name = "seg"
ops = [
  { op = "remove_tones", channel = "H", idxs = [0, -1] },
]
"#,
    );
    assert!(
        e.starts_with("bad.toml:5:52: segment 0 'seg', op 0 (remove_tones), field `idxs[1]`: expected a tone index"),
        "{e}"
    );
    assert!(e.contains("got the integer -1"), "{e}");
    let e = toml_err(
        "logical_channels = [\"H\"]\n[definitions.d]\nchannel = \"H\"\nfreqs = [\"1 MHz\"]\namps = [\"big\"]\n[[segments]]\nname = \"s\"\nops = []\n",
    );
    assert!(
        e.starts_with("bad.toml:5:9: definition 'd', field `amps[0]`: expected a plain number"),
        "{e}"
    );
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nsnap_len_to_quantum = \"no\"\nops = []\n");
    assert!(
        e.contains(":4:23: segment 0 's', field `snap_len_to_quantum`: expected true or false"),
        "{e}"
    );
}

#[test]
fn bad_units_name_the_field_and_the_units() {
    let e = toml_err(
        r#"logical_channels = ["H"]
[[segments]]
name = "ramp"
ops = [
  { op = "hold", time = "1 us" },
  { op = "hold", time = "1 us" },
  { op = "ramp_amp_to", channel = "H", amps = 0.1, time = "2 MHz" },
]
"#,
    );
    assert!(
        e.starts_with("bad.toml:7:59: segment 0 'ramp', op 2 (ramp_amp_to), field `time`: `MHz` is a frequency unit"),
        "{e}"
    );
    assert!(e.contains("s, ms, us, ns"), "{e}");
    let e = toml_err(
        "logical_channels = [\"H\"]\n[definitions.d]\nchannel = \"H\"\nfreqs = { linspace = [\"1 MHz\", \"2 mhz\", 3] }\namps = 1\n[[segments]]\nname = \"s\"\nops = []\n",
    );
    assert!(
        e.starts_with(
            "bad.toml:4:32: definition 'd', field `freqs.linspace[1]`: unknown unit `mhz`"
        ),
        "{e}"
    );
}

#[test]
fn missing_keys_and_bad_values_are_located() {
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nops = [{ op = \"move\", channel = \"H\", time = 1 }]\n");
    assert!(
        e.starts_with(
            "bad.toml:4:8: segment 0 's', op 0 (move), field `df`: missing required key `df`"
        ),
        "{e}"
    );
    let e = toml_err(
        "logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nmode = \"loop\"\nops = []\n",
    );
    assert!(
        e.contains("unknown mode \"loop\"; did you mean `loop_n`?"),
        "{e}"
    );
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nmode = \"once\"\nloop = 3\nops = []\n");
    assert!(
        e.contains(":5:8: segment 0 's', field `loop`: mode \"once\""),
        "{e}"
    );
    let e = toml_err("logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nops = [{ op = \"ramp_amp_to\", channel = \"H\", amps = 1, time = 1, kind = \"expo\" }]\n");
    assert!(
        e.contains("field `kind`: unknown interpolation \"expo\"; did you mean `exp`?"),
        "{e}"
    );
}

/// Errors found after reading (validation, resolve) are located through the source
/// map, with the key names of the TOML file.
#[test]
fn later_errors_are_printed_with_the_line() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("prog.toml");
    std::fs::write(
        &path,
        r#"logical_channels = ["H", "V"]

[definitions.d]
channel = "H"
freqs = ["1 MHz"]
amps = [0.5]

[[segments]]
name = "on"
ops = [
  { op = "use_def", channel = "H", def = "d" },
  { op = "hold", time = "10 us" },
]

[[segments]]
name = "ramp"
ops = [
  { op = "hold", time = "1 us" },
  { op = "ramp_amp_to", channel = "H", amps = 0.1,
    time = "-2 us" },
]
"#,
    )
    .unwrap();
    let spec = path.to_str().unwrap();
    let e = load_program(spec).unwrap_err().to_string();
    assert_eq!(
        e,
        format!(
            "{spec}:20:5: segment 1 'ramp', op 1 (ramp_amp_to), field `time`: expected a finite, \
             non-negative time in seconds, got -0.000002"
        )
    );

    // A resolve error (index out of range) carries segment, op and field only; the
    // loaded program adds the file position.
    let text = std::fs::read_to_string(&path)
        .unwrap()
        .replace("time = \"-2 us\"", "time = \"2 us\", idxs = [3]");
    std::fs::write(&path, text).unwrap();
    let loaded = load_program(spec).unwrap();
    let err: ProgramError =
        awgsf_core::pipeline::resolve(&loaded.program, 625e6).expect_err("index 3 is out of range");
    let e = loaded.locate(err).to_string();
    assert!(
        e.starts_with(&format!(
            "{spec}:20:20: segment 1 'ramp', op 1 (ramp_amp_to), field `idxs[0]`: tone index 3"
        )),
        "{e}"
    );
}

#[test]
fn validation_errors_use_toml_key_names() {
    let (program, map) = from_toml_str_with_map(
        "logical_channels = [\"H\"]\n[[segments]]\nname = \"s\"\nops = [\n  { op = \"use_def\", channel = \"X\", def = \"d\" },\n]\n",
        "p.toml",
    )
    .unwrap();
    let e = awgsf_core::program::validate::validate(&program).unwrap_err();
    let e = map.locate(e).in_source("p.toml").to_string();
    assert!(
        e.starts_with("p.toml:5:21: segment 0 's', op 0 (use_def), field `channel`: unknown logical channel 'X'"),
        "{e}"
    );
}

// ------------------------------------------------------------ loading

#[test]
fn load_program_reads_paths_by_extension_and_content() {
    let dir = tempfile::tempdir().unwrap();
    let json = golden("samples/remap_addremove.intent.json");
    let toml = to_toml_string(&from_json_str(&json).unwrap());
    let digest = DIGESTS
        .iter()
        .find(|(f, _, _)| *f == "samples/remap_addremove.intent.json")
        .unwrap()
        .1;
    for (name, text) in [
        ("p.json", &json),
        ("p.toml", &toml),
        ("p_json.txt", &json),
        ("p_toml.prog", &toml),
    ] {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        let loaded = load_program(path.to_str().unwrap()).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(loaded.source, path.display().to_string());
        assert_eq!(program_digest(&loaded.program), digest, "{name}");
        let is_toml = name.contains("toml");
        assert_eq!(loaded.source_map.is_empty(), !is_toml, "{name}");
    }
    // A JSON file whose extension says TOML is read as TOML, and fails as such.
    let lying = dir.path().join("lying.toml");
    std::fs::write(&lying, &json).unwrap();
    let e = load_program(lying.to_str().unwrap())
        .unwrap_err()
        .to_string();
    assert!(e.contains("lying.toml:1:1: TOML syntax error"), "{e}");
}

#[test]
fn load_program_finds_presets_by_name() {
    let loaded = load_program("simple_tweens").unwrap();
    assert_eq!(loaded.source, "preset:simple_tweens");
    let prefixed = load_program("preset:simple_tweens").unwrap();
    assert_eq!(prefixed.program, loaded.program);
}

#[test]
fn unknown_names_list_the_presets() {
    let e = load_program("simple_tween").unwrap_err().to_string();
    assert!(
        e.contains("no program file `simple_tween` and no preset"),
        "{e}"
    );
    assert!(e.contains("did you mean `simple_tweens`?"), "{e}");
    for name in presets::names() {
        assert!(e.contains(name), "{e}");
    }
    let e = load_program("preset:nope").unwrap_err().to_string();
    assert!(
        e.contains("unknown preset `nope`") && e.contains("recreate_mol_exp"),
        "{e}"
    );
    let e = load_program("missing/program.toml")
        .unwrap_err()
        .to_string();
    assert!(
        e.starts_with("missing/program.toml: cannot read the program file"),
        "{e}"
    );
}

#[test]
fn save_program_writes_the_format_of_the_extension() {
    let dir = tempfile::tempdir().unwrap();
    let program = presets::get("ramp_down_chirp_2ch").unwrap().program;
    let json_path = dir.path().join("out.json");
    assert_eq!(
        save_program(&program, &json_path).unwrap(),
        ProgramFormat::Json
    );
    let back = from_json_str(&std::fs::read_to_string(&json_path).unwrap()).unwrap();
    assert_eq!(back, program);
    let toml_path = dir.path().join("out.toml");
    save_program(&back, &toml_path).unwrap();
    let again = load_program(toml_path.to_str().unwrap()).unwrap();
    assert_eq!(again.program, program);
    let e = save_program(&program, &dir.path().join("out.yaml"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("use a .toml or .json extension"), "{e}");
    assert!(!dir.path().join("out.yaml").exists());
    let leftovers: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .filter(|n| n.to_string_lossy().contains(".tmp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

// ------------------------------------------------------------ documentation

/// The examples of `docs/programs.md` read as documented.
#[test]
fn the_documented_examples_read() {
    let doc = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/programs.md"),
    )
    .unwrap();
    let blocks: Vec<&str> = doc
        .split("```toml\n")
        .skip(1)
        .map(|b| b.split("```").next().unwrap())
        .collect();
    // The first example is a whole program.
    let first =
        awgsf_core::program::LoadedProgram::from_text(blocks[0], "first.toml", None).unwrap();
    first.validate().unwrap_or_else(|e| panic!("{e}"));
    // Each op example reads inside a segment.
    let mut ops = 0;
    for block in &blocks[1..] {
        for line in block
            .lines()
            .filter(|l| l.starts_with("{ op = ") && l.ends_with('}'))
        {
            let text = format!("logical_channels = [\"H\", \"V\"]\n[[segments]]\nname = \"s\"\nops = [\n{line}\n]\n");
            from_toml_str(&text, "op.toml").unwrap_or_else(|e| panic!("{line}: {e}"));
            ops += 1;
        }
    }
    assert!(ops >= 8, "{ops} op examples");
    // The multi-line parallel example.
    let parallel = blocks
        .iter()
        .find(|b| b.starts_with("{ op = \"parallel\""))
        .unwrap();
    let text = format!(
        "logical_channels = [\"H\", \"V\"]\n[[segments]]\nname = \"s\"\nops = [\n{parallel}]\n"
    );
    let p = from_toml_str(&text, "parallel.toml").unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(p.segments[0].ops[0].time_s(), Some(2e-3));
}

#[test]
fn ops_as_tables_and_multi_line_inline_tables_read_the_same() {
    let inline = from_toml_str(
        "logical_channels = [\"H\"]\n[[segments]]\nname = \"chirp\"\nops = [{ op = \"move\", channel = \"H\", df = \"100 kHz\", time = \"100 us\" }]\n",
        "",
    )
    .unwrap();
    let tables = from_toml_str(
        "logical_channels = [\"H\"]\n[[segments]]\nname = \"chirp\"\n\n[[segments.ops]]\nop = \"move\"\nchannel = \"H\"\ndf = \"100 kHz\"\ntime = \"100 us\"\n",
        "",
    )
    .unwrap();
    let multi_line = from_toml_str(
        "logical_channels = [\"H\"]\n[[segments]]\nname = \"chirp\"\nops = [{\n  op = \"move\",\n  channel = \"H\",\n  df = \"100 kHz\",\n  time = \"100 us\",\n}]\n",
        "",
    )
    .unwrap();
    assert_eq!(tables, inline);
    assert_eq!(multi_line, inline);
}
