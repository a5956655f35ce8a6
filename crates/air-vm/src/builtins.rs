//! Built-in services answered as a Fluence peer answers them: `math` and `cmp` (i64, checked,
//! as the reference oracle computes them), and a few of `op` and `peer` for local runs.
//!
//! A service answer is `Ok(value)` or `Err((ret_code, message))`; `None` means no such built-in.

use crate::value::JValue;

/// A built-in service's answer.
pub type Answer = Result<JValue, (i32, JValue)>;

/// The `math` and `cmp` services, as the reference oracle answers calls no mock covers.
pub fn math_cmp(service: &str, function: &str, args: &[JValue]) -> Option<Answer> {
    if service != "math" && service != "cmp" {
        return None;
    }
    let fail = |message: String| Some(Err((1, JValue::String(message))));
    if args.len() != 2 {
        return fail(format!("expected 2 arguments, got {}", args.len()));
    }
    if service == "math" && function == "fmul" {
        let product = args[0].as_f64().unwrap_or(f64::NAN) * args[1].as_f64().unwrap_or(f64::NAN);
        let floored = product.floor();
        return Some(Ok(serde_json::Number::from_f64(floored).map_or(JValue::Null, |number| {
            if floored.abs() < 9.0e15 {
                JValue::from(floored as i64)
            } else {
                JValue::Number(number)
            }
        })));
    }
    let (Some(x), Some(y)) = (as_integer(&args[0]), as_integer(&args[1])) else {
        return fail(format!("expected i64, got {}", JValue::Array(args.to_vec())));
    };
    let checked = |value: Option<i128>, op: &str| match value {
        Some(value) if i64::try_from(value).is_ok() => Some(Ok(JValue::from(value as i64))),
        _ => fail(format!("i64 {op} overflow")),
    };
    let (x, y) = (i128::from(x), i128::from(y));
    match (service, function) {
        ("math", "add") => checked(x.checked_add(y), "add"),
        ("math", "sub") => checked(x.checked_sub(y), "add"),
        ("math", "mul") => checked(x.checked_mul(y), "mul"),
        ("math", "div") => checked(if y == 0 { None } else { x.checked_div(y) }, "div"),
        ("math", "rem") => checked(if y == 0 { None } else { x.checked_rem(y) }, "rem"),
        ("math", "pow") => {
            if y < 0 {
                return fail("expected u32".into());
            }
            checked(u32::try_from(y).ok().and_then(|y| x.checked_pow(y)), "pow")
        }
        ("cmp", "gt") => Some(Ok((x > y).into())),
        ("cmp", "gte") => Some(Ok((x >= y).into())),
        ("cmp", "lt") => Some(Ok((x < y).into())),
        ("cmp", "lte") => Some(Ok((x <= y).into())),
        ("cmp", "cmp") => Some(Ok(JValue::from(x.cmp(&y) as i64))),
        _ => None,
    }
}

/// `op` and `peer` functions a local peer answers, beyond `math` and `cmp`.
pub fn local(
    service: &str,
    function: &str,
    args: &[JValue],
    peer_id: &str,
    timestamp: u64,
) -> Option<Answer> {
    if let Some(answer) = math_cmp(service, function, args) {
        return Some(answer);
    }
    let answer = match (service, function) {
        ("op", "noop") => JValue::Null,
        ("op", "identity") => args.first().cloned().unwrap_or(JValue::Null),
        ("op", "array") => JValue::Array(args.to_vec()),
        ("op", "array_length") => match args.first() {
            Some(JValue::Array(items)) => items.len().into(),
            _ => return Some(Err((1, "array_length expects an array".into()))),
        },
        ("op", "concat_strings") => {
            JValue::String(args.iter().filter_map(JValue::as_str).collect::<String>())
        }
        ("op", "concat") => {
            let items = args.iter().filter_map(JValue::as_array).flatten().cloned();
            JValue::Array(items.collect())
        }
        ("peer", "timestamp_ms") => timestamp.into(),
        ("peer", "timestamp_sec") => (timestamp / 1000).into(),
        ("peer", "identify") => serde_json::json!({"external_addresses": [], "peer_id": peer_id}),
        _ => return None,
    };
    Some(Ok(answer))
}

fn as_integer(value: &JValue) -> Option<i64> {
    match value {
        JValue::Number(number) => number.as_i64().or_else(|| {
            let float = number.as_f64()?;
            (float.fract() == 0.0 && float.abs() < 9.2e18).then_some(float as i64)
        }),
        _ => None,
    }
}
