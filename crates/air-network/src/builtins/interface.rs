//! The interface of a Wasm component in nox's shape (`srv.get_interface`,
//! `dist.get_module_interface`): `{function_signatures: [{name, arguments: [[name, type]],
//! output_types: [type]}], record_types: [{name, id, fields: [[name, type]]}]}`. Names use the
//! Aqua spelling (`greet-many` is `greet_many`), types the Aqua syntax (`[]u8`, `?string`);
//! each distinct record structure gets a name from where it first appears.

use air_wasm_host::FunctionSignature;
use serde_json::json;

use air_vm::value::JValue;

/// The interface of a component with these exported functions.
pub fn interface(functions: &[FunctionSignature]) -> JValue {
    let interface = air_wasm_host::aqua_interface(functions);
    let signatures: Vec<JValue> = interface
        .functions
        .iter()
        .map(|function| {
            json!({
                "name": function.name,
                "arguments": function.params,
                "output_types": function.result.iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    let record_types: Vec<JValue> = interface
        .records
        .into_iter()
        .enumerate()
        .map(|(id, (name, fields))| json!({"name": name, "id": id, "fields": fields}))
        .collect();
    json!({"function_signatures": signatures, "record_types": record_types})
}
