//! The bundled examples against Fluence's reference: each scenario of `tests/conformance/examples/`
//! (an example, a function, its arguments, the example's network as oracle mocks, and the AIR of
//! Fluence's compiler) is run on our VM twice, and both runs must give what Fluence's AquaVM did
//! with the reference AIR, as recorded in `NAME.expected.json` by `regenerate.py` (which also
//! checked, on AquaVM, that our compiler's AIR makes the same calls). No Node.js is needed here.
//!
//! What is compared, and why:
//!
//! - **The reference AIR on our VM** must reproduce AquaVM's run exactly: the same calls in the same
//!   order (peer, service, function, arguments, return code, result), the same step errors and the
//!   same number of hops. Both drivers deliver particles first in, first out, and queue a step's
//!   next peers in peer-name order, so on the same script the delivery order is the same, and so is
//!   every stream's order and every error object (`instruction` included).
//! - **Our compiler's AIR on our VM** must make the same calls as a multiset (sorted), give the
//!   client the same `callbackSrv.response` arguments (the function's results, stream order
//!   included) and the same `errorHandlingSrv.error` arguments, and fail on the same steps (peer and
//!   code). Two things may legitimately differ from the reference AIR and are left out:
//!   - the hops and so the interleaving of calls on different peers: our compiler routes an error
//!     from a remote `on` to the next handler directly instead of first returning to the client
//!     (failover: 7 hops instead of 9, the same calls);
//!   - the `instruction` field of an error object passed as an argument (`:error:` given to
//!     `errorHandlingSrv.error`): it is the text of the failing AIR instruction, which names each
//!     compiler's own variables (`call backup …` for us, `call -backup-arg- …` for the reference).
//!     Its code, message and peer id are compared.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use air_network::scenario::{Scenario, run_scenario};
use serde_json::Value;

use crate::support::{aqua, stderr, stdout};

/// The examples the reference can run (all but `wasm-greeting`, whose service is a Wasm
/// component): each needs at least one scenario.
const REQUIRED_EXAMPLES: &[&str] = &["pipeline", "greeting", "failover", "aggregate"];

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn suite_dir() -> PathBuf {
    root().join("tests/conformance/examples")
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("{} is not JSON: {e}", path.display()))
}

/// The scenario names (`NAME.json` beside `NAME.expected.json`), sorted.
fn scenario_names() -> Vec<String> {
    let dir = suite_dir();
    let entries = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{} is missing ({e}): run its regenerate.py", dir.display()));
    let mut names: Vec<String> = entries
        .filter_map(|entry| entry.ok()?.file_name().into_string().ok())
        .filter(|name| name.ends_with(".json") && !name.ends_with(".expected.json"))
        .map(|name| name.trim_end_matches(".json").to_owned())
        .collect();
    names.sort();
    names
}

/// Our compiler's AIR for the scenario's function, from `aqua compile --json`.
fn our_air(scenario: &Value) -> String {
    let source = root().join(scenario["source"].as_str().expect("a \"source\" path"));
    let function = scenario["function"].as_str().expect("a \"function\" name");
    let out = aqua(&["--color", "never", "compile", &source.to_string_lossy(), "--json"]);
    assert!(out.status.success(), "{}: {}", source.display(), stderr(&out));
    let compiled: Value = serde_json::from_str(&stdout(&out)).expect("compile --json prints JSON");
    let air = compiled["functions"][function]["air"].as_str();
    air.unwrap_or_else(|| panic!("{}: no function {function}", source.display())).to_owned()
}

/// Runs the scenario with `air` on our VM and returns the summary in the oracle's JSON shape.
fn run_on_our_vm(scenario: &Value, air: &str) -> Value {
    let mut scenario = scenario.clone();
    scenario["air"] = Value::String(air.to_owned());
    let parsed = Scenario::from_json(&scenario.to_string()).expect("a valid scenario");
    let summary = run_scenario(&parsed);
    serde_json::from_str(&summary.to_json()).expect("the summary is JSON")
}

/// The arguments of the client's `service.function` call, or null if it never came.
fn client_call(summary: &Value, service: &str, function: &str) -> Value {
    let calls = summary["calls"].as_array().into_iter().flatten();
    calls
        .filter(|c| c["peer"] == "client" && c["service"] == service && c["function"] == function)
        .map(|c| c["args"].clone())
        .next()
        .unwrap_or(Value::Null)
}

/// A value with the `instruction` field of every object argument removed (see the module doc).
fn without_instruction(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(without_instruction).collect()),
        Value::Object(map) => {
            let mut map = map.clone();
            map.remove("instruction");
            Value::Object(map)
        }
        other => other.clone(),
    }
}

/// Calls as a sorted multiset, error objects' `instruction` left out.
fn call_multiset(summary: &Value) -> Vec<String> {
    let calls = summary["calls"].as_array().into_iter().flatten();
    let mut calls: Vec<String> = calls
        .map(|call| {
            let mut call = call.clone();
            call["args"] = without_instruction(&call["args"]);
            call.to_string()
        })
        .collect();
    calls.sort();
    calls
}

fn failed_steps(summary: &Value) -> Vec<(Value, Value)> {
    let errors = summary["errors"].as_array().into_iter().flatten();
    errors.map(|e| (e["peer"].clone(), e["ret_code"].clone())).collect()
}

fn lines(calls: &[String]) -> String {
    calls.iter().map(|call| format!("\n    {call}")).collect()
}

/// The reference AIR on our VM against AquaVM's run: everything identical.
fn check_reference_air(name: &str, scenario: &Value, expected: &Value) -> Vec<String> {
    let air = scenario["air"].as_str().expect("the reference AIR in \"air\"");
    let ours = run_on_our_vm(scenario, air);
    let mut problems = Vec::new();
    let empty = Vec::new();
    let want = expected["calls"].as_array().unwrap_or(&empty);
    let got = ours["calls"].as_array().unwrap_or(&empty);
    if let Some(index) = (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i)) {
        let show = |call: Option<&Value>| call.map_or("(none)".to_owned(), Value::to_string);
        problems.push(format!(
            "{name}, reference AIR on our VM: calls differ from AquaVM's from call {index} on \
             ({} calls on AquaVM, {} on ours)\n  AquaVM: {}\n  ours:   {}",
            want.len(),
            got.len(),
            show(want.get(index)),
            show(got.get(index))
        ));
    }
    for field in ["errors", "hops"] {
        if ours[field] != expected[field] {
            problems.push(format!(
                "{name}, reference AIR on our VM: {field} {} where AquaVM has {}",
                ours[field], expected[field]
            ));
        }
    }
    problems.extend(check_client(name, "reference AIR", &ours, expected, false));
    problems
}

/// Our compiler's AIR on our VM against AquaVM's run of the reference AIR: the same calls as a
/// multiset, the same client result and error, failures on the same steps.
fn check_our_air(name: &str, scenario: &Value, expected: &Value) -> Vec<String> {
    let ours = run_on_our_vm(scenario, &our_air(scenario));
    let mut problems = Vec::new();
    let (want, got) = (call_multiset(expected), call_multiset(&ours));
    if want != got {
        let missing: Vec<String> = want.iter().filter(|c| !got.contains(c)).cloned().collect();
        let extra: Vec<String> = got.iter().filter(|c| !want.contains(c)).cloned().collect();
        problems.push(format!(
            "{name}, our AIR on our VM: calls differ from AquaVM's run of the reference AIR\n  \
             missing:{}\n  extra:{}",
            lines(&missing),
            lines(&extra)
        ));
    }
    if failed_steps(&ours) != failed_steps(expected) {
        problems.push(format!(
            "{name}, our AIR on our VM: failed steps {} where AquaVM has {}",
            ours["errors"], expected["errors"]
        ));
    }
    problems.extend(check_client(name, "our AIR", &ours, expected, true));
    problems
}

/// The client's result (`callbackSrv.response`) and error (`errorHandlingSrv.error`).
fn check_client(
    name: &str,
    which: &str,
    ours: &Value,
    expected: &Value,
    ignore_instruction: bool,
) -> Vec<String> {
    let normal =
        |value: Value| if ignore_instruction { without_instruction(&value) } else { value };
    let mut problems = Vec::new();
    for (field, service, function) in
        [("response", "callbackSrv", "response"), ("error_response", "errorHandlingSrv", "error")]
    {
        let (got, want) =
            (normal(client_call(ours, service, function)), normal(expected[field].clone()));
        if got != want {
            problems.push(format!(
                "{name}, {which} on our VM: the client's {service}.{function} got {got}, \
                 AquaVM's got {want}"
            ));
        }
    }
    problems
}

#[test]
fn the_examples_give_aquavms_calls_and_results_with_both_compilers_air() {
    let names = scenario_names();
    assert!(!names.is_empty(), "no scenarios in {}: run its regenerate.py", suite_dir().display());
    let mut covered = BTreeSet::new();
    let mut problems = Vec::new();
    for name in &names {
        let scenario = read_json(&suite_dir().join(format!("{name}.json")));
        let expected = read_json(&suite_dir().join(format!("{name}.expected.json")));
        assert!(
            expected["calls"].as_array().is_some_and(|calls| !calls.is_empty()),
            "{name}.expected.json records no calls"
        );
        // "response" and "error_response" repeat what the recorded calls say, for the reader: an
        // edit of one without the other is a broken expectation.
        for (field, service, function) in [
            ("response", "callbackSrv", "response"),
            ("error_response", "errorHandlingSrv", "error"),
        ] {
            assert_eq!(
                expected[field],
                client_call(&expected, service, function),
                "{name}.expected.json: \"{field}\" disagrees with its calls"
            );
        }
        if let Some(stem) = scenario["source"].as_str().and_then(|s| s.strip_prefix("examples/")) {
            covered.insert(stem.trim_end_matches(".aqua").to_owned());
        }
        problems.extend(check_reference_air(name, &scenario, &expected));
        problems.extend(check_our_air(name, &scenario, &expected));
    }
    for example in REQUIRED_EXAMPLES {
        if !covered.contains(*example) {
            problems.push(format!("examples/{example}.aqua has no scenario"));
        }
    }
    assert!(
        problems.is_empty(),
        "{} scenarios, differences:\n{}",
        names.len(),
        problems.join("\n")
    );
}
