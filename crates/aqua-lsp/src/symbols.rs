//! What the syntax tree tells about names: the definitions of a file (for the outline, hover and
//! go to definition), the local names a function binds before a position, and the identifier
//! under the cursor.

use aqua_syntax::Span;
use aqua_syntax::ast::*;
use aqua_syntax::token::RawToken;
use logos::Logos;

/// A top-level definition.
#[derive(Debug, Clone, Copy)]
pub struct Definition<'a> {
    /// Its name.
    pub name: &'a Ident,
    /// The whole definition.
    pub span: Span,
    /// What it defines.
    pub kind: DefinitionKind<'a>,
}

/// The kinds of definitions, with their members.
#[derive(Debug, Clone, Copy)]
pub enum DefinitionKind<'a> {
    /// `func`
    Func(&'a FuncDef),
    /// `service`, with its methods.
    Service(&'a [Field]),
    /// `ability`, with its members.
    Ability(&'a [Field]),
    /// `data`, with its fields.
    Data(&'a [Field]),
    /// `alias`
    Alias,
    /// `const`
    Const,
}

impl<'a> Definition<'a> {
    /// The members of a service, ability or data type.
    pub fn members(&self) -> &'a [Field] {
        match self.kind {
            DefinitionKind::Service(fields)
            | DefinitionKind::Ability(fields)
            | DefinitionKind::Data(fields) => fields,
            _ => &[],
        }
    }

    /// The keyword that introduces it.
    pub fn keyword(&self) -> &'static str {
        match self.kind {
            DefinitionKind::Func(_) => "func",
            DefinitionKind::Service(_) => "service",
            DefinitionKind::Ability(_) => "ability",
            DefinitionKind::Data(_) => "data",
            DefinitionKind::Alias => "alias",
            DefinitionKind::Const => "const",
        }
    }
}

/// The definitions of a module, in source order.
pub fn definitions(module: &Module) -> Vec<Definition<'_>> {
    module
        .items
        .iter()
        .filter_map(|item| {
            let (name, span, kind) = match item {
                Item::Func(def) => (&def.name, def.span, DefinitionKind::Func(def)),
                Item::Service(def) => (&def.name, def.span, DefinitionKind::Service(&def.methods)),
                Item::Ability(def) => (&def.name, def.span, DefinitionKind::Ability(&def.members)),
                Item::Data(def) => (&def.name, def.span, DefinitionKind::Data(&def.fields)),
                Item::Alias(def) => (&def.name, def.span, DefinitionKind::Alias),
                Item::Const(def) => (&def.name, def.span, DefinitionKind::Const),
                Item::Error(_) => return None,
            };
            Some(Definition { name, span, kind })
        })
        .collect()
}

/// A local name: a parameter or a name bound by a statement.
#[derive(Debug, Clone)]
pub struct Local<'a> {
    /// The name where it is bound.
    pub name: &'a Ident,
    /// Its written type, for parameters and declared streams.
    pub ty: Option<&'a TypeExpr>,
    /// The statement or parameter that binds it.
    pub span: Span,
}

/// The function whose definition contains `offset`.
pub fn enclosing_func(module: &Module, offset: u32) -> Option<&FuncDef> {
    module.items.iter().find_map(|item| match item {
        Item::Func(def) if def.span.start <= offset && offset <= def.span.end => Some(def),
        _ => None,
    })
}

/// The locals of `func` bound before `offset`, in order (later ones shadow earlier ones).
pub fn locals_before(func: &FuncDef, offset: u32) -> Vec<Local<'_>> {
    let mut locals: Vec<Local<'_>> = func
        .signature
        .params
        .iter()
        .map(|p| Local { name: &p.name, ty: Some(&p.ty), span: p.span })
        .collect();
    block_locals(&func.body, offset, &mut locals);
    locals
}

fn block_locals<'a>(block: &'a Block, offset: u32, locals: &mut Vec<Local<'a>>) {
    for stmt in &block.stmts {
        if stmt.span.start > offset {
            break;
        }
        stmt_locals(stmt, offset, locals);
    }
}

fn stmt_locals<'a>(stmt: &'a Stmt, offset: u32, locals: &mut Vec<Local<'a>>) {
    let span = stmt.span;
    let mut bind =
        |name: &'a Ident, ty: Option<&'a TypeExpr>| locals.push(Local { name, ty, span });
    match &stmt.kind {
        StmtKind::Call { results, .. } => results.iter().for_each(|r| bind(r, None)),
        StmtKind::Assign { name, .. } => bind(name, None),
        StmtKind::DeclareStream { name, ty } => bind(name, Some(ty)),
        StmtKind::Closure { name, signature, body, .. } => {
            bind(name, None);
            if body.span.start <= offset && offset <= body.span.end {
                for param in &signature.params {
                    locals.push(Local { name: &param.name, ty: Some(&param.ty), span: param.span });
                }
                block_locals(body, offset, locals);
            }
        }
        StmtKind::For { pattern, body, .. } | StmtKind::ParSeq { pattern, body, .. } => {
            match pattern {
                ForPattern::Single(name) => bind(name, None),
                ForPattern::Pair(key, value) => {
                    bind(key, None);
                    bind(value, None);
                }
            }
            block_locals(body, offset, locals);
        }
        StmtKind::On { body, .. } => block_locals(body, offset, locals),
        StmtKind::If { then_block, else_block, .. } => {
            block_locals(then_block, offset, locals);
            if let Some(block) = else_block {
                block_locals(block, offset, locals);
            }
        }
        StmtKind::Try { body, catch, otherwise } => {
            block_locals(body, offset, locals);
            if let Some(catch) = catch {
                locals.push(Local { name: &catch.name, ty: None, span: catch.span });
                block_locals(&catch.body, offset, locals);
            }
            if let Some(block) = otherwise {
                block_locals(block, offset, locals);
            }
        }
        StmtKind::Otherwise { attempt, fallback } => {
            stmt_locals(attempt, offset, locals);
            block_locals(fallback, offset, locals);
        }
        StmtKind::Par(branches) => branches.iter().for_each(|b| stmt_locals(b, offset, locals)),
        StmtKind::Co(inner) => stmt_locals(inner, offset, locals),
        StmtKind::Return(_)
        | StmtKind::ServiceId { .. }
        | StmtKind::Push { .. }
        | StmtKind::Join(_)
        | StmtKind::Error => {}
    }
}

/// The identifier under the cursor and, when it follows a dot, the name before the dot
/// (`Srv.call` gives `call` with qualifier `Srv`).
#[derive(Debug, Clone)]
pub struct NameAt<'s> {
    /// The identifier.
    pub name: &'s str,
    /// Its span.
    pub span: Span,
    /// The name before the dot, if any.
    pub qualifier: Option<&'s str>,
}

/// The identifier at `offset` (touching it from either side), if any.
pub fn name_at(text: &str, offset: usize) -> Option<NameAt<'_>> {
    let line_start = text[..offset.min(text.len())].rfind('\n').map_or(0, |idx| idx + 1);
    let line_end = text[line_start..].find('\n').map_or(text.len(), |idx| line_start + idx);
    let line = &text[line_start..line_end];
    let tokens: Vec<_> = RawToken::lexer(line).spanned().collect();
    let at = offset - line_start.min(offset);
    let idx = tokens
        .iter()
        .position(|(token, range)| is_name(token) && range.start <= at && at <= range.end)?;
    let (_, range) = &tokens[idx];
    let qualifier =
        match (idx.checked_sub(2).map(|i| &tokens[i]), idx.checked_sub(1).map(|i| &tokens[i])) {
            (Some((token, before)), Some((Ok(RawToken::Dot), _))) if is_name(token) => {
                Some(&line[before.clone()])
            }
            _ => None,
        };
    Some(NameAt {
        name: &line[range.clone()],
        span: Span::new(to_u32(line_start + range.start), to_u32(line_start + range.end)),
        qualifier,
    })
}

/// The name before a dot that ends just before `offset` (`Srv.` or `Srv.ca` with the cursor at
/// the end), for completion of members.
pub fn qualifier_before(text: &str, offset: usize) -> Option<&str> {
    let before = &text[..offset.min(text.len())];
    let partial = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_');
    let before_dot = partial.strip_suffix('.')?;
    let start = before_dot
        .char_indices()
        .rev()
        .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '_'))
        .map_or(0, |(idx, c)| idx + c.len_utf8());
    let name = &before_dot[start..];
    (!name.is_empty()).then_some(name)
}

fn is_name(token: &Result<RawToken<'_>, ()>) -> bool {
    matches!(token, Ok(RawToken::Lower(_) | RawToken::Upper(_)))
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
