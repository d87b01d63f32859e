//! Real-time rearrangement: from an occupancy (which loading tweezers hold an
//! atom) to a phase-closed move segment on the card, with nothing else touched.
//!
//! The program reserves the move: a segment (after the loading segment) whose only
//! op is a `remap_from_def` onto the target definition, its length fixed at
//! compile time. [`crate::session::Session::rearrange`] assigns atoms to the
//! target sites ([`assign`]), rebuilds that segment for the chosen source tones so
//! that every tone ends exactly as the following segment starts ([`closure`]),
//! renders it and rewrites its slot while the card plays.
//!
//! One move acts on one logical channel (one AOD axis). On a crossed-AOD grid that
//! is a row or column operation: the occupancy of a column tone says whether the
//! column holds atoms; moving single atoms of a 2D grid independently is not
//! something two crossed AODs can do.

use serde::Serialize;

pub mod assign;
pub mod closure;
pub mod demo;

pub use crate::session::rearrange::{find_move, MoveSite};

/// What to rearrange.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct RearrangeRequest {
    /// One entry per tone of the loading state (the tones the move starts from),
    /// true where the tweezer holds an atom.
    pub occupancy: Vec<bool>,
    /// Which tones of the target definition to fill (one entry per tone of the
    /// definition); `None` fills the ones the program's move fills. Only that set
    /// can be filled without recompiling the segments after the move.
    pub target: Option<Vec<bool>>,
    /// The move segment's name; `None` takes the program's only segment whose one
    /// op is a `remap_from_def`.
    pub segment: Option<String>,
    /// Largest frequency excursion allowed for closing a tone's phase, Hz; `None`
    /// allows `1 / T` (`T` the move's duration), which closes every phase.
    pub max_correction_hz: Option<f64>,
}

/// One atom's move.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct AtomMove {
    /// Loading tone index (position in the loading state).
    pub from_tone: usize,
    /// Target definition tone index.
    pub to_tone: usize,
    /// Start frequency, Hz.
    pub from_hz: f64,
    /// End frequency, Hz.
    pub to_hz: f64,
    /// Midpoint shift that closes the tone's phase, Hz.
    pub correction_hz: f64,
}

/// Seconds spent in each phase of a rearrangement.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct RearrangeTimings {
    /// Choosing which atom goes where.
    pub assign_s: f64,
    /// Building and phase-closing the move segment.
    pub plan_s: f64,
    /// Rendering it to card codes.
    pub render_s: f64,
    /// Writing its slot on the card.
    pub upload_s: f64,
    /// From the call to the segment being on the card.
    pub total_s: f64,
}

/// What a rearrangement did.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct RearrangeReport {
    /// The move segment.
    pub segment: String,
    /// Its card slot (the only one written).
    pub slot: u32,
    /// The logical channel that moves.
    pub channel: String,
    /// Atoms in the occupancy.
    pub atoms: usize,
    /// Target sites filled.
    pub sites: usize,
    /// Every move, in target order.
    pub moves: Vec<AtomMove>,
    /// Loading tones whose atom was not needed (their tones end with the move's start).
    pub unused_atoms: Vec<usize>,
    /// The move's duration, seconds.
    pub move_s: f64,
    /// Largest correction allowed, Hz.
    pub bound_hz: f64,
    /// Largest correction used, Hz.
    pub max_correction_hz: f64,
    /// Largest end-phase difference from what the next segment starts with, radians.
    pub max_phase_error_rad: f64,
    /// Where the time went.
    pub timings: RearrangeTimings,
}
