//! Statements and blocks. Each statement is one line (its header line, for a statement with a
//! block); `else`, `catch`, `otherwise` and `par` lines go at the indentation of the statement
//! they attach to. Blank lines between statements are kept (at most one); a block never starts
//! with one.

use std::borrow::Cow;

use aqua_syntax::ast::*;

use crate::doc::Doc;
use crate::expr::{Exprs, qualified_text, type_text};
use crate::printer::{Blank, Printer};
use crate::trivia;

/// Writes an indented block, with the comments that end it.
pub fn block<'a>(printer: &mut Printer<'a>, block: &'a Block) {
    let Some(first) = block.stmts.first() else { return };
    let column = trivia::column_of(printer.src(), first.span.start);
    printer.nested(|printer| {
        for (idx, stmt) in block.stmts.iter().enumerate() {
            let blank = if idx == 0 { Blank::Never } else { Blank::Keep };
            statement(printer, stmt, "", blank);
        }
        printer.block_end_comments(column);
    });
}

/// Writes one statement; `prefix` (`par `, `co `) starts its first line.
fn statement<'a>(printer: &mut Printer<'a>, stmt: &'a Stmt, prefix: &str, blank: Blank) {
    let exprs = Exprs { src: printer.src() };
    let span = stmt.span;
    match &stmt.kind {
        StmtKind::Par(branches) => {
            for (idx, branch) in branches.iter().enumerate() {
                if idx == 0 {
                    statement(printer, branch, prefix, blank);
                } else {
                    statement(printer, branch, "par ", Blank::Never);
                }
            }
        }
        StmtKind::Co(inner) => {
            let prefix = format!("{prefix}co ");
            statement(printer, inner, &prefix, blank);
        }
        StmtKind::Otherwise { attempt, fallback } => {
            statement(printer, attempt, prefix, blank);
            attached(printer, "otherwise:", fallback);
        }
        StmtKind::Closure { name, detached, signature, body } => {
            let keyword = if *detached { " = func " } else { " = " };
            let doc = Doc::Concat(vec![
                Doc::text(&name.name),
                Doc::text(keyword),
                exprs.signature(signature),
                Doc::text(":"),
            ]);
            with_block(printer, span.start, &doc, prefix, blank, body);
        }
        StmtKind::On { peer, via, body } => {
            let mut docs = vec![Doc::text("on "), exprs.expr(peer)];
            for relay in via {
                docs.extend([Doc::text(" via "), exprs.expr(relay)]);
            }
            docs.push(Doc::text(":"));
            with_block(printer, span.start, &Doc::Concat(docs), prefix, blank, body);
        }
        StmtKind::For { pattern, iterable, mode, body } => {
            let mut docs = vec![Doc::text("for "), pattern_doc(pattern), Doc::text(" <- ")];
            docs.push(exprs.expr(iterable));
            docs.push(Doc::text(match mode {
                None => ":",
                Some(ForMode::Par) => " par:",
                Some(ForMode::Try) => " try:",
                Some(ForMode::Rec) => " rec:",
            }));
            with_block(printer, span.start, &Doc::Concat(docs), prefix, blank, body);
        }
        StmtKind::ParSeq { pattern, iterable, peer, via, body } => {
            let mut docs = vec![Doc::text("parseq "), pattern_doc(pattern), Doc::text(" <- ")];
            docs.extend([exprs.expr(iterable), Doc::text(" on "), exprs.expr(peer)]);
            for relay in via {
                docs.extend([Doc::text(" via "), exprs.expr(relay)]);
            }
            docs.push(Doc::text(":"));
            with_block(printer, span.start, &Doc::Concat(docs), prefix, blank, body);
        }
        StmtKind::If { cond, then_block, else_block } => {
            let doc = Doc::Concat(vec![Doc::text("if "), exprs.expr(cond), Doc::text(":")]);
            with_block(printer, span.start, &doc, prefix, blank, then_block);
            if let Some(else_block) = else_block {
                attached(printer, "else:", else_block);
            }
        }
        StmtKind::Try { body, catch, otherwise } => {
            with_block(printer, span.start, &Doc::text("try:"), prefix, blank, body);
            if let Some(catch) = catch {
                let header = format!("catch {}:", catch.name.name);
                attached(printer, &header, &catch.body);
            }
            if let Some(otherwise) = otherwise {
                attached(printer, "otherwise:", otherwise);
            }
        }
        _ => {
            let doc = simple(exprs, &stmt.kind);
            printer.line(span.start, span.end, prefix, &doc, blank);
        }
    }
}

/// A statement that fits on one line.
fn simple<'a>(exprs: Exprs<'a>, kind: &'a StmtKind) -> Doc<'a> {
    match kind {
        StmtKind::Call { results, call } if results.is_empty() => exprs.expr(call),
        StmtKind::Call { results, call } => {
            let names = results.iter().map(|r| r.name.as_str()).collect::<Vec<_>>().join(", ");
            Doc::Concat(vec![Doc::Text(Cow::Owned(names)), Doc::text(" <- "), exprs.expr(call)])
        }
        StmtKind::Assign { name, value } => {
            Doc::Concat(vec![Doc::text(&name.name), Doc::text(" = "), exprs.expr(value)])
        }
        StmtKind::Return(values) => {
            let mut docs = vec![Doc::text("<- ")];
            comma_separated(exprs, values, &mut docs);
            Doc::Concat(docs)
        }
        StmtKind::ServiceId { service, id } => Doc::Concat(vec![
            Doc::Text(Cow::Owned(qualified_text(service))),
            Doc::text(" "),
            exprs.expr(id),
        ]),
        StmtKind::Push { target, key, value } => {
            let mut docs = vec![Doc::text(&target.name), Doc::text(" <<- ")];
            if let Some(key) = key {
                docs.extend([exprs.expr(key), Doc::text(", ")]);
            }
            docs.push(exprs.expr(value));
            Doc::Concat(docs)
        }
        StmtKind::DeclareStream { name, ty } => {
            Doc::Text(Cow::Owned(format!("{}: {}", name.name, type_text(ty))))
        }
        StmtKind::Join(values) => {
            let mut docs = vec![Doc::text("join ")];
            comma_separated(exprs, values, &mut docs);
            Doc::Concat(docs)
        }
        // Statements with blocks are written by `statement`; errors are never formatted.
        _ => Doc::text(""),
    }
}

fn comma_separated<'a>(exprs: Exprs<'a>, values: &'a [Expr], docs: &mut Vec<Doc<'a>>) {
    for (idx, value) in values.iter().enumerate() {
        if idx > 0 {
            docs.push(Doc::text(", "));
        }
        docs.push(exprs.expr(value));
    }
}

fn pattern_doc(pattern: &ForPattern) -> Doc<'_> {
    match pattern {
        ForPattern::Single(name) => Doc::text(&name.name),
        ForPattern::Pair(key, value) => {
            Doc::Concat(vec![Doc::text(&key.name), Doc::text(", "), Doc::text(&value.name)])
        }
    }
}

/// A header line (ending in `:`) and its block.
fn with_block<'a>(
    printer: &mut Printer<'a>,
    start: u32,
    header: &Doc<'_>,
    prefix: &str,
    blank: Blank,
    body: &'a Block,
) {
    let header_end = printer.token_end_before(body.span.start);
    printer.line(start, header_end, prefix, header, blank);
    block(printer, body);
}

/// An `else:`, `catch e:` or `otherwise:` line after the block it attaches to, and its block.
fn attached<'a>(printer: &mut Printer<'a>, header: &str, body: &'a Block) {
    let keyword = printer.next_token();
    let doc = Doc::text(header);
    with_block(printer, keyword, &doc, "", Blank::Never, body);
}
