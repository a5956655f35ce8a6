//! Simulated Fluence peers around the AIR interpreter of `air-vm`.
//!
//! - [`invoke`]: the one place that runs the interpreter ([`Interpreter`], [`Vm`], and
//!   [`invoke::invoke`], the one-peer, one-particle entry point);
//! - [`peer`]: what a peer does with an arriving particle: invoke, make the calls asked for, feed
//!   the results back, invoke again, and name the peers to send to ([`CallRecord`] is the one
//!   record of a service call);
//! - [`network`] and [`scheduler`]: peers with keys and services, particles delivered in
//!   simulated time with faults (latency, loss, duplication, tampering, peers down, TTL);
//! - [`services`], [`client`], [`builtins`]: the services a peer answers (configured mocks and
//!   Wasm components, the init peer's client services, and a Fluence peer's built-ins as nox
//!   answers them);
//! - [`config`]: the TOML network file;
//! - [`scenario`]: the reference oracle's scenarios, run as a network with first-in-first-out
//!   delivery and mocked services.
//!
//! The crate does no IO: files arrive as text or bytes, Wasm services as loaded components.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

pub mod builtins;
pub mod client;
pub mod config;
pub mod invoke;
pub mod network;
pub mod peer;
mod rng;
pub mod scenario;
pub mod scheduler;
pub mod services;
pub mod template;

pub use air_vm::error::DataError;
pub use air_vm::signature::KeyPair;
pub use air_vm::step::{
    CallRequest, CallResult, DEFAULT_MAX_INSTRUCTIONS, Limits, RunParameters, StepOutcome,
};
pub use air_vm::value::JValue;
pub use client::{Client, ClientEvent};
pub use config::{
    FunctionProblem, FunctionSpec, LinkSpec, NetworkFile, NetworkFileError, PeerSettings,
    RunSettings, ServiceSource, ServiceSpec,
};
pub use invoke::{Interpreter, Invocation, Script, Vm};
pub use network::{Network, Peer};
pub use peer::{CallRecord, StepError};
pub use scenario::{Scenario, ScenarioError, Summary, run_scenario};
pub use scheduler::{
    DEFAULT_RUN_INSTRUCTIONS, Faults, Hop, RunOptions, RunReport, SendOrder, Stop,
};
#[cfg(feature = "wasm")]
pub use services::WasmBacked;
pub use services::{
    Builtins, Fallback, MockBehaviour, MockService, PeerEnv, Service, ServiceCall, ServiceRegistry,
    ServiceReply, Slow, TimedReply,
};
