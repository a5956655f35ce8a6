//! The calling convention of the reference compiler around an exported function: arguments
//! from `getDataSrv` on the init peer (and `-relay-`), results to `callbackSrv.response`, any
//! error to `errorHandlingSrv.error` in the outer `xor`, and arrow arguments as callbacks.

use air_syntax::ast::{FoldIterable, Instruction, Value, VariableKind};
use aqua_typecheck::tast::Func;
use aqua_typecheck::types::Type;

use crate::build::{self, scalar};
use crate::call_text::ScriptArg;
use crate::error::Result;
use crate::lower::{Arrow, Bound, Frame, Lowerer};

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
            let bound = match (arg, &param.ty) {
                (ScriptArg::Data(name), ty) => self.fetch_arg(&name, ty, &mut prologue),
                // A stream parameter given an array written in the call (`nil` and `[]` are
                // empty ones) starts as a stream of its elements, as one given by name does.
                (ScriptArg::Array(items), Type::Stream(_)) => {
                    Bound::Stream(self.stream_arg(&param.name, items, &mut prologue))
                }
                (ScriptArg::Literal(value), _) => Bound::Value(value),
                (ScriptArg::Array(items), _) => Bound::Value(self.array_arg(items, &mut prologue)),
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
        let mut pushes = self.push_items(items, &stream);
        let canon = self.names.fresh("array");
        pushes.push(build::canon(build::init_peer(), &stream, &canon));
        prologue.push(build::new(VariableKind::Stream, &stream, build::seq_all(pushes)));
        build::canon_value(&canon)
    }

    /// A stream parameter given an array written in the call: a stream of the function's scope
    /// holding its elements (none for `nil` or `[]`).
    fn stream_arg(
        &mut self,
        name: &str,
        items: Vec<ScriptArg>,
        prologue: &mut Vec<Instruction>,
    ) -> String {
        let stream = self.names.fresh(name);
        let pushes = self.push_items(items, &stream);
        prologue.extend(pushes);
        self.pending.push((VariableKind::Stream, stream.clone()));
        stream
    }

    /// The instructions that push the elements of an array written in the call to `stream`,
    /// fetching the names in it from `getDataSrv`.
    fn push_items(&mut self, items: Vec<ScriptArg>, stream: &str) -> Vec<Instruction> {
        let mut pushes = Vec::with_capacity(items.len() + 1);
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
            pushes.push(build::ap_stream(value, stream));
        }
        pushes
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
