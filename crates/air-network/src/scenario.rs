//! The reference oracle's scenarios (Fluence's AquaVM driven over simulated peers, from the shared development tools): a script over
//! named peers with mocked services, run as a [`Network`] with first-in-first-out delivery in
//! peer-name order and no client, and summarised in the oracle's `--json` shape.
//!
//! Peers have ed25519 seeds `sha256(name)`; `@name@` in the script becomes that peer's id. Mocks
//! are looked up as `peer/service/function`, `*/service/function`, then `*/service/*`; `math` and
//! `cmp` calls no mock covers are computed, anything else fails with
//! `service S.F not found on PEER` (see [`Fallback::Oracle`]).

use std::collections::BTreeMap;
use std::fmt;

use serde::{Deserialize, Serialize};

use air_vm::step::Limits;
use air_vm::value::JValue;

use crate::invoke::{Interpreter, Script, Vm};
use crate::network::Network;
use crate::peer::CallRecord;
use crate::scheduler::{Faults, RunOptions, RunReport, SendOrder};
use crate::services::{Fallback, Service, ServiceCall, ServiceReply};
use crate::template::fill;

/// A scenario in the reference format.
#[derive(Debug, Clone, Deserialize)]
pub struct Scenario {
    /// The script, with `@name@` placeholders.
    pub air: String,
    /// The peer that starts the particle (the first peer when the file names none).
    #[serde(default)]
    pub init_peer: String,
    /// Every peer, by name.
    pub peers: Vec<String>,
    /// The particle id.
    #[serde(default = "default_particle_id")]
    pub particle_id: String,
    /// The particle's timestamp in ms.
    #[serde(default = "default_timestamp")]
    pub timestamp: u64,
    /// The particle's ttl in ms.
    #[serde(default = "default_ttl")]
    pub ttl: u32,
    /// Mocked services: `"peer|*/service/function|*"` to a result template.
    #[serde(default)]
    pub services: BTreeMap<String, JValue>,
    /// The one peer the init peer is connected to, as a client behind its relay: particles
    /// between the init peer and any other peer are not delivered (see
    /// [`RunOptions::client_relay`]). Absent: every peer reaches every other.
    #[serde(default)]
    pub client_relay: Option<String>,
}

fn default_particle_id() -> String {
    "particle-1".into()
}

fn default_timestamp() -> u64 {
    1_700_000_000_000
}

fn default_ttl() -> u32 {
    60_000
}

/// Why a scenario file was refused.
#[derive(Debug, thiserror::Error)]
pub enum ScenarioError {
    /// Not JSON, or a field of the wrong type (a `ttl` over `u32::MAX` among them).
    #[error("{0}")]
    Json(#[from] serde_json::Error),
    /// The scenario names no peer.
    #[error("the scenario has no peers")]
    NoPeers,
    /// The init peer is not one of the peers.
    #[error("init peer {0} is not among the peers")]
    UnknownInitPeer(String),
    /// The client's relay is not one of the peers.
    #[error("client_relay {0} is not among the peers")]
    UnknownRelay(String),
    /// The client's relay is the init peer itself.
    #[error("client_relay {0} is the init peer: a client's relay is another peer")]
    RelayIsInitPeer(String),
}

impl Scenario {
    /// Reads a scenario from its JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, ScenarioError> {
        let mut scenario: Scenario = serde_json::from_str(text)?;
        if scenario.init_peer.is_empty() {
            scenario.init_peer = scenario.peers.first().cloned().ok_or(ScenarioError::NoPeers)?;
        }
        if !scenario.peers.contains(&scenario.init_peer) {
            return Err(ScenarioError::UnknownInitPeer(scenario.init_peer));
        }
        if let Some(relay) = &scenario.client_relay {
            if !scenario.peers.contains(relay) {
                return Err(ScenarioError::UnknownRelay(relay.clone()));
            }
            if *relay == scenario.init_peer {
                return Err(ScenarioError::RelayIsInitPeer(relay.clone()));
            }
        }
        Ok(scenario)
    }

    /// The network of the scenario's peers, with its mocks and the oracle's fallback.
    pub fn network(&self) -> Network {
        let mut network = Network::with_peers(self.peers.iter().map(String::as_str));
        let ids = peer_ids(&network);
        let mocks = Mocks::parse(&self.services);
        for peer in network.peers_mut() {
            peer.services.set_fallback(Fallback::Oracle { peer: peer.name.clone() });
            for (service, functions) in mocks.for_peer(&peer.name) {
                let templates = Templates { functions, ids: ids.clone() };
                peer.services.insert(service, Box::new(templates));
            }
        }
        network
    }

    /// The script's text with every `@name@` replaced by that peer's id.
    pub fn air_text(&self, network: &Network) -> String {
        let mut air = self.air.clone();
        for peer in network.peers() {
            air = air.replace(&format!("@{}@", peer.name), &peer.id);
        }
        air
    }

    /// The script, parsed, with every `@name@` replaced by that peer's id.
    pub fn script(&self, network: &Network) -> Script {
        Script::from_text(&self.air_text(network))
    }

    /// How the oracle runs a particle: no faults, no simulated time, every signature checked on
    /// every step, particles sent in peer-name order.
    pub fn run_options(&self) -> RunOptions {
        RunOptions {
            seed: 0,
            faults: Faults { latency_ms: (0, 0), ..Faults::default() },
            particle_id: self.particle_id.clone(),
            timestamp: self.timestamp,
            ttl: self.ttl,
            max_steps: 100_000,
            max_instructions: crate::scheduler::DEFAULT_RUN_INSTRUCTIONS,
            limits: Limits::default(),
            share_verified_signatures: false,
            send_order: SendOrder::PeerName,
            answer_inline: true,
            client_relay: self.client_relay.clone(),
        }
    }
}

/// One failed invocation, by peer.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ErrorRecord {
    /// The peer's name.
    pub peer: String,
    /// The interpreter's return code.
    pub ret_code: i64,
    /// Its message.
    pub message: String,
}

/// The summary of a run, in the oracle's `--json` shape (keys in its order).
#[derive(Debug, Clone, PartialEq, Default, Serialize)]
pub struct Summary {
    /// Peer ids by name.
    pub peers: BTreeMap<String, String>,
    /// Every call, in order.
    pub calls: Vec<CallRecord>,
    /// Particles delivered.
    pub hops: usize,
    /// Invocations that failed.
    pub errors: Vec<ErrorRecord>,
    /// The size of each peer's final data.
    pub data_bytes: BTreeMap<String, usize>,
}

impl Summary {
    /// Summarises a run of the network's peers.
    pub fn of(network: &Network, report: &RunReport) -> Summary {
        let delivered = report.hops.iter().filter(|hop| hop.dropped.is_none());
        let mut summary = Summary {
            peers: peer_ids(network),
            data_bytes: report.data_bytes(),
            ..Summary::default()
        };
        for hop in delivered {
            summary.hops += 1;
            summary.calls.extend(hop.calls.iter().cloned());
            summary.errors.extend(hop.errors.iter().map(|error| ErrorRecord {
                peer: hop.to.clone(),
                ret_code: error.ret_code,
                message: error.message.clone(),
            }));
        }
        summary
    }

    /// The summary as compact JSON with the oracle's key order.
    pub fn to_json(&self) -> String {
        serde_json::to_value(self).map(|json| json.to_string()).unwrap_or_default()
    }
}

/// Runs a scenario to the end and returns its summary.
pub fn run_scenario(scenario: &Scenario) -> Summary {
    let network = &mut scenario.network();
    let report = run_scenario_on(scenario, network, &mut Vm::default());
    Summary::of(network, &report)
}

/// Runs a scenario on its `network` (from [`Scenario::network`]) with this interpreter.
pub fn run_scenario_on(
    scenario: &Scenario,
    network: &mut Network,
    interpreter: &mut dyn Interpreter,
) -> RunReport {
    let script = scenario.script(network);
    let options = scenario.run_options();
    network.run_with(&script, &scenario.init_peer, None, &options, interpreter, &mut |_| {})
}

/// Two runs made different calls: the calls (as JSON text) one has and the other has not.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallMismatch {
    /// Calls expected but not made.
    pub missing: Vec<String>,
    /// Calls made but not expected.
    pub extra: Vec<String>,
}

impl fmt::Display for CallMismatch {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "calls differ\n  missing: {:#?}\n  extra: {:#?}", self.missing, self.extra)
    }
}

/// Compares the calls of two summaries in the oracle's JSON shape (`{"calls": [...]}`) as
/// multisets, which is what conformance means for calls.
pub fn compare_calls(expected: &JValue, ours: &JValue) -> Result<(), CallMismatch> {
    let multiset = |summary: &JValue| {
        let calls = summary["calls"].as_array().into_iter().flatten();
        let mut calls: Vec<String> = calls.map(JValue::to_string).collect();
        calls.sort();
        calls
    };
    let (want, got) = (multiset(expected), multiset(ours));
    if want == got {
        return Ok(());
    }
    let missing = want.iter().filter(|call| !got.contains(call)).cloned().collect();
    let extra = got.iter().filter(|call| !want.contains(call)).cloned().collect();
    Err(CallMismatch { missing, extra })
}

fn peer_ids(network: &Network) -> BTreeMap<String, String> {
    network.peers().map(|peer| (peer.name.clone(), peer.id.clone())).collect()
}

/// The scenario's mocks by peer (`*` for every peer), service and function (`*` for any).
struct Mocks<'s> {
    by_peer: BTreeMap<&'s str, BTreeMap<&'s str, BTreeMap<&'s str, &'s JValue>>>,
}

impl<'s> Mocks<'s> {
    fn parse(services: &'s BTreeMap<String, JValue>) -> Mocks<'s> {
        let mut by_peer: BTreeMap<&str, BTreeMap<&str, BTreeMap<&str, &JValue>>> = BTreeMap::new();
        for (key, template) in services {
            let mut parts = key.splitn(3, '/');
            let (Some(peer), Some(service), Some(function)) =
                (parts.next(), parts.next(), parts.next())
            else {
                continue;
            };
            // The oracle never looks up `peer/service/*`.
            if peer != "*" && function == "*" {
                continue;
            }
            by_peer.entry(peer).or_default().entry(service).or_default().insert(function, template);
        }
        Mocks { by_peer }
    }

    /// Each mocked service on `peer`: the peer's own functions over those for every peer.
    fn for_peer(&self, peer: &str) -> BTreeMap<String, BTreeMap<String, JValue>> {
        let mut services: BTreeMap<String, BTreeMap<String, JValue>> = BTreeMap::new();
        for scope in ["*", peer] {
            for (service, functions) in self.by_peer.get(scope).into_iter().flatten() {
                let entry = services.entry((*service).to_owned()).or_default();
                for (function, template) in functions {
                    entry.insert((*function).to_owned(), (*template).clone());
                }
            }
        }
        services
    }
}

/// A mocked service answering with the oracle's result templates.
struct Templates {
    /// Template per function; `*` covers the others.
    functions: BTreeMap<String, JValue>,
    /// Peer ids by name, for `$peer:NAME`.
    ids: BTreeMap<String, String>,
}

impl Service for Templates {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        let template = self.functions.get(call.function).or_else(|| self.functions.get("*"))?;
        let value = fill(template, call.args, &self.ids);
        Some(match value.get("$error") {
            Some(code) if value.is_object() => ServiceReply {
                ret_code: code.as_i64().map_or(1, |code| code as i32),
                result: value.get("message").cloned().unwrap_or(JValue::Null),
            },
            _ => ServiceReply::ok(value),
        })
    }
}
