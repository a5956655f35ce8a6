//! How deep inlining can nest in a checked program.
//!
//! The checker rejects recursion (T036): a body calls only arrows defined before it. A function
//! can still be inlined again inside itself through an arrow argument defined later (`h` calls
//! `f(g)` and `g` calls `f`), but each such re-entry goes through a different, earlier
//! definition, so the depth is at most `n * (n + 1)` for `n` functions and closures. Deeper
//! inlining would be recursion the checker missed: lowering reports it as an internal error
//! instead of overflowing.

use aqua_typecheck::tast::{Block, Program, Stmt, StmtKind};

use crate::stmts::inner_stmts;

/// The most nested inlined calls `program` can make.
pub(crate) fn inline_depth_bound(program: &Program) -> usize {
    let closures: usize = program.functions.iter().map(|func| closures_in(&func.body)).sum();
    let definitions = program.functions.len() + closures;
    definitions.saturating_mul(definitions + 1).max(1)
}

fn closures_in(block: &Block) -> usize {
    block.stmts.iter().map(closures_in_stmt).sum()
}

fn closures_in_stmt(stmt: &Stmt) -> usize {
    match &stmt.kind {
        StmtKind::Closure(closure) => 1 + closures_in(&closure.body),
        _ => inner_stmts(stmt).map_or(0, |inner| inner.map(closures_in_stmt).sum()),
    }
}
