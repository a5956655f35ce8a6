//! Checks on the shape of a parsed module that the grammar does not express: the module header
//! and where `<-` returns may stand.

use crate::ast::{Block, HeaderKeyword, Item, Module, Stmt, StmtKind};
use crate::error::SyntaxError;
use crate::span::Span;

/// Adds the shape errors of `module` to `errors`.
/// `src` is the module's source: a header that failed to parse was reported already. Returns are
/// looked for only when `nested_returns` (a parser that saw every return statement last in a
/// body can tell there are none to report).
pub fn check_module(
    module: &Module,
    src: &str,
    errors: &mut Vec<SyntaxError>,
    nested_returns: bool,
) {
    check_header(module, src, errors);
    if nested_returns {
        module.items.iter().for_each(|item| check_item(item, errors));
    }
}

/// The header errors of `module` (`src` is its source, as for [`check_module`]).
pub fn check_header(module: &Module, src: &str, errors: &mut Vec<SyntaxError>) {
    match &module.header {
        None if !starts_with_header_keyword(src) => {
            errors.push(SyntaxError::MissingHeader { span: Span::point(module.span.start) })
        }
        None => {}
        Some(header) if header.keyword == HeaderKeyword::Module => {
            let start = header.span.start;
            errors.push(SyntaxError::ModuleKeyword {
                span: Span::new(start, start + "module".len() as u32),
            })
        }
        Some(_) => {}
    }
}

/// The misplaced returns of one definition.
pub fn check_item(item: &Item, errors: &mut Vec<SyntaxError>) {
    if let Item::Func(func) = item {
        check_body(&func.body, errors);
    }
}

/// A body may end with a return; nested blocks may not contain one.
fn check_body(body: &Block, errors: &mut Vec<SyntaxError>) {
    for stmt in &body.stmts {
        if !matches!(stmt.kind, StmtKind::Return(_)) {
            check_nested(stmt, errors);
        }
    }
}

fn check_nested(stmt: &Stmt, errors: &mut Vec<SyntaxError>) {
    match &stmt.kind {
        StmtKind::Return(_) => errors.push(SyntaxError::MisplacedReturn { span: stmt.span }),
        StmtKind::Closure { body, .. } => check_body(body, errors),
        StmtKind::On { body, .. } | StmtKind::For { body, .. } | StmtKind::ParSeq { body, .. } => {
            check_blocks([body], errors)
        }
        StmtKind::If { then_block, else_block, .. } => {
            check_blocks([Some(then_block), else_block.as_ref()].into_iter().flatten(), errors)
        }
        StmtKind::Try { body, catch, otherwise } => check_blocks(
            [Some(body), catch.as_ref().map(|c| &c.body), otherwise.as_ref()].into_iter().flatten(),
            errors,
        ),
        StmtKind::Otherwise { attempt, fallback } => {
            check_nested(attempt, errors);
            check_blocks([fallback], errors);
        }
        StmtKind::Par(branches) => branches.iter().for_each(|branch| check_nested(branch, errors)),
        StmtKind::Co(inner) => check_nested(inner, errors),
        StmtKind::Call { .. }
        | StmtKind::Assign { .. }
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::DeclareStream { .. }
        | StmtKind::Join(_)
        | StmtKind::Error => {}
    }
}

fn check_blocks<'a>(blocks: impl IntoIterator<Item = &'a Block>, errors: &mut Vec<SyntaxError>) {
    for block in blocks {
        for stmt in &block.stmts {
            check_nested(stmt, errors);
        }
    }
}

/// Whether the first word of the source (after blank and comment lines) is `aqua` or `module`.
fn starts_with_header_keyword(src: &str) -> bool {
    let src = src.strip_prefix(crate::layout::BYTE_ORDER_MARK).unwrap_or(src);
    let first_line =
        src.lines().map(str::trim).find(|line| !line.is_empty() && !line.starts_with("--"));
    let first_word = first_line.and_then(|line| line.split([' ', '\t']).next());
    matches!(first_word, Some("aqua" | "module"))
}
