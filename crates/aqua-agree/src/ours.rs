//! Our side: the module compiled by aqua-typecheck and air-codegen, scenarios run by
//! air-network's oracle driver on air-vm.

use std::path::Path;

use air_network::scenario::{Scenario, run_scenario};
use serde_json::Value;

use crate::reference::Compiled;

/// Compiles a module with our compiler's default options (the reference's defaults).
pub fn compile(source: &str) -> Compiled {
    let mut loader = aqua_typecheck::MemoryLoader::new();
    loader.add("main.aqua", source);
    let options = aqua_typecheck::Options::default();
    let checked = aqua_typecheck::check(Path::new("main.aqua"), None, &mut loader, &options);
    let mut compiled = Compiled::default();
    if !checked.is_ok() {
        let syntax = checked.syntax_errors.iter().map(|e| format!("{:?}", e.value));
        let types = checked.errors.iter().map(|e| e.value.to_string());
        compiled.errors = syntax.chain(types).collect();
        return compiled;
    }
    match air_codegen::compile(&checked.program, &air_codegen::Options::default()) {
        Ok(functions) => {
            for function in functions {
                let air = air_syntax::print_pretty(&function.air);
                compiled.functions.insert(function.meta.name.to_string(), air);
            }
        }
        Err(error) => compiled.errors.push(format!("internal compiler error: {error}")),
    }
    compiled
}

/// Whether our checker accepts the module (what the shrinker keeps).
pub fn accepts(source: &str) -> bool {
    let mut loader = aqua_typecheck::MemoryLoader::new();
    loader.add("main.aqua", source);
    let options = aqua_typecheck::Options::default();
    aqua_typecheck::check(Path::new("main.aqua"), None, &mut loader, &options).is_ok()
}

/// Runs a scenario on our VM; its summary in the oracle's JSON shape.
pub fn run(scenario: &Value) -> Result<Value, String> {
    let parsed = Scenario::from_json(&scenario.to_string()).map_err(|e| e.to_string())?;
    serde_json::from_str(&run_scenario(&parsed).to_json()).map_err(|e| e.to_string())
}
