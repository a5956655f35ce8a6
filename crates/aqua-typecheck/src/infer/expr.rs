//! Expressions: names, fields, indexing, literals, collections and operators.
//!
//! Calls and constructors are in `call.rs`; this module resolves what a name or a dotted chain
//! stands for ([`Head`]) and types everything else.

use std::sync::Arc;

use aqua_syntax::Span;
use aqua_syntax::ast::{self, BinaryOp, CollectionKind, ExprKind};
use smol_str::SmolStr;

use crate::env::{Def, Entry, Namespace};
use crate::error::{NameKind, TypeError, Warning};
use crate::infer::Checker;
use crate::infer::items::literal_type;
use crate::suggest;
use crate::tast::{self, BuiltinConst, Expr};
use crate::types::{ScalarType, Type, is_subtype, service_fields, union};

/// What a name or dotted chain stands for before it is used.
pub(crate) enum Head {
    /// A value.
    Value(Expr),
    /// A module namespace (only valid as a prefix).
    Namespace(Arc<Namespace>, SmolStr),
    /// A type (valid as a constructor callee).
    Type(Type, SmolStr),
}

impl Checker<'_> {
    /// Types an expression. A call yields its first result (see [`Checker::infer_value`]).
    pub(crate) fn infer_expr(&mut self, expr: &ast::Expr) -> Expr {
        let span = expr.span;
        let (kind, ty) = match &expr.kind {
            ExprKind::Literal(literal) => {
                if let Some(error) = super::items::not_in_air(literal, span) {
                    self.error(error);
                }
                let value = super::share_literal(&mut self.literals, literal);
                (tast::ExprKind::Literal(value), literal_type(literal))
            }
            ExprKind::InitPeerId => {
                (tast::ExprKind::Builtin(BuiltinConst::InitPeerId), Type::STRING)
            }
            ExprKind::Var(_) | ExprKind::Field { .. } => {
                let head = self.infer_head(expr);
                return self.head_value(head, span);
            }
            ExprKind::Call { .. } => return self.infer_call(expr).0,
            ExprKind::Index { base, index } => return self.infer_index(base, index, span),
            ExprKind::Bang { base, index } => return self.infer_bang(base, index.as_deref(), span),
            ExprKind::Collection { kind, elems } => {
                return self.infer_collection(*kind, elems, span);
            }
            ExprKind::Not(inner) => {
                let inner = self.infer_value(inner);
                self.expect_operand(&inner, "!", Type::is_bool_like, "`bool`");
                (tast::ExprKind::Not(Box::new(inner)), Type::BOOL)
            }
            ExprKind::Binary { op, lhs, rhs } => return self.infer_binary(*op, lhs, rhs, span),
            ExprKind::Error => (tast::ExprKind::Error, Type::Error),
        };
        Expr { kind, ty, span }
    }

    /// Types an expression used as one value: a call must have exactly one result.
    pub(crate) fn infer_value(&mut self, expr: &ast::Expr) -> Expr {
        if let ExprKind::Call { .. } = expr.kind {
            let (call, results) = self.infer_call(expr);
            if results.is_empty() && !call.ty.is_error() {
                self.error(TypeError::NoValue { span: expr.span });
                return Expr { ty: Type::Error, ..call };
            }
            return call;
        }
        self.infer_expr(expr)
    }

    /// Reports a mismatch unless `expr`'s type fits `expected`.
    pub(crate) fn expect(&mut self, expr: &Expr, expected: &Type, because: Option<Span>) -> bool {
        if is_subtype(&expr.ty, expected) {
            return true;
        }
        self.error(TypeError::Mismatch {
            span: expr.span,
            expected: expected.clone(),
            found: expr.ty.clone(),
            because,
        });
        false
    }

    fn head_value(&mut self, head: Head, span: Span) -> Expr {
        match head {
            Head::Value(expr) => expr,
            Head::Namespace(_, name) => {
                self.wrong_kind(span, name, "value", "module");
                Expr::error(span)
            }
            Head::Type(ty, name) => {
                let found = if matches!(ty, Type::Ability(_)) { "ability" } else { "type" };
                self.wrong_kind(span, name, "value", found);
                Expr::error(span)
            }
        }
    }

    pub(crate) fn wrong_kind(
        &mut self,
        span: Span,
        name: SmolStr,
        expected: &'static str,
        found: &'static str,
    ) {
        self.error(TypeError::WrongKind { span, name, expected, found });
    }

    /// Resolves a name or a dotted chain: locals first, then module names, then built-ins.
    pub(crate) fn infer_head(&mut self, expr: &ast::Expr) -> Head {
        match &expr.kind {
            ExprKind::Var(ident) => self.resolve_name(ident),
            ExprKind::Field { base, name } => {
                let head = self.infer_head_or_value(base);
                self.field_of_head(head, base.span, name, expr.span)
            }
            _ => Head::Value(self.infer_expr(expr)),
        }
    }

    /// `name` looked up on what `base` resolved to.
    pub(crate) fn field_of_head(
        &mut self,
        head: Head,
        base: Span,
        name: &ast::Ident,
        span: Span,
    ) -> Head {
        match head {
            Head::Namespace(namespace, prefix) => {
                let full = SmolStr::new(format!("{prefix}.{}", name.name));
                match namespace.names.get(&name.name).cloned() {
                    Some(entry) => self.entry_head(entry, full, span),
                    None => {
                        let candidates = suggest::similar(&name.name, namespace.names.keys());
                        self.error(TypeError::UnknownName {
                            span: name.span,
                            name: full,
                            kind: NameKind::Value,
                            candidates,
                        });
                        Head::Value(Expr::error(span))
                    }
                }
            }
            Head::Type(_, type_name) => {
                self.wrong_kind(base, type_name, "value", "type");
                Head::Value(Expr::error(span))
            }
            Head::Value(base) => Head::Value(self.member(base, name, span)),
        }
    }

    /// Resolves a chain as a head, or types any other expression as a value.
    pub(crate) fn infer_head_or_value(&mut self, expr: &ast::Expr) -> Head {
        match &expr.kind {
            ExprKind::Var(_) | ExprKind::Field { .. } => self.infer_head(expr),
            _ => Head::Value(self.infer_value(expr)),
        }
    }

    /// `base.name` on a value: struct fields, ability members, service methods, `length`.
    pub(crate) fn member(&mut self, base: Expr, name: &ast::Ident, span: Span) -> Expr {
        let field = |base: Expr, ty: Type| Expr {
            kind: tast::ExprKind::Field(Box::new(tast::Member { base, name: name.name.clone() })),
            ty,
            span,
        };
        // A method of a named service: no member to box.
        if let (tast::ExprKind::Service { service, id }, Type::Service(s)) = (&base.kind, &base.ty)
            && let Some((index, (_, arrow))) =
                s.methods.iter().enumerate().find(|(_, (method, _))| *method == name.name)
        {
            // A method index fits in u32: a file with 32-bit spans cannot declare 2^32 methods.
            let kind =
                tast::ExprKind::Method { service: *service, method: index as u32, id: id.clone() };
            return Expr { kind, ty: Type::Arrow(arrow.clone()), span };
        }
        let found = match &base.ty {
            Type::Error => return Expr::error(span),
            Type::Struct(s) => s.field(&name.name).cloned(),
            Type::Ability(a) => a.field(&name.name).cloned(),
            Type::Service(s) => s.method(&name.name).map(|arrow| Type::Arrow(arrow.clone())),
            Type::Array(_) | Type::Option(_) | Type::Stream(_) if name.name == "length" => {
                return Expr { kind: tast::ExprKind::Length(Box::new(base)), ty: Type::U32, span };
            }
            _ => None,
        };
        if let Some(ty) = found {
            return field(base, ty);
        }
        let members: Vec<SmolStr> = match &base.ty {
            Type::Struct(s) => s.fields.iter().map(|(n, _)| n.clone()).collect(),
            Type::Ability(a) => a.fields.iter().map(|(n, _)| n.clone()).collect(),
            Type::Service(s) => service_fields(s).into_iter().map(|(n, _)| n).collect(),
            Type::Array(_) | Type::Option(_) | Type::Stream(_) => vec![SmolStr::new("length")],
            _ => Vec::new(),
        };
        let candidates = suggest::similar(&name.name, members.iter());
        self.error(TypeError::UnknownMember {
            span: name.span,
            name: name.name.clone(),
            ty: base.ty.clone(),
            candidates,
        });
        Expr::error(span)
    }

    fn resolve_name(&mut self, ident: &ast::Ident) -> Head {
        let span = ident.span;
        if let Some(local) = self.locals.lookup(&ident.name) {
            let kind = tast::ExprKind::Local { local: local.local, name: local.name };
            return Head::Value(Expr { kind, ty: local.ty, span });
        }
        if let Some(entry) = self.scope.lookup(&ident.name) {
            return self.entry_head(entry, ident.name.clone(), span);
        }
        if let Some((builtin, ty)) = self.builtin(&ident.name) {
            return Head::Value(Expr { kind: tast::ExprKind::Builtin(builtin), ty, span });
        }
        self.unknown_name(ident, NameKind::Value);
        Head::Value(Expr::error(span))
    }

    /// Reports an unknown name, as a forward reference when it is defined further down.
    pub(crate) fn unknown_name(&mut self, ident: &ast::Ident, kind: NameKind) {
        if let Some(defined) = self.later.get(&ident.name).copied() {
            self.error(TypeError::ForwardReference {
                span: ident.span,
                name: ident.name.clone(),
                defined,
            });
            return;
        }
        let mut names: Vec<SmolStr> = self.locals.names().cloned().collect();
        names.extend(self.scope.names.keys().cloned());
        names.extend(BUILTINS.iter().map(SmolStr::new));
        let candidates = suggest::similar(&ident.name, names.iter());
        self.error(TypeError::UnknownName {
            span: ident.span,
            name: ident.name.clone(),
            kind,
            candidates,
        });
    }

    /// What a module-level definition stands for at `span`.
    pub(crate) fn entry_head(&mut self, entry: Entry, name: SmolStr, span: Span) -> Head {
        match entry.def {
            Def::Namespace(namespace) => Head::Namespace(namespace, name),
            Def::Type(ty) => Head::Type(ty, name),
            Def::Const(id) => {
                let Some(constant) = self.program.constants.get(id.0 as usize) else {
                    return Head::Value(Expr::error(span));
                };
                let value = super::share_literal(&mut self.literals, &constant.value);
                let kind = tast::ExprKind::Const { id, value };
                Head::Value(Expr { kind, ty: constant.ty.clone(), span })
            }
            Def::Func(id) => {
                let ty = match self.program.functions.get(id.0 as usize) {
                    Some(func) => Type::Arrow(func.ty.clone()),
                    None => Type::Error,
                };
                Head::Value(Expr { kind: tast::ExprKind::Func(id), ty, span })
            }
            Def::Service(id) => Head::Value(self.service_value(id, name, span)),
        }
    }

    /// A service as a value, with the id in force here.
    pub(crate) fn service_value(
        &mut self,
        id: tast::ServiceDefId,
        name: SmolStr,
        span: Span,
    ) -> Expr {
        let Some(service) = self.program.services.get(id.0 as usize) else {
            return Expr::error(span);
        };
        let ty = Type::Service(service.ty.clone());
        let default = service.default_id.clone();
        let id_expr = match self.locals.service_id(id).cloned().or(default) {
            Some(id_expr) => id_expr,
            None => {
                self.error(TypeError::ServiceIdUndefined { span, service: name });
                Arc::new(Expr::error(span))
            }
        };
        Expr { kind: tast::ExprKind::Service { service: id, id: id_expr }, ty, span }
    }

    fn builtin(&self, name: &str) -> Option<(BuiltinConst, Type)> {
        Some(match name {
            "INIT_PEER_ID" => (BuiltinConst::InitPeerId, Type::STRING),
            "HOST_PEER_ID" => (BuiltinConst::HostPeerId, Type::STRING),
            "PARTICLE_TTL" => (BuiltinConst::ParticleTtl, Type::U32),
            "PARTICLE_TIMESTAMP" => {
                (BuiltinConst::ParticleTimestamp, Type::Scalar(ScalarType::U64))
            }
            "nil" => (BuiltinConst::Nil, Type::nil()),
            "LAST_ERROR" => (BuiltinConst::LastError, Type::Struct(self.error_type.clone())),
            _ => return None,
        })
    }

    /// Reports a new local name that is already visible (Aqua has no shadowing).
    pub(crate) fn check_fresh(&mut self, ident: &ast::Ident) -> bool {
        let previous = match self.locals.peek(&ident.name) {
            Some(local) => Some(Some(local.span)),
            None => match self.scope.names.get(&ident.name) {
                Some(entry) if matches!(entry.def, Def::Const(_) | Def::Func(_)) => {
                    Some((entry.file == self.file).then_some(entry.span))
                }
                _ => BUILTINS.contains(&ident.name.as_str()).then_some(None),
            },
        };
        match previous {
            Some(previous) => {
                self.error(TypeError::Redefined {
                    span: ident.span,
                    name: ident.name.clone(),
                    previous,
                });
                false
            }
            None => true,
        }
    }

    fn infer_index(&mut self, base: &ast::Expr, index: &ast::Expr, span: Span) -> Expr {
        let base = self.infer_value(base);
        let index = self.infer_value(index);
        if !index.ty.is_integer() {
            self.error(TypeError::Mismatch {
                span: index.span,
                expected: Type::U32,
                found: index.ty.clone(),
                because: None,
            });
        }
        let ty = match &base.ty {
            Type::Array(elem) | Type::Stream(elem) => (**elem).clone(),
            Type::Option(_) => {
                self.error(TypeError::OptionIndex { span: index.span });
                Type::Error
            }
            Type::Error => Type::Error,
            other => {
                self.error(TypeError::NotIndexable { span: base.span, ty: other.clone() });
                Type::Error
            }
        };
        let kind = tast::ExprKind::Index { base: Box::new(base), index: Box::new(index) };
        Expr { kind, ty, span }
    }

    fn infer_bang(&mut self, base: &ast::Expr, index: Option<&str>, span: Span) -> Expr {
        let base = self.infer_value(base);
        let index: u32 = index.and_then(|i| i.parse().ok()).unwrap_or(0);
        let ty = match &base.ty {
            Type::Array(elem) | Type::Stream(elem) => (**elem).clone(),
            Type::Option(elem) if index == 0 => (**elem).clone(),
            Type::Option(_) => {
                self.error(TypeError::OptionIndex { span });
                Type::Error
            }
            Type::Error => Type::Error,
            other => {
                self.error(TypeError::NotIndexable { span: base.span, ty: other.clone() });
                Type::Error
            }
        };
        Expr { kind: tast::ExprKind::Bang { base: Box::new(base), index }, ty, span }
    }

    fn infer_collection(&mut self, kind: CollectionKind, elems: &[ast::Expr], span: Span) -> Expr {
        let mut elem_ty = Type::Bottom;
        let mut typed = Vec::with_capacity(elems.len());
        for elem in elems {
            let mut value = self.infer_value(elem);
            // A stream in a collection literal is canonicalized to an array first.
            if let Type::Stream(inner) = &value.ty {
                value.ty = Type::Array(inner.clone());
            }
            if !value.ty.is_data() {
                let container =
                    if kind == CollectionKind::Stream { "a stream" } else { "a collection" };
                self.error(TypeError::NotData {
                    span: value.span,
                    ty: value.ty.clone(),
                    container,
                });
            } else {
                elem_ty = union(&elem_ty, &value.ty);
            }
            typed.push(value);
        }
        let elem_ty = std::sync::Arc::new(elem_ty);
        let ty = match kind {
            CollectionKind::Array => Type::Array(elem_ty),
            CollectionKind::Option => Type::Option(elem_ty),
            CollectionKind::Stream => Type::Stream(elem_ty),
        };
        Expr { kind: tast::ExprKind::Collection { kind, elems: typed.into() }, ty, span }
    }

    fn expect_operand(
        &mut self,
        expr: &Expr,
        op: &'static str,
        accepts: fn(&Type) -> bool,
        description: &'static str,
    ) -> bool {
        if accepts(&expr.ty) {
            return true;
        }
        self.error(TypeError::BadOperand {
            span: expr.span,
            op,
            ty: expr.ty.clone(),
            accepts: description,
        });
        false
    }

    fn infer_binary(&mut self, op: BinaryOp, lhs: &ast::Expr, rhs: &ast::Expr, span: Span) -> Expr {
        let lhs = self.infer_value(lhs);
        let rhs = self.infer_value(rhs);
        let symbol = op.symbol();
        let ty = match op {
            BinaryOp::And | BinaryOp::Or => {
                self.expect_operand(&lhs, symbol, Type::is_bool_like, "`bool`");
                self.expect_operand(&rhs, symbol, Type::is_bool_like, "`bool`");
                Type::BOOL
            }
            BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => {
                self.expect_operand(&lhs, symbol, Type::is_integer, "integers");
                self.expect_operand(&rhs, symbol, Type::is_integer, "integers");
                Type::BOOL
            }
            BinaryOp::Eq | BinaryOp::NotEq => {
                if !comparable(&lhs.ty, &rhs.ty) {
                    self.error(TypeError::NotComparable {
                        span,
                        lhs: lhs.ty.clone(),
                        rhs: rhs.ty.clone(),
                    });
                }
                Type::BOOL
            }
            BinaryOp::Mul if lhs.ty.is_float() || rhs.ty.is_float() => {
                self.expect_operand(&lhs, symbol, float_like, "numbers that fit `f64`");
                self.expect_operand(&rhs, symbol, float_like, "numbers that fit `f64`");
                Type::Scalar(ScalarType::I64)
            }
            BinaryOp::Pow => {
                self.expect_operand(&lhs, symbol, Type::is_integer, "integers");
                self.expect_operand(&rhs, symbol, Type::is_unsigned, "an unsigned exponent");
                self.arithmetic_type(&lhs.ty, &rhs.ty, symbol, span)
            }
            BinaryOp::Add | BinaryOp::Sub | BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => {
                let ok_lhs = self.expect_operand(&lhs, symbol, Type::is_integer, "integers");
                let ok_rhs = self.expect_operand(&rhs, symbol, Type::is_integer, "integers");
                if ok_lhs && ok_rhs {
                    self.arithmetic_type(&lhs.ty, &rhs.ty, symbol, span)
                } else {
                    Type::Error
                }
            }
        };
        let kind = tast::ExprKind::Binary(Box::new(tast::Binary { op, lhs, rhs }));
        Expr { kind, ty, span }
    }

    fn arithmetic_type(&mut self, lhs: &Type, rhs: &Type, op: &'static str, span: Span) -> Type {
        if lhs.is_error() || rhs.is_error() {
            return Type::Error;
        }
        match union(lhs, rhs) {
            Type::Top => {
                self.warn(Warning::ArithmeticFallback {
                    span,
                    op,
                    lhs: lhs.clone(),
                    rhs: rhs.clone(),
                });
                Type::Scalar(ScalarType::I64)
            }
            ty => ty,
        }
    }
}

/// The predefined constants.
const BUILTINS: [&str; 6] =
    ["INIT_PEER_ID", "HOST_PEER_ID", "PARTICLE_TTL", "PARTICLE_TIMESTAMP", "nil", "LAST_ERROR"];

/// Operands of a float multiplication: anything that fits `f64`.
fn float_like(ty: &Type) -> bool {
    is_subtype(ty, &Type::Scalar(ScalarType::F64))
}

/// Whether `==` may compare values of these types.
fn comparable(a: &Type, b: &Type) -> bool {
    let opaque = |t: &Type| matches!(t, Type::Arrow(_) | Type::Ability(_) | Type::Service(_));
    if opaque(a) || opaque(b) {
        return a.is_error() || b.is_error();
    }
    // A stream compares as its canon, an array of its values (`s == nil` is `#s == []`).
    let as_value = |t: &Type| match t {
        Type::Stream(elem) => Type::Array(elem.clone()),
        other => other.clone(),
    };
    let (a, b) = (&as_value(a), &as_value(b));
    let numeric = |t: &Type| t.is_integer() || t.is_float();
    is_subtype(a, b) || is_subtype(b, a) || numeric(a) && numeric(b) || union(a, b) != Type::Top
}

impl Type {
    /// Whether the type is `bool` (or unknown).
    pub fn is_bool_like(&self) -> bool {
        matches!(self, Type::Scalar(ScalarType::Bool) | Type::Error | Type::Bottom)
    }
}
