//! TypeScript text of Aqua types as js-client passes them: numbers for every numeric scalar,
//! `T | null` for options, arrays for arrays and streams, object types for structures, and
//! functions taking a trailing `ParticleContext` for callbacks. `⊤` is `any`, as in the
//! reference's code: with `unknown`, an app's callback or service handler typed with its own
//! parameter types, or code reading a `⊤` result, would compile against the reference's output
//! and not against ours. `⊥` is `never` (the reference writes `nothing`, a name TypeScript does
//! not know).

use aqua_typecheck::types::{ScalarType, Type};

use crate::error::ClientError;

/// The alias under which generated code imports js-client's `ParticleContext`.
pub const PARTICLE_CONTEXT: &str = "ParticleContext$$";

/// The TypeScript type of a value of type `ty` (`item` names the function, for the error).
pub fn ts_type(item: &str, ty: &Type) -> Result<String, ClientError> {
    let unsupported = || ClientError::Unsupported { item: item.into(), ty: ty.to_string() };
    Ok(match ty {
        Type::Scalar(ScalarType::String) => "string".to_owned(),
        Type::Scalar(ScalarType::Bool) => "boolean".to_owned(),
        Type::Scalar(_) => "number".to_owned(),
        Type::Array(inner) | Type::Stream(inner) => format!("{}[]", element(item, inner)?),
        Type::Option(inner) => format!("{} | null", ts_type(item, inner)?),
        Type::Struct(data) => {
            let mut text = String::from("{ ");
            for (field, field_ty) in &data.fields {
                text.push_str(&format!("{field}: {}; ", ts_type(item, field_ty)?));
            }
            text.push('}');
            text
        }
        Type::Arrow(arrow) => {
            if !arrow.abilities.is_empty() {
                return Err(unsupported());
            }
            let mut params = Vec::new();
            for (index, (_, param)) in arrow.params.iter().enumerate() {
                params.push(format!("arg{index}: {}", ts_type(item, param)?));
            }
            params.push(format!("callParams: {PARTICLE_CONTEXT}"));
            let result = results_type(item, &arrow.results)?;
            format!("({}) => {result} | Promise<{result}>", params.join(", "))
        }
        Type::Top => "any".to_owned(),
        Type::Bottom => "never".to_owned(),
        Type::Literal(_)
        | Type::StreamMap(_)
        | Type::Ability(_)
        | Type::Service(_)
        | Type::Error => return Err(unsupported()),
    })
}

/// The type of what a function or callback returns: `void`, one type, or a tuple.
pub fn results_type(item: &str, results: &[Type]) -> Result<String, ClientError> {
    match results {
        [] => Ok("void".to_owned()),
        [one] => ts_type(item, one),
        many => {
            let items = many.iter().map(|ty| ts_type(item, ty)).collect::<Result<Vec<_>, _>>()?;
            Ok(format!("[{}]", items.join(", ")))
        }
    }
}

/// An array element: unions and function types need parentheses before `[]`.
fn element(item: &str, ty: &Type) -> Result<String, ClientError> {
    let text = ts_type(item, ty)?;
    Ok(if matches!(ty, Type::Option(_) | Type::Arrow(_)) { format!("({text})") } else { text })
}
