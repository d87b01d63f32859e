//! Errors of the picture writers (`awgsf-plot`): every variant names the picture file it concerns.

use std::path::{Path, PathBuf};

/// Why a picture could not be written.
#[derive(Debug, thiserror::Error)]
pub enum PlotError {
    /// The file name ends in neither `.png` nor `.svg`.
    #[error(
        "{}: cannot tell the picture format from the file name; use a .png or .svg extension",
        .path.display()
    )]
    UnknownFormat {
        /// The picture file.
        path: PathBuf,
    },
    /// The requested pixel size is too small to lay out or too large to hold.
    #[error(
        "{}: a picture of {width}×{height} px cannot be drawn; each side must be between {min} and {max} px",
        .path.display()
    )]
    BadSize {
        /// The picture file.
        path: PathBuf,
        /// Requested width, px.
        width: u32,
        /// Requested height, px.
        height: u32,
        /// Smallest side, px.
        min: u32,
        /// Largest side, px.
        max: u32,
    },
    /// The data cannot be drawn (empty, inconsistent or out of range).
    #[error("{}: {message}", .path.display())]
    BadInput {
        /// The picture file.
        path: PathBuf,
        /// What is wrong with the data, naming the field.
        message: String,
    },
    /// The drawing library failed.
    #[error("{}: drawing failed: {message}", .path.display())]
    Draw {
        /// The picture file.
        path: PathBuf,
        /// The library's message.
        message: String,
    },
    /// The picture could not be encoded or written; no partial file is left.
    #[error("{}: cannot write the picture: {source}", .path.display())]
    Write {
        /// The picture file.
        path: PathBuf,
        /// The I/O error.
        #[source]
        source: std::io::Error,
    },
}

impl PlotError {
    /// The picture file the error is about.
    pub fn path(&self) -> &Path {
        match self {
            PlotError::UnknownFormat { path }
            | PlotError::BadSize { path, .. }
            | PlotError::BadInput { path, .. }
            | PlotError::Draw { path, .. }
            | PlotError::Write { path, .. } => path,
        }
    }

    /// A [`PlotError::BadInput`] about `path`.
    pub fn bad_input(path: &Path, message: impl Into<String>) -> PlotError {
        PlotError::BadInput {
            path: path.to_path_buf(),
            message: message.into(),
        }
    }
}
