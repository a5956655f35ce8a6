//! The network file (TOML): the peers, the relay, and the services each peer hosts.
//!
//! ```toml
//! peers = ["relay", "alice", "bob"]
//! relay = "relay"                      # default: the first peer
//!
//! [[service]]
//! id = "greeting"
//! peers = ["alice"]                    # default: every peer
//! functions.greet = { result = "hi" }  # a fixed JSON value
//! functions.echo = { echo = true }     # returns its arguments
//! functions.broken = { error = "out of order", code = 3 }
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
pub type FunctionSpec = MockBehaviour;

/// Why a network file was refused; each names the place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum NetworkFileError {
    /// Not TOML, or a key or value of the wrong shape (the message names the line).
    #[error("{0}")]
    Toml(String),
    /// `peers` is empty.
    #[error("`peers` must name at least one peer")]
    NoPeers,
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
    #[serde(default)]
    service: Vec<RawService>,
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
}

impl NetworkFile {
    /// Parses a network file; errors name the place and the cause.
    pub fn from_toml(text: &str) -> Result<NetworkFile, NetworkFileError> {
        let raw: RawFile =
            toml::from_str(text).map_err(|error| NetworkFileError::Toml(error.to_string()))?;
        let Some(first) = raw.peers.first() else { return Err(NetworkFileError::NoPeers) };
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
                        let behaviour =
                            behaviour(raw).map_err(|problem| NetworkFileError::Function {
                                service: service.id.clone(),
                                function: name.clone(),
                                problem,
                            })?;
                        functions.insert(name, behaviour);
                    }
                    ServiceSource::Mock(functions)
                }
            };
            services.push(ServiceSpec { id: service.id, peers: service.peers, source });
        }
        Ok(NetworkFile { peers: raw.peers, relay, services })
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
