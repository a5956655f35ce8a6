//! Calls: service methods become one `call`, callbacks a `callbackSrv` call on the init peer,
//! and functions and closures are inlined with their arguments substituted. With `--tracing`
//! every arrow call is wrapped in `tracingSrv` enter/exit events.

use std::collections::HashMap;

use air_syntax::ast::{Instruction, Value, VariableKind};
use aqua_typecheck::tast::{Binding, Block, Expr, ExprKind};
use aqua_typecheck::types::Type;
use smol_str::SmolStr;

use super::{Arrow, Bound, Frame, Lowerer};
use crate::build::{self, scalar};
use crate::error::{LowerError, Result};
use crate::lower::topology::Location;

impl Lowerer<'_> {
    /// Lowers `callee{abilities}(args)` and returns its results.
    pub(crate) fn lower_call(
        &mut self,
        frame: &mut Frame,
        callee: &Expr,
        abilities: &[Expr],
        args: &[Expr],
        out: &mut Vec<Instruction>,
        hint: Option<&SmolStr>,
    ) -> Result<Vec<Bound>> {
        // Only this call itself can be the tail of an `on` block, not calls in its arguments.
        let tail = std::mem::take(&mut self.tail_of_on);
        let arrow = match self.lower_expr(frame, callee, out, None)? {
            Bound::Arrow(arrow) => arrow,
            _ => return Err(LowerError::Kind { expected: "an arrow", found: "a value" }),
        };
        let mut ability_values = Vec::with_capacity(abilities.len());
        for ability in abilities {
            ability_values.push(self.lower_expr(frame, ability, out, None)?);
        }
        let params: Vec<Type> = match &callee.ty {
            Type::Arrow(arrow) => arrow.params.iter().map(|(_, ty)| ty.clone()).collect(),
            _ => Vec::new(),
        };
        let mut arg_values = Vec::with_capacity(args.len());
        for (index, arg) in args.iter().enumerate() {
            let bound = self.lower_expr(frame, arg, out, None)?;
            // Streams stay streams only where a stream is expected: elsewhere they are snapshots.
            let expected = params.get(index).unwrap_or(&arg.ty);
            let keep = matches!(
                (&bound, expected),
                (Bound::Stream(_), Type::Stream(_)) | (Bound::Map(_), Type::StreamMap(_))
            ) && !matches!(arrow, Arrow::Method { .. } | Arrow::Callback { .. });
            arg_values.push(if keep || !is_data(&bound) {
                bound
            } else {
                Bound::Value(self.value_of(bound, out)?)
            });
        }
        let name = self.arrow_name(&arrow, callee);
        self.tail_of_on = tail && !self.options.tracing && matches!(arrow, Arrow::Callback { .. });
        if !self.options.tracing {
            return self.call_arrow(arrow, ability_values, arg_values, out, hint);
        }
        let mut inner = Vec::new();
        let results = self.call_arrow(arrow, ability_values, arg_values, &mut inner, hint)?;
        self.traced(&name, inner, out);
        Ok(results)
    }

    /// `inner` between `tracingSrv` enter and exit events; a failure is reported, then rethrown.
    pub(crate) fn traced(
        &mut self,
        name: &str,
        mut inner: Vec<Instruction>,
        out: &mut Vec<Instruction>,
    ) {
        out.push(self.trace_event(name, build::string("enter")));
        inner.push(self.trace_event(name, build::string("exit")));
        let message = self.names.fresh("-return-error-msg-");
        let report = build::new(
            VariableKind::Scalar,
            &message,
            build::seq(
                build::call(
                    build::init_peer(),
                    build::string("op"),
                    "concat_strings",
                    vec![build::string("exit with error: "), error_message()],
                    Some(message.clone()),
                ),
                self.trace_event(name, scalar(&message)),
            ),
        );
        out.push(build::xor(build::seq_all(inner), build::seq(report, build::fail_error())));
    }

    fn call_arrow(
        &mut self,
        arrow: Arrow,
        abilities: Vec<Bound>,
        args: Vec<Bound>,
        out: &mut Vec<Instruction>,
        hint: Option<&SmolStr>,
    ) -> Result<Vec<Bound>> {
        match arrow {
            Arrow::Method { service, id, method } => {
                let def = self
                    .program
                    .services
                    .get(service.0 as usize)
                    .ok_or(LowerError::Dangling("a service"))?;
                let has_result = def.ty.method(&method).is_some_and(|m| !m.results.is_empty());
                let literal_id = match &id.kind {
                    air_syntax::ast::ValueKind::Str(text) => Some(text.clone()),
                    _ => None,
                };
                self.services_used.insert((def.name.to_string(), literal_id));
                let args = self.values(args, out)?;
                let output =
                    has_result.then(|| self.names.fresh(hint.map_or("ret", |h| h.as_str())));
                out.push(build::call(self.peer(), id, &method, args, output.clone()));
                Ok(output.map(|o| vec![Bound::Value(scalar(&o))]).unwrap_or_default())
            }
            Arrow::Callback { name, results } => {
                let args = self.values(args, out)?;
                let output = (results > 0)
                    .then(|| self.names.fresh(hint.map_or("init_call_res", |h| h.as_str())));
                let call = build::call(
                    build::init_peer(),
                    build::string("callbackSrv"),
                    &name,
                    args,
                    output.clone(),
                );
                let location = Location::top(self.options);
                // The last call of an `on` block entered from the init peer stays there.
                let tail = std::mem::take(&mut self.tail_of_on);
                self.ended_at_top = tail;
                let instruction = self.lower_on(location, None, |_| Ok(call))?;
                self.ended_at_top = tail;
                out.extend(instruction);
                Ok(output.map(|o| vec![Bound::Value(scalar(&o))]).unwrap_or_default())
            }
            Arrow::Func(id) => {
                let func = self
                    .program
                    .functions
                    .get(id.0 as usize)
                    .ok_or(LowerError::Dangling("a function"))?;
                let mut locals = HashMap::new();
                for (binding, value) in func.abilities.iter().zip(abilities) {
                    locals.insert(binding.local, value);
                }
                for (binding, value) in func.params.iter().zip(args) {
                    locals.insert(binding.local, value);
                }
                let caller = std::mem::replace(&mut self.file, func.file);
                let results = self.inline(locals, &func.body, None, out);
                self.file = caller;
                results
            }
            Arrow::Closure(closure) => {
                let mut locals = closure.captured.clone();
                bind_params(&mut locals, &closure.params, args);
                let location = closure.location.as_ref().and_then(|stack| stack.last().cloned());
                let caller = std::mem::replace(&mut self.file, closure.file);
                let results = self.inline(locals, &closure.body, location, out);
                self.file = caller;
                results
            }
        }
    }

    /// Inlines a body with its locals; a closure runs at the location it was defined in.
    fn inline(
        &mut self,
        locals: HashMap<aqua_typecheck::tast::LocalId, Bound>,
        body: &Block,
        location: Option<Location>,
        out: &mut Vec<Instruction>,
    ) -> Result<Vec<Bound>> {
        self.enter_inline()?;
        // Each inlined call nests a few frames of lowering: grow the stack on the heap for long
        // chains of calls instead of overflowing it.
        stacker::maybe_grow(64 * 1024, 4 * 1024 * 1024, || {
            self.inline_body(locals, body, location, out)
        })
    }

    fn inline_body(
        &mut self,
        locals: HashMap<aqua_typecheck::tast::LocalId, Bound>,
        body: &Block,
        location: Option<Location>,
        out: &mut Vec<Instruction>,
    ) -> Result<Vec<Bound>> {
        let mut frame = Frame { locals, returns: None };
        let result = match location {
            Some(location) if self.locations.last() != Some(&location) => {
                let mut inner = Vec::new();
                let lowered = self.lower_on(location, None, |this| {
                    this.lower_block(&mut frame, body, &mut inner)?;
                    // Results computed at the closure's peer are data by now.
                    Ok(build::seq_all(std::mem::take(&mut inner)))
                });
                lowered.map(|instruction| out.extend(instruction))
            }
            _ => self.lower_block(&mut frame, body, out),
        };
        self.depth -= 1;
        result?;
        Ok(frame.returns.unwrap_or_default())
    }

    fn values(&mut self, bounds: Vec<Bound>, out: &mut Vec<Instruction>) -> Result<Vec<Value>> {
        bounds.into_iter().map(|bound| self.value_of(bound, out)).collect()
    }

    /// The name tracing reports for an arrow.
    fn arrow_name(&self, arrow: &Arrow, callee: &Expr) -> String {
        match arrow {
            Arrow::Func(id) => self
                .program
                .functions
                .get(id.0 as usize)
                .map_or_else(String::new, |f| f.name.to_string()),
            Arrow::Method { service, method, .. } => {
                let service =
                    self.program.services.get(service.0 as usize).map_or("", |s| s.name.as_str());
                format!("{service}.{method}")
            }
            Arrow::Callback { name, .. } => name.to_string(),
            Arrow::Closure(_) => match &callee.kind {
                ExprKind::Local { name, .. } => name.to_string(),
                ExprKind::Field(member) => member.name.to_string(),
                _ => "closure".to_owned(),
            },
        }
    }

    /// `(par (call %init_peer_id% ("tracingSrv" "tracingEvent") [name event]) (null))`.
    fn trace_event(&mut self, name: &str, event: Value) -> Instruction {
        let call = build::call(
            build::init_peer(),
            build::string("tracingSrv"),
            "tracingEvent",
            vec![build::string(name), event],
            None,
        );
        let call = build::par(call, build::null());
        // Away from the init peer the event travels there (through the relays) and back.
        match self.lower_on(Location::top(self.options), None, |_| Ok(call.clone())) {
            Ok(Some(instruction)) => instruction,
            _ => call,
        }
    }
}

fn bind_params(
    locals: &mut HashMap<aqua_typecheck::tast::LocalId, Bound>,
    params: &[Binding],
    args: Vec<Bound>,
) {
    for (binding, value) in params.iter().zip(args) {
        locals.insert(binding.local, value);
    }
}

fn is_data(bound: &Bound) -> bool {
    matches!(bound, Bound::Value(_) | Bound::Stream(_) | Bound::Map(_))
}

fn error_message() -> Value {
    build::with_accessor(&build::error_value(), air_syntax::ast::Accessor::Field("message".into()))
        .unwrap_or_else(build::error_value)
}
