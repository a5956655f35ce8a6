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

/// A fold over 2,000 numbers that calls a service each time, from the left branch of a `par`
/// (where a call is requested from the host, not answered within the step): one step per call,
/// each replaying the iterations before it (quadratic work on one peer).
fn runaway_script() -> std::path::PathBuf {
    let numbers: Vec<String> = (0..2_000).map(|n| n.to_string()).collect();
    let air = format!(
        r#"(seq (call %init_peer_id% ("op" "array") [{}] xs) (fold xs x (seq (par (call %init_peer_id% ("op" "noop") []) (never)) (next x))))"#,
        numbers.join(" ")
    );
    temp_file("vm_run_runaway.air", &air)
}

#[test]
fn a_runaway_local_script_ends_with_the_run_budget_named() {
    let script = runaway_script();
    let output = aqua(&["air", "run", &script.to_string_lossy(), "--run-budget", "200000"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("the run executed more than 200000 instructions")
            && stderr.contains("--run-budget"),
        "{stderr}"
    );
}

#[test]
fn a_step_over_its_budget_names_the_step_budget() {
    let script = runaway_script();
    let output = aqua(&["air", "run", &script.to_string_lossy(), "--step-budget", "1000"]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("a step on peer local executed more than 1000 instructions"),
        "{stderr}"
    );
    assert!(stderr.contains("--step-budget"), "{stderr}");
    assert!(stdout(&output).contains("error 20022"), "{}", stdout(&output));
}

#[test]
fn an_invalid_local_script_is_reported_as_diagnostics() {
    let script =
        temp_file("vm_run_invalid.air", "(seq (call %init_peer_id% (\"a\" \"b\") [x]) (null))");
    let output = aqua(&["--color", "never", "air", "run", &script.to_string_lossy()]);
    assert_eq!(output.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("error[A020]: undefined variable `x`"), "{stderr}");
    assert!(stderr.contains("vm_run_invalid.air:1:"), "{stderr}");
}

/// `--save-data` writes each peer's final data; `--prev-data`/`--current-data` feed data to one
/// invocation of one peer (how a user replays or tampers with a particle), and data that does not
/// decode is a diagnostic naming the file.
#[test]
fn saved_data_can_be_fed_to_one_invocation_of_another_peer() {
    let other = air_network::KeyPair::from_name("other").peer_id();
    let script = temp_file(
        "vm_run_handover.air",
        &format!(
            r#"(seq (call %init_peer_id% ("op" "identity") ["hi"] r) (call "{other}" ("svc" "take") [r]))"#
        ),
    );
    let script = script.to_string_lossy().into_owned();
    let dir = crate::support::scratch_path("handover");
    let dir_text = dir.to_string_lossy().into_owned();
    let local = aqua(&["air", "run", &script, "--save-data", &dir_text]);
    assert!(stdout(&local).contains(&format!("not sent: the particle would go to {other}")));
    let data = dir.join("local.data").to_string_lossy().into_owned();
    let empty = temp_file("vm_run_empty.data", "");
    let empty = empty.to_string_lossy().into_owned();
    let step = |current: &str| {
        aqua(&[
            "--color",
            "never",
            "air",
            "run",
            &script,
            "--peer",
            "other",
            "--init-peer",
            "local",
            "--prev-data",
            &empty,
            "--current-data",
            current,
        ])
    };
    let handed = step(&data);
    assert!(handed.status.success(), "{}", stdout(&handed));
    assert!(stdout(&handed).contains(r#"svc.take(["hi"])"#), "{}", stdout(&handed));

    let mut tampered = std::fs::read(&data).expect("saved data");
    let middle = tampered.len() / 2;
    tampered[middle] ^= 0x01;
    let tampered_file = dir.join("tampered.data");
    std::fs::write(&tampered_file, tampered).expect("write");
    let refused = step(&tampered_file.to_string_lossy());
    assert_eq!(refused.status.code(), Some(1));
    assert!(!stdout(&refused).contains("svc.take"), "{}", stdout(&refused));

    let garbage = temp_file("vm_run_garbage.data", "not particle data");
    let garbage = step(&garbage.to_string_lossy());
    assert_eq!(garbage.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&garbage.stderr);
    assert!(stderr.contains("error[V002]: the current data cannot be decoded"), "{stderr}");
    assert!(stderr.contains("bad magic bytes"), "{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
}
