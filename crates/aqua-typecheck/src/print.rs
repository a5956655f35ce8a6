//! A compact text form of the typed program, for snapshots and debugging.
//!
//! Locals print as `name/id`, functions as `name#id`, services with the id expression in force
//! (`Srv#0["srv"]`); every call and binding shows its type. It is read by people only: nothing
//! parses it back.

use std::fmt::Write;

use crate::tast::{
    Block, BuiltinConst, ClosureDef, Expr, ExprKind, Func, Literal, Operands, Program,
    ResultTarget, Stmt, StmtKind,
};

/// Prints every function of the entry module with its body.
pub fn program(program: &Program) -> String {
    let mut printer = Printer { program, out: String::new(), depth: 0 };
    for func in program.functions.iter().filter(|f| Some(f.module) == program.entry) {
        printer.func(func);
    }
    printer.out
}

struct Printer<'p> {
    program: &'p Program,
    out: String,
    depth: usize,
}

impl Printer<'_> {
    fn line(&mut self, text: &str) {
        let _ = writeln!(self.out, "{:indent$}{text}", "", indent = self.depth * 2);
    }

    fn func(&mut self, func: &Func) {
        let abilities: Vec<String> =
            func.abilities.iter().map(|b| format!("{}/{}: {}", b.name, b.local.0, b.ty)).collect();
        let params: Vec<String> =
            func.params.iter().map(|b| format!("{}/{}: {}", b.name, b.local.0, b.ty)).collect();
        let results: Vec<String> = func.ty.results.iter().map(ToString::to_string).collect();
        let abilities = if abilities.is_empty() {
            String::new()
        } else {
            format!("{{{}}}", abilities.join(", "))
        };
        self.line(&format!(
            "func {}#{}{abilities}({}) -> ({})",
            func.name,
            func.id.0,
            params.join(", "),
            results.join(", ")
        ));
        self.block(&func.body);
    }

    fn block(&mut self, block: &Block) {
        self.depth += 1;
        for stmt in &block.stmts {
            self.stmt(stmt);
        }
        self.depth -= 1;
    }

    fn nested(&mut self, head: &str, block: &Block) {
        self.line(head);
        self.block(block);
    }

    fn stmt(&mut self, stmt: &Stmt) {
        match &stmt.kind {
            StmtKind::Call { results, call } => {
                let targets: Vec<String> = results.iter().map(target).collect();
                let call = self.expr(call);
                match targets.is_empty() {
                    true => self.line(&call),
                    false => self.line(&format!("{} <- {call}", targets.join(", "))),
                }
            }
            StmtKind::Assign { value, .. } => {
                let Some(binding) = stmt.kind.assigned() else { return };
                let value = self.expr(value);
                self.line(&format!(
                    "{}/{}: {} = {value}",
                    binding.name, binding.local.0, binding.ty
                ));
            }
            StmtKind::Return(values) => {
                let values: Vec<String> = values.iter().map(|v| self.expr(v)).collect();
                self.line(&format!("<- {}", values.join(", ")));
            }
            StmtKind::ServiceId { service, id } => {
                let id = self.expr(id);
                self.line(&format!("service-id {} {id}", self.service_name(service.0)));
            }
            StmtKind::Push { name, target, key, value } => {
                let key = key.as_ref().map(|k| format!("{}, ", self.expr(k))).unwrap_or_default();
                let value = self.expr(value);
                self.line(&format!("{name}/{} <<- {key}{value}", target.0));
            }
            StmtKind::DeclareStream(binding) => {
                self.line(&format!("{}/{}: {}", binding.name, binding.local.0, binding.ty));
            }
            StmtKind::Closure(closure) => {
                let ClosureDef { binding, detached, body, .. } = &**closure;
                let kind = if *detached { "func closure" } else { "closure" };
                let head =
                    format!("{}/{}: {} = {kind}:", binding.name, binding.local.0, binding.ty);
                self.nested(&head, body);
            }
            StmtKind::On { peer, via, body } => {
                let via: Vec<String> =
                    via.iter().map(|v| format!(" via {}", self.expr(v))).collect();
                let head = format!("on {}{}:", self.expr(peer), via.concat());
                self.nested(&head, body);
            }
            StmtKind::For { pattern, iterable, mode, body } => {
                let names: Vec<String> =
                    pattern.iter().map(|b| format!("{}/{}: {}", b.name, b.local.0, b.ty)).collect();
                let mode = mode.map(|m| format!(" {m:?}").to_lowercase()).unwrap_or_default();
                let head = format!("for {} <- {}{mode}:", names.join(", "), self.expr(iterable));
                self.nested(&head, body);
            }
            StmtKind::ParSeq(parseq) => {
                let crate::tast::ParSeq { pattern, iterable, peer, body, .. } = &**parseq;
                let names: Vec<String> =
                    pattern.iter().map(|b| format!("{}/{}", b.name, b.local.0)).collect();
                let head = format!(
                    "parseq {} <- {} on {}:",
                    names.join(", "),
                    self.expr(iterable),
                    self.expr(peer)
                );
                self.nested(&head, body);
            }
            StmtKind::If { cond, then_block, else_block } => {
                let head = format!("if {}:", self.expr(cond));
                self.nested(&head, then_block);
                if let Some(block) = else_block {
                    self.nested("else:", block);
                }
            }
            StmtKind::Try { body, catch, otherwise } => {
                self.nested("try:", body);
                if let Some((binding, block)) = catch.as_deref() {
                    self.nested(&format!("catch {}/{}:", binding.name, binding.local.0), block);
                }
                if let Some(block) = otherwise {
                    self.nested("otherwise:", block);
                }
            }
            StmtKind::Otherwise { attempt, fallback } => {
                self.stmt(attempt);
                self.nested("otherwise:", fallback);
            }
            StmtKind::Par(branches) => {
                self.line("par:");
                self.depth += 1;
                branches.iter().for_each(|b| self.stmt(b));
                self.depth -= 1;
            }
            StmtKind::Co(inner) => {
                self.line("co:");
                self.depth += 1;
                self.stmt(inner);
                self.depth -= 1;
            }
            StmtKind::Join(values) => {
                let values: Vec<String> = values.iter().map(|v| self.expr(v)).collect();
                self.line(&format!("join {}", values.join(", ")));
            }
            StmtKind::Error => self.line("<error>"),
        }
    }

    fn service_name(&self, index: u32) -> String {
        let name = self.program.services.get(index as usize).map(|s| s.name.as_str());
        format!("{}#{index}", name.unwrap_or("?"))
    }

    fn expr(&self, expr: &Expr) -> String {
        match &expr.kind {
            ExprKind::Literal(literal) => literal_text(literal),
            ExprKind::Builtin(builtin) => builtin_name(*builtin).to_string(),
            ExprKind::Const { id, value } => {
                let name = self.program.constants.get(id.0 as usize).map(|c| c.name.as_str());
                format!("{}={}", name.unwrap_or("?"), literal_text(value))
            }
            ExprKind::Local { local, name } => format!("{name}/{}", local.0),
            ExprKind::Func(id) => {
                let name = self.program.functions.get(id.0 as usize).map(|f| f.name.as_str());
                format!("{}#{}", name.unwrap_or("?"), id.0)
            }
            ExprKind::Service { service, id } => {
                format!("{}[{}]", self.service_name(service.0), self.expr(id))
            }
            ExprKind::Method { service, method, id } => {
                let name = self.program.method_name(*service, *method).map_or("?", |n| n.as_str());
                format!("{}[{}].{name}", self.service_name(service.0), self.expr(id))
            }
            ExprKind::Call { list, abilities } => {
                let operands = Operands::new(list, *abilities);
                let callee = operands.callee();
                let abilities: Vec<String> =
                    operands.abilities().iter().map(|a| self.expr(a)).collect();
                let args: Vec<String> = operands.args().iter().map(|a| self.expr(a)).collect();
                let abilities = match abilities.is_empty() {
                    true => String::new(),
                    false => format!("{{{}}}", abilities.join(", ")),
                };
                format!("{}{abilities}({}): {}", self.expr(callee), args.join(", "), expr.ty)
            }
            ExprKind::Field(member) => format!("{}.{}", self.expr(&member.base), member.name),
            ExprKind::Length(base) => format!("{}.length", self.expr(base)),
            ExprKind::Index { base, index } => format!("{}[{}]", self.expr(base), self.expr(index)),
            ExprKind::Bang { base, index } => format!("{}!{index}", self.expr(base)),
            ExprKind::Collection { kind, elems } => {
                let elems: Vec<String> = elems.iter().map(|e| self.expr(e)).collect();
                format!("{kind:?}[{}]: {}", elems.join(", "), expr.ty)
            }
            ExprKind::Not(inner) => format!("!{}", self.expr(inner)),
            ExprKind::Binary(binary) => {
                let (lhs, rhs) = (self.expr(&binary.lhs), self.expr(&binary.rhs));
                format!("({lhs} {} {rhs}): {}", binary.op.symbol(), expr.ty)
            }
            ExprKind::MakeStruct { .. } => {
                let name = expr.struct_type().map_or("?", |ty| ty.name.as_str());
                format!("{name}({})", self.fields(expr.named_fields()))
            }
            ExprKind::MakeAbility { .. } => {
                format!("{}({})", expr.ty, self.fields(expr.named_fields()))
            }
            ExprKind::Copy(copy) => {
                let fields = copy.fields.iter().map(|(name, value)| (name, value));
                format!("{}.copy({})", self.expr(&copy.base), self.fields(fields))
            }
            ExprKind::MapCall(call) => {
                let crate::tast::MapCall { map, method, args } = &**call;
                let args: Vec<String> = args.iter().map(|a| self.expr(a)).collect();
                format!("{}.{method:?}({}): {}", self.expr(map), args.join(", "), expr.ty)
            }
            ExprKind::Error => "<error>".to_string(),
        }
    }

    fn fields<'e>(
        &self,
        fields: impl Iterator<Item = (&'e smol_str::SmolStr, &'e Expr)>,
    ) -> String {
        let fields: Vec<String> =
            fields.map(|(name, value)| format!("{name} = {}", self.expr(value))).collect();
        fields.join(", ")
    }
}

fn target(target: &ResultTarget) -> String {
    match target {
        ResultTarget::Bind(b) => format!("{}/{}: {}", b.name, b.local.0, b.ty),
        ResultTarget::Push { stream, name } => format!("push {name}/{}", stream.0),
        ResultTarget::Insert { map, name } => format!("insert {name}/{}", map.0),
    }
}

fn literal_text(literal: &Literal) -> String {
    match literal {
        Literal::Bool(b) => b.to_string(),
        Literal::Int(text) | Literal::Float(text) => text.clone(),
        Literal::String(text) => format!("\"{text}\""),
    }
}

fn builtin_name(builtin: BuiltinConst) -> &'static str {
    match builtin {
        BuiltinConst::InitPeerId => "INIT_PEER_ID",
        BuiltinConst::HostPeerId => "HOST_PEER_ID",
        BuiltinConst::ParticleTtl => "PARTICLE_TTL",
        BuiltinConst::ParticleTimestamp => "PARTICLE_TIMESTAMP",
        BuiltinConst::Nil => "nil",
        BuiltinConst::LastError => "LAST_ERROR",
    }
}
