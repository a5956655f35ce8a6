//! Blocks, lines and statements.

use super::{Descent, is_field_name, is_ident};
use crate::assemble::{self, Line, path_name};
use crate::ast::{Block, CatchClause, Expr, ExprKind, ForMode, ForPattern, Stmt, StmtKind};
use crate::layout::Token;
use crate::span::Span;
use crate::token::RawToken as T;

impl Descent<'_> {
    /// The block of a function or closure, which may end with a return (`shape.rs`).
    pub(super) fn body(&mut self) -> Option<Block> {
        let body = self.block()?;
        let returns = body.stmts.iter().filter(|s| matches!(s.kind, StmtKind::Return(_))).count();
        self.body_returns += returns;
        Some(body)
    }

    /// `:`, the end of the line and an indented block of lines.
    pub(super) fn block(&mut self) -> Option<Block> {
        self.enter()?;
        self.expect_raw(T::Colon)?;
        self.newline()?;
        self.expect(Token::Indent)?;
        // Statements wait on one stack shared by all blocks, so that no block allocates a list
        // of its own before the final one.
        let base = self.stmts.len();
        loop {
            match self.peek_raw() {
                Some(T::Else | T::Catch | T::Otherwise | T::Par) => {
                    let line = self.line()?;
                    assemble::attach_line(&mut self.stmts, base, line, &mut self.errors);
                }
                _ => {
                    let stmt = self.statement()?;
                    self.stmts.push(stmt);
                }
            }
            if self.peek() == Some(Token::Dedent) {
                self.bump();
                break;
            }
        }
        let block = assemble::block_of_stmts(self.stmts.drain(base..).collect());
        self.leave();
        Some(block)
    }

    /// A line that attaches to the statement before it: `else`, `catch`, `otherwise`, `par`.
    fn line(&mut self) -> Option<Line> {
        let (start, keyword, _) = self.bump()?;
        let kw = Span::new(start, self.prev_end);
        Some(match keyword {
            Token::Raw(T::Else) => Line::Else(kw, self.block()?),
            Token::Raw(T::Catch) => {
                let name = self.ident()?;
                let body = self.block()?;
                Line::Catch(kw, CatchClause { name, body, span: Span::new(start, self.prev_end) })
            }
            Token::Raw(T::Otherwise) => Line::Otherwise(kw, self.block()?),
            _ => Line::Par(kw, self.statement()?),
        })
    }

    /// A statement, with the end of its line (a simple statement) or its block.
    fn statement(&mut self) -> Option<Stmt> {
        let start = self.start();
        let (kind, simple) = self.stmt_kind()?;
        let span = Span::new(start, self.prev_end);
        if simple {
            self.newline()?;
        }
        Some(Stmt { kind, span })
    }

    /// A statement's kind, and whether it is a simple statement (that the end of a line ends).
    fn stmt_kind(&mut self) -> Option<(StmtKind, bool)> {
        let keyword = match self.peek_raw() {
            Some(
                keyword @ (T::LArrow
                | T::Join
                | T::On
                | T::For
                | T::ParSeq
                | T::If
                | T::Try
                | T::Co),
            ) => keyword,
            _ => return self.name_statement(),
        };
        self.bump();
        Some(match keyword {
            T::LArrow => {
                self.returns += 1;
                (StmtKind::Return(self.comma1(Self::expr)?), true)
            }
            T::Join => (StmtKind::Join(self.comma1(Self::expr)?), true),
            T::On => {
                let peer = Box::new(self.expr()?);
                let via = self.vias()?;
                (StmtKind::On { peer, via, body: self.block()? }, false)
            }
            T::For => {
                let pattern = self.for_pattern()?;
                self.expect_raw(T::LArrow)?;
                let iterable = Box::new(self.expr()?);
                let mode = match self.peek_raw() {
                    Some(T::Par) => Some(ForMode::Par),
                    Some(T::Try) => Some(ForMode::Try),
                    Some(T::Rec) => Some(ForMode::Rec),
                    _ => None,
                };
                if mode.is_some() {
                    self.bump();
                }
                (StmtKind::For { pattern, iterable, mode, body: self.block()? }, false)
            }
            T::ParSeq => {
                let pattern = self.for_pattern()?;
                self.expect_raw(T::LArrow)?;
                let iterable = Box::new(self.expr()?);
                self.expect_raw(T::On)?;
                let peer = Box::new(self.expr()?);
                let via = self.vias()?;
                let body = self.block()?;
                (StmtKind::ParSeq { pattern, iterable, peer, via, body }, false)
            }
            T::If => {
                let cond = Box::new(self.expr()?);
                let then_block = self.block()?;
                (StmtKind::If { cond, then_block, else_block: None }, false)
            }
            T::Try => (StmtKind::Try { body: self.block()?, catch: None, otherwise: None }, false),
            _ => {
                self.enter()?;
                let stmt = self.statement()?;
                self.leave();
                (StmtKind::Co(Box::new(stmt)), false)
            }
        })
    }

    /// `via r1 via r2`.
    fn vias(&mut self) -> Option<Vec<Expr>> {
        let mut via = Vec::new();
        while self.eat(T::Via) {
            via.push(self.expr()?);
        }
        via.shrink_to_fit();
        Some(via)
    }

    fn for_pattern(&mut self) -> Option<ForPattern> {
        let first = self.ident()?;
        if self.eat(T::Comma) {
            Some(ForPattern::Pair(Box::new(first), Box::new(self.ident()?)))
        } else {
            Some(ForPattern::Single(first))
        }
    }

    /// Statements that start with a name (or with an expression).
    fn name_statement(&mut self) -> Option<(StmtKind, bool)> {
        if !is_ident(self.nth(0)) {
            let call = self.expr()?;
            return Some((StmtKind::Call { results: Vec::new(), call }, true));
        }
        match self.nth(1) {
            Some(Token::Raw(T::Comma | T::LArrow)) => {
                let results = self.comma1(Self::ident)?;
                self.expect_raw(T::LArrow)?;
                let call = self.expr()?;
                Some((StmtKind::Call { results, call }, true))
            }
            Some(Token::Raw(T::Assign)) => self.assign_or_closure(),
            Some(Token::Raw(T::Push)) => {
                let target = self.ident()?;
                self.bump();
                let first = self.expr()?;
                let kind = if self.eat(T::Comma) {
                    StmtKind::Push { target, key: Some(Box::new(first)), value: self.expr()? }
                } else {
                    StmtKind::Push { target, key: None, value: first }
                };
                Some((kind, true))
            }
            Some(Token::Raw(T::Colon)) => {
                let name = self.ident()?;
                self.bump();
                Some((StmtKind::DeclareStream { name, ty: Box::new(self.type_list()?) }, true))
            }
            _ => self.path_statement(),
        }
    }

    /// `x = value`, or a closure `c = (a: A) -> R:` with its block.
    fn assign_or_closure(&mut self) -> Option<(StmtKind, bool)> {
        let name = self.ident()?;
        self.bump();
        let closure = match self.peek_raw() {
            Some(T::Func | T::LBrace) => true,
            Some(T::LParen) => match self.nth(1) {
                Some(Token::Raw(T::RParen)) => true,
                next => is_field_name(next) && self.nth(2) == Some(Token::Raw(T::Colon)),
            },
            _ => false,
        };
        if !closure {
            return Some((StmtKind::Assign { name, value: self.expr()? }, true));
        }
        let detached = self.eat(T::Func);
        let signature = Box::new(self.signature()?);
        let body = self.body()?;
        Some((StmtKind::Closure { name, detached, signature, body }, false))
    }

    /// A statement that starts with a dotted path: `Srv "id"`, or an expression.
    fn path_statement(&mut self) -> Option<(StmtKind, bool)> {
        let start = self.start();
        let path = self.path()?;
        let path_end = self.prev_end;
        let sets_id = match self.peek_raw() {
            Some(T::Str(_) | T::Int(_) | T::Float(_) | T::True | T::False | T::InitPeerId) => true,
            _ => is_ident(self.nth(0)),
        };
        if !sets_id {
            let call = self.expr_after_path(start, path)?;
            return Some((StmtKind::Call { results: Vec::new(), call }, true));
        }
        let service = path_name(path, Span::new(start, path_end));
        let id_start = self.start();
        let id = if is_ident(self.nth(0)) {
            let path = self.path()?;
            match self.peek_raw() {
                Some(T::Bang) => {
                    self.bump();
                    let index = self.bang_index();
                    let kind = ExprKind::Bang { base: Box::new(path), index };
                    Expr { kind, span: Span::new(id_start, self.prev_end) }
                }
                Some(T::LBracket) => {
                    self.bump();
                    let index = self.expr()?;
                    self.expect_raw(T::RBracket)?;
                    let kind = ExprKind::Index { base: Box::new(path), index: Box::new(index) };
                    Expr { kind, span: Span::new(id_start, self.prev_end) }
                }
                _ => path,
            }
        } else {
            self.atom()?
        };
        Some((StmtKind::ServiceId { service, id }, true))
    }
}
