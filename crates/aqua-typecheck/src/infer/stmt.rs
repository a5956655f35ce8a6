//! Statements: bindings, returns, service ids, streams, closures and control flow, with the
//! scoping rules of spec section 7.4 (no shadowing; `on` keeps names but not service ids).

use std::sync::Arc;

use aqua_syntax::Span;
use aqua_syntax::ast::{self, CollectionKind, ExprKind, ForMode, ForPattern, StmtKind};

use crate::env::{Def, FrameKind};
use crate::error::{NameKind, ReturnProblem, TypeError, Warning};
use crate::infer::resolve;
use crate::infer::{Checker, join_name};
use crate::tast::{self, Binding, Expr, ResultTarget, Stmt};
use crate::types::{ArrowType, StructType, Type, is_subtype};

impl Checker<'_> {
    /// Checks the statements of a block in the current scope.
    pub(crate) fn check_stmts(&mut self, block: &ast::Block) -> tast::Block {
        let stmts = block.stmts.iter().map(|stmt| self.check_stmt(stmt)).collect();
        tast::Block { stmts, span: block.span }
    }

    /// Checks a block in a new scope of `kind`.
    pub(crate) fn check_block(&mut self, block: &ast::Block, kind: FrameKind) -> tast::Block {
        self.locals.push(kind);
        let checked = self.check_stmts(block);
        self.pop_frame();
        checked
    }

    /// Closes a scope, warning about values never read.
    pub(crate) fn pop_frame(&mut self) {
        for (name, span) in self.locals.pop() {
            self.warn(Warning::UnusedValue { span, name });
        }
    }

    fn check_stmt(&mut self, stmt: &ast::Stmt) -> Stmt {
        let span = stmt.span;
        let kind = match &stmt.kind {
            StmtKind::Call { results, call } => self.check_call_stmt(results, call),
            StmtKind::Assign { name, value } => self.check_assign(name, value),
            StmtKind::Return(values) => self.check_return(values, span),
            StmtKind::ServiceId { service, id } => self.check_service_id(service, id),
            StmtKind::Push { target, key, value } => self.check_push(target, key.as_deref(), value),
            StmtKind::DeclareStream { name, ty } => self.check_declare_stream(name, ty),
            StmtKind::Closure { name, detached, signature, body } => {
                self.check_closure(name, *detached, signature, body)
            }
            StmtKind::On { peer, via, body } => {
                let peer = self.check_peer(peer);
                let via = via.iter().map(|relay| self.check_via(relay)).collect();
                let body = self.check_block(body, FrameKind::On);
                tast::StmtKind::On { peer: Box::new(peer), via, body }
            }
            StmtKind::For { pattern, iterable, mode, body } => {
                self.check_for(pattern, iterable, *mode, body)
            }
            StmtKind::ParSeq { pattern, iterable, peer, via, body } => {
                self.check_parseq(pattern, iterable, peer, via, body)
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.check_if(cond, then_block, else_block.as_ref())
            }
            StmtKind::Try { body, catch, otherwise } => {
                self.check_try(body, catch.as_deref(), otherwise.as_ref())
            }
            StmtKind::Otherwise { attempt, fallback } => {
                let attempt = Box::new(self.check_stmt(attempt));
                let fallback = self.check_block(fallback, FrameKind::Block);
                tast::StmtKind::Otherwise { attempt, fallback }
            }
            StmtKind::Par(branches) => {
                for branch in branches.iter().skip(1) {
                    self.check_parallel(branch, "par");
                }
                tast::StmtKind::Par(branches.iter().map(|b| self.check_stmt(b)).collect())
            }
            StmtKind::Co(inner) => {
                self.check_parallel(inner, "co");
                tast::StmtKind::Co(Box::new(self.check_stmt(inner)))
            }
            StmtKind::Join(values) => {
                tast::StmtKind::Join(values.iter().map(|v| self.infer_value(v)).collect())
            }
            StmtKind::Error => tast::StmtKind::Error,
        };
        Stmt { kind, span }
    }

    fn check_declare_stream(&mut self, name: &ast::Ident, ty: &ast::TypeExpr) -> tast::StmtKind {
        let resolved = resolve::resolve_type(self, ty);
        if !matches!(resolved, Type::Stream(_) | Type::StreamMap(_) | Type::Error) {
            self.error(TypeError::NotAStreamType { span: ty.span, ty: resolved.clone() });
        }
        tast::StmtKind::DeclareStream(self.bind(name, resolved, true))
    }

    fn check_for(
        &mut self,
        pattern: &ForPattern,
        iterable: &ast::Expr,
        mode: Option<ForMode>,
        body: &ast::Block,
    ) -> tast::StmtKind {
        let iterable = self.infer_value(iterable);
        self.locals.push(FrameKind::Block);
        let pattern = self.bind_pattern(pattern, &iterable, mode == Some(ForMode::Rec));
        let body = self.check_stmts(body);
        self.pop_frame();
        let pattern = pattern.into_boxed_slice();
        tast::StmtKind::For { pattern, iterable: Box::new(iterable), mode, body }
    }

    fn check_parseq(
        &mut self,
        pattern: &ForPattern,
        iterable: &ast::Expr,
        peer: &ast::Expr,
        via: &[ast::Expr],
        body: &ast::Block,
    ) -> tast::StmtKind {
        let iterable = self.infer_value(iterable);
        self.locals.push(FrameKind::Block);
        let pattern = self.bind_pattern(pattern, &iterable, false);
        let peer = self.check_peer(peer);
        let via = via.iter().map(|relay| self.check_via(relay)).collect();
        let body = self.check_stmts(body);
        self.pop_frame();
        let pattern = pattern.into();
        tast::StmtKind::ParSeq(Box::new(tast::ParSeq { pattern, iterable, peer, via, body }))
    }

    fn check_if(
        &mut self,
        cond: &ast::Expr,
        then_block: &ast::Block,
        else_block: Option<&ast::Block>,
    ) -> tast::StmtKind {
        let cond = self.infer_value(cond);
        if !cond.ty.is_bool_like() {
            self.expect(&cond, &Type::BOOL, None);
        }
        let then_block = self.check_block(then_block, FrameKind::Block);
        let else_block = else_block.map(|b| self.check_block(b, FrameKind::Block));
        tast::StmtKind::If { cond: Box::new(cond), then_block, else_block }
    }

    fn check_try(
        &mut self,
        body: &ast::Block,
        catch: Option<&ast::CatchClause>,
        otherwise: Option<&ast::Block>,
    ) -> tast::StmtKind {
        let body = self.check_block(body, FrameKind::Block);
        let catch = catch.map(|clause| {
            self.locals.push(FrameKind::Block);
            let error = Type::Struct(self.error_type.clone());
            let binding = self.bind(&clause.name, error, false);
            let block = self.check_stmts(&clause.body);
            self.pop_frame();
            Box::new((binding, block))
        });
        let otherwise = otherwise.map(|b| self.check_block(b, FrameKind::Block));
        tast::StmtKind::Try { body, catch, otherwise }
    }

    fn check_parallel(&mut self, stmt: &ast::Stmt, keyword: &'static str) {
        let allowed = matches!(
            stmt.kind,
            StmtKind::Call { .. }
                | StmtKind::On { .. }
                | StmtKind::For { .. }
                | StmtKind::ParSeq { .. }
                | StmtKind::Join(_)
                | StmtKind::Error
        );
        if !allowed {
            self.error(TypeError::BadParallel { span: stmt.span, keyword });
        }
    }

    /// Defines a new local after checking that the name is free.
    fn bind(&mut self, name: &ast::Ident, ty: Type, warn_unused: bool) -> Binding {
        let fresh = self.check_fresh(name);
        let local =
            self.locals.define(name.name.clone(), ty.clone(), name.span, warn_unused && fresh);
        Binding { local, name: name.name.clone(), ty, span: name.span }
    }

    fn check_call_stmt(&mut self, names: &[ast::Ident], call: &ast::Expr) -> tast::StmtKind {
        let is_call = matches!(call.kind, ExprKind::Call { .. } | ExprKind::Error);
        if !is_call {
            self.error(TypeError::ArrowWithoutCall { span: call.span });
        }
        let (call, results) = self.infer_call(call);
        if names.is_empty() {
            if !results.is_empty() && is_call && !call.ty.is_error() {
                self.warn(Warning::UnusedResults { span: call.span });
            }
            return tast::StmtKind::Call { results: Box::default(), call };
        }
        if names.len() > results.len() && !call.ty.is_error() {
            self.error(TypeError::ResultCount {
                span: call.span,
                results: results.len(),
                names: names.len(),
            });
        }
        let mut targets = Vec::with_capacity(names.len());
        for (index, name) in names.iter().enumerate() {
            let ty = results.get(index).cloned().unwrap_or(Type::Error);
            if let Some(target) = self.result_target(name, ty, call.span, &results) {
                targets.push(target);
            }
        }
        tast::StmtKind::Call { results: targets.into_boxed_slice(), call }
    }

    /// Where one call result goes: an existing stream or map, or a new local.
    fn result_target(
        &mut self,
        name: &ast::Ident,
        ty: Type,
        call: Span,
        all: &[Type],
    ) -> Option<ResultTarget> {
        let existing = self.locals.peek(&name.name).map(|l| (l.local, l.ty.clone(), l.span));
        let Some((local, target_ty, defined)) = existing else {
            return Some(ResultTarget::Bind(self.bind(name, ty, true)));
        };
        self.locals.lookup(&name.name);
        match &target_ty {
            Type::Stream(elem) => {
                self.expect_value_type(&ty, elem, call, Some(defined));
                Some(ResultTarget::Push { stream: local, name: name.name.clone() })
            }
            Type::StreamMap(elem) => {
                self.check_map_insert(elem, all, call, defined);
                Some(ResultTarget::Insert { map: local, name: name.name.clone() })
            }
            _ => {
                self.error(TypeError::Redefined {
                    span: name.span,
                    name: name.name.clone(),
                    previous: Some(defined),
                });
                None
            }
        }
    }

    /// `m <- f()` inserts the call's `string, T` result pair into the map.
    fn check_map_insert(&mut self, elem: &Type, results: &[Type], call: Span, defined: Span) {
        let pair = matches!(results, [key, value]
            if is_subtype(key, &Type::STRING) && is_subtype(value, elem));
        if pair || results.iter().any(Type::is_error) {
            return;
        }
        let arrow = |results: Vec<Type>| {
            Type::Arrow(Arc::new(ArrowType { results, ..ArrowType::default() }))
        };
        let expected = arrow(vec![Type::STRING, elem.clone()]);
        self.expect_value_type(&arrow(results.to_vec()), &expected, call, Some(defined));
    }

    fn expect_value_type(&mut self, ty: &Type, expected: &Type, span: Span, because: Option<Span>) {
        if !is_subtype(ty, expected) {
            self.error(TypeError::Mismatch {
                span,
                expected: expected.clone(),
                found: ty.clone(),
                because,
            });
        }
    }

    fn check_assign(&mut self, name: &ast::Ident, value: &ast::Expr) -> tast::StmtKind {
        if let ExprKind::Collection { kind: CollectionKind::Array, elems } = &value.kind
            && elems.is_empty()
        {
            self.error(TypeError::EmptyArrayAssignment { span: value.span });
        }
        let value = self.infer_value(value);
        let binding = self.bind(name, value.ty.clone(), true);
        let tast::Binding { local, name, span: name_span, .. } = binding;
        tast::StmtKind::Assign { local, name, name_span, value: Box::new(value) }
    }

    fn check_return(&mut self, values: &[ast::Expr], span: Span) -> tast::StmtKind {
        let typed: Vec<Expr> = values.iter().map(|v| self.infer_value(v)).collect();
        let expected = self.returns.clone();
        if expected.is_empty() || typed.len() != expected.len() {
            let problem =
                if expected.is_empty() { ReturnProblem::Unexpected } else { ReturnProblem::Count };
            self.error(TypeError::Return {
                span,
                problem,
                expected: expected.len(),
                found: typed.len(),
                declared: None,
            });
        } else {
            for (value, ty) in typed.iter().zip(&expected) {
                self.expect(value, ty, None);
            }
        }
        tast::StmtKind::Return(typed)
    }

    fn check_service_id(&mut self, service: &ast::QualifiedName, id: &ast::Expr) -> tast::StmtKind {
        let id = self.infer_value(id);
        self.expect(&id, &Type::STRING, None);
        match resolve::lookup_qualified(self, service).map(|e| e.def) {
            Some(Def::Service(service)) => {
                self.locals.set_service_id(service, Arc::new(id.clone()));
                tast::StmtKind::ServiceId { service, id }
            }
            Some(other) => {
                self.wrong_kind(service.span, join_name(service), "service", other.describe());
                tast::StmtKind::Error
            }
            None => {
                let ident = ast::Ident { name: join_name(service), span: service.span };
                self.unknown_name(&ident, NameKind::Service);
                tast::StmtKind::Error
            }
        }
    }

    fn check_push(
        &mut self,
        target: &ast::Ident,
        key: Option<&ast::Expr>,
        value: &ast::Expr,
    ) -> tast::StmtKind {
        let key = key.map(|k| self.infer_value(k));
        let value = self.infer_value(value);
        let Some(local) = self.locals.lookup(&target.name) else {
            self.unknown_name(target, NameKind::Value);
            return tast::StmtKind::Error;
        };
        match (&local.ty, &key) {
            (Type::Stream(elem), None) => {
                // A stream pushed whole goes in as an array of what it holds (`canon`), as in the
                // reference: `results <<- xs` with `results: *[]T` and `xs: *T`.
                let data = match &value.ty {
                    Type::Stream(inner) => inner.is_data(),
                    ty => ty.is_data(),
                };
                if !data {
                    self.error(TypeError::NotData {
                        span: value.span,
                        ty: value.ty.clone(),
                        container: "a stream",
                    });
                } else {
                    self.expect(&value, elem, Some(local.span));
                }
            }
            (Type::StreamMap(elem), Some(key)) => {
                if !is_subtype(&key.ty, &Type::STRING) {
                    self.error(TypeError::MapKey { span: key.span, ty: key.ty.clone() });
                }
                self.expect(&value, elem, Some(local.span));
            }
            (Type::Error, _) => {}
            (ty, _) => self.error(TypeError::NotAStream {
                span: target.span,
                name: target.name.clone(),
                ty: ty.clone(),
                defined: Some(local.span),
            }),
        }
        let (key, value) = (key.map(Box::new), Box::new(value));
        tast::StmtKind::Push { target: local.local, name: target.name.clone(), key, value }
    }

    fn check_closure(
        &mut self,
        name: &ast::Ident,
        detached: bool,
        signature: &ast::Signature,
        body: &ast::Block,
    ) -> tast::StmtKind {
        self.locals.push(FrameKind::Block);
        let params = self.bind_params(&signature.params);
        let results: Vec<Type> =
            signature.results.iter().map(|ty| resolve::resolve_type(self, ty)).collect();
        let checked = self.check_body(body, &results, signature.span);
        self.pop_frame();
        let ty = Arc::new(ArrowType {
            abilities: Vec::new(),
            params: params.iter().map(|b| (Some(b.name.clone()), b.ty.clone())).collect(),
            results: results.clone(),
        });
        let binding = self.bind(name, Type::Arrow(ty), true);
        let results = results.into_boxed_slice();
        let params = params.into_boxed_slice();
        let closure = tast::ClosureDef { binding, detached, params, results, body: checked };
        tast::StmtKind::Closure(Box::new(closure))
    }

    fn check_peer(&mut self, peer: &ast::Expr) -> Expr {
        let peer = self.infer_value(peer);
        self.expect(&peer, &Type::STRING, None);
        peer
    }

    fn check_via(&mut self, relay: &ast::Expr) -> Expr {
        let relay = self.infer_value(relay);
        let ok = is_subtype(&relay.ty, &Type::STRING)
            || relay.ty.element().is_some_and(|elem| is_subtype(elem, &Type::STRING));
        if !ok {
            self.expect(&relay, &Type::STRING, None);
        }
        relay
    }

    /// Defines the loop variables of `for` / `parseq` over `iterable`.
    fn bind_pattern(&mut self, pattern: &ForPattern, iterable: &Expr, rec: bool) -> Vec<Binding> {
        let (key, value): (Option<Type>, Type) = match &iterable.ty {
            Type::Stream(elem) => (None, (**elem).clone()),
            Type::Array(elem) | Type::Option(elem) if !rec => (None, (**elem).clone()),
            Type::StreamMap(elem) if !rec => (Some(Type::STRING), (**elem).clone()),
            Type::Error => (Some(Type::Error), Type::Error),
            other => {
                self.error(TypeError::NotIterable {
                    span: iterable.span,
                    ty: other.clone(),
                    needs_stream: rec,
                });
                (Some(Type::Error), Type::Error)
            }
        };
        match pattern {
            ForPattern::Single(name) => {
                let ty = match key {
                    Some(Type::Error) | None => value,
                    Some(key) => Type::Struct(Arc::new(StructType {
                        name: "KeyValue".into(),
                        fields: vec![("key".into(), key), ("value".into(), value)],
                    })),
                };
                vec![self.bind(name, ty, false)]
            }
            ForPattern::Pair(key_name, value_name) => {
                let key = match key {
                    Some(key) => key,
                    None => {
                        self.error(TypeError::NotIterable {
                            span: iterable.span,
                            ty: iterable.ty.clone(),
                            needs_stream: false,
                        });
                        Type::Error
                    }
                };
                vec![self.bind(key_name, key, false), self.bind(value_name, value, false)]
            }
        }
    }
}
