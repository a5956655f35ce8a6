//! Documents for expressions, types and signatures.
//!
//! Operators get one space on each side, commas one space after. Parentheses the author wrote
//! around an expression are kept (one pair), and parentheses the tree needs to read back the same
//! way are added, so the printed text always parses to the same tree. Argument, parameter and
//! collection lists are groups: they break one item per line (no trailing comma) when the line
//! would be too long.

use std::borrow::Cow;

use aqua_syntax::ast::*;

use crate::doc::Doc;

/// Builds documents for the expressions and types of one source file.
#[derive(Clone, Copy)]
pub struct Exprs<'a> {
    /// The source, to see where the author wrote parentheses.
    pub src: &'a str,
}

impl<'a> Exprs<'a> {
    /// The document of an expression.
    pub fn expr(self, expr: &'a Expr) -> Doc<'a> {
        self.expr_at(expr, 0)
    }

    /// The document of an expression that must bind at least as tightly as `min_precedence`.
    fn expr_at(self, expr: &'a Expr, min_precedence: u8) -> Doc<'a> {
        let inner = self.bare(expr);
        if precedence(expr) < min_precedence || self.written_in_parens(expr) {
            Doc::Concat(vec![Doc::text("("), inner, Doc::text(")")])
        } else {
            inner
        }
    }

    /// An expression without parentheses of its own.
    fn bare(self, expr: &'a Expr) -> Doc<'a> {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_doc(literal),
            ExprKind::InitPeerId => Doc::text("%init_peer_id%"),
            ExprKind::Var(name) => Doc::text(&name.name),
            ExprKind::Call { callee, abilities, args } => {
                let mut docs = vec![self.expr_at(callee, POSTFIX)];
                if !abilities.is_empty() {
                    docs.push(Doc::Text(Cow::Owned(abilities_text(abilities))));
                }
                let args = args.iter().map(|arg| self.arg(arg)).collect();
                docs.push(list("(", args, ")"));
                Doc::Concat(docs)
            }
            ExprKind::Field { base, name } => Doc::Concat(vec![
                self.expr_at(base, POSTFIX),
                Doc::text("."),
                Doc::text(&name.name),
            ]),
            ExprKind::Index { base, index } => Doc::Concat(vec![
                self.expr_at(base, POSTFIX),
                Doc::text("["),
                self.expr(index),
                Doc::text("]"),
            ]),
            ExprKind::Bang { base, index } => {
                let mut docs = vec![self.expr_at(base, POSTFIX), Doc::text("!")];
                docs.extend(index.as_deref().map(Doc::text));
                Doc::Concat(docs)
            }
            ExprKind::Collection { kind, elems } => {
                let open = match kind {
                    CollectionKind::Array => "[",
                    CollectionKind::Option => "?[",
                    CollectionKind::Stream => "*[",
                };
                if elems.is_empty() {
                    return Doc::Text(Cow::Owned(format!("{open}]")));
                }
                list(open, elems.iter().map(|elem| self.expr(elem)).collect(), "]")
            }
            ExprKind::Not(operand) => {
                Doc::Concat(vec![Doc::text("!"), self.expr_at(operand, UNARY)])
            }
            ExprKind::Binary { op, lhs, rhs } => {
                let (left_min, right_min) = operand_precedences(*op);
                Doc::Concat(vec![
                    self.expr_at(lhs, left_min),
                    Doc::text(" "),
                    Doc::text(op.symbol()),
                    Doc::text(" "),
                    self.expr_at(rhs, right_min),
                ])
            }
            ExprKind::Error => Doc::text("<error>"),
        }
    }

    fn arg(self, arg: &'a Arg) -> Doc<'a> {
        match &arg.name {
            Some(name) => {
                Doc::Concat(vec![Doc::text(&name.name), Doc::text(" = "), self.expr(&arg.value)])
            }
            None => self.expr(&arg.value),
        }
    }

    /// Whether the author wrote parentheses around `expr`: its span then starts before the
    /// expression's own first token.
    fn written_in_parens(self, expr: &Expr) -> bool {
        let first_child = match &expr.kind {
            ExprKind::Binary { lhs: first, .. }
            | ExprKind::Call { callee: first, .. }
            | ExprKind::Field { base: first, .. }
            | ExprKind::Index { base: first, .. }
            | ExprKind::Bang { base: first, .. } => Some(first.span.start),
            _ => None,
        };
        match first_child {
            Some(start) => expr.span.start < start,
            None => self.src.as_bytes().get(expr.span.start as usize) == Some(&b'('),
        }
    }

    /// The `(a: A, b: B)` list of a signature, as a group that breaks one parameter per line.
    pub fn params(self, params: &'a [Param]) -> Doc<'a> {
        let docs = params
            .iter()
            .map(|param| {
                Doc::Text(Cow::Owned(format!("{}: {}", param.name.name, type_text(&param.ty))))
            })
            .collect();
        list("(", docs, ")")
    }

    /// A signature: `{Ab}(a: A) -> R1, R2`; results are left out when there are none.
    pub fn signature(self, signature: &'a Signature) -> Doc<'a> {
        let mut docs = Vec::with_capacity(3);
        if !signature.abilities.is_empty() {
            docs.push(Doc::Text(Cow::Owned(abilities_text(&signature.abilities))));
        }
        docs.push(self.params(&signature.params));
        if !signature.results.is_empty() {
            docs.push(Doc::Text(Cow::Owned(format!(" -> {}", results_text(&signature.results)))));
        }
        Doc::Concat(docs)
    }
}

/// How tightly operators and forms bind, from `||` (1) to postfix forms and atoms.
const UNARY: u8 = 8;
const POSTFIX: u8 = 9;

fn precedence(expr: &Expr) -> u8 {
    match &expr.kind {
        ExprKind::Binary { op, .. } => op.precedence(),
        ExprKind::Not(_) => UNARY,
        _ => POSTFIX,
    }
}

/// The least precedence the left and right operands of `op` may have without parentheses,
/// following the grammar: left-associative except `**`; comparisons do not chain.
fn operand_precedences(op: BinaryOp) -> (u8, u8) {
    match op {
        BinaryOp::Or => (1, 2),
        BinaryOp::And => (2, 3),
        BinaryOp::Eq | BinaryOp::NotEq => (3, 4),
        BinaryOp::Lt | BinaryOp::LtEq | BinaryOp::Gt | BinaryOp::GtEq => (5, 5),
        BinaryOp::Add | BinaryOp::Sub => (5, 6),
        BinaryOp::Mul | BinaryOp::Div | BinaryOp::Rem => (6, 7),
        BinaryOp::Pow => (UNARY, 7),
    }
}

fn literal_doc(literal: &Literal) -> Doc<'_> {
    match literal {
        Literal::Bool(true) => Doc::text("true"),
        Literal::Bool(false) => Doc::text("false"),
        Literal::Int(text) | Literal::Float(text) => Doc::text(text),
        Literal::String(text) => {
            Doc::Concat(vec![Doc::text("\""), Doc::text(text), Doc::text("\"")])
        }
    }
}

/// A bracketed, comma-separated list that breaks one item per line. No trailing comma: Fluence's
/// compiler rejects one, and formatted files must still compile there.
pub fn list<'a>(open: &'a str, items: Vec<Doc<'a>>, close: &'a str) -> Doc<'a> {
    if items.is_empty() {
        return Doc::Concat(vec![Doc::text(open), Doc::text(close)]);
    }
    let mut inner = Vec::with_capacity(items.len() * 3 + 1);
    inner.push(Doc::SoftLine);
    let count = items.len();
    for (idx, item) in items.into_iter().enumerate() {
        inner.push(item);
        if idx + 1 < count {
            inner.push(Doc::text(","));
            inner.push(Doc::Line);
        }
    }
    Doc::Group(vec![Doc::text(open), Doc::Indent(inner), Doc::SoftLine, Doc::text(close)])
}

/// `{A, B.C}`
pub fn abilities_text(abilities: &[QualifiedName]) -> String {
    let mut out = String::from("{");
    for (idx, name) in abilities.iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        write_qualified(&mut out, name);
    }
    out.push('}');
    out
}

/// `a.B.c`
pub fn qualified_text(name: &QualifiedName) -> String {
    let mut out = String::new();
    write_qualified(&mut out, name);
    out
}

fn write_qualified(out: &mut String, name: &QualifiedName) {
    for (idx, part) in name.parts.iter().enumerate() {
        if idx > 0 {
            out.push('.');
        }
        out.push_str(&part.name);
    }
}

/// A type as Aqua writes it: `[]u8`, `?Lib.Pair`, `{Ab} A, B -> C`.
pub fn type_text(ty: &TypeExpr) -> String {
    let mut out = String::new();
    write_type(&mut out, ty);
    out
}

/// The result list of a function or method: `A, B`, or one arrow type written bare.
pub fn results_text(results: &[TypeExpr]) -> String {
    let mut out = String::new();
    // A lone arrow result takes the rest of the line (`-> A -> B, C` is one arrow with two
    // results); among several results, an arrow needs its parentheses.
    let several = results.len() > 1;
    for (idx, ty) in results.iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        if several && matches!(ty.kind, TypeKind::Arrow(_)) {
            out.push('(');
            write_type(&mut out, ty);
            out.push(')');
        } else {
            write_type(&mut out, ty);
        }
    }
    out
}

fn write_type(out: &mut String, ty: &TypeExpr) {
    let mut ty = ty;
    // Prefixes are written in a loop: a long chain such as `[][][]…u8` needs no recursion.
    loop {
        let prefix = match &ty.kind {
            TypeKind::Array(inner) => ("[]", inner),
            TypeKind::Option(inner) => ("?", inner),
            TypeKind::Stream(inner) => ("*", inner),
            TypeKind::StreamMap(inner) => ("%", inner),
            _ => break,
        };
        out.push_str(prefix.0);
        ty = prefix.1;
    }
    match &ty.kind {
        TypeKind::Scalar(scalar) => out.push_str(scalar.name()),
        TypeKind::Named(name) => write_qualified(out, name),
        TypeKind::Top => out.push('⊤'),
        TypeKind::Bottom => out.push('⊥'),
        TypeKind::Arrow(arrow) => write_arrow(out, arrow),
        TypeKind::Array(_) | TypeKind::Option(_) | TypeKind::Stream(_) | TypeKind::StreamMap(_) => {
        }
    }
}

/// `{Ab} A, B -> C, D`: results that are arrows themselves take parentheses; no result is `()`.
fn write_arrow(out: &mut String, arrow: &ArrowType) {
    if !arrow.abilities.is_empty() {
        out.push_str(&abilities_text(&arrow.abilities));
        out.push(' ');
    }
    for (idx, arg) in arrow.args.iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        write_type(out, &arg.ty);
    }
    if !arrow.args.is_empty() {
        out.push(' ');
    }
    out.push_str("-> ");
    if arrow.results.is_empty() {
        out.push_str("()");
    }
    for (idx, result) in arrow.results.iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        if matches!(result.kind, TypeKind::Arrow(_)) {
            out.push('(');
            write_type(out, result);
            out.push(')');
        } else {
            write_type(out, result);
        }
    }
}
