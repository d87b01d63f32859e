//! Optical-power calibration: the sin² model of a hardware channel
//! (`p = g(f) sin^2((pi/2) a / v0(f))`, SEMANTICS §7.3), the physical-setup file that
//! holds one per hardware channel, and fitting such calibrations from measured data
//! (DE-calibration JSON, `.awgde`, CSV point clouds).
//!
//! - [`PhysicalSetup`]: load / validate / write setup files; [`Sin2Calib`]: one
//!   channel's coefficients with evaluation and [`Sin2Calib::to_plan`].
//! - `fit_files` (feature `fit`): one measured-data file per hardware channel to a
//!   setup plus a per-channel report (`FitReport`).

mod error;
pub mod eval;
#[cfg(feature = "fit")]
pub mod fit;
pub mod input;
pub(crate) mod json;
mod model;
mod physical_setup;
pub mod report;

pub use error::CalibError;
pub use eval::{PowerClamp, RfAmplitude, Sin2View};
#[cfg(feature = "fit")]
pub use fit::{fit_files, fit_sin2, ChannelReport, FitInput, FitOptions, FitReport, FitStats};
pub use input::{FreqUnit, InputFormat, MeasuredData};
pub use model::Sin2Calib;
pub use physical_setup::PhysicalSetup;
pub use report::RfWarnings;
