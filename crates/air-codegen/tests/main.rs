//! Integration tests of air-codegen: AIR snapshots of every example, semantic equality with the
//! reference on the conformance scenarios (run on air-vm), and the size of our AIR.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

mod compat;
mod conformance;
mod examples;
mod semantics;
mod size;
mod source_maps;
mod support;
