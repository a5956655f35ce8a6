//! Calls and the call-shaped forms the parser leaves generic: arrow calls (functions, closures,
//! callbacks, service methods, ability members), struct and ability construction, `s.copy(..)`
//! and stream map methods.

use std::sync::Arc;

use aqua_syntax::Span;
use aqua_syntax::ast::{self, ExprKind, QualifiedName};
use smol_str::SmolStr;

use crate::env::Def;
use crate::error::{NameKind, TypeError, Warning};
use crate::infer::expr::Head;
use crate::infer::resolve;
use crate::infer::{Checker, join_name};
use crate::tast::{self, Expr, MapMethod};
use crate::types::{ArrowType, StructType, Type, is_subtype};

impl Checker<'_> {
    /// Types a call-shaped expression. Returns the expression (typed as its first result) and
    /// all result types.
    pub(crate) fn infer_call(&mut self, expr: &ast::Expr) -> (Expr, Vec<Type>) {
        let ExprKind::Call { callee, abilities, args } = &expr.kind else {
            let value = self.infer_expr(expr);
            let ty = value.ty.clone();
            return (value, vec![ty]);
        };
        let span = expr.span;
        let head = match &callee.kind {
            ExprKind::Field { base, name } => {
                let base_head = match self.infer_head_or_value(base) {
                    Head::Value(value) => match (&value.ty, name.name.as_str()) {
                        (Type::Struct(_), "copy") => return self.copy(value, args, span),
                        (Type::StreamMap(elem), _) => {
                            let elem = (**elem).clone();
                            return self.map_call(value, elem, name, args, span);
                        }
                        _ => Head::Value(value),
                    },
                    other => other,
                };
                self.field_of_head(base_head, base.span, name, callee.span)
            }
            _ => self.infer_head(callee),
        };
        match head {
            Head::Value(callee_value) => {
                self.call_arrow(callee_value, callee, abilities, args, span)
            }
            Head::Type(Type::Struct(ty), _) => {
                let fields = self.construct(&ty.fields, &Type::Struct(ty.clone()), args, span);
                let kind = tast::ExprKind::MakeStruct { fields: fields.into() };
                let ty = Type::Struct(ty);
                (Expr { kind, ty: ty.clone(), span }, vec![ty])
            }
            Head::Type(Type::Ability(ty), _) => {
                let fields = self.construct(&ty.fields, &Type::Ability(ty.clone()), args, span);
                let ty = Type::Ability(ty);
                (
                    Expr {
                        kind: tast::ExprKind::MakeAbility { fields: fields.into() },
                        ty: ty.clone(),
                        span,
                    },
                    vec![ty],
                )
            }
            Head::Type(Type::Error, _) => (Expr::error(span), vec![Type::Error]),
            Head::Type(_, name) | Head::Namespace(_, name) => {
                self.wrong_kind(callee.span, name, "function, struct or ability", "type");
                self.infer_args_for_errors(args);
                (Expr::error(span), vec![Type::Error])
            }
        }
    }

    fn infer_args_for_errors(&mut self, args: &[ast::Arg]) {
        for arg in args {
            self.infer_value(&arg.value);
        }
    }

    fn call_arrow(
        &mut self,
        callee: Expr,
        written: &ast::Expr,
        abilities: &[QualifiedName],
        args: &[ast::Arg],
        span: Span,
    ) -> (Expr, Vec<Type>) {
        let arrow: Arc<ArrowType> = match &callee.ty {
            Type::Arrow(arrow) => arrow.clone(),
            Type::Error => {
                self.infer_args_for_errors(args);
                return (Expr::error(span), vec![Type::Error]);
            }
            other => {
                self.error(TypeError::NotCallable {
                    span: written.span,
                    what: written_name(written),
                    ty: other.clone(),
                });
                self.infer_args_for_errors(args);
                return (Expr::error(span), vec![Type::Error]);
            }
        };
        // For top-level functions, point at the declaration: its name and each parameter.
        let (declared, param_spans) = match &callee.kind {
            tast::ExprKind::Func(id) => match self.program.functions.get(id.0 as usize) {
                Some(func) => {
                    let start = func.span.start + "func ".len() as u32;
                    let name = Span::new(start, start + func.name.len() as u32);
                    (Some(name), func.params.iter().map(|p| p.span).collect())
                }
                None => (None, Vec::new()),
            },
            _ => (None, Vec::new()),
        };
        let abilities = self.ability_args(&arrow, abilities, span);
        let mut typed = Vec::with_capacity(args.len());
        for arg in args {
            if let Some(name) = &arg.name {
                self.error(TypeError::ArgumentStyle { span: name.span, named_in_call: true });
            }
            typed.push(self.infer_value(&arg.value));
        }
        if typed.len() != arrow.params.len() {
            self.error(TypeError::ArgumentCount {
                span,
                expected: arrow.params.len(),
                found: typed.len(),
                declared,
            });
        } else {
            for (index, (arg, (_, param))) in typed.iter().zip(&arrow.params).enumerate() {
                self.expect(arg, param, param_spans.get(index).copied());
            }
        }
        let ty = arrow.results.first().cloned().unwrap_or(Type::Bottom);
        let kind = tast::ExprKind::call(callee, abilities, typed);
        (Expr { kind, ty, span }, arrow.results.clone())
    }

    fn ability_args(
        &mut self,
        arrow: &ArrowType,
        given: &[QualifiedName],
        span: Span,
    ) -> Vec<Expr> {
        if given.len() != arrow.abilities.len() {
            self.error(TypeError::AbilityCount {
                span,
                expected: arrow.abilities.len(),
                found: given.len(),
            });
        }
        let mut typed = Vec::with_capacity(given.len());
        for (index, name) in given.iter().enumerate() {
            let value = self.ability_value(name);
            if let Some((_, expected)) = arrow.abilities.get(index) {
                self.expect(&value, expected, None);
            }
            typed.push(value);
        }
        typed
    }

    /// Resolves `X` in `f{X}(..)`: a local ability, a member of one (`Outer.inner`), or a
    /// service with its id.
    fn ability_value(&mut self, name: &QualifiedName) -> Expr {
        if let [single] = name.parts.as_slice()
            && let Some(local) = self.locals.lookup(&single.name)
        {
            let kind = tast::ExprKind::Local { local: local.local, name: local.name };
            return Expr { kind, ty: local.ty, span: name.span };
        }
        if let [first, ..] = name.parts.as_slice()
            && name.parts.len() > 1
            && self.locals.lookup(&first.name).is_some()
        {
            return self.infer_value(&path_expr(name));
        }
        match resolve::lookup_qualified(self, name).map(|e| e.def) {
            Some(Def::Service(id)) => self.service_value(id, join_name(name), name.span),
            Some(other) => {
                self.wrong_kind(name.span, join_name(name), "ability value", other.describe());
                Expr::error(name.span)
            }
            None => {
                let ident = ast::Ident { name: join_name(name), span: name.span };
                self.unknown_name(&ident, NameKind::Ability);
                Expr::error(name.span)
            }
        }
    }

    /// Checks the named arguments of a struct or ability constructor against its fields and
    /// returns the values in field order.
    fn construct(
        &mut self,
        fields: &[(SmolStr, Type)],
        ty: &Type,
        args: &[ast::Arg],
        span: Span,
    ) -> Vec<Expr> {
        let mut given = self.named_args(args);
        let mut values = Vec::with_capacity(fields.len());
        for (field, field_ty) in fields {
            match given.iter_mut().find(|(name, _, _)| name == field) {
                Some((_, _, value)) => {
                    self.expect(value, field_ty, None);
                    // Taken, not cloned: only the names of `given` are read below.
                    values.push(std::mem::replace(value, Expr::error(span)));
                }
                None => {
                    self.error(TypeError::MissingField {
                        span,
                        field: field.clone(),
                        ty: field_ty.clone(),
                    });
                    // One value for each field, whatever is missing: the type names them.
                    values.push(Expr::error(span));
                }
            }
        }
        for (name, name_span, _) in &given {
            if !fields.iter().any(|(field, _)| field == name) {
                self.warn(Warning::UnexpectedArgument {
                    span: *name_span,
                    name: name.clone(),
                    ty: ty.clone(),
                });
            }
        }
        values
    }

    /// `f = v` arguments (and the short form `f` for `f = f`), with duplicates reported.
    fn named_args(&mut self, args: &[ast::Arg]) -> Vec<(SmolStr, Span, Expr)> {
        let mut given: Vec<(SmolStr, Span, Expr)> = Vec::with_capacity(args.len());
        for arg in args {
            let (name, name_span) = match (&arg.name, &arg.value.kind) {
                (Some(name), _) => (name.name.clone(), name.span),
                (None, ExprKind::Var(var)) => (var.name.clone(), var.span),
                (None, _) => {
                    self.error(TypeError::ArgumentStyle {
                        span: arg.value.span,
                        named_in_call: false,
                    });
                    self.infer_value(&arg.value);
                    continue;
                }
            };
            let value = self.infer_value(&arg.value);
            if given.iter().any(|(n, _, _)| *n == name) {
                self.error(TypeError::DuplicateField { span: name_span, field: name });
                continue;
            }
            given.push((name, name_span, value));
        }
        given
    }

    fn copy(&mut self, base: Expr, args: &[ast::Arg], span: Span) -> (Expr, Vec<Type>) {
        let Type::Struct(ty) = base.ty.clone() else {
            return (Expr::error(span), vec![Type::Error]);
        };
        let given = self.named_args(args);
        let mut fields = Vec::with_capacity(given.len());
        for (name, name_span, value) in given {
            match ty.field(&name) {
                Some(field_ty) => {
                    self.expect(&value, field_ty, None);
                    fields.push((name, value));
                }
                None => self.unknown_field(&ty, name, name_span),
            }
        }
        let result = Type::Struct(ty);
        let kind = tast::ExprKind::Copy(Box::new(tast::CopyWith { base, fields: fields.into() }));
        (Expr { kind, ty: result.clone(), span }, vec![result])
    }

    fn unknown_field(&mut self, ty: &Arc<StructType>, name: SmolStr, span: Span) {
        let names: Vec<SmolStr> = ty.fields.iter().map(|(n, _)| n.clone()).collect();
        let candidates = crate::suggest::similar(&name, names.iter());
        self.error(TypeError::UnknownMember {
            span,
            name,
            ty: Type::Struct(ty.clone()),
            candidates,
        });
    }

    fn map_call(
        &mut self,
        map: Expr,
        elem: Type,
        name: &ast::Ident,
        args: &[ast::Arg],
        span: Span,
    ) -> (Expr, Vec<Type>) {
        let (method, takes_key, ty) = match name.name.as_str() {
            "get" => (MapMethod::Get, true, Type::Array(Arc::new(elem))),
            "getStream" => (MapMethod::GetStream, true, Type::Stream(Arc::new(elem))),
            "keys" => (MapMethod::Keys, false, Type::Array(Arc::new(Type::STRING))),
            "keysStream" => (MapMethod::KeysStream, false, Type::Stream(Arc::new(Type::STRING))),
            "contains" => (MapMethod::Contains, true, Type::BOOL),
            _ => {
                let methods =
                    ["get", "getStream", "keys", "keysStream", "contains"].map(SmolStr::new);
                let candidates = crate::suggest::similar(&name.name, methods.iter());
                self.error(TypeError::UnknownMember {
                    span: name.span,
                    name: name.name.clone(),
                    ty: map.ty.clone(),
                    candidates,
                });
                self.infer_args_for_errors(args);
                return (Expr::error(span), vec![Type::Error]);
            }
        };
        let typed: Vec<Expr> = args.iter().map(|arg| self.infer_value(&arg.value)).collect();
        let expected = usize::from(takes_key);
        if typed.len() != expected {
            self.error(TypeError::ArgumentCount {
                span,
                expected,
                found: typed.len(),
                declared: None,
            });
        } else if let Some(key) = typed.first()
            && !is_subtype(&key.ty, &Type::STRING)
        {
            self.error(TypeError::MapKey { span: key.span, ty: key.ty.clone() });
        }
        let args = typed.into_boxed_slice();
        let kind = tast::ExprKind::MapCall(Box::new(tast::MapCall { map, method, args }));
        (Expr { kind, ty: ty.clone(), span }, vec![ty])
    }
}

/// The callee as written, for messages: `a.b.c` for chains, `this expression` otherwise.
fn written_name(expr: &ast::Expr) -> String {
    match &expr.kind {
        ExprKind::Var(ident) => ident.name.to_string(),
        ExprKind::Field { base, name } => format!("{}.{}", written_name(base), name.name),
        _ => "this expression".to_string(),
    }
}

/// A dotted name as the expression `a.b.c` (a variable and field accesses).
fn path_expr(name: &QualifiedName) -> ast::Expr {
    let mut parts = name.parts.iter();
    let first = parts
        .next()
        .cloned()
        .unwrap_or_else(|| ast::Ident { name: SmolStr::default(), span: name.span });
    let mut expr = ast::Expr { span: first.span, kind: ExprKind::Var(first) };
    for part in parts {
        let span = expr.span.to(part.span);
        expr =
            ast::Expr { kind: ExprKind::Field { base: Box::new(expr), name: part.clone() }, span };
    }
    expr
}
