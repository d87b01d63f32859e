//! Integration tests of `awgsf-plot`, one test binary: every picture kind written,
//! decoded and checked.

mod calibration;
mod grid;
mod samples;
mod spectrogram;
mod support;
mod timeline;
