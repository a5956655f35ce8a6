//! Scenario files the reader refuses, each with the reason it names.

use air_network::scenario::{Scenario, ScenarioError};

fn refusal(text: &str) -> String {
    match Scenario::from_json(text) {
        Ok(_) => panic!("accepted: {text}"),
        Err(error) => error.to_string(),
    }
}

#[test]
fn a_scenario_without_peers_is_refused() {
    let text = r#"{"air": "(null)", "peers": []}"#;
    assert!(matches!(Scenario::from_json(text), Err(ScenarioError::NoPeers)));
}

#[test]
fn an_init_peer_outside_the_peers_is_refused() {
    let text = r#"{"air": "(null)", "peers": ["a"], "init_peer": "b"}"#;
    assert_eq!(refusal(text), "init peer b is not among the peers");
}

#[test]
fn a_client_relay_outside_the_peers_is_refused() {
    let text = r#"{"air": "(null)", "peers": ["client", "relay"], "client_relay": "relya"}"#;
    assert_eq!(refusal(text), "client_relay relya is not among the peers");
}

#[test]
fn a_client_relay_that_is_the_client_itself_is_refused() {
    let text = r#"{"air": "(null)", "peers": ["client", "relay"], "client_relay": "client"}"#;
    assert_eq!(
        refusal(text),
        "client_relay client is the init peer: a client's relay is another peer"
    );
}

#[test]
fn a_client_relay_among_the_other_peers_is_accepted() {
    let text = r#"{"air": "(null)", "peers": ["client", "relay"], "client_relay": "relay"}"#;
    let scenario = Scenario::from_json(text).expect("a valid scenario");
    assert_eq!(scenario.run_options().client_relay.as_deref(), Some("relay"));
}
