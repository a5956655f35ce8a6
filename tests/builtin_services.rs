//! The built-in services through the whole toolchain: Aqua that imports
//! `@fluencelabs/aqua-lib/builtin.aqua`, compiled by our compiler and run on the simulated
//! network, whose peers answer the built-ins natively. The race of `Peer.timeout` against a
//! slow service runs on the virtual clock.

use std::collections::BTreeMap;
use std::path::Path;

use air_network::{Client, MockBehaviour, MockService, Network, RunOptions, RunReport, Slow};
use serde_json::{Value, json};

/// Type-checks `source` (with the embedded standard library) and compiles one call.
fn compile(source: &str, call: &str) -> air_syntax::Program {
    let path = Path::new("/virtual/main.aqua");
    let mut loader = aqua_typecheck::MemoryLoader::new();
    let options = aqua_typecheck::Options::default();
    let checked = aqua_typecheck::check(path, Some(source.to_string()), &mut loader, &options);
    assert!(checked.is_ok(), "{:?}", checked.diagnostics());
    let compiled =
        air_codegen::compile_call(&checked.program, call, &air_codegen::Options::default())
            .expect("the call compiles");
    compiled.air
}

/// Runs a compiled call from `client` with these arguments (peer names stand for their ids).
fn run(network: &mut Network, program: &air_syntax::Program, data: Value) -> RunReport {
    let script = air_network::Script::from(program.clone());
    let relay = network.id_of("relay").expect("a relay").to_string();
    let mut arguments = BTreeMap::new();
    for (name, value) in data.as_object().expect("an object") {
        let value = match value.as_str().and_then(|peer| network.id_of(peer)) {
            Some(id) => json!(id),
            None => value.clone(),
        };
        arguments.insert(name.clone(), value);
    }
    network.run(&script, "client", Client::new(arguments, &relay), &RunOptions::default())
}

const RACE: &str = r#"
aqua Race

import "@fluencelabs/aqua-lib/builtin.aqua"

export race

service Work("work"):
  run() -> string

func race(worker: string) -> string:
  status: *string
  on worker:
    status <- Work.run()
  par status <- Peer.timeout(1000, "timed out")
  join status[0]
  <- status[0]
"#;

/// The standard race pattern against a `work` service answering after `delay_ms`.
fn race(delay_ms: u64) -> (Value, RunReport) {
    let program = compile(RACE, "race(worker)");
    let mut network = Network::with_peers(["client", "relay", "worker"]);
    let work = MockService {
        functions: BTreeMap::from([("run".to_string(), MockBehaviour::Return(json!("done")))]),
        ..MockService::default()
    };
    let slow = Slow { delay_ms, service: Box::new(work) };
    network.peer_mut("worker").expect("worker").services.insert("work", Box::new(slow));
    let report = run(&mut network, &program, json!({"worker": "worker"}));
    let response = report.client.response().expect("a response").to_vec();
    (json!(response), report)
}

#[test]
fn the_timer_wins_against_a_slow_service() {
    let (response, report) = race(5000);
    assert_eq!(response, json!(["timed out"]));
    let timer = report.hops.iter().find(|hop| {
        hop.calls.iter().any(|call| call.service == "peer" && call.function == "timeout")
    });
    assert_eq!(timer.map(|hop| hop.at), Some(1000), "the timer fires at 1000 ms");
}

#[test]
fn a_fast_service_wins_against_the_timer() {
    let (response, _) = race(10);
    assert_eq!(response, json!(["done"]));
}

#[test]
fn a_script_uses_the_built_ins_of_the_peers_it_visits() {
    let source = r#"
aqua Tour

import "@fluencelabs/aqua-lib/builtin.aqua"
import "@fluencelabs/aqua-lib/math.aqua"

export tour

func tour(peer: string, key: string) -> []string, string, i64, bool, string:
  on peer:
    neighbours <- Kademlia.neighborhood(key, nil, nil)
    signed <- Sig.sign([1, 2, 3])
    ok <- Sig.verify(signed.signature!, [1, 2, 3])
    id <- Sig.get_peer_id()
    sum <- Math.add(40, 2)
  hash <- Op.sha256_string("hello, world!")
  <- neighbours, id, sum, ok, hash
"#;
    let program = compile(source, "tour(peer, key)");
    let mut network = Network::with_peers(["client", "relay", "alice", "bob"]);
    let key = bs58_text("some key");
    let report = run(&mut network, &program, json!({"peer": "alice", "key": key}));
    let response = report.client.response().expect("a response").to_vec();
    let neighbours: Vec<String> = serde_json::from_value(response[0].clone()).expect("ids");
    let alice = network.id_of("alice").expect("alice").to_string();
    assert_eq!(neighbours.len(), 3, "every other peer: {neighbours:?}");
    assert!(!neighbours.contains(&alice), "never the peer itself");
    assert_eq!(response[1], json!(alice));
    assert_eq!(response[2], json!(42));
    assert_eq!(response[3], json!(true));
    assert_eq!(response[4], json!("QmVQ8pg6L1tpoWYeq6dpoWqnzZoSLCh7E96fCFXKvfKD3u"));
}

#[test]
fn a_failing_built_in_reaches_the_client_as_nox_words_it() {
    let source = r#"
aqua Fail

import "@fluencelabs/aqua-lib/math.aqua"

export fail

func fail(peer: string) -> string:
  message: *string
  on peer:
    try:
      n <- Math.div(7, 0)
      message <<- "no error"
    catch e:
      message <<- e.message
  <- message!
"#;
    let program = compile(source, "fail(peer)");
    let mut network = Network::with_peers(["client", "relay", "alice"]);
    let report = run(&mut network, &program, json!({"peer": "alice"}));
    let response = report.client.response().expect("a response").to_vec();
    assert_eq!(
        response,
        [json!("Local service error, ret_code is 1, error message is '\"i64 div overflow\"'")]
    );
}

/// Base58 (Bitcoin alphabet) of a text, as `Op.string_to_b58` gives it.
fn bs58_text(text: &str) -> String {
    const ALPHABET: &[u8] = b"123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
    let mut digits: Vec<u8> = Vec::new();
    for byte in text.bytes() {
        let mut carry = u32::from(byte);
        for digit in &mut digits {
            carry += u32::from(*digit) << 8;
            *digit = (carry % 58) as u8;
            carry /= 58;
        }
        while carry > 0 {
            digits.push((carry % 58) as u8);
            carry /= 58;
        }
    }
    let zeros = text.bytes().take_while(|byte| *byte == 0).count();
    let mut out = "1".repeat(zeros);
    out.extend(digits.iter().rev().map(|digit| char::from(ALPHABET[usize::from(*digit)])));
    out
}
