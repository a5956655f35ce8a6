//! Helpers shared by the air-vm integration tests: running scenarios and comparing summaries.

#![allow(dead_code)]

use air_vm::scenario::{Scenario, Summary, run_scenario};
use serde_json::Value;

/// Runs a scenario given as JSON text.
pub fn run_json(text: &str) -> Summary {
    let scenario = Scenario::from_json(text).expect("valid scenario");
    run_scenario(&scenario).expect("scenario runs")
}

/// The calls of a summary JSON as sorted comparable strings (a multiset).
pub fn call_multiset(summary: &Value) -> Vec<String> {
    let mut calls: Vec<String> = summary["calls"]
        .as_array()
        .map(|calls| calls.iter().map(Value::to_string).collect())
        .unwrap_or_default();
    calls.sort();
    calls
}
