//! Integration tests of air-vm, in one test executable.

mod conformance;
mod security;
mod support;
