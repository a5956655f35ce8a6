//! An AIR interpreter with AquaVM's semantics: a pure step function per peer, a CRDT trace that
//! merges previous and incoming data, and signed particle data in our own format. Simulated peers,
//! their services and the drivers that run a script over them live in `air-network`.
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
//! This crate depends on `air-syntax` and on no `aqua-*` crate, and does no IO. Only `air-network`
//! (and tests and benchmarks) calls [`step`]: every driver goes through it.
//!
//! # Differences from AquaVM, chosen consciously
//!
//! - The trace is a tree (`par` holds its subtraces, a stream fold one subtrace per value keyed
//!   by the place of the state that produced it) in our own data format (`docs/particle-format.md`), not AquaVM's flat rkyv trace.
//! - Stream order follows AquaVM's generations, stored with each stream value in the data: values
//!   whose states this peer held come first in their stored order, then values that just arrived
//!   in the sender's order, then values produced in this run, each generation in execution order.
//!   A run's new values form one generation (AquaVM may split them where a stream fold passes,
//!   which orders them the same). A stream fold runs one chain of `next` per group
//!   of values not yet iterated in the run, so values arriving later are iterated even when an
//!   earlier chain waits.
//! - A failed call replayed from data raises its error exactly as on the first run; AquaVM also
//!   marks the subgraph incomplete on replay, which makes stream folds replay differently
//!   (its bug of section 9).
//! - `(ap (key value) %map)` checks the key before touching the trace; AquaVM takes a state
//!   first and breaks the replay of the next state with 20000.
//! - Merging two "sent" states keeps the one with a host call id, then the smaller sender, so the
//!   merge is commutative (AquaVM keeps the previous one).
//! - Results of calls without an output variable are signed too.
//! - A fold over a canon map yields every `{key, value}` pair in insertion order (AquaVM 0.62.0).

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub(crate) mod binds;
mod canonical;
pub mod context;
pub mod data;
pub(crate) mod element;
pub mod error;
mod exec;
mod generation;
pub mod kept;
pub mod merge;
pub(crate) mod origin;
pub mod placed;
pub mod request;
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
pub use kept::KeptData;
pub use signature::KeyPair;
pub use step::{
    CallRequest, CallResult, Limits, LocalAnswer, RunParameters, StepInputs, StepOutcome, step,
    step_program, step_program_answering, step_program_with,
};
pub use verify::VerifiedSignatures;
