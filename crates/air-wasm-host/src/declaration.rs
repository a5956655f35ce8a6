//! Aqua `service` declarations of components: generating one, and checking one against a component.

use std::fmt::Write;

use crate::types::{FunctionSignature, ServiceType, aqua_name};

/// A function as an Aqua `service` declaration states it, in component types.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExpectedFunction {
    /// The method name in Aqua.
    pub name: String,
    /// The parameter types, in order.
    pub params: Vec<ServiceType>,
    /// The result type, if any.
    pub result: Option<ServiceType>,
}

/// One difference between a declaration and a component.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DeclarationMismatch {
    /// The declaration names a function that the component does not export.
    #[error("the component exports no function `{function}`")]
    Missing {
        /// The declared method.
        function: String,
    },
    /// The parameter counts differ.
    #[error(
        "`{function}` takes {actual} argument(s) in the component, but {declared} in the declaration"
    )]
    Arity {
        /// The method.
        function: String,
        /// Parameters declared in Aqua.
        declared: usize,
        /// Parameters in the component.
        actual: usize,
    },
    /// A parameter's type differs.
    #[error(
        "argument {position} of `{function}` is `{actual}` in the component, but `{declared}` in the declaration"
    )]
    Param {
        /// The method.
        function: String,
        /// 1-based position.
        position: usize,
        /// Declared type.
        declared: String,
        /// Component type.
        actual: String,
    },
    /// The result types differ.
    #[error(
        "`{function}` returns `{actual}` in the component, but `{declared}` in the declaration"
    )]
    Result {
        /// The method.
        function: String,
        /// Declared result.
        declared: String,
        /// Component result.
        actual: String,
    },
}

/// Compares a declaration with a component's exports; an empty list means they agree. Functions
/// the component exports but the declaration omits are allowed.
pub fn check_declaration(
    declared: &[ExpectedFunction],
    actual: &[FunctionSignature],
) -> Vec<DeclarationMismatch> {
    let mut mismatches = Vec::new();
    for expected in declared {
        let Some(found) =
            actual.iter().find(|f| aqua_name(&f.name) == expected.name || f.name == expected.name)
        else {
            mismatches.push(DeclarationMismatch::Missing { function: expected.name.clone() });
            continue;
        };
        if found.params.len() != expected.params.len() {
            mismatches.push(DeclarationMismatch::Arity {
                function: expected.name.clone(),
                declared: expected.params.len(),
                actual: found.params.len(),
            });
            continue;
        }
        for (idx, (declared_ty, (_, actual_ty))) in
            expected.params.iter().zip(&found.params).enumerate()
        {
            if !same_type(declared_ty, actual_ty) {
                mismatches.push(DeclarationMismatch::Param {
                    function: expected.name.clone(),
                    position: idx + 1,
                    declared: declared_ty.to_string(),
                    actual: actual_ty.to_string(),
                });
            }
        }
        let same_result = match (&expected.result, &found.result) {
            (None, None) => true,
            (Some(a), Some(b)) => same_type(a, b),
            _ => false,
        };
        if !same_result {
            let show = |ty: &Option<ServiceType>| {
                ty.as_ref().map_or("()".to_string(), ToString::to_string)
            };
            mismatches.push(DeclarationMismatch::Result {
                function: expected.name.clone(),
                declared: show(&expected.result),
                actual: show(&found.result),
            });
        }
    }
    mismatches
}

/// Structural equality with record fields compared by their Aqua names, and `char` as `string`.
fn same_type(a: &ServiceType, b: &ServiceType) -> bool {
    use ServiceType as T;
    match (a, b) {
        (T::String | T::Char, T::String | T::Char) => true,
        (T::List(a), T::List(b)) | (T::Option(a), T::Option(b)) => same_type(a, b),
        (T::Record(a), T::Record(b)) => {
            a.len() == b.len()
                && a.iter()
                    .zip(b)
                    .all(|((na, ta), (nb, tb))| aqua_name(na) == aqua_name(nb) && same_type(ta, tb))
        }
        _ => a == b,
    }
}

/// A component's functions in Aqua spelling: snake_case names, Aqua type syntax (`[]u8`, `?T`),
/// and one `data` type per distinct record structure, named after where it first appears.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AquaInterface {
    /// The functions in export order.
    pub functions: Vec<AquaFunction>,
    /// The records in declaration order (a record's nested records come before it): name and
    /// fields with their Aqua type names.
    pub records: Vec<(String, Vec<(String, String)>)>,
}

/// One function of an [`AquaInterface`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AquaFunction {
    /// The Aqua name.
    pub name: String,
    /// Parameters: Aqua name and type.
    pub params: Vec<(String, String)>,
    /// The result type, if any.
    pub result: Option<String>,
}

/// The Aqua spelling of a component's exported functions.
pub fn aqua_interface(functions: &[FunctionSignature]) -> AquaInterface {
    let mut records = RecordNames::default();
    let functions = functions
        .iter()
        .map(|function| AquaFunction {
            name: aqua_name(&function.name),
            params: function
                .params
                .iter()
                .map(|(name, ty)| (aqua_name(name), records.type_name(ty, &pascal_case(name))))
                .collect(),
            result: function
                .result
                .as_ref()
                .map(|ty| records.type_name(ty, &format!("{}Result", pascal_case(&function.name)))),
        })
        .collect();
    AquaInterface { functions, records: records.declared }
}

/// Prints the Aqua declaration of a component: `data` types for its records, then the service.
pub fn aqua_declaration(service: &str, id: &str, functions: &[FunctionSignature]) -> String {
    let interface = aqua_interface(functions);
    let mut out = String::new();
    for (name, fields) in &interface.records {
        let _ = writeln!(out, "data {name}:");
        for (field, ty) in fields {
            let _ = writeln!(out, "  {field}: {ty}");
        }
        out.push('\n');
    }
    let _ = writeln!(out, "service {service}(\"{id}\"):");
    for function in &interface.functions {
        let params: Vec<String> =
            function.params.iter().map(|(name, ty)| format!("{name}: {ty}")).collect();
        let result = function.result.as_ref().map(|ty| format!(" -> {ty}")).unwrap_or_default();
        let _ = writeln!(out, "  {}({}){result}", function.name, params.join(", "));
    }
    out
}

/// Names for record types: one `data` declaration per distinct record structure.
#[derive(Default)]
struct RecordNames {
    /// Declared records in order: name and fields with their Aqua names and type names.
    declared: Vec<(String, Vec<(String, String)>)>,
    /// The structures already named.
    known: Vec<(Vec<(String, ServiceType)>, String)>,
}

impl RecordNames {
    /// The Aqua spelling of `ty`, declaring `data` types for records (named after `hint`).
    fn type_name(&mut self, ty: &ServiceType, hint: &str) -> String {
        match ty {
            ServiceType::List(inner) => format!("[]{}", self.type_name(inner, hint)),
            ServiceType::Option(inner) => format!("?{}", self.type_name(inner, hint)),
            ServiceType::Record(fields) => self.record_name(fields, hint),
            scalar => scalar.to_string(),
        }
    }

    fn record_name(&mut self, fields: &[(String, ServiceType)], hint: &str) -> String {
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
        let field_types: Vec<(String, String)> = fields
            .iter()
            .map(|(field, ty)| (aqua_name(field), self.type_name(ty, &pascal_case(field))))
            .collect();
        self.known.push((fields.to_vec(), name.clone()));
        self.declared.push((name.clone(), field_types));
        name
    }
}

/// `greet-many` → `GreetMany`.
fn pascal_case(name: &str) -> String {
    name.split(['-', '_'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}
