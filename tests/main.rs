//! End-to-end tests of the `aqua` binary, in one test executable.

mod air;
mod architecture;
mod builtin_services;
mod check;
mod compile;
mod examples;
mod examples_conformance;
mod fmt;
mod lsp;
mod node_suite;
mod parse;
mod run_messages;
mod run_outputs;
mod service;
mod support;
mod vm_run;
mod vscode;
