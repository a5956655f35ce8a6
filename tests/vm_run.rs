//! End-to-end tests of `aqua air run`: a script on one local peer, and scenarios over simulated
//! peers with the oracle's output shapes.

use serde_json::Value;

use crate::support::{aqua, stdout, temp_file};

fn conformance(name: &str) -> String {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/conformance").join(name);
    path.to_string_lossy().into_owned()
}

fn sorted_calls(summary: &Value) -> Vec<String> {
    let mut calls: Vec<String> =
        summary["calls"].as_array().into_iter().flatten().map(Value::to_string).collect();
    calls.sort();
    calls
}

#[test]
fn scenario_json_matches_the_reference_summary() {
    let output =
        aqua(&["air", "run", "--scenario", &conformance("10-on-topology.onPeer.json"), "--json"]);
    assert!(output.status.success(), "{}", stdout(&output));
    let ours: Value = serde_json::from_str(stdout(&output).trim()).expect("one JSON summary");
    let expected = std::fs::read_to_string(conformance("10-on-topology.onPeer.expected.json"))
        .expect("expected summary");
    let expected: Value = serde_json::from_str(&expected).expect("JSON");
    assert_eq!(sorted_calls(&ours), sorted_calls(&expected));
    assert_eq!(ours["peers"], expected["peers"]);
    assert_eq!(ours["hops"], expected["hops"]);
    assert_eq!(ours["errors"], serde_json::json!([]));
}

#[test]
fn scenario_prints_every_hop_and_call() {
    let output = aqua(&["air", "run", "--scenario", &conformance("01-hello.hello.json")]);
    assert!(output.status.success());
    let text = stdout(&output);
    assert!(text.contains("peer client = 12D3KooWEX9FMY4kgWPq8HitrZxudcATTPkT9tSY9FBx1A52TZmd"));
    assert!(text.contains(
        "[client] call #3 greeting.greet([\"Fluence\"]) -> ret_code=0 \"Hello, Fluence!\""
    ));
    assert!(text.contains("done after 1 hops"));
}

#[test]
fn local_script_uses_the_built_in_services() {
    let script = temp_file(
        "vm_run_local.air",
        r#"(seq (call %init_peer_id% ("math" "add") [1 2] x) (call %init_peer_id% ("op" "identity") [x] y))"#,
    );
    let output = aqua(&["air", "run", &script.to_string_lossy()]);
    assert!(output.status.success(), "{}", stdout(&output));
    let text = stdout(&output);
    assert!(text.contains("call #1 math.add([1,2]) -> ret_code=0 3"));
    assert!(text.contains("call #2 op.identity([3]) -> ret_code=0 3"));
}

#[test]
fn local_script_reports_unanswered_calls() {
    let script =
        temp_file("vm_run_unknown.air", r#"(call %init_peer_id% ("nobody" "here") ["x"])"#);
    let output = aqua(&["air", "run", &script.to_string_lossy()]);
    assert!(!output.status.success());
    assert!(stdout(&output).contains("call #1 nobody.here([\"x\"]) -> no such service"));
}
