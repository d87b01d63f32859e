//! Size limits of a program, checked before anything proportional to them is
//! allocated: tones per definition (and per generated number list), segments per
//! program, samples per segment. Each refusal is a program error (exit 3) naming
//! the definition or segment and the limit.

use super::error::{Location, ProgramError};
use super::model::Program;

/// Most tones one definition holds, and most values one `linspace` or list gives.
pub const MAX_TONES: usize = 1 << 16;
/// Most segments in one program (a card's step word addresses 2^16 segments).
pub const MAX_SEGMENTS: usize = 1 << 16;
/// Most samples per channel in one segment (2^32, 8 GiB of int16 per channel).
pub const MAX_SEGMENT_SAMPLES: u64 = 1 << 32;

/// Refuses a generated list of `n` values above [`MAX_TONES`]; the message says
/// what is allowed.
pub fn check_list_len(n: u64) -> Result<usize, String> {
    usize::try_from(n)
        .ok()
        .filter(|n| *n <= MAX_TONES)
        .ok_or_else(|| format!("{n} values is too many: at most {MAX_TONES} are allowed"))
}

/// Refuses a segment of `samples` per channel above [`MAX_SEGMENT_SAMPLES`].
pub fn check_segment_samples(index: usize, name: &str, samples: u64) -> Result<(), ProgramError> {
    if samples <= MAX_SEGMENT_SAMPLES {
        return Ok(());
    }
    let loc = Location {
        segment: Some((index, name.to_string())),
        ..Location::default()
    };
    Err(ProgramError::new(
        loc,
        format!(
            "{samples} samples per channel: a segment holds at most {MAX_SEGMENT_SAMPLES} samples"
        ),
    ))
}

/// Checks the counts of a program against [`MAX_TONES`] and [`MAX_SEGMENTS`].
pub fn check_limits(program: &Program) -> Result<(), ProgramError> {
    for (key, def) in &program.definitions {
        let n = def
            .freqs_hz
            .len()
            .max(def.amps.len())
            .max(def.phases_rad.len());
        if n > MAX_TONES {
            let loc = Location {
                definition: Some(key.clone()),
                ..Location::field("freqs")
            };
            return Err(ProgramError::new(
                loc,
                format!("{n} tones: a definition holds at most {MAX_TONES} tones"),
            ));
        }
    }
    let n = program.segments.len();
    if n > MAX_SEGMENTS {
        return Err(ProgramError::new(
            Location::field("segments"),
            format!("{n} segments: a program holds at most {MAX_SEGMENTS} segments"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::program::ProgramBuilder;

    #[test]
    fn counts_at_the_limits_pass_and_above_are_refused() {
        assert_eq!(check_list_len(MAX_TONES as u64), Ok(MAX_TONES));
        assert!(check_list_len(MAX_TONES as u64 + 1)
            .unwrap_err()
            .contains("at most 65536"));
        assert!(check_segment_samples(0, "a", MAX_SEGMENT_SAMPLES).is_ok());
        let e = check_segment_samples(2, "big", MAX_SEGMENT_SAMPLES + 1).unwrap_err();
        assert_eq!(e.location.segment, Some((2, "big".to_string())));
    }

    #[test]
    fn a_definition_with_too_many_tones_is_named() {
        let freqs = vec![1e6; MAX_TONES + 1];
        let amps = vec![1.0; MAX_TONES + 1];
        let p = ProgramBuilder::new()
            .logical_channel("x")
            .define("wide", "x", freqs, amps)
            .build_unchecked();
        let e = check_limits(&p).unwrap_err();
        assert_eq!(e.location.definition.as_deref(), Some("wide"));
        assert!(e.message.contains("65537 tones"), "{}", e.message);
    }
}
