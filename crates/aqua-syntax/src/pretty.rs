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
    let mut printer = Printer { out, depth: 0, result: Ok(()) };
    printer.module(module);
    printer.result
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
    /// The first error of `out`; no line is written after it.
    result: std::fmt::Result,
}

impl Printer<'_> {
    fn line(&mut self, text: &str, span: crate::Span) {
        if self.result.is_ok() {
            let indent = self.depth * 2;
            self.result = writeln!(self.out, "{:indent$}{text} @{span:?}", "");
        }
    }

    fn nested(&mut self, f: impl FnOnce(&mut Self)) {
        self.depth += 1;
        f(self);
        self.depth -= 1;
    }

    fn module(&mut self, module: &Module) {
        self.line("module", module.span);
        self.nested(|p| {
            if let Some(header) = &module.header {
                let keyword = match header.keyword {
                    HeaderKeyword::Aqua => "aqua",
                    HeaderKeyword::Module => "module",
                };
                let declares = match &header.declares {
                    None => String::new(),
                    Some(Declares::All(_)) => " declares *".into(),
                    Some(Declares::Names(names)) => {
                        format!(" declares {}", join(names.iter().map(qualified)))
                    }
                };
                p.line(&format!("{keyword} {}{declares}", qualified(&header.name)), header.span);
            }
            for item in &module.header_items {
                p.header_item(item);
            }
            for item in &module.items {
                p.item(item);
            }
        });
    }

    fn header_item(&mut self, item: &HeaderItem) {
        let imports = |names: &[ImportName]| join(names.iter().map(import_name));
        let alias = |a: &Option<QualifiedName>| {
            a.as_ref().map(|a| format!(" as {}", qualified(a))).unwrap_or_default()
        };
        match item {
            HeaderItem::Import { path, span } => {
                self.line(&format!("import \"{}\"", path.value), *span)
            }
            HeaderItem::ImportFrom { names, path, span } => {
                self.line(&format!("import {} from \"{}\"", imports(names), path.value), *span)
            }
            HeaderItem::Use { path, alias: a, span } => {
                self.line(&format!("use \"{}\"{}", path.value, alias(a)), *span)
            }
            HeaderItem::UseFrom { names, path, alias: a, span } => self.line(
                &format!("use {} from \"{}\"{}", imports(names), path.value, alias(a)),
                *span,
            ),
            HeaderItem::Export { names, span } => {
                self.line(&format!("export {}", imports(names)), *span)
            }
        }
    }

    fn item(&mut self, item: &Item) {
        match item {
            Item::Const(def) => {
                let op = if def.overridable { "?=" } else { "=" };
                self.line(
                    &format!("const {} {op} {}", def.name.name, expr_to_string(&def.value)),
                    def.span,
                )
            }
            Item::Alias(def) => self
                .line(&format!("alias {}: {}", def.name.name, type_to_string(&def.ty)), def.span),
            Item::Data(def) => {
                self.line(&format!("data {}", def.name.name), def.span);
                self.fields(&def.fields);
            }
            Item::Service(def) => {
                let id = def
                    .default_id
                    .as_ref()
                    .map(|id| format!(" ({})", expr_to_string(id)))
                    .unwrap_or_default();
                self.line(&format!("service {}{id}", def.name.name), def.span);
                self.fields(&def.methods);
            }
            Item::Ability(def) => {
                self.line(&format!("ability {}", def.name.name), def.span);
                self.fields(&def.members);
            }
            Item::Func(def) => {
                self.line(
                    &format!("func {}{}", def.name.name, signature(&def.signature)),
                    def.span,
                );
                self.block(&def.body);
            }
            Item::Error(span) => self.line("<error>", *span),
        }
    }

    fn fields(&mut self, fields: &[Field]) {
        self.nested(|p| {
            for field in fields {
                p.line(&format!("{}: {}", field.name.name, type_to_string(&field.ty)), field.span);
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
            StmtKind::Call { results, call } if results.is_empty() => {
                self.line(&expr_to_string(call), span)
            }
            StmtKind::Call { results, call } => {
                let names = join(results.iter().map(|r| r.name.to_string()));
                self.line(&format!("{names} <- {}", expr_to_string(call)), span)
            }
            StmtKind::Assign { name, value } => {
                self.line(&format!("{} = {}", name.name, expr_to_string(value)), span)
            }
            StmtKind::Return(values) => {
                self.line(&format!("<- {}", join(values.iter().map(expr_to_string))), span)
            }
            StmtKind::ServiceId { service, id } => self
                .line(&format!("service-id {} {}", qualified(service), expr_to_string(id)), span),
            StmtKind::Push { target, key: None, value } => {
                self.line(&format!("{} <<- {}", target.name, expr_to_string(value)), span)
            }
            StmtKind::Push { target, key: Some(key), value } => self.line(
                &format!("{} <<- {}, {}", target.name, expr_to_string(key), expr_to_string(value)),
                span,
            ),
            StmtKind::DeclareStream { name, ty } => {
                self.line(&format!("{}: {}", name.name, type_to_string(ty)), span)
            }
            StmtKind::Closure { name, detached, signature: sig, body } => {
                let func = if *detached { "func " } else { "" };
                self.line(&format!("closure {} = {func}{}", name.name, signature(sig)), span);
                self.block(body);
            }
            StmtKind::On { peer, via, body } => {
                self.line(&format!("on {}{}", expr_to_string(peer), vias(via)), span);
                self.block(body);
            }
            StmtKind::For { pattern, iterable, mode, body } => {
                let mode = match mode {
                    None => "",
                    Some(ForMode::Par) => " par",
                    Some(ForMode::Try) => " try",
                    Some(ForMode::Rec) => " rec",
                };
                self.line(
                    &format!("for {} <- {}{mode}", for_pattern(pattern), expr_to_string(iterable)),
                    span,
                );
                self.block(body);
            }
            StmtKind::ParSeq { pattern, iterable, peer, via, body } => {
                let header = format!(
                    "parseq {} <- {} on {}{}",
                    for_pattern(pattern),
                    expr_to_string(iterable),
                    expr_to_string(peer),
                    vias(via)
                );
                self.line(&header, span);
                self.block(body);
            }
            StmtKind::If { cond, then_block, else_block } => {
                self.line(&format!("if {}", expr_to_string(cond)), span);
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
                self.line(&format!("join {}", join(values.iter().map(expr_to_string))), span)
            }
            StmtKind::Error => self.line("<error>", span),
        }
    }
}

fn join(items: impl Iterator<Item = String>) -> String {
    items.collect::<Vec<_>>().join(", ")
}

fn qualified(name: &QualifiedName) -> String {
    name.parts.iter().map(|p| p.name.as_str()).collect::<Vec<_>>().join(".")
}

fn import_name(item: &ImportName) -> String {
    match &item.alias {
        Some(alias) => format!("{} as {}", qualified(&item.name), qualified(alias)),
        None => qualified(&item.name),
    }
}

fn vias(via: &[Expr]) -> String {
    via.iter().map(|v| format!(" via {}", expr_to_string(v))).collect()
}

fn for_pattern(pattern: &ForPattern) -> String {
    match pattern {
        ForPattern::Single(name) => name.name.to_string(),
        ForPattern::Pair(key, value) => format!("{}, {}", key.name, value.name),
    }
}

fn signature(sig: &Signature) -> String {
    let abilities = abilities(&sig.abilities);
    let params =
        join(sig.params.iter().map(|p| format!("{}: {}", p.name.name, type_to_string(&p.ty))));
    let results = results(&sig.results);
    format!("{abilities}({params}){results}")
}

fn abilities(abilities: &[QualifiedName]) -> String {
    if abilities.is_empty() {
        String::new()
    } else {
        format!("{{{}}}", join(abilities.iter().map(qualified)))
    }
}

fn results(results: &[TypeExpr]) -> String {
    if results.is_empty() {
        String::new()
    } else {
        format!(" -> {}", join(results.iter().map(type_to_string)))
    }
}

fn write_type(out: &mut String, ty: &TypeExpr) {
    match &ty.kind {
        TypeKind::Scalar(scalar) => out.push_str(scalar.name()),
        TypeKind::Named(name) => out.push_str(&qualified(name)),
        TypeKind::Array(inner) => write_prefixed(out, "[]", inner),
        TypeKind::Option(inner) => write_prefixed(out, "?", inner),
        TypeKind::Stream(inner) => write_prefixed(out, "*", inner),
        TypeKind::StreamMap(inner) => write_prefixed(out, "%", inner),
        TypeKind::Top => out.push('⊤'),
        TypeKind::Bottom => out.push('⊥'),
        TypeKind::Arrow(arrow) => {
            let args = join(arrow.args.iter().map(|arg| match &arg.name {
                Some(name) => format!("{}: {}", name.name, type_to_string(&arg.ty)),
                None => type_to_string(&arg.ty),
            }));
            let results = if arrow.results.is_empty() {
                "()".to_string()
            } else {
                join(arrow.results.iter().map(type_to_string))
            };
            let _ = write!(out, "({}({args}) -> {results})", abilities(&arrow.abilities));
        }
    }
}

fn write_prefixed(out: &mut String, prefix: &str, inner: &TypeExpr) {
    out.push_str(prefix);
    write_type(out, inner);
}

fn write_expr(out: &mut String, expr: &Expr) {
    match &expr.kind {
        ExprKind::Literal(Literal::Bool(b)) => {
            let _ = write!(out, "{b}");
        }
        ExprKind::Literal(Literal::Int(text) | Literal::Float(text)) => out.push_str(text),
        ExprKind::Literal(Literal::String(text)) => {
            let _ = write!(out, "\"{text}\"");
        }
        ExprKind::InitPeerId => out.push_str("%init_peer_id%"),
        ExprKind::Var(name) => out.push_str(&name.name),
        ExprKind::Call { callee, abilities: abs, args } => {
            out.push_str("(call ");
            write_expr(out, callee);
            if !abs.is_empty() {
                out.push(' ');
                out.push_str(&abilities(abs));
            }
            for arg in args {
                out.push(' ');
                if let Some(name) = &arg.name {
                    let _ = write!(out, "{}=", name.name);
                }
                write_expr(out, &arg.value);
            }
            out.push(')');
        }
        ExprKind::Field { base, name } => {
            write_expr(out, base);
            let _ = write!(out, ".{}", name.name);
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
            let _ = write!(out, "({} ", op.symbol());
            write_expr(out, lhs);
            out.push(' ');
            write_expr(out, rhs);
            out.push(')');
        }
        ExprKind::Error => out.push_str("<error>"),
    }
}
