//! Card and program limits through the real `awgsf` binary: what the card cannot
//! hold is refused before anything is rendered or written, program sizes are
//! bounded before anything big is allocated, the synthesis thread count is capped,
//! and a one-segment program's wrap is the requested wrap.

use awgsf_core::error::exit;
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{config_text, Scratch};

/// A one-channel program with one hold segment of `time` (a TOML string) played
/// `mode`, on a tone that does not fit whole periods into 40 µs.
fn one_segment(mode: &str, time: &str) -> String {
    format!(
        r#"logical_channels = ["H"]

[definitions.h]
channel = "H"
freqs = ["10.01234 MHz"]
amps = 200

[[segments]]
name = "hold"
{mode}
ops = [
  {{ op = "use_def", channel = "H", def = "h" }},
  {{ op = "hold", time = "{time}" }},
]
"#
    )
}

/// `awgsf compile PROGRAM --out export` with `configs/ci.toml` (file-sink card).
fn compile(s: &Scratch, program: &str) -> Outcome {
    let prog = s.write("prog.toml", program);
    let out = s.path().join("export");
    awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--out",
            out.to_str().unwrap(),
            "--config",
            repo_root().join("configs/ci.toml").to_str().unwrap(),
        ],
        &[],
    )
}

/// `awgsf run PROGRAM` on the simulator card with `extra` config sections.
fn run(s: &Scratch, program: &str, extra: &str) -> Outcome {
    let cfg = s.write("lab.toml", &config_text("\"simulator\"", "", extra));
    let prog = s.write("prog.toml", program);
    awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
    )
}

#[test]
fn compile_refuses_loop_counts_the_step_word_cannot_hold() {
    for loops in [1u64 << 20, 1 << 40, (1 << 63) - 1] {
        let s = Scratch::new();
        let mode = format!("mode = \"loop_n\"\nloop = {loops}");
        compile(&s, &one_segment(&mode, "40 us"))
            .expect_exit(exit::CONFIG)
            .stderr_has(&[
                "segment 0 (\"hold\")",
                "expected 1 to 1048575 loops",
                &format!("found {loops}"),
            ]);
        assert!(!s.path().join("export").exists(), "nothing is written");
    }
}

#[test]
fn compile_writes_the_largest_loop_count_the_card_holds() {
    let s = Scratch::new();
    let mode = "mode = \"loop_n\"\nloop = 1048575";
    compile(&s, &one_segment(mode, "40 us")).expect_exit(exit::OK);
    let steps = std::fs::read_to_string(s.path().join("export/steps.json")).unwrap();
    assert!(
        steps.contains("0x800fffff00000000") || steps.contains("0x000fffff00000000"),
        "{steps}"
    );
}

#[test]
fn a_hundred_thousand_segments_are_refused_before_compiling() {
    let s = Scratch::new();
    let mut program = String::from(
        "logical_channels = [\"H\"]\n\n[definitions.h]\nchannel = \"H\"\nfreqs = [\"10 MHz\"]\namps = 200\n",
    );
    for i in 0..100_000 {
        program.push_str(&format!(
            "\n[[segments]]\nname = \"s{i}\"\nops = [{{ op = \"hold\", time = \"40 us\" }}]\n"
        ));
    }
    compile(&s, &program)
        .expect_exit(exit::PROGRAM)
        .stderr_has(&["100000 segments", "at most 65536 segments"]);
    assert!(!s.path().join("export").exists(), "nothing is written");
}

#[test]
fn a_ten_second_segment_is_refused_as_not_fitting_the_card_before_rendering() {
    let s = Scratch::new();
    // 10 s at 100 MS/s on two channels: 4 GB, the simulated card holds 2 GiB.
    run(&s, &one_segment("", "10 s"), "")
        .expect_exit(exit::CONFIG)
        .stderr_has(&[
            "segment 0 (\"hold\")",
            "1000000000 samples do not fit a slot of 536870912 samples",
        ])
        .stderr_lacks(&["cannot allocate", "memory allocation"]);
}

#[test]
fn compile_refuses_a_segment_above_the_sample_limit() {
    let s = Scratch::new();
    // 10 s at 625 MS/s: 6.25e9 samples per channel, above 2^32.
    compile(&s, &one_segment("", "10 s"))
        .expect_exit(exit::PROGRAM)
        .stderr_has(&["hold", "6250000000 samples", "at most 4294967296 samples"]);
    assert!(!s.path().join("export").exists(), "nothing is written");
}

#[test]
fn inspect_refuses_a_huge_linspace_before_expanding_it() {
    let s = Scratch::new();
    let prog = s.write(
        "wide.toml",
        r#"logical_channels = ["H"]

[definitions.h]
channel = "H"
freqs = { linspace = ["80 MHz", "120 MHz", 16777216] }
amps = 1

[[segments]]
name = "hold"
ops = [{ op = "use_def", channel = "H", def = "h" }, { op = "hold", time = "40 us" }]
"#,
    );
    awgsf(s.path(), &["inspect", prog.to_str().unwrap()], &[])
        .expect_exit(exit::PROGRAM)
        .stderr_has(&["wide.toml", "16777216 values is too many", "at most 65536"]);
}

#[test]
fn a_one_segment_program_verifies_its_own_wrap() {
    let s = Scratch::new();
    let o = compile(&s, &one_segment("", "40 us"));
    o.expect_exit(exit::OK);
    assert!(o.stdout.contains("0 unrequested"), "{}", o.stdout);
}

#[test]
fn a_hundred_thousand_synthesis_threads_are_refused() {
    let s = Scratch::new();
    let config = config_text("\"simulator\"", "", "").replace(
        "backend = \"cpu-simd\"\n",
        "backend = \"cpu-simd\"\n\n[synthesis.settings.cpu-simd]\nthreads = 100000\n",
    );
    let cfg = s.write("lab.toml", &config);
    let prog = s.write("prog.toml", &one_segment("", "40 us"));
    awgsf(
        s.path(),
        &[
            "run",
            prog.to_str().unwrap(),
            "--config",
            cfg.to_str().unwrap(),
        ],
        &[],
    )
    .expect_exit(exit::PLUGIN)
    .stderr_has(&["`threads` = 100000 is too large", "1024"]);
}
