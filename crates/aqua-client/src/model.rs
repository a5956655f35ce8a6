//! What client code is generated from: the exported functions (their AIR, `FunctionCallDef`
//! and TypeScript signature) and the exported services (`ServiceDef` and method types) of a
//! checked, compiled program. Every type is translated here, so printing cannot fail.

use air_codegen::CompiledFunction;
use aqua_typecheck::tast::{ExportTarget, ExprKind, FuncId, Literal, Program, Service};
use aqua_typecheck::types::Type;
use serde_json::{Map, Value as Json, json};
use smol_str::SmolStr;

use crate::descriptor::{FunctionCallDef, ServiceDef};
use crate::error::ClientError;
use crate::ts_type::{PARTICLE_CONTEXT, results_type, ts_type};

/// The client side of one Aqua file.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientModule {
    /// Exported services, in export order.
    pub services: Vec<ClientService>,
    /// Exported functions, in export order.
    pub functions: Vec<ClientFunction>,
}

/// One exported function.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientFunction {
    /// The exported name.
    pub name: SmolStr,
    /// Its `FunctionCallDef`.
    pub def: FunctionCallDef,
    /// Its AIR script.
    pub script: String,
    /// Named types the signature refers to: `FArgS` (a structure argument) and `FResult`
    /// (several results, or one structure), as the reference names them.
    pub aliases: Vec<(String, String)>,
    /// TypeScript parameters, renamed where a name would clash (`peer_`, `config_`).
    pub params: Vec<(String, String)>,
    /// The type the promise resolves to.
    pub result: String,
}

/// One exported service.
#[derive(Debug, Clone, PartialEq)]
pub struct ClientService {
    /// The exported name.
    pub name: SmolStr,
    /// Its `ServiceDef`.
    pub def: ServiceDef,
    /// Whether it has a default id (then `registerS(service)` is allowed).
    pub has_default_id: bool,
    /// Methods with their TypeScript function types.
    pub methods: Vec<(String, String)>,
}

impl ClientModule {
    /// `{"functions": {name: FunctionCallDef}, "services": {name: ServiceDef}}` as a JSON value
    /// (whose objects do not keep the fields' order).
    pub fn defs(&self) -> Json {
        let functions: Map<String, Json> =
            self.functions.iter().map(|f| (f.name.to_string(), json!(f.def))).collect();
        let services: Map<String, Json> =
            self.services.iter().map(|s| (s.name.to_string(), json!(s.def))).collect();
        json!({"functions": functions, "services": services})
    }
}

/// The client side of `program`, whose exported functions `compiled` holds (by exported name).
/// Fails on the first function or service that js-client cannot carry.
pub fn describe(
    program: &Program,
    compiled: &[CompiledFunction],
) -> Result<ClientModule, ClientError> {
    let (module, mut errors) = describe_lenient(program, compiled);
    if errors.is_empty() { Ok(module) } else { Err(errors.remove(0)) }
}

/// The client side of every export that js-client can carry, and an error for each other one
/// (for `meta.json`, which describes what it can).
pub fn describe_lenient(
    program: &Program,
    compiled: &[CompiledFunction],
) -> (ClientModule, Vec<ClientError>) {
    let mut module = ClientModule { services: Vec::new(), functions: Vec::new() };
    let mut errors = Vec::new();
    for export in &program.exports {
        match export.target {
            ExportTarget::Func(id) => {
                match exported_function(program, compiled, &export.name, id) {
                    Ok(function) => module.functions.push(function),
                    Err(error) => errors.push(error),
                }
            }
            ExportTarget::Service(id) => {
                let service = program
                    .services
                    .get(id.0 as usize)
                    .ok_or_else(|| ClientError::Dangling(export.name.clone()))
                    .and_then(|service| service_of(&export.name, service));
                match service {
                    Ok(service) => module.services.push(service),
                    Err(error) => errors.push(error),
                }
            }
            ExportTarget::Const(_) | ExportTarget::Type => {}
        }
    }
    (module, errors)
}

fn exported_function(
    program: &Program,
    compiled: &[CompiledFunction],
    name: &SmolStr,
    id: FuncId,
) -> Result<ClientFunction, ClientError> {
    let dangling = || ClientError::Dangling(name.clone());
    if RESERVED.contains(&name.as_str()) {
        return Err(ClientError::ReservedName(name.clone()));
    }
    let func = program.functions.get(id.0 as usize).ok_or_else(dangling)?;
    let air = compiled.iter().find(|c| c.meta.name == *name).ok_or_else(dangling)?;
    if !func.abilities.is_empty() {
        return Err(ClientError::Unsupported { item: name.clone(), ty: func.ty.to_string() });
    }
    let params: Vec<(SmolStr, Type)> =
        func.params.iter().map(|p| (p.name.clone(), p.ty.clone())).collect();
    let script = air_syntax::print_pretty(&air.air);
    function(name, &params, &func.ty.results, script)
}

fn function(
    name: &str,
    params: &[(SmolStr, Type)],
    results: &[Type],
    script: String,
) -> Result<ClientFunction, ClientError> {
    let def = FunctionCallDef::new(name, params, results)?;
    let capital = capitalise(name);
    let mut aliases = Vec::new();
    let mut ts_params = Vec::new();
    for (param, ty) in params {
        let mut text = ts_type(name, ty)?;
        if matches!(ty, Type::Struct(_)) {
            let alias = format!("{capital}Arg{}", capitalise(param));
            aliases.push((alias.clone(), text));
            text = alias;
        }
        ts_params.push((parameter_name(param), text));
    }
    let mut result = results_type(name, results)?;
    if results.len() > 1 || matches!(results, [Type::Struct(_)]) {
        let alias = format!("{capital}Result");
        aliases.push((alias.clone(), result));
        result = alias;
    }
    Ok(ClientFunction { name: name.into(), def, script, aliases, params: ts_params, result })
}

fn service_of(name: &str, service: &Service) -> Result<ClientService, ClientError> {
    let default_id = service.default_id.as_ref().and_then(|expr| match &expr.kind {
        ExprKind::Literal(literal) => match &**literal {
            Literal::String(id) => Some(id.as_str()),
            _ => None,
        },
        _ => None,
    });
    let def = ServiceDef::new(name, default_id, &service.ty.methods)?;
    let mut methods = Vec::new();
    for (method, arrow) in &service.ty.methods {
        let item = format!("{name}.{method}");
        let mut params = Vec::new();
        for (index, (param, ty)) in arrow.params.iter().enumerate() {
            let label = param.as_ref().map_or_else(|| format!("arg{index}"), |p| parameter_name(p));
            params.push(format!("{label}: {}", ts_type(&item, ty)?));
        }
        params.push(format!("callParams: {PARTICLE_CONTEXT}"));
        let result = results_type(&item, &arrow.results)?;
        methods.push((
            method.to_string(),
            format!("({}) => {result} | Promise<{result}>", params.join(", ")),
        ));
    }
    Ok(ClientService { name: name.into(), def, has_default_id: default_id.is_some(), methods })
}

/// `greet` → `Greet`.
fn capitalise(name: &str) -> String {
    let mut chars = name.chars();
    chars.next().map_or_else(String::new, |first| first.to_uppercase().chain(chars).collect())
}

/// A parameter name that cannot clash with the generated `peer` and `config` parameters nor
/// with a reserved word of JavaScript.
fn parameter_name(name: &str) -> String {
    if name == "peer" || name == "config" || RESERVED.contains(&name) {
        format!("{name}_")
    } else {
        name.to_owned()
    }
}

/// The reserved words of JavaScript, which cannot name a generated function or parameter.
const RESERVED: &[&str] = &[
    "await",
    "break",
    "case",
    "catch",
    "class",
    "const",
    "continue",
    "debugger",
    "default",
    "delete",
    "do",
    "else",
    "enum",
    "export",
    "extends",
    "false",
    "finally",
    "for",
    "function",
    "if",
    "implements",
    "import",
    "in",
    "instanceof",
    "interface",
    "let",
    "new",
    "null",
    "package",
    "private",
    "protected",
    "public",
    "return",
    "static",
    "super",
    "switch",
    "this",
    "throw",
    "true",
    "try",
    "typeof",
    "var",
    "void",
    "while",
    "with",
    "yield",
];
