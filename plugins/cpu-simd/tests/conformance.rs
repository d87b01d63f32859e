//! cpu-simd passes the synthesis conformance suite of `awgsf-test-kit`, opened
//! through its exported root module as the host opens the plugin file, the thread
//! rule included.

use awgsf_plugin_api::abi_stable::std_types::RStr;
use awgsf_test_kit::synthesis::{run_suite, Verdict, RULES};

#[test]
fn passes_the_synthesis_suite() {
    let module = awgsf_cpu_simd::awgsf_synthesis_root_module();
    let mut open = |settings: &str| (module.open())(RStr::from(settings)).into_result();
    let outcomes = run_suite(&mut open);
    let failed: Vec<String> = outcomes
        .iter()
        .filter(|o| o.verdict != Verdict::Pass)
        .map(|o| format!("{}: {}", o.rule, o.verdict))
        .collect();
    assert!(failed.is_empty(), "cpu-simd:\n{}", failed.join("\n"));
    assert_eq!(outcomes.len(), RULES.len());
}
