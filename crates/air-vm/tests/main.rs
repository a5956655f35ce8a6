//! Integration tests of air-vm, in one test executable.

mod conformance;
mod network;
mod properties;
mod security;
mod support;
