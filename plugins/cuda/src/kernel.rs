//! The render kernel's source and the definitions it is compiled with.
//!
//! `kernel.cu` is CUDA C++ compiled at run time (NVRTC on a GPU machine; a host C++
//! compiler against an emulation prelude in the tests). It expects every layout size
//! and code of [`crate::layout`] as a `-D` definition; [`defines`] lists them and
//! [`options`] turns them into compiler flags, so the same list feeds both compilers.

use crate::layout::*;

/// CUDA C++ source of the render kernel.
pub const SOURCE: &str = include_str!("kernel.cu");

/// Name of the kernel entry point (`extern "C"`).
pub const ENTRY: &str = "awgsf_render";

/// `NAME=value` definitions the kernel source needs.
pub fn defines() -> Vec<(&'static str, String)> {
    vec![
        ("AWGSF_CELL", CELL.to_string()),
        ("AWGSF_BLOCK", BLOCK.to_string()),
        ("AWGSF_MIN_BLOCKS", MIN_BLOCKS.to_string()),
        ("AWGSF_SPAN_WORDS", SPAN_WORDS.to_string()),
        ("AWGSF_PART_WORDS", PART_WORDS.to_string()),
        ("AWGSF_STEADY_WORDS", STEADY_WORDS.to_string()),
        ("AWGSF_RAMP_WORDS", RAMP_WORDS.to_string()),
        ("AWGSF_CALIB_HEAD_WORDS", CALIB_HEAD_WORDS.to_string()),
        ("AWGSF_STATS_WORDS", STATS_WORDS.to_string()),
        ("AWGSF_NO_CALIB", format!("{NO_CALIB}ull")),
        ("AWGSF_OUT_I16", OUT_I16.to_string()),
        ("AWGSF_OUT_F32", OUT_F32.to_string()),
        ("AWGSF_PHASE_FIXED", PHASE_FIXED.to_string()),
        ("AWGSF_PHASE_LINEAR", PHASE_LINEAR.to_string()),
        ("AWGSF_PHASE_MIN_JERK", PHASE_MIN_JERK.to_string()),
        ("AWGSF_AMP_CONST", AMP_CONST.to_string()),
        ("AWGSF_AMP_LINEAR", AMP_LINEAR.to_string()),
        ("AWGSF_AMP_MIN_JERK", AMP_MIN_JERK.to_string()),
        ("AWGSF_AMP_EXP", AMP_EXP.to_string()),
        ("AWGSF_AMP_STEP", AMP_STEP.to_string()),
        ("AWGSF_AMP_GEO", AMP_GEO.to_string()),
        ("AWGSF_AMP_ADIABATIC", AMP_ADIABATIC.to_string()),
    ]
}

/// The definitions as `-DNAME=value` compiler flags.
pub fn define_flags() -> Vec<String> {
    defines()
        .into_iter()
        .map(|(name, value)| format!("-D{name}={value}"))
        .collect()
}

/// NVRTC options for a target (`sm_90` for a binary, `compute_90` for PTX).
///
/// `--fmad=false` keeps every multiply and add separately rounded unless the source
/// asks for `fma()`, as on the CPU; `-std=c++17` for the aggregate initialisers.
pub fn options(target: &str) -> Vec<String> {
    let mut opts = vec![
        format!("--gpu-architecture={target}"),
        "--fmad=false".to_string(),
        "-std=c++17".to_string(),
        "--ptxas-options=-v".to_string(),
    ];
    opts.extend(define_flags());
    opts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_definition_the_source_uses_is_provided() {
        let provided: Vec<&str> = defines().iter().map(|(n, _)| *n).collect();
        let mut used: Vec<&str> = SOURCE
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .filter(|w| w.starts_with("AWGSF_") && w.chars().all(|c| !c.is_ascii_lowercase()))
            .collect();
        used.sort();
        used.dedup();
        // Macros the source defines itself.
        let own = [
            "AWGSF_DEV",
            "AWGSF_KERNEL",
            "AWGSF_RESTRICT",
            "AWGSF_EMULATION",
            "AWGSF_FRAC_2_PI",
            "AWGSF_STEADY_SEED",
        ];
        for name in used {
            assert!(
                provided.contains(&name) || own.contains(&name),
                "kernel.cu uses {name}, which kernel.rs does not define"
            );
        }
    }

    #[test]
    fn options_name_the_target_and_disable_contraction() {
        let o = options("sm_90");
        assert_eq!(o[0], "--gpu-architecture=sm_90");
        assert!(o.contains(&"--fmad=false".to_string()));
        assert!(o.contains(&format!("-DAWGSF_CELL={CELL}")));
    }
}
