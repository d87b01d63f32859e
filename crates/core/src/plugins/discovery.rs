//! Where plugin files are looked for, and how a plugin name becomes a file name.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;

/// Environment variable with extra plugin directories (separated like `PATH`).
pub const PLUGIN_PATH_ENV: &str = "AWGSF_PLUGIN_PATH";

/// The platform's file name of plugin `name` (`cpu-simd` → `libawgsf_cpu_simd.so`).
pub fn file_name_for(name: &str) -> String {
    let stem = format!("awgsf_{}", name.replace('-', "_"));
    if cfg!(target_os = "windows") {
        format!("{stem}.dll")
    } else if cfg!(target_os = "macos") {
        format!("lib{stem}.dylib")
    } else {
        format!("lib{stem}.so")
    }
}

/// True for a file name that could be a plugin library of this platform.
pub fn looks_like_plugin(file: &str) -> bool {
    let ext_ok = if cfg!(target_os = "windows") {
        file.ends_with(".dll")
    } else if cfg!(target_os = "macos") {
        file.ends_with(".dylib")
    } else {
        file.ends_with(".so")
    };
    let stem = file.strip_prefix("lib").unwrap_or(file);
    ext_ok && stem.starts_with("awgsf_")
}

/// The plugin name of a plugin file name (`libawgsf_cpu_simd.so` → `cpu-simd`).
pub fn name_of_file(file: &str) -> Option<String> {
    if !looks_like_plugin(file) {
        return None;
    }
    let stem = file.strip_prefix("lib").unwrap_or(file);
    let stem = stem.strip_prefix("awgsf_")?;
    let stem = stem.split('.').next()?;
    Some(stem.replace('_', "-"))
}

/// Build-tree directories searched last, set once per process by a program that
/// knows where it was built ([`set_build_tree`]).
static BUILD_TREE: OnceLock<Vec<PathBuf>> = OnceLock::new();

/// Registers the build tree a program was compiled in, searched after every other
/// place: the `awgsf` binary does so, so that `cargo install` finds the plugins that
/// `cargo build --workspace` made. A library user (a Python process, a service)
/// that does not call it searches only the documented directories. Only the first
/// call counts.
pub fn set_build_tree(dirs: Vec<PathBuf>) {
    let _ = BUILD_TREE.set(dirs);
}

/// The existing profile directories of a build tree: `target/<profile>` of
/// `workspace`, and of `target_dir` (`CARGO_TARGET_DIR` at build time, when
/// absolute) before it; `release` first when `release_first`, then `debug`.
pub fn build_tree_dirs(
    workspace: &Path,
    target_dir: Option<&str>,
    release_first: bool,
) -> Vec<PathBuf> {
    let mut roots = Vec::new();
    if let Some(t) = target_dir.map(PathBuf::from) {
        if t.is_absolute() {
            roots.push(t);
        }
    }
    let workspace = workspace
        .canonicalize()
        .unwrap_or_else(|_| workspace.to_path_buf());
    roots.push(workspace.join("target"));
    let profiles = if release_first {
        ["release", "debug"]
    } else {
        ["debug", "release"]
    };
    roots
        .iter()
        .flat_map(|r| profiles.iter().map(move |p| r.join(p)))
        .filter(|d| d.is_dir())
        .collect()
}

/// Ordered list of directories searched for plugins by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SearchPath {
    /// Directories, in search order, with where each came from.
    pub dirs: Vec<(PathBuf, &'static str)>,
}

impl SearchPath {
    /// The documented search order: config `plugin_dirs`, then `AWGSF_PLUGIN_PATH`,
    /// then the binary's directory (and its `plugins/`), then `../lib/awgsf` beside
    /// it (an installed prefix: `bin/awgsf`, `lib/awgsf/*.so`), then the build
    /// profile directory (the parent of a test binary's `deps/`), then the build tree
    /// the program registered with [`set_build_tree`] (the `awgsf` binary: the
    /// `target/<profile>` it was built next to).
    pub fn standard(config_dirs: &[PathBuf]) -> SearchPath {
        let mut sp = SearchPath::default();
        for d in config_dirs {
            sp.push(d.clone(), "config plugin_dirs");
        }
        if let Some(v) = std::env::var_os(PLUGIN_PATH_ENV) {
            for d in std::env::split_paths(&v) {
                if !d.as_os_str().is_empty() {
                    sp.push(d, PLUGIN_PATH_ENV);
                }
            }
        }
        if let Ok(exe) = std::env::current_exe() {
            if let Some(dir) = exe.parent() {
                sp.push(dir.to_path_buf(), "binary directory");
                sp.push(dir.join("plugins"), "binary directory");
                if let Some(prefix) = dir.parent() {
                    sp.push(
                        prefix.join("lib").join("awgsf"),
                        "installed beside the binary",
                    );
                }
                if dir.file_name().is_some_and(|n| n == "deps") {
                    if let Some(profile) = dir.parent() {
                        sp.push(profile.to_path_buf(), "build profile directory");
                    }
                }
            }
        }
        for d in BUILD_TREE.get().into_iter().flatten() {
            sp.push(d.clone(), "build tree");
        }
        sp
    }

    fn push(&mut self, dir: PathBuf, why: &'static str) {
        if !self.dirs.iter().any(|(d, _)| d == &dir) {
            self.dirs.push((dir, why));
        }
    }

    /// Resolves a backend spec: a path (contains a separator or a library extension;
    /// relative paths against `base`) or a plugin name looked up in the directories.
    /// On failure returns every place looked at.
    pub fn resolve(&self, spec: &str, base: Option<&Path>) -> Result<PathBuf, Vec<PathBuf>> {
        let is_path = spec.contains('/')
            || spec.contains('\\')
            || [".so", ".dll", ".dylib"].iter().any(|e| spec.ends_with(e));
        if is_path {
            let p = PathBuf::from(spec);
            let p = match base {
                Some(b) if p.is_relative() => b.join(p),
                _ => p,
            };
            return if p.is_file() { Ok(p) } else { Err(vec![p]) };
        }
        let file = file_name_for(spec);
        let mut looked = Vec::new();
        for (d, _) in &self.dirs {
            let p = d.join(&file);
            if p.is_file() {
                return Ok(p);
            }
            looked.push(p);
        }
        Err(looked)
    }

    /// Every plugin-looking file in the directories (first occurrence of each name).
    pub fn all_files(&self) -> Vec<PathBuf> {
        let mut seen = std::collections::HashSet::new();
        let mut out = Vec::new();
        for (d, _) in &self.dirs {
            let Ok(rd) = std::fs::read_dir(d) else {
                continue;
            };
            let mut files: Vec<PathBuf> = rd.filter_map(|e| e.ok().map(|e| e.path())).collect();
            files.sort();
            for p in files {
                let Some(name) = p
                    .file_name()
                    .and_then(|n| n.to_str())
                    .and_then(name_of_file)
                else {
                    continue;
                };
                if p.is_file() && seen.insert(name) {
                    out.push(p);
                }
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_platform_file_names_and_back() {
        let f = file_name_for("cpu-simd");
        assert!(f.contains("awgsf_cpu_simd"));
        assert_eq!(name_of_file(&f).as_deref(), Some("cpu-simd"));
        assert_eq!(name_of_file("libserde.so"), None);
    }

    #[test]
    fn a_missing_plugin_reports_every_place_looked() {
        let sp = SearchPath {
            dirs: vec![
                (PathBuf::from("/nonexistent/a"), "x"),
                (PathBuf::from("/nonexistent/b"), "y"),
            ],
        };
        let looked = sp.resolve("nope", None).unwrap_err();
        assert_eq!(looked.len(), 2);
        assert!(looked[1].ends_with(file_name_for("nope")));
    }
}
