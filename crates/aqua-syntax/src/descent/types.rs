//! Types, parameter lists and ability lists, read as the comma-separated pieces that
//! `assemble` joins (as the grammar's actions do).

use super::{Descent, is_field_name};
use crate::assemble::{self, ParamPiece, TypePiece};
use crate::ast::{Ident, QualifiedName, ScalarType, SmolStr, TypeExpr, TypeKind};
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

    /// The pieces between a signature's parentheses: the first named, a trailing comma allowed.
    pub(super) fn params(&mut self) -> Option<Vec<ParamPiece>> {
        if self.at(T::RParen) {
            return Some(Vec::new());
        }
        let mut pieces = vec![self.named_param()?];
        while self.eat(T::Comma) {
            if self.at(T::RParen) {
                break;
            }
            let named = is_field_name(self.nth(0)) && self.nth(1) == Some(Token::Raw(T::Colon));
            pieces.push(if named {
                self.named_param()?
            } else {
                ParamPiece { name: None, piece: self.type_piece()? }
            });
        }
        Some(pieces)
    }

    fn named_param(&mut self) -> Option<ParamPiece> {
        let name = self.field_name()?;
        self.expect_raw(T::Colon)?;
        Some(ParamPiece { name: Some(name), piece: self.type_piece()? })
    }

    /// A signature's results after `->`: `()` for none.
    pub(super) fn results(&mut self) -> Option<Vec<TypeExpr>> {
        if self.at(T::LParen) && self.nth(1) == Some(Token::Raw(T::RParen)) {
            self.bump();
            self.bump();
            return Some(Vec::new());
        }
        let pieces = self.comma1(Self::type_piece)?;
        Some(assemble::results_of_pieces(pieces, &mut self.errors))
    }

    /// A comma list of pieces joined into one type (the grammar's `TypeList`).
    pub(super) fn type_list(&mut self) -> Option<TypeExpr> {
        let pieces = self.comma1(Self::type_piece)?;
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
