//! What `aqua run` says when a run goes wrong: every message names the Aqua file, line and
//! column and shows the code as `aqua check` does (X001–X005 of `docs/diagnostics.md`). The
//! programs and networks are in `tests/data/run/`; the binary runs from the repository root so
//! that the rendered paths are relative and the snapshots portable.

use std::process::Output;

use crate::support::{stderr, stdout, temp_file};

/// Runs `aqua run` from the repository root.
fn run(file: &str, call: &str, data: &str, network: &str, more: &[&str]) -> Output {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let file = format!("tests/data/run/{file}");
    let network = format!("tests/data/run/{network}");
    let mut args = vec!["run", &file, "-f", call, "--data", data, "--network", &network];
    args.extend_from_slice(more);
    crate::support::aqua_command(&args).current_dir(root).output().expect("the aqua binary runs")
}

const SENSORS: &str = r#"{"a": "@alice", "b": "@bob", "c": "@carol"}"#;

#[test]
fn a_failed_call_deep_in_an_inlined_function_points_at_its_aqua_line() {
    let out = run("deep.aqua", r#"report(h, "k")"#, r#"{"h": "@bob"}"#, "deep.toml", &[]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_run_blocked_on_a_join_of_three_with_a_peer_down_says_so_and_points_at_the_join() {
    let out = run("gather.aqua", "gather(a, b, c)", SENSORS, "gather.toml", &[]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "");
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn failed_calls_on_the_way_are_listed_with_their_aqua_lines() {
    let out = run("gather.aqua", "gather(a, b, c)", SENSORS, "broken.toml", &[]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn a_ttl_expiry_says_so_and_points_at_what_the_client_waits_for() {
    let out = run("gather.aqua", "gather(a, b, c)", SENSORS, "slow.toml", &["--ttl", "2000"]);
    assert_eq!(out.status.code(), Some(1));
    insta::assert_snapshot!(stderr(&out));
}

#[test]
fn trace_shows_the_aqua_line_of_every_call() {
    let out = run("deep.aqua", r#"report(h, "k")"#, r#"{"h": "@bob"}"#, "deep.toml", &["--trace"]);
    let text = stderr(&out);
    let put = text.find("store.put(").expect("the failed call is listed");
    let after = &text[put..];
    assert!(
        after.lines().nth(1).is_some_and(|line| line.trim()
            == r#"at tests/data/run/deep.aqua:11:16: Store.put(key, "archived")"#),
        "{text}"
    );
    // The calling convention's calls come from the function itself.
    assert!(text.contains("at tests/data/run/deep.aqua:18:1: func report"), "{text}");
}

#[test]
fn trace_shows_the_aqua_line_that_sent_the_particle_on_each_hop() {
    let out = run("gather.aqua", "gather(a, b, c)", SENSORS, "gather.toml", &["--trace"]);
    let text = stderr(&out);
    // The `on p` of the loop takes the particle to the relay, the call to each sensor's peer,
    // and back through the relay to the client. The join's gate (a canon on the client) also
    // sends each sensor's particle to the client directly, which cannot reach it: the client
    // exchanges particles with its relay alone, as a js-client does.
    let relay = text.find("[    1 ms] client -> relay").expect("the hop to the relay");
    let from_relay = &text[relay..];
    assert!(from_relay.contains("to bob by tests/data/run/gather.aqua:13:19: Sensor.read()"));
    assert!(text.contains("to relay by tests/data/run/gather.aqua:12:5: on p:"), "{text}");
    let back = text.find("] bob -> relay\n    sends to client").expect("the way back");
    assert!(text[back..].contains("to client by tests/data/run/gather.aqua:12:5: on p:"), "{text}");
    assert!(text.contains("] relay -> client"), "{text}");
    let from_bob = text.find("] relay -> bob").expect("bob's hop");
    assert!(
        text[from_bob..].lines().any(|line| line.trim()
            == "the particle was sent to client directly, which it cannot reach: the client \
                exchanges particles with its relay alone"),
        "{text}"
    );
}

#[test]
fn graph_shows_the_aqua_line_of_each_call_and_ends_with_the_same_report() {
    let graph = temp_file("gather.html", "");
    let path = graph.to_str().expect("utf-8 path");
    let out = run("gather.aqua", "gather(a, b, c)", SENSORS, "gather.toml", &["--graph", path]);
    assert_eq!(out.status.code(), Some(1));
    let html = std::fs::read_to_string(&graph).expect("the graph was written");
    assert!(html.contains("sensor.read() → &quot;21.5&quot; · line 13"), "{html}");
    assert!(html.contains("tests/data/run/gather.aqua:13:19: Sensor.read()"));
    // Each arrow names the Aqua line that sent the particle, its code in the tooltip.
    assert!(
        html.contains("<title>sent by tests/data/run/gather.aqua:12:5: on p:</title>"),
        "{html}"
    );
    assert!(html.contains("ms · line 12</text>"), "{html}");
    // The caption has the first line; the page ends with the whole report, as on the terminal.
    assert!(html.contains("<dd>error[X005]: no result: the client is still waiting</dd>"));
    let report = html.split("<pre class=\"report\">").nth(1).expect("the report at the end");
    assert!(report.contains("┌─ tests/data/run/gather.aqua:14:8"), "{report}");
    assert!(report.contains("peer carol was down: 1 particle dropped"), "{report}");
}

#[test]
fn an_interpreter_error_on_another_peer_points_at_where_that_peer_was() {
    // A step budget that the client's steps fit in and the sensors' steps do not.
    let out =
        run("gather.aqua", "gather(a, b, c)", SENSORS, "gather.toml", &["--step-budget", "60"]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    let alice = text
        .find("error[X003]: interpreter error 20022 on peer alice: the step executed more than 60")
        .expect("alice's failed step is reported");
    assert!(text[alice..].contains("┌─ tests/data/run/gather.aqua:13:19"), "{text}");
    assert!(text[alice..].contains("after this call on alice"), "{text}");
    assert!(
        text.contains("help: a step on peer alice executed more than 60 instructions"),
        "{text}"
    );
}

#[test]
fn an_error_passed_on_by_fail_is_shown_where_it_was_first_raised() {
    // AquaVM wraps a rethrown error in the text of a 10006 error; the report unwraps it.
    let out = run("rethrown.aqua", r#"check(h, "k")"#, r#"{"h": "@bob"}"#, "deep.toml", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(!text.contains("is used without corresponding xor"), "{text}");
    insta::assert_snapshot!(text);
}

#[test]
fn an_error_that_names_no_peer_is_reported_without_one() {
    let out = run("fifth.aqua", r#"fifth(["a"])"#, "{}", "deep.toml", &[]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("error[X001]: the function failed: "), "{text}");
    assert!(text.contains("the error was raised here\n") && !text.contains("?"), "{text}");
}
