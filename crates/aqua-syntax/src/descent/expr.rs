//! Expressions: operands with their postfix chains, nested by `climb` as the grammar's are.

use super::{Descent, is_field_name, is_ident};
use crate::assemble::{call, negative};
use crate::ast::{Arg, BinaryOp, CollectionKind, Expr, ExprKind, Literal};
use crate::climb;
use crate::layout::Token;
use crate::span::Span;
use crate::token::RawToken as T;

impl Descent<'_> {
    /// An expression (the grammar's `Expr`).
    pub(super) fn expr(&mut self) -> Option<Expr> {
        self.enter()?;
        let first = self.unary()?;
        let expr = self.binary_rest(first)?;
        self.leave();
        Some(expr)
    }

    /// The rest of an expression whose first operand is the dotted path `path`, from `start`.
    pub(super) fn expr_after_path(&mut self, start: u32, path: Expr) -> Option<Expr> {
        let first = self.postfix_rest(start, path, true)?;
        self.binary_rest(first)
    }

    /// The operators and operands after the first operand.
    fn binary_rest(&mut self, first: Expr) -> Option<Expr> {
        let Some(op) = binary_op(self.peek_raw()) else {
            return Some(first);
        };
        let (l, _, r) = self.bump()?;
        let second = self.unary()?;
        if binary_op(self.peek_raw()).is_none() {
            // One operator, the most common case: nothing to nest, no lists to build.
            return Some(binary(op, first, second));
        }
        let mut rest = vec![(op, Span::new(l, r), second)];
        while let Some(op) = binary_op(self.peek_raw()) {
            let (l, _, r) = self.bump()?;
            rest.push((op, Span::new(l, r), self.unary()?));
        }
        Some(climb::binary_chain(first, rest, &mut self.errors))
    }

    fn unary(&mut self) -> Option<Expr> {
        if !self.at(T::Bang) {
            return self.postfix();
        }
        self.enter()?;
        let (start, _, _) = self.bump()?;
        let operand = self.unary()?;
        self.leave();
        Some(Expr { kind: ExprKind::Not(Box::new(operand)), span: Span::new(start, self.prev_end) })
    }

    fn postfix(&mut self) -> Option<Expr> {
        let start = self.start();
        if is_ident(self.nth(0)) {
            let name = self.ident()?;
            let span = name.span;
            return self.postfix_rest(start, Expr { kind: ExprKind::Var(name), span }, true);
        }
        let atom = self.atom()?;
        self.postfix_rest(start, atom, false)
    }

    /// `a.b.c`: a name and fields (the grammar's `Path`).
    pub(super) fn path(&mut self) -> Option<Expr> {
        let start = self.start();
        let name = self.ident()?;
        let mut path = Expr { span: name.span, kind: ExprKind::Var(name) };
        while self.eat(T::Dot) {
            let name = self.field_name()?;
            let kind = ExprKind::Field { base: Box::new(path), name };
            path = Expr { kind, span: Span::new(start, self.prev_end) };
        }
        Some(path)
    }

    /// Fields, calls, indexing and `!` after `base`, which starts at `start`. A call may follow
    /// only a name: the first one (`callable`) or a field.
    fn postfix_rest(&mut self, start: u32, mut base: Expr, mut callable: bool) -> Option<Expr> {
        loop {
            let kind = match self.peek_raw() {
                Some(T::Dot) => {
                    self.bump();
                    let name = self.field_name()?;
                    callable = true;
                    ExprKind::Field { base: Box::new(base), name }
                }
                Some(T::LParen | T::LBrace) if callable => {
                    let args = self.call_args()?;
                    base = call(base, args, start, self.prev_end);
                    callable = false;
                    continue;
                }
                Some(T::LBracket) => {
                    self.bump();
                    let index = self.expr()?;
                    self.expect_raw(T::RBracket)?;
                    callable = false;
                    ExprKind::Index { base: Box::new(base), index: Box::new(index) }
                }
                Some(T::Bang) => {
                    self.bump();
                    callable = false;
                    ExprKind::Bang { base: Box::new(base), index: self.bang_index() }
                }
                _ => return Some(base),
            };
            base = Expr { kind, span: Span::new(start, self.prev_end) };
        }
    }

    /// The integer after `!`, if any.
    pub(super) fn bang_index(&mut self) -> Option<String> {
        match self.peek_raw() {
            Some(T::Int(text)) => {
                self.bump();
                Some(text.to_string())
            }
            _ => None,
        }
    }

    /// `{Ab}(a, f = b)`.
    fn call_args(&mut self) -> Option<(Vec<crate::ast::QualifiedName>, Vec<Arg>)> {
        let abilities = if self.at(T::LBrace) { self.abilities()? } else { Vec::new() };
        self.expect_raw(T::LParen)?;
        let mut args = Vec::new();
        while !self.at(T::RParen) {
            let named = is_field_name(self.nth(0)) && self.nth(1) == Some(Token::Raw(T::Assign));
            let arg = if named {
                let name = self.field_name()?;
                self.bump();
                Arg { name: Some(name), value: self.expr()? }
            } else {
                Arg { name: None, value: self.expr()? }
            };
            args.push(arg);
            if !self.eat(T::Comma) {
                break;
            }
        }
        self.expect_raw(T::RParen)?;
        // Trees are kept for long: as many as there are (most calls take one or two).
        args.shrink_to_fit();
        Some((abilities, args))
    }

    /// A literal, `-N`, `%init_peer_id%`, a collection or a parenthesised expression.
    pub(super) fn atom(&mut self) -> Option<Expr> {
        let (start, token, _) = self.bump()?;
        let Token::Raw(raw) = token else { return None };
        let kind = match raw {
            T::True => ExprKind::Literal(Literal::Bool(true)),
            T::False => ExprKind::Literal(Literal::Bool(false)),
            T::Int(text) => ExprKind::Literal(Literal::Int(text.to_string())),
            T::Float(text) => ExprKind::Literal(Literal::Float(text.to_string())),
            T::Str(text) => {
                let value = text.get(1..text.len().saturating_sub(1))?.to_string();
                ExprKind::Literal(Literal::String(value))
            }
            T::Minus => {
                let (number_start, number, number_end) = self.bump()?;
                let literal = match number {
                    Token::Raw(T::Int(text)) => Literal::Int(format!("-{text}")),
                    Token::Raw(T::Float(text)) => Literal::Float(format!("-{text}")),
                    _ => return None,
                };
                return Some(negative(literal, start, number_start, number_end, &mut self.errors));
            }
            T::InitPeerId => ExprKind::InitPeerId,
            T::LBracket | T::OptionOpen | T::StreamOpen => {
                let kind = match raw {
                    T::LBracket => CollectionKind::Array,
                    T::OptionOpen => CollectionKind::Option,
                    _ => CollectionKind::Stream,
                };
                let mut elems = Vec::new();
                while !self.at(T::RBracket) {
                    elems.push(self.expr()?);
                    if !self.eat(T::Comma) {
                        break;
                    }
                }
                self.expect_raw(T::RBracket)?;
                elems.shrink_to_fit();
                ExprKind::Collection { kind, elems }
            }
            T::EmptyBrackets => {
                ExprKind::Collection { kind: CollectionKind::Array, elems: Vec::new() }
            }
            T::OptionEmpty => {
                ExprKind::Collection { kind: CollectionKind::Option, elems: Vec::new() }
            }
            T::StreamEmpty => {
                ExprKind::Collection { kind: CollectionKind::Stream, elems: Vec::new() }
            }
            T::LParen => {
                let inner = self.expr()?;
                self.expect_raw(T::RParen)?;
                return Some(Expr { kind: inner.kind, span: Span::new(start, self.prev_end) });
            }
            _ => return None,
        };
        Some(Expr { kind, span: Span::new(start, self.prev_end) })
    }
}

/// `lhs op rhs`, spanning both, as `climb` builds it.
fn binary(op: BinaryOp, lhs: Expr, rhs: Expr) -> Expr {
    let span = Span::new(lhs.span.start, rhs.span.end);
    Expr { kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) }, span }
}

/// The binary operator a token stands for, if any.
fn binary_op(raw: Option<T<'_>>) -> Option<BinaryOp> {
    Some(match raw? {
        T::OrOr => BinaryOp::Or,
        T::AndAnd => BinaryOp::And,
        T::EqEq => BinaryOp::Eq,
        T::NotEq => BinaryOp::NotEq,
        T::Lt => BinaryOp::Lt,
        T::LtEq => BinaryOp::LtEq,
        T::Gt => BinaryOp::Gt,
        T::GtEq => BinaryOp::GtEq,
        T::Plus => BinaryOp::Add,
        T::Minus => BinaryOp::Sub,
        T::Star => BinaryOp::Mul,
        T::Slash => BinaryOp::Div,
        T::Percent => BinaryOp::Rem,
        T::Pow => BinaryOp::Pow,
        _ => return None,
    })
}
