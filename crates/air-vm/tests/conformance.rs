//! Differential tests: the 98 reference scenarios of `tests/conformance/` run on our VM must make
//! the same calls with the same results (a multiset) and no errors, as AquaVM did.

#![allow(clippy::disallowed_methods)]

use std::path::PathBuf;

use serde_json::Value;

use crate::support::{call_multiset, run_json};

fn conformance_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance")
}

/// Compares one scenario; returns a description of the difference, if any.
fn check(name: &str) -> Option<String> {
    let dir = conformance_dir();
    let scenario = std::fs::read_to_string(dir.join(format!("{name}.json"))).ok()?;
    let expected = std::fs::read_to_string(dir.join(format!("{name}.expected.json"))).ok()?;
    let expected: Value = serde_json::from_str(&expected).ok()?;
    let summary = run_json(&scenario);
    let ours: Value = serde_json::from_str(&summary.to_json()).ok()?;
    let (want, got) = (call_multiset(&expected), call_multiset(&ours));
    if want != got {
        let missing: Vec<_> = want.iter().filter(|call| !got.contains(call)).collect();
        let extra: Vec<_> = got.iter().filter(|call| !want.contains(call)).collect();
        return Some(format!("{name}: calls differ\n  missing: {missing:#?}\n  extra: {extra:#?}"));
    }
    if ours["errors"] != expected["errors"] {
        return Some(format!("{name}: errors {}", ours["errors"]));
    }
    if ours["peers"] != expected["peers"] {
        return Some(format!("{name}: peer ids differ"));
    }
    None
}

fn scenario_names() -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(conformance_dir())
        .expect("tests/conformance exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && !name.ends_with(".expected.json"))
        .map(|name| name.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    names
}

#[test]
fn all_reference_scenarios_match() {
    let names = scenario_names();
    assert_eq!(names.len(), 98, "the 98 reference scenarios are in tests/conformance");
    let failures: Vec<String> = names.iter().filter_map(|name| check(name)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}
