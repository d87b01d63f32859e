//! Reads `[setup]`: the logical-to-hardware channel map (one-to-one, onto enabled
//! channels) and where calibrations come from (a physical-setup file or one file per
//! hardware channel). Files must exist; a setup file's own map is read and checked.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use toml::de::DeTable;

use super::checker::{join, Checker, Fields, Value};
use super::schema::{default_map, SetupCalibration, SetupConfig};
use super::sections::{path_value, section};

/// The key of the channel map in a physical-setup JSON file.
const SETUP_FILE_MAP_KEY: &str = "logical_to_hardware_map";

/// `[setup]`. `enabled` is the list of enabled channels when `card.channels` is valid.
pub(crate) fn setup(
    c: &mut Checker<'_>,
    top: &Fields<'_, '_>,
    base: &Path,
    enabled: Option<&[u32]>,
) -> SetupConfig {
    let default = || default_map(enabled.unwrap_or(&[]));
    let Some(table) = section(c, top, "setup") else {
        return SetupConfig {
            map: default(),
            calibration: SetupCalibration::None,
        };
    };
    let f = c.fields("setup", table, &["map", "file", "calibration"]);

    let map_span = f.get("map").map_or(0..0, |v| v.span());
    let written_map =
        section(c, &f, "map").map(|t| written_map(c, &f.path("map"), map_span.clone(), t, enabled));
    let file = f.get("file").and_then(|v| {
        let path = existing_file(c, &f.path("file"), v, base)?;
        Some((path, v))
    });
    let file_map = file
        .as_ref()
        .and_then(|(path, v)| setup_file_map(c, &f.path("file"), v.span(), path, enabled));

    let map = match (written_map, file_map) {
        (Some(written), Some(from_file)) => {
            if let (Some(w), Some(ff)) = (&written, &from_file) {
                if w != ff {
                    let message = format!(
                        "expected the same map as the setup file ({}), found {}",
                        show_map(ff),
                        show_map(w)
                    );
                    c.report(map_span, &f.path("map"), message);
                }
            }
            written.unwrap_or_default()
        }
        (Some(written), None) => written.unwrap_or_default(),
        (None, Some(from_file)) => from_file.unwrap_or_default(),
        (None, None) => default(),
    };

    let mut calibration = match file {
        Some((path, _)) => SetupCalibration::SetupFile(path),
        None => SetupCalibration::None,
    };
    if let Some(v) = f.get("calibration") {
        let key = f.path("calibration");
        if matches!(calibration, SetupCalibration::SetupFile(_)) {
            let message = "expected either setup.file or setup.calibration, found both";
            c.report(v.span(), &key, message);
        } else if let Some(t) = c.table(&key, v) {
            if t.is_empty() {
                let message = "expected at least one hardware channel entry \
                               (e.g. `calibration = { \"0\" = \"cal/h.json\" }`), found an empty \
                               table; leave setup.calibration out for uncalibrated output";
                c.report(v.span(), &key, message);
            }
            calibration = SetupCalibration::PerChannel(per_channel(c, &key, t, base, enabled));
        }
    }
    SetupConfig { map, calibration }
}

/// `setup.map` as written; `None` inside when an entry is wrong.
fn written_map(
    c: &mut Checker<'_>,
    key: &str,
    span: Range<usize>,
    table: &DeTable<'_>,
    enabled: Option<&[u32]>,
) -> Option<IndexMap<String, u32>> {
    let mut map = IndexMap::new();
    let mut ok = true;
    for (name, v) in table.iter() {
        let entry_key = join(key, name.get_ref());
        c.remember(&entry_key, v.span());
        let expected = "a hardware channel index (integer >= 0)";
        let Some(ch) = c.integer(&entry_key, v, 0..=i64::from(u32::MAX), expected) else {
            ok = false;
            continue;
        };
        let ch = ch as u32;
        match check_entry(name.get_ref(), ch, &map, enabled) {
            Ok(()) => {
                map.insert(name.get_ref().to_string(), ch);
            }
            Err(message) => {
                c.report(v.span(), &entry_key, message);
                ok = false;
            }
        }
    }
    if table.is_empty() {
        c.report(
            span,
            key,
            "expected at least one logical channel (e.g. `map = { H = 0 }`), found an empty map",
        );
        ok = false;
    }
    ok.then_some(map)
}

/// One map entry against the entries before it and the enabled channels.
fn check_entry(
    name: &str,
    ch: u32,
    before: &IndexMap<String, u32>,
    enabled: Option<&[u32]>,
) -> Result<(), String> {
    if name.is_empty() {
        return Err("expected a logical channel name, found an empty name".into());
    }
    if let Some(enabled) = enabled.filter(|e| !e.contains(&ch)) {
        let list: Vec<String> = enabled.iter().map(u32::to_string).collect();
        return Err(format!(
            "expected an enabled channel (card.channels = [{}]), found channel {ch}",
            list.join(", ")
        ));
    }
    if let Some((other, _)) = before.iter().find(|(_, c)| **c == ch) {
        return Err(format!(
            "expected one logical channel per hardware channel, found `{other}` and `{name}` both on channel {ch}"
        ));
    }
    Ok(())
}

/// A path value that must name an existing file.
fn existing_file(c: &mut Checker<'_>, key: &str, v: &Value<'_>, base: &Path) -> Option<PathBuf> {
    let path = path_value(c, key, v, base)?;
    if path.is_file() {
        Some(path)
    } else {
        let found = c.describe(v);
        let message = format!(
            "expected an existing file, found {found} ({} does not exist or is not a file)",
            path.display()
        );
        c.report(v.span(), key, message);
        None
    }
}

/// The map of a physical-setup JSON file; problems are reported at `setup.file`.
/// `None` when the file is unreadable, `Some(None)` when its map is wrong.
fn setup_file_map(
    c: &mut Checker<'_>,
    key: &str,
    span: Range<usize>,
    path: &Path,
    enabled: Option<&[u32]>,
) -> Option<Option<IndexMap<String, u32>>> {
    let shown = path.display();
    let json: serde_json::Value = match crate::input::read_to_string(path)
        .map_err(|e| e.to_string())
        .and_then(|t| crate::input::json::from_str_unique_keys(&t).map_err(|e| e.to_string()))
    {
        Ok(json) => json,
        Err(e) => {
            c.report(
                span,
                key,
                format!("expected a physical-setup JSON file, found {shown}: {e}"),
            );
            return None;
        }
    };
    let Some(entries) = json.get(SETUP_FILE_MAP_KEY).and_then(|m| m.as_object()) else {
        let message = format!("expected a physical-setup JSON file with a `{SETUP_FILE_MAP_KEY}` object, found {shown} without one");
        c.report(span, key, message);
        return None;
    };
    let mut map = IndexMap::new();
    let mut ok = true;
    for (name, ch) in entries {
        let checked = ch
            .as_u64()
            .and_then(|n| u32::try_from(n).ok())
            .ok_or_else(|| format!("expected a hardware channel index, found {ch}"))
            .and_then(|ch| check_entry(name, ch, &map, enabled).map(|()| ch));
        match checked {
            Ok(ch) => {
                map.insert(name.clone(), ch);
            }
            Err(e) => {
                c.report(
                    span.clone(),
                    key,
                    format!("{shown}: {SETUP_FILE_MAP_KEY}.{name}: {e}"),
                );
                ok = false;
            }
        }
    }
    if map.is_empty() && ok {
        c.report(span, key, format!("{shown}: expected at least one logical channel in `{SETUP_FILE_MAP_KEY}`, found none"));
        ok = false;
    }
    Some(ok.then_some(map))
}

/// `setup.calibration`: hardware channel index (as a key) to calibration file.
fn per_channel(
    c: &mut Checker<'_>,
    key: &str,
    table: &DeTable<'_>,
    base: &Path,
    enabled: Option<&[u32]>,
) -> BTreeMap<u32, PathBuf> {
    let mut out = BTreeMap::new();
    for (name, v) in table.iter() {
        let entry_key = join(key, name.get_ref());
        c.remember(&entry_key, v.span());
        let channel = name.get_ref().parse::<u32>().ok();
        match channel {
            None => {
                let message = format!(
                    "expected a hardware channel index as the key (e.g. \"0\"), found `{}`",
                    name.get_ref()
                );
                c.report(name.span(), &entry_key, message);
            }
            Some(ch) if enabled.is_some_and(|e| !e.contains(&ch)) => {
                let message =
                    format!("expected an enabled channel (see card.channels), found channel {ch}");
                c.report(name.span(), &entry_key, message);
            }
            Some(ch) => {
                if let Some(path) = existing_file(c, &entry_key, v, base) {
                    out.insert(ch, path);
                }
            }
        }
    }
    out
}

/// `{ H = 0, V = 1 }`.
fn show_map(map: &IndexMap<String, u32>) -> String {
    let entries: Vec<String> = map.iter().map(|(k, v)| format!("{k} = {v}")).collect();
    format!("{{ {} }}", entries.join(", "))
}
