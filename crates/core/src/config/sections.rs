//! Reads every section except `[setup]` from the spanned TOML tree into the typed
//! config, checking types and ranges; absent keys keep their defaults.

use std::path::{Path, PathBuf};

use indexmap::IndexMap;
use toml::de::{DeTable, DeValue};

use super::checker::{join, Checker, Fields, Value};
use super::schema::{
    CardConfig, CompileConfig, HardwareConfig, OutputConfig, PhasesConfig, PluginRef,
    SynthesisConfig, CLOCK_SOURCES, CONFIG_VERSION, COUPLINGS, DEFAULT_AMPLITUDE_MV, STOP_LEVELS,
    TRIGGER_EDGES, TRIGGER_SOURCES,
};
use super::settings::table_to_json;
use crate::program::suggest::did_you_mean;
use awgsf_plugin_api::ClockSource;

/// Top-level keys.
pub(crate) const TOP_KEYS: &[&str] = &[
    "version",
    "plugin_dirs",
    "synthesis",
    "hardware",
    "card",
    "setup",
    "compile",
    "phases",
    "output",
];

const U32_MAX: i64 = u32::MAX as i64;

/// `version`: required, only 1.
pub(crate) fn version(c: &mut Checker<'_>, top: &Fields<'_, '_>) -> u32 {
    match top.get("version") {
        None => c.report(
            0..0,
            "version",
            format!("missing; add `version = {CONFIG_VERSION}` (the config format version) at the top of the file"),
        ),
        Some(v) => {
            c.integer(
                "version",
                v,
                i64::from(CONFIG_VERSION)..=i64::from(CONFIG_VERSION),
                &format!("{CONFIG_VERSION} (the only config format version)"),
            );
        }
    }
    CONFIG_VERSION
}

/// A sub-table of `fields`, when present and a table.
pub(crate) fn section<'t, 'i>(
    c: &mut Checker<'_>,
    fields: &Fields<'t, 'i>,
    key: &str,
) -> Option<&'t DeTable<'i>> {
    let v = fields.get(key)?;
    c.table(&fields.path(key), v)
}

/// A path, resolved against `base` (the config file's directory).
pub(crate) fn path_value(
    c: &mut Checker<'_>,
    key: &str,
    v: &Value<'_>,
    base: &Path,
) -> Option<PathBuf> {
    match c.string(key, v)? {
        "" => {
            c.expected(key, v, "a non-empty path");
            None
        }
        s => Some(base.join(s)),
    }
}

/// `plugin_dirs`.
pub(crate) fn plugin_dirs(c: &mut Checker<'_>, top: &Fields<'_, '_>, base: &Path) -> Vec<PathBuf> {
    let Some(v) = top.get("plugin_dirs") else {
        return Vec::new();
    };
    let Some(items) = c.array("plugin_dirs", v, "an array of directory paths") else {
        return Vec::new();
    };
    items
        .iter()
        .enumerate()
        .filter_map(|(i, item)| path_value(c, &format!("plugin_dirs[{i}]"), item, base))
        .collect()
}

/// A plugin name, or a path when it looks like one (a separator or a library
/// file extension).
fn plugin_ref(c: &mut Checker<'_>, key: &str, v: &Value<'_>, base: &Path) -> Option<PluginRef> {
    let s = c.string(key, v)?;
    let is_path =
        s.contains(['/', '\\']) || [".so", ".dll", ".dylib"].iter().any(|ext| s.ends_with(ext));
    if is_path {
        // Absolute, so that a config given by a bare file name (`--config rig.toml`)
        // never hands the dynamic loader a name it would look up in its own path.
        let joined = base.join(s);
        return Some(PluginRef::Path(
            std::path::absolute(&joined).unwrap_or(joined),
        ));
    }
    let is_name = !s.is_empty()
        && s.chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-' || ch == '_');
    if is_name {
        Some(PluginRef::Name(s.to_string()))
    } else {
        c.expected(
            key,
            v,
            "a plugin name (letters, digits, `-`, `_`) or a path to a plugin library",
        );
        None
    }
}

/// `[synthesis]`.
pub(crate) fn synthesis(c: &mut Checker<'_>, top: &Fields<'_, '_>, base: &Path) -> SynthesisConfig {
    let mut out = SynthesisConfig::default();
    let Some(table) = section(c, top, "synthesis") else {
        return out;
    };
    let f = c.fields("synthesis", table, &["backend", "fallbacks", "settings"]);
    if let Some(v) = f.get("backend") {
        if let Some(p) = plugin_ref(c, &f.path("backend"), v, base) {
            out.backend = p;
        }
    }
    if let Some(v) = f.get("fallbacks") {
        let key = f.path("fallbacks");
        if let Some(items) = c.array(&key, v, "an array of plugin names or paths") {
            for (i, item) in items.iter().enumerate() {
                let item_key = format!("{key}[{i}]");
                let Some(p) = plugin_ref(c, &item_key, item, base) else {
                    continue;
                };
                if p == out.backend || out.fallbacks.contains(&p) {
                    let message = format!("expected a plugin not listed before, found `{p}` again");
                    c.report(item.span(), &item_key, message);
                } else {
                    out.fallbacks.push(p);
                }
            }
        }
    }
    if let Some(t) = section(c, &f, "settings") {
        out.settings = synthesis_settings(c, &f.path("settings"), t, &out);
    }
    out
}

/// `[synthesis.settings]`: one table per synthesis plugin, named after the plugin
/// (`[synthesis.settings.cuda]`), so a fallback never gets the settings of the
/// backend it replaces. A name that is neither the backend nor a fallback is a
/// mistake unless a candidate is given by path (its name is known only once loaded).
fn synthesis_settings(
    c: &mut Checker<'_>,
    path: &str,
    table: &DeTable<'_>,
    synthesis: &SynthesisConfig,
) -> IndexMap<String, serde_json::Map<String, serde_json::Value>> {
    let names: Vec<&str> = synthesis
        .candidates()
        .filter_map(|r| match r {
            PluginRef::Name(n) => Some(n.as_str()),
            PluginRef::Path(_) => None,
        })
        .collect();
    let any_path = synthesis
        .candidates()
        .any(|r| matches!(r, PluginRef::Path(_)));
    let mut out = IndexMap::new();
    for (k, v) in table.iter() {
        let name = k.get_ref().as_ref();
        let key = join(path, name);
        let DeValue::Table(t) = v.get_ref() else {
            let backend = names.first().copied().unwrap_or("<plugin name>");
            let message = if names.contains(&name) {
                format!(
                    "expected a table of settings for the `{name}` plugin, found {}",
                    c.describe(v)
                )
            } else {
                format!(
                    "expected a table of settings for one synthesis plugin; settings are given per \
                     plugin, so move `{name} = ...` under `[synthesis.settings.{backend}]`"
                )
            };
            c.report(v.span(), &key, message);
            continue;
        };
        if !any_path && !names.contains(&name) {
            let hint = did_you_mean(name, names.iter().copied());
            let message = format!(
                "settings for `{name}`, which is neither the backend nor a fallback ({}){hint}",
                names.join(", ")
            );
            c.report(k.span(), &key, message);
            continue;
        }
        out.insert(name.to_string(), table_to_json(c, &key, t));
    }
    out
}

/// `[hardware]`.
pub(crate) fn hardware(c: &mut Checker<'_>, top: &Fields<'_, '_>, base: &Path) -> HardwareConfig {
    let mut out = HardwareConfig::default();
    let Some(table) = section(c, top, "hardware") else {
        return out;
    };
    let f = c.fields("hardware", table, &["backend", "settings"]);
    if let Some(v) = f.get("backend") {
        if let Some(p) = plugin_ref(c, &f.path("backend"), v, base) {
            out.backend = p;
        }
    }
    if let Some(t) = section(c, &f, "settings") {
        out.settings = table_to_json(c, &f.path("settings"), t);
    }
    out
}

/// `[card]`, with `[card.trigger]` and `[card.clock]`. Returns the config and whether
/// `channels` is valid (later checks against channels need it).
pub(crate) fn card(c: &mut Checker<'_>, top: &Fields<'_, '_>) -> (CardConfig, bool) {
    let mut out = CardConfig::default();
    let Some(table) = section(c, top, "card") else {
        return (out, true);
    };
    let f = c.fields(
        "card",
        table,
        &[
            "sample_rate_hz",
            "channels",
            "amplitude_mv",
            "stop_level",
            "timeout_ms",
            "trigger",
            "clock",
        ],
    );
    if let Some(v) = f.get("sample_rate_hz") {
        let ok = |x: f64| x > 0.0;
        if let Some(x) = c.number(
            &f.path("sample_rate_hz"),
            v,
            ok,
            "a finite sample rate > 0 Hz",
        ) {
            out.sample_rate_hz = x;
        }
    }
    let listed = f
        .get("channels")
        .map(|v| enabled_channels(c, &f.path("channels"), v));
    let channels_ok = !matches!(listed, Some(None));
    if let Some(Some(list)) = listed {
        out.channels = list;
    }
    out.amplitude_mv = vec![DEFAULT_AMPLITUDE_MV; out.channels.len()];
    if let Some(v) = f.get("amplitude_mv") {
        let n = channels_ok.then_some(out.channels.len());
        if let Some(list) = amplitudes(c, &f.path("amplitude_mv"), v, n) {
            out.amplitude_mv = list;
        }
    }
    if let Some(v) = f.get("stop_level") {
        if let Some(s) = c.choice(&f.path("stop_level"), v, STOP_LEVELS) {
            out.stop_level = s;
        }
    }
    if let Some(v) = f.get("timeout_ms") {
        let expected = "an integer number of ms, 0 (no timeout) to 4294967295";
        if let Some(n) = c.integer(&f.path("timeout_ms"), v, 0..=U32_MAX, expected) {
            out.timeout_ms = n as u32;
        }
    }
    if let Some(t) = section(c, &f, "trigger") {
        trigger(c, t, &mut out);
    }
    if let Some(t) = section(c, &f, "clock") {
        clock(c, t, &mut out);
    }
    (out, channels_ok)
}

/// `card.channels`: non-empty, unique hardware channel indices.
fn enabled_channels(c: &mut Checker<'_>, key: &str, v: &Value<'_>) -> Option<Vec<u32>> {
    let items = c.array(key, v, "an array of hardware channel indices")?;
    if items.is_empty() {
        c.expected(key, v, "at least one enabled channel");
        return None;
    }
    let mut out = Vec::with_capacity(items.len());
    let mut ok = true;
    for (i, item) in items.iter().enumerate() {
        let item_key = format!("{key}[{i}]");
        c.remember(&item_key, item.span());
        match c.integer(
            &item_key,
            item,
            0..=U32_MAX,
            "a hardware channel index (integer >= 0)",
        ) {
            Some(ch) if out.contains(&(ch as u32)) => {
                c.report(
                    item.span(),
                    &item_key,
                    format!("expected each channel once, found channel {ch} again"),
                );
                ok = false;
            }
            Some(ch) => out.push(ch as u32),
            None => ok = false,
        }
    }
    ok.then_some(out)
}

/// `card.amplitude_mv`: one positive amplitude per enabled channel, or one for all.
/// `n` is the channel count when `card.channels` is valid.
fn amplitudes(c: &mut Checker<'_>, key: &str, v: &Value<'_>, n: Option<usize>) -> Option<Vec<f64>> {
    const ONE: &str = "a finite amplitude > 0 mV";
    let ok = |x: f64| x > 0.0;
    let Some(items) = v.get_ref().as_array() else {
        let expected = "a finite amplitude > 0 mV, or an array with one per enabled channel";
        let x = c.number(key, v, ok, expected)?;
        return Some(vec![x; n.unwrap_or(1)]);
    };
    let mut out = Vec::with_capacity(items.len());
    for (i, item) in items.iter().enumerate() {
        let item_key = format!("{key}[{i}]");
        c.remember(&item_key, item.span());
        out.push(c.number(&item_key, item, ok, ONE));
    }
    if let Some(n) = n.filter(|n| *n != items.len()) {
        let message = format!(
            "expected {n} amplitudes (one per entry of card.channels, in the same order) or one number for all, found {}",
            items.len()
        );
        c.report(v.span(), key, message);
        return None;
    }
    out.into_iter().collect()
}

/// `[card.trigger]`.
fn trigger(c: &mut Checker<'_>, table: &DeTable<'_>, out: &mut CardConfig) {
    let f = c.fields(
        "card.trigger",
        table,
        &[
            "source",
            "edge",
            "level_mv",
            "coupling",
            "termination_50ohm",
            "delay_samples",
        ],
    );
    let t = &mut out.trigger;
    if let Some(v) = f.get("source") {
        t.source = c
            .choice(&f.path("source"), v, TRIGGER_SOURCES)
            .unwrap_or(t.source);
    }
    if let Some(v) = f.get("edge") {
        t.edge = c
            .choice(&f.path("edge"), v, TRIGGER_EDGES)
            .unwrap_or(t.edge);
    }
    if let Some(v) = f.get("level_mv") {
        let level = c.number(&f.path("level_mv"), v, |_| true, "a finite level in mV");
        t.level_mv = level.unwrap_or(t.level_mv);
    }
    if let Some(v) = f.get("coupling") {
        t.coupling = c
            .choice(&f.path("coupling"), v, COUPLINGS)
            .unwrap_or(t.coupling);
    }
    if let Some(v) = f.get("termination_50ohm") {
        t.termination_50ohm = c
            .boolean(&f.path("termination_50ohm"), v)
            .unwrap_or(t.termination_50ohm);
    }
    if let Some(v) = f.get("delay_samples") {
        let expected = "a delay in samples (integer >= 0)";
        if let Some(n) = c.integer(&f.path("delay_samples"), v, 0..=i64::MAX, expected) {
            t.delay_samples = n as u64;
        }
    }
}

/// `[card.clock]`: an external reference needs its frequency; the internal PLL takes
/// none.
fn clock(c: &mut Checker<'_>, table: &DeTable<'_>, out: &mut CardConfig) {
    let f = c.fields("card.clock", table, &["source", "reference_hz", "output"]);
    let k = &mut out.clock;
    if let Some(v) = f.get("source") {
        k.source = c
            .choice(&f.path("source"), v, CLOCK_SOURCES)
            .unwrap_or(k.source);
    }
    let reference = f.get("reference_hz");
    if let Some(v) = reference {
        let ok = |x: f64| x >= 0.0;
        k.reference_hz = c
            .number(&f.path("reference_hz"), v, ok, "a finite frequency >= 0 Hz")
            .unwrap_or(k.reference_hz);
    }
    match (k.source, reference) {
        (ClockSource::ExternalReference, _) if k.reference_hz <= 0.0 => {
            let message = "expected the reference frequency (`reference_hz` > 0) with source = \"external_reference\", found none";
            match reference {
                Some(v) => c.report(v.span(), &f.path("reference_hz"), message),
                None => {
                    let span = f.get("source").map_or(0..0, |v| v.span());
                    c.report(span, &f.path("reference_hz"), message);
                }
            }
        }
        (ClockSource::InternalPll, Some(v)) if k.reference_hz != 0.0 => {
            let found = c.describe(v);
            let message = format!(
                "expected 0 (a reference frequency needs source = \"external_reference\"), found {found}"
            );
            c.report(v.span(), &f.path("reference_hz"), message);
        }
        _ => {}
    }
    if let Some(v) = f.get("output") {
        k.output_enabled = c.boolean(&f.path("output"), v).unwrap_or(k.output_enabled);
    }
}

/// `[compile]`.
pub(crate) fn compile(c: &mut Checker<'_>, top: &Fields<'_, '_>) -> CompileConfig {
    let mut out = CompileConfig::default();
    let Some(table) = section(c, top, "compile") else {
        return out;
    };
    let f = c.fields(
        "compile",
        table,
        &["quantum_s", "full_scale_mv", "full_scale", "clip"],
    );
    let positive = |x: f64| x > 0.0;
    if let Some(v) = f.get("quantum_s") {
        let q = c.number(&f.path("quantum_s"), v, positive, "a finite duration > 0 s");
        out.quantum_s = q.unwrap_or(out.quantum_s);
    }
    if let Some(v) = f.get("full_scale_mv") {
        out.full_scale_mv = c.number(
            &f.path("full_scale_mv"),
            v,
            positive,
            "a finite voltage > 0 mV",
        );
    }
    if let Some(v) = f.get("full_scale") {
        let n = c.integer(
            &f.path("full_scale"),
            v,
            1..=32767,
            "an integer card code from 1 to 32767",
        );
        out.full_scale = n.map(|n| n as i32);
    }
    if let Some(v) = f.get("clip") {
        let ok = |x: f64| x > 0.0 && x <= 1.0;
        let clip = c.number(&f.path("clip"), v, ok, "a fraction of full scale in (0, 1]");
        out.clip = clip.unwrap_or(out.clip);
    }
    out
}

/// `[phases]`.
pub(crate) fn phases(c: &mut Checker<'_>, top: &Fields<'_, '_>) -> PhasesConfig {
    let mut out = PhasesConfig::default();
    let Some(table) = section(c, top, "phases") else {
        return out;
    };
    let f = c.fields("phases", table, &["passes", "time_budget_ms"]);
    if let Some(v) = f.get("passes") {
        let n = c.integer(&f.path("passes"), v, 1..=U32_MAX, "a number of passes >= 1");
        out.passes = n.map_or(out.passes, |n| n as u32);
    }
    if let Some(v) = f.get("time_budget_ms") {
        let expected = "an integer number of ms >= 0 (0: no limit)";
        let n = c.integer(&f.path("time_budget_ms"), v, 0..=i64::MAX, expected);
        out.time_budget_ms = n.map_or(out.time_budget_ms, |n| n as u64);
    }
    out
}

/// `[output]`.
pub(crate) fn output(c: &mut Checker<'_>, top: &Fields<'_, '_>, base: &Path) -> OutputConfig {
    let mut out = OutputConfig {
        dir: base.join(OutputConfig::default().dir),
        ..OutputConfig::default()
    };
    let Some(table) = section(c, top, "output") else {
        return out;
    };
    let f = c.fields("output", table, &["dir", "overwrite"]);
    if let Some(v) = f.get("dir") {
        out.dir = path_value(c, &f.path("dir"), v, base).unwrap_or(out.dir);
    }
    if let Some(v) = f.get("overwrite") {
        out.overwrite = c.boolean(&f.path("overwrite"), v).unwrap_or(out.overwrite);
    }
    out
}
