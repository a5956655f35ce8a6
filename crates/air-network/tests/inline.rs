//! Inline answers (`RunOptions::answer_inline`) change how many invocations a peer needs, never
//! what it does: every scenario of `tests/conformance/` (the reference suite, the hand-written
//! `extra/` scenarios and the bundled examples with the reference AIR) and the cases below, built
//! around what an inline answer must not reorder (par branches, stream generations, stream folds,
//! errors, fold `last`), give the same hops (calls, results, errors, next peers, data sizes) and
//! byte-identical final data both ways.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use air_network::Vm;
use air_network::scenario::Scenario;

use crate::support::all_suites;

/// Steps with and without inline answers, after checking that both runs are the same.
fn compare(name: &str, scenario: &Scenario) -> (usize, usize) {
    let run = |inline: bool| {
        let mut network = scenario.network();
        let script = scenario.script(&network);
        let mut options = scenario.run_options();
        options.answer_inline = inline;
        network.run_with(
            &script,
            &scenario.init_peer,
            None,
            &options,
            &mut Vm::default(),
            &mut |_| {},
        )
    };
    let (inline, round_trip) = (run(true), run(false));
    assert_eq!(inline.hops, round_trip.hops, "{name}: the hops differ");
    assert_eq!(inline.final_data, round_trip.final_data, "{name}: the final data differ");
    assert_eq!(inline.stop, round_trip.stop, "{name}: the runs end differently");
    assert!(inline.steps <= round_trip.steps, "{name}: inline answers took more steps");
    (inline.steps, round_trip.steps)
}

#[test]
fn every_conformance_scenario_runs_the_same_with_inline_answers() {
    let all = all_suites();
    assert!(all.len() > 200, "the suites are there ({} scenarios)", all.len());
    let (mut inline, mut round_trip) = (0, 0);
    for (name, scenario) in &all {
        let (a, b) = compare(name, scenario);
        inline += a;
        round_trip += b;
    }
    eprintln!("{} scenarios: {inline} steps with inline answers, {round_trip} without", all.len());
    // The suites do answer calls inline: the comparison is not between two identical paths.
    assert!(inline * 10 < round_trip * 9, "{inline} steps inline, {round_trip} with round trips");
}

const SERVICES: &str = r#"{
  "*/log/*": "$args",
  "*/fail/*": {"$error": 7, "message": "boom"},
  "*/svc/arr": [1, 2, 3],
  "*/svc/echo": "$arg0",
  "*/svc/num": 42,
  "*/svc/peers": ["$peer:p1", "$peer:p2", "$peer:p3"]
}"#;

fn case(air: &str) -> Scenario {
    let text = format!(
        r#"{{"init_peer": "client", "peers": ["client", "p1", "p2", "p3"],
            "particle_id": "inline", "timestamp": 1700000000000, "ttl": 60000,
            "services": {SERVICES}, "air": {}}}"#,
        serde_json::Value::String(air.to_owned())
    );
    Scenario::from_json(&text).expect("a valid scenario")
}

/// Each case ends by logging what it computed, so a difference shows in the calls as well.
const CASES: &[&str] = &[
    // A loop of local calls: each result is answered inline.
    r#"(seq (call %init_peer_id% ("svc" "arr") [] xs)
        (fold xs x (seq (call %init_peer_id% ("log" "put") [x]) (next x))))"#,
    // Stream values before and after local calls: later generations.
    r#"(seq (seq (call %init_peer_id% ("svc" "num") [] $s)
                 (seq (call %init_peer_id% ("svc" "echo") ["a"] a) (ap a $s)))
            (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c])))"#,
    // Local calls in both branches of a par: the round trip answers them together.
    r#"(seq (par (seq (call %init_peer_id% ("svc" "echo") [1] $s)
                      (call %init_peer_id% ("svc" "echo") [2] $s))
                 (seq (call %init_peer_id% ("svc" "echo") [3] $s) (ap 4 $s)))
            (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c])))"#,
    // A complete left branch: what follows the par runs before the right branch's result.
    r#"(seq (par (null) (seq (call %init_peer_id% ("svc" "echo") [1] a) (ap a $s)))
            (seq (ap 5 $s)
                 (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // An incomplete left branch: the right one's call is answered inline.
    r#"(seq (par (never) (seq (call %init_peer_id% ("svc" "echo") [1] a) (ap a $s)))
            (seq (ap 5 $s)
                 (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // A failure caught, and a result made from the error.
    r#"(xor (seq (call %init_peer_id% ("fail" "x") [])
                 (call %init_peer_id% ("log" "put") ["not reached"]))
            (seq (call %init_peer_id% ("svc" "echo") [%last_error%.$.message] m)
                 (call %init_peer_id% ("log" "put") [m])))"#,
    // A failure not caught, after inline answers.
    r#"(seq (call %init_peer_id% ("svc" "num") [] n) (call %init_peer_id% ("fail" "x") [n]))"#,
    // A stream fold making local calls: it goes on with its other values.
    r#"(seq (seq (seq (ap 1 $s) (ap 2 $s))
                 (fold $s v (seq (call %init_peer_id% ("svc" "echo") [v] $r) (next v))))
            (seq (canon %init_peer_id% $r #c) (call %init_peer_id% ("log" "put") [#c])))"#,
    // A scalar fold whose last instruction reads what the iterations wrote.
    r#"(seq (call %init_peer_id% ("svc" "arr") [] xs)
        (fold xs x (seq (call %init_peer_id% ("svc" "echo") [x] $r) (next x))
            (seq (canon %init_peer_id% $r #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // Calls after next run while the fold unwinds.
    r#"(seq (call %init_peer_id% ("svc" "arr") [] xs)
        (seq (fold xs x (seq (next x) (call %init_peer_id% ("svc" "echo") [x] $r)))
             (seq (canon %init_peer_id% $r #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // Local calls around a visit to another peer.
    r#"(seq (seq (call %init_peer_id% ("svc" "echo") ["x"] a) (call "@p1@" ("svc" "echo") [a] b))
            (seq (seq (call %init_peer_id% ("svc" "echo") [b] $s) (ap b $s))
                 (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // A fan-out whose results come back one by one, with a local call for each.
    r#"(seq (call %init_peer_id% ("svc" "peers") [] ps)
        (seq (fold ps p (par (seq (call p ("svc" "echo") [p] $r)
                                  (seq (call %init_peer_id% ("log" "put") [p]) (ap p $q)))
                             (next p)))
             (seq (canon %init_peer_id% $r #c) (call %init_peer_id% ("log" "put") [#c]))))"#,
    // Streams in a new scope.
    r#"(new $s (seq (call %init_peer_id% ("svc" "echo") [1] $s)
                (seq (call %init_peer_id% ("svc" "echo") [2] $s)
                     (seq (canon %init_peer_id% $s #c) (call %init_peer_id% ("log" "put") [#c])))))"#,
];

#[test]
fn cases_around_what_inline_answers_must_not_reorder_run_the_same() {
    let mut saved = 0;
    for air in CASES {
        let (inline, round_trip) = compare(air, &case(air));
        saved += round_trip - inline;
    }
    assert!(saved > 0, "no case answered a call inline");
}
