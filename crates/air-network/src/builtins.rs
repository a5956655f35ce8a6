//! The built-in services of a Fluence peer, answered natively as nox (the Rust peer) answers
//! them: `op`, `peer`, `kad`, `srv`, `dist`, `sig`, `stat`, `debug`, `run-console`, `vault`,
//! `math`, `cmp`, `array` and `json`, with nox's results and error texts
//! (as recorded from nox 0.28). `worker` and `subnet` answer that they are not simulated.
//!
//! A function's outcome is a value, an empty result (the JSON string `""`), an error (always
//! `ret_code` 1) or, for `peer.timeout`, a value that arrives later on the virtual clock. Errors
//! come in nox's two forms: plain messages, and wrapped ones (`"Error: " + Display + "\n" +
//! Debug`) for argument decoding and the errors of services and modules.
//!
//! Where the simulator deliberately differs from nox:
//! - `op.sha256_string` really hashes (nox only wraps the bytes, see the spec's §5.6);
//! - `peer.timestamp_*` read the virtual clock, `srv.create` ids come from a per-peer counter,
//!   `array.intersect/diff/sdiff` keep the order of first appearance, `kad` looks at every other
//!   simulated peer;
//! - JSON objects come out with sorted keys (nox keeps insertion order);
//! - access guards and `sig.sign`'s origin checks are off unless [`Options`] turns them on.
//!
//! [`math_cmp`] is different: it answers `math` and `cmp` as the reference oracle does, for the
//! oracle-compatible scenario driver.
//!
//! This module does no IO: modules arrive as bytes in the arguments.

mod args;
mod array;
mod cid;
mod debug;
mod dist;
#[cfg(feature = "wasm")]
mod interface;
mod json;
mod kad;
mod math;
mod op;
mod oracle;
mod peer;
mod sig;
mod srv;
mod state;
mod vault;
mod workers;

pub use args::{ArgError, Failure};
pub use oracle::math_cmp;
pub use srv::call_created;
pub use state::{Options, PeerState};

use air_vm::signature::KeyPair;
use air_vm::value::{JValue, Tetraplet};

/// A built-in service's answer in the oracle's form: a value, or a code and a message.
pub type Answer = Result<JValue, (i32, JValue)>;

/// What a built-in function produced.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// A result.
    Ok(JValue),
    /// No result: the caller receives the empty string, as from nox.
    Empty,
    /// A failure with this message (`ret_code` 1).
    Err(String),
    /// A result that arrives `after_ms` of simulated time later (`peer.timeout`).
    Later {
        /// The delay in ms.
        after_ms: u64,
        /// The result then.
        value: JValue,
    },
}

impl Outcome {
    /// The `ret_code` and result a caller receives (a delayed result as it will arrive).
    pub fn reply(self) -> (i32, JValue) {
        match self {
            Outcome::Ok(value) | Outcome::Later { value, .. } => (0, value),
            Outcome::Empty => (0, JValue::String(String::new())),
            Outcome::Err(message) => (1, JValue::String(message)),
        }
    }
}

impl From<Result<JValue, Failure>> for Outcome {
    fn from(result: Result<JValue, Failure>) -> Outcome {
        match result {
            Ok(value) => Outcome::Ok(value),
            Err(Failure(message)) => Outcome::Err(message),
        }
    }
}

impl From<Result<(), Failure>> for Outcome {
    fn from(result: Result<(), Failure>) -> Outcome {
        match result {
            Ok(()) => Outcome::Empty,
            Err(Failure(message)) => Outcome::Err(message),
        }
    }
}

/// Where a built-in call runs: the peer, the particle and what the peer knows of the network.
#[derive(Debug, Clone, Copy)]
pub struct Context<'a> {
    /// The peer answering the call.
    pub peer_id: &'a str,
    /// The particle's init peer.
    pub init_peer_id: &'a str,
    /// The particle id.
    pub particle_id: &'a str,
    /// The virtual clock, in ms since the Unix epoch.
    pub now: u64,
    /// Where each argument comes from.
    pub tetraplets: &'a [Vec<Tetraplet>],
    /// The peer's key (`sig`); without one, `sig` fails.
    pub key: Option<&'a KeyPair>,
    /// Every peer id of the simulated network, the caller included (`kad`, `peer`).
    pub network: &'a [String],
}

impl Context<'_> {
    /// A context for a peer that knows nothing of a network or a key.
    pub fn local<'a>(peer_id: &'a str, now: u64) -> Context<'a> {
        Context {
            peer_id,
            init_peer_id: peer_id,
            particle_id: "",
            now,
            tetraplets: &[],
            key: None,
            network: &[],
        }
    }
}

/// Answers a call with a native built-in, or `None` when no built-in has this service and
/// function (the caller then reports `Service with id 'S' not found (function F)`).
pub fn call(
    state: &mut PeerState,
    ctx: &Context<'_>,
    service: &str,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    match service {
        "srv" => srv::call(state, ctx, function, args),
        "dist" => dist::call(state, ctx, function, args),
        "vault" => vault::vault(state, ctx, function, args),
        "stat" => debug::stat(state, function, args),
        "sig" => sig::call(&state.options, ctx, function, args),
        "kad" => kad::call(ctx, function, args),
        "peer" => peer::call(&state.options, ctx, function, args),
        "run-console" => debug::console(&state.options, ctx, function),
        "worker" | "subnet" => workers::call(service, function, args),
        _ => stateless(service, function, args),
    }
}

/// The functions that need no peer: `op`, `math`, `cmp`, `array`, `json`, `debug`.
fn stateless(service: &str, function: &str, args: &[JValue]) -> Option<Outcome> {
    match service {
        "op" => op::call(function, args),
        "math" => math::math(function, args),
        "cmp" => math::cmp(function, args),
        "array" => array::call(function, args),
        "json" => json::call(function, args),
        "debug" => debug::debug(function, args),
        _ => None,
    }
}

/// The message for a call no service answers, as nox gives it.
pub fn not_found(service: &str, function: &str) -> String {
    format!("Service with id '{service}' not found (function {function})")
}

/// Answers a call on a lone local peer (`aqua air run`): the services that need no state,
/// `peer.identify`, the timestamps and `peer.timeout` (answered at once, without a clock).
pub fn local(
    service: &str,
    function: &str,
    args: &[JValue],
    peer_id: &str,
    timestamp: u64,
) -> Option<Answer> {
    let outcome = match service {
        "peer" => {
            peer::call(&Options::default(), &Context::local(peer_id, timestamp), function, args)
        }
        "run-console" => {
            debug::console(&Options::default(), &Context::local(peer_id, timestamp), function)
        }
        _ => stateless(service, function, args),
    }?;
    Some(match outcome.reply() {
        (0, value) => Ok(value),
        (code, message) => Err((code, message)),
    })
}

/// nox's access guard: with guards on, only the peer itself and privileged peers pass.
fn guard(options: &Options, ctx: &Context<'_>) -> Result<(), Failure> {
    if options.guards && !options.is_privileged(ctx.peer_id, ctx.init_peer_id) {
        return Err(Failure::plain("This function is only available to the host or worker spells"));
    }
    Ok(())
}
