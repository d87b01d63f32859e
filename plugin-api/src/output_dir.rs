//! Safe output: the one place where the host and the file-sink plugin decide where
//! files may be written and put them there atomically, so nothing a lab relies on
//! is lost.
//!
//! * A target must name an entry of its own: `.`, `..` and roots are refused.
//! * An existing target is refused unless `overwrite` is set; even then a directory
//!   is replaced only when it is empty or an awgsf output directory (its
//!   [`MANIFEST`] has a `format` starting with [`FORMAT_PREFIX`]), and never when it
//!   is the working directory or one of its ancestors.
//! * Everything is written into a temporary sibling named
//!   `.<name>.awgsf-<tag>-<pid>-<n>` (a file flushed to disk first: [`StagedFile`],
//!   [`write_atomically`]) and moved into place with one rename: on Linux
//!   `renameat2(RENAME_NOREPLACE)` (so of two concurrent writers exactly one wins)
//!   or `RENAME_EXCHANGE` (an atomic swap when replacing); elsewhere a portable
//!   fallback.
//! * Before each write the temporaries of processes that no longer run are removed
//!   from the target's parent directory.
//! * [`segment_file_name`] keeps file names made from segment names short.

use std::ffi::OsStr;
use std::fmt;
use std::fs;
use std::io::{self, Write};
use std::path::{Component, Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

/// Marker in the name of every temporary: `.<name>.awgsf-<tag>-<pid>-<n>`.
pub const TEMP_MARKER: &str = ".awgsf-";
/// Longest sanitised segment-name part of a file name built by [`segment_file_name`], bytes.
pub const MAX_NAME_PART: usize = 100;
/// Longest part of the target's name repeated in a temporary's name, bytes.
pub const MAX_TEMP_STEM: usize = 64;
/// File that marks an awgsf output directory.
pub const MANIFEST: &str = "manifest.json";
/// Start of the manifest `format` of every awgsf output directory.
pub const FORMAT_PREFIX: &str = "awgsf-";

/// Tags of temporaries: files being written, and replaced content being removed.
const TAGS: [&str; 2] = ["partial", "old"];

/// Class of an [`OutputError`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum OutputErrorKind {
    /// The path can never be written as asked (it names `.`, `..` or a root, the
    /// working directory or an ancestor, a directory that is not awgsf output, a
    /// directory where a file goes or the reverse): a usage error.
    Refused,
    /// The target exists (or appeared meanwhile) and overwriting is off.
    Exists,
    /// Reading or writing failed.
    Io,
}

/// Why an output could not be written; the message names the path.
#[derive(Debug, Clone)]
pub struct OutputError {
    /// Class.
    pub kind: OutputErrorKind,
    /// What happened, naming the path.
    pub message: String,
}

impl fmt::Display for OutputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for OutputError {}

fn refused(message: String) -> OutputError {
    OutputError {
        kind: OutputErrorKind::Refused,
        message,
    }
}

fn exists(dest: &Path) -> OutputError {
    OutputError {
        kind: OutputErrorKind::Exists,
        message: format!(
            "{} already exists; pass --overwrite to replace it",
            dest.display()
        ),
    }
}

fn io_err(what: &str, path: &Path, e: impl fmt::Display) -> OutputError {
    OutputError {
        kind: OutputErrorKind::Io,
        message: format!("{what} {}: {e}", path.display()),
    }
}

/// `segment_NNN_<name><suffix>`: the segment name with every character but ASCII
/// letters, digits, `-` and `_` replaced by `_`, cut to [`MAX_NAME_PART`]
/// characters (the index keeps names unique).
pub fn segment_file_name(index: u32, name: &str, suffix: &str) -> String {
    let clean: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '_'
            }
        })
        .take(MAX_NAME_PART)
        .collect();
    format!("segment_{index:03}_{clean}{suffix}")
}

/// A target split into the directory that holds it and its entry name.
struct Target<'a> {
    /// Directory holding the entry (`.` for a bare name).
    parent: PathBuf,
    /// Entry name.
    name: &'a OsStr,
    /// The entry's path as given (without a trailing `.`).
    dest: PathBuf,
}

/// Splits `target`; refuses `.`, `..` and roots.
fn split(target: &Path) -> Result<Target<'_>, OutputError> {
    match target.components().next_back() {
        Some(Component::Normal(name)) => {
            let given = target.parent().filter(|p| !p.as_os_str().is_empty());
            Ok(Target {
                parent: given.unwrap_or(Path::new(".")).to_path_buf(),
                name,
                dest: given.map_or_else(|| PathBuf::from(name), |p| p.join(name)),
            })
        }
        _ => Err(refused(format!(
            "{}: names no entry of its own (`.`, `..` or a root) and cannot be written or replaced; give a name, e.g. {}",
            target.display(),
            target.join("out").display()
        ))),
    }
}

/// `path` made absolute with symbolic links and `..` resolved as far as it exists.
pub fn resolve(path: &Path) -> PathBuf {
    let abs = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    let comps: Vec<Component<'_>> = abs.components().collect();
    for k in (1..=comps.len()).rev() {
        let prefix: PathBuf = comps[..k].iter().collect();
        if let Ok(mut real) = fs::canonicalize(&prefix) {
            for c in &comps[k..] {
                match c {
                    Component::ParentDir => {
                        real.pop();
                    }
                    Component::Normal(n) => real.push(n),
                    _ => {}
                }
            }
            return real;
        }
    }
    abs
}

/// Whether `a` and `b` are the same path or one lies inside the other.
pub fn overlapping(a: &Path, b: &Path) -> bool {
    let (a, b) = (resolve(a), resolve(b));
    a.starts_with(&b) || b.starts_with(&a)
}

/// Whether `dir` holds a [`MANIFEST`] whose `format` starts with [`FORMAT_PREFIX`].
pub fn is_awgsf_output(dir: &Path) -> bool {
    fs::read(dir.join(MANIFEST))
        .ok()
        .and_then(|bytes| serde_json::from_slice::<serde_json::Value>(&bytes).ok())
        .and_then(|v| {
            v.get("format")?
                .as_str()
                .map(|f| f.starts_with(FORMAT_PREFIX))
        })
        .unwrap_or(false)
}

/// Whether `dir` is a millivolt directory of an awgsf version that wrote no
/// manifest: nothing but `segment_NNN_*.mv.npy` files.
fn is_legacy_millivolt_dir(dir: &Path) -> bool {
    let Ok(entries) = fs::read_dir(dir) else {
        return false;
    };
    let mut any = false;
    for entry in entries {
        let Ok(entry) = entry else { return false };
        let name = entry.file_name();
        let ok = entry.file_type().is_ok_and(|t| t.is_file())
            && name.to_str().is_some_and(|n| {
                let rest = n.strip_prefix("segment_").unwrap_or_default();
                let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
                digits >= 3 && rest[digits..].starts_with('_') && n.ends_with(".mv.npy")
            });
        if !ok {
            return false;
        }
        any = true;
    }
    any
}

/// Refuses to replace the working directory or one of its ancestors.
fn refuse_working_directory(dest: &Path) -> Result<(), OutputError> {
    let real = resolve(dest);
    if let Ok(cwd) = std::env::current_dir().map(|c| resolve(&c)) {
        if cwd.starts_with(&real) {
            return Err(refused(format!(
                "{}: is the working directory or one of its ancestors; --overwrite never replaces it",
                dest.display()
            )));
        }
    }
    Ok(())
}

/// Checks that `target` may become an output directory: absent, or with
/// `overwrite` an empty or awgsf output directory that is not the working
/// directory or an ancestor of it. Call it before any work is done.
pub fn check_dir_target(target: &Path, overwrite: bool) -> Result<(), OutputError> {
    let dest = split(target)?.dest;
    if fs::symlink_metadata(&dest).is_err() {
        return Ok(());
    }
    if !overwrite {
        return Err(exists(&dest));
    }
    check_replaceable_dir(&dest)
}

fn check_replaceable_dir(dest: &Path) -> Result<(), OutputError> {
    refuse_working_directory(dest)?;
    if !dest.is_dir() {
        return Err(refused(format!(
            "{}: is not a directory; --overwrite replaces only output directories",
            dest.display()
        )));
    }
    let empty = fs::read_dir(dest)
        .map_err(|e| io_err("cannot read", dest, e))?
        .next()
        .is_none();
    if empty || is_awgsf_output(dest) || is_legacy_millivolt_dir(dest) {
        Ok(())
    } else {
        Err(refused(format!(
            "{}: is not an awgsf output directory (no {MANIFEST} with an awgsf format), so --overwrite does not replace it; move it away or choose another directory",
            dest.display()
        )))
    }
}

/// Checks that `target` may become an output file: absent, or with `overwrite` an
/// existing file (never a directory). Call it before any work is done.
pub fn check_file_target(target: &Path, overwrite: bool) -> Result<(), OutputError> {
    let dest = split(target)?.dest;
    match fs::metadata(&dest) {
        Err(_) => Ok(()),
        Ok(_) if !overwrite => Err(exists(&dest)),
        Ok(m) if m.is_dir() => Err(refused(format!(
            "{}: is a directory; --overwrite replaces only a file here",
            dest.display()
        ))),
        Ok(_) => Ok(()),
    }
}

/// A fresh temporary name beside a target named `name`.
fn temp_name(name: &OsStr, tag: &str) -> String {
    static COUNTER: AtomicU64 = AtomicU64::new(0);
    let lossy = name.to_string_lossy();
    let mut cut = lossy.len().min(MAX_TEMP_STEM);
    while !lossy.is_char_boundary(cut) {
        cut -= 1;
    }
    format!(
        ".{}{TEMP_MARKER}{tag}-{}-{}",
        &lossy[..cut],
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    )
}

/// The process id in a temporary's name, if `file_name` is one.
pub fn temp_owner(file_name: &str) -> Option<u32> {
    if !file_name.starts_with('.') {
        return None;
    }
    let at = file_name.rfind(TEMP_MARKER)?;
    let mut parts = file_name[at + TEMP_MARKER.len()..].split('-');
    let (tag, pid, n) = (parts.next()?, parts.next()?, parts.next()?);
    let digits = |s: &str| !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit());
    if parts.next().is_some() || !TAGS.contains(&tag) || !digits(pid) || !digits(n) {
        return None;
    }
    pid.parse().ok()
}

/// Whether process `pid` may still run (unknown counts as running).
pub fn process_alive(pid: u32) -> bool {
    #[cfg(unix)]
    {
        let Ok(id) = libc::pid_t::try_from(pid) else {
            return true;
        };
        if id <= 0 {
            return true;
        }
        // SAFETY: signal 0 only checks that the process exists.
        let r = unsafe { libc::kill(id, 0) };
        r == 0 || io::Error::last_os_error().raw_os_error() != Some(libc::ESRCH)
    }
    #[cfg(not(unix))]
    {
        let _ = pid;
        true
    }
}

/// Removes the temporaries in `dir` whose process no longer runs (never this
/// process's own); returns how many were removed. Failures are ignored: a leftover
/// is retried on the next write.
pub fn remove_stale_temporaries(dir: &Path) -> usize {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    let own = std::process::id();
    let mut removed = 0;
    for entry in entries.flatten() {
        let name = entry.file_name();
        let Some(pid) = name.to_str().and_then(temp_owner) else {
            continue;
        };
        if pid == own || process_alive(pid) {
            continue;
        }
        let path = entry.path();
        let gone = match entry.file_type() {
            Ok(t) if t.is_dir() => fs::remove_dir_all(&path),
            _ => fs::remove_file(&path),
        };
        if gone.is_ok() {
            removed += 1;
        }
    }
    removed
}

/// A directory being written beside its target; [`StagedDir::commit`] moves it into
/// place, dropping it uncommitted removes it.
#[derive(Debug)]
pub struct StagedDir {
    tmp: PathBuf,
    dest: PathBuf,
    overwrite: bool,
    committed: bool,
}

impl StagedDir {
    /// Checks `target` ([`check_dir_target`]), creates its parent, removes stale
    /// temporaries there and creates the temporary directory.
    pub fn create(target: &Path, overwrite: bool) -> Result<StagedDir, OutputError> {
        check_dir_target(target, overwrite)?;
        let Target { parent, name, dest } = split(target)?;
        fs::create_dir_all(&parent).map_err(|e| io_err("cannot create", &parent, e))?;
        remove_stale_temporaries(&parent);
        let tmp = parent.join(temp_name(name, TAGS[0]));
        fs::create_dir(&tmp).map_err(|e| io_err("cannot create", &tmp, e))?;
        Ok(StagedDir {
            tmp,
            dest,
            overwrite,
            committed: false,
        })
    }

    /// The temporary directory to write into.
    pub fn path(&self) -> &Path {
        &self.tmp
    }

    /// Where the directory goes.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Moves the directory into place: refuses a target that appeared meanwhile
    /// unless overwriting, and then swaps it atomically where the system can.
    pub fn commit(mut self) -> Result<PathBuf, OutputError> {
        match rename_noreplace(&self.tmp, &self.dest) {
            Ok(()) => {}
            Err(e) if is_exists(&e) && self.overwrite => {
                check_replaceable_dir(&self.dest)?;
                replace_dir(&self.tmp, &self.dest)?;
            }
            Err(e) if is_exists(&e) => {
                let mut err = exists(&self.dest);
                err.message = format!(
                    "{} (written by another run meanwhile); this run's output is discarded",
                    err.message
                );
                return Err(err);
            }
            Err(e) => return Err(io_err("cannot move into place", &self.dest, e)),
        }
        self.committed = true;
        Ok(self.dest.clone())
    }
}

impl Drop for StagedDir {
    fn drop(&mut self) {
        if !self.committed {
            let _ = fs::remove_dir_all(&self.tmp);
        }
    }
}

/// A temporary file that is removed when dropped, unless kept.
#[derive(Debug)]
struct TempFile {
    path: PathBuf,
    keep: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        if !self.keep {
            let _ = fs::remove_file(&self.path);
        }
    }
}

/// A file being written beside its target: [`StagedFile::commit`] flushes it to
/// disk and moves it into place with one rename, so a reader never sees a partial
/// file; dropping it uncommitted removes it. Errors are the system's, for the
/// caller to word; the target is not checked (see [`check_file_target`]).
#[derive(Debug)]
pub struct StagedFile {
    writer: io::BufWriter<fs::File>,
    tmp: TempFile,
    dest: PathBuf,
}

impl StagedFile {
    /// Removes stale temporaries beside `target` and creates a new one there (the
    /// directory must exist).
    pub fn create(target: &Path) -> io::Result<StagedFile> {
        let Target { parent, name, dest } =
            split(target).map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e.message))?;
        remove_stale_temporaries(&parent);
        let path = parent.join(temp_name(name, TAGS[0]));
        let file = fs::File::create_new(&path)?;
        Ok(StagedFile {
            writer: io::BufWriter::new(file),
            tmp: TempFile { path, keep: false },
            dest,
        })
    }

    /// Where the file is written.
    pub fn writer(&mut self) -> &mut io::BufWriter<fs::File> {
        &mut self.writer
    }

    /// Where the file goes.
    pub fn dest(&self) -> &Path {
        &self.dest
    }

    /// Flushes what was written and waits until it is on disk; [`StagedFile::commit`]
    /// does this too, so call it only to tell its errors apart from the rename's.
    pub fn finish(&mut self) -> io::Result<()> {
        self.writer.flush()?;
        self.writer.get_ref().sync_all()
    }

    /// Finishes the file and moves it into place: over an existing file with
    /// `overwrite`, otherwise only if nothing is there (an `AlreadyExists` error if
    /// something is).
    pub fn commit(mut self, overwrite: bool) -> io::Result<()> {
        self.finish()?;
        let StagedFile {
            writer,
            mut tmp,
            dest,
        } = self;
        drop(writer);
        if overwrite {
            fs::rename(&tmp.path, &dest)?;
        } else {
            rename_noreplace(&tmp.path, &dest)?;
        }
        tmp.keep = true;
        Ok(())
    }
}

/// Writes `target` atomically, replacing a file that is there: `write` fills a
/// [`StagedFile`] that is then committed. On error `target` is untouched and the
/// temporary removed; the error is the system's, for the caller to word.
pub fn write_atomically(
    target: &Path,
    write: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
) -> io::Result<()> {
    let mut staged = StagedFile::create(target)?;
    write(staged.writer())?;
    staged.commit(true)
}

/// Writes a file atomically, as [`write_atomically`] does, after checking the
/// target ([`check_file_target`]): `write` fills a temporary beside `target`, which
/// then replaces it (with `overwrite`) or is moved there only if nothing is there yet.
pub fn write_file_with(
    target: &Path,
    overwrite: bool,
    write: impl FnOnce(&mut io::BufWriter<fs::File>) -> io::Result<()>,
) -> Result<(), OutputError> {
    check_file_target(target, overwrite)?;
    let dest = split(target)?.dest;
    let cannot_write = |e| io_err("cannot write", &dest, e);
    let mut staged = StagedFile::create(target).map_err(cannot_write)?;
    write(staged.writer())
        .and_then(|()| staged.finish())
        .map_err(cannot_write)?;
    staged.commit(overwrite).map_err(|e| {
        if is_exists(&e) {
            exists(&dest)
        } else {
            io_err("cannot move into place", &dest, e)
        }
    })
}

/// [`write_file_with`] for bytes in memory.
pub fn write_file(target: &Path, bytes: &[u8], overwrite: bool) -> Result<(), OutputError> {
    write_file_with(target, overwrite, |w| w.write_all(bytes))
}

fn is_exists(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::AlreadyExists | io::ErrorKind::DirectoryNotEmpty
    )
}

/// Replaces the directory `dest` by `tmp`, removing the old content.
fn replace_dir(tmp: &Path, dest: &Path) -> Result<(), OutputError> {
    match exchange(tmp, dest) {
        Ok(true) => {
            // `tmp` now holds the old content.
            let _ = fs::remove_dir_all(tmp);
            return Ok(());
        }
        Ok(false) => {}
        Err(e) => return Err(io_err("cannot swap into place", dest, e)),
    }
    let old = tmp.with_file_name(temp_name(
        dest.file_name().unwrap_or(OsStr::new("output")),
        TAGS[1],
    ));
    fs::rename(dest, &old).map_err(|e| io_err("cannot move aside", dest, e))?;
    if let Err(e) = fs::rename(tmp, dest) {
        let _ = fs::rename(&old, dest);
        return Err(io_err("cannot move into place", dest, e));
    }
    let _ = fs::remove_dir_all(&old);
    Ok(())
}

#[cfg(target_os = "linux")]
fn renameat2(from: &Path, to: &Path, flags: libc::c_uint) -> io::Result<()> {
    use std::ffi::CString;
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        CString::new(p.as_os_str().as_bytes())
            .map_err(|e| io::Error::new(io::ErrorKind::InvalidInput, e))
    };
    let (from, to) = (c(from)?, c(to)?);
    // SAFETY: two NUL-terminated paths that outlive the call.
    let r = unsafe {
        libc::syscall(
            libc::SYS_renameat2,
            libc::AT_FDCWD,
            from.as_ptr(),
            libc::AT_FDCWD,
            to.as_ptr(),
            flags,
        )
    };
    if r == 0 {
        Ok(())
    } else {
        Err(io::Error::last_os_error())
    }
}

/// Whether the system or file system does not offer a `renameat2` flag.
#[cfg(target_os = "linux")]
fn unsupported(e: &io::Error) -> bool {
    matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS))
}

/// Renames `from` to `to` only if `to` does not exist (an `AlreadyExists` error if it does).
pub fn rename_noreplace(from: &Path, to: &Path) -> io::Result<()> {
    #[cfg(target_os = "linux")]
    match renameat2(from, to, libc::RENAME_NOREPLACE) {
        Err(e) if unsupported(&e) => {}
        r => return r,
    }
    if fs::symlink_metadata(from)?.is_dir() {
        // rename(2) never replaces a non-empty directory; only an empty one
        // appearing between these two calls could be replaced.
        if fs::symlink_metadata(to).is_ok() {
            return Err(io::Error::from(io::ErrorKind::AlreadyExists));
        }
        fs::rename(from, to)
    } else {
        fs::hard_link(from, to)?;
        fs::remove_file(from)
    }
}

/// Swaps `a` and `b` atomically; `Ok(false)` where the system cannot.
fn exchange(a: &Path, b: &Path) -> io::Result<bool> {
    #[cfg(target_os = "linux")]
    match renameat2(a, b, libc::RENAME_EXCHANGE) {
        Ok(()) => return Ok(true),
        Err(e) if unsupported(&e) => {}
        Err(e) => return Err(e),
    }
    let _ = (a, b);
    Ok(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn manifest(dir: &Path, format: &str) {
        fs::create_dir_all(dir).unwrap();
        fs::write(dir.join(MANIFEST), format!(r#"{{"format": "{format}"}}"#)).unwrap();
    }

    #[test]
    fn file_names_from_long_segment_names_stay_short_and_unique() {
        let long = "x".repeat(240);
        let a = segment_file_name(1, &long, ".npy");
        let b = segment_file_name(2, &long, ".npy");
        assert_ne!(a, b);
        assert!(a.len() <= 120, "{} bytes", a.len());
        assert_eq!(
            segment_file_name(3, "a b/ü", ".mv.npy"),
            "segment_003_a_b__.mv.npy"
        );
    }

    #[test]
    fn dot_dotdot_and_root_are_refused() {
        for p in [".", "..", "/", "a/..", "./"] {
            let e = check_dir_target(Path::new(p), true).unwrap_err();
            assert_eq!(e.kind, OutputErrorKind::Refused, "{p}: {e}");
            let e = check_file_target(Path::new(p), true).unwrap_err();
            assert_eq!(e.kind, OutputErrorKind::Refused, "{p}: {e}");
        }
    }

    #[test]
    fn only_empty_or_awgsf_directories_are_replaced() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("d");
        assert!(check_dir_target(&d, false).is_ok());
        fs::create_dir(&d).unwrap();
        assert_eq!(
            check_dir_target(&d, false).unwrap_err().kind,
            OutputErrorKind::Exists
        );
        assert!(check_dir_target(&d, true).is_ok(), "empty");
        fs::write(d.join("notes.txt"), "mine").unwrap();
        let e = check_dir_target(&d, true).unwrap_err();
        assert_eq!(e.kind, OutputErrorKind::Refused);
        assert!(e.message.contains("not an awgsf output directory"), "{e}");
        manifest(&d, "something-else");
        assert!(check_dir_target(&d, true).is_err());
        manifest(&d, "awgsf-export");
        assert!(check_dir_target(&d, true).is_ok());
        let mv = tmp.path().join("mv");
        fs::create_dir(&mv).unwrap();
        fs::write(mv.join("segment_000_a.mv.npy"), "x").unwrap();
        assert!(
            check_dir_target(&mv, true).is_ok(),
            "millivolts without a manifest"
        );
        fs::write(mv.join("segment_x.mv.npy"), "x").unwrap();
        assert!(check_dir_target(&mv, true).is_err());
        let f = tmp.path().join("f");
        fs::write(&f, "x").unwrap();
        assert_eq!(
            check_dir_target(&f, true).unwrap_err().kind,
            OutputErrorKind::Refused
        );
    }

    #[test]
    fn the_working_directory_and_its_ancestors_are_never_replaced() {
        let cwd = std::env::current_dir().unwrap();
        for p in [cwd.clone(), cwd.parent().unwrap().to_path_buf()] {
            let e = refuse_working_directory(&p).unwrap_err();
            assert!(e.message.contains("working directory"), "{e}");
        }
        assert!(refuse_working_directory(&cwd.join("sub")).is_ok());
    }

    #[test]
    fn overlapping_paths_are_found_through_dots() {
        let tmp = tempfile::tempdir().unwrap();
        let a = tmp.path().join("a");
        assert!(overlapping(&a, &tmp.path().join("a/./b")));
        assert!(overlapping(&a, &tmp.path().join("x/../a")));
        assert!(!overlapping(&a, &tmp.path().join("ab")));
    }

    #[test]
    fn temporary_names_are_recognised_and_nothing_else() {
        let name = temp_name(OsStr::new(&"n".repeat(300)), "partial");
        assert!(name.len() < 100, "{name}");
        assert_eq!(temp_owner(&name), Some(std::process::id()));
        assert_eq!(temp_owner(".export.awgsf-old-12-3"), Some(12));
        for other in [
            "export.awgsf-old-12-3",
            ".export.awgsf-new-12-3",
            ".export.awgsf-old-12",
            ".export.awgsf-old-12-3-4",
            ".bashrc.old-2019",
            ".export.awgsf-old-x-3",
        ] {
            assert_eq!(temp_owner(other), None, "{other}");
        }
    }

    /// A process id that no longer runs: a child that has exited and been reaped.
    #[cfg(unix)]
    fn dead_pid() -> u32 {
        let mut child = std::process::Command::new("true").spawn().unwrap();
        let pid = child.id();
        child.wait().unwrap();
        pid
    }

    #[cfg(unix)]
    #[test]
    fn stale_temporaries_of_dead_processes_are_removed_live_ones_kept() {
        let tmp = tempfile::tempdir().unwrap();
        let dead = tmp
            .path()
            .join(format!(".out.awgsf-partial-{}-0", dead_pid()));
        fs::create_dir(&dead).unwrap();
        fs::write(dead.join("big.npy"), "x").unwrap();
        let dead_file = tmp
            .path()
            .join(format!(".p.png.awgsf-partial-{}-1", dead_pid()));
        fs::write(&dead_file, "x").unwrap();
        let live = tmp
            .path()
            .join(format!(".out.awgsf-partial-{}-0", std::process::id()));
        fs::create_dir(&live).unwrap();
        let user = tmp.path().join(".notes.old-1");
        fs::write(&user, "x").unwrap();
        assert_eq!(remove_stale_temporaries(tmp.path()), 2);
        assert!(!dead.exists() && !dead_file.exists());
        assert!(live.exists() && user.exists());
    }

    #[test]
    fn a_staged_directory_appears_whole_and_replaces_only_with_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        let d = tmp.path().join("out");
        let s = StagedDir::create(&d, false).unwrap();
        manifest(s.path(), "awgsf-export");
        assert!(!d.exists());
        s.commit().unwrap();
        assert!(is_awgsf_output(&d));
        assert_eq!(
            StagedDir::create(&d, false).unwrap_err().kind,
            OutputErrorKind::Exists
        );
        let s = StagedDir::create(&d, true).unwrap();
        manifest(s.path(), "awgsf-second");
        s.commit().unwrap();
        let text = fs::read_to_string(d.join(MANIFEST)).unwrap();
        assert!(text.contains("awgsf-second"), "{text}");
        drop(StagedDir::create(&tmp.path().join("dropped"), false).unwrap());
        let left: Vec<_> = fs::read_dir(tmp.path()).unwrap().flatten().collect();
        assert_eq!(left.len(), 1, "only the output, no temporaries: {left:?}");
    }

    #[test]
    fn of_two_concurrent_writers_of_a_new_directory_exactly_one_wins() {
        for round in 0..20 {
            let tmp = tempfile::tempdir().unwrap();
            let d = tmp.path().join("out");
            let barrier = std::sync::Barrier::new(2);
            let results: Vec<Result<PathBuf, OutputError>> = std::thread::scope(|s| {
                let handles: Vec<_> = (0..2)
                    .map(|i| {
                        let (d, barrier) = (&d, &barrier);
                        s.spawn(move || {
                            let staged = StagedDir::create(d, false)?;
                            manifest(staged.path(), &format!("awgsf-writer-{i}"));
                            barrier.wait();
                            staged.commit()
                        })
                    })
                    .collect();
                handles.into_iter().map(|h| h.join().unwrap()).collect()
            });
            let won = results.iter().filter(|r| r.is_ok()).count();
            assert_eq!(won, 1, "round {round}: {results:?}");
            let lost = results.iter().find_map(|r| r.as_ref().err()).unwrap();
            assert_eq!(lost.kind, OutputErrorKind::Exists);
            assert!(lost.message.contains("another run"), "{lost}");
            assert!(is_awgsf_output(&d));
            assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
        }
    }

    #[test]
    fn files_are_written_whole_and_kept_without_overwrite() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("p.png");
        write_file(&f, b"one", false).unwrap();
        let e = write_file(&f, b"two", false).unwrap_err();
        assert_eq!(e.kind, OutputErrorKind::Exists);
        assert_eq!(fs::read(&f).unwrap(), b"one");
        write_file(&f, b"two", true).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn an_atomic_write_that_fails_leaves_the_target_and_no_temporary() {
        let tmp = tempfile::tempdir().unwrap();
        let f = tmp.path().join("setup.json");
        write_atomically(&f, |w| w.write_all(b"one")).unwrap();
        let e = write_atomically(&f, |w| {
            w.write_all(b"half")?;
            Err(io::Error::other("disk full"))
        })
        .unwrap_err();
        assert_eq!(e.to_string(), "disk full");
        assert_eq!(fs::read(&f).unwrap(), b"one");
        write_atomically(&f, |w| w.write_all(b"two")).unwrap();
        assert_eq!(fs::read(&f).unwrap(), b"two");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
    }

    #[test]
    fn staged_files_appear_only_when_committed() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a.npy"), tmp.path().join("b.json"));
        let mut sa = StagedFile::create(&a).unwrap();
        let mut sb = StagedFile::create(&b).unwrap();
        sa.writer().write_all(b"a").unwrap();
        sb.writer().write_all(b"b").unwrap();
        sa.finish().unwrap();
        assert!(!a.exists() && !b.exists());
        assert_eq!(sa.dest(), a);
        sa.commit(false).unwrap();
        drop(sb);
        assert_eq!(fs::read(&a).unwrap(), b"a");
        assert!(!b.exists());
        let mut again = StagedFile::create(&a).unwrap();
        again.writer().write_all(b"x").unwrap();
        assert!(is_exists(&again.commit(false).unwrap_err()));
        assert_eq!(fs::read(&a).unwrap(), b"a");
        assert_eq!(fs::read_dir(tmp.path()).unwrap().count(), 1);
        let e = StagedFile::create(Path::new("..")).unwrap_err();
        assert_eq!(e.kind(), io::ErrorKind::InvalidInput);
    }

    #[test]
    fn no_clobber_rename_refuses_an_existing_target() {
        let tmp = tempfile::tempdir().unwrap();
        let (a, b) = (tmp.path().join("a"), tmp.path().join("b"));
        fs::write(&a, "a").unwrap();
        fs::write(&b, "b").unwrap();
        let e = rename_noreplace(&a, &b).unwrap_err();
        assert!(is_exists(&e), "{e}");
        assert_eq!(fs::read(&b).unwrap(), b"b");
    }
}
