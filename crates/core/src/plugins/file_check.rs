//! Checks a plugin file before the dynamic loader maps it. A truncated or damaged
//! shared library can pass `dlopen` and then fault (SIGBUS) on first touch of a page
//! past the end of the file, which would end the host with no message. On ELF
//! systems the header, the program headers and every loadable segment must lie
//! inside the file; elsewhere only emptiness is checked.

use std::path::Path;

/// Why a file cannot be a loadable plugin, in words, or `Ok` when it looks whole.
pub fn check_library_file(path: &Path) -> Result<(), String> {
    let file = std::fs::File::open(path).map_err(|e| format!("it cannot be opened ({e})"))?;
    let meta = file
        .metadata()
        .map_err(|e| format!("it cannot be read ({e})"))?;
    if !meta.is_file() {
        return Err("it is not a regular file".into());
    }
    if meta.len() == 0 {
        return Err("the file is empty".into());
    }
    check_format(file, meta.len())
}

#[cfg(target_os = "linux")]
fn check_format(file: std::fs::File, len: u64) -> Result<(), String> {
    use object::read::elf::{FileHeader, ProgramHeader};
    use object::read::ReadCache;
    use object::{elf, Endianness};

    let cache = ReadCache::new(file);
    let ident = object::FileKind::parse(&cache)
        .map_err(|_| "it is not a shared library (unrecognised file format)".to_string())?;
    let truncated = |what: &str| {
        format!("it is truncated or damaged: {what} ({len} bytes on disk); rebuild or reinstall it")
    };
    macro_rules! check_elf {
        ($header:ty) => {{
            let header = <$header>::parse(&cache).map_err(|_| truncated("the ELF header"))?;
            let endian: Endianness = header
                .endian()
                .map_err(|_| "it has an unknown ELF byte order".to_string())?;
            if header.e_type(endian) != elf::ET_DYN {
                return Err("it is an ELF file but not a shared library".into());
            }
            let phdrs = header
                .program_headers(endian, &cache)
                .map_err(|_| truncated("its program headers lie past the end"))?;
            for ph in phdrs {
                if ph.p_type(endian) != elf::PT_LOAD {
                    continue;
                }
                let offset: u64 = ph.p_offset(endian).into();
                let size: u64 = ph.p_filesz(endian).into();
                if offset.checked_add(size).is_none_or(|end| end > len) {
                    return Err(truncated(&format!(
                        "a loadable segment ends at byte {}",
                        offset.saturating_add(size)
                    )));
                }
            }
            let shoff: u64 = header.e_shoff(endian).into();
            let sh_end = shoff.saturating_add(
                u64::from(header.e_shnum(endian)) * u64::from(header.e_shentsize(endian)),
            );
            if sh_end > len {
                return Err(truncated(&format!(
                    "the section headers end at byte {sh_end}"
                )));
            }
            Ok(())
        }};
    }
    match ident {
        object::FileKind::Elf64 => check_elf!(elf::FileHeader64<Endianness>),
        object::FileKind::Elf32 => check_elf!(elf::FileHeader32<Endianness>),
        _ => Err("it is not an ELF shared library".into()),
    }
}

#[cfg(not(target_os = "linux"))]
fn check_format(_file: std::fs::File, _len: u64) -> Result<(), String> {
    Ok(())
}

#[cfg(all(test, target_os = "linux"))]
mod tests {
    use super::check_library_file;

    /// This test binary's own dependencies include no plugin, but the C library is a
    /// whole shared object on every Linux machine.
    fn some_library() -> Option<std::path::PathBuf> {
        let maps = std::fs::read_to_string("/proc/self/maps").ok()?;
        maps.lines()
            .filter_map(|l| l.split_whitespace().nth(5))
            .find(|p| p.contains("libc.so") || p.contains("libc-"))
            .map(std::path::PathBuf::from)
    }

    #[test]
    fn a_whole_library_passes_and_every_truncation_is_caught() {
        let lib = some_library().expect("libc is mapped");
        check_library_file(&lib).unwrap();
        let bytes = std::fs::read(&lib).unwrap();
        let dir = tempfile::tempdir().unwrap();
        let cut = dir.path().join("cut.so");
        for keep in [0, 3, 63, 64, 1000, bytes.len() / 2, bytes.len() - 1] {
            std::fs::write(&cut, &bytes[..keep]).unwrap();
            let e = check_library_file(&cut).unwrap_err();
            assert!(
                e.contains("truncated") || e.contains("empty") || e.contains("not"),
                "{keep} bytes: {e}"
            );
        }
    }

    #[test]
    fn text_and_executables_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let text = dir.path().join("notes.so");
        std::fs::write(&text, "not a library\n").unwrap();
        assert!(check_library_file(&text).unwrap_err().contains("not"));
        let exe = std::env::current_exe().unwrap();
        // A test executable is usually position-independent (ET_DYN too); either way
        // it must not fault.
        let _ = check_library_file(&exe);
    }
}
