//! `awgsf check-plugin`: the conformance suite of `awgsf-test-kit` for the plugin's
//! role (hardware or synthesis) on a plugin file, as a lab would run it on a driver
//! or renderer plugin before trusting it.

use std::path::Path;

use awgsf_plugin_api::{PluginError, PluginRole};
use awgsf_test_kit::{hardware, synthesis, Outcome, Verdict};
use serde_json::{json, Map, Value};

use awgsf_core::error::{exit, Error};
use awgsf_core::plugins::{load_hardware, load_synthesis, probe_file, LoadError, SearchPath};

use super::args::CheckPluginArgs;

/// `awgsf check-plugin`.
pub fn check(a: &CheckPluginArgs) -> Result<i32, Error> {
    let path = SearchPath::standard(&[])
        .resolve(&a.plugin, None)
        .map_err(|looked| {
            Error::plugins(vec![LoadError::NotFound {
                spec: a.plugin.clone(),
                looked,
            }])
        })?;
    let (file, info) = probe_file(&path)?;
    let name = info.name.to_string();
    let outcomes = match file.role {
        PluginRole::Hardware => hardware_suite(&path, &a.settings)?,
        PluginRole::Synthesis => synthesis_suite(&path, &a.settings)?,
    };
    let failed = outcomes.iter().filter(|o| !o.ok()).count();
    if a.json {
        let rows: Vec<_> = outcomes
            .iter()
            .map(|o| {
                let (verdict, detail) = match &o.verdict {
                    Verdict::Pass => ("pass", String::new()),
                    Verdict::NotApplicable(d) => ("not applicable", d.clone()),
                    Verdict::Fail(d) => ("fail", d.clone()),
                };
                json!({"rule": o.rule, "expectation": o.expectation, "verdict": verdict, "detail": detail})
            })
            .collect();
        let doc = json!({"plugin": name, "file": path.display().to_string(), "rules": rows});
        println!("{}", serde_json::to_string_pretty(&doc).unwrap_or_default());
    } else {
        println!("{name} ({})", path.display());
        let width = outcomes.iter().map(|o| o.rule.len()).max().unwrap_or(0);
        for o in &outcomes {
            println!("  {:<width$}  {}", o.rule, o.verdict);
        }
        let passed = outcomes
            .iter()
            .filter(|o| o.verdict == Verdict::Pass)
            .count();
        println!(
            "{} rules: {passed} passed, {} not applicable, {failed} failed",
            outcomes.len(),
            outcomes.len() - passed - failed
        );
    }
    if failed > 0 {
        return Err(Error::Conformance(format!(
            "{name}: {failed} of {} rules failed (see above)",
            outcomes.len()
        )));
    }
    Ok(exit::OK)
}

/// The hardware suite on a card plugin opened with `settings`.
fn hardware_suite(path: &Path, settings: &str) -> Result<Vec<Outcome>, Error> {
    let plugin = load_hardware(path)?;
    // A card that cannot be opened at all fails once, with the plugin's own message.
    let mut first = plugin.open(settings)?;
    let _ = first.close();
    let mut open = || plugin.open(settings).map_err(plugin_error);
    Ok(hardware::run_suite(&mut open))
}

/// The synthesis suite on a renderer plugin: each rule's settings (e.g. a thread
/// count) are laid over the user's `settings`.
fn synthesis_suite(path: &Path, settings: &str) -> Result<Vec<Outcome>, Error> {
    let plugin = load_synthesis(path)?;
    // A backend that cannot be opened at all fails once, with the plugin's own message.
    plugin.open(settings)?;
    let base = settings_object(settings)?;
    let mut open = |rule: &str| {
        let mut merged = base.clone();
        let extra = settings_object(rule)
            .map_err(|e| PluginError::invalid_input(format!("suite settings: {e}")))?;
        merged.extend(extra);
        plugin
            .open(&Value::Object(merged).to_string())
            .map_err(plugin_error)
    };
    Ok(synthesis::run_suite(&mut open))
}

/// The plugin's own error (its kind matters to the suite), or the load error.
fn plugin_error(e: LoadError) -> PluginError {
    match e {
        LoadError::Open { error, .. } => error,
        other => PluginError::invalid_input(other.to_string()),
    }
}

/// `--settings` as a JSON object (empty text counts as `{}`).
fn settings_object(text: &str) -> Result<Map<String, Value>, Error> {
    if text.trim().is_empty() {
        return Ok(Map::new());
    }
    match serde_json::from_str(text) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(Error::Usage("--settings: expected a JSON object".into())),
        Err(e) => Err(Error::Usage(format!("--settings: not valid JSON ({e})"))),
    }
}
