//! Types, parameter lists and ability lists, read as the comma-separated pieces that
//! `assemble` joins (as the grammar's actions do).

use super::{Descent, is_field_name};
use crate::assemble::{self, TypePiece};
use crate::ast::{Ident, Param, QualifiedName, ScalarType, SmolStr, TypeExpr, TypeKind};
use crate::layout::Token;
use crate::span::Span;
use crate::token::RawToken as T;

impl Descent<'_> {
    /// `{A, B.C}`.
    pub(super) fn abilities(&mut self) -> Option<Vec<QualifiedName>> {
        self.expect_raw(T::LBrace)?;
        let names = self.comma1(Self::qualified_name)?;
        self.expect_raw(T::RBrace)?;
        Some(names)
    }

    /// The parameters between a signature's parentheses: a named piece and the bare pieces
    /// after it make one parameter (as `assemble::params_of_pieces` groups them); a trailing
    /// comma is allowed.
    pub(super) fn params(&mut self) -> Option<Vec<Param>> {
        let mut params = Vec::new();
        let mut named_next = !self.at(T::RParen);
        while named_next {
            let name = self.field_name()?;
            self.expect_raw(T::Colon)?;
            let first = self.type_piece()?;
            let mut rest = Vec::new();
            named_next = false;
            while self.eat(T::Comma) {
                if self.at(T::RParen) {
                    break;
                }
                if is_field_name(self.nth(0)) && self.nth(1) == Some(Token::Raw(T::Colon)) {
                    named_next = true;
                    break;
                }
                rest.push(self.type_piece()?);
            }
            let ty = if rest.is_empty() {
                self.type_of_piece(first)
            } else {
                rest.insert(0, first);
                assemble::type_of_pieces(rest, &mut self.errors)
            };
            params.push(Param { span: name.span.to(ty.span), name, ty });
        }
        // As many as there are, as the grammar's list has: trees are kept for long.
        params.shrink_to_fit();
        Some(params)
    }

    /// The type of a list of one piece (`assemble::type_of_pieces` without the list).
    fn type_of_piece(&mut self, piece: TypePiece) -> TypeExpr {
        match piece {
            TypePiece { abilities, arg: Some(ty), arrow: None, .. } if abilities.is_empty() => ty,
            piece => assemble::type_of_pieces(vec![piece], &mut self.errors),
        }
    }

    /// A signature's results after `->`: `()` for none.
    pub(super) fn results(&mut self) -> Option<Vec<TypeExpr>> {
        if self.at(T::LParen) && self.nth(1) == Some(Token::Raw(T::RParen)) {
            self.bump();
            self.bump();
            return Some(Vec::new());
        }
        let first = self.type_piece()?;
        let plain = first.arrow.is_none() && first.abilities.is_empty();
        if plain && !self.at(T::Comma) {
            return Some(first.arg.into_iter().collect());
        }
        let mut pieces = vec![first];
        while self.eat(T::Comma) {
            pieces.push(self.type_piece()?);
        }
        Some(assemble::results_of_pieces(pieces, &mut self.errors))
    }

    /// A comma list of pieces joined into one type (the grammar's `TypeList`).
    pub(super) fn type_list(&mut self) -> Option<TypeExpr> {
        let first = self.type_piece()?;
        if !self.at(T::Comma) {
            return Some(self.type_of_piece(first));
        }
        let mut pieces = vec![first];
        while self.eat(T::Comma) {
            pieces.push(self.type_piece()?);
        }
        Some(assemble::type_of_pieces(pieces, &mut self.errors))
    }

    fn type_piece(&mut self) -> Option<TypePiece> {
        let start = self.start();
        let (abilities, arg) = match self.peek_raw()? {
            T::LParen => {
                let ty = self.paren_type()?;
                let span = Span::new(start, self.prev_end);
                return Some(TypePiece { abilities: Vec::new(), arg: Some(ty), arrow: None, span });
            }
            T::LBrace => {
                let abilities = self.abilities()?;
                let arg = if starts_basic_type(self.peek_raw()) {
                    Some(self.basic_type()?)
                } else {
                    None
                };
                (abilities, arg)
            }
            T::RArrow => (Vec::new(), None),
            raw if starts_basic_type(Some(raw)) => (Vec::new(), Some(self.basic_type()?)),
            _ => return None,
        };
        let arrow = if self.eat(T::RArrow) { Some(self.arrow_result()?) } else { None };
        Some(TypePiece { abilities, arg, arrow, span: Span::new(start, self.prev_end) })
    }

    /// `(T)`: the type, spanning the parentheses.
    fn paren_type(&mut self) -> Option<TypeExpr> {
        self.enter()?;
        let start = self.start();
        self.expect_raw(T::LParen)?;
        let ty = self.type_list()?;
        self.expect_raw(T::RParen)?;
        self.leave();
        Some(TypeExpr { kind: ty.kind, span: Span::new(start, self.prev_end) })
    }

    /// What follows `->` in a piece: a type, `()`, or a parenthesised type list.
    fn arrow_result(&mut self) -> Option<Option<TypeExpr>> {
        if !self.eat(T::LParen) {
            return self.basic_type().map(Some);
        }
        if self.eat(T::RParen) {
            return Some(None);
        }
        self.enter()?;
        let ty = self.type_list()?;
        self.expect_raw(T::RParen)?;
        self.leave();
        Some(Some(ty))
    }

    /// A type without commas or arrows. The prefixes (`[]`, `?`, `*`, `%`, `?[]`, `*[]`) are
    /// collected first and wrapped around the type they lead to, without recursion.
    pub(super) fn basic_type(&mut self) -> Option<TypeExpr> {
        let mut prefixes = Vec::new();
        let (start, kind) = loop {
            let (start, token, end) = self.bump()?;
            let Token::Raw(raw) = token else { return None };
            let kind = match raw {
                T::EmptyBrackets
                | T::Question
                | T::Star
                | T::Percent
                | T::OptionEmpty
                | T::StreamEmpty => {
                    prefixes.push((start, raw));
                    continue;
                }
                T::Scalar(name) => {
                    TypeKind::Scalar(ScalarType::from_name(name).unwrap_or(ScalarType::String))
                }
                T::Upper(first) => {
                    let first = Ident { name: SmolStr::new(first), span: Span::new(start, end) };
                    let mut parts = vec![first];
                    while self.eat(T::Dot) {
                        match self.bump()? {
                            (l, Token::Raw(T::Upper(name)), r) => parts
                                .push(Ident { name: SmolStr::new(name), span: Span::new(l, r) }),
                            _ => return None,
                        }
                    }
                    TypeKind::Named(QualifiedName { parts, span: Span::new(start, self.prev_end) })
                }
                T::Top => TypeKind::Top,
                T::Bottom => TypeKind::Bottom,
                _ => return None,
            };
            break (start, kind);
        };
        let end = self.prev_end;
        let mut ty = TypeExpr { kind, span: Span::new(start, end) };
        for (start, prefix) in prefixes.into_iter().rev() {
            let inner = Box::new(ty);
            let kind = match prefix {
                T::EmptyBrackets => TypeKind::Array(inner),
                T::Question => TypeKind::Option(inner),
                T::Star => TypeKind::Stream(inner),
                T::Percent => TypeKind::StreamMap(inner),
                _ => {
                    let array =
                        TypeExpr { kind: TypeKind::Array(inner), span: Span::new(start + 1, end) };
                    if prefix == T::OptionEmpty {
                        TypeKind::Option(Box::new(array))
                    } else {
                        TypeKind::Stream(Box::new(array))
                    }
                }
            };
            ty = TypeExpr { kind, span: Span::new(start, end) };
        }
        Some(ty)
    }
}

/// Whether a token starts a `BasicType`.
fn starts_basic_type(raw: Option<T<'_>>) -> bool {
    matches!(
        raw,
        Some(
            T::Scalar(_)
                | T::Upper(_)
                | T::EmptyBrackets
                | T::Question
                | T::Star
                | T::Percent
                | T::OptionEmpty
                | T::StreamEmpty
                | T::Top
                | T::Bottom
        )
    )
}
