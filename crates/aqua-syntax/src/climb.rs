//! Builds binary expressions from the flat list of operands and operators the grammar reads.
//!
//! The grammar reads `a + b * c < d` as one operand followed by (operator, operand) pairs, and
//! this module nests them by precedence, lowest first: `||`, `&&`, `==` `!=`, `<` `<=` `>` `>=`,
//! `+` `-`, `*` `/` `%`, `**`. Every operator is left-associative except `**` (right) and the
//! comparisons, which do not chain: `a < b < c` is reported and read as `(a < b) < c`. A
//! precedence level per grammar rule made every operand climb through seven unit reductions,
//! the largest single cost of parsing. The nesting uses explicit stacks, so a chain of any
//! length builds without recursion. It must not check types or names.

use crate::ast::{BinaryOp, Expr, ExprKind};
use crate::error::SyntaxError;
use crate::span::Span;

/// One operator and the operand after it, as the grammar reads them.
pub type BinaryTail = (BinaryOp, Span, Expr);

/// Nests `first` and the operators and operands after it into one expression.
pub fn binary_chain(first: Expr, rest: Vec<BinaryTail>, errors: &mut Vec<SyntaxError>) -> Expr {
    let mut operands: Vec<Expr> = Vec::with_capacity(rest.len() + 1);
    let mut operators: Vec<(BinaryOp, Span)> = Vec::with_capacity(rest.len());
    operands.push(first);
    for (op, op_span, operand) in rest {
        while let Some(&(top, top_span)) = operators.last() {
            let (top_level, level) = (top.precedence(), op.precedence());
            let binds_first = top_level > level || (top_level == level && op != BinaryOp::Pow);
            if !binds_first {
                break;
            }
            if top_level == level && is_comparison(op) {
                errors.push(SyntaxError::ChainedComparison { span: op_span, first: top_span });
            }
            operators.pop();
            reduce(&mut operands, top);
        }
        operators.push((op, op_span));
        operands.push(operand);
    }
    while let Some((op, _)) = operators.pop() {
        reduce(&mut operands, op);
    }
    operands.pop().unwrap_or_else(|| Expr { kind: ExprKind::Error, span: Span::default() })
}

/// Replaces the last two operands with `lhs op rhs`, spanning both.
fn reduce(operands: &mut Vec<Expr>, op: BinaryOp) {
    let (Some(rhs), Some(lhs)) = (operands.pop(), operands.pop()) else {
        return;
    };
    let span = Span::new(lhs.span.start, rhs.span.end);
    operands
        .push(Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span });
}

fn is_comparison(op: BinaryOp) -> bool {
    op.precedence() == 4
}

#[cfg(test)]
mod tests {
    /// The outline of the value of `x = <expression>`.
    fn nesting(expression: &str) -> String {
        let parsed = crate::parse(&format!("aqua M\n\nfunc f():\n  x = {expression}\n"));
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        let outline = crate::pretty::outline(&parsed.module);
        let line = outline.lines().find(|line| line.contains("x =")).unwrap_or_default();
        line.trim().to_owned()
    }

    #[test]
    fn operators_nest_by_precedence_and_associativity() {
        insta::assert_snapshot!(
            nesting("a || b && c == d < e + f * g ** h ** i - j / k % l != m || n"),
            @"x = (|| (|| a (&& b (!= (== c (< d (- (+ e (* f (** g (** h i)))) (% (/ j k) l)))) m))) n) @20..84"
        );
        insta::assert_snapshot!(
            nesting("!a ** -2 * (b + c) >= d[0] + e!"),
            @"x = (>= (* (** (not a) -2) (+ b c)) (+ (index d 0) (! e))) @20..55"
        );
    }

    #[test]
    fn a_chained_comparison_is_reported_once_per_extra_operator() {
        let parsed = crate::parse("aqua M\n\nfunc f():\n  x = a < b >= c == d > e\n");
        let codes: Vec<_> = parsed.errors.iter().map(|error| error.code()).collect();
        assert_eq!(codes, ["S017"]);
    }
}
