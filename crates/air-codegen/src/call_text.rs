//! The text of a call, `f(a, "x", 3)`, as `aqua compile --call` and `aqua run -f` take it: the
//! function's name and each argument as written, with their byte ranges in the text (for
//! diagnostics that point into it), and each argument read as the wrapper passes it (a name from
//! the data, a literal, an array of them). Commas inside strings and brackets do not split
//! arguments.

use std::ops::Range;

use air_syntax::ast::Value;
use smol_str::SmolStr;

use crate::build;
use crate::error::{LowerError, Result};

/// A call split into its name and arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallText<'c> {
    /// The function's name.
    pub name: &'c str,
    /// Where the name stands in the text.
    pub name_range: Range<usize>,
    /// The arguments as written (trimmed), each with where it stands.
    pub args: Vec<(&'c str, Range<usize>)>,
}

/// Splits `f(a, "x", 3)`; `None` when the text has no `name(` … `)` shape.
pub fn split_call(text: &str) -> Option<CallText<'_>> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    if close < open || !text[close + 1..].trim().is_empty() {
        return None;
    }
    let name_start = text.len() - text.trim_start().len();
    let name = text[name_start..open].trim_end();
    let mut args = Vec::new();
    let (mut start, mut quoted, mut depth) = (open + 1, false, 0usize);
    for (index, c) in text[open + 1..close].char_indices().map(|(i, c)| (i + open + 1, c)) {
        match c {
            '"' => quoted = !quoted,
            '[' if !quoted => depth += 1,
            ']' if !quoted => depth = depth.saturating_sub(1),
            ',' if !quoted && depth == 0 => {
                push_arg(text, start..index, &mut args);
                start = index + 1;
            }
            _ => {}
        }
    }
    push_arg(text, start..close, &mut args);
    Some(CallText { name, name_range: name_start..name_start + name.len(), args })
}

/// Whether the code generator can pass `text` as an argument of a call: a name (from the
/// call's data), a literal (`"s"` without an inner quote, a number that AIR can carry, `true`,
/// `false`, `nil`), or an array of arguments. What `aqua run` checks before it compiles the call.
pub fn is_readable_argument(text: &str) -> bool {
    script_arg(text, 0).is_some()
}

/// Whether `name` can name the called function: ASCII letters, digits and `_`, not empty.
pub fn is_function_name(name: &str) -> bool {
    !name.is_empty() && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
}

fn push_arg<'c>(text: &'c str, range: Range<usize>, args: &mut Vec<(&'c str, Range<usize>)>) {
    let raw = &text[range.clone()];
    let arg = raw.trim();
    if arg.is_empty() {
        return;
    }
    let start = range.start + (raw.len() - raw.trim_start().len());
    args.push((arg, start..start + arg.len()));
}

/// One argument of the script: fetched by name from `getDataSrv`, or a literal (`--call`).
#[derive(Debug, Clone)]
pub(crate) enum ScriptArg {
    /// `getDataSrv "<name>"`.
    Data(SmolStr),
    /// A literal written in the call.
    Literal(Value),
    /// An array written in the call (`[1, "a", x]`), element by element.
    Array(Vec<ScriptArg>),
}

/// Parses `f(a, "lit", 3)` into the function name and its arguments.
pub(crate) fn parse_call(text: &str) -> Result<(String, Vec<ScriptArg>)> {
    let bad = || LowerError::BadCall(text.to_owned());
    let call = split_call(text).ok_or_else(bad)?;
    let name = call.name;
    if !is_function_name(name) {
        return Err(bad());
    }
    let mut args = Vec::new();
    for (part, _) in call.args {
        args.push(script_arg(part, 0).ok_or_else(bad)?);
    }
    Ok((name.to_owned(), args))
}

/// Arrays nested deeper than this in a call are refused (no recursion without a bound).
const MAX_ARRAY_DEPTH: usize = 32;

/// One argument of a call: a name, a literal (`"s"`, `3`, `1.5`, `true`, `nil`) or an array of
/// arguments.
fn script_arg(text: &str, depth: usize) -> Option<ScriptArg> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if depth >= MAX_ARRAY_DEPTH {
            return None;
        }
        // The elements are split as the arguments of a call are.
        let call = format!("a({inner})");
        let elements = split_call(&call)?;
        return elements
            .args
            .iter()
            .map(|(element, _)| script_arg(element, depth + 1))
            .collect::<Option<Vec<_>>>()
            .map(ScriptArg::Array);
    }
    if text == "nil" {
        return Some(ScriptArg::Array(Vec::new()));
    }
    if text.chars().next().is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && text != "true"
        && text != "false"
    {
        return text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
            .then(|| ScriptArg::Data(text.into()));
    }
    literal(text).map(ScriptArg::Literal)
}

fn literal(text: &str) -> Option<Value> {
    match text {
        "true" => return Some(build::boolean(true)),
        "false" => return Some(build::boolean(false)),
        _ => {}
    }
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        // An AIR string has no escapes: a quote inside would end it (`"a" "b"` is two strings).
        return (!inner.contains('"')).then(|| build::string(inner));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(build::int(n));
    }
    // Only floats AquaVM can read back are written as AIR literals (`-inf` and `1e400` parse as
    // floats, `0.30000000000000004` is too long).
    text.parse::<f64>()
        .ok()
        .filter(|f| air_syntax::float_fits(*f))
        .map(|f| Value::new(air_syntax::ast::ValueKind::Float(f), air_syntax::ast::Span::DUMMY))
}

#[cfg(test)]
mod tests {
    use super::{is_function_name, is_readable_argument, split_call};

    #[test]
    fn readable_arguments_are_names_literals_and_arrays_of_them() {
        for text in ["who", "\"a, b\"", "3", "-7", "1.5", "true", "nil", "[1, who, [\"x\"]]", "[]"]
        {
            assert!(is_readable_argument(text), "{text} should be readable");
        }
        // A quote inside a string would end the AIR string; `-inf` and long floats do not lex
        // in AIR; fields, expressions and calls are not arguments.
        for text in
            ["\"a\" \"b\"", "-inf", "1e400", "0.30000000000000004", "u.name", "1 + 2", "f(x)"]
        {
            assert!(!is_readable_argument(text), "{text} should not be readable");
        }
        assert!(
            is_function_name("greet_2") && !is_function_name("gr-eet") && !is_function_name("")
        );
    }

    #[test]
    fn splits_at_top_level_commas_only() {
        let call = split_call(r#" greet(who, "a, b", [1, 2], 3) "#).expect("a call");
        assert_eq!(call.name, "greet");
        assert_eq!(call.name_range, 1..6);
        let args: Vec<&str> = call.args.iter().map(|(arg, _)| *arg).collect();
        assert_eq!(args, ["who", r#""a, b""#, "[1, 2]", "3"]);
        assert_eq!(call.args[1].1, 12..18);
        assert!(split_call("greet").is_none());
        assert!(split_call("greet(a) x").is_none());
    }
}
