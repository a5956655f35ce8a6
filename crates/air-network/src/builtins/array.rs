//! The `array` service: `sum`, `dedup` and the set operations of `math.aqua`, plus nox's
//! `slice` and `length`. The set operations deduplicate and, unlike nox (whose order comes from
//! a randomly seeded hash set), keep the order of first appearance: `xs`, then `ys`.

use super::Outcome;
use super::args::{Failure, StringSet, binary, unary};
use super::op;
use air_vm::value::JValue;

/// An `array` function, or `None` for an unknown one.
pub fn call(function: &str, args: &[JValue]) -> Option<Outcome> {
    let result = match function {
        "sum" => unary::<Vec<i64>>(args).and_then(|xs| {
            let sum = xs.into_iter().try_fold(0i64, i64::checked_add);
            sum.map(JValue::from).ok_or_else(|| Failure::plain("i64 add overflow"))
        }),
        "dedup" => unary::<Vec<String>>(args).map(|xs| strings(StringSet::from(xs).0)),
        "intersect" => sets(args, |xs, ys| keep(xs, ys, true)),
        "diff" => sets(args, |xs, ys| keep(xs, ys, false)),
        "sdiff" => sets(args, |xs, ys| {
            let mut both = keep(xs, ys, false);
            both.extend(keep(ys, xs, false));
            both
        }),
        "slice" => slice(args),
        "length" => op::array_length(args),
        _ => return None,
    };
    Some(result.into())
}

impl From<Vec<String>> for StringSet {
    fn from(items: Vec<String>) -> StringSet {
        let mut unique: Vec<String> = Vec::with_capacity(items.len());
        for item in items {
            if !unique.contains(&item) {
                unique.push(item);
            }
        }
        StringSet(unique)
    }
}

fn sets(
    args: &[JValue],
    operation: impl Fn(&[String], &[String]) -> Vec<String>,
) -> Result<JValue, Failure> {
    let (StringSet(xs), StringSet(ys)) = binary::<StringSet, StringSet>(args)?;
    Ok(strings(operation(&xs, &ys)))
}

/// The items of `xs` that are (or are not) in `ys`, in the order of `xs`.
fn keep(xs: &[String], ys: &[String], inside: bool) -> Vec<String> {
    xs.iter().filter(|x| ys.contains(x) == inside).cloned().collect()
}

fn strings(items: Vec<String>) -> JValue {
    JValue::Array(items.into_iter().map(JValue::String).collect())
}

/// `slice(array, start, end)`: `array[start..end)`. An empty array gives `[]` before the
/// indexes are looked at (nox's order of checks).
fn slice(args: &[JValue]) -> Result<JValue, Failure> {
    let [array, start, end] = args else {
        return Err(Failure::plain(
            "invalid number of parameters. need array, start index and end index",
        ));
    };
    let array = match array {
        JValue::Array(items) if items.is_empty() => return Ok(JValue::Array(Vec::new())),
        JValue::Array(items) => items,
        other => {
            return Err(Failure::plain(format!("first argument must be an array, was {other}")));
        }
    };
    let Some(start_index) = start.as_u64() else {
        return Err(Failure::plain(format!(
            "second argument (start index) must be an unsigned integer, was {start}"
        )));
    };
    let Some(end_index) = end.as_u64() else {
        return Err(Failure::plain(format!(
            "third argument (end index) must be an unsigned integer, was {end}"
        )));
    };
    let length = array.len() as u64;
    if start_index > end_index || end_index > length {
        return Err(Failure::plain(format!(
            "slice indexes out of bounds. start index: {start_index}, end index: {end_index}, array length: {length}"
        )));
    }
    Ok(JValue::Array(array[start_index as usize..end_index as usize].to_vec()))
}
