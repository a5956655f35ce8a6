//! What "agree" means for four runs of one program: the reference compiler's AIR and ours, each
//! on AquaVM and on our VM.
//!
//! - The same AIR on the two VMs: identical runs, i.e. the same calls in the same order (peer,
//!   service, function, arguments, return code, result), the same failed steps with the same
//!   messages, the same number of hops (both drivers deliver first in, first out and queue a
//!   step's next peers in name order).
//! - The two compilers' AIR on AquaVM: the same calls as a multiset, which includes the client's
//!   result (`callbackSrv.response`), its error (`errorHandlingSrv.error`) and its callbacks.
//!   Left out, because each compiler names its own variables: the `instruction` of an error object
//!   (the failing AIR instruction's text), also where a message quotes an error object. The hops
//!   and the order of calls on different peers may differ.

use serde_json::Value;

/// Differences between two runs of the same AIR on AquaVM (`theirs`) and on our VM (`ours`).
pub fn same_air(which: &str, theirs: &Value, ours: &Value) -> Vec<String> {
    let mut problems = Vec::new();
    let empty = Vec::new();
    let want = theirs["calls"].as_array().unwrap_or(&empty);
    let got = ours["calls"].as_array().unwrap_or(&empty);
    if let Some(index) = (0..want.len().max(got.len())).find(|&i| want.get(i) != got.get(i)) {
        let show = |call: Option<&Value>| call.map_or("(none)".to_owned(), Value::to_string);
        problems.push(format!(
            "{which}: calls differ from call {index} on ({} on AquaVM, {} on ours)\n    AquaVM: {}\n    ours:   {}",
            want.len(),
            got.len(),
            show(want.get(index)),
            show(got.get(index))
        ));
    }
    for field in ["errors", "hops"] {
        let (want, got) = if field == "errors" {
            (comparable_errors(&theirs[field]), comparable_errors(&ours[field]))
        } else {
            (theirs[field].clone(), ours[field].clone())
        };
        if want != got {
            problems.push(format!(
                "{which}: {field} differ\n    AquaVM: {}\n    ours:   {}",
                theirs[field], ours[field]
            ));
        }
    }
    problems
}

/// Failed steps, compared by peer and code. Messages are compared too, except two kinds whose
/// text is AquaVM's own rendering (docs/differences.md): a script that does not parse (a drawn
/// source picture of its parser's diagnostics; the reference compiler emits such scripts,
/// `:error:_flat`) and the uncatchable errors (codes 20000 and up: trace and data faults, quoting
/// content ids and Rust debug forms of AquaVM's states).
fn comparable_errors(errors: &Value) -> Value {
    let errors = errors.as_array().into_iter().flatten();
    Value::Array(
        errors
            .map(|error| {
                let unparsed =
                    error["message"].as_str().is_some_and(|m| m.starts_with("air can't be parsed"));
                let uncatchable = error["ret_code"].as_i64().is_some_and(|code| code >= 20000);
                let mut error = error.clone();
                if unparsed || uncatchable {
                    error["message"] = Value::Null;
                }
                error
            })
            .collect(),
    )
}

/// Differences between the reference AIR's run and ours, both on AquaVM.
pub fn across_compilers(theirs: &Value, ours: &Value) -> Vec<String> {
    let (want, got) = (call_multiset(theirs), call_multiset(ours));
    if want == got {
        return Vec::new();
    }
    let missing = multiset_minus(&want, &got);
    let extra = multiset_minus(&got, &want);
    let lines =
        |calls: &[&String]| calls.iter().map(|c| format!("\n      {c}")).collect::<String>();
    vec![format!(
        "our AIR on AquaVM: calls differ from the reference AIR's\n    only the reference's:{}\n    only ours:{}",
        lines(&missing),
        lines(&extra)
    )]
}

/// The items of sorted `all` left after removing those of sorted `taken`, each as many times as
/// it occurs (a call made twice by one run and once by the other is listed once).
fn multiset_minus<'a>(all: &'a [String], taken: &[String]) -> Vec<&'a String> {
    let mut taken = taken.iter().peekable();
    let mut left = Vec::new();
    for item in all {
        while taken.next_if(|t| *t < item).is_some() {}
        if taken.next_if(|t| *t == item).is_none() {
            left.push(item);
        }
    }
    left
}

/// A run's calls, comparable across compilers, sorted.
pub fn call_multiset(summary: &Value) -> Vec<String> {
    let calls = summary["calls"].as_array().into_iter().flatten();
    let mut calls: Vec<String> = calls.map(|call| comparable(call).to_string()).collect();
    calls.sort();
    calls
}

/// A value with every error object's `instruction` removed, at any depth and where a message
/// quotes an error object.
pub fn comparable(value: &Value) -> Value {
    match value {
        Value::Array(items) => Value::Array(items.iter().map(comparable).collect()),
        Value::Object(map) => Value::Object(
            map.iter()
                .filter(|(key, _)| key.as_str() != "instruction")
                .map(|(key, value)| (key.clone(), comparable(value)))
                .collect(),
        ),
        Value::String(text) => Value::String(without_quoted_instructions(text)),
        other => other.clone(),
    }
}

/// `text` without the `"instruction":"…"` members of the error objects it quotes, at any depth
/// of quoting: an error rethrown by `fail` quotes the error it wraps in its message, so each
/// level of rethrowing escapes the one inside once more.
fn without_quoted_instructions(text: &str) -> String {
    let mut out = text.to_owned();
    // At quoting level `k` a quote is written as 2^k - 1 backslashes and `"`.
    for level in 0..MAX_QUOTING {
        let quote = format!("{}\"", "\\".repeat((1 << level) - 1));
        let open = format!("{quote}instruction{quote}:{quote}");
        let mut from = 0;
        while let Some(found) = out[from..].find(&open) {
            let start = from + found;
            // A quote of a deeper level ends with this one: it has a backslash before it.
            if out[..start].ends_with('\\') {
                from = start + open.len();
                continue;
            }
            let value_start = start + open.len();
            let Some(end) = closing_quote(&out[value_start..], &quote) else { break };
            let mut cut = value_start + end + quote.len();
            if out[cut..].starts_with(',') {
                cut += 1;
            }
            out.replace_range(start..cut, "");
            from = start;
        }
    }
    out
}

/// The deepest quoting of error objects in messages that [`without_quoted_instructions`] looks
/// at (a quote then takes 31 backslashes).
const MAX_QUOTING: u32 = 6;

/// Where the quoted value ends: the first `quote` of exactly its level (no backslash before it:
/// the quotes of deeper levels, and the AIR text's own quotes, have one). AIR strings have no
/// escapes, so an instruction's text holds no backslash of its own.
fn closing_quote(value: &str, quote: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(found) = value[from..].find(quote) {
        let index = from + found;
        if !value[..index].ends_with('\\') {
            return Some(index);
        }
        from = index + 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instructions_are_left_out_at_any_depth_and_in_quoted_errors() {
        let value = serde_json::json!([{"message": "m", "instruction": "call a", "x": [
            {"instruction": "b"}]}, "error {\"instruction\":\"call \\\"s\\\" x\",\"code\":1}"]);
        let want = serde_json::json!([{"message": "m", "x": [{}]}, "error {\"code\":1}"]);
        assert_eq!(comparable(&value), want);
    }

    /// An error rethrown three times by `fail`: in the outer message, the service error is
    /// quoted at the second level.
    fn rethrown_thrice(instruction: Option<&str>) -> Value {
        let mut inner = serde_json::json!({"error_code": 10000, "message": "Local service error"});
        if let Some(instruction) = instruction {
            inner["instruction"] = Value::String(instruction.to_owned());
        }
        let wrap = |error: &Value| {
            let message = format!("fail with '{error}' is used without corresponding xor");
            serde_json::json!({"error_code": 10006, "message": message})
        };
        wrap(&wrap(&wrap(&inner)))
    }

    #[test]
    fn instructions_are_left_out_of_errors_quoted_again_and_again() {
        let with_ours = rethrown_thrice(Some("call %init_peer_id% (\"svc\" \"fail\") [x] v22"));
        let with_theirs =
            rethrown_thrice(Some("call %init_peer_id% (\"svc\" \"fail\") [-x-arg-] ret"));
        let without = rethrown_thrice(None);
        assert_ne!(with_ours, without);
        assert_eq!(comparable(&with_ours), without);
        assert_eq!(comparable(&with_theirs), without);
    }

    #[test]
    fn a_call_made_more_often_by_one_run_is_listed_as_often_as_it_is_extra() {
        let calls = |names: &[&str]| -> Value {
            let calls: Vec<Value> =
                names.iter().map(|name| serde_json::json!({"function": name})).collect();
            serde_json::json!({ "calls": calls })
        };
        let theirs = calls(&["noop", "text"]);
        let ours = calls(&["noop", "noop", "noop", "text"]);
        let problems = across_compilers(&theirs, &ours);
        assert_eq!(problems.len(), 1);
        let extra = problems[0].split("only ours:").nth(1).unwrap_or_default();
        assert_eq!(extra.matches("noop").count(), 2, "{}", problems[0]);
        assert!(!problems[0].contains("text"), "{}", problems[0]);
        assert!(across_compilers(&ours, &ours).is_empty());
    }
}
