//! Integration tests of air-network, in one test executable.

mod builtins;
mod conformance;
mod inline;
mod kept;
mod network;
mod scenario_file;
#[cfg(feature = "wasm")]
mod srv_dist;
mod support;
mod timeout;
