//! Conformance suites for awgsf plugins and shared test support. It depends on the
//! plugin API (and the `num` crates for exact arithmetic), not on the host, so a
//! third party can run the suites against its own plugin.
//!
//! * [`hardware`]: what every card plugin must do (`awgsf check-plugin` runs it);
//! * [`synthesis`]: what every synthesis plugin must do, with the random render
//!   plans and the reference renderer backends are held to;
//! * [`skip`]: skips that a machine meant to run a test turns into failures.
//!
//! Some tests need what a machine may lack (a GPU, NVRTC, a C++ compiler) or may
//! have in the way (a vendor driver that hides the "no driver" path). By default
//! such a test prints `skipped: <requirement>: <reason>` and passes. A machine that
//! is meant to run them sets `AWGSF_REQUIRE` to a comma-separated list of
//! [`REQUIREMENTS`]; each listed requirement that is not met then fails its tests
//! instead of skipping them.

pub mod hardware;
pub mod synthesis;

/// What one rule of a suite came to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// The plugin behaves as the rule says.
    Pass,
    /// The plugin does not claim the feature the rule is about.
    NotApplicable(String),
    /// The plugin broke the rule: what happened.
    Fail(String),
}

impl std::fmt::Display for Verdict {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Verdict::Pass => f.write_str("pass"),
            Verdict::NotApplicable(why) => write!(f, "not applicable: {why}"),
            Verdict::Fail(why) => write!(f, "FAIL: {why}"),
        }
    }
}

/// A rule of a suite and its verdict.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Outcome {
    /// The rule's name.
    pub rule: &'static str,
    /// What a conforming plugin does.
    pub expectation: &'static str,
    /// What happened.
    pub verdict: Verdict,
}

impl Outcome {
    /// True unless the rule failed.
    pub fn ok(&self) -> bool {
        !matches!(self.verdict, Verdict::Fail(_))
    }
}

/// The environment variable listing requirements that must be met.
pub const REQUIRE_ENV: &str = "AWGSF_REQUIRE";

/// Every requirement a test may skip on, with what it means.
pub const REQUIREMENTS: &[(&str, &str)] = &[
    ("cuda", "a CUDA driver and device that run the cuda plugin"),
    ("nvrtc", "the NVRTC library, able to compile for sm_90"),
    (
        "cxx",
        "a C++ compiler (the CPU emulation of the CUDA kernel)",
    ),
    (
        "plugins",
        "the plugin libraries built next to the awgsf binary",
    ),
    (
        "no-cuda-driver",
        "no CUDA driver installed (the cuda plugin's unavailable path)",
    ),
    (
        "no-spcm-driver",
        "no Spectrum driver installed (the spcm plugin's missing-driver path)",
    ),
];

/// The requirements `AWGSF_REQUIRE` lists. Panics on a name that is not one of
/// [`REQUIREMENTS`], so that a typo cannot turn a required test back into a skip.
pub fn required() -> Vec<String> {
    let Ok(list) = std::env::var(REQUIRE_ENV) else {
        return Vec::new();
    };
    let names: Vec<String> = list
        .split(',')
        .map(|s| s.trim().to_string())
        .filter(|s| !s.is_empty())
        .collect();
    for n in &names {
        if !REQUIREMENTS.iter().any(|(k, _)| k == n) {
            let known: Vec<&str> = REQUIREMENTS.iter().map(|(k, _)| *k).collect();
            panic!(
                "{REQUIRE_ENV} names `{n}`, which is not a requirement; known: {}",
                known.join(", ")
            );
        }
    }
    names
}

/// Whether `AWGSF_REQUIRE` lists `requirement`.
pub fn is_required(requirement: &str) -> bool {
    assert!(
        REQUIREMENTS.iter().any(|(k, _)| *k == requirement),
        "`{requirement}` is not one of awgsf_test_kit::REQUIREMENTS"
    );
    required().iter().any(|r| r == requirement)
}

/// Reports that a test cannot run here because `requirement` is not met: prints
/// `skipped: <requirement>: <reason>` and returns, or panics when `AWGSF_REQUIRE`
/// lists the requirement. Call it, then return from the test.
pub fn skip(requirement: &str, reason: &str) {
    if is_required(requirement) {
        panic!("{REQUIRE_ENV} requires `{requirement}`, but it is not met here: {reason}");
    }
    println!("skipped: {requirement}: {reason}");
    eprintln!("skipped: {requirement}: {reason}");
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::sync::Mutex;

    /// The environment is process-wide: one test at a time changes it.
    static ENV: Mutex<()> = Mutex::new(());

    fn with_require<T>(value: Option<&str>, f: impl FnOnce() -> T) -> T {
        let _guard = ENV.lock().unwrap_or_else(|e| e.into_inner());
        // SAFETY: every test of this crate that touches the environment holds ENV.
        unsafe {
            match value {
                Some(v) => std::env::set_var(REQUIRE_ENV, v),
                None => std::env::remove_var(REQUIRE_ENV),
            }
        }
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(f));
        unsafe { std::env::remove_var(REQUIRE_ENV) };
        out.unwrap_or_else(|p| std::panic::resume_unwind(p))
    }

    #[test]
    fn a_skip_passes_unless_required() {
        with_require(None, || skip("cuda", "no GPU"));
        with_require(Some("cxx"), || skip("cuda", "no GPU"));
        let failed = with_require(Some("nvrtc, cuda"), || {
            std::panic::catch_unwind(|| skip("cuda", "no GPU")).is_err()
        });
        assert!(failed, "a required skip must fail");
    }

    #[test]
    fn an_unknown_requirement_is_refused() {
        let failed = with_require(Some("cdua"), || {
            std::panic::catch_unwind(|| skip("cuda", "no GPU")).is_err()
        });
        assert!(failed, "a misspelt requirement must fail, not skip");
    }
}
