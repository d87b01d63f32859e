//! `awgsf check-plugin`: the hardware conformance suite of `awgsf-test-kit` on a
//! card plugin file, as a lab would run it on a driver plugin before trusting it.

use awgsf_plugin_api::PluginError;
use awgsf_test_kit::hardware::{run_suite, Verdict};
use serde_json::json;

use awgsf_core::error::{exit, Error};
use awgsf_core::plugins::{load_hardware, LoadError, SearchPath};

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
    let plugin = load_hardware(&path)?;
    let name = plugin.info.name.to_string();
    // A card that cannot be opened at all fails once, with the plugin's own message.
    let mut first = plugin.open(&a.settings)?;
    let _ = first.close();
    let mut open = || {
        plugin
            .open(&a.settings)
            .map_err(|e| PluginError::invalid_input(e.to_string()))
    };
    let outcomes = run_suite(&mut open);
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
