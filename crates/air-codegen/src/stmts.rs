//! What a typed statement holds: the statements of its blocks and its inner statements, for the
//! passes that look through a body (how deep inlining nests, whether a statement binds anything,
//! whether a block moves).

use aqua_typecheck::tast::{Block, Stmt, StmtKind};

/// The statements directly inside `stmt` (those of its blocks, its inner statements), or `None`
/// for a statement that holds none. A closure's body is not inside its definition: it runs where
/// the closure is called.
pub(crate) fn inner_stmts(stmt: &Stmt) -> Option<impl Iterator<Item = &Stmt>> {
    let none = || None;
    let (blocks, stmts): ([Option<&Block>; 3], &[Stmt]) = match &stmt.kind {
        StmtKind::On { body, .. } | StmtKind::For { body, .. } => {
            ([Some(body), none(), none()], &[])
        }
        StmtKind::ParSeq(parseq) => ([Some(&parseq.body), none(), none()], &[]),
        StmtKind::If { then_block, else_block, .. } => {
            ([Some(then_block), else_block.as_ref(), none()], &[])
        }
        StmtKind::Try { body, catch, otherwise } => {
            ([Some(body), catch.as_deref().map(|(_, block)| block), otherwise.as_ref()], &[])
        }
        StmtKind::Otherwise { attempt, fallback } => {
            ([Some(fallback), none(), none()], std::slice::from_ref(&**attempt))
        }
        StmtKind::Par(stmts) => ([none(), none(), none()], stmts),
        StmtKind::Co(inner) => ([none(), none(), none()], std::slice::from_ref(&**inner)),
        StmtKind::Call { .. }
        | StmtKind::Assign { .. }
        | StmtKind::Return(_)
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::DeclareStream(_)
        | StmtKind::Closure(_)
        | StmtKind::Join(_)
        | StmtKind::Error => return None,
    };
    Some(blocks.into_iter().flatten().flat_map(|block| block.stmts.iter()).chain(stmts))
}
