//! The `json` service of nox (not declared in aqua-lib 0.10.2): build, extend, parse and print
//! JSON objects. Objects come out with sorted keys here; nox keeps insertion order.

use super::Outcome;
use super::args::{Args, Failure, Object, binary, unary};
use air_vm::value::JValue;

/// A `json` function, or `None` for an unknown one.
pub fn call(function: &str, args: &[JValue]) -> Option<Outcome> {
    let result = match function {
        "obj" => pairs(Object::new(), args.iter()),
        "put" => put(args),
        "puts" => puts(args),
        "parse" => unary::<String>(args).and_then(|text| parse(&text)),
        "stringify" => unary::<JValue>(args).map(|value| JValue::String(value.to_string())),
        "obj_pairs" => unary::<Vec<(String, JValue)>>(args)
            .map(|pairs| JValue::Object(pairs.into_iter().collect())),
        "puts_pairs" => binary::<JValue, Vec<(String, JValue)>>(args).and_then(puts_pairs),
        _ => return None,
    };
    Some(result.into())
}

/// Adds `key, value, key, value…` to `object`, with nox's (inverted) texts for an odd count.
fn pairs<'a>(
    mut object: Object,
    mut args: impl Iterator<Item = &'a JValue>,
) -> Result<JValue, Failure> {
    loop {
        match (args.next(), args.next()) {
            (Some(JValue::String(key)), Some(value)) => {
                object.insert(key.clone(), value.clone());
            }
            (Some(key), None) => {
                return Err(Failure::plain(format!(
                    "Expected odd number of arguments, got even. No value for key '{key}'"
                )));
            }
            (Some(key), Some(value)) => {
                return Err(Failure::plain(format!(
                    "All keys must be of type string. Key of the following pair is of invalid type: ({key}, {value})"
                )));
            }
            (None, _) => return Ok(JValue::Object(object)),
        }
    }
}

fn put(args: &[JValue]) -> Result<JValue, Failure> {
    let mut args = Args::new(args);
    let mut object: Object = args.next("object")?;
    let key: String = args.next("key")?;
    let value: JValue = args.next("value")?;
    object.insert(key, value);
    Ok(JValue::Object(object))
}

fn puts(args: &[JValue]) -> Result<JValue, Failure> {
    let object: Object = Args::new(args).next("object")?;
    pairs(object, args.iter().skip(1))
}

fn puts_pairs((object, pairs): (JValue, Vec<(String, JValue)>)) -> Result<JValue, Failure> {
    match object {
        JValue::Object(mut map) => {
            map.extend(pairs);
            Ok(JValue::Object(map))
        }
        other => Err(Failure::plain(format!("expected json object, got {other}"))),
    }
}

/// `parse(s)`: any JSON value; a failure is nox's eyre report with its cause.
fn parse(text: &str) -> Result<JValue, Failure> {
    serde_json::from_str(text).map_err(|error| {
        Failure(format!(
            "Error: error parsing json {text}\nerror parsing json {text}\n\nCaused by:\n    {error}"
        ))
    })
}
