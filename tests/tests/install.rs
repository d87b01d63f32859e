//! An installed `awgsf` (`scripts/install.sh`: `bin/awgsf`, `lib/awgsf/*.so`) runs
//! the main job from any directory and finds its plugins beside itself.

use std::path::Path;
use std::process::Command;

use awgsf_tests::bins::{awgsf_bin, profile_dir, repo_root};
use awgsf_tests::outcome::Outcome;

/// Runs the installed binary in `cwd` without any awgsf environment.
fn installed(bin: &Path, cwd: &Path, args: &[&str]) -> Outcome {
    let output = Command::new(bin)
        .args(args)
        .current_dir(cwd)
        .env_remove("AWGSF_CONFIG")
        .env_remove("AWGSF_PLUGIN_PATH")
        .output()
        .expect("the installed awgsf runs");
    Outcome::new(format!("{} {}", bin.display(), args.join(" ")), output)
}

#[test]
fn an_installed_awgsf_runs_the_main_job_from_another_directory() {
    awgsf_bin(); // the build exists
    let prefix = tempfile::tempdir().unwrap();
    let elsewhere = tempfile::tempdir().unwrap();
    let script = repo_root().join("scripts/install.sh");
    let o = Command::new("bash")
        .arg(&script)
        .arg("--prefix")
        .arg(prefix.path())
        .arg("--from")
        .arg(profile_dir())
        .output()
        .expect("install.sh runs");
    assert!(
        o.status.success(),
        "install.sh failed:\n{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let bin = prefix.path().join("bin/awgsf");
    let lib = prefix.path().join("lib/awgsf");

    let o = installed(&bin, elsewhere.path(), &["plugins", "--json"]);
    o.expect_exit(0);
    let rows = o.json();
    for name in ["cpu-simd", "simulator"] {
        let row = rows
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["name"] == name)
            .unwrap_or_else(|| panic!("no plugin {name}: {rows}"));
        assert_eq!(row["found_in"], "installed beside the binary", "{row}");
        assert!(
            Path::new(row["file"].as_str().unwrap()).starts_with(&lib),
            "{row}"
        );
    }

    // No ./configs/default.toml here: the built-in defaults, and the run says so.
    let o = installed(
        &bin,
        elsewhere.path(),
        &["run", "--preset", "simple_tweens"],
    );
    o.expect_exit(0);
    assert!(o.stdout.contains("built-in defaults"), "{}", o.stdout);
    assert!(o.stdout.contains("0 unrequested"), "{}", o.stdout);

    // The shipped configs are installed too.
    let cfg = prefix.path().join("share/awgsf/configs/default.toml");
    let o = installed(
        &bin,
        elsewhere.path(),
        &["config", "check", "--config", cfg.to_str().unwrap()],
    );
    o.expect_exit(0);
}

#[test]
fn a_lone_binary_finds_the_plugins_of_the_build_tree_it_came_from() {
    // What `cargo install --path host` leaves: the binary alone, elsewhere.
    let elsewhere = tempfile::tempdir().unwrap();
    let bin = elsewhere.path().join("awgsf");
    std::fs::copy(awgsf_bin(), &bin).unwrap();
    let o = installed(&bin, elsewhere.path(), &["plugins", "--json"]);
    o.expect_exit(0);
    let rows = o.json();
    let row = rows
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "simulator")
        .unwrap_or_else(|| panic!("no simulator: {rows}"));
    assert_eq!(row["found_in"], "build tree", "{row}");
    let o = installed(
        &bin,
        elsewhere.path(),
        &["run", "--preset", "simple_tweens"],
    );
    o.expect_exit(0);
}
