//! The call of `aqua run -f 'f(a, 3)'` and its `--data`, checked against the function's
//! signature before anything runs: an unknown function (R002, with "did you mean"), the wrong
//! number of arguments (R003), an argument missing from `--data` (R004), a value of the wrong type
//! or out of its type's range (R005), a `--data` key the call does not use (R006, a warning), a
//! text that is no call (R007) and an argument the call cannot pass (R008: an expression, a
//! field of a name, a string with a quote inside). Labels point into the `-f` text.

use std::collections::BTreeMap;
use std::ops::Range;

use air_codegen::call_text::{CallText, is_function_name, is_readable_argument, split_call};
use aqua_typecheck::tast::{ExportTarget, Func, Program};
use aqua_typecheck::types::{ScalarType, Type};
use codespan_reporting::diagnostic::{Diagnostic, Label};
use serde_json::Value as Json;

/// The problems of the call `call` with `data`, as diagnostics on the call's text (file id `()`).
pub(crate) fn check(
    program: &Program,
    call: &str,
    data: &BTreeMap<String, Json>,
) -> Vec<Diagnostic<()>> {
    let Some(CallText { name, name_range, args }) = split_call(call) else {
        return vec![unreadable_call(call)];
    };
    if !is_function_name(name) {
        return vec![
            Diagnostic::error()
                .with_code("R007")
                .with_message(format!("`{name}` is not a function name"))
                .with_labels(vec![
                    Label::primary((), name_range)
                        .with_message("a name of letters, digits and `_` goes here"),
                ]),
        ];
    }
    let Some(func) = find(program, name) else {
        return vec![unknown_function(program, name, name_range)];
    };
    let mut problems = Vec::new();
    if args.len() != func.params.len() {
        let expected = func.params.len();
        problems.push(
            Diagnostic::error()
                .with_code("R003")
                .with_message(format!(
                    "`{name}` takes {expected} argument{}, the call gives {}",
                    plural(expected),
                    args.len()
                ))
                .with_labels(vec![
                    Label::primary((), 0..call.len())
                        .with_message(format!("expected {}", signature(func))),
                ]),
        );
        return problems;
    }
    let mut used = Vec::new();
    for (&(text, ref range), param) in args.iter().zip(&func.params) {
        if let Type::Arrow(arrow) = &param.ty {
            match callback_problem(text, range.clone(), &param.name, arrow, data) {
                Some(problem) => problems.push(problem),
                None => used.push(text),
            }
            continue;
        }
        if !is_readable_argument(text) {
            let label = format!("the value of `{}`", param.name);
            problems.push(unsupported_argument(text, range.clone(), label, ARGUMENT_FORMS));
            continue;
        }
        let value = if is_name(text) {
            used.push(text);
            match data.get(text) {
                Some(value) => value.clone(),
                None => {
                    let label = format!("the value of `{}`", param.name);
                    problems.push(not_in_data(text, range.clone(), label, "Give it with"));
                    continue;
                }
            }
        } else {
            // Names inside an array literal are arguments from --data too.
            let mut names = Vec::new();
            let value = literal_with_names(text, data, &mut names, 0);
            for name in names {
                used.push(name);
                if !data.contains_key(name) {
                    let label = format!("in the value of `{}`", param.name);
                    problems.push(not_in_data(name, range.clone(), label, "Give it with"));
                }
            }
            match value {
                Some(value) => value,
                None => continue,
            }
        };
        if let Err(problem) = fits(&value, &param.ty) {
            let label = format!("{} here", short(&value));
            problems.push(not_a(&param.name, &param.ty, &problem, range.clone(), label));
        }
    }
    for key in data.keys().filter(|key| key.as_str() != "-relay-") {
        if !used.contains(&key.as_str()) {
            problems.push(
                Diagnostic::warning()
                    .with_code("R006")
                    .with_message(format!("--data gives `{key}`, which the call does not use"))
                    .with_labels(vec![
                        Label::secondary((), 0..call.len()).with_message("the call"),
                    ]),
            );
        }
    }
    problems
}

/// The problem of the argument of a callback parameter, if any: it is a name, which the client
/// answers when the function calls it: with that name's `--data` value, needed when the
/// callback returns something (R004) and checked against its result type (R005).
fn callback_problem(
    text: &str,
    range: Range<usize>,
    param: &str,
    arrow: &aqua_typecheck::types::ArrowType,
    data: &BTreeMap<String, Json>,
) -> Option<Diagnostic<()>> {
    if !is_name(text) {
        let label = format!("`{param}` is a callback: give it a name");
        let help = "The client answers a callback named in the call, with the name's --data \
                    value (null if it returns nothing).";
        return Some(unsupported_argument(text, range, label, help));
    }
    let result = match arrow.results.as_slice() {
        [] => return None,
        [result] => result,
        // Several results come back as one value, whatever it holds.
        _ => &Type::Top,
    };
    let label = format!("the answer of the callback `{param}`");
    let Some(value) = data.get(text) else {
        let returns: Vec<String> = arrow.results.iter().map(ToString::to_string).collect();
        let help = format!(
            "The callback returns `{}`: give what the client answers it with,",
            returns.join(", ")
        );
        return Some(not_in_data(text, range, label, &help));
    };
    let problem = fits(value, result).err()?;
    Some(not_a(text, result, &problem, range, label))
}

/// R004: `name` has no value in --data; the help says how to give one, after `help`.
fn not_in_data(name: &str, range: Range<usize>, label: String, help: &str) -> Diagnostic<()> {
    Diagnostic::error()
        .with_code("R004")
        .with_message(format!("`{name}` is not in --data"))
        .with_labels(vec![Label::primary((), range).with_message(label)])
        .with_notes(vec![format!("help: {help} --data '{{\"{name}\": …}}'.")])
}

/// R005: the value given as `name` is not a `ty`, for the reason `problem`.
fn not_a(
    name: &str,
    ty: &Type,
    problem: &str,
    range: Range<usize>,
    label: String,
) -> Diagnostic<()> {
    Diagnostic::error()
        .with_code("R005")
        .with_message(format!("`{name}` is not a `{ty}`: {problem}"))
        .with_labels(vec![Label::primary((), range).with_message(label)])
}

/// R007 for a text without the shape `name(arguments)`, pointing at what is missing or extra.
fn unreadable_call(call: &str) -> Diagnostic<()> {
    let whole = 0..call.len();
    let (range, label) = match (call.find('('), call.rfind(')')) {
        (None, _) => (whole, "no `(`: a call is `name(arguments)`"),
        (Some(open), Some(close)) if close > open => {
            let rest = &call[close + 1..];
            let start = close + 1 + (rest.len() - rest.trim_start().len());
            (start..call.len(), "text after the call's `)`")
        }
        (Some(open), _) => (open..open + 1, "this `(` is not closed"),
    };
    Diagnostic::error()
        .with_code("R007")
        .with_message("cannot read the call: expected `name(arguments)`")
        .with_labels(vec![Label::primary((), range).with_message(label)])
}

/// The help of R008 for a value parameter.
const ARGUMENT_FORMS: &str = "An argument is a name from --data, a literal (a string without `\"` \
    inside, a number (a float of at most 11 characters, as AIR carries it), `true`, `false`, \
    `nil`) or an array of them; give anything else through --data.";

/// R008 for an argument the wrapper cannot pass to the function.
fn unsupported_argument(
    text: &str,
    range: Range<usize>,
    label: String,
    help: &str,
) -> Diagnostic<()> {
    Diagnostic::error()
        .with_code("R008")
        .with_message(format!("unsupported argument `{text}`"))
        .with_labels(vec![Label::primary((), range).with_message(label)])
        .with_notes(vec![format!("help: {help}")])
}

/// The exported function `name`, else any function of that name.
fn find<'p>(program: &'p Program, name: &str) -> Option<&'p Func> {
    let exported = program.exports.iter().find_map(|export| match export.target {
        ExportTarget::Func(id) if export.name == name => program.functions.get(id.0 as usize),
        _ => None,
    });
    exported.or_else(|| program.functions.iter().rev().find(|func| func.name == name))
}

fn unknown_function(program: &Program, name: &str, range: Range<usize>) -> Diagnostic<()> {
    let names = program.functions.iter().map(|func| &func.name);
    let candidates = aqua_typecheck::suggest::similar(name, names);
    let mut diagnostic = Diagnostic::error()
        .with_code("R002")
        .with_message(format!("no function `{name}` in the file"))
        .with_labels(vec![Label::primary((), range).with_message("not defined")]);
    if let Some(best) = candidates.first() {
        diagnostic = diagnostic.with_notes(vec![format!("help: Did you mean `{best}`?")]);
    } else if let Some(names) = callable_names(program) {
        diagnostic = diagnostic.with_notes(vec![format!("note: The file exports {names}.")]);
    }
    diagnostic
}

/// The exported functions' names, quoted and sorted, if the file exports any.
fn callable_names(program: &Program) -> Option<String> {
    let mut names: Vec<&str> = program
        .exports
        .iter()
        .filter(|export| matches!(export.target, ExportTarget::Func(_)))
        .map(|export| export.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    let quoted: Vec<String> = names.iter().map(|name| format!("`{name}`")).collect();
    (!quoted.is_empty()).then(|| quoted.join(", "))
}

fn signature(func: &Func) -> String {
    let params: Vec<String> =
        func.params.iter().map(|param| format!("{}: {}", param.name, param.ty)).collect();
    format!("{}({})", func.name, params.join(", "))
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

/// Whether `value` is a value of `ty`, as the function would receive it from the client.
fn fits(value: &Json, ty: &Type) -> Result<(), String> {
    match ty {
        Type::Scalar(scalar) => scalar_fits(value, *scalar),
        Type::Array(elem) | Type::Stream(elem) => match value {
            Json::Array(items) => items.iter().enumerate().try_for_each(|(index, item)| {
                fits(item, elem).map_err(|problem| format!("element {index}: {problem}"))
            }),
            other => Err(format!("expected an array, found {}", short(other))),
        },
        Type::Option(elem) => match value {
            Json::Null => Ok(()),
            Json::Array(items) if items.len() <= 1 => {
                items.iter().try_for_each(|item| fits(item, elem))
            }
            other => Err(format!("expected null, [] or [value], found {}", short(other))),
        },
        Type::Struct(def) => {
            let Json::Object(fields) = value else {
                return Err(format!("expected an object with the fields of `{}`", def.name));
            };
            def.fields.iter().try_for_each(|(name, field_ty)| match fields.get(name.as_str()) {
                Some(field) => {
                    fits(field, field_ty).map_err(|problem| format!("field `{name}`: {problem}"))
                }
                None => Err(format!("the field `{name}` of `{}` is missing", def.name)),
            })
        }
        _ => Ok(()),
    }
}

fn scalar_fits(value: &Json, scalar: ScalarType) -> Result<(), std::string::String> {
    use ScalarType::*;
    let wrong = || Err(format!("expected {}, found {}", scalar.name(), short(value)));
    let range = |low: i128, high: i128| -> Result<(), std::string::String> {
        let number = value.as_i64().map(i128::from).or_else(|| value.as_u64().map(i128::from));
        let out_of_range = |n: &dyn std::fmt::Display| {
            Err(format!("{n} is out of the range of {} ({low} to {high})", scalar.name()))
        };
        match number {
            Some(n) if (low..=high).contains(&n) => Ok(()),
            Some(n) => out_of_range(&n),
            // A whole number too large for any JSON integer arrives as a float.
            None => match value.as_f64() {
                Some(f) if f.fract() == 0.0 => out_of_range(&short(value)),
                _ => wrong(),
            },
        }
    };
    match scalar {
        Bool if value.is_boolean() => Ok(()),
        String if value.is_string() => Ok(()),
        F32 | F64 if value.is_number() => Ok(()),
        U8 => range(0, u8::MAX.into()),
        U16 => range(0, u16::MAX.into()),
        U32 => range(0, u32::MAX.into()),
        U64 => range(0, u64::MAX.into()),
        I8 => range(i8::MIN.into(), i8::MAX.into()),
        I16 => range(i16::MIN.into(), i16::MAX.into()),
        I32 => range(i32::MIN.into(), i32::MAX.into()),
        I64 => range(i64::MIN.into(), i64::MAX.into()),
        _ => wrong(),
    }
}

/// A JSON value, cut short for a message.
fn short(value: &Json) -> std::string::String {
    let text = value.to_string();
    if text.chars().count() > 40 {
        format!("{}…", text.chars().take(40).collect::<std::string::String>())
    } else {
        text
    }
}

fn is_name(text: &str) -> bool {
    text.starts_with(|c: char| c.is_ascii_alphabetic() || c == '_')
        && text != "true"
        && text != "false"
        && text != "nil"
}

/// The value of a literal argument (strings, numbers, booleans, `nil`, arrays of them and of
/// names from `data`), collecting the names it uses; `None` if it is not one or a name has no
/// value.
fn literal_with_names<'t>(
    text: &'t str,
    data: &BTreeMap<String, Json>,
    names: &mut Vec<&'t str>,
    depth: usize,
) -> Option<Json> {
    let text = text.trim();
    if let Some(inner) = text.strip_prefix('[').and_then(|t| t.strip_suffix(']')) {
        if depth > 32 {
            return None;
        }
        let mut items = Vec::new();
        let mut complete = true;
        for range in element_ranges(inner) {
            match literal_with_names(&inner[range], data, names, depth + 1) {
                Some(item) => items.push(item),
                None => complete = false,
            }
        }
        return complete.then_some(Json::Array(items));
    }
    if is_name(text) {
        names.push(text);
        return data.get(text).cloned();
    }
    match text {
        // An empty option, as the client gives it.
        "nil" => Some(Json::Null),
        _ => serde_json::from_str(text).ok(),
    }
}

/// The ranges of the elements of an array literal's inside, split as call arguments are.
fn element_ranges(inner: &str) -> Vec<Range<usize>> {
    let call = format!("a({inner})");
    split_call(&call)
        .map(|split| {
            split.args.into_iter().map(|(_, range)| range.start - 2..range.end - 2).collect()
        })
        .unwrap_or_default()
}
