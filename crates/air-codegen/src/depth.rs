//! How deep inlining can nest in a checked program.
//!
//! The checker rejects recursion (T036): a body calls only arrows defined before it. A function
//! can still be inlined again inside itself through an arrow argument defined later (`h` calls
//! `f(g)` and `g` calls `f`), but each such re-entry goes through a different, earlier
//! definition, so the depth is at most `n * (n + 1)` for `n` functions and closures. Deeper
//! inlining would be recursion the checker missed: lowering reports it as an internal error
//! instead of overflowing.

use aqua_typecheck::tast::{Block, Program, Stmt, StmtKind};

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
        StmtKind::On { body, .. } | StmtKind::For { body, .. } => closures_in(body),
        StmtKind::ParSeq(parseq) => closures_in(&parseq.body),
        StmtKind::If { then_block, else_block, .. } => {
            closures_in(then_block) + else_block.as_ref().map_or(0, closures_in)
        }
        StmtKind::Try { body, catch, otherwise } => {
            closures_in(body)
                + catch.as_deref().map_or(0, |(_, block)| closures_in(block))
                + otherwise.as_ref().map_or(0, closures_in)
        }
        StmtKind::Otherwise { attempt, fallback } => {
            closures_in_stmt(attempt) + closures_in(fallback)
        }
        StmtKind::Par(stmts) => stmts.iter().map(closures_in_stmt).sum(),
        StmtKind::Co(inner) => closures_in_stmt(inner),
        StmtKind::Call { .. }
        | StmtKind::Assign { .. }
        | StmtKind::Return(_)
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::DeclareStream(_)
        | StmtKind::Join(_)
        | StmtKind::Error => 0,
    }
}
