//! Debug pictures: pure functions that take data and write a PNG or SVG (chosen by
//! the output file's extension) of a given pixel size. Files are written
//! atomically (a temporary file, then a rename), and every error names the file.
//!
//! * [`timeline`]: every tone's frequency and amplitude against time;
//! * [`samples`]: compiled int16 samples (or mV) per channel;
//! * [`spectrogram`]: a short-time Fourier transform of one channel;
//! * [`grid`]: the crossed-AOD spot grid at one instant;
//! * [`calibration`]: measured optical power against a fitted model.
//!
//! Text is drawn with a built-in font, colours are chosen to stay readable with
//! colour-vision deficiencies (Okabe–Ito, viridis, PuOr).

mod axis;
mod calibration;
mod colour;
mod colourbar;
mod font;
mod grid;
mod layout;
mod marks;
mod output;
mod samples;
mod spectrogram;
mod stft;
mod timeline;
mod tones;
mod trace;

pub use awgsf_core::error::PlotError;
pub use calibration::{
    calibration, CalibrationOptions, FnModel, NamedFit, PowerModel, PowerPoint, MAX_FITS,
};
pub use grid::{grid, GridOptions};
pub use output::{Format, PixelSize, MAX_SIDE_PX, MIN_SIDE_PX};
pub use samples::{samples, SampleUnits, SamplesOptions};
pub use spectrogram::{spectrogram, SpectrogramOptions, MAX_SPECTROGRAM_SAMPLES};
pub use timeline::{timeline, TimeAxis, TimelineOptions};
pub use tones::{channel_state_at, segment_at, tones_at};
pub use trace::{Boundary, SampleSource, SampleStream, SegmentSamples};
