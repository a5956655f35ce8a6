//! Step-level tests of instructions: the states they write, the codes they end with, and the
//! reference behaviours the scenario tests cannot see (traces, limits, call ids).

use std::collections::BTreeMap;

use air_vm::data::decode;
use air_vm::trace::{CallState, CanonState, State};
use air_vm::{CallResult, KeyPair, Limits, RunParameters, StepOutcome, step};

fn params(peer: &str) -> RunParameters {
    let key = KeyPair::from_name(peer);
    RunParameters {
        init_peer_id: KeyPair::from_name("foo").peer_id(),
        current_peer_id: key.peer_id(),
        particle_id: "unit".into(),
        timestamp: 1_700_000_000_000,
        ttl: 1000,
        key,
        limits: Limits::default(),
    }
}

fn id(peer: &str) -> String {
    KeyPair::from_name(peer).peer_id()
}

fn ok(result: &str) -> CallResult {
    CallResult { ret_code: 0, result: result.into() }
}

/// Runs `air` on foo, answering every call with `answer(service, function)`, until done.
fn run_local(air: &str, answer: impl Fn(&str, &str) -> CallResult) -> (StepOutcome, Vec<String>) {
    let params = params("foo");
    let mut data = Vec::new();
    let mut results = BTreeMap::new();
    let mut calls = Vec::new();
    loop {
        let outcome = step(air, &data, &[], &params, results);
        if outcome.call_requests.is_empty() || outcome.ret_code != 0 {
            return (outcome, calls);
        }
        data = outcome.data.clone();
        results = BTreeMap::new();
        for request in &outcome.call_requests {
            calls.push(format!(
                "{}.{}({})",
                request.service_id,
                request.function_name,
                serde_json::Value::Array(request.argument_values())
            ));
            results.insert(request.call_id, answer(&request.service_id, &request.function_name));
        }
    }
}

fn trace(outcome: &StepOutcome) -> Vec<State> {
    decode(&outcome.data).expect("valid data").trace
}

#[test]
fn local_call_is_requested_then_consumed() {
    let air = r#"(call %init_peer_id% ("svc" "f") [1 "a"] x)"#;
    let first = step(air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(first.call_requests.len(), 1);
    assert_eq!(
        first.call_requests[0].argument_values(),
        vec![serde_json::json!(1), serde_json::json!("a")]
    );
    assert!(matches!(trace(&first)[0], State::Call(CallState::Sent { call_id: Some(1), .. })));
    let second = step(air, &first.data, &[], &params("foo"), BTreeMap::from([(1, ok("42"))]));
    assert_eq!(second.ret_code, 0);
    assert!(matches!(trace(&second)[0], State::Call(CallState::Executed { .. })));
}

#[test]
fn remote_call_goes_to_next_peers_and_is_not_resent() {
    let air = format!(r#"(call "{}" ("svc" "f") [] x)"#, id("bar"));
    let first = step(&air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(first.next_peers, vec![id("bar")]);
    let again = step(&air, &first.data, &[], &params("foo"), BTreeMap::new());
    assert!(again.next_peers.is_empty(), "pending remote requests are not re-sent");
}

#[test]
fn par_with_one_branch_waiting_runs_the_other() {
    let air = format!(
        r#"(par (call "{}" ("svc" "f") [] x) (call %init_peer_id% ("svc" "g") [] y))"#,
        id("bar")
    );
    let outcome = step(&air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(outcome.next_peers, vec![id("bar")]);
    assert_eq!(outcome.call_requests.len(), 1);
    let State::Par(par) = &trace(&outcome)[0] else { panic!("a par state") };
    assert_eq!((par.left.len(), par.right.len()), (1, 1));
}

#[test]
fn xor_catches_a_failed_call() {
    let air = r#"(xor (call %init_peer_id% ("svc" "bad") []) (call %init_peer_id% ("log" "put") [:error:.$.error_code %last_error%.$.message]))"#;
    let (outcome, calls) = run_local(air, |service, _| match service {
        "svc" => CallResult { ret_code: 3, result: "\"no\"".into() },
        _ => ok("null"),
    });
    assert_eq!(outcome.ret_code, 0);
    assert_eq!(
        calls[1],
        r#"log.put([10000,"Local service error, ret_code is 3, error message is '\"no\"'"])"#
    );
    assert!(matches!(trace(&outcome)[0], State::Call(CallState::Failed(_))));
}

#[test]
fn uncaught_catchable_error_keeps_the_new_data() {
    let air = r#"(seq (call %init_peer_id% ("svc" "bad") []) (null))"#;
    let (outcome, _) = run_local(air, |_, _| CallResult { ret_code: 1, result: "\"x\"".into() });
    assert_eq!(outcome.ret_code, 10000);
    assert_eq!(trace(&outcome).len(), 1, "the failed state is kept");
}

#[test]
fn unprocessed_call_result_is_30000() {
    let air = r#"(null)"#;
    let outcome = step(air, &[], &[], &params("foo"), BTreeMap::from([(7, ok("1"))]));
    assert_eq!(outcome.ret_code, 30000);
}

#[test]
fn setting_a_global_scalar_twice_is_20007() {
    let air = r#"(seq (ap 1 x) (ap 2 x))"#;
    let outcome = step(air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(outcome.ret_code, 20007);
    assert!(outcome.data.is_empty(), "fatal errors keep the previous data");
}

#[test]
fn self_feeding_stream_fold_hits_the_stream_limit() {
    let air = r#"(seq (ap 1 $s) (fold $s i (seq (ap i $s) (next i))))"#;
    let outcome = step(air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(outcome.ret_code, 20013);
}

#[test]
fn call_ids_continue_from_previous_data() {
    let air = r#"(seq (call %init_peer_id% ("a" "f") [] x) (call %init_peer_id% ("b" "g") [] y))"#;
    let first = step(air, &[], &[], &params("foo"), BTreeMap::new());
    let second = step(air, &first.data, &[], &params("foo"), BTreeMap::from([(1, ok("1"))]));
    assert_eq!(second.call_requests[0].call_id, 2);
}

#[test]
fn canon_snapshot_is_fixed_by_the_first_run() {
    let air = format!(
        r#"(par (call "{bar}" ("svc" "f") [] $s) (seq (canon %init_peer_id% $s #cc) (call %init_peer_id% ("log" "put") [#cc.length])))"#,
        bar = id("bar")
    );
    let first = step(&air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(first.call_requests[0].argument_values(), vec![serde_json::json!(0)]);
    // bar answers and sends its data back; the snapshot taken before stays empty.
    let at_bar = step(&air, &[], &first.data, &params("bar"), BTreeMap::new());
    let answered =
        step(&air, &at_bar.data, &[], &params("bar"), BTreeMap::from([(1, ok("\"v\""))]));
    let back = step(&air, &first.data, &answered.data, &params("foo"), BTreeMap::new());
    assert_eq!(back.ret_code, 0, "{}", back.error_message);
    let State::Par(par) = &trace(&back)[0] else { panic!("a par state") };
    let State::Canon(CanonState::Executed(canon)) = &par.right[0] else { panic!("a canon") };
    assert!(canon.elements.is_empty());
}

#[test]
fn stream_fold_picks_up_values_arriving_later() {
    let air = format!(
        r#"(seq (par (call "{bar}" ("svc" "f") [] $s) (ap "local" $s)) (fold $s i (seq (call %init_peer_id% ("log" "put") [i]) (next i)) (never)))"#,
        bar = id("bar")
    );
    let first = step(&air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(first.call_requests.len(), 1, "the local value is iterated at once");
    let logged = step(&air, &first.data, &[], &params("foo"), BTreeMap::from([(1, ok("null"))]));
    let at_bar = step(&air, &[], &first.data, &params("bar"), BTreeMap::new());
    let answered =
        step(&air, &at_bar.data, &[], &params("bar"), BTreeMap::from([(1, ok("\"remote\""))]));
    let back = step(&air, &logged.data, &answered.data, &params("foo"), BTreeMap::new());
    assert_eq!(back.call_requests.len(), 1, "only the late value is iterated");
    assert_eq!(back.call_requests[0].argument_values(), vec![serde_json::json!("remote")]);
}

#[test]
fn timestamp_and_ttl_are_run_parameters() {
    let air = r#"(call %init_peer_id% ("log" "put") [%timestamp% %ttl% %init_peer_id%])"#;
    let outcome = step(air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(
        outcome.call_requests[0].argument_values(),
        vec![
            serde_json::json!(1_700_000_000_000u64),
            serde_json::json!(1000),
            serde_json::json!(id("foo"))
        ]
    );
    assert_eq!(outcome.call_requests[0].tetraplets[2][0].peer_pk, id("foo").into());
}

#[test]
fn invalid_script_is_code_1() {
    let outcome = step("(seq (null)", &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(outcome.ret_code, 1);
}

/// `next` recurses, so a fold over n elements is n levels deep: a chain of 20,000 hops is a
/// fold that deep, and the stack grows on the heap instead of overflowing.
#[test]
fn fold_over_twenty_thousand_elements_recurses_without_overflow() {
    let items: Vec<String> = (0..20_000).map(|i| i.to_string()).collect();
    let air = r#"(seq (call %init_peer_id% ("get" "items") [] items) (seq (fold items i (seq (null) (next i))) (call %init_peer_id% ("res" "done") [items.length])))"#;
    let list = format!("[{}]", items.join(","));
    let (outcome, calls) =
        run_local(air, |service, _| ok(if service == "get" { &list } else { "0" }));
    assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
    assert_eq!(calls.last().map(String::as_str), Some("res.done([20000])"));
}

#[test]
fn a_step_over_its_instruction_budget_fails_and_keeps_the_previous_data() {
    // A balanced tree of 1,000 `null`s under `seq`s: 1,999 instructions in one step.
    fn tree(leaves: usize) -> String {
        if leaves == 1 {
            return "(null)".into();
        }
        format!("(seq {} {})", tree(leaves / 2), tree(leaves - leaves / 2))
    }
    let air = tree(1000);
    let mut limited = params("foo");
    limited.limits.max_instructions = 500;
    let outcome = step(&air, &[], &[], &limited, BTreeMap::new());
    assert_eq!(outcome.ret_code, 20022, "{}", outcome.error_message);
    assert_eq!(outcome.error_message, "the step executed more than 500 instructions");
    assert!(outcome.data.is_empty(), "the previous (empty) data is kept");
    assert_eq!(outcome.instructions, 501);
    let unlimited = step(&air, &[], &[], &params("foo"), BTreeMap::new());
    assert_eq!(unlimited.ret_code, 0, "{}", unlimited.error_message);
    assert_eq!(unlimited.instructions, 1999);
}

/// A fold over an array binds each element with its provenance: the producer of the array and
/// the element's `.$.[i]` lens, whether the element is read whole (an argument) or only as a
/// call's peer (read without making the element's value).
#[test]
fn fold_elements_keep_the_arrays_provenance() {
    let air = r#"
        (seq
         (call %init_peer_id% ("src" "list") [] xs)
         (fold xs x
          (seq
           (seq
            (call %init_peer_id% ("svc" "use") [x])
            (call x ("op" "noop") [])
           )
           (next x)
          )
         )
        )"#;
    let foo = id("foo");
    let params = params("foo");
    let first = step(air, &[], &[], &params, BTreeMap::new());
    let list = format!(r#"["{foo}","{foo}"]"#);
    let mut data = first.data;
    let mut results = BTreeMap::from([(first.call_requests[0].call_id, ok(&list))]);
    let mut seen = Vec::new();
    for _ in 0..6 {
        let outcome = step(air, &data, &[], &params, results);
        assert_eq!(outcome.ret_code, 0, "{}", outcome.error_message);
        results = BTreeMap::new();
        for request in &outcome.call_requests {
            let tetraplet = request.tetraplets.first().cloned().unwrap_or_default();
            let args = serde_json::Value::Array(request.argument_values());
            let lenses: Vec<String> =
                tetraplet.iter().map(|t| format!("{}{}", t.function_name, t.lens)).collect();
            seen.push(format!(
                "{}.{} {args} {lenses:?}",
                request.service_id, request.function_name
            ));
            let provenance_is_the_list = tetraplet.iter().all(|t| *t.peer_pk == *foo);
            assert!(provenance_is_the_list, "{tetraplet:?}");
            results.insert(request.call_id, ok("null"));
        }
        data = outcome.data;
        if results.is_empty() {
            break;
        }
    }
    let element = serde_json::Value::from(foo.clone());
    assert_eq!(
        seen,
        [
            format!(r#"svc.use [{element}] ["list.$.[0]"]"#),
            "op.noop [] []".to_owned(),
            format!(r#"svc.use [{element}] ["list.$.[1]"]"#),
            "op.noop [] []".to_owned(),
        ]
    );
}
