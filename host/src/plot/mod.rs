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
mod colour;
mod error;
mod font;
mod layout;
mod marks;
mod output;
mod timeline;
mod tones;

pub use error::PlotError;
pub use output::{Format, PixelSize, MAX_SIDE_PX, MIN_SIDE_PX};
pub use timeline::{timeline, TimeAxis, TimelineOptions};
pub use tones::{channel_state_at, tones_at};
