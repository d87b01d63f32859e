//! Optical-power calibration: the sin² model of a hardware channel
//! (`p = g(f) sin^2((pi/2) a / v0(f))`, SEMANTICS §7.3), the physical-setup file that
//! holds one per hardware channel, and fitting such calibrations from measured data
//! (DE-calibration JSON, `.awgde`, CSV point clouds).
//!
//! - [`PhysicalSetup`]: load / validate / write setup files; [`Sin2Calib`]: one
//!   channel's coefficients with evaluation and [`Sin2Calib::to_plan`].
//! - [`fit_files`]: one measured-data file per hardware channel to a setup plus a
//!   per-channel report ([`FitReport`]).

mod error;
pub mod eval;
pub mod fit;
pub mod input;
mod json;
mod model;
pub mod report;
mod setup;

pub use error::CalibError;
pub use eval::{PowerClamp, RfAmplitude, Sin2View};
pub use fit::{fit_files, fit_sin2, ChannelReport, FitInput, FitOptions, FitReport, FitStats};
pub use input::{FreqUnit, InputFormat, MeasuredData};
pub use model::Sin2Calib;
pub use report::RfWarnings;
pub use setup::PhysicalSetup;
