//! Random programs agree with the reference: the programs of seeds 0-49, each compiled by
//! Fluence's compiler and by ours, each script run on Fluence's AquaVM and on ours (see
//! `aqua_agree::compare` for what must be equal). Fluence's side runs in one Node.js process
//! (`tests/node/agree.mjs`); without Node.js or its packages the test skips with a message,
//! unless `AQUA_REQUIRE_NODE=1` (set by `.ci/run`) makes that a failure.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod support {
    pub mod node;
}

use aqua_agree::{Features, Outcome, Reference, check, compare, generate, ours};
use serde_json::{Value, json};

/// The fixed seeds CI checks.
const SEEDS: std::ops::Range<u64> = 0..50;

/// Seeds whose program disagrees for a known reason not fixed yet: each must still disagree (so
/// a fix shows up here and its entry goes), every other seed must agree.
const KNOWN: &[(u64, &str)] = &[];

/// The Node driver, or `None` (with a message) where Node.js or its packages are missing and
/// `AQUA_REQUIRE_NODE=1` does not make that a failure.
fn node_reference(what: &str) -> Option<support::node::NodeReference> {
    if let Some(reason) = support::node::unavailable() {
        let required = std::env::var("AQUA_REQUIRE_NODE").is_ok_and(|v| v == "1");
        assert!(!required, "{what} cannot run: {reason}, and AQUA_REQUIRE_NODE=1");
        eprintln!("skipped: {what} needs Node.js: {reason}");
        return None;
    }
    Some(support::node::NodeReference::start().expect("the Node driver starts"))
}

#[test]
fn random_programs_agree_with_the_reference() {
    let Some(mut reference) = node_reference("the agreement suite") else { return };
    let mut problems = Vec::new();
    let mut calls = 0;
    for seed in SEEDS {
        let program = generate(seed, Features::default());
        let known = KNOWN.iter().find(|(known, _)| *known == seed);
        let outcome = check(&program, &mut reference);
        if let Some((_, why)) = known {
            if !matches!(outcome, Ok(Outcome::Disagree(_))) {
                problems.push(format!("seed {seed} no longer disagrees ({why}): {outcome:?}"));
            }
            continue;
        }
        match outcome {
            Ok(Outcome::Agree { calls: n }) => calls += n,
            Ok(Outcome::BothRejected { ours, theirs }) => problems.push(format!(
                "seed {seed}: both compilers reject the program (a generator bug)\n  ours: \
                 {ours:?}\n  reference: {theirs:?}\n{}",
                program.source()
            )),
            Ok(Outcome::Disagree(differences)) => problems.push(format!(
                "seed {seed} (shrink it with `cargo run -p aqua-agree --example agree -- \
                 --programs 1 --seed {seed}`):\n{}\n{}",
                differences.join("\n"),
                program.source()
            )),
            Err(failure) => problems.push(format!("seed {seed}: {failure}")),
        }
    }
    assert!(
        problems.is_empty(),
        "{} of {} programs:\n{}",
        problems.len(),
        SEEDS.end,
        problems.join("\n\n")
    );
    // The programs do something: a check that compared no calls would prove nothing.
    assert!(calls > 10 * SEEDS.end as usize, "only {calls} calls in {} programs", SEEDS.end);
}

/// A scenario over the agreement network's peers where every call is a mocked `op.noop`.
fn noop_scenario(air: &str, client_relay: Option<&str>) -> Value {
    let mut scenario = json!({
        "air": air,
        "init_peer": "client",
        "peers": aqua_agree::case::PEERS,
        "services": { "*/op/noop": null },
    });
    if let Some(relay) = client_relay {
        scenario["client_relay"] = json!(relay);
    }
    scenario
}

/// The peers that made a call in a run's summary, in order.
fn callers(summary: &Value) -> Vec<&str> {
    let calls = summary["calls"].as_array().expect("a summary lists its calls");
    calls.iter().map(|call| call["peer"].as_str().expect("a call names its peer")).collect()
}

/// The Node driver's network and ours cut a client behind its relay off from every other peer
/// alike: AIR that goes between the client and another peer directly, either way, loses the
/// particle there, AIR
/// that goes through the relay does not, and without `client_relay` both arrive.
#[test]
fn a_client_behind_its_relay_reaches_other_peers_only_through_it_on_both_networks() {
    let Some(mut reference) = node_reference("the relay-only network test") else { return };
    let noop = |peer: &str| format!(r#"(call {peer} ("op" "noop") [])"#);
    let (client, relay, p1) = (noop("%init_peer_id%"), noop(r#""@relay@""#), noop(r#""@p1@""#));
    let straight = format!("(seq {client} (seq {p1} {client}))");
    let back_straight = format!("(seq {relay} (seq {p1} {client}))");
    let through_relay = format!("(seq {client} (seq {relay} (seq {p1} (seq {relay} {client}))))");
    let cases: [(&str, Option<&str>, &[&str]); 6] = [
        (&straight, None, &["client", "p1", "client"]),
        (&straight, Some("relay"), &["client"]),
        (&back_straight, None, &["relay", "p1", "client"]),
        (&back_straight, Some("relay"), &["relay", "p1"]),
        (&through_relay, Some("relay"), &["client", "relay", "p1", "relay", "client"]),
        (&through_relay, None, &["client", "relay", "p1", "relay", "client"]),
    ];
    for (air, client_relay, expected) in cases {
        let scenario = noop_scenario(air, client_relay);
        let on_aquavm = reference.run(&scenario).expect("the Node driver runs it");
        let on_ours = ours::run(&scenario).expect("our network runs it");
        assert_eq!(callers(&on_aquavm), expected, "AquaVM, client_relay {client_relay:?}: {air}");
        let differences = compare::same_air("our VM", &on_aquavm, &on_ours);
        assert!(differences.is_empty(), "client_relay {client_relay:?}: {differences:?}");
    }
}
