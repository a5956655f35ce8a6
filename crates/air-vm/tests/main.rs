//! Integration tests of air-vm, in one test executable.

mod builtins;
mod conformance;
mod instructions;
mod network;
mod properties;
mod security;
#[cfg(feature = "wasm")]
mod srv_dist;
mod support;
mod timeout;
