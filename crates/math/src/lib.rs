//! Synthesis math shared by the host and the renderers (docs/semantics.md §7).
//!
//! * [`interp_value`]: a parameter inside a part, for every interpolation kind;
//! * [`phase_at`], [`turns_at`], [`end_phases`], [`local_phase`]: the closed-form
//!   tone phase at any sample of a part, exact over parts of up to 2^34 samples;
//! * [`calibrated_amplitude`]: the sin² optical-power calibration;
//! * [`sample_mv`], [`to_code`]: direct per-sample evaluation and the card code;
//! * [`validate_segment`]: the checks every renderer runs on a plan first.

pub mod calib;
pub mod dd;
pub mod interp;
pub mod phase;
pub mod sample;
pub mod validate;

pub use calib::{
    calib_g_v0, calib_x, calibrated_amplitude, g_v0_at, horner, normalised_freq, rf_from_power,
    CalibratedAmp,
};
pub use dd::Dd;
pub use interp::{
    adiabatic_weight, frequency_at, interp_value, min_jerk_shape, moves_frequency, ADIABATIC_FLOOR,
};
pub use phase::{cycles_dd, end_phases, local_phase, phase_at, turns_at, wrap_phase, LocalPhase};
pub use sample::{part_sample_mv, sample_mv, to_code, tone_amplitude};
pub use validate::{validate_job, validate_segment, PlanError};
