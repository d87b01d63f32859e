//! Bounded reading of input files (programs, configs, setup and calibration files,
//! measured calibration data): only regular files, at most [`MAX_INPUT_BYTES`].
//!
//! A FIFO would block the reader forever and a device such as `/dev/zero` would
//! never end, so both are refused before they are opened; a file larger than the
//! limit is refused from its size, and a file that grows while it is read is cut
//! off after the limit plus one byte and refused as well. Errors are
//! [`std::io::Error`]s so that each caller reports them in its own error class.
//! [`json`] parses JSON input refusing duplicate keys.

pub mod json;

use std::fs::{File, FileType};
use std::io::{self, Read};
use std::path::Path;

/// Largest input file accepted, in bytes (64 MiB): far above any real program,
/// config or calibration file, small enough that reading one cannot exhaust memory.
pub const MAX_INPUT_BYTES: u64 = 64 * 1024 * 1024;

/// Reads a whole input file as UTF-8 text, refusing anything but a regular file of
/// at most [`MAX_INPUT_BYTES`] bytes.
pub fn read_to_string(path: &Path) -> io::Result<String> {
    read_to_string_limited(path, MAX_INPUT_BYTES)
}

/// [`read_to_string`] with another size limit, in bytes.
pub fn read_to_string_limited(path: &Path, limit: u64) -> io::Result<String> {
    let bytes = read_limited(path, limit)?;
    String::from_utf8(bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "expected UTF-8 text, found an invalid byte at offset {}",
                e.utf8_error().valid_up_to()
            ),
        )
    })
}

/// Reads a whole input file as bytes, refusing anything but a regular file of at
/// most [`MAX_INPUT_BYTES`] bytes.
pub fn read(path: &Path) -> io::Result<Vec<u8>> {
    read_limited(path, MAX_INPUT_BYTES)
}

fn read_limited(path: &Path, limit: u64) -> io::Result<Vec<u8>> {
    // Checked before opening: opening a FIFO blocks until a writer appears.
    regular(std::fs::metadata(path)?.file_type())?;
    let file = File::open(path)?;
    let meta = file.metadata()?;
    regular(meta.file_type())?;
    if meta.len() > limit {
        return Err(too_large(Some(meta.len()), limit));
    }
    let mut bytes = Vec::with_capacity(meta.len() as usize);
    file.take(limit.saturating_add(1)).read_to_end(&mut bytes)?;
    if bytes.len() as u64 > limit {
        return Err(too_large(None, limit));
    }
    Ok(bytes)
}

fn regular(kind: FileType) -> io::Result<()> {
    if kind.is_file() {
        return Ok(());
    }
    let what = if kind.is_dir() {
        "a directory"
    } else if is_fifo(&kind) {
        "a FIFO (named pipe)"
    } else if kind.is_symlink() {
        "a symbolic link"
    } else {
        "a device or other special file"
    };
    Err(io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("expected a regular file, found {what}"),
    ))
}

#[cfg(unix)]
fn is_fifo(kind: &FileType) -> bool {
    std::os::unix::fs::FileTypeExt::is_fifo(kind)
}

#[cfg(not(unix))]
fn is_fifo(_: &FileType) -> bool {
    false
}

/// `size` is `None` when the file grew past the limit while it was read.
fn too_large(size: Option<u64>, limit: u64) -> io::Error {
    let size = size.map_or(String::new(), |n| format!("{n} bytes, "));
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!(
            "the file holds {size}more than the {} MiB ({limit} bytes) an input file may hold",
            limit / (1024 * 1024)
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_a_small_file_and_refuses_one_over_the_limit() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.toml");
        std::fs::write(&p, "0123456789").unwrap();
        assert_eq!(read_to_string_limited(&p, 10).unwrap(), "0123456789");
        let e = read_to_string_limited(&p, 9).unwrap_err().to_string();
        assert!(e.contains("10 bytes"), "{e}");
    }

    #[test]
    fn refuses_a_directory_and_a_device() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_to_string(dir.path()).unwrap_err().to_string();
        assert!(e.contains("found a directory"), "{e}");
        if Path::new("/dev/zero").exists() {
            let e = read_to_string(Path::new("/dev/zero"))
                .unwrap_err()
                .to_string();
            assert!(e.contains("device"), "{e}");
        }
    }

    #[test]
    fn refuses_invalid_utf8_with_its_offset() {
        let dir = tempfile::tempdir().unwrap();
        let p = dir.path().join("a.json");
        std::fs::write(&p, b"{}\xff").unwrap();
        let e = read_to_string(&p).unwrap_err().to_string();
        assert!(e.contains("offset 2"), "{e}");
    }
}
