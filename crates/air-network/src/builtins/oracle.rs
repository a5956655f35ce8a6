//! `math` and `cmp` as the reference oracle (Fluence's AquaVM over simulated peers) answers calls no mock
//! covers: i64, checked, with the oracle's texts. The scenario driver uses this so that its runs
//! match the oracle's; the simulated network answers as nox does (`math.rs`).

use super::Answer;
use air_vm::value::JValue;

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

fn as_integer(value: &JValue) -> Option<i64> {
    match value {
        JValue::Number(number) => number.as_i64().or_else(|| {
            let float = number.as_f64()?;
            (float.fract() == 0.0 && float.abs() < 9.2e18).then_some(float as i64)
        }),
        _ => None,
    }
}
