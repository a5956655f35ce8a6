//! Differential tests: the 98 reference scenarios of `tests/conformance/` and the hand-written
//! instruction and quirk scenarios of `tests/conformance/extra/` run on our VM must make the same
//! calls with the same results (a multiset) and end with the same error codes as AquaVM did.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::PathBuf;

use serde_json::Value;

use air_network::scenario::compare_calls;

use crate::support::{conformance_dir, run_json};

/// Hand-written scenarios where we consciously differ from AquaVM's errors (calls still match).
const ERROR_DEVIATIONS: &[(&str, &str)] = &[
    (
        "stream-map-bad-key",
        "AquaVM's ap to a stream map takes a trace state before checking the key; after the error \
         the next state written at that position breaks its replay with 20000. We check the key \
         first.",
    ),
    (
        "error-message-map-key-bool",
        "The same replay bug of AquaVM's ap to a stream map as stream-map-bad-key; the :error: \
         object logged before it is compared and matches.",
    ),
    (
        "error-message-canon-peer-not-string",
        "AquaVM's canon takes a trace state before resolving its peer; after the error the next \
         state written at that position breaks its replay with 20000. The :error: object logged \
         before it is compared and matches.",
    ),
    (
        "stream-fold-swallows-errors",
        "AquaVM's replay bug: a failed call replayed inside a stream fold \
         marks the fold incomplete, so the call after it is dropped and the step ends with 30000. \
         We replay a failure exactly as it ran.",
    ),
];

/// The errors of a summary as sorted (peer, ret_code, message) triples: clients match on
/// AquaVM's messages, so ours must be the same text. The one exception is a script that does
/// not parse: AquaVM draws its parser's diagnostics as a source picture, ours lists the same
/// faults on one line, so only the message's first words are compared.
fn error_codes(summary: &Value) -> Vec<String> {
    const UNPARSED: &str = "air can't be parsed:";
    let message = |error: &Value| match error["message"].as_str() {
        Some(text) if text.starts_with(UNPARSED) => UNPARSED.to_owned(),
        Some(text) => text.to_owned(),
        None => error["message"].to_string(),
    };
    let mut errors: Vec<String> = summary["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .map(|error| format!("{} {} {}", error["peer"], error["ret_code"], message(error)))
                .collect()
        })
        .unwrap_or_default();
    errors.sort();
    errors
}

/// Compares one scenario of `dir`; returns a description of the difference, if any.
fn check_in(dir: &std::path::Path, name: &str) -> Option<String> {
    // A scenario whose files cannot be read or parsed is a failure, never a silent pass.
    let read = |file: String| {
        std::fs::read_to_string(dir.join(&file)).map_err(|error| format!("{name}: {file}: {error}"))
    };
    let (scenario, expected) =
        match (read(format!("{name}.json")), read(format!("{name}.expected.json"))) {
            (Ok(scenario), Ok(expected)) => (scenario, expected),
            (Err(error), _) | (_, Err(error)) => return Some(error),
        };
    let expected: Value = match serde_json::from_str(&expected) {
        Ok(expected) => expected,
        Err(error) => return Some(format!("{name}: the expected summary is not JSON: {error}")),
    };
    let summary = run_json(&scenario);
    let ours: Value = match serde_json::from_str(&summary.to_json()) {
        Ok(ours) => ours,
        Err(error) => return Some(format!("{name}: our summary is not JSON: {error}")),
    };
    if let Err(difference) = compare_calls(&expected, &ours) {
        return Some(format!("{name}: {difference}"));
    }
    let deviates = ERROR_DEVIATIONS.iter().any(|(deviation, _)| *deviation == name);
    if !deviates && error_codes(&ours) != error_codes(&expected) {
        return Some(format!(
            "{name}: errors differ\n  want: {}\n  got: {}",
            expected["errors"], ours["errors"]
        ));
    }
    if ours["peers"] != expected["peers"] {
        return Some(format!("{name}: peer ids differ"));
    }
    None
}

fn scenario_names_in(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .expect("tests/conformance exists")
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && !name.ends_with(".expected.json"))
        .map(|name| name.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    names
}

/// Fails with every difference when any of the scenarios `names` in `dir` differs.
fn assert_all_match(dir: &std::path::Path, names: &[String]) {
    let failures: Vec<String> = names.iter().filter_map(|name| check_in(dir, name)).collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios differ:\n{}",
        failures.len(),
        names.len(),
        failures.join("\n")
    );
}

fn scenario_names() -> Vec<String> {
    scenario_names_in(&conformance_dir())
}

#[test]
fn hand_written_scenarios_match() {
    let dir = conformance_dir().join("extra");
    let names = scenario_names_in(&dir);
    assert!(names.len() >= 40, "at least 40 hand-written scenarios");
    assert_all_match(&dir, &names);
}

#[test]
fn all_reference_scenarios_match() {
    let names = scenario_names();
    assert_eq!(names.len(), 98, "the 98 reference scenarios are in tests/conformance");
    assert_all_match(&conformance_dir(), &names);
}

#[test]
fn greet_flow_data_is_smaller_than_aquavm() {
    let scenario =
        std::fs::read_to_string(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/greet.json"))
            .expect("greet scenario");
    let summary = run_json(&scenario);
    let response = summary.calls.iter().rfind(|call| call.service == "callbackSrv");
    let response = response.expect("the client gets a response");
    assert_eq!(response.args, vec![Value::from("Hello, Fluence!")]);
    // AquaVM ends the same flow with 3197 bytes on the client (recorded with AquaVM 0.62.0).
    let client = summary.data_bytes["client"];
    assert!(client <= 3197, "client data is {client} bytes");
}
