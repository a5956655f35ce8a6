//! The one service interface, and the kinds of service behind it: built-in, mock and Wasm.

use std::collections::BTreeMap;

use crate::builtins;
use crate::value::JValue;

/// A call as it reaches a service on a peer.
#[derive(Debug, Clone)]
pub struct ServiceCall<'a> {
    /// The service id.
    pub service: &'a str,
    /// The function name.
    pub function: &'a str,
    /// The JSON arguments.
    pub args: &'a [JValue],
    /// The peer the call runs on.
    pub peer_id: &'a str,
    /// The particle's init peer.
    pub init_peer_id: &'a str,
    /// The particle id.
    pub particle_id: &'a str,
    /// The current simulated time in ms.
    pub now: u64,
}

/// A service's answer, as a Fluence peer gives it: `ret_code` 0 and a result, or an error.
#[derive(Debug, Clone, PartialEq)]
pub struct ServiceReply {
    /// 0 for success.
    pub ret_code: i32,
    /// The result, or the error message as a JSON string.
    pub result: JValue,
}

impl ServiceReply {
    /// A successful answer.
    pub fn ok(result: JValue) -> ServiceReply {
        ServiceReply { ret_code: 0, result }
    }

    /// A failed call with a message.
    pub fn error(ret_code: i32, message: impl Into<String>) -> ServiceReply {
        ServiceReply { ret_code, result: JValue::String(message.into()) }
    }
}

/// A service hosted by a peer.
pub trait Service {
    /// Answers a call, or `None` when the service has no such function.
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply>;
}

/// The services of one peer, by service id.
#[derive(Default)]
pub struct ServiceRegistry {
    services: BTreeMap<String, Box<dyn Service>>,
}

impl ServiceRegistry {
    /// Adds (or replaces) the service with this id.
    pub fn insert(&mut self, id: impl Into<String>, service: Box<dyn Service>) {
        self.services.insert(id.into(), service);
    }

    /// Whether a service with this id is registered.
    pub fn contains(&self, id: &str) -> bool {
        self.services.contains_key(id)
    }

    /// Answers a call with the registered service, then the built-ins, then the error a Fluence
    /// peer gives for an unknown service.
    pub fn call(&mut self, call: &ServiceCall<'_>) -> ServiceReply {
        if let Some(service) = self.services.get_mut(call.service) {
            return service.call(call).unwrap_or_else(|| {
                ServiceReply::error(
                    1,
                    format!("function {} not found on service {}", call.function, call.service),
                )
            });
        }
        Builtins.call(call).unwrap_or_else(|| {
            ServiceReply::error(1, format!("Service with id '{}' not found", call.service))
        })
    }
}

/// The built-in services every peer provides.
pub struct Builtins;

impl Service for Builtins {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        let answer =
            builtins::local(call.service, call.function, call.args, call.peer_id, call.now)?;
        Some(match answer {
            Ok(value) => ServiceReply::ok(value),
            Err((ret_code, message)) => ServiceReply { ret_code, result: message },
        })
    }
}

/// What a mocked function does.
#[derive(Debug, Clone, PartialEq)]
pub enum MockBehaviour {
    /// Returns this JSON value.
    Return(JValue),
    /// Returns its arguments: the only one, or all of them as an array.
    Echo,
    /// Fails with this message and code.
    Fail {
        /// The message.
        message: String,
        /// The error code (non-zero).
        code: i32,
    },
}

/// A service whose functions return fixed values, echo their arguments or fail.
#[derive(Debug, Clone, Default)]
pub struct MockService {
    /// Behaviour per function name; `*` covers the others.
    pub functions: BTreeMap<String, MockBehaviour>,
}

impl Service for MockService {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        let behaviour = self.functions.get(call.function).or_else(|| self.functions.get("*"))?;
        Some(match behaviour {
            MockBehaviour::Return(value) => ServiceReply::ok(value.clone()),
            MockBehaviour::Echo => match call.args {
                [one] => ServiceReply::ok(one.clone()),
                many => ServiceReply::ok(JValue::Array(many.to_vec())),
            },
            MockBehaviour::Fail { message, code } => ServiceReply::error(*code, message.clone()),
        })
    }
}

/// A WebAssembly component serving calls: its exported functions are the service's functions.
#[cfg(feature = "wasm")]
pub struct WasmBacked(pub air_wasm_host::WasmService);

#[cfg(feature = "wasm")]
impl Service for WasmBacked {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        use air_wasm_host::CallError;
        Some(match self.0.call(call.function, call.args) {
            Ok(value) => ServiceReply::ok(value),
            Err(CallError::UnknownFunction { .. }) => return None,
            Err(error) => ServiceReply::error(1, error.to_string()),
        })
    }
}
