//! Where the built binary and plugin files are, for tests that run them as a user
//! would. The documented test command builds the workspace first; when a file is
//! missing the helpers say so instead of failing obscurely.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

/// The build profile directory of the running test (`target/<profile>`).
pub fn profile_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("the test binary has a path");
    let mut dir = exe
        .parent()
        .expect("the test binary is in a directory")
        .to_path_buf();
    if dir.file_name().is_some_and(|n| n == "deps") {
        dir.pop();
    }
    dir
}

/// The `awgsf` binary of this build.
pub fn awgsf_bin() -> PathBuf {
    let p = profile_dir().join(if cfg!(windows) { "awgsf.exe" } else { "awgsf" });
    assert!(
        p.is_file(),
        "{} is missing: build the workspace first (`cargo build --workspace`), as the README's test command does",
        p.display()
    );
    p
}

/// A plugin library of this build by name (`cpu-simd` → `libawgsf_cpu_simd.so`).
pub fn plugin_file(name: &str) -> PathBuf {
    let p = profile_dir().join(awgsf_core::plugins::file_name_for(name));
    assert!(
        p.is_file(),
        "{} is missing: build the workspace first (`cargo build --workspace`)",
        p.display()
    );
    p
}

/// A library of this build by crate name (`fixture_panicking` → `libfixture_panicking.so`).
pub fn library_file(crate_lib_name: &str) -> PathBuf {
    let file = if cfg!(windows) {
        format!("{crate_lib_name}.dll")
    } else if cfg!(target_os = "macos") {
        format!("lib{crate_lib_name}.dylib")
    } else {
        format!("lib{crate_lib_name}.so")
    };
    let p = profile_dir().join(file);
    assert!(
        p.is_file(),
        "{} is missing: build the workspace first (`cargo build --workspace`)",
        p.display()
    );
    p
}

/// Runs `awgsf` with `args` in `cwd`, with no environment config.
pub fn run_awgsf(cwd: &Path, args: &[&str]) -> Output {
    Command::new(awgsf_bin())
        .args(args)
        .current_dir(cwd)
        .env_remove("AWGSF_CONFIG")
        .env_remove("AWGSF_PLUGIN_PATH")
        .output()
        .expect("awgsf runs")
}

/// The repository root.
pub fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("tests/ is in the repository")
        .to_path_buf()
}
