//! The calling convention of the reference compiler around an exported function: arguments
//! from `getDataSrv` on the init peer (and `-relay-`), results to `callbackSrv.response`, any
//! error to `errorHandlingSrv.error` in the outer `xor`, and arrow arguments as callbacks.

use air_syntax::ast::{FoldIterable, Instruction, Value, VariableKind};
use aqua_typecheck::tast::Func;
use aqua_typecheck::types::Type;
use smol_str::SmolStr;

use crate::build::{self, scalar};
use crate::error::{LowerError, Result};
use crate::lower::{Arrow, Bound, Frame, Lowerer};

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

impl Lowerer<'_> {
    /// The whole script of `func` called with `args` (one per parameter).
    pub(crate) fn lower_script(
        &mut self,
        func: &Func,
        args: Vec<ScriptArg>,
    ) -> Result<Instruction> {
        self.file = func.file;
        let mut prologue = Vec::new();
        if !self.options.no_relay {
            prologue.push(fetch("-relay-", "-relay-"));
        }
        let mut frame = Frame::default();
        for (param, arg) in func.params.iter().zip(args) {
            let bound = match arg {
                ScriptArg::Literal(value) => Bound::Value(value),
                ScriptArg::Data(name) => self.fetch_arg(&name, &param.ty, &mut prologue),
                ScriptArg::Array(items) => Bound::Value(self.array_arg(items, &mut prologue)),
            };
            self.name_local(&param.name, param.span, &bound);
            frame.locals.insert(param.local, bound);
        }
        let mut body = prologue;
        if self.options.tracing {
            let mut inner = Vec::new();
            self.lower_block(&mut frame, &func.body, &mut inner)?;
            self.traced(&func.name, inner, &mut body);
        } else {
            self.lower_block(&mut frame, &func.body, &mut body)?;
        }
        let returns = frame.returns.take().unwrap_or_default();
        let mut results = Vec::with_capacity(returns.len());
        for bound in returns {
            results.push(self.value_of(bound, &mut body)?);
        }
        if !results.is_empty() || self.options.empty_response {
            body.push(build::call(
                build::init_peer(),
                build::string("callbackSrv"),
                "response",
                results,
                None,
            ));
        }
        let declared = std::mem::take(&mut self.pending);
        let body = self.wrap_new(declared, build::seq_all(body));
        let report = build::call(
            build::init_peer(),
            build::string("errorHandlingSrv"),
            "error",
            vec![build::error_value(), build::int(0)],
            None,
        );
        Ok(build::xor(body, report))
    }

    /// An array written in the call, built on the init peer as Aqua builds an array literal:
    /// its elements pushed to a fresh stream, then canonicalized. Names in it are fetched from
    /// `getDataSrv` as arguments are.
    fn array_arg(&mut self, items: Vec<ScriptArg>, prologue: &mut Vec<Instruction>) -> Value {
        if items.is_empty() {
            return Value::new(
                air_syntax::ast::ValueKind::EmptyArray,
                air_syntax::ast::Span::DUMMY,
            );
        }
        let stream = self.names.fresh("array");
        let mut pushes = Vec::with_capacity(items.len());
        for item in items {
            let value = match item {
                ScriptArg::Literal(value) => value,
                ScriptArg::Array(items) => self.array_arg(items, &mut pushes),
                ScriptArg::Data(name) => {
                    let variable = self.names.fresh(&name);
                    pushes.push(fetch(&name, &variable));
                    scalar(&variable)
                }
            };
            pushes.push(build::ap_stream(value, &stream));
        }
        let canon = self.names.fresh("array");
        let body =
            build::seq(build::seq_all(pushes), build::canon(build::init_peer(), &stream, &canon));
        prologue.push(build::new(VariableKind::Stream, &stream, body));
        build::canon_value(&canon)
    }

    /// Binds a parameter of the exported function.
    fn fetch_arg(&mut self, name: &str, ty: &Type, prologue: &mut Vec<Instruction>) -> Bound {
        match ty {
            Type::Arrow(arrow) => {
                Bound::Arrow(Arrow::Callback { name: name.into(), results: arrow.results.len() })
            }
            Type::Stream(_) => {
                let array = self.names.fresh(&format!("{name}-iter"));
                prologue.push(fetch(name, &array));
                let stream = self.names.fresh(name);
                let item = self.names.fresh(&format!("{name}-item"));
                let body = build::seq(build::ap_stream(scalar(&item), &stream), build::next(&item));
                prologue.push(build::fold(
                    FoldIterable::Value(scalar(&array)),
                    &item,
                    body,
                    build::null(),
                ));
                self.pending.push((VariableKind::Stream, stream.clone()));
                Bound::Stream(stream)
            }
            _ => {
                let variable = self.names.fresh(name);
                prologue.push(fetch(name, &variable));
                Bound::Value(scalar(&variable))
            }
        }
    }
}

/// `(call %init_peer_id% ("getDataSrv" "<name>") [] variable)`
fn fetch(name: &str, variable: &str) -> Instruction {
    build::call(
        build::init_peer(),
        build::string("getDataSrv"),
        name,
        Vec::new(),
        Some(variable.to_owned()),
    )
}

/// Parses `f(a, "lit", 3)` into the function name and its arguments.
pub(crate) fn parse_call(text: &str) -> Result<(String, Vec<ScriptArg>)> {
    let bad = || LowerError::BadCall(text.to_owned());
    let call = crate::call_text::split_call(text).ok_or_else(bad)?;
    let name = call.name;
    if name.is_empty() || !name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
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
        let elements = crate::call_text::split_call(&call)?;
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
        return Some(build::string(inner));
    }
    if let Ok(n) = text.parse::<i64>() {
        return Some(build::int(n));
    }
    text.parse::<f64>()
        .ok()
        .map(|f| Value::new(air_syntax::ast::ValueKind::Float(f), air_syntax::ast::Span::DUMMY))
}
