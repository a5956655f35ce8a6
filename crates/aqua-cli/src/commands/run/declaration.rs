//! Before a run: every Aqua `service` whose default id names a Wasm service of the network must
//! agree with the component's exports (names, argument counts and types, result), so that a
//! mismatch is reported at its declaration instead of as a failed call deep in a run.

use air_wasm_host::{DeclarationMismatch, ExpectedFunction, FunctionSignature, ServiceType};
use aqua_syntax::ast::{Literal, ScalarType};
use aqua_typecheck::tast;
use aqua_typecheck::types::Type;
use codespan_reporting::diagnostic::{Diagnostic, Label};

/// A component hosted as a service by a peer of the network.
pub struct HostedComponent {
    /// The service id it answers to.
    pub service_id: String,
    /// The peer hosting it.
    pub peer: String,
    /// The component file, as the network file names it.
    pub file: String,
    /// Its exported functions.
    pub functions: Vec<FunctionSignature>,
}

/// Diagnostics (code R001) for every declaration that disagrees with a component it targets.
pub fn check(program: &tast::Program, hosted: &[HostedComponent]) -> Vec<Diagnostic<usize>> {
    let mut diagnostics = Vec::new();
    for service in &program.services {
        let Some(id) = service.default_id.as_deref().and_then(string_value) else { continue };
        // One component file is checked once, however many peers host it.
        let mut seen: Vec<&str> = Vec::new();
        for component in hosted.iter().filter(|c| c.service_id == id) {
            if seen.contains(&component.file.as_str()) {
                continue;
            }
            seen.push(&component.file);
            let problems = compare(&service.ty, &component.functions);
            if problems.is_empty() {
                continue;
            }
            let span = service.span;
            diagnostics.push(
                Diagnostic::error()
                    .with_code("R001")
                    .with_message(format!(
                        "service `{}` does not match the WebAssembly component `{}` that peer `{}` hosts as `{id}`",
                        service.name, component.file, component.peer
                    ))
                    .with_labels(vec![
                        Label::primary(service.file, span.start as usize..span.end as usize)
                            .with_message("declared here"),
                    ])
                    .with_notes(problems),
            );
        }
    }
    diagnostics
}

/// The differences between a declaration and a component's exports, as readable lines.
fn compare(
    declared: &aqua_typecheck::types::ServiceType,
    actual: &[FunctionSignature],
) -> Vec<String> {
    let mut problems = Vec::new();
    let mut expected = Vec::new();
    for (name, arrow) in &declared.methods {
        let params: Result<Vec<ServiceType>, String> =
            arrow.params.iter().map(|(_, ty)| component_type(ty)).collect();
        let result = match arrow.results.as_slice() {
            [] => Ok(None),
            [one] => component_type(one).map(Some),
            _ => Err("several results".to_string()),
        };
        match (params, result) {
            (Ok(params), Ok(result)) => {
                expected.push(ExpectedFunction { name: name.to_string(), params, result })
            }
            (Err(why), _) | (_, Err(why)) => {
                problems.push(format!("`{name}` cannot be served by a component: {why}"))
            }
        }
    }
    problems.extend(
        air_wasm_host::check_declaration(&expected, actual)
            .iter()
            .map(DeclarationMismatch::to_string),
    );
    problems
}

/// The component type an Aqua type crosses the boundary as, or why there is none.
fn component_type(ty: &Type) -> Result<ServiceType, String> {
    Ok(match ty {
        Type::Scalar(scalar) => match scalar {
            ScalarType::U8 => ServiceType::U8,
            ScalarType::U16 => ServiceType::U16,
            ScalarType::U32 => ServiceType::U32,
            ScalarType::U64 => ServiceType::U64,
            ScalarType::I8 => ServiceType::I8,
            ScalarType::I16 => ServiceType::I16,
            ScalarType::I32 => ServiceType::I32,
            ScalarType::I64 => ServiceType::I64,
            ScalarType::F32 => ServiceType::F32,
            ScalarType::F64 => ServiceType::F64,
            ScalarType::Bool => ServiceType::Bool,
            ScalarType::String => ServiceType::String,
        },
        Type::Array(item) => ServiceType::List(Box::new(component_type(item)?)),
        Type::Option(item) => ServiceType::Option(Box::new(component_type(item)?)),
        Type::Struct(data) => ServiceType::Record(
            data.fields
                .iter()
                .map(|(name, ty)| Ok((name.to_string(), component_type(ty)?)))
                .collect::<Result<_, String>>()?,
        ),
        other => {
            return Err(format!("its type `{other}` has no component counterpart"));
        }
    })
}

/// The value of a string literal or string constant.
fn string_value(expr: &tast::Expr) -> Option<String> {
    match expr.literal()? {
        Literal::String(text) => Some(text.clone()),
        _ => None,
    }
}
