//! The types the checker gave the document's functions, read from the typed program: every
//! parameter, ability and name bound by a statement, and every expression, each with the span
//! the checker gives it.

use aqua_syntax::ast::SmolStr;
use aqua_typecheck::tast::{Binding, Block, Expr, ExprKind, Program, ResultTarget, Stmt, StmtKind};
use aqua_typecheck::types::Type;

/// The type the checker gave a local name of the document.
#[derive(Debug, Clone)]
pub struct LocalType {
    /// The name (inline, like the type, when short: one is kept for every local of the
    /// document).
    pub name: SmolStr,
    /// Where the checker says it was introduced.
    pub span: aqua_syntax::Span,
    /// The type, as Aqua writes it.
    pub ty: SmolStr,
}

/// The type the checker gave an expression of the document.
#[derive(Debug, Clone)]
pub struct ExprType {
    /// Where the expression was written.
    pub span: aqua_syntax::Span,
    /// Its type.
    pub ty: Type,
}

/// What the checker says about the document's functions.
#[derive(Debug, Default)]
pub struct DocumentTypes {
    /// Parameters, abilities and bound names.
    pub locals: Vec<LocalType>,
    /// Every expression that checked, with its type.
    pub exprs: Vec<ExprType>,
}

impl DocumentTypes {
    /// The innermost checked expression around `offset`, if any.
    pub fn expr_at(&self, offset: usize) -> Option<&ExprType> {
        self.exprs
            .iter()
            .filter(|e| e.span.start as usize <= offset && offset < e.span.end as usize)
            .min_by_key(|e| e.span.end - e.span.start)
    }
}

/// The locals and expressions of every function defined in the document (file 0). The program
/// is consumed so that each function is freed once read, while the lists of types grow.
pub fn of_document(program: Program) -> DocumentTypes {
    let mut types = DocumentTypes::default();
    for func in program.functions.into_iter().filter(|f| f.file == 0) {
        func.params.iter().chain(&func.abilities).for_each(|b| types.bind(b));
        types.block(&func.body);
    }
    // Both lists are kept while the document is open: no room to grow.
    types.locals.shrink_to_fit();
    types.exprs.shrink_to_fit();
    types
}

impl DocumentTypes {
    fn bind(&mut self, binding: &Binding) {
        self.locals.push(LocalType {
            name: binding.name.clone(),
            span: binding.span,
            ty: SmolStr::new(binding.ty.to_string()),
        });
    }

    fn block(&mut self, block: &Block) {
        for stmt in &block.stmts {
            self.stmt(stmt);
        }
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Call { results, call } => {
                self.expr(call);
                for result in results {
                    if let ResultTarget::Bind(binding) = result {
                        self.bind(binding);
                    }
                }
            }
            StmtKind::Assign { value, .. } => {
                self.expr(value);
                if let Some(binding) = stmt.kind.assigned() {
                    self.bind(&binding);
                }
            }
            StmtKind::DeclareStream(binding) => self.bind(binding),
            StmtKind::Closure(closure) => {
                self.bind(&closure.binding);
                closure.params.iter().for_each(|b| self.bind(b));
                self.block(&closure.body);
            }
            StmtKind::On { peer, via, body } => {
                self.expr(peer);
                via.iter().for_each(|e| self.expr(e));
                self.block(body);
            }
            StmtKind::For { pattern, iterable, body, .. } => {
                self.expr(iterable);
                pattern.iter().for_each(|b| self.bind(b));
                self.block(body);
            }
            StmtKind::ParSeq(parseq) => {
                let aqua_typecheck::tast::ParSeq { pattern, iterable, peer, via, body } = &**parseq;
                self.expr(iterable);
                pattern.iter().for_each(|b| self.bind(b));
                self.expr(peer);
                via.iter().for_each(|e| self.expr(e));
                self.block(body);
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.expr(cond);
                self.block(then_block);
                else_block.iter().for_each(|b| self.block(b));
            }
            StmtKind::Try { body, catch, otherwise } => {
                self.block(body);
                if let Some((binding, catch_block)) = catch.as_deref() {
                    self.bind(binding);
                    self.block(catch_block);
                }
                otherwise.iter().for_each(|b| self.block(b));
            }
            StmtKind::Otherwise { attempt, fallback } => {
                self.stmt(attempt);
                self.block(fallback);
            }
            StmtKind::Par(branches) => branches.iter().for_each(|b| self.stmt(b)),
            StmtKind::Co(inner) => self.stmt(inner),
            StmtKind::Return(values) | StmtKind::Join(values) => {
                values.iter().for_each(|e| self.expr(e))
            }
            StmtKind::ServiceId { id, .. } => self.expr(id),
            StmtKind::Push { key, value, .. } => {
                key.iter().for_each(|e| self.expr(e));
                self.expr(value);
            }
            StmtKind::Error => {}
        }
    }

    /// Records `expr` and everything in it; expressions that failed to check are left out.
    fn expr(&mut self, expr: &Expr) {
        if matches!(expr.ty, Type::Error) || matches!(expr.kind, ExprKind::Error) {
            return;
        }
        self.exprs.push(ExprType { span: expr.span, ty: expr.ty.clone() });
        match &expr.kind {
            ExprKind::Literal(_)
            | ExprKind::Builtin(_)
            | ExprKind::Const { .. }
            | ExprKind::Local { .. }
            | ExprKind::Func(_)
            | ExprKind::Error => {}
            ExprKind::Service { id, .. } | ExprKind::Method { id, .. } => self.expr(id),
            ExprKind::Call { list, .. } => list.iter().for_each(|e| self.expr(e)),
            ExprKind::Field(member) => self.expr(&member.base),
            ExprKind::Length(base) | ExprKind::Bang { base, .. } | ExprKind::Not(base) => {
                self.expr(base)
            }
            ExprKind::Index { base, index } => {
                self.expr(base);
                self.expr(index);
            }
            ExprKind::Collection { elems, .. } => elems.iter().for_each(|e| self.expr(e)),
            ExprKind::Binary(binary) => {
                self.expr(&binary.lhs);
                self.expr(&binary.rhs);
            }
            ExprKind::MakeStruct { fields, .. } | ExprKind::MakeAbility { fields } => {
                fields.iter().for_each(|e| self.expr(e))
            }
            ExprKind::Copy(copy) => {
                self.expr(&copy.base);
                copy.fields.iter().for_each(|(_, e)| self.expr(e));
            }
            ExprKind::MapCall(call) => {
                self.expr(&call.map);
                call.args.iter().for_each(|e| self.expr(e));
            }
        }
    }
}
