//! Integration tests of air-vm, in one test executable.

mod conformance;
mod instructions;
mod network;
mod properties;
mod security;
mod support;
