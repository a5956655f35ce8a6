//! Builds AST nodes from the flat pieces the grammar recognises.
//!
//! Two things are easier after parsing than in an LR(1) grammar: arrow types whose argument and
//! result lists share commas with the surrounding list (`f: A, B -> C, D`), and blocks that attach
//! to the statement before them (`else`, `catch`, `otherwise`, `par`).

use crate::ast::{
    Arg, ArrowArg, ArrowType, BinaryOp, Block, CatchClause, Expr, ExprKind, Ident, Literal, Param,
    QualifiedName, Stmt, StmtKind, TypeExpr, TypeKind,
};
use crate::error::SyntaxError;
use crate::span::Span;

/// One comma-separated piece of a type list: `A`, `{Ab} A`, or `{Ab} A -> R`.
#[derive(Debug, Clone)]
pub struct TypePiece {
    /// Abilities in braces before the piece.
    pub abilities: Vec<QualifiedName>,
    /// The type before `->`, or the whole piece when there is no arrow.
    pub arg: Option<TypeExpr>,
    /// `-> R` (`Some(None)` for `-> ()`).
    pub arrow: Option<Option<TypeExpr>>,
    /// The whole piece.
    pub span: Span,
}

/// One item of a parameter list: `name: piece` or a bare piece continuing the previous type.
#[derive(Debug, Clone)]
pub struct ParamPiece {
    /// The parameter name, for `name: piece`.
    pub name: Option<Ident>,
    /// The type piece.
    pub piece: TypePiece,
}

/// Joins the pieces of one comma list into a single type: `A`, or `A, B -> C, D`.
pub fn type_of_pieces(pieces: Vec<TypePiece>, errors: &mut Vec<SyntaxError>) -> TypeExpr {
    let span = pieces.iter().map(|p| p.span).reduce(Span::to).unwrap_or_default();
    let arrow_at = pieces.iter().position(|p| p.arrow.is_some());
    let Some(arrow_at) = arrow_at else {
        let mut pieces = pieces.into_iter();
        let first = pieces.next();
        if let Some(extra) = pieces.next() {
            errors.push(unexpected(extra.span, "`,`", &["`->` to make an arrow type"]));
        }
        return match first {
            Some(TypePiece { abilities, arg: Some(ty), .. }) if abilities.is_empty() => ty,
            Some(piece) => arrow_type(piece.abilities, Vec::new(), Vec::new(), piece.span),
            None => TypeExpr { kind: TypeKind::Bottom, span },
        };
    };
    let mut abilities = Vec::new();
    let mut args = Vec::new();
    let mut results = Vec::new();
    for (idx, piece) in pieces.into_iter().enumerate() {
        if !piece.abilities.is_empty() {
            if idx == 0 {
                abilities = piece.abilities;
            } else {
                errors.push(unexpected(
                    piece.span,
                    "abilities",
                    &["abilities only before the first argument"],
                ));
            }
        }
        if idx < arrow_at {
            args.extend(piece.arg.map(|ty| ArrowArg { name: None, ty }));
        } else if idx == arrow_at {
            args.extend(piece.arg.map(|ty| ArrowArg { name: None, ty }));
            results.extend(piece.arrow.flatten());
        } else if piece.arrow.is_some() {
            errors.push(unexpected(
                piece.span,
                "a second `->`",
                &["parentheses around a nested arrow type"],
            ));
        } else {
            results.extend(piece.arg);
        }
    }
    arrow_type(abilities, args, results, span)
}

/// Splits a function's result list: plain types are separate results, but a list with `->` in it
/// is one arrow-typed result (`-> A, B -> C` returns one arrow, as the reference reads it).
pub fn results_of_pieces(pieces: Vec<TypePiece>, errors: &mut Vec<SyntaxError>) -> Vec<TypeExpr> {
    if pieces.iter().any(|p| p.arrow.is_some() || !p.abilities.is_empty()) {
        return vec![type_of_pieces(pieces, errors)];
    }
    // Collected in place, the list would keep the pieces' buffer (a piece is several times
    // larger than a type) for the life of the tree.
    let mut results: Vec<TypeExpr> = pieces.into_iter().filter_map(|p| p.arg).collect();
    results.shrink_to_fit();
    results
}

/// Groups a parameter list into named parameters; bare pieces belong to the previous parameter's
/// arrow type (`cb: A, B -> C`).
pub fn params_of_pieces(
    pieces: impl IntoIterator<Item = ParamPiece>,
    errors: &mut Vec<SyntaxError>,
) -> Vec<Param> {
    let mut params: Vec<(Ident, Vec<TypePiece>)> = Vec::new();
    for ParamPiece { name, piece } in pieces {
        match (name, params.last_mut()) {
            (Some(name), _) => params.push((name, vec![piece])),
            (None, Some((_, group))) => group.push(piece),
            (None, None) => errors.push(unexpected(piece.span, "a type", &["a parameter name"])),
        }
    }
    params
        .into_iter()
        .map(|(name, group)| {
            let ty = type_of_pieces(group, errors);
            Param { span: name.span.to(ty.span), name, ty }
        })
        .collect()
}

/// Names the arguments of a method written `f(a: A) -> R`: its type is an arrow.
pub fn method_type(
    params: Vec<Param>,
    abilities: Vec<QualifiedName>,
    results: Vec<TypeExpr>,
    span: Span,
) -> TypeExpr {
    let args = params.into_iter().map(|p| ArrowArg { name: Some(p.name), ty: p.ty }).collect();
    TypeExpr { kind: TypeKind::Arrow(ArrowType { abilities, args, results }), span }
}

fn arrow_type(
    abilities: Vec<QualifiedName>,
    args: Vec<ArrowArg>,
    results: Vec<TypeExpr>,
    span: Span,
) -> TypeExpr {
    TypeExpr { kind: TypeKind::Arrow(ArrowType { abilities, args, results }), span }
}

fn unexpected(span: Span, found: &str, expected: &[&str]) -> SyntaxError {
    SyntaxError::UnexpectedToken {
        span,
        found: found.to_string(),
        expected: expected.iter().map(|s| s.to_string()).collect(),
    }
}

/// A line of a block as parsed, before attaching `else`, `catch`, `otherwise` and `par`.
#[derive(Debug, Clone)]
pub enum Line {
    /// A statement that stands on its own.
    Stmt(Stmt),
    /// `else:` and its block.
    Else(Span, Block),
    /// `catch e:` and its block.
    Catch(Span, CatchClause),
    /// `otherwise:` and its block.
    Otherwise(Span, Block),
    /// `par stmt`.
    Par(Span, Stmt),
}

/// Builds a block, attaching each continuation line to the statement before it.
pub fn block_of_lines(
    lines: impl ExactSizeIterator<Item = Line>,
    errors: &mut Vec<SyntaxError>,
) -> Block {
    let mut stmts: Vec<Stmt> = Vec::with_capacity(lines.len());
    for line in lines {
        attach_line(&mut stmts, 0, line, errors);
    }
    block_of_stmts(stmts)
}

/// A block of statements, spanning them.
pub fn block_of_stmts(stmts: Vec<Stmt>) -> Block {
    let span = stmts.iter().map(|s| s.span).reduce(Span::to).unwrap_or_default();
    Block { stmts, span }
}

/// Adds one line to the statements of a block, which are those of `stmts` from `base` on.
pub fn attach_line(stmts: &mut Vec<Stmt>, base: usize, line: Line, errors: &mut Vec<SyntaxError>) {
    let base = base.min(stmts.len());
    match line {
        Line::Stmt(stmt) => stmts.push(stmt),
        Line::Else(kw, block) => attach_else(&mut stmts[base..], kw, block, errors),
        Line::Catch(kw, clause) => attach_catch(&mut stmts[base..], kw, clause, errors),
        Line::Otherwise(kw, block) => attach_otherwise(stmts, base, kw, block, errors),
        Line::Par(kw, stmt) => attach_par(stmts, base, kw, stmt, errors),
    }
}

fn attach_else(stmts: &mut [Stmt], kw: Span, block: Block, errors: &mut Vec<SyntaxError>) {
    if let Some(Stmt { kind: StmtKind::If { else_block: else_block @ None, .. }, span }) =
        stmts.last_mut()
    {
        *span = span.to(block.span);
        *else_block = Some(block);
    } else {
        errors.push(SyntaxError::Dangling { span: kw, keyword: "else", needs: "an `if` block" });
    }
}

fn attach_catch(stmts: &mut [Stmt], kw: Span, clause: CatchClause, errors: &mut Vec<SyntaxError>) {
    if let Some(Stmt { kind: StmtKind::Try { catch: catch @ None, otherwise: None, .. }, span }) =
        stmts.last_mut()
    {
        *span = span.to(clause.span);
        *catch = Some(Box::new(clause));
    } else {
        errors.push(SyntaxError::Dangling { span: kw, keyword: "catch", needs: "a `try` block" });
    }
}

/// The last statement of the block whose statements start at `base`.
fn pop_from(stmts: &mut Vec<Stmt>, base: usize) -> Option<Stmt> {
    if stmts.len() > base { stmts.pop() } else { None }
}

fn attach_otherwise(
    stmts: &mut Vec<Stmt>,
    base: usize,
    kw: Span,
    block: Block,
    errors: &mut Vec<SyntaxError>,
) {
    match pop_from(stmts, base) {
        Some(Stmt { kind: StmtKind::Try { body, catch, otherwise: None }, span }) => {
            stmts.push(Stmt {
                span: span.to(block.span),
                kind: StmtKind::Try { body, catch, otherwise: Some(block) },
            })
        }
        Some(attempt) => stmts.push(Stmt {
            span: attempt.span.to(block.span),
            kind: StmtKind::Otherwise { attempt: Box::new(attempt), fallback: block },
        }),
        None => errors.push(SyntaxError::Dangling {
            span: kw,
            keyword: "otherwise",
            needs: "a statement",
        }),
    }
}

fn attach_par(
    stmts: &mut Vec<Stmt>,
    base: usize,
    kw: Span,
    branch: Stmt,
    errors: &mut Vec<SyntaxError>,
) {
    match pop_from(stmts, base) {
        Some(Stmt { kind: StmtKind::Par(mut branches), span }) => {
            let span = span.to(branch.span);
            branches.push(branch);
            stmts.push(Stmt { kind: StmtKind::Par(branches), span });
        }
        Some(first) => stmts.push(Stmt {
            span: first.span.to(branch.span),
            kind: StmtKind::Par(vec![first, branch]),
        }),
        None => {
            errors.push(SyntaxError::Dangling { span: kw, keyword: "par", needs: "a statement" });
            stmts.push(branch);
        }
    }
}

/// Builds `lhs op rhs` spanning `l..r`.
pub fn binary(op: BinaryOp, lhs: Expr, rhs: Expr, l: u32, r: u32) -> Expr {
    Expr {
        kind: ExprKind::Binary { op, lhs: Box::new(lhs), rhs: Box::new(rhs) },
        span: Span::new(l, r),
    }
}

/// Builds a call of `callee` with abilities and arguments spanning `l..r`.
pub fn call(
    callee: Expr,
    (abilities, args): (Vec<QualifiedName>, Vec<Arg>),
    l: u32,
    r: u32,
) -> Expr {
    Expr {
        kind: ExprKind::Call {
            callee: Box::new(callee),
            abilities: abilities.into_boxed_slice(),
            args: args.into_boxed_slice(),
        },
        span: Span::new(l, r),
    }
}

/// Builds a negative literal `-N`; the sign must touch the number, as in the reference lexer.
pub fn negative(
    literal: Literal,
    l: u32,
    number_start: u32,
    r: u32,
    errors: &mut Vec<SyntaxError>,
) -> Expr {
    if number_start != l + 1 {
        errors.push(SyntaxError::DetachedMinus { span: Span::new(l, r) });
    }
    Expr { kind: ExprKind::Literal(literal), span: Span::new(l, r) }
}

/// Turns a path expression (`A`, `M.Srv`) into a qualified name.
pub fn path_name(path: Expr, span: Span) -> QualifiedName {
    let mut parts = Vec::new();
    let mut current = path;
    loop {
        match current.kind {
            ExprKind::Field { base, name } => {
                parts.push(name);
                current = *base;
            }
            ExprKind::Var(name) => {
                parts.push(name);
                break;
            }
            _ => break,
        }
    }
    parts.reverse();
    QualifiedName { parts, span }
}
