//! Turning a drawn figure into a file: the format from the extension, drawing into
//! memory, PNG encoding, and an atomic write (temporary file, then rename, through
//! `awgsf_plugin_api::output_dir`), so a picture appears whole or not at all.

use std::path::{Path, PathBuf};

use plotters::coord::Shift;
use plotters::drawing::DrawingAreaErrorKind;
use plotters::prelude::{BitMapBackend, DrawingArea, DrawingBackend, IntoDrawingArea};
use plotters_svg::SVGBackend;

use super::font;
use crate::PlotError;

/// Smallest picture side, px: below this the panels and labels do not fit.
pub const MIN_SIDE_PX: u32 = 200;
/// Largest picture side, px.
pub const MAX_SIDE_PX: u32 = 8192;

/// Picture size in pixels (width, height); for SVG the `width`/`height` attributes.
pub type PixelSize = (u32, u32);

/// Picture file formats, chosen by the output file's extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// `.png`: an RGB bitmap.
    Png,
    /// `.svg`: vector graphics (heat maps embedded as PNG images).
    Svg,
}

impl Format {
    /// The format named by `path`'s extension (case-insensitive), if any.
    pub fn from_path(path: &Path) -> Option<Format> {
        let ext = path.extension()?.to_str()?.to_ascii_lowercase();
        match ext.as_str() {
            "png" => Some(Format::Png),
            "svg" => Some(Format::Svg),
            _ => None,
        }
    }
}

/// A failure inside drawing code, before the file name is attached.
#[derive(Debug)]
pub(crate) struct DrawError(pub String);

impl<E: std::error::Error + Send + Sync> From<DrawingAreaErrorKind<E>> for DrawError {
    fn from(e: DrawingAreaErrorKind<E>) -> DrawError {
        DrawError(e.to_string())
    }
}

/// Result of drawing code.
pub(crate) type DrawResult<T = ()> = Result<T, DrawError>;

/// Something that can draw itself on any plotters backend.
pub(crate) trait Figure {
    /// Draws the whole picture on `root` (white background already filled).
    fn draw<DB: DrawingBackend>(&self, root: &DrawingArea<DB, Shift>) -> DrawResult;
}

/// Checks the file name and size before any work is done.
pub(crate) fn check_target(path: &Path, size: PixelSize) -> Result<Format, PlotError> {
    let format = Format::from_path(path).ok_or_else(|| PlotError::UnknownFormat {
        path: path.to_path_buf(),
    })?;
    let ok = |side: u32| (MIN_SIDE_PX..=MAX_SIDE_PX).contains(&side);
    if !ok(size.0) || !ok(size.1) {
        return Err(PlotError::BadSize {
            path: path.to_path_buf(),
            width: size.0,
            height: size.1,
            min: MIN_SIDE_PX,
            max: MAX_SIDE_PX,
        });
    }
    Ok(format)
}

/// Draws `figure` at `size` and writes it to `path` in the format of its extension.
pub(crate) fn write_figure(
    figure: &impl Figure,
    path: &Path,
    size: PixelSize,
) -> Result<PathBuf, PlotError> {
    let format = check_target(path, size)?;
    let draw_err = |message: String| PlotError::Draw {
        path: path.to_path_buf(),
        message,
    };
    font::ensure_registered().map_err(draw_err)?;
    let bytes = match format {
        Format::Png => {
            let (w, h) = size;
            let mut rgb = vec![0u8; w as usize * h as usize * 3];
            draw_on(BitMapBackend::with_buffer(&mut rgb, size), figure)
                .map_err(|e| draw_err(e.0))?;
            encode_png(&rgb, w, h).map_err(|e| PlotError::Write {
                path: path.to_path_buf(),
                source: std::io::Error::other(e),
            })?
        }
        Format::Svg => {
            let mut text = String::new();
            draw_on(SVGBackend::with_string(&mut text, size), figure).map_err(|e| draw_err(e.0))?;
            text.into_bytes()
        }
    };
    write_atomically(path, &bytes)?;
    Ok(path.to_path_buf())
}

fn draw_on<DB: DrawingBackend>(backend: DB, figure: &impl Figure) -> DrawResult {
    let root = backend.into_drawing_area();
    root.fill(&plotters::style::WHITE)?;
    figure.draw(&root)?;
    root.present()?;
    Ok(())
}

/// Encodes 8-bit RGB pixels as a PNG (best compression; deterministic).
fn encode_png(rgb: &[u8], width: u32, height: u32) -> Result<Vec<u8>, png::EncodingError> {
    let mut out = Vec::new();
    {
        let mut encoder = png::Encoder::new(&mut out, width, height);
        encoder.set_color(png::ColorType::Rgb);
        encoder.set_depth(png::BitDepth::Eight);
        encoder.set_compression(png::Compression::Best);
        encoder.set_adaptive_filter(png::AdaptiveFilterType::Adaptive);
        let mut writer = encoder.write_header()?;
        writer.write_image_data(rgb)?;
        writer.finish()?;
    }
    Ok(out)
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over `path`
/// (the command checked before drawing whether an existing file may be replaced).
fn write_atomically(path: &Path, bytes: &[u8]) -> Result<(), PlotError> {
    awgsf_plugin_api::output_dir::write_file(path, bytes, true).map_err(|e| PlotError::Write {
        path: path.to_path_buf(),
        source: std::io::Error::other(e.message),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn format_follows_the_extension_whatever_its_case() {
        assert_eq!(Format::from_path(Path::new("a/b.PNG")), Some(Format::Png));
        assert_eq!(Format::from_path(Path::new("b.svg")), Some(Format::Svg));
        assert_eq!(Format::from_path(Path::new("b.jpg")), None);
        assert_eq!(Format::from_path(Path::new("png")), None);
    }

    #[test]
    fn sizes_outside_the_limits_are_refused_naming_the_file() {
        let err = check_target(Path::new("x.png"), (100, 600)).unwrap_err();
        assert!(err.to_string().starts_with("x.png: "), "{err}");
        assert!(check_target(Path::new("x.png"), (200, 8192)).is_ok());
        assert!(check_target(Path::new("x.svg"), (200, 8193)).is_err());
    }

    #[test]
    fn png_encoding_round_trips() {
        let rgb: Vec<u8> = (0..4 * 3 * 3).map(|i| i as u8).collect();
        let bytes = encode_png(&rgb, 4, 3).unwrap();
        let decoder = png::Decoder::new(std::io::Cursor::new(bytes));
        let mut reader = decoder.read_info().unwrap();
        let mut buf = vec![0; reader.output_buffer_size()];
        let info = reader.next_frame(&mut buf).unwrap();
        assert_eq!((info.width, info.height), (4, 3));
        assert_eq!(&buf[..rgb.len()], &rgb[..]);
    }
}
