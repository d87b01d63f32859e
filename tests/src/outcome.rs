//! What a run of the `awgsf` binary did, with the checks every fault test makes:
//! the exit code, the messages, and that nothing crashed (no signal, no panic of the
//! host itself).

use std::path::Path;
use std::process::{Command, Output};

use crate::bins::awgsf_bin;

/// Exit status and output of one `awgsf` run.
#[derive(Debug, Clone)]
pub struct Outcome {
    /// The command line, for messages.
    pub command: String,
    /// Exit code (`None`: killed by a signal).
    pub code: Option<i32>,
    /// Standard output.
    pub stdout: String,
    /// Standard error.
    pub stderr: String,
}

impl Outcome {
    /// Wraps a finished process.
    pub fn new(command: String, output: Output) -> Outcome {
        Outcome {
            command,
            code: output.status.code(),
            stdout: String::from_utf8_lossy(&output.stdout).into_owned(),
            stderr: String::from_utf8_lossy(&output.stderr).into_owned(),
        }
    }

    fn context(&self) -> String {
        format!(
            "`{}` exited with {:?}\n--- stderr ---\n{}\n--- stdout ---\n{}",
            self.command, self.code, self.stderr, self.stdout
        )
    }

    /// Lines of stderr that report a panic (`thread '...' panicked at FILE:LINE`).
    pub fn panic_lines(&self) -> Vec<&str> {
        self.stderr
            .lines()
            .filter(|l| l.contains("panicked at"))
            .collect()
    }

    /// Asserts the exit code, that no signal ended the process and that nothing
    /// panicked.
    pub fn expect_exit(&self, code: i32) -> &Outcome {
        self.expect_exit_allowing_panics_in(code, &[])
    }

    /// Like [`Outcome::expect_exit`], but panics reported at a source path containing
    /// one of `allowed` (a plugin's own sources) are accepted: a plugin prints its
    /// panic through its own panic hook before the export macro catches it.
    pub fn expect_exit_allowing_panics_in(&self, code: i32, allowed: &[&str]) -> &Outcome {
        assert!(
            self.code.is_some(),
            "killed by a signal (a crash)\n{}",
            self.context()
        );
        assert_eq!(self.code, Some(code), "wrong exit code\n{}", self.context());
        let host_panics: Vec<&str> = self
            .panic_lines()
            .into_iter()
            .filter(|l| !allowed.iter().any(|a| l.contains(a)))
            .collect();
        assert!(
            host_panics.is_empty(),
            "unexpected panic {host_panics:?}\n{}",
            self.context()
        );
        self
    }

    /// Asserts that stderr contains every one of `parts`.
    pub fn stderr_has(&self, parts: &[&str]) -> &Outcome {
        for p in parts {
            assert!(
                self.stderr.contains(p),
                "stderr lacks {p:?}\n{}",
                self.context()
            );
        }
        self
    }

    /// Asserts that stderr contains none of `parts`.
    pub fn stderr_lacks(&self, parts: &[&str]) -> &Outcome {
        for p in parts {
            assert!(
                !self.stderr.contains(p),
                "stderr should not contain {p:?}\n{}",
                self.context()
            );
        }
        self
    }

    /// The lines of stderr that contain `part`.
    pub fn stderr_lines_with(&self, part: &str) -> Vec<&str> {
        self.stderr.lines().filter(|l| l.contains(part)).collect()
    }

    /// Standard output parsed as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("stdout is not JSON: {e}\n{}", self.context()))
    }
}

/// Runs `awgsf` with `args` in `cwd`, with no environment config or plugin path
/// (and `extra_env` set).
pub fn awgsf(cwd: &Path, args: &[&str], extra_env: &[(&str, &str)]) -> Outcome {
    let mut cmd = Command::new(awgsf_bin());
    cmd.args(args)
        .current_dir(cwd)
        .env_remove("AWGSF_CONFIG")
        .env_remove("AWGSF_PLUGIN_PATH")
        .env_remove("RUST_BACKTRACE");
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let output = cmd.output().expect("awgsf runs");
    Outcome::new(format!("awgsf {}", args.join(" ")), output)
}
