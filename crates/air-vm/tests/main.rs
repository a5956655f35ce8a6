//! Integration tests of air-vm, in one test executable.

mod conformance;
mod network;
mod security;
mod support;
