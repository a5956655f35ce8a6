//! Lowering of expressions: literals, built-ins, locals, lenses, collections, structs,
//! arithmetic (`math`), comparisons (`cmp`), boolean operators and stream gates.

use std::rc::Rc;

use air_syntax::ast::{Accessor, Instruction, Span, Value, ValueKind, VariableKind};
use aqua_typecheck::tast::{
    Binary, BinaryOp, BuiltinConst, CollectionKind, Expr, ExprKind, Literal, MapMethod, Operands,
};
use aqua_typecheck::types::Type;
use smol_str::SmolStr;

use super::{Arrow, Bound, Frame, Lowerer};
use crate::build::{self, scalar};
use crate::error::{LowerError, Result};
use crate::fold;
use crate::source_map::Construct;

/// The size a stream must reach before a gate opens: a literal or a computed value.
enum GateSize {
    Known(i64),
    Computed(Value),
}

impl Lowerer<'_> {
    /// Lowers an expression; instructions computing it go to `out`. `hint` names call results.
    pub(crate) fn lower_expr(
        &mut self,
        frame: &mut Frame,
        expr: &Expr,
        out: &mut Vec<Instruction>,
        hint: Option<&SmolStr>,
    ) -> Result<Bound> {
        match &expr.kind {
            ExprKind::Literal(literal) => Ok(Bound::Value(literal_value(literal)?)),
            ExprKind::Const { value, .. } => Ok(Bound::Value(literal_value(value)?)),
            ExprKind::Builtin(builtin) => Ok(Bound::Value(self.builtin(*builtin))),
            ExprKind::Local { local, name } => {
                self.note_read(*local);
                let unbound = || LowerError::Unbound(SmolStr::new(name));
                frame.locals.get(local).cloned().ok_or_else(unbound)
            }
            ExprKind::Func(id) => Ok(Bound::Arrow(Arrow::Func(*id))),
            ExprKind::Service { service, id } => {
                let id = self.lower_expr(frame, id, out, None)?;
                Ok(Bound::Service { service: *service, id: self.value_of(id, out)? })
            }
            ExprKind::Method { service, method, id } => {
                let name = self.program.method_name(*service, *method).cloned();
                let name = name.ok_or(LowerError::Kind {
                    expected: "a method of the service",
                    found: "an index past its methods",
                })?;
                let id = self.lower_expr(frame, id, out, None)?;
                let id = self.value_of(id, out)?;
                Ok(Bound::Arrow(Arrow::Method { service: *service, id, method: name }))
            }
            ExprKind::Call { list, abilities } => {
                let operands = Operands::new(list, *abilities);
                let callee = operands.callee();
                let before = out.len();
                let (abilities, args) = (operands.abilities(), operands.args());
                let results = self.lower_call(frame, callee, abilities, args, out, hint)?;
                let emitted = out.get_mut(before..).unwrap_or_default();
                self.stamp(emitted, expr.span, Construct::Call);
                results.into_iter().next().ok_or(LowerError::Kind {
                    expected: "a result",
                    found: "an arrow without results",
                })
            }
            ExprKind::Field(member) => {
                let base = self.lower_expr(frame, &member.base, out, None)?;
                self.field(base, &member.name, out)
            }
            ExprKind::Length(base) => {
                let base = self.lower_expr(frame, base, out, None)?;
                self.length(base, out)
            }
            ExprKind::Index { base, index } => {
                let base = self.lower_expr(frame, base, out, None)?;
                self.index(frame, base, index, expr.span, out)
            }
            ExprKind::Bang { base, index } => {
                let base = self.lower_expr(frame, base, out, None)?;
                match base {
                    Bound::Stream(stream) => {
                        let size = GateSize::Known(i64::from(*index) + 1);
                        self.gate(&stream, size, expr.span, out)
                    }
                    other => {
                        let value = self.value_of(other, out)?;
                        Ok(Bound::Value(self.lensed(value, Accessor::Index(*index), out)))
                    }
                }
            }
            ExprKind::Collection { kind, elems } => self.collection(frame, *kind, elems, out),
            ExprKind::Not(inner) => {
                let value = self.lower_expr(frame, inner, out, None)?;
                let value = self.value_of(value, out)?;
                let result = self.names.fresh("not");
                out.push(build::xor(
                    build::match_(
                        value,
                        build::boolean(true),
                        build::ap(build::boolean(false), &result),
                    ),
                    build::ap(build::boolean(true), &result),
                ));
                Ok(Bound::Value(scalar(&result)))
            }
            ExprKind::Binary(binary) => match crate::fold::simplify_sum(expr) {
                Some(Expr { kind: ExprKind::Binary(simplified), ty, .. }) => {
                    let Binary { op, lhs, rhs } = &*simplified;
                    self.binary(frame, *op, lhs, rhs, &ty, out)
                }
                Some(simplified) => self.lower_expr(frame, &simplified, out, hint),
                None => self.binary(frame, binary.op, &binary.lhs, &binary.rhs, &expr.ty, out),
            },
            ExprKind::MakeStruct { fields } => {
                let name = expr.struct_type().map_or("", |ty| ty.name.as_str());
                let mut values = Vec::with_capacity(fields.len());
                for (name, value) in expr.named_fields() {
                    let bound = self.lower_expr(frame, value, out, None)?;
                    values.push((name.to_string(), self.value_of(bound, out)?));
                }
                Ok(Bound::Value(self.object(name, values, out)))
            }
            ExprKind::MakeAbility { fields } => {
                let mut members = Vec::with_capacity(fields.len());
                for (name, value) in expr.named_fields() {
                    members.push((name.clone(), self.lower_expr(frame, value, out, None)?));
                }
                Ok(Bound::Ability(Rc::new(members)))
            }
            ExprKind::Copy(copy) => self.copy(frame, &copy.base, &copy.fields, out),
            ExprKind::MapCall(call) => {
                self.map_call(frame, &call.map, call.method, &call.args, out)
            }
            ExprKind::Error => Err(LowerError::ErrorNode),
        }
    }

    fn builtin(&self, builtin: BuiltinConst) -> Value {
        let kind = match builtin {
            BuiltinConst::InitPeerId => ValueKind::InitPeerId,
            BuiltinConst::HostPeerId if self.options.no_relay => ValueKind::InitPeerId,
            BuiltinConst::HostPeerId => ValueKind::Scalar { name: "-relay-".into(), lens: None },
            BuiltinConst::ParticleTtl => ValueKind::Ttl,
            BuiltinConst::ParticleTimestamp => ValueKind::Timestamp,
            BuiltinConst::Nil => ValueKind::EmptyArray,
            BuiltinConst::LastError => ValueKind::Error(None),
        };
        Value::new(kind, Span::DUMMY)
    }

    /// `base.name` for structs (a lens), abilities (a member) and services (a method).
    fn field(&mut self, base: Bound, name: &SmolStr, out: &mut Vec<Instruction>) -> Result<Bound> {
        match base {
            Bound::Ability(members) => members
                .iter()
                .find(|(member, _)| member == name)
                .map(|(_, bound)| bound.clone())
                .ok_or_else(|| LowerError::Unbound(name.clone())),
            Bound::Service { service, id } => {
                Ok(Bound::Arrow(Arrow::Method { service, id, method: name.clone() }))
            }
            other => {
                let value = self.value_of(other, out)?;
                Ok(Bound::Value(self.lensed(value, Accessor::Field(name.to_string()), out)))
            }
        }
    }

    /// The value with one more lens step; values that take no lens are bound to a scalar first.
    pub(crate) fn lensed(
        &mut self,
        value: Value,
        accessor: Accessor,
        out: &mut Vec<Instruction>,
    ) -> Value {
        if let Some(lensed) = build::with_accessor(&value, accessor.clone()) {
            return lensed;
        }
        let name = self.names.fresh("v");
        out.push(build::ap(value, &name));
        build::with_accessor(&scalar(&name), accessor).unwrap_or_else(|| scalar(&name))
    }

    fn length(&mut self, base: Bound, out: &mut Vec<Instruction>) -> Result<Bound> {
        let canon = match base {
            Bound::Stream(stream) => {
                let canon = self.names.fresh(&format!("{stream}-canon"));
                out.push(build::canon(self.peer(), &stream, &canon));
                build::canon_value(&canon)
            }
            other => {
                let value = self.value_of(other, out)?;
                match value.kind {
                    ValueKind::CanonStream { lens: None, .. } => value,
                    ValueKind::EmptyArray => return Ok(Bound::Value(build::int(0))),
                    ValueKind::Scalar { ref name, lens: None } => {
                        let length = self.names.fresh(&format!("{name}-len"));
                        let source = Value::new(
                            ValueKind::Scalar {
                                name: name.clone(),
                                lens: Some(air_syntax::ast::Lens::Length),
                            },
                            Span::DUMMY,
                        );
                        out.push(build::ap(source, &length));
                        return Ok(Bound::Value(scalar(&length)));
                    }
                    _ => {
                        let name = self.names.fresh("v");
                        out.push(build::ap(value, &name));
                        scalar(&name)
                    }
                }
            }
        };
        let source_name = match &canon.kind {
            ValueKind::CanonStream { name, .. } | ValueKind::Scalar { name, .. } => name.clone(),
            _ => return Err(LowerError::Kind { expected: "a collection", found: "a literal" }),
        };
        let length = self.names.fresh(&format!("{source_name}-len"));
        let kind = match canon.kind {
            ValueKind::CanonStream { name, .. } => {
                ValueKind::CanonStream { name, lens: Some(air_syntax::ast::Lens::Length) }
            }
            ValueKind::Scalar { name, .. } => {
                ValueKind::Scalar { name, lens: Some(air_syntax::ast::Lens::Length) }
            }
            _ => return Err(LowerError::Kind { expected: "a collection", found: "a literal" }),
        };
        out.push(build::ap(Value::new(kind, Span::DUMMY), &length));
        Ok(Bound::Value(scalar(&length)))
    }

    fn index(
        &mut self,
        frame: &mut Frame,
        base: Bound,
        index: &Expr,
        span: aqua_syntax::Span,
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        if let Bound::Stream(stream) = base {
            let size = self.gate_size(frame, index, out)?;
            return self.gate(&stream, size, span, out);
        }
        let value = self.value_of(base, out)?;
        let index = self.lower_expr(frame, index, out, None)?;
        let index = self.value_of(index, out)?;
        let accessor = self.accessor(index, out)?;
        Ok(Bound::Value(self.lensed(value, accessor, out)))
    }

    /// An index value as a lens step: a literal index or a plain scalar. A literal no lens can
    /// hold (negative, or past `u32`, as inlining literal arguments can make in a branch that
    /// never runs) goes through a scalar: the script parses, and the read fails if it runs.
    fn accessor(&mut self, index: Value, out: &mut Vec<Instruction>) -> Result<Accessor> {
        match index.kind {
            ValueKind::Int(n) => Ok(match u32::try_from(n) {
                Ok(index) => Accessor::Index(index),
                Err(_) => {
                    let name = self.names.fresh("idx");
                    out.push(build::ap(build::int(n), &name));
                    Accessor::ByScalar(name)
                }
            }),
            ValueKind::Scalar { name, lens: None } => Ok(Accessor::ByScalar(name)),
            _ => {
                let name = self.names.fresh("idx");
                out.push(build::ap(index, &name));
                Ok(Accessor::ByScalar(name))
            }
        }
    }

    /// `index + 1`, folded: a literal, `x` for `x - 1`, `x - (k - 1)` for `x - k`.
    fn gate_size(
        &mut self,
        frame: &mut Frame,
        index: &Expr,
        out: &mut Vec<Instruction>,
    ) -> Result<GateSize> {
        if let ExprKind::Binary(binary) = &index.kind
            && let Binary { op: BinaryOp::Sub, lhs, rhs } = &**binary
            && let Some(k) = crate::fold::int_literal(rhs)
            && k >= 1
        {
            let left = self.lower_expr(frame, lhs, out, None)?;
            let left = self.value_of(left, out)?;
            if let ValueKind::Int(n) = left.kind {
                return Ok(GateSize::Known(n - k + 1));
            }
            if k == 1 {
                return Ok(GateSize::Computed(left));
            }
            let result = self.math("sub", left, build::int(k - 1), out);
            return Ok(GateSize::Computed(result));
        }
        let value = self.lower_expr(frame, index, out, None)?;
        let value = self.value_of(value, out)?;
        if let ValueKind::Int(n) = value.kind {
            return Ok(GateSize::Known(n + 1));
        }
        Ok(GateSize::Computed(self.math("add", value, build::int(1), out)))
    }

    /// The stream gate: waits until the stream has `size` elements, then reads element
    /// `size - 1` of a snapshot of them.
    fn gate(
        &mut self,
        stream: &str,
        size: GateSize,
        span: aqua_syntax::Span,
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        let peer = self.peer();
        let test = self.names.fresh(&format!("{stream}-test"));
        let item = self.names.fresh(&format!("{stream}-item"));
        let iter_canon = self.names.fresh(&format!("{stream}-iter"));
        let result_canon = self.names.fresh(&format!("{stream}-gate"));
        for derived in [&test, &item, &iter_canon, &result_canon] {
            self.tagger.alias(derived, stream);
        }
        let size_value = match &size {
            GateSize::Known(n) => build::int(*n),
            GateSize::Computed(value) => value.clone(),
        };
        let length = Value::new(
            ValueKind::CanonStream {
                name: iter_canon.clone(),
                lens: Some(air_syntax::ast::Lens::Length),
            },
            Span::DUMMY,
        );
        let body = build::seq(
            build::seq(
                build::ap_stream(scalar(&item), &test),
                build::canon(peer.clone(), &test, &iter_canon),
            ),
            build::xor(build::match_(length, size_value, build::null()), build::next(&item)),
        );
        let fold = build::fold(
            air_syntax::ast::FoldIterable::Stream(build::name(stream)),
            &item,
            body,
            build::never(),
        );
        let gate = build::seq(fold, build::canon(peer, &test, &result_canon));
        let mut gate = [build::new(VariableKind::Stream, &test, gate)];
        self.stamp(&mut gate, span, Construct::Join);
        out.extend(gate);
        let accessor = match size {
            // A size below 1 never opens the gate; its read is then never reached.
            GateSize::Known(n) => self.accessor(build::int(n - 1), out)?,
            GateSize::Computed(value) => {
                let index = self.math("sub", value, build::int(1), out);
                self.accessor(index, out)?
            }
        };
        let element = build::with_accessor(&build::canon_value(&result_canon), accessor)
            .ok_or(LowerError::Kind { expected: "a lens", found: "none" })?;
        Ok(Bound::Value(element))
    }

    /// `(call peer ("math" op) [a b] result)`.
    pub(crate) fn math(
        &mut self,
        op: &str,
        left: Value,
        right: Value,
        out: &mut Vec<Instruction>,
    ) -> Value {
        let result = self.names.fresh(op);
        out.push(build::call(
            self.peer(),
            build::string("math"),
            op,
            vec![left, right],
            Some(result.clone()),
        ));
        scalar(&result)
    }

    fn collection(
        &mut self,
        frame: &mut Frame,
        kind: CollectionKind,
        elems: &[Expr],
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        if elems.is_empty() && kind != CollectionKind::Stream {
            return Ok(Bound::Value(Value::new(ValueKind::EmptyArray, Span::DUMMY)));
        }
        let base = match kind {
            CollectionKind::Array => "array",
            CollectionKind::Option => "option",
            CollectionKind::Stream => "stream",
        };
        let stream = self.names.fresh(base);
        let mut pushes = Vec::new();
        for elem in elems {
            let mut steps = Vec::new();
            let bound = self.lower_expr(frame, elem, &mut steps, None)?;
            let value = self.value_of(bound, &mut steps)?;
            steps.push(build::ap_stream(value, &stream));
            pushes.push(build::seq_all(steps));
        }
        if kind == CollectionKind::Stream {
            out.extend(pushes);
            self.pending.push((VariableKind::Stream, stream.clone()));
            return Ok(Bound::Stream(stream));
        }
        let fill = if kind == CollectionKind::Option {
            let mut iter = pushes.into_iter();
            let first = iter.next().unwrap_or_else(build::null);
            build::xor(iter.fold(first, build::xor), build::null())
        } else {
            build::seq_all(pushes)
        };
        let canon = self.names.fresh(base);
        let body = build::seq(fill, build::canon(self.peer(), &stream, &canon));
        out.push(build::new(VariableKind::Stream, &stream, body));
        Ok(Bound::Value(build::canon_value(&canon)))
    }

    /// A JSON object built from a stream map, fields in alphabetical order.
    fn object(
        &mut self,
        type_name: &str,
        mut fields: Vec<(String, Value)>,
        out: &mut Vec<Instruction>,
    ) -> Value {
        fields.sort_by(|a, b| a.0.cmp(&b.0));
        let map = self.names.fresh(&format!("{type_name}-map"));
        let object = self.names.fresh(&format!("{type_name}-obj"));
        let mut steps: Vec<Instruction> = fields
            .into_iter()
            .map(|(name, value)| build::ap_map(build::string(&name), value, &map))
            .collect();
        steps.push(build::canon_map_scalar(self.peer(), &map, &object));
        out.push(build::new(VariableKind::StreamMap, &map, build::seq_all(steps)));
        scalar(&object)
    }

    fn copy(
        &mut self,
        frame: &mut Frame,
        base: &Expr,
        fields: &[(SmolStr, Expr)],
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        let Type::Struct(ty) = &base.ty else {
            return Err(LowerError::Kind { expected: "a struct", found: "another type" });
        };
        let bound = self.lower_expr(frame, base, out, None)?;
        let value = self.value_of(bound, out)?;
        let mut values = Vec::new();
        for (name, _) in &ty.fields {
            if fields.iter().any(|(replaced, _)| replaced == name) {
                continue;
            }
            values.push((
                name.to_string(),
                self.lensed(value.clone(), Accessor::Field(name.to_string()), out),
            ));
        }
        for (name, expr) in fields {
            let bound = self.lower_expr(frame, expr, out, None)?;
            values.push((name.to_string(), self.value_of(bound, out)?));
        }
        Ok(Bound::Value(self.object(&ty.name, values, out)))
    }

    fn binary(
        &mut self,
        frame: &mut Frame,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        ty: &Type,
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        if matches!(op, BinaryOp::And | BinaryOp::Or) {
            return self.logic(frame, op, lhs, rhs, out);
        }
        let left = self.lower_expr(frame, lhs, out, None)?;
        let left = self.value_of(left, out)?;
        let right = self.lower_expr(frame, rhs, out, None)?;
        let right = self.value_of(right, out)?;
        if let (ValueKind::Int(a), ValueKind::Int(b)) = (&left.kind, &right.kind)
            && let Some(folded) = fold::fold_int(op, *a, *b)
        {
            return Ok(Bound::Value(Value::new(folded, Span::DUMMY)));
        }
        if matches!(op, BinaryOp::Eq | BinaryOp::NotEq)
            && let Some(equal) = fold::literals_equal(&left, &right)
        {
            return Ok(Bound::Value(build::boolean(equal == (op == BinaryOp::Eq))));
        }
        let float = lhs.ty.is_float() || rhs.ty.is_float() || ty.is_float();
        let (service, function) = match op {
            BinaryOp::Add => ("math", "add"),
            BinaryOp::Sub => ("math", "sub"),
            BinaryOp::Mul if float => ("math", "fmul"),
            BinaryOp::Mul => ("math", "mul"),
            BinaryOp::Div => ("math", "div"),
            BinaryOp::Rem => ("math", "rem"),
            BinaryOp::Pow => ("math", "pow"),
            BinaryOp::Lt => ("cmp", "lt"),
            BinaryOp::LtEq => ("cmp", "lte"),
            BinaryOp::Gt => ("cmp", "gt"),
            BinaryOp::GtEq => ("cmp", "gte"),
            BinaryOp::Eq | BinaryOp::NotEq => {
                let result = self.names.fresh(if op == BinaryOp::Eq { "eq" } else { "neq" });
                let test = if op == BinaryOp::Eq { build::match_ } else { build::mismatch };
                out.push(build::xor(
                    test(left, right, build::ap(build::boolean(true), &result)),
                    build::ap(build::boolean(false), &result),
                ));
                return Ok(Bound::Value(scalar(&result)));
            }
            BinaryOp::And | BinaryOp::Or => unreachable_logic()?,
        };
        let result = self.names.fresh(function);
        out.push(build::call(
            self.peer(),
            build::string(service),
            function,
            vec![left, right],
            Some(result.clone()),
        ));
        Ok(Bound::Value(scalar(&result)))
    }

    /// `a && b` / `a || b`: `b` is evaluated only when needed; a literal operand decides at
    /// compile time (`false && b` is `false` and never evaluates `b`, `a && true` is `a`).
    fn logic(
        &mut self,
        frame: &mut Frame,
        op: BinaryOp,
        lhs: &Expr,
        rhs: &Expr,
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        let short = op == BinaryOp::Or;
        let left = self.lower_expr(frame, lhs, out, None)?;
        let left = self.value_of(left, out)?;
        if let ValueKind::Bool(known) = left.kind {
            if known == short {
                return Ok(Bound::Value(build::boolean(short)));
            }
            let right = self.lower_expr(frame, rhs, out, None)?;
            return Ok(Bound::Value(self.value_of(right, out)?));
        }
        let mut right_steps = Vec::new();
        let right = self.lower_expr(frame, rhs, &mut right_steps, None)?;
        let right = self.value_of(right, &mut right_steps)?;
        if let (ValueKind::Bool(known), true) = (&right.kind, right_steps.is_empty()) {
            return Ok(Bound::Value(if *known == short { build::boolean(short) } else { left }));
        }
        let result = self.names.fresh(if op == BinaryOp::And { "and" } else { "or" });
        right_steps.push(build::ap(right, &result));
        let short = build::boolean(short);
        out.push(build::xor(
            build::match_(left.clone(), short, build::ap(left, &result)),
            build::seq_all(right_steps),
        ));
        Ok(Bound::Value(scalar(&result)))
    }

    fn map_call(
        &mut self,
        frame: &mut Frame,
        map: &Expr,
        method: MapMethod,
        args: &[Expr],
        out: &mut Vec<Instruction>,
    ) -> Result<Bound> {
        let map = self.lower_expr(frame, map, out, None)?;
        let Bound::Map(map) = map else {
            return Err(LowerError::Kind { expected: "a stream map", found: "another value" });
        };
        let canon = self.names.fresh(&format!("{map}-canon"));
        out.push(build::canon_map(self.peer(), &map, &canon));
        let canon_value =
            Value::new(ValueKind::CanonStreamMap { name: canon, lens: None }, Span::DUMMY);
        let key = match args.first() {
            Some(key) => {
                let bound = self.lower_expr(frame, key, out, None)?;
                Some(self.value_of(bound, out)?)
            }
            None => None,
        };
        let keyed = |this: &mut Self, out: &mut Vec<Instruction>| -> Result<Value> {
            let key = key.clone().ok_or(LowerError::Kind { expected: "a key", found: "none" })?;
            let accessor = match key.kind {
                ValueKind::Str(text) => Accessor::Field(text),
                other => this.accessor(Value::new(other, Span::DUMMY), out)?,
            };
            Ok(this.lensed(canon_value.clone(), accessor, out))
        };
        match method {
            MapMethod::Get => Ok(Bound::Value(keyed(self, out)?)),
            MapMethod::Contains => {
                let values = keyed(self, out)?;
                let result = self.names.fresh("contains");
                let length = self.length(Bound::Value(values), out)?;
                let length = self.value_of(length, out)?;
                out.push(build::xor(
                    build::match_(length, build::int(0), build::ap(build::boolean(false), &result)),
                    build::ap(build::boolean(true), &result),
                ));
                Ok(Bound::Value(scalar(&result)))
            }
            MapMethod::GetStream | MapMethod::Keys | MapMethod::KeysStream => {
                let (source, field) = match method {
                    MapMethod::GetStream => (keyed(self, out)?, None),
                    _ => (canon_value.clone(), Some("key")),
                };
                let stream = self.names.fresh("values");
                let item = self.names.fresh("item");
                let item_value = match field {
                    Some(field) => {
                        build::with_accessor(&scalar(&item), Accessor::Field(field.into()))
                            .unwrap_or_else(|| scalar(&item))
                    }
                    None => scalar(&item),
                };
                let body = build::seq(build::ap_stream(item_value, &stream), build::next(&item));
                out.push(build::fold(
                    air_syntax::ast::FoldIterable::Value(source),
                    &item,
                    body,
                    build::null(),
                ));
                self.pending.push((VariableKind::Stream, stream.clone()));
                if method == MapMethod::Keys {
                    return Ok(Bound::Value(self.value_of(Bound::Stream(stream), out)?));
                }
                Ok(Bound::Stream(stream))
            }
        }
    }
}

fn unreachable_logic() -> Result<(&'static str, &'static str)> {
    Err(LowerError::Kind { expected: "an arithmetic operator", found: "a boolean operator" })
}

/// The AIR value of a literal.
pub(crate) fn literal_value(literal: &Literal) -> Result<Value> {
    let kind = match literal {
        Literal::Bool(b) => ValueKind::Bool(*b),
        Literal::String(text) => ValueKind::Str(text.clone()),
        Literal::Int(text) => {
            ValueKind::Int(text.parse().map_err(|_| LowerError::Literal(text.clone()))?)
        }
        Literal::Float(text) => {
            ValueKind::Float(text.parse().map_err(|_| LowerError::Literal(text.clone()))?)
        }
    };
    Ok(Value::new(kind, Span::DUMMY))
}
