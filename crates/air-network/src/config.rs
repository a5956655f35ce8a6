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
    pub fn from_toml(text: &str) -> Result<NetworkFile, String> {
        let raw: RawFile = toml::from_str(text).map_err(|error| error.to_string())?;
        if raw.peers.is_empty() {
            return Err("`peers` must name at least one peer".into());
        }
        let relay = raw.relay.unwrap_or_else(|| raw.peers[0].clone());
        let known = |name: &String| raw.peers.contains(name);
        if !known(&relay) {
            return Err(format!("the relay `{relay}` is not in `peers`"));
        }
        let mut services = Vec::new();
        for service in raw.service {
            if let Some(unknown) = service.peers.iter().find(|peer| !known(peer)) {
                return Err(format!(
                    "service `{}`: peer `{unknown}` is not in `peers`",
                    service.id
                ));
            }
            let source = match (service.wasm, service.functions.is_empty()) {
                (Some(path), true) => ServiceSource::Wasm(path),
                (Some(_), false) => {
                    return Err(format!(
                        "service `{}`: give either `wasm` or `functions`, not both",
                        service.id
                    ));
                }
                (None, true) => {
                    return Err(format!("service `{}`: give `wasm` or `functions`", service.id));
                }
                (None, false) => ServiceSource::Mock(
                    service
                        .functions
                        .into_iter()
                        .map(|(name, raw)| Ok((name.clone(), behaviour(&service.id, &name, raw)?)))
                        .collect::<Result<_, String>>()?,
                ),
            };
            services.push(ServiceSpec { id: service.id, peers: service.peers, source });
        }
        Ok(NetworkFile { peers: raw.peers, relay, services })
    }
}

fn behaviour(service: &str, function: &str, raw: RawFunction) -> Result<MockBehaviour, String> {
    let place = || format!("service `{service}`, function `{function}`");
    match (raw.result, raw.echo, raw.error) {
        (Some(value), false, None) => Ok(MockBehaviour::Return(to_json(value))),
        (None, true, None) => Ok(MockBehaviour::Echo),
        (None, false, Some(message)) => match raw.code.unwrap_or(1) {
            0 => Err(format!("{}: an error needs a non-zero `code`", place())),
            code => Ok(MockBehaviour::Fail { message, code }),
        },
        (None, false, None) => Err(format!("{}: give `result`, `echo = true` or `error`", place())),
        _ => Err(format!("{}: give only one of `result`, `echo` and `error`", place())),
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
