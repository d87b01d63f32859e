//! The embedded font every label is drawn with, so pictures need no system fonts
//! and look the same everywhere (a subset of DejaVu Sans, see `crates/plot/assets/`).

use std::sync::OnceLock;

use plotters::style::{register_font, FontStyle};

/// The font file, built into the binary.
static FONT: &[u8] = include_bytes!("../assets/DejaVuSans-subset.ttf");

/// Family name the charts ask for; plotters' own defaults use it too.
pub(crate) const FAMILY: &str = "sans-serif";

/// Registers the font with plotters once per process (other styles, such as bold,
/// fall back to it).
pub(crate) fn ensure_registered() -> Result<(), String> {
    static DONE: OnceLock<bool> = OnceLock::new();
    let ok = *DONE.get_or_init(|| register_font(FAMILY, FontStyle::Normal, FONT).is_ok());
    if ok {
        Ok(())
    } else {
        Err("the built-in font could not be read".to_string())
    }
}
