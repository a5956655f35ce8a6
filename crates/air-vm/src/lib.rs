//! An AIR interpreter with AquaVM's semantics: a pure step function per peer, a CRDT trace that
//! merges previous and incoming data, signed particle data in our own format, and a scenario
//! driver that runs a script over simulated peers with mocked services.
//!
//! ```
//! use std::collections::BTreeMap;
//! use air_vm::{KeyPair, Limits, RunParameters, step};
//!
//! let key = KeyPair::from_name("client");
//! let params = RunParameters {
//!     init_peer_id: key.peer_id(),
//!     current_peer_id: key.peer_id(),
//!     particle_id: "p1".into(),
//!     timestamp: 0,
//!     ttl: 1000,
//!     key,
//!     limits: Limits::default(),
//! };
//! let outcome = step(r#"(call %init_peer_id% ("svc" "f") [1] x)"#, &[], &[], &params, BTreeMap::new());
//! assert_eq!(outcome.ret_code, 0);
//! assert_eq!(outcome.call_requests.len(), 1);
//! ```
//!
//! This crate depends on `air-syntax` and on no `aqua-*` crate, and does no IO.

pub mod builtins;
pub mod context;
pub mod data;
pub mod error;
mod exec;
pub mod merge;
pub mod network;
pub mod scenario;
pub mod signature;
pub mod step;
pub mod trace;
pub mod value;
pub mod verify;

/// Runs `f` with at least 128 KiB of stack left, switching to a new 8 MiB segment if needed.
pub(crate) fn grow<R>(f: impl FnOnce() -> R) -> R {
    stacker::maybe_grow(128 * 1024, 8 * 1024 * 1024, f)
}

pub use data::{ParticleData, decode, encode};
pub use error::{
    CatchableError, DataError, FarewellError, FatalError, PreparationError, SignatureError, VmError,
};
pub use scenario::{Scenario, Summary, run_scenario};
pub use signature::KeyPair;
pub use step::{CallRequest, CallResult, Limits, RunParameters, StepOutcome, step, step_program};
