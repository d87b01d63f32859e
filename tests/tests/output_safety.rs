//! Output safety through the real binary: nothing the user already has is lost.
//! Unsafe targets (`.`, `..`, the working directory, a directory that is not awgsf
//! output, overlapping `--out`/`--mv-out`, non-UTF-8 names) are refused before any
//! work, concurrent writers do not replace each other, stale temporaries of dead
//! processes are removed, `plot` keeps existing files without `--overwrite`, and
//! long segment names give usable file names.

use std::path::{Path, PathBuf};

use awgsf_core::error::exit;
use awgsf_tests::bins::repo_root;
use awgsf_tests::outcome::{awgsf, Outcome};
use awgsf_tests::scratch::{Scratch, SMALL_PROGRAM};

/// The repository's default config: CPU synthesis, simulator card, `overwrite = false`.
fn default_config() -> String {
    repo_root()
        .join("configs/default.toml")
        .to_str()
        .unwrap()
        .to_owned()
}

/// A scratch directory holding the small program as `small.toml`.
fn with_program() -> Scratch {
    let s = Scratch::new();
    s.write("small.toml", SMALL_PROGRAM);
    s
}

/// `awgsf compile small.toml` in `cwd` with `extra` arguments.
fn compile_in(cwd: &Path, extra: &[&str]) -> Outcome {
    let config = default_config();
    let mut args = vec!["compile", "small.toml", "--config", &config];
    args.extend_from_slice(extra);
    awgsf(cwd, &args, &[])
}

/// Sorted names in `dir` (empty if it does not exist).
fn entries(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    v.sort();
    v
}

/// Asserts `dir` is a complete export: a manifest whose every segment file exists.
fn assert_complete_export(dir: &Path) {
    let manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap();
    assert_eq!(manifest["format"], "awgsf-export");
    let segments = manifest["segments"].as_array().unwrap();
    assert!(!segments.is_empty());
    for s in segments {
        let file = dir.join(s["file"].as_str().unwrap());
        assert!(file.is_file(), "{} is missing", file.display());
    }
    assert!(dir.join("steps.json").is_file());
}

/// Names of awgsf temporaries in `dir`.
fn temporaries(dir: &Path) -> Vec<String> {
    entries(dir)
        .into_iter()
        .filter(|n| n.contains(".awgsf-"))
        .collect()
}

/// A process id that no longer runs: a child that has exited and been reaped.
#[cfg(unix)]
fn dead_pid() -> u32 {
    let mut child = std::process::Command::new("true").spawn().unwrap();
    let pid = child.id();
    child.wait().unwrap();
    pid
}

#[test]
fn dot_and_dotdot_outputs_are_refused_with_overwrite_and_nothing_is_touched() {
    let s = Scratch::new();
    s.write("a/mine.txt", "parent data\n");
    s.write("a/b/notes.txt", "working directory data\n");
    let cwd = s.path().join("a/b");
    std::fs::write(cwd.join("small.toml"), SMALL_PROGRAM).unwrap();
    let before = (entries(&s.path().join("a")), entries(&cwd));
    let abs_cwd = cwd.to_str().unwrap().to_owned();
    let cases: [&[&str]; 5] = [
        &["--out", "export", "--mv-out", "."],
        &["--out", "export", "--mv-out", ".."],
        &["--out", "."],
        &["--out", ".."],
        &["--out", &abs_cwd],
    ];
    for extra in cases {
        let mut args = extra.to_vec();
        args.push("--overwrite");
        let o = compile_in(&cwd, &args);
        o.expect_exit(exit::USAGE).stderr_has(&["usage error"]);
        assert!(
            o.stderr.contains("names no entry of its own")
                || o.stderr.contains("working directory"),
            "{}",
            o.stderr
        );
        assert_eq!(
            (entries(&s.path().join("a")), entries(&cwd)),
            before,
            "{extra:?} changed files"
        );
    }
}

#[test]
fn the_same_or_nested_out_and_mv_out_are_refused_before_writing() {
    let s = with_program();
    let cases: [&[&str]; 4] = [
        &["--out", "x", "--mv-out", "x", "--overwrite"],
        &["--out", "x", "--mv-out", "x"],
        &["--out", "x", "--mv-out", "x/mv"],
        &["--out", "x/./int16", "--mv-out", "y/../x"],
    ];
    for extra in cases {
        let o = compile_in(s.path(), extra);
        o.expect_exit(exit::USAGE).stderr_has(&[
            "--out",
            "--mv-out",
            "the same directory or one lies inside the other",
        ]);
        assert_eq!(s.entries(""), vec!["small.toml"], "{extra:?} wrote files");
    }
}

#[test]
fn a_directory_that_is_not_awgsf_output_is_kept_even_with_overwrite() {
    let s = with_program();
    s.write("export/thesis.tex", "months of work\n");
    let o = compile_in(s.path(), &["--out", "export", "--overwrite"]);
    o.expect_exit(exit::USAGE)
        .stderr_has(&["export", "not an awgsf output directory"]);
    assert_eq!(s.entries("export"), vec!["thesis.tex"]);
    assert!(temporaries(s.path()).is_empty());
    // The same for the millivolt directory.
    let o = compile_in(
        s.path(),
        &["--out", "int16", "--mv-out", "export", "--overwrite"],
    );
    o.expect_exit(exit::USAGE)
        .stderr_has(&["--mv-out", "not an awgsf output directory"]);
    assert!(!s.path().join("int16").exists());
}

#[test]
fn an_earlier_awgsf_output_is_replaced_with_overwrite() {
    let s = with_program();
    compile_in(s.path(), &["--out", "export", "--mv-out", "mv"]).expect_exit(exit::OK);
    s.write("export/stale.npy", "from an older program");
    s.write("mv/stale.mv.npy", "from an older program");
    let mv_manifest: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(s.path().join("mv/manifest.json")).unwrap())
            .unwrap();
    assert_eq!(mv_manifest["format"], "awgsf-millivolts");
    // Without --overwrite: refused as before, nothing changed.
    compile_in(s.path(), &["--out", "export", "--mv-out", "mv"])
        .expect_exit(exit::IO)
        .stderr_has(&["already exists; pass --overwrite to replace it"]);
    assert!(s.path().join("export/stale.npy").exists());
    compile_in(
        s.path(),
        &["--out", "export", "--mv-out", "mv", "--overwrite"],
    )
    .expect_exit(exit::OK);
    assert!(!s.path().join("export/stale.npy").exists());
    assert!(!s.path().join("mv/stale.mv.npy").exists());
    assert_complete_export(&s.path().join("export"));
    assert!(temporaries(s.path()).is_empty());
}

#[test]
fn of_two_concurrent_compiles_into_one_new_directory_exactly_one_succeeds() {
    for round in 0..3 {
        let s = with_program();
        let outcomes: Vec<Outcome> = std::thread::scope(|scope| {
            let runs: Vec<_> = (0..2)
                .map(|_| scope.spawn(|| compile_in(s.path(), &["--out", "export"])))
                .collect();
            runs.into_iter().map(|r| r.join().unwrap()).collect()
        });
        let ok = outcomes.iter().filter(|o| o.code == Some(exit::OK)).count();
        assert_eq!(ok, 1, "round {round}: {outcomes:#?}");
        let loser = outcomes.iter().find(|o| o.code != Some(exit::OK)).unwrap();
        loser
            .expect_exit(exit::IO)
            .stderr_has(&["export already exists"]);
        assert_complete_export(&s.path().join("export"));
        assert!(temporaries(s.path()).is_empty(), "round {round}");
    }
}

#[cfg(unix)]
#[test]
fn stale_temporaries_of_dead_processes_are_removed_on_the_next_write() {
    let s = with_program();
    let dead = s
        .path()
        .join(format!(".export.awgsf-partial-{}-0", dead_pid()));
    std::fs::create_dir(&dead).unwrap();
    std::fs::write(dead.join("segment_000_big.npy"), vec![0u8; 4096]).unwrap();
    let dead_plot = s
        .path()
        .join(format!(".t.png.awgsf-partial-{}-3", dead_pid()));
    std::fs::write(&dead_plot, "half a picture").unwrap();
    // A temporary of a process that still runs (this test) is someone's work in progress.
    let live = s
        .path()
        .join(format!(".export.awgsf-partial-{}-0", std::process::id()));
    std::fs::create_dir(&live).unwrap();
    let lookalike = s.path().join(".export.old-1");
    std::fs::write(&lookalike, "not ours").unwrap();
    compile_in(s.path(), &["--out", "export"]).expect_exit(exit::OK);
    assert!(!dead.exists(), "stale directory removed");
    assert!(!dead_plot.exists(), "stale file removed");
    assert!(live.exists(), "a live process's temporary is kept");
    assert!(
        lookalike.exists(),
        "names outside the scheme are not touched"
    );
    assert_complete_export(&s.path().join("export"));
}

#[cfg(unix)]
#[test]
fn a_non_utf8_out_is_refused_as_usage() {
    use std::ffi::OsStr;
    use std::os::unix::ffi::OsStrExt;
    let s = with_program();
    let output = std::process::Command::new(awgsf_tests::bins::awgsf_bin())
        .current_dir(s.path())
        .env_remove("AWGSF_CONFIG")
        .env_remove("AWGSF_PLUGIN_PATH")
        .args([
            "compile",
            "small.toml",
            "--config",
            &default_config(),
            "--out",
        ])
        .arg(OsStr::from_bytes(b"out-\xff"))
        .output()
        .unwrap();
    let o = Outcome::new("awgsf compile small.toml --out out-\\xff".into(), output);
    o.expect_exit(exit::USAGE)
        .stderr_has(&["--out", "not valid UTF-8"]);
    assert_eq!(s.entries(""), vec!["small.toml"], "nothing written");
}

#[test]
fn plot_keeps_an_existing_file_unless_overwrite_is_given() {
    let s = with_program();
    let picture = s.write("t.png", "an earlier picture");
    let config = default_config();
    let plot = |extra: &[&str]| {
        let mut args = vec![
            "plot",
            "timeline",
            "small.toml",
            "--out",
            "t.png",
            "--size",
            "400x300",
            "--config",
            &config,
        ];
        args.extend_from_slice(extra);
        awgsf(s.path(), &args, &[])
    };
    plot(&[])
        .expect_exit(exit::IO)
        .stderr_has(&["t.png already exists; pass --overwrite to replace it"]);
    assert_eq!(std::fs::read(&picture).unwrap(), b"an earlier picture");
    plot(&["--overwrite"]).expect_exit(exit::OK);
    assert!(std::fs::read(&picture).unwrap().starts_with(b"\x89PNG"));
    assert_eq!(s.entries(""), vec!["small.toml", "t.png"], "no temporaries");
    // A directory is never replaced by a picture.
    std::fs::create_dir(s.path().join("d.png")).unwrap();
    let mut args = vec!["plot", "timeline", "small.toml", "--out", "d.png"];
    args.extend_from_slice(&["--config", &config, "--overwrite"]);
    awgsf(s.path(), &args, &[])
        .expect_exit(exit::USAGE)
        .stderr_has(&["d.png", "is a directory"]);
}

#[test]
fn a_240_character_segment_name_compiles_to_short_file_names() {
    let s = Scratch::new();
    let long = "a".repeat(240);
    let program = SMALL_PROGRAM.replace("name = \"armed\"", &format!("name = \"{long}\""));
    assert!(program.contains(&long));
    let prog = s.write("one.toml", &program);
    let config = default_config();
    let o = awgsf(
        s.path(),
        &[
            "compile",
            prog.to_str().unwrap(),
            "--config",
            &config,
            "--out",
            "export",
            "--mv-out",
            "mv",
        ],
        &[],
    );
    o.expect_exit(exit::OK);
    let files: Vec<PathBuf> = ["export", "mv"]
        .iter()
        .flat_map(|d| {
            s.entries(d)
                .into_iter()
                .map(move |n| PathBuf::from(d).join(n))
        })
        .filter(|p| p.to_string_lossy().contains("segment_000_"))
        .collect();
    assert_eq!(files.len(), 2, "{files:?}");
    for f in &files {
        assert!(f.file_name().unwrap().len() <= 120, "{}", f.display());
    }
    assert_complete_export(&s.path().join("export"));
}
