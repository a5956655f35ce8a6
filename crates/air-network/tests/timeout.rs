//! `peer.timeout` and slow services on the virtual clock: a reply that arrives later does not
//! hold the particle up; the peer goes on with its other branches, and when the reply is due
//! the scheduler invokes the same peer again with no new data and the pending result (a call
//! id issued in an earlier invocation), as a Fluence host does.

use std::collections::BTreeMap;

use air_network::{
    Client, ClientEvent, MockBehaviour, MockService, Network, RunOptions, Slow, Stop,
};
use serde_json::json;

fn run(script: &str, network: &mut Network) -> air_network::RunReport {
    let program = air_network::Script::from(air_syntax::parse(script).expect("the script parses"));
    let relay = network.id_of("relay").unwrap_or_default().to_string();
    network.run(&program, "client", Client::new(BTreeMap::new(), &relay), &RunOptions::default())
}

fn callback(name: &str, value: &str) -> ClientEvent {
    ClientEvent::Callback { name: name.into(), args: vec![json!(value)] }
}

#[test]
fn a_par_branch_goes_on_while_the_timer_runs() {
    let script = r#"
(seq
 (par
  (seq
   (call %init_peer_id% ("peer" "timeout") [1000 "late"] a)
   (call %init_peer_id% ("callbackSrv" "timer") [a])
  )
  (seq
   (call %init_peer_id% ("op" "identity") ["now"] b)
   (call %init_peer_id% ("callbackSrv" "fast") [b])
  )
 )
 (call %init_peer_id% ("callbackSrv" "response") [a b])
)"#;
    let mut network = Network::with_peers(["client", "relay"]);
    let report = run(script, &mut network);
    assert_eq!(
        report.client.events,
        [
            callback("fast", "now"),
            callback("timer", "late"),
            ClientEvent::Response(vec![json!("late"), json!("now")]),
        ]
    );
    assert_eq!(report.stop, Stop::Done);
    assert_eq!(report.elapsed_ms, 1000);
    let wake_up = report.hops.last().expect("a wake-up hop");
    assert_eq!((wake_up.from.as_deref(), wake_up.to.as_str()), (Some("client"), "client"));
    assert_eq!(wake_up.at, 1000);
    assert_eq!(wake_up.calls[0].function, "timeout");
    assert_eq!(wake_up.calls[0].result, json!("late"));
    assert!(wake_up.errors.is_empty(), "{:?}", wake_up.errors);
}

/// The standard race: a service on another peer against a timer, first result wins.
const RACE: &str = r#"
(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
  (par
   (seq
    (call -relay- ("work" "run") [] result)
    (seq
     (ap result $status)
     (call %init_peer_id% ("callbackSrv" "done") [result])
    )
   )
   (seq
    (call %init_peer_id% ("peer" "timeout") [1000 "timed out"] late)
    (seq
     (ap late $status)
     (call %init_peer_id% ("callbackSrv" "timeout") [late])
    )
   )
  )
 )
 (null)
)"#;

fn race(delay_ms: u64) -> Vec<ClientEvent> {
    let mut network = Network::with_peers(["client", "relay"]);
    let work = MockService {
        functions: BTreeMap::from([("run".to_string(), MockBehaviour::Return(json!("done")))]),
        ..MockService::default()
    };
    let slow = Slow { delay_ms, service: Box::new(work) };
    network.peer_mut("relay").expect("relay").services.insert("work", Box::new(slow));
    run(RACE, &mut network).client.events
}

#[test]
fn a_slow_service_loses_the_race_against_the_timer() {
    assert_eq!(race(5000), [callback("timeout", "timed out"), callback("done", "done")]);
}

#[test]
fn a_fast_service_wins_the_race() {
    assert_eq!(race(10), [callback("done", "done"), callback("timeout", "timed out")]);
}

#[test]
fn a_timer_past_the_ttl_never_fires() {
    let script = r#"
(par
 (call %init_peer_id% ("peer" "timeout") [120000 "never"] a)
 (call %init_peer_id% ("callbackSrv" "response") ["at once"])
)"#;
    let mut network = Network::with_peers(["client"]);
    let report = run(script, &mut network);
    assert_eq!(report.client.events, [ClientEvent::Response(vec![json!("at once")])]);
    assert_eq!(report.stop, Stop::TtlExpired);
    assert_eq!(report.hops.last().and_then(|hop| hop.dropped), Some("ttl expired"));
}

#[test]
fn a_timeout_argument_error_is_reported_at_once() {
    let script = r#"
(xor
 (call %init_peer_id% ("peer" "timeout") [] a)
 (call %init_peer_id% ("callbackSrv" "response") [%last_error%.$.message])
)"#;
    let mut network = Network::with_peers(["client"]);
    let report = run(script, &mut network);
    let response = report.client.response().expect("a response").to_vec();
    let message = response[0].as_str().unwrap_or_default();
    assert!(
        message.starts_with(
            "Local service error, ret_code is 1, error message is '\"Error: Field 'duration_ms' is missing"
        ),
        "{message}"
    );
    assert_eq!(report.elapsed_ms, 0);
}
