//! The types of the local names of the document's functions, read from the typed program: every
//! parameter, ability and name bound by a statement, with the span the checker gives it.

use aqua_typecheck::tast::{Binding, Block, Program, ResultTarget, Stmt, StmtKind};

/// The type the checker gave a local name of the document.
#[derive(Debug, Clone)]
pub struct LocalType {
    /// The name.
    pub name: String,
    /// Where the checker says it was introduced.
    pub span: aqua_syntax::Span,
    /// The type, as Aqua writes it.
    pub ty: String,
}

/// The locals of every function defined in the document (file 0).
pub fn of_document(program: &Program) -> Vec<LocalType> {
    let mut locals = Vec::new();
    for func in program.functions.iter().filter(|f| f.file == 0) {
        func.params.iter().chain(&func.abilities).for_each(|b| push(&mut locals, b));
        block(&func.body, &mut locals);
    }
    locals
}

fn push(locals: &mut Vec<LocalType>, binding: &Binding) {
    locals.push(LocalType {
        name: binding.name.to_string(),
        span: binding.span,
        ty: binding.ty.to_string(),
    });
}

fn block(block_: &Block, locals: &mut Vec<LocalType>) {
    for stmt_ in &block_.stmts {
        stmt(stmt_, locals);
    }
}

fn stmt(stmt_: &Stmt, locals: &mut Vec<LocalType>) {
    match &stmt_.kind {
        StmtKind::Call { results, .. } => {
            for result in results {
                if let ResultTarget::Bind(binding) = result {
                    push(locals, binding);
                }
            }
        }
        StmtKind::Assign { binding, .. } | StmtKind::DeclareStream(binding) => {
            push(locals, binding)
        }
        StmtKind::Closure { binding, params, body, .. } => {
            push(locals, binding);
            params.iter().for_each(|b| push(locals, b));
            block(body, locals);
        }
        StmtKind::On { body, .. } => block(body, locals),
        StmtKind::For { pattern, body, .. } | StmtKind::ParSeq { pattern, body, .. } => {
            pattern.iter().for_each(|b| push(locals, b));
            block(body, locals);
        }
        StmtKind::If { then_block, else_block, .. } => {
            block(then_block, locals);
            else_block.iter().for_each(|b| block(b, locals));
        }
        StmtKind::Try { body, catch, otherwise } => {
            block(body, locals);
            if let Some((binding, catch_block)) = catch {
                push(locals, binding);
                block(catch_block, locals);
            }
            otherwise.iter().for_each(|b| block(b, locals));
        }
        StmtKind::Otherwise { attempt, fallback } => {
            stmt(attempt, locals);
            block(fallback, locals);
        }
        StmtKind::Par(branches) => branches.iter().for_each(|b| stmt(b, locals)),
        StmtKind::Co(inner) => stmt(inner, locals),
        StmtKind::Return(_)
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::Join(_)
        | StmtKind::Error => {}
    }
}
