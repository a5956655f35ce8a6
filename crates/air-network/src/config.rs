//! The network file (TOML): the peers, the relay, the services each peer hosts, and the faults
//! and timing of the simulated network.
//!
//! ```toml
//! peers = ["relay", "alice", "bob"]
//! relay = "relay"                      # default: the first peer
//! seed = 7                             # of every random choice (default 0)
//! ttl = 60000                          # the particle's time to live, ms
//! loss = 0.1                           # probability that a particle is lost
//! duplication = 0.05                   # probability that a particle arrives twice
//! latency = [1, 5]                     # ms per hop, uniformly in the range (default [1, 1])
//!
//! [peer.bob]
//! down = true                          # drops every particle (or `down_at = 100`: from 100 ms)
//! latency = [10, 20]                   # ms of every hop to this peer
//!
//! [[link]]
//! from = "relay"
//! to = "alice"
//! latency = [50, 50]                   # ms of hops on this link (either way)
//!
//! [[service]]
//! id = "greeting"
//! peers = ["alice"]                    # default: every peer
//! functions.greet = { result = "hi {arg0}" }  # a JSON value; `$args`, `$arg0`, `{arg0}` fill in
//! functions.echo = { echo = true }     # returns its arguments
//! functions.broken = { error = "out of order", code = 3 }
//! functions.slow = { result = 1, delay = 500 }  # answers 500 ms after the call
//!
//! [[service]]
//! id = "calc"
//! peers = ["bob"]
//! wasm = "calc.wat"                    # a WebAssembly component (.wasm or .wat)
//! ```

use std::collections::BTreeMap;

use serde::Deserialize;

use crate::services::MockBehaviour;
use air_vm::value::JValue;

/// A parsed network file.
#[derive(Debug, Clone, PartialEq)]
pub struct NetworkFile {
    /// Every peer, by name.
    pub peers: Vec<String>,
    /// The client's relay.
    pub relay: String,
    /// The services, in file order.
    pub services: Vec<ServiceSpec>,
    /// Faults and timing: the run's settings.
    pub settings: RunSettings,
    /// Per-peer faults and timing, by peer name.
    pub peer_settings: BTreeMap<String, PeerSettings>,
    /// Latency of hops between two peers (either way).
    pub links: Vec<LinkSpec>,
}

/// The settings of a run a network file may give; absent ones keep the defaults.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct RunSettings {
    /// The seed of every random choice.
    pub seed: Option<u64>,
    /// The particle's time to live, in ms.
    pub ttl: Option<u32>,
    /// The probability that a particle is lost.
    pub loss: Option<f64>,
    /// The probability that a particle is delivered twice.
    pub duplication: Option<f64>,
    /// The latency of every hop, in ms (a uniform range).
    pub latency: Option<(u64, u64)>,
}

/// Faults and timing of one peer.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct PeerSettings {
    /// The peer drops every particle that arrives from this time on (ms; 0 is from the start).
    pub down_at: Option<u64>,
    /// The latency of every hop to this peer, in ms.
    pub latency: Option<(u64, u64)>,
}

/// The latency of hops between two peers, either way.
#[derive(Debug, Clone, PartialEq)]
pub struct LinkSpec {
    /// One peer.
    pub from: String,
    /// The other.
    pub to: String,
    /// The latency range, in ms.
    pub latency: (u64, u64),
}

/// One `[[service]]` entry.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceSpec {
    /// The service id.
    pub id: String,
    /// The peers hosting it; empty means every peer.
    pub peers: Vec<String>,
    /// Where its behaviour comes from.
    pub source: ServiceSource,
}

/// A mocked service's functions, or a Wasm component's path (relative to the network file).
#[derive(Debug, Clone, PartialEq)]
pub enum ServiceSource {
    /// Mocked functions, by name (`*` for any other).
    Mock(BTreeMap<String, FunctionSpec>),
    /// A component file.
    Wasm(String),
}

/// A mocked function, as written in the file.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionSpec {
    /// What it answers.
    pub behaviour: MockBehaviour,
    /// Simulated ms after which the answer arrives (0: at once).
    pub delay_ms: u64,
}

/// Why a network file was refused; each names the place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkFileError {
    /// Not TOML, or a key or value of the wrong shape (the message names the line).
    #[error("{0}")]
    Toml(String),
    /// `peers` is empty.
    #[error("`peers` must name at least one peer")]
    NoPeers,
    /// A peer listed twice in `peers`.
    #[error("`peers` lists `{0}` twice")]
    DuplicatePeer(String),
    /// The relay is not one of the peers.
    #[error("the relay `{0}` is not in `peers`")]
    UnknownRelay(String),
    /// A service is hosted by a peer that is not in `peers`.
    #[error("service `{service}`: peer `{peer}` is not in `peers`")]
    UnknownHost {
        /// The service id.
        service: String,
        /// The unknown peer.
        peer: String,
    },
    /// A service gives both `wasm` and `functions`.
    #[error("service `{0}`: give either `wasm` or `functions`, not both")]
    WasmAndFunctions(String),
    /// A service gives neither `wasm` nor `functions`.
    #[error("service `{0}`: give `wasm` or `functions`")]
    NoSource(String),
    /// A peer named in `[peer.…]` or `[[link]]` is not in `peers`.
    #[error("{place}: peer `{peer}` is not in `peers`")]
    UnknownPeer {
        /// Where it is named.
        place: String,
        /// The unknown peer.
        peer: String,
    },
    /// A probability outside 0..=1.
    #[error("`{name}` must be between 0 and 1, not {value}")]
    Probability {
        /// `loss` or `duplication`.
        name: &'static str,
        /// The value given.
        value: f64,
    },
    /// A latency range whose low end is above its high end.
    #[error("{place}: the latency range [{low}, {high}] runs backwards")]
    Latency {
        /// Where it is given.
        place: String,
        /// The low end.
        low: u64,
        /// The high end.
        high: u64,
    },
    /// A mocked function's behaviour is missing, doubled or wrong.
    #[error("service `{service}`, function `{function}`: {problem}")]
    Function {
        /// The service id.
        service: String,
        /// The function.
        function: String,
        /// What is wrong.
        problem: FunctionProblem,
    },
}

/// What is wrong with a mocked function.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum FunctionProblem {
    /// `error` with `code = 0`.
    #[error("an error needs a non-zero `code`")]
    ZeroCode,
    /// None of `result`, `echo`, `error`.
    #[error("give `result`, `echo = true` or `error`")]
    NoBehaviour,
    /// More than one of them.
    #[error("give only one of `result`, `echo` and `error`")]
    SeveralBehaviours,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFile {
    peers: Vec<String>,
    relay: Option<String>,
    seed: Option<u64>,
    ttl: Option<u32>,
    loss: Option<f64>,
    duplication: Option<f64>,
    latency: Option<(u64, u64)>,
    #[serde(default)]
    peer: BTreeMap<String, RawPeer>,
    #[serde(default)]
    link: Vec<RawLink>,
    #[serde(default)]
    service: Vec<RawService>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawPeer {
    #[serde(default)]
    down: bool,
    down_at: Option<u64>,
    latency: Option<(u64, u64)>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawLink {
    from: String,
    to: String,
    latency: (u64, u64),
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawService {
    id: String,
    #[serde(default)]
    peers: Vec<String>,
    wasm: Option<String>,
    #[serde(default)]
    functions: BTreeMap<String, RawFunction>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct RawFunction {
    result: Option<toml::Value>,
    #[serde(default)]
    echo: bool,
    error: Option<String>,
    code: Option<i32>,
    #[serde(default)]
    delay: u64,
}

impl NetworkFile {
    /// Parses a network file; errors name the place and the cause.
    pub fn from_toml(text: &str) -> Result<NetworkFile, NetworkFileError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|error| NetworkFileError::Toml(error.to_string()))?;
        let Some(first) = raw.peers.first() else { return Err(NetworkFileError::NoPeers) };
        let mut seen = std::collections::BTreeSet::new();
        if let Some(twice) = raw.peers.iter().find(|peer| !seen.insert(peer.as_str())) {
            return Err(NetworkFileError::DuplicatePeer(twice.clone()));
        }
        let relay = raw.relay.clone().unwrap_or_else(|| first.clone());
        let known = |name: &String| raw.peers.contains(name);
        if !known(&relay) {
            return Err(NetworkFileError::UnknownRelay(relay));
        }
        let mut services = Vec::new();
        for service in raw.service {
            if let Some(unknown) = service.peers.iter().find(|peer| !known(peer)) {
                return Err(NetworkFileError::UnknownHost {
                    service: service.id,
                    peer: unknown.clone(),
                });
            }
            let source = match (service.wasm, service.functions.is_empty()) {
                (Some(path), true) => ServiceSource::Wasm(path),
                (Some(_), false) => return Err(NetworkFileError::WasmAndFunctions(service.id)),
                (None, true) => return Err(NetworkFileError::NoSource(service.id)),
                (None, false) => {
                    let mut functions = BTreeMap::new();
                    for (name, raw) in service.functions {
                        let delay_ms = raw.delay;
                        let behaviour =
                            behaviour(raw).map_err(|problem| NetworkFileError::Function {
                                service: service.id.clone(),
                                function: name.clone(),
                                problem,
                            })?;
                        functions.insert(name, FunctionSpec { behaviour, delay_ms });
                    }
                    ServiceSource::Mock(functions)
                }
            };
            services.push(ServiceSpec { id: service.id, peers: service.peers, source });
        }
        let (peer_settings, links) = peer_faults(&raw.peers, raw.peer, raw.link)?;
        let settings = RunSettings {
            seed: raw.seed,
            ttl: raw.ttl,
            loss: probability("loss", raw.loss)?,
            duplication: probability("duplication", raw.duplication)?,
            latency: latency("`latency`", raw.latency)?,
        };
        Ok(NetworkFile { peers: raw.peers, relay, services, settings, peer_settings, links })
    }
}

/// The per-peer settings and links, checked against the peers.
fn peer_faults(
    peers: &[String],
    raw_peers: BTreeMap<String, RawPeer>,
    raw_links: Vec<RawLink>,
) -> Result<(BTreeMap<String, PeerSettings>, Vec<LinkSpec>), NetworkFileError> {
    let known = |place: &str, peer: &String| {
        if peers.contains(peer) {
            Ok(())
        } else {
            Err(NetworkFileError::UnknownPeer { place: place.to_owned(), peer: peer.clone() })
        }
    };
    let mut settings = BTreeMap::new();
    for (name, raw) in raw_peers {
        let place = format!("[peer.{name}]");
        known(&place, &name)?;
        let down_at = if raw.down { Some(0) } else { raw.down_at };
        let latency = latency(&place, raw.latency)?;
        settings.insert(name, PeerSettings { down_at, latency });
    }
    let mut links = Vec::new();
    for raw in raw_links {
        let place = format!("link {} - {}", raw.from, raw.to);
        known(&place, &raw.from)?;
        known(&place, &raw.to)?;
        latency(&place, Some(raw.latency))?;
        links.push(LinkSpec { from: raw.from, to: raw.to, latency: raw.latency });
    }
    Ok((settings, links))
}

fn probability(name: &'static str, value: Option<f64>) -> Result<Option<f64>, NetworkFileError> {
    match value {
        Some(value) if !(0.0..=1.0).contains(&value) => {
            Err(NetworkFileError::Probability { name, value })
        }
        other => Ok(other),
    }
}

fn latency(place: &str, range: Option<(u64, u64)>) -> Result<Option<(u64, u64)>, NetworkFileError> {
    match range {
        Some((low, high)) if low > high => {
            Err(NetworkFileError::Latency { place: place.to_owned(), low, high })
        }
        other => Ok(other),
    }
}

fn behaviour(raw: RawFunction) -> Result<MockBehaviour, FunctionProblem> {
    match (raw.result, raw.echo, raw.error) {
        (Some(value), false, None) => Ok(MockBehaviour::Return(to_json(value))),
        (None, true, None) => Ok(MockBehaviour::Echo),
        (None, false, Some(message)) => match raw.code.unwrap_or(1) {
            0 => Err(FunctionProblem::ZeroCode),
            code => Ok(MockBehaviour::Fail { message, code }),
        },
        (None, false, None) => Err(FunctionProblem::NoBehaviour),
        _ => Err(FunctionProblem::SeveralBehaviours),
    }
}

fn to_json(value: toml::Value) -> JValue {
    match value {
        toml::Value::String(text) => JValue::String(text),
        toml::Value::Integer(n) => JValue::from(n),
        toml::Value::Float(x) => {
            serde_json::Number::from_f64(x).map_or(JValue::Null, JValue::Number)
        }
        toml::Value::Boolean(b) => JValue::Bool(b),
        toml::Value::Datetime(date) => JValue::String(date.to_string()),
        toml::Value::Array(items) => JValue::Array(items.into_iter().map(to_json).collect()),
        toml::Value::Table(table) => {
            JValue::Object(table.into_iter().map(|(k, v)| (k, to_json(v))).collect())
        }
    }
}
