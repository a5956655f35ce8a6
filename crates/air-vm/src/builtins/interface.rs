//! The interface of a Wasm component in nox's shape (`srv.get_interface`,
//! `dist.get_module_interface`): `{function_signatures: [{name, arguments: [[name, type]],
//! output_types: [type]}], record_types: [{name, id, fields: [[name, type]]}]}`. Names use the
//! Aqua spelling (`greet-many` is `greet_many`), types the Aqua syntax (`[]u8`, `?string`);
//! each distinct record structure gets a name from where it first appears.

use air_wasm_host::{FunctionSignature, ServiceType};
use serde_json::json;

use crate::value::JValue;

/// The interface of a component with these exported functions.
pub fn interface(functions: &[FunctionSignature]) -> JValue {
    let mut records = Records::default();
    let signatures: Vec<JValue> = functions
        .iter()
        .map(|function| {
            let arguments: Vec<JValue> = function
                .params
                .iter()
                .map(|(name, ty)| json!([aqua_name(name), records.type_name(ty, &pascal(name))]))
                .collect();
            let hint = format!("{}Result", pascal(&function.name));
            let outputs: Vec<String> =
                function.result.iter().map(|ty| records.type_name(ty, &hint)).collect();
            json!({
                "name": aqua_name(&function.name),
                "arguments": arguments,
                "output_types": outputs,
            })
        })
        .collect();
    let record_types: Vec<JValue> = records
        .declared
        .into_iter()
        .enumerate()
        .map(|(id, (name, fields))| {
            let fields: Vec<JValue> = fields.into_iter().map(|(f, ty)| json!([f, ty])).collect();
            json!({"name": name, "id": id, "fields": fields})
        })
        .collect();
    json!({"function_signatures": signatures, "record_types": record_types})
}

/// Record structures met so far, each with its name and its fields' type names.
#[derive(Default)]
struct Records {
    known: Vec<(Vec<(String, ServiceType)>, String)>,
    declared: Vec<(String, Vec<(String, String)>)>,
}

impl Records {
    fn type_name(&mut self, ty: &ServiceType, hint: &str) -> String {
        match ty {
            ServiceType::List(inner) => format!("[]{}", self.type_name(inner, hint)),
            ServiceType::Option(inner) => format!("?{}", self.type_name(inner, hint)),
            ServiceType::Record(fields) => self.record(fields, hint),
            scalar => scalar.to_string(),
        }
    }

    fn record(&mut self, fields: &[(String, ServiceType)], hint: &str) -> String {
        if let Some((_, name)) = self.known.iter().find(|(known, _)| known == fields) {
            return name.clone();
        }
        let base = if hint.is_empty() { "Record" } else { hint };
        let mut name = base.to_string();
        let mut suffix = 2;
        while self.declared.iter().any(|(taken, _)| *taken == name) {
            name = format!("{base}{suffix}");
            suffix += 1;
        }
        self.known.push((fields.to_vec(), name.clone()));
        let index = self.declared.len();
        self.declared.push((name.clone(), Vec::new()));
        let typed: Vec<(String, String)> = fields
            .iter()
            .map(|(field, ty)| (aqua_name(field), self.type_name(ty, &pascal(field))))
            .collect();
        self.declared[index].1 = typed;
        name
    }
}

fn aqua_name(name: &str) -> String {
    name.replace('-', "_")
}

/// `greet-many` → `GreetMany`.
fn pascal(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect())
                .unwrap_or_default()
        })
        .collect::<Vec<String>>()
        .concat()
}
