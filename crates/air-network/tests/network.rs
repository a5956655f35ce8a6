//! The simulated network: a chain across three peers, faults (a peer down, lost and duplicated
//! particles, TTL expiry, tampering), network files, and a Wasm service among mocks.

use std::collections::BTreeMap;

use air_network::{
    Client, ClientEvent, Faults, MockBehaviour, MockService, Network, NetworkFile, RunOptions,
    Script, ServiceSource, Stop,
};
use serde_json::json;

/// fetch on alice → transform on bob → store on carol, then the receipt back to the client
/// through the relay; errors go to the client's error handler.
fn chain_script(network: &Network) -> Script {
    let id = |name: &str| network.id_of(name).expect("peer exists").to_string();
    let script = format!(
        r#"(xor
 (seq
  (seq
   (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
   (call %init_peer_id% ("getDataSrv" "key") [] key)
  )
  (seq
   (seq
    (seq
     (call "{alice}" ("fetch" "get") [key] raw)
     (call "{bob}" ("transform" "run") [raw] shaped)
    )
    (call "{carol}" ("store" "put") [shaped] receipt)
   )
   (seq
    (call -relay- ("op" "noop") [])
    (call %init_peer_id% ("callbackSrv" "response") [receipt])
   )
  )
 )
 (seq
  (call -relay- ("op" "noop") [])
  (call %init_peer_id% ("errorHandlingSrv" "error") [:error: 0])
 )
)"#,
        alice = id("alice"),
        bob = id("bob"),
        carol = id("carol"),
    );
    Script::from(air_syntax::parse(&script).expect("the chain script parses"))
}

fn peer<'n>(network: &'n mut Network, name: &str) -> &'n mut air_network::Peer {
    network.peer_mut(name).expect("the peer exists")
}

fn mock(function: &str, behaviour: MockBehaviour) -> Box<MockService> {
    Box::new(MockService {
        functions: BTreeMap::from([(function.to_string(), behaviour)]),
        ..MockService::default()
    })
}

fn chain_network() -> Network {
    let mut network = Network::with_peers(["client", "relay", "alice", "bob", "carol"]);
    peer(&mut network, "alice")
        .services
        .insert("fetch", mock("get", MockBehaviour::Return(json!("raw data"))));
    peer(&mut network, "bob").services.insert("transform", mock("run", MockBehaviour::Echo));
    peer(&mut network, "carol")
        .services
        .insert("store", mock("put", MockBehaviour::Return(json!("receipt-7"))));
    network
}

fn client(network: &Network) -> Client {
    Client::new(
        BTreeMap::from([("key".to_string(), json!("k1"))]),
        network.id_of("relay").unwrap_or_default(),
    )
}

#[test]
fn a_chain_passes_each_result_straight_to_the_next_peer() {
    let mut network = chain_network();
    let program = chain_script(&network);
    let report = network.run(&program, "client", client(&network), &RunOptions::default());
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.client.response(), Some(&[json!("receipt-7")][..]));
    let route: Vec<(Option<&str>, &str)> =
        report.hops.iter().map(|h| (h.from.as_deref(), h.to.as_str())).collect();
    assert_eq!(
        route,
        [
            (None, "client"),
            (Some("client"), "alice"),
            (Some("alice"), "bob"),
            (Some("bob"), "carol"),
            (Some("carol"), "relay"),
            (Some("relay"), "client")
        ]
    );
    let bob = &report.hops[2];
    assert_eq!(bob.calls.len(), 1);
    assert_eq!(bob.calls[0].args, [json!("raw data")], "bob got alice's result directly");
    assert!(report.hops.iter().all(|hop| hop.errors.is_empty()), "{:?}", report.hops);
}

#[test]
fn a_failing_service_reaches_the_error_handler() {
    let mut network = chain_network();
    peer(&mut network, "bob").services.insert(
        "transform",
        mock("run", MockBehaviour::Fail { message: "bad input".into(), code: 7 }),
    );
    let program = chain_script(&network);
    let report = network.run(&program, "client", client(&network), &RunOptions::default());
    assert_eq!(report.client.response(), None);
    let error = report.client.error().expect("the error reached the client");
    assert_eq!(error[0]["error_code"], json!(10000), "{error:?}");
    assert!(error[0]["message"].as_str().unwrap_or("").contains("bad input"), "{error:?}");
}

#[test]
fn a_peer_that_is_down_ends_the_run_without_a_hang() {
    let mut network = chain_network();
    peer(&mut network, "bob").down_at = Some(0);
    let program = chain_script(&network);
    let report = network.run(&program, "client", client(&network), &RunOptions::default());
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.client.response(), None);
    assert!(report.hops.iter().any(|hop| hop.to == "bob" && hop.dropped == Some("peer down")));
}

#[test]
fn duplicated_and_reordered_particles_give_the_same_result() {
    for seed in 0..20 {
        let mut network = chain_network();
        let program = chain_script(&network);
        let faults = Faults { latency_ms: (1, 50), duplication: 0.5, ..Faults::default() };
        let options = RunOptions { seed, faults, ..RunOptions::default() };
        let report = network.run(&program, "client", client(&network), &options);
        let responses: Vec<&ClientEvent> =
            report.client.events.iter().filter(|e| matches!(e, ClientEvent::Response(_))).collect();
        assert_eq!(responses, [&ClientEvent::Response(vec![json!("receipt-7")])], "seed {seed}");
        assert!(
            report.hops.iter().all(|hop| hop.errors.is_empty()),
            "seed {seed}: {:?}",
            report.hops
        );
    }
}

#[test]
fn lost_particles_and_ttl_expiry_end_the_run() {
    let mut network = chain_network();
    let program = chain_script(&network);
    let lossy =
        RunOptions { faults: Faults { loss: 1.0, ..Faults::default() }, ..RunOptions::default() };
    let report = network.run(&program, "client", client(&network), &lossy);
    assert_eq!(report.client.response(), None);
    assert_eq!(report.hops.last().and_then(|h| h.dropped), Some("lost"));

    let mut network = chain_network();
    let slow = RunOptions {
        faults: Faults { latency_ms: (30_000, 30_000), ..Faults::default() },
        ..RunOptions::default()
    };
    let report = network.run(&program, "client", client(&network), &slow);
    assert_eq!(report.stop, Stop::TtlExpired);
    assert_eq!(report.client.response(), None);
}

#[test]
fn tampering_is_detected_by_the_next_hop() {
    // With and without the signatures the peers share: the outcome must not depend on it.
    for share_verified_signatures in [true, false] {
        let mut network = chain_network();
        let program = chain_script(&network);
        let options = RunOptions {
            faults: Faults { tamper_by: Some("alice".into()), ..Faults::default() },
            share_verified_signatures,
            ..RunOptions::default()
        };
        let report = network.run(&program, "client", client(&network), &options);
        let bob = report.hops.iter().find(|hop| hop.to == "bob").expect("the particle reached bob");
        assert!(!bob.errors.is_empty(), "bob must reject the tampered data");
        assert!(bob.calls.is_empty(), "bob must not act on tampered data");
        assert_eq!(report.client.response(), None);
    }
}

#[test]
fn network_files_parse_and_errors_name_the_place() {
    let file = NetworkFile::from_toml(
        r#"
peers = ["relay", "alice"]

[[service]]
id = "greeting"
peers = ["alice"]
functions.greet = { result = { text = "hi", n = 2 } }
functions.echo = { echo = true }
functions.broken = { error = "out of order", code = 3, delay = 40 }

[[service]]
id = "calc"
wasm = "calc.wat"

[peer.alice]
down_at = 100
latency = [5, 9]

[[link]]
from = "relay"
to = "alice"
latency = [50, 60]
"#,
    )
    .expect("a valid file");
    assert_eq!(file.relay, "relay");
    let ServiceSource::Mock(functions) = &file.services[0].source else { panic!("a mock service") };
    assert_eq!(functions["greet"].behaviour, MockBehaviour::Return(json!({"text": "hi", "n": 2})));
    assert_eq!(functions["greet"].delay_ms, 0);
    assert_eq!(
        functions["broken"].behaviour,
        MockBehaviour::Fail { message: "out of order".into(), code: 3 }
    );
    assert_eq!(functions["broken"].delay_ms, 40);
    assert_eq!(file.peer_settings["alice"].down_at, Some(100));
    assert_eq!(file.peer_settings["alice"].latency, Some((5, 9)));
    assert_eq!(file.links[0].latency, (50, 60));
    assert_eq!(file.settings, air_network::RunSettings::default());
    assert_eq!(file.services[1].source, ServiceSource::Wasm("calc.wat".into()));

    let error = |text: &str| NetworkFile::from_toml(text).expect_err("an invalid file").to_string();
    assert_eq!(error("peers = []"), "`peers` must name at least one peer");
    assert_eq!(error("peers = [\"a\", \"b\", \"a\"]"), "`peers` lists `a` twice");
    assert_eq!(error("peers = [\"a\"]\nrelay = \"b\""), "the relay `b` is not in `peers`");
    assert_eq!(
        error(
            "peers = [\"a\"]\n[[service]]\nid = \"s\"\npeers = [\"x\"]\nfunctions.f = { echo = true }"
        ),
        "service `s`: peer `x` is not in `peers`"
    );
    assert_eq!(
        error(
            "peers = [\"a\"]\n[[service]]\nid = \"s\"\nfunctions.f = { echo = true, result = 1 }"
        ),
        "service `s`, function `f`: give only one of `result`, `echo` and `error`"
    );
    assert!(error("peers = [\"a\"]\nextra = 1").contains("unknown field `extra`"));
}

#[cfg(feature = "wasm")]
#[test]
fn a_wasm_service_answers_in_the_network() {
    use air_network::WasmBacked;
    let component = include_bytes!("../../air-wasm-host/tests/components/greeting.wat");
    let service = air_wasm_host::WasmService::load(component, air_wasm_host::Limits::default())
        .expect("loads");
    let mut network = Network::with_peers(["client", "relay", "alice"]);
    peer(&mut network, "alice").services.insert("greeting", Box::new(WasmBacked(service)));
    let alice = network.id_of("alice").unwrap_or_default().to_string();
    let script = format!(
        r#"(seq
 (call "{alice}" ("greeting" "greet") ["Aqua"] text)
 (call %init_peer_id% ("callbackSrv" "response") [text])
)"#
    );
    let program = Script::from(air_syntax::parse(&script).expect("parses"));
    let client = Client::new(BTreeMap::new(), network.id_of("relay").unwrap_or_default());
    let report = network.run(&program, "client", client, &RunOptions::default());
    assert_eq!(report.client.response(), Some(&[json!("Hello, Aqua!")][..]));
}

#[test]
fn a_run_stops_when_it_has_spent_its_instruction_budget() {
    let mut network = chain_network();
    let program = chain_script(&network);
    let full = network.run(&program, "client", client(&network), &RunOptions::default());
    assert_eq!(full.stop, Stop::Done);
    assert!(full.instructions > 20, "{}", full.instructions);
    let mut network = chain_network();
    let tight = RunOptions { max_instructions: 10, ..RunOptions::default() };
    let cut = network.run(&program, "client", client(&network), &tight);
    assert_eq!(cut.stop, Stop::InstructionBudget);
    assert!(cut.client.response().is_none(), "the run ended before the answer");
    assert!(cut.instructions >= tight.max_instructions);
}

#[test]
fn a_peer_down_from_a_time_on_drops_what_arrives_later_and_links_set_latency() {
    // Bob goes down at 2 ms, just when the chain reaches him (one ms per hop).
    let mut network = chain_network();
    peer(&mut network, "bob").down_at = Some(2);
    let program = chain_script(&network);
    let report = network.run(&program, "client", client(&network), &RunOptions::default());
    assert!(report.hops.iter().any(|hop| hop.to == "bob" && hop.dropped == Some("peer down")));
    assert!(report.client.response().is_none());

    // A slow link between alice and bob delays that one hop.
    let mut network = chain_network();
    let program = chain_script(&network);
    let faults = Faults {
        link_latency: vec![("bob".into(), "alice".into(), (40, 40))],
        ..Faults::default()
    };
    let options = RunOptions { faults, ..RunOptions::default() };
    let report = network.run(&program, "client", client(&network), &options);
    assert_eq!(report.client.response(), Some(&[json!("receipt-7")][..]));
    let bob = report.hops.iter().find(|hop| hop.to == "bob").expect("bob's hop");
    assert_eq!(bob.at, 1 + 40, "client -> alice takes 1 ms, alice -> bob the link's 40 ms");
}

#[test]
fn a_client_behind_its_relay_reaches_no_other_peer_directly() {
    // The chain script calls alice straight from the client: a js-client cannot, as it is
    // connected to its relay alone.
    let mut network = chain_network();
    let program = chain_script(&network);
    let options = RunOptions { client_relay: Some("relay".into()), ..RunOptions::default() };
    let report = network.run(&program, "client", client(&network), &options);
    assert_eq!(report.client.response(), None);
    let from_client = report.hops.iter().find(|hop| hop.to == "client").expect("the client ran");
    assert_eq!(from_client.cut_off, ["alice"]);
    assert!(from_client.unreachable.is_empty());
    assert!(report.hops.iter().all(|hop| hop.to != "alice"), "{:?}", report.hops);
}
