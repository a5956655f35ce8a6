//! Semantic equality with the reference compiler: each of the 98 conformance scenarios is run
//! on air-vm with our AIR in place of the reference's, and must make the same calls (a
//! multiset of peer, service, function, arguments, result) with no errors. The one allowed
//! difference is `34-quirk-id-param.lookup`, where the reference has a bug we fix.

use std::collections::BTreeMap;

use air_network::scenario::{Scenario, compare_calls, run_scenario};
use serde_json::Value;

use crate::support::{data_dir, our_air_for};

/// Scenarios whose expected run shows a reference bug that our compiler fixes.
const ALLOWED_DIFFERENCES: &[&str] = &["34-quirk-id-param.lookup"];

/// Our AIR for a scenario's source, function and options.
fn our_air(scenario: &Value) -> Result<String, String> {
    let source = scenario["source"].as_str().ok_or("no source")?;
    let stem =
        source.rsplit('/').next().and_then(|f| f.strip_suffix(".aqua")).ok_or("bad source")?;
    let function = scenario["function"].as_str().ok_or("no function")?;
    let flags = scenario["compiler_options"].as_str().unwrap_or("defaults");
    our_air_for(stem, function, flags).ok_or_else(|| "no such function".to_string())
}

/// Runs one scenario with our AIR; `None` when it matches.
fn check(name: &str) -> Option<String> {
    // A scenario whose files cannot be read or parsed is a failure, never a silent pass.
    let dir = data_dir().join("conformance");
    let read_json = |file: String| -> Result<Value, String> {
        let text = std::fs::read_to_string(dir.join(&file)).map_err(|e| format!("{file}: {e}"))?;
        serde_json::from_str(&text).map_err(|e| format!("{file} is not JSON: {e}"))
    };
    let (mut scenario, expected) =
        match (read_json(format!("{name}.json")), read_json(format!("{name}.expected.json"))) {
            (Ok(scenario), Ok(expected)) => (scenario, expected),
            (Err(error), _) | (_, Err(error)) => return Some(format!("{name}: {error}")),
        };
    let air = match our_air(&scenario) {
        Ok(air) => air,
        Err(error) => return Some(format!("{name}: {error}")),
    };
    scenario["air"] = Value::String(air);
    let parsed = match Scenario::from_json(&scenario.to_string()) {
        Ok(parsed) => parsed,
        Err(error) => return Some(format!("{name}: {error}")),
    };
    let summary = run_scenario(&parsed);
    let ours: Value = match serde_json::from_str(&summary.to_json()) {
        Ok(ours) => ours,
        Err(error) => return Some(format!("{name}: our summary is not JSON: {error}")),
    };
    if let Err(difference) = compare_calls(&expected, &ours) {
        return Some(format!("{name}: {difference}"));
    }
    if ours["errors"] != expected["errors"] {
        return Some(format!("{name}: errors {}", ours["errors"]));
    }
    // Every hop is a network round the client waits for: never more than the reference's.
    let (hops, reference_hops) = (ours["hops"].as_u64(), expected["hops"].as_u64());
    if hops > reference_hops {
        return Some(format!("{name}: {hops:?} hops, the reference's AIR {reference_hops:?}"));
    }
    None
}

#[test]
fn our_air_makes_the_reference_calls_on_air_vm() {
    let mut names: Vec<String> = std::fs::read_dir(data_dir().join("conformance"))
        .expect("tests/conformance exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && !name.ends_with(".expected.json"))
        .map(|name| name.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    assert_eq!(names.len(), 98, "the 98 reference scenarios are in tests/conformance");
    let mut failures = BTreeMap::new();
    for name in &names {
        if let Some(failure) = check(name) {
            failures.insert(name.clone(), failure);
        }
    }
    let unexpected: Vec<&String> = failures
        .iter()
        .filter(|(name, _)| !ALLOWED_DIFFERENCES.contains(&name.as_str()))
        .map(|(_, f)| f)
        .collect();
    eprintln!(
        "conformance on air-vm: {} of {} scenarios match ({} allowed differences)",
        names.len() - failures.len(),
        names.len(),
        failures.len() - unexpected.len()
    );
    assert!(
        unexpected.is_empty(),
        "{} scenarios differ:\n{}",
        unexpected.len(),
        unexpected.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n")
    );
}
