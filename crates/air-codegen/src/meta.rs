//! The description of a compiled function for client generators: argument names and types,
//! result types, callbacks and the services the script calls. It is plain data with a JSON form.

use std::collections::BTreeSet;

use aqua_typecheck::tast::Func;
use aqua_typecheck::types::Type;
use serde_json::{Value as Json, json};

/// What a client needs to know to call one compiled function.
#[derive(Debug, Clone, PartialEq)]
pub struct FunctionMeta {
    /// The exported name.
    pub name: String,
    /// Data arguments: name and type, in order (served by `getDataSrv`).
    pub args: Vec<(String, String)>,
    /// Result types, in order (the arguments of `callbackSrv.response`).
    pub results: Vec<String>,
    /// Arrow arguments: name and type (served by `callbackSrv.<name>`).
    pub callbacks: Vec<(String, String)>,
    /// Services called: name and id (`None` when the id is computed at run time).
    pub services: Vec<(String, Option<String>)>,
}

impl FunctionMeta {
    /// The description of `func` exported as `name`.
    pub(crate) fn new(
        name: &str,
        func: &Func,
        services: BTreeSet<(String, Option<String>)>,
    ) -> FunctionMeta {
        let mut args = Vec::new();
        let mut callbacks = Vec::new();
        for param in &func.params {
            let entry = (param.name.to_string(), param.ty.to_string());
            if matches!(param.ty, Type::Arrow(_)) {
                callbacks.push(entry)
            } else {
                args.push(entry)
            }
        }
        FunctionMeta {
            name: name.to_owned(),
            args,
            results: func.ty.results.iter().map(Type::to_string).collect(),
            callbacks,
            services: services.into_iter().collect(),
        }
    }

    /// The JSON form: `{"args": [{"name", "type"}], "results": [...], "callbacks": [...],
    /// "services": [{"name", "id"}]}`.
    pub fn to_json(&self) -> Json {
        let pairs = |items: &[(String, String)]| -> Vec<Json> {
            items.iter().map(|(name, ty)| json!({"name": name, "type": ty})).collect()
        };
        json!({
            "args": pairs(&self.args),
            "results": self.results,
            "callbacks": pairs(&self.callbacks),
            "services": self.services.iter().map(|(name, id)| json!({"name": name, "id": id})).collect::<Vec<_>>(),
        })
    }
}
