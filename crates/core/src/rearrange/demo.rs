//! A rearrangement program for one AOD axis, used by the `rearrange` benchmark
//! workload, the tests and as a template: a loading comb, the reserved move onto a
//! compact target array, and the target array held until a trigger.

use crate::program::builder::ChannelOps;
use crate::program::{PhaseMode, Program, ProgramBuilder, ProgramError};

/// The shape of a one-axis rearrangement program.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct RowShape {
    /// Loading tweezers (tones of definition `load`).
    pub load_tones: usize,
    /// Target sites (tones of definition `target`).
    pub target_tones: usize,
    /// Lowest and highest loading frequency, Hz.
    pub load_band_hz: (f64, f64),
    /// Amplitude of every tone, mV.
    pub amp_mv: f64,
    /// Duration of the move segment, seconds.
    pub move_s: f64,
}

impl Default for RowShape {
    /// 100 loading tones from 75 to 125 MHz onto the 50 central sites, 20 mV each,
    /// a 100 µs move.
    fn default() -> RowShape {
        RowShape {
            load_tones: 100,
            target_tones: 50,
            load_band_hz: (75e6, 125e6),
            amp_mv: 20.0,
            move_s: 100e-6,
        }
    }
}

fn linspace(lo: f64, hi: f64, n: usize) -> Vec<f64> {
    if n <= 1 {
        return vec![lo; n];
    }
    (0..n)
        .map(|i| lo + (hi - lo) * i as f64 / (n - 1) as f64)
        .collect()
}

impl RowShape {
    /// The program: `load` (wait_trig, crest-optimised comb), `move` (the reserved
    /// move: evenly spaced loading tones onto every target site, min-jerk) and
    /// `target` (wait_trig, continuing the move's phases), on logical channel `H`.
    /// The target sites keep the loading pitch, centred in the loading band.
    pub fn program(&self) -> Result<Program, ProgramError> {
        let (lo, hi) = self.load_band_hz;
        let pitch = if self.load_tones > 1 {
            (hi - lo) / (self.load_tones - 1) as f64
        } else {
            0.0
        };
        let centre = 0.5 * (lo + hi);
        let half = 0.5 * pitch * self.target_tones.saturating_sub(1) as f64;
        let targets = linspace(centre - half, centre + half, self.target_tones);
        let src = (0..self.target_tones).map(|j| j * self.load_tones / self.target_tones.max(1));
        ProgramBuilder::new()
            .logical_channel("H")
            .define(
                "load",
                "H",
                linspace(lo, hi, self.load_tones),
                vec![self.amp_mv; self.load_tones],
            )
            .define("target", "H", targets, vec![self.amp_mv; self.target_tones])
            .segment("load")
            .wait_trig()
            .phase_mode(PhaseMode::Optimise)
            .tones("H")
            .use_def("load")
            .hold(40e-6)
            .segment("move")
            .tones("H")
            .remap_from_def("target", src, self.move_s)
            .segment("target")
            .wait_trig()
            .hold(40e-6)
            .build()
    }
}
