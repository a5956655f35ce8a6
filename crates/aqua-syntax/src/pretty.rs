//! A compact outline of a syntax tree, for snapshots and `aqua parse`.
//!
//! Definitions and statements come one per line with their spans; expressions and types are
//! written as S-expressions, so the structure the parser chose is explicit.

use std::fmt::Write;

use crate::ast::*;

/// Prints `module` as an indented outline.
pub fn outline(module: &Module) -> String {
    let mut out = String::new();
    // Writing to a string cannot fail.
    let _ = write_outline(module, &mut out);
    out
}

/// Writes the outline of `module` to `out` line by line, so that a large tree's outline is never
/// held whole; stops at the first error `out` reports.
pub fn write_outline(module: &Module, out: &mut dyn Write) -> std::fmt::Result {
    let mut printer = Printer::new(out);
    printer.module(module);
    printer.finish()
}

/// Appends one part of an outline to `out`: a [`Part::Module`](crate::Part::Module) the module's
/// line and its header lines, a [`Part::Item`](crate::Part::Item) one definition. The parts of a
/// module in order make [`write_outline`]'s text.
pub fn write_part(part: &crate::Part, out: &mut String) {
    // The printer writes into `out` directly and never flushes: its sink takes nothing.
    let mut sink = String::new();
    let mut printer = Printer::new(&mut sink);
    printer.text = std::mem::take(out);
    printer.piece = usize::MAX;
    match part {
        crate::Part::Module(module) => printer.module_head(module),
        crate::Part::Item(item) => printer.nested(|p| p.item(item)),
    }
    *out = printer.text;
}

/// Prints one expression as an S-expression.
pub fn expr_to_string(expr: &Expr) -> String {
    let mut out = String::new();
    write_expr(&mut out, expr);
    out
}

/// Prints one type as an S-expression.
pub fn type_to_string(ty: &TypeExpr) -> String {
    let mut out = String::new();
    write_type(&mut out, ty);
    out
}

struct Printer<'w> {
    out: &'w mut dyn Write,
    depth: usize,
    /// Lines not yet written to `out`: they go once they reach `piece` bytes.
    text: String,
    piece: usize,
    /// The first error of `out`; no line is written after it.
    result: std::fmt::Result,
}

impl<'w> Printer<'w> {
    fn new(out: &'w mut dyn Write) -> Printer<'w> {
        Printer { out, depth: 0, text: String::new(), piece: 16 * 1024, result: Ok(()) }
    }

    /// Writes the lines held back; the printer's result.
    fn finish(mut self) -> std::fmt::Result {
        self.flush();
        self.result
    }

    fn flush(&mut self) {
        if self.result.is_ok() {
            self.result = self.out.write_str(&self.text);
        }
        self.text.clear();
    }

    /// Starts a line at the current depth; its text goes into the returned buffer and
    /// [`Printer::close`] ends it.
    fn open(&mut self) -> &mut String {
        const SPACES: &str = "                                                                ";
        let mut indent = self.depth * 2;
        while indent > 0 {
            let piece = indent.min(SPACES.len());
            self.text.push_str(&SPACES[..piece]);
            indent -= piece;
        }
        &mut self.text
    }

    /// Ends the open line with its span and writes it.
    fn close(&mut self, span: crate::Span) {
        self.text.push_str(" @");
        push_number(&mut self.text, span.start);
        self.text.push_str("..");
        push_number(&mut self.text, span.end);
        self.text.push('\n');
        if self.text.len() >= self.piece {
            self.flush();
        }
    }

    /// A line of fixed text.
    fn line(&mut self, text: &str, span: crate::Span) {
        self.open().push_str(text);
        self.close(span);
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn module(&mut self, module: &Module) {
        self.module_head(module);
        self.nested(|p| module.items.iter().for_each(|item| p.item(item)));
    }

    /// The module's line, then its header and header lines.
    fn module_head(&mut self, module: &Module) {
        self.line("module", module.span);
        self.nested(|p| {
            if let Some(header) = &module.header {
                let out = p.open();
                out.push_str(match header.keyword {
                    HeaderKeyword::Aqua => "aqua ",
                    HeaderKeyword::Module => "module ",
                });
                write_qualified(out, &header.name);
                match &header.declares {
                    None => {}
                    Some(Declares::All(_)) => out.push_str(" declares *"),
                    Some(Declares::Names(names)) => {
                        out.push_str(" declares ");
                        write_joined(out, names, write_qualified);
                    }
                }
                p.close(header.span);
            }
            for item in &module.header_items {
                p.header_item(item);
            }
        });
    }

    fn header_item(&mut self, item: &HeaderItem) {
        fn path(out: &mut String, path: &StringLit) {
            out.push('"');
            out.push_str(&path.value);
            out.push('"');
        }
        fn alias(out: &mut String, alias: &Option<QualifiedName>) {
            if let Some(alias) = alias {
                out.push_str(" as ");
                write_qualified(out, alias);
            }
        }
        let out = self.open();
        let span = match item {
            HeaderItem::Import { path: p, span } => {
                out.push_str("import ");
                path(out, p);
                span
            }
            HeaderItem::ImportFrom { names, path: p, span } => {
                out.push_str("import ");
                write_joined(out, names, write_import_name);
                out.push_str(" from ");
                path(out, p);
                span
            }
            HeaderItem::Use { path: p, alias: a, span } => {
                out.push_str("use ");
                path(out, p);
                alias(out, a);
                span
            }
            HeaderItem::UseFrom { names, path: p, alias: a, span } => {
                out.push_str("use ");
                write_joined(out, names, write_import_name);
                out.push_str(" from ");
                path(out, p);
                alias(out, a);
                span
            }
            HeaderItem::Export { names, span } => {
                out.push_str("export ");
                write_joined(out, names, write_import_name);
                span
            }
        };
        self.close(*span);
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Const(def) => {
                let out = self.open();
                out.push_str("const ");
                out.push_str(&def.name.name);
                out.push_str(if def.overridable { " ?= " } else { " = " });
                write_expr(out, &def.value);
                self.close(def.span);
            }
            Item::Alias(def) => {
                let out = self.open();
                out.push_str("alias ");
                out.push_str(&def.name.name);
                out.push_str(": ");
                write_type(out, &def.ty);
                self.close(def.span);
            }
            Item::Data(def) => {
                let out = self.open();
                out.push_str("data ");
                out.push_str(&def.name.name);
                self.close(def.span);
                self.fields(&def.fields);
            }
            Item::Service(def) => {
                let out = self.open();
                out.push_str("service ");
                out.push_str(&def.name.name);
                if let Some(id) = &def.default_id {
                    out.push_str(" (");
                    write_expr(out, id);
                    out.push(')');
                }
                self.close(def.span);
                self.fields(&def.methods);
            }
            Item::Ability(def) => {
                let out = self.open();
                out.push_str("ability ");
                out.push_str(&def.name.name);
                self.close(def.span);
                self.fields(&def.members);
            }
            Item::Func(def) => {
                let out = self.open();
                out.push_str("func ");
                out.push_str(&def.name.name);
                write_signature(out, &def.signature);
                self.close(def.span);
                self.block(&def.body);
            }
            Item::Error(span) => self.line("<error>", *span),
        }
    }

    fn fields(&mut self, fields: &[Field]) {
        self.nested(|p| {
            for field in fields {
                let out = p.open();
                out.push_str(&field.name.name);
                out.push_str(": ");
                write_type(out, &field.ty);
                p.close(field.span);
            }
        });
    }

    fn block(&mut self, block: &Block) {
        self.nested(|p| {
            for stmt in &block.stmts {
                p.stmt(stmt);
            }
        });
    }

    fn labelled_block(&mut self, label: &str, block: &Block) {
        self.nested(|p| {
            p.line(label, block.span);
            p.block(block);
        });
    }

    fn stmt(&mut self, stmt: &Stmt) {
        let span = stmt.span;
        match &stmt.kind {
            StmtKind::Call { results, call } => {
                let out = self.open();
                if !results.is_empty() {
                    write_joined(out, results, |out, result| out.push_str(&result.name));
                    out.push_str(" <- ");
                }
                write_expr(out, call);
                self.close(span);
            }
            StmtKind::Assign { name, value } => {
                let out = self.open();
                out.push_str(&name.name);
                out.push_str(" = ");
                write_expr(out, value);
                self.close(span);
            }
            StmtKind::Return(values) => {
                let out = self.open();
                out.push_str("<- ");
                write_joined(out, values, write_expr);
                self.close(span);
            }
            StmtKind::ServiceId { service, id } => {
                let out = self.open();
                out.push_str("service-id ");
                write_qualified(out, service);
                out.push(' ');
                write_expr(out, id);
                self.close(span);
            }
            StmtKind::Push { target, key, value } => {
                let out = self.open();
                out.push_str(&target.name);
                out.push_str(" <<- ");
                if let Some(key) = key {
                    write_expr(out, key);
                    out.push_str(", ");
                }
                write_expr(out, value);
                self.close(span);
            }
            StmtKind::DeclareStream { name, ty } => {
                let out = self.open();
                out.push_str(&name.name);
                out.push_str(": ");
                write_type(out, ty);
                self.close(span);
            }
            StmtKind::Closure { name, detached, signature, body } => {
                let out = self.open();
                out.push_str("closure ");
                out.push_str(&name.name);
                out.push_str(if *detached { " = func " } else { " = " });
                write_signature(out, signature);
                self.close(span);
                self.block(body);
            }
            StmtKind::On { peer, via, body } => {
                let out = self.open();
                out.push_str("on ");
                write_expr(out, peer);
                write_vias(out, via);
                self.close(span);
                self.block(body);
            }
            StmtKind::For { pattern, iterable, mode, body } => {
                let out = self.open();
                out.push_str("for ");
                write_for_pattern(out, pattern);
                out.push_str(" <- ");
                write_expr(out, iterable);
                out.push_str(match mode {
                    None => "",
                    Some(ForMode::Par) => " par",
                    Some(ForMode::Try) => " try",
                    Some(ForMode::Rec) => " rec",
                });
                self.close(span);
                self.block(body);
            }
            StmtKind::ParSeq { pattern, iterable, peer, via, body } => {
                let out = self.open();
                out.push_str("parseq ");
                write_for_pattern(out, pattern);
                out.push_str(" <- ");
                write_expr(out, iterable);
                out.push_str(" on ");
                write_expr(out, peer);
                write_vias(out, via);
                self.close(span);
                self.block(body);
            }
            StmtKind::If { cond, then_block, else_block } => {
                let out = self.open();
                out.push_str("if ");
                write_expr(out, cond);
                self.close(span);
                self.labelled_block("then", then_block);
                if let Some(block) = else_block {
                    self.labelled_block("else", block);
                }
            }
            StmtKind::Try { body, catch, otherwise } => {
                self.line("try", span);
                self.labelled_block("body", body);
                if let Some(clause) = catch {
                    self.labelled_block(&format!("catch {}", clause.name.name), &clause.body);
                }
                if let Some(block) = otherwise {
                    self.labelled_block("otherwise", block);
                }
            }
            StmtKind::Otherwise { attempt, fallback } => {
                self.line("attempt", span);
                self.nested(|p| p.stmt(attempt));
                self.labelled_block("otherwise", fallback);
            }
            StmtKind::Par(branches) => {
                self.line("par", span);
                self.nested(|p| branches.iter().for_each(|b| p.stmt(b)));
            }
            StmtKind::Co(inner) => {
                self.line("co", span);
                self.nested(|p| p.stmt(inner));
            }
            StmtKind::Join(values) => {
                let out = self.open();
                out.push_str("join ");
                write_joined(out, values, write_expr);
                self.close(span);
            }
            StmtKind::Error => self.line("<error>", span),
        }
    }
}

/// Appends a number in decimal, without the formatting machinery.
fn push_number(out: &mut String, number: u32) {
    out.push_str(itoa::Buffer::new().format(number));
}

/// Writes each of `items` with `write`, separated by commas.
fn write_joined<T>(out: &mut String, items: &[T], mut write: impl FnMut(&mut String, &T)) {
    for (idx, item) in items.iter().enumerate() {
        if idx > 0 {
            out.push_str(", ");
        }
        write(out, item);
    }
}

fn write_qualified(out: &mut String, name: &QualifiedName) {
    for (idx, part) in name.parts.iter().enumerate() {
        if idx > 0 {
            out.push('.');
        }
        out.push_str(&part.name);
    }
}

fn write_import_name(out: &mut String, item: &ImportName) {
    write_qualified(out, &item.name);
    if let Some(alias) = &item.alias {
        out.push_str(" as ");
        write_qualified(out, alias);
    }
}

fn write_vias(out: &mut String, via: &[Expr]) {
    for v in via {
        out.push_str(" via ");
        write_expr(out, v);
    }
}

fn write_for_pattern(out: &mut String, pattern: &ForPattern) {
    match pattern {
        ForPattern::Single(name) => out.push_str(&name.name),
        ForPattern::Pair(key, value) => {
            out.push_str(&key.name);
            out.push_str(", ");
            out.push_str(&value.name);
        }
    }
}

fn write_signature(out: &mut String, sig: &Signature) {
    write_abilities(out, &sig.abilities);
    out.push('(');
    write_joined(out, &sig.params, |out, param| {
        out.push_str(&param.name.name);
        out.push_str(": ");
        write_type(out, &param.ty);
    });
    out.push(')');
    if !sig.results.is_empty() {
        out.push_str(" -> ");
        write_joined(out, &sig.results, write_type);
    }
}

fn write_abilities(out: &mut String, abilities: &[QualifiedName]) {
    if !abilities.is_empty() {
        out.push('{');
        write_joined(out, abilities, write_qualified);
        out.push('}');
    }
}

fn write_type(out: &mut String, ty: &TypeExpr) {
    match &ty.kind {
        TypeKind::Scalar(scalar) => out.push_str(scalar.name()),
        TypeKind::Named(name) => write_qualified(out, name),
        TypeKind::Array(inner) => write_prefixed(out, "[]", inner),
        TypeKind::Option(inner) => write_prefixed(out, "?", inner),
        TypeKind::Stream(inner) => write_prefixed(out, "*", inner),
        TypeKind::StreamMap(inner) => write_prefixed(out, "%", inner),
        TypeKind::Top => out.push('⊤'),
        TypeKind::Bottom => out.push('⊥'),
        TypeKind::Arrow(arrow) => {
            out.push('(');
            write_abilities(out, &arrow.abilities);
            out.push('(');
            write_joined(out, &arrow.args, |out, arg| {
                if let Some(name) = &arg.name {
                    out.push_str(&name.name);
                    out.push_str(": ");
                }
                write_type(out, &arg.ty);
            });
            out.push_str(") -> ");
            if arrow.results.is_empty() {
                out.push_str("()");
            } else {
                write_joined(out, &arrow.results, write_type);
            }
            out.push(')');
        }
    }
}

fn write_prefixed(out: &mut String, prefix: &str, inner: &TypeExpr) {
    out.push_str(prefix);
    write_type(out, inner);
}

fn write_expr(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Literal(Literal::Bool(b)) => out.push_str(if *b { "true" } else { "false" }),
        ExprKind::Literal(Literal::Int(text) | Literal::Float(text)) => out.push_str(text),
        ExprKind::Literal(Literal::String(text)) => {
            out.push('"');
            out.push_str(text);
            out.push('"');
        }
        ExprKind::InitPeerId => out.push_str("%init_peer_id%"),
        ExprKind::Var(name) => out.push_str(&name.name),
        ExprKind::Call { callee, abilities: abs, args } => {
            out.push_str("(call ");
            write_expr(out, callee);
            if !abs.is_empty() {
                out.push(' ');
                write_abilities(out, abs);
            }
            for arg in args {
                out.push(' ');
                if let Some(name) = &arg.name {
                    out.push_str(&name.name);
                    out.push('=');
                }
                write_expr(out, &arg.value);
            }
            out.push(')');
        }
        ExprKind::Field { base, name } => {
            write_expr(out, base);
            out.push('.');
            out.push_str(&name.name);
        }
        ExprKind::Index { base, index } => {
            out.push_str("(index ");
            write_expr(out, base);
            out.push(' ');
            write_expr(out, index);
            out.push(')');
        }
        ExprKind::Bang { base, index } => {
            out.push_str("(! ");
            write_expr(out, base);
            if let Some(index) = index {
                let _ = write!(out, " {index}");
            }
            out.push(')');
        }
        ExprKind::Collection { kind, elems } => {
            out.push_str(match kind {
                CollectionKind::Array => "[",
                CollectionKind::Option => "?[",
                CollectionKind::Stream => "*[",
            });
            for (idx, elem) in elems.iter().enumerate() {
                if idx > 0 {
                    out.push(' ');
                }
                write_expr(out, elem);
            }
            out.push(']');
        }
        ExprKind::Not(operand) => {
            out.push_str("(not ");
            write_expr(out, operand);
            out.push(')');
        }
        ExprKind::Binary { op, lhs, rhs } => {
            out.push('(');
            out.push_str(op.symbol());
            out.push(' ');
            write_expr(out, lhs);
            out.push(' ');
            write_expr(out, rhs);
            out.push(')');
        }
        ExprKind::Error => out.push_str("<error>"),
    }
}
