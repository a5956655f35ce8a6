//! `math` and `cmp` as nox computes them (its particle built-ins): exactly two
//! arguments, strictly decoded i64 (a float, a string or a u64 above i64::MAX is a decoding
//! error), checked arithmetic that never wraps, truncating division, and nox's quirks: `sub`
//! negates its second operand first (so `sub(x, i64::MIN)` is always `i64 neg overflow`),
//! `fmul` floors and saturates.

use super::Outcome;
use super::args::{Failure, binary};
use air_vm::value::JValue;

/// A `math` function, or `None` for an unknown one.
pub fn math(function: &str, args: &[JValue]) -> Option<Outcome> {
    let result = match function {
        "add" => int(args, |x, y| x.checked_add(y).ok_or("i64 add overflow")),
        "sub" => int(args, sub),
        "mul" => int(args, |x, y| x.checked_mul(y).ok_or("i64 mul overflow")),
        "div" => int(args, |x, y| x.checked_div(y).ok_or("i64 div overflow")),
        "rem" => int(args, |x, y| x.checked_rem(y).ok_or("i64 rem overflow")),
        "pow" => binary::<i64, u32>(args).and_then(|(x, y)| {
            x.checked_pow(y).map(JValue::from).ok_or_else(|| Failure::plain("i64 pow overflow"))
        }),
        "log" => binary::<i64, i64>(args).and_then(|(x, y)| {
            y.checked_ilog(x).map(JValue::from).ok_or_else(|| Failure::plain("i64 log overflow"))
        }),
        "fmul" => binary::<f64, f64>(args).map(|(x, y)| JValue::from((x * y).floor() as i64)),
        _ => return None,
    };
    Some(result.into())
}

/// A `cmp` function, or `None` for an unknown one.
pub fn cmp(function: &str, args: &[JValue]) -> Option<Outcome> {
    let compare: fn(i64, i64) -> JValue = match function {
        "gt" => |x, y| (x > y).into(),
        "gte" => |x, y| (x >= y).into(),
        "lt" => |x, y| (x < y).into(),
        "lte" => |x, y| (x <= y).into(),
        "cmp" => |x, y| (x.cmp(&y) as i8).into(),
        _ => return None,
    };
    Some(binary::<i64, i64>(args).map(|(x, y)| compare(x, y)).into())
}

/// `x - y` as nox computes it: `x + (-y)`, each step checked.
fn sub(x: i64, y: i64) -> Result<i64, &'static str> {
    let y = y.checked_neg().ok_or("i64 neg overflow")?;
    x.checked_add(y).ok_or("i64 add overflow")
}

fn int(
    args: &[JValue],
    operation: impl Fn(i64, i64) -> Result<i64, &'static str>,
) -> Result<JValue, Failure> {
    let (x, y) = binary::<i64, i64>(args)?;
    operation(x, y).map(JValue::from).map_err(Failure::plain)
}
