//! A loaded component: its function signatures, and calls with fuel and memory limits.

use serde_json::Value as Json;
use wasmtime::component::types::ComponentItem;
use wasmtime::component::{Component, Instance, Linker, Val};
use wasmtime::{Config, Engine, Store, StoreLimits, StoreLimitsBuilder};

use crate::convert::{json_to_val, val_to_json};
use crate::error::{CallError, LoadError};
use crate::types::{FunctionSignature, ServiceType, aqua_name};

/// Resource limits applied to every call.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Fuel (roughly, Wasm instructions) one call may use.
    pub fuel: u64,
    /// Bytes of linear memory the component may grow to.
    pub memory: usize,
}

impl Default for Limits {
    /// One billion units of fuel and 64 MiB of memory per service.
    fn default() -> Limits {
        Limits { fuel: 1_000_000_000, memory: 64 << 20 }
    }
}

/// A WebAssembly component hosted as a service.
pub struct WasmService {
    engine: Engine,
    component: Component,
    linker: Linker<StoreLimits>,
    functions: Vec<FunctionSignature>,
    limits: Limits,
    /// The live instance, created on first call and again after a trap.
    live: Option<(Store<StoreLimits>, Instance)>,
}

impl std::fmt::Debug for WasmService {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("WasmService")
            .field("functions", &self.functions)
            .field("limits", &self.limits)
            .finish()
    }
}

impl WasmService {
    /// Loads a component from its binary form or its text (WAT) form.
    pub fn load(bytes: &[u8], limits: Limits) -> Result<WasmService, LoadError> {
        let mut config = Config::new();
        config.consume_fuel(true);
        let engine = Engine::new(&config).map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        let component =
            Component::new(&engine, bytes).map_err(|e| LoadError::Invalid(format!("{e:#}")))?;
        let functions = signatures(&engine, &component)?;
        let linker = Linker::new(&engine);
        let mut service = WasmService { engine, component, linker, functions, limits, live: None };
        // Instantiate once now, so that missing imports show at load time, not at the first call.
        service.instantiate()?;
        Ok(service)
    }

    /// The exported functions, in the component's order.
    pub fn functions(&self) -> &[FunctionSignature] {
        &self.functions
    }

    /// Calls `function` (its export name, or the Aqua spelling with `_` for `-`) with JSON
    /// arguments, and returns its result as JSON (`null` for a function without result).
    pub fn call(&mut self, function: &str, args: &[Json]) -> Result<Json, CallError> {
        let signature = self.find(function)?.clone();
        if args.len() != signature.params.len() {
            return Err(CallError::Arity {
                function: signature.name,
                expected: signature.params.len(),
                given: args.len(),
            });
        }
        let params = convert_args(&signature, args)?;
        let outcome = self.invoke(&signature, &params);
        if outcome.is_err() {
            // A trap may leave the instance in any state: the next call starts afresh.
            self.live = None;
        }
        let result = outcome?;
        match result.first() {
            None => Ok(Json::Null),
            Some(value) => val_to_json(value)
                .map_err(|reason| CallError::Result { function: signature.name, reason }),
        }
    }

    fn find(&self, function: &str) -> Result<&FunctionSignature, CallError> {
        self.functions
            .iter()
            .find(|f| f.name == function || aqua_name(&f.name) == function)
            .ok_or_else(|| CallError::UnknownFunction {
                function: function.to_string(),
                available: self
                    .functions
                    .iter()
                    .map(|f| aqua_name(&f.name))
                    .collect::<Vec<_>>()
                    .join(", "),
            })
    }

    fn instantiate(&mut self) -> Result<(), LoadError> {
        let limits = StoreLimitsBuilder::new()
            .memory_size(self.limits.memory)
            .instances(16)
            .trap_on_grow_failure(true)
            .build();
        let mut store = Store::new(&self.engine, limits);
        store.limiter(|limits| limits);
        let instance = self
            .linker
            .instantiate(&mut store, &self.component)
            .map_err(|e| LoadError::Instantiation(format!("{e:#}")))?;
        self.live = Some((store, instance));
        Ok(())
    }

    fn invoke(
        &mut self,
        signature: &FunctionSignature,
        params: &[Val],
    ) -> Result<Vec<Val>, CallError> {
        let function = signature.name.clone();
        let trap = |reason: String| CallError::Trap { function: function.clone(), reason };
        if self.live.is_none() {
            self.instantiate().map_err(|e| trap(e.to_string()))?;
        }
        let limits = self.limits;
        let Some((store, instance)) = self.live.as_mut() else {
            return Err(trap("the component could not be instantiated".into()));
        };
        store.set_fuel(limits.fuel).map_err(|e| trap(format!("{e:#}")))?;
        let func = instance
            .get_func(&mut *store, &signature.name)
            .ok_or_else(|| trap("the export disappeared from the instance".into()))?;
        let mut results = vec![Val::Bool(false); usize::from(signature.result.is_some())];
        match func.call(&mut *store, params, &mut results) {
            Ok(()) => Ok(results),
            Err(error) => Err(classify(error, &function, limits, store)),
        }
    }
}

/// Tells fuel and memory exhaustion apart from other traps.
fn classify(
    error: wasmtime::Error,
    function: &str,
    limits: Limits,
    store: &Store<StoreLimits>,
) -> CallError {
    let function = function.to_string();
    if let Some(wasmtime::Trap::OutOfFuel) = error.downcast_ref::<wasmtime::Trap>() {
        return CallError::OutOfFuel { function, fuel: limits.fuel };
    }
    let message = format!("{error:#}");
    let fuel_left = store.get_fuel().unwrap_or(1);
    if fuel_left == 0 {
        return CallError::OutOfFuel { function, fuel: limits.fuel };
    }
    if message.contains("memory") && (message.contains("limit") || message.contains("grow")) {
        return CallError::OutOfMemory { function, limit: limits.memory };
    }
    CallError::Trap { function, reason: message }
}

fn convert_args(signature: &FunctionSignature, args: &[Json]) -> Result<Vec<Val>, CallError> {
    signature
        .params
        .iter()
        .zip(args)
        .map(|((param, ty), arg)| {
            json_to_val(arg, ty).map_err(|reason| CallError::Argument {
                function: aqua_name(&signature.name),
                param: aqua_name(param),
                reason,
            })
        })
        .collect()
}

/// Reads the exported functions' types without instantiating the component.
fn signatures(engine: &Engine, component: &Component) -> Result<Vec<FunctionSignature>, LoadError> {
    let mut functions = Vec::new();
    for (name, export) in component.component_type().exports(engine) {
        let ComponentItem::ComponentFunc(func) = export.ty else { continue };
        let params = func
            .params()
            .map(|(param, ty)| Ok((param.to_string(), ServiceType::from_component(&ty, name)?)))
            .collect::<Result<Vec<_>, LoadError>>()?;
        let results: Vec<_> = func.results().collect();
        if results.len() > 1 {
            return Err(LoadError::TooManyResults {
                function: name.to_string(),
                count: results.len(),
            });
        }
        let result = results.first().map(|ty| ServiceType::from_component(ty, name)).transpose()?;
        functions.push(FunctionSignature { name: name.to_string(), params, result });
    }
    Ok(functions)
}
