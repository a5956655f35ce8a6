//! Bounds on nesting, so that no later pass (each walks the tree recursively) can overflow the
//! stack on hostile input such as a sum of 100,000 terms or a type with 30,000 `?`.
//!
//! Expressions nested deeper than [`MAX_EXPR_DEPTH`] are replaced by error nodes, types nested
//! deeper than [`MAX_TYPE_DEPTH`] by `⊤`, and each is reported; the replaced trees are taken
//! apart iteratively, since dropping them recursively would overflow too.

use crate::ast::{
    Block, Expr, ExprKind, Field, Item, Module, Signature, Stmt, StmtKind, TypeExpr, TypeKind,
};
use crate::error::SyntaxError;

/// The deepest expression nesting accepted (operators, calls, indexing, collections).
pub const MAX_EXPR_DEPTH: usize = 200;

/// The deepest type nesting accepted (`[]`, `?`, `*`, `%`, arrows).
pub const MAX_TYPE_DEPTH: usize = 100;

/// Replaces every too-deep expression in `module` with an error node and every too-deep type
/// with `⊤`, and reports each.
pub fn limit_module(module: &mut Module, errors: &mut Vec<SyntaxError>) {
    module.items.iter_mut().for_each(|item| limit_item(item, errors));
}

/// [`limit_module`] for one definition.
pub fn limit_item(item: &mut Item, errors: &mut Vec<SyntaxError>) {
    match item {
        Item::Const(def) => limit_expr(&mut def.value, errors),
        Item::Service(def) => {
            def.default_id.iter_mut().for_each(|id| limit_expr(id, errors));
            limit_fields(&mut def.methods, errors);
        }
        Item::Func(def) => {
            limit_signature(&mut def.signature, errors);
            limit_block(&mut def.body, errors);
        }
        Item::Alias(def) => limit_type(&mut def.ty, errors),
        Item::Data(def) => limit_fields(&mut def.fields, errors),
        Item::Ability(def) => limit_fields(&mut def.members, errors),
        Item::Error(_) => {}
    }
}

fn limit_fields(fields: &mut [Field], errors: &mut Vec<SyntaxError>) {
    fields.iter_mut().for_each(|field| limit_type(&mut field.ty, errors));
}

fn limit_signature(signature: &mut Signature, errors: &mut Vec<SyntaxError>) {
    signature.params.iter_mut().for_each(|param| limit_type(&mut param.ty, errors));
    signature.results.iter_mut().for_each(|ty| limit_type(ty, errors));
}

fn limit_type(ty: &mut TypeExpr, errors: &mut Vec<SyntaxError>) {
    // Every level of nesting takes at least one byte, so short types need no walk.
    let short = (ty.span.end - ty.span.start) as usize <= MAX_TYPE_DEPTH;
    if !short && type_depth(ty) > MAX_TYPE_DEPTH {
        errors.push(SyntaxError::TooDeep { span: ty.span, limit: MAX_TYPE_DEPTH });
        let deep = std::mem::replace(&mut ty.kind, TypeKind::Top);
        dismantle_type(deep);
    }
}

/// The nesting depth of a type, computed without recursion.
fn type_depth(ty: &TypeExpr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(ty, 1usize)];
    while let Some((ty, level)) = stack.pop() {
        deepest = deepest.max(level);
        if deepest > MAX_TYPE_DEPTH {
            break;
        }
        match &ty.kind {
            TypeKind::Array(inner)
            | TypeKind::Option(inner)
            | TypeKind::Stream(inner)
            | TypeKind::StreamMap(inner) => stack.push((inner, level + 1)),
            TypeKind::Arrow(arrow) => {
                stack.extend(arrow.args.iter().map(|arg| (&arg.ty, level + 1)));
                stack.extend(arrow.results.iter().map(|result| (result, level + 1)));
            }
            TypeKind::Scalar(_) | TypeKind::Named(_) | TypeKind::Top | TypeKind::Bottom => {}
        }
    }
    deepest
}

/// Drops a type tree node by node, so that its depth does not matter.
fn dismantle_type(kind: TypeKind) {
    let mut stack = vec![kind];
    while let Some(kind) = stack.pop() {
        match kind {
            TypeKind::Array(inner)
            | TypeKind::Option(inner)
            | TypeKind::Stream(inner)
            | TypeKind::StreamMap(inner) => stack.push(inner.kind),
            TypeKind::Arrow(arrow) => {
                stack.extend(arrow.args.into_iter().map(|arg| arg.ty.kind));
                stack.extend(arrow.results.into_iter().map(|result| result.kind));
            }
            TypeKind::Scalar(_) | TypeKind::Named(_) | TypeKind::Top | TypeKind::Bottom => {}
        }
    }
}

fn limit_block(block: &mut Block, errors: &mut Vec<SyntaxError>) {
    for stmt in &mut block.stmts {
        limit_stmt(stmt, errors);
    }
}

fn limit_stmt(stmt: &mut Stmt, errors: &mut Vec<SyntaxError>) {
    match &mut stmt.kind {
        StmtKind::Call { call, .. } => limit_expr(call, errors),
        StmtKind::Assign { value, .. } => limit_expr(value, errors),
        StmtKind::ServiceId { id, .. } => limit_expr(id, errors),
        StmtKind::Return(values) | StmtKind::Join(values) => {
            values.iter_mut().for_each(|v| limit_expr(v, errors))
        }
        StmtKind::Push { key, value, .. } => {
            key.iter_mut().for_each(|k| limit_expr(k, errors));
            limit_expr(value, errors);
        }
        StmtKind::Closure { signature, body, .. } => {
            limit_signature(signature, errors);
            limit_block(body, errors);
        }
        StmtKind::On { peer, via, body } => {
            limit_expr(peer, errors);
            via.iter_mut().for_each(|v| limit_expr(v, errors));
            limit_block(body, errors);
        }
        StmtKind::For { iterable, body, .. } => {
            limit_expr(iterable, errors);
            limit_block(body, errors);
        }
        StmtKind::ParSeq { iterable, peer, via, body, .. } => {
            limit_expr(iterable, errors);
            limit_expr(peer, errors);
            via.iter_mut().for_each(|v| limit_expr(v, errors));
            limit_block(body, errors);
        }
        StmtKind::If { cond, then_block, else_block } => {
            limit_expr(cond, errors);
            limit_block(then_block, errors);
            else_block.iter_mut().for_each(|b| limit_block(b, errors));
        }
        StmtKind::Try { body, catch, otherwise } => {
            limit_block(body, errors);
            catch.iter_mut().for_each(|c| limit_block(&mut c.body, errors));
            otherwise.iter_mut().for_each(|b| limit_block(b, errors));
        }
        StmtKind::Otherwise { attempt, fallback } => {
            limit_stmt(attempt, errors);
            limit_block(fallback, errors);
        }
        StmtKind::Par(branches) => branches.iter_mut().for_each(|b| limit_stmt(b, errors)),
        StmtKind::Co(inner) => limit_stmt(inner, errors),
        StmtKind::DeclareStream { ty, .. } => limit_type(ty, errors),
        StmtKind::Error => {}
    }
}

fn limit_expr(expr: &mut Expr, errors: &mut Vec<SyntaxError>) {
    // Every level of nesting takes at least one byte, so short expressions need no walk.
    let short = (expr.span.end - expr.span.start) as usize <= MAX_EXPR_DEPTH;
    if !short && depth(expr) > MAX_EXPR_DEPTH {
        errors.push(SyntaxError::TooDeep { span: expr.span, limit: MAX_EXPR_DEPTH });
        let deep = std::mem::replace(&mut expr.kind, ExprKind::Error);
        dismantle(deep);
    }
}

/// The nesting depth of an expression, computed without recursion.
fn depth(expr: &Expr) -> usize {
    let mut deepest = 0;
    let mut stack = vec![(expr, 1usize)];
    while let Some((expr, level)) = stack.pop() {
        deepest = deepest.max(level);
        if deepest > MAX_EXPR_DEPTH {
            break;
        }
        for_each_child(expr, |child| stack.push((child, level + 1)));
    }
    deepest
}

fn for_each_child<'a>(expr: &'a Expr, mut visit: impl FnMut(&'a Expr)) {
    match &expr.kind {
        ExprKind::Call { callee, args, .. } => {
            visit(callee);
            args.iter().for_each(|arg| visit(&arg.value));
        }
        ExprKind::Field { base, .. } | ExprKind::Bang { base, .. } | ExprKind::Not(base) => {
            visit(base)
        }
        ExprKind::Index { base, index } => {
            visit(base);
            visit(index);
        }
        ExprKind::Collection { elems, .. } => elems.iter().for_each(visit),
        ExprKind::Binary { lhs, rhs, .. } => {
            visit(lhs);
            visit(rhs);
        }
        ExprKind::Literal(_) | ExprKind::InitPeerId | ExprKind::Var(_) | ExprKind::Error => {}
    }
}

/// Drops an expression tree node by node, so that its depth does not matter.
fn dismantle(kind: ExprKind) {
    let mut stack = vec![kind];
    while let Some(kind) = stack.pop() {
        match kind {
            ExprKind::Call { callee, args, .. } => {
                stack.push(callee.kind);
                stack.extend(args.into_iter().map(|arg| arg.value.kind));
            }
            ExprKind::Field { base, .. } | ExprKind::Bang { base, .. } | ExprKind::Not(base) => {
                stack.push(base.kind)
            }
            ExprKind::Index { base, index } => {
                stack.push(base.kind);
                stack.push(index.kind);
            }
            ExprKind::Collection { elems, .. } => stack.extend(elems.into_iter().map(|e| e.kind)),
            ExprKind::Binary { lhs, rhs, .. } => {
                stack.push(lhs.kind);
                stack.push(rhs.kind);
            }
            ExprKind::Literal(_) | ExprKind::InitPeerId | ExprKind::Var(_) | ExprKind::Error => {}
        }
    }
}
