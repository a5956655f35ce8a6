//! The one service interface, and the kinds of service behind it: built-in, mock and Wasm.
//! A peer's registry looks a call up in the services it was given (network file), then in
//! those created at run time (`srv.create`, by id or alias), then in the native built-ins.

use std::collections::BTreeMap;

use crate::builtins::{self, Outcome, PeerState};
use air_vm::signature::KeyPair;
use air_vm::value::{JValue, Tetraplet};

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
    /// Where each argument comes from.
    pub tetraplets: &'a [Vec<Tetraplet>],
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

/// A reply and when it arrives: at once, or `after_ms` of simulated time later, while the
/// particle goes on with its other branches (as a Fluence host answers a slow service).
#[derive(Debug, Clone, PartialEq)]
pub struct TimedReply {
    /// The reply.
    pub reply: ServiceReply,
    /// Its delay in ms; 0 is at once.
    pub after_ms: u64,
    /// Whether no service on the peer has this id (the reply is the peer's "not found" error).
    pub unknown_service: bool,
}

impl From<Outcome> for TimedReply {
    fn from(outcome: Outcome) -> TimedReply {
        let after_ms = match outcome {
            Outcome::Later { after_ms, .. } => after_ms,
            _ => 0,
        };
        let (ret_code, result) = outcome.reply();
        TimedReply { reply: ServiceReply { ret_code, result }, after_ms, unknown_service: false }
    }
}

/// What a peer's built-ins know beyond the call: the peer's key (`sig`) and the peer ids of
/// the whole network (`kad`, `peer`).
#[derive(Debug, Clone, Copy)]
pub struct PeerEnv<'a> {
    /// The peer's key pair.
    pub key: &'a KeyPair,
    /// Every peer id in the network.
    pub network: &'a [String],
}

/// A service hosted by a peer.
pub trait Service {
    /// Answers a call, or `None` when the service has no such function.
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply>;

    /// How long after the call its answer arrives, in simulated ms (0: at once).
    fn delay_ms(&self, _call: &ServiceCall<'_>) -> u64 {
        0
    }
}

/// A service whose answers arrive `delay_ms` after each call: a slow service, for races
/// against `peer.timeout`.
pub struct Slow {
    /// The delay of every answer, in ms.
    pub delay_ms: u64,
    /// The service that answers.
    pub service: Box<dyn Service>,
}

impl Service for Slow {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        self.service.call(call)
    }

    fn delay_ms(&self, _call: &ServiceCall<'_>) -> u64 {
        self.delay_ms
    }
}

/// What answers a call that no registered service answers.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub enum Fallback {
    /// A Fluence peer's built-in services (and the services created at run time), as nox
    /// answers them.
    #[default]
    Builtins,
    /// The reference oracle's peers: `math` and `cmp` computed, anything else
    /// `service S.F not found on PEER` with code 1.
    Oracle {
        /// The peer's name, for the message.
        peer: String,
    },
}

/// The services of one peer, by service id, and the state of its built-ins.
#[derive(Default)]
pub struct ServiceRegistry {
    services: BTreeMap<String, Box<dyn Service>>,
    builtins: PeerState,
    fallback: Fallback,
}

impl ServiceRegistry {
    /// Adds (or replaces) the service with this id.
    pub fn insert(&mut self, id: impl Into<String>, service: Box<dyn Service>) {
        self.services.insert(id.into(), service);
    }

    /// Sets what answers the calls that no registered service answers.
    pub fn set_fallback(&mut self, fallback: Fallback) {
        self.fallback = fallback;
    }

    /// Whether a service with this id is registered.
    pub fn contains(&self, id: &str) -> bool {
        self.services.contains_key(id)
    }

    /// The state of the peer's built-ins: services created at run time, modules, blueprints.
    pub fn builtins(&self) -> &PeerState {
        &self.builtins
    }

    /// The state of the peer's built-ins, to set their options.
    pub fn builtins_mut(&mut self) -> &mut PeerState {
        &mut self.builtins
    }

    /// Answers a call with the registered service, else as the [`Fallback`] says: with a
    /// Fluence peer's built-ins, a service created at run time (by id or alias), then the built-in
    /// services, then the error a Fluence peer gives for an unknown service.
    pub fn call(&mut self, call: &ServiceCall<'_>, env: &PeerEnv<'_>) -> TimedReply {
        if let Some(service) = self.services.get_mut(call.service) {
            let reply = match (service.call(call), &self.fallback) {
                (Some(reply), _) => reply,
                (None, Fallback::Oracle { peer }) => oracle_answer(peer, call).reply,
                (None, Fallback::Builtins) => ServiceReply::error(
                    1,
                    format!("function {} not found on service {}", call.function, call.service),
                ),
            };
            return TimedReply { reply, after_ms: service.delay_ms(call), unknown_service: false };
        }
        if let Fallback::Oracle { peer } = &self.fallback {
            return oracle_answer(peer, call);
        }
        let ctx = builtins::Context {
            peer_id: call.peer_id,
            init_peer_id: call.init_peer_id,
            particle_id: call.particle_id,
            now: call.now,
            tetraplets: call.tetraplets,
            key: Some(env.key),
            network: env.network,
        };
        let (service, function, args) = (call.service, call.function, call.args);
        let answered = builtins::call_created(&mut self.builtins, service, function, args)
            .or_else(|| builtins::call(&mut self.builtins, &ctx, service, function, args));
        match answered {
            Some(outcome) => outcome.into(),
            None => TimedReply {
                unknown_service: true,
                ..Outcome::Err(builtins::not_found(service, function)).into()
            },
        }
    }
}

/// How the reference oracle's peers answer a call no mock covers.
fn oracle_answer(peer: &str, call: &ServiceCall<'_>) -> TimedReply {
    let (service, function) = (call.service, call.function);
    let (reply, unknown_service) = match builtins::math_cmp(service, function, call.args) {
        Some(Ok(value)) => (ServiceReply::ok(value), false),
        Some(Err((ret_code, message))) => (ServiceReply { ret_code, result: message }, false),
        None => {
            let message = format!("service {service}.{function} not found on {peer}");
            (ServiceReply::error(1, message), true)
        }
    };
    TimedReply { reply, after_ms: 0, unknown_service }
}

/// The built-in services that need no peer state (`op`, `peer`, `math`, `cmp`, `array`,
/// `json`, `debug`), answered at once; a peer's [`ServiceRegistry`] answers them all.
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

/// A service whose functions return fixed values (templates of their arguments: `$args`,
/// `$arg0`, `{arg0}`), echo their arguments or fail, at once or after a delay.
#[derive(Debug, Clone, Default)]
pub struct MockService {
    /// Behaviour per function name; `*` covers the others.
    pub functions: BTreeMap<String, MockBehaviour>,
    /// Simulated ms after which a function's answer arrives, by function name (`*` for the
    /// others); absent is at once.
    pub delays: BTreeMap<String, u64>,
}

impl Service for MockService {
    fn call(&mut self, call: &ServiceCall<'_>) -> Option<ServiceReply> {
        let behaviour = self.functions.get(call.function).or_else(|| self.functions.get("*"))?;
        Some(match behaviour {
            MockBehaviour::Return(value) => {
                ServiceReply::ok(crate::template::fill(value, call.args, &BTreeMap::new()))
            }
            MockBehaviour::Echo => match call.args {
                [one] => ServiceReply::ok(one.clone()),
                many => ServiceReply::ok(JValue::Array(many.to_vec())),
            },
            MockBehaviour::Fail { message, code } => ServiceReply::error(*code, message.clone()),
        })
    }

    fn delay_ms(&self, call: &ServiceCall<'_>) -> u64 {
        self.delays.get(call.function).or_else(|| self.delays.get("*")).copied().unwrap_or(0)
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
