//! What the check needs from Fluence's toolchain. The implementation that talks to Node.js
//! (`tests/node/agree.mjs`) lives with the test and the example that run it, since library
//! crates do no IO.

use std::collections::BTreeMap;

use serde_json::Value;

/// A compiler's answer for one module.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Compiled {
    /// Its errors, as text (empty when it compiled).
    pub errors: Vec<String>,
    /// The AIR of every exported function, by name.
    pub functions: BTreeMap<String, String>,
}

/// Fluence's compiler and AquaVM.
pub trait Reference {
    /// Compiles a module with the reference compiler's default options.
    fn compile(&mut self, source: &str) -> Result<Compiled, String>;
    /// Runs a scenario (the oracle's JSON format) on AquaVM; its summary in the oracle's `--json`
    /// shape (`peers`, `calls`, `hops`, `errors`).
    fn run(&mut self, scenario: &Value) -> Result<Value, String>;
}
