//! The real-rig smoke test and the main job through the `spcm` plugin, against the
//! emulated Spectrum driver in place of the vendor library.

use awgsf_tests::bins::{library_file, repo_root};
use awgsf_tests::outcome::awgsf;
use awgsf_tests::scratch::{config_text, toml_str, Scratch};

/// A rig on the emulated driver (which has one card, at `/dev/spcm0`, in each
/// process).
fn rig(scratch: &Scratch, device: &str) -> std::path::PathBuf {
    let driver = library_file("awgsf_spcm_emulator");
    let settings = format!("device = \"{device}\"\ndriver_path = {}", toml_str(&driver));
    scratch.write(
        "rig.toml",
        &config_text("\"spcm\"", &settings, "")
            .replace("sample_rate_hz = 100e6", "sample_rate_hz = 625e6"),
    )
}

#[test]
fn smoke_passes_every_step_on_the_emulated_card() {
    let s = Scratch::new();
    let cfg = rig(&s, "/dev/spcm0");
    let o = awgsf(
        &repo_root(),
        &["smoke", "--config", cfg.to_str().unwrap(), "--json"],
        &[],
    );
    o.expect_exit(0);
    let steps = o.json();
    let names: Vec<&str> = steps
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["step"].as_str().unwrap())
        .collect();
    for want in [
        "force trigger",
        "status",
        "hot-swap one segment (same data)",
        "stop",
        "read segments back",
        "close",
    ] {
        assert!(names.contains(&want), "no step {want:?} in {names:?}");
    }
    assert!(
        steps.as_array().unwrap().iter().all(|s| s["pass"] == true),
        "{steps}"
    );
}

#[test]
fn the_main_job_uploads_a_preset_through_the_spcm_plugin() {
    let s = Scratch::new();
    let cfg = rig(&s, "/dev/spcm0");
    let o = awgsf(
        &repo_root(),
        &[
            "run",
            "--config",
            cfg.to_str().unwrap(),
            "--preset",
            "recreate_mol_exp",
            "--json",
        ],
        &[],
    );
    o.expect_exit(0);
    let r = o.json();
    assert_eq!(r["segments"], 14);
    assert!(
        r["card"].as_str().unwrap().contains("M4i.6622-x8"),
        "{}",
        r["card"]
    );
    assert_eq!(
        r["continuity"]["discontinuities"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|d| d["causes"].as_array().unwrap().is_empty())
            .count(),
        0
    );
}
