//! Conversion between JSON values and component values, guided by the declared types.

use serde_json::{Map, Number, Value as Json};
use wasmtime::component::Val;

use crate::types::{ServiceType, aqua_name};

/// Converts a JSON argument into a component value of type `ty`.
pub fn json_to_val(json: &Json, ty: &ServiceType) -> Result<Val, String> {
    let mismatch = || format!("expected {ty}, got {}", describe(json));
    Ok(match ty {
        ServiceType::Bool => Val::Bool(json.as_bool().ok_or_else(mismatch)?),
        ServiceType::U8 => Val::U8(unsigned(json, ty)?),
        ServiceType::U16 => Val::U16(unsigned(json, ty)?),
        ServiceType::U32 => Val::U32(unsigned(json, ty)?),
        ServiceType::U64 => Val::U64(unsigned(json, ty)?),
        ServiceType::I8 => Val::S8(signed(json, ty)?),
        ServiceType::I16 => Val::S16(signed(json, ty)?),
        ServiceType::I32 => Val::S32(signed(json, ty)?),
        ServiceType::I64 => Val::S64(signed(json, ty)?),
        ServiceType::F32 => Val::Float32(json.as_f64().ok_or_else(mismatch)? as f32),
        ServiceType::F64 => Val::Float64(json.as_f64().ok_or_else(mismatch)?),
        ServiceType::String => Val::String(json.as_str().ok_or_else(mismatch)?.to_string()),
        ServiceType::Char => {
            let text = json.as_str().ok_or_else(mismatch)?;
            let mut chars = text.chars();
            match (chars.next(), chars.next()) {
                (Some(ch), None) => Val::Char(ch),
                _ => {
                    return Err(format!(
                        "expected a string of one character, got {}",
                        describe(json)
                    ));
                }
            }
        }
        ServiceType::List(inner) => {
            let items = json.as_array().ok_or_else(mismatch)?;
            Val::List(items.iter().map(|item| json_to_val(item, inner)).collect::<Result<_, _>>()?)
        }
        ServiceType::Option(inner) => option_to_val(json, inner)?,
        ServiceType::Record(fields) => {
            let object = json.as_object().ok_or_else(mismatch)?;
            let mut values = Vec::with_capacity(fields.len());
            for (name, field_ty) in fields {
                let field = object
                    .get(&aqua_name(name))
                    .or_else(|| object.get(name))
                    .ok_or_else(|| format!("missing field `{}`", aqua_name(name)))?;
                let value = json_to_val(field, field_ty)
                    .map_err(|e| format!("field `{}`: {e}", aqua_name(name)))?;
                values.push((name.clone(), value));
            }
            Val::Record(values)
        }
    })
}

/// Aqua passes options as arrays of zero or one element; `null` and a bare value are accepted too.
fn option_to_val(json: &Json, inner: &ServiceType) -> Result<Val, String> {
    let element = match json {
        Json::Null => None,
        Json::Array(items) if items.is_empty() => None,
        Json::Array(items) if items.len() == 1 && !matches!(inner, ServiceType::List(_)) => {
            Some(&items[0])
        }
        Json::Array(items) if items.len() > 1 => {
            return Err(format!(
                "an option holds at most one value, got an array of {}",
                items.len()
            ));
        }
        other => Some(other),
    };
    Ok(Val::Option(match element {
        None => None,
        Some(value) => Some(Box::new(json_to_val(value, inner)?)),
    }))
}

fn unsigned<T: TryFrom<u64>>(json: &Json, ty: &ServiceType) -> Result<T, String> {
    let value = json.as_u64().ok_or_else(|| format!("expected {ty}, got {}", describe(json)))?;
    T::try_from(value).map_err(|_| format!("{value} does not fit in {ty}"))
}

fn signed<T: TryFrom<i64>>(json: &Json, ty: &ServiceType) -> Result<T, String> {
    let value = json.as_i64().ok_or_else(|| format!("expected {ty}, got {}", describe(json)))?;
    T::try_from(value).map_err(|_| format!("{value} does not fit in {ty}"))
}

fn describe(json: &Json) -> String {
    let text = json.to_string();
    if text.len() > 40 { format!("{}…", &text[..text.floor_char_boundary(40)]) } else { text }
}

/// Converts a component result into JSON, as a Fluence peer returns it (options as arrays).
pub fn val_to_json(val: &Val) -> Result<Json, String> {
    Ok(match val {
        Val::Bool(b) => Json::Bool(*b),
        Val::U8(n) => Json::from(*n),
        Val::U16(n) => Json::from(*n),
        Val::U32(n) => Json::from(*n),
        Val::U64(n) => Json::from(*n),
        Val::S8(n) => Json::from(*n),
        Val::S16(n) => Json::from(*n),
        Val::S32(n) => Json::from(*n),
        Val::S64(n) => Json::from(*n),
        Val::Float32(x) => float(f64::from(*x))?,
        Val::Float64(x) => float(*x)?,
        Val::Char(ch) => Json::String(ch.to_string()),
        Val::String(text) => Json::String(text.clone()),
        Val::List(items) => Json::Array(items.iter().map(val_to_json).collect::<Result<_, _>>()?),
        Val::Option(None) => Json::Array(Vec::new()),
        Val::Option(Some(inner)) => Json::Array(vec![val_to_json(inner)?]),
        Val::Record(fields) => {
            let mut object = Map::new();
            for (name, value) in fields {
                object.insert(aqua_name(name), val_to_json(value)?);
            }
            Json::Object(object)
        }
        other => return Err(format!("unsupported component value {other:?}")),
    })
}

fn float(x: f64) -> Result<Json, String> {
    Number::from_f64(x).map(Json::Number).ok_or_else(|| format!("{x} is not a finite number"))
}
