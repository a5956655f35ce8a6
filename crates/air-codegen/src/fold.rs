//! Compile-time folding of operators, as the reference compiler folds them, so that no `math` or
//! `cmp` call runs (and no peer is visited) for a value the compiler already knows.
//!
//! - A sum of additions and of subtractions of integer literals (`idx - 1 + 1`, `3 - LIMIT`) has
//!   its literals added up: `x + k` (or `x - k`) with the other terms in order, `x` when they
//!   cancel, the number alone when every term is a literal. A sum whose literals overflow `i64`
//!   is left as written (the reference wraps it around silently).
//! - Arithmetic and comparisons of two integer literals, `==` and `!=` of two literals, and `&&`
//!   and `||` with a literal operand are computed (`lower/expr.rs` applies these to operands
//!   once lowered). Division or remainder by zero, a negative power and an overflow are left to
//!   run time, where they fail as they should.

use std::sync::Arc;

use air_syntax::ast::{Value, ValueKind};
use aqua_typecheck::tast::{Binary, BinaryOp, Expr, ExprKind, Literal};

/// The terms of a sum: the literals added up, and the other terms joined by `+` in order.
struct Sum {
    literal: Option<i64>,
    rest: Option<Expr>,
}

/// `expr` with the integer literals of its sum gathered (`None` if it is not a sum).
pub(crate) fn simplify_sum(expr: &Expr) -> Option<Expr> {
    let ExprKind::Binary(root) = &expr.kind else { return None };
    if !matches!(root.op, BinaryOp::Add | BinaryOp::Sub) {
        return None;
    }
    let sum = gather(expr)?;
    let simplified = match (sum.literal, sum.rest) {
        (Some(literal), None) => int_expr(literal, expr),
        (None, Some(rest)) => rest,
        (Some(0), Some(rest)) => rest,
        (Some(literal), Some(rest)) if literal > 0 => {
            binary(BinaryOp::Add, rest, int_expr(literal, expr), expr)
        }
        (Some(literal), Some(rest)) => {
            binary(BinaryOp::Sub, rest, int_expr(literal.checked_neg()?, expr), expr)
        }
        (None, None) => return None,
    };
    Some(simplified)
}

/// The sum's terms; `None` when its literals overflow `i64` (the sum is then left to run time,
/// where `math` fails as it should).
fn gather(expr: &Expr) -> Option<Sum> {
    Some(match &expr.kind {
        ExprKind::Binary(binary) if binary.op == BinaryOp::Add => {
            combine(gather(&binary.lhs)?, gather(&binary.rhs)?, expr)?
        }
        ExprKind::Binary(binary) if binary.op == BinaryOp::Sub => match int_literal(&binary.rhs) {
            Some(k) => {
                let literal = Sum { literal: Some(k.checked_neg()?), rest: None };
                combine(gather(&binary.lhs)?, literal, expr)?
            }
            None => Sum { literal: None, rest: Some(expr.clone()) },
        },
        _ => match int_literal(expr) {
            Some(k) => Sum { literal: Some(k), rest: None },
            None => Sum { literal: None, rest: Some(expr.clone()) },
        },
    })
}

fn combine(left: Sum, right: Sum, root: &Expr) -> Option<Sum> {
    let literal = match (left.literal, right.literal) {
        (Some(a), Some(b)) => Some(a.checked_add(b)?),
        (a, b) => a.or(b),
    };
    let rest = match (left.rest, right.rest) {
        (Some(a), Some(b)) => Some(binary(BinaryOp::Add, a, b, root)),
        (a, b) => a.or(b),
    };
    Some(Sum { literal, rest })
}

fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, root: &Expr) -> Expr {
    let kind = ExprKind::Binary(Box::new(Binary { op, lhs, rhs }));
    Expr { kind, ty: root.ty.clone(), span: root.span }
}

fn int_expr(value: i64, root: &Expr) -> Expr {
    let kind = ExprKind::Literal(Arc::new(Literal::Int(value.to_string())));
    Expr { kind, ty: root.ty.clone(), span: root.span }
}

/// The value of an integer literal or integer constant.
pub(crate) fn int_literal(expr: &Expr) -> Option<i64> {
    match expr.literal()? {
        Literal::Int(text) => text.parse().ok(),
        _ => None,
    }
}

/// Integer arithmetic or comparison of two integer literals; `None` when it must run (division
/// by zero, a negative power, an overflow) or `op` is another operator.
pub(crate) fn fold_int(op: BinaryOp, a: i64, b: i64) -> Option<ValueKind> {
    let number = |n: Option<i64>| n.map(ValueKind::Int);
    match op {
        BinaryOp::Add => number(a.checked_add(b)),
        BinaryOp::Sub => number(a.checked_sub(b)),
        BinaryOp::Mul => number(a.checked_mul(b)),
        BinaryOp::Div => number(a.checked_div(b)),
        BinaryOp::Rem => number(a.checked_rem(b)),
        BinaryOp::Pow => number(u32::try_from(b).ok().and_then(|b| a.checked_pow(b))),
        BinaryOp::Lt => Some(ValueKind::Bool(a < b)),
        BinaryOp::LtEq => Some(ValueKind::Bool(a <= b)),
        BinaryOp::Gt => Some(ValueKind::Bool(a > b)),
        BinaryOp::GtEq => Some(ValueKind::Bool(a >= b)),
        _ => None,
    }
}

/// Whether two literal values are equal, as the literals they were written as; `None` when
/// either is not a literal.
pub(crate) fn literals_equal(a: &Value, b: &Value) -> Option<bool> {
    match (&a.kind, &b.kind) {
        (ValueKind::Int(x), ValueKind::Int(y)) => Some(x == y),
        (ValueKind::Float(x), ValueKind::Float(y)) => Some(x == y),
        (ValueKind::Str(x), ValueKind::Str(y)) => Some(x == y),
        (ValueKind::Bool(x), ValueKind::Bool(y)) => Some(x == y),
        (ValueKind::EmptyArray, ValueKind::EmptyArray) => Some(true),
        (
            ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Str(_)
            | ValueKind::Bool(_)
            | ValueKind::EmptyArray,
            ValueKind::Int(_)
            | ValueKind::Float(_)
            | ValueKind::Str(_)
            | ValueKind::Bool(_)
            | ValueKind::EmptyArray,
        ) => Some(false),
        _ => None,
    }
}
