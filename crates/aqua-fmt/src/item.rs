//! The module level: the header line, `import` / `use` / `export` lines in the order written, and
//! the definitions, with one blank line around every definition that has a block.

use std::borrow::Cow;

use aqua_syntax::ast::*;

use crate::doc::Doc;
use crate::expr::{Exprs, abilities_text, qualified_text, results_text, type_text};
use crate::printer::{Blank, Printer};
use crate::stmt::block;

/// Writes a whole module.
pub fn module<'a>(printer: &mut Printer<'a>, module: &'a Module) {
    let mut started = false;
    if let Some(header) = &module.header {
        let doc = Doc::Text(Cow::Owned(header_text(header)));
        printer.line(header.span.start, header.span.end, "", &doc, Blank::Never);
        started = true;
    }
    for (idx, item) in module.header_items.iter().enumerate() {
        // The first import after the header line gets a blank line; the others keep the author's.
        let blank = match (started, idx) {
            (false, _) => Blank::Never,
            (true, 0) => Blank::Always,
            _ => Blank::Keep,
        };
        let doc = Doc::Text(Cow::Owned(header_item_text(item)));
        let span = header_item_span(item);
        printer.line(span.start, span.end, "", &doc, blank);
        started = true;
    }
    let mut previous_has_block = true;
    for item in &module.items {
        let has_block = !matches!(item, Item::Const(_) | Item::Alias(_) | Item::Error(_));
        let blank = if !started {
            Blank::Never
        } else if has_block || previous_has_block {
            Blank::Always
        } else {
            Blank::Keep
        };
        definition(printer, item, blank);
        previous_has_block = has_block;
        started = true;
    }
}

fn definition<'a>(printer: &mut Printer<'a>, item: &'a Item, blank: Blank) {
    let exprs = Exprs { src: printer.src() };
    match item {
        Item::Const(def) => {
            let eq = if def.overridable { " ?= " } else { " = " };
            let doc = Doc::Concat(vec![
                Doc::text("const "),
                Doc::text(&def.name.name),
                Doc::text(eq),
                exprs.expr(&def.value),
            ]);
            printer.line(def.span.start, def.span.end, "", &doc, blank);
        }
        Item::Alias(def) => {
            let doc =
                Doc::Text(Cow::Owned(format!("alias {}: {}", def.name.name, type_text(&def.ty))));
            printer.line(def.span.start, def.span.end, "", &doc, blank);
        }
        Item::Data(def) => {
            let doc = Doc::Text(Cow::Owned(format!("data {}:", def.name.name)));
            members(printer, def.span.start, &doc, &def.fields, blank);
        }
        Item::Service(def) => {
            let mut docs = vec![Doc::text("service "), Doc::text(&def.name.name)];
            if let Some(id) = &def.default_id {
                docs.extend([Doc::text("("), exprs.expr(id), Doc::text(")")]);
            }
            docs.push(Doc::text(":"));
            members(printer, def.span.start, &Doc::Concat(docs), &def.methods, blank);
        }
        Item::Ability(def) => {
            let doc = Doc::Text(Cow::Owned(format!("ability {}:", def.name.name)));
            members(printer, def.span.start, &doc, &def.members, blank);
        }
        Item::Func(def) => {
            let doc = Doc::Concat(vec![
                Doc::text("func "),
                Doc::text(&def.name.name),
                exprs.signature(&def.signature),
                Doc::text(":"),
            ]);
            let header_end = printer.token_end_before(def.body.span.start);
            printer.line(def.span.start, header_end, "", &doc, blank);
            block(printer, &def.body);
        }
        Item::Error(span) => {
            // Not reached: files with syntax errors are not formatted. Kept as written.
            let doc = Doc::text(&printer.src()[span.range()]);
            printer.line(span.start, span.end, "", &doc, blank);
        }
    }
}

/// A `data`, `service` or `ability` header line and its members, one per line.
fn members<'a>(
    printer: &mut Printer<'a>,
    start: u32,
    header: &Doc<'_>,
    fields: &'a [Field],
    blank: Blank,
) {
    let header_end = fields.first().map_or(start, |f| printer.token_end_before(f.span.start));
    printer.line(start, header_end, "", header, blank);
    let Some(first) = fields.first() else { return };
    let column = aqua_column(printer.src(), first.span.start);
    printer.nested(|printer| {
        let exprs = Exprs { src: printer.src() };
        for (idx, field) in fields.iter().enumerate() {
            let blank = if idx == 0 { Blank::Never } else { Blank::Keep };
            let doc = member(exprs, field);
            printer.line(field.span.start, field.span.end, "", &doc, blank);
        }
        printer.block_end_comments(column);
    });
}

/// One member: `name: Type`, or a method `name{Ab}(a: A) -> R` when its arguments are named.
fn member<'a>(exprs: Exprs<'a>, field: &'a Field) -> Doc<'a> {
    if let TypeKind::Arrow(arrow) = &field.ty.kind
        && arrow.args.iter().all(|arg| arg.name.is_some())
    {
        let mut docs = vec![Doc::text(&field.name.name)];
        if !arrow.abilities.is_empty() {
            docs.push(Doc::Text(Cow::Owned(abilities_text(&arrow.abilities))));
        }
        let params = arrow
            .args
            .iter()
            .map(|arg| {
                let name = arg.name.as_ref().map_or("", |n| n.name.as_str());
                Doc::Text(Cow::Owned(format!("{name}: {}", type_text(&arg.ty))))
            })
            .collect();
        docs.push(crate::expr::list("(", params, ")"));
        if !arrow.results.is_empty() {
            docs.push(Doc::Text(Cow::Owned(format!(" -> {}", results_text(&arrow.results)))));
        }
        return Doc::Concat(docs);
    }
    let _ = exprs;
    Doc::Text(Cow::Owned(format!("{}: {}", field.name.name, type_text(&field.ty))))
}

fn header_text(header: &ModuleHeader) -> String {
    let keyword = match header.keyword {
        HeaderKeyword::Aqua => "aqua",
        HeaderKeyword::Module => "module",
    };
    let mut text = format!("{keyword} {}", qualified_text(&header.name));
    match &header.declares {
        None => {}
        Some(Declares::All(_)) => text.push_str(" declares *"),
        Some(Declares::Names(names)) => {
            text.push_str(" declares ");
            text.push_str(&join(names.iter().map(qualified_text)));
        }
    }
    text
}

fn header_item_text(item: &HeaderItem) -> String {
    let names = |names: &[ImportName]| join(names.iter().map(import_name_text));
    let alias = |alias: &Option<QualifiedName>| {
        alias.as_ref().map(|a| format!(" as {}", qualified_text(a))).unwrap_or_default()
    };
    match item {
        HeaderItem::Import { path, .. } => format!("import \"{}\"", path.value),
        HeaderItem::ImportFrom { names: list, path, .. } => {
            format!("import {} from \"{}\"", names(list), path.value)
        }
        HeaderItem::Use { path, alias: name, .. } => {
            format!("use \"{}\"{}", path.value, alias(name))
        }
        HeaderItem::UseFrom { names: list, path, alias: name, .. } => {
            format!("use {} from \"{}\"{}", names(list), path.value, alias(name))
        }
        HeaderItem::Export { names: list, .. } => format!("export {}", names(list)),
    }
}

fn header_item_span(item: &HeaderItem) -> aqua_syntax::Span {
    match item {
        HeaderItem::Import { span, .. }
        | HeaderItem::ImportFrom { span, .. }
        | HeaderItem::Use { span, .. }
        | HeaderItem::UseFrom { span, .. }
        | HeaderItem::Export { span, .. } => *span,
    }
}

fn import_name_text(name: &ImportName) -> String {
    match &name.alias {
        Some(alias) => format!("{} as {}", qualified_text(&name.name), qualified_text(alias)),
        None => qualified_text(&name.name),
    }
}

fn join(parts: impl Iterator<Item = String>) -> String {
    parts.collect::<Vec<_>>().join(", ")
}

/// The source column of `offset`: where a block's first line starts.
pub fn aqua_column(src: &str, offset: u32) -> usize {
    crate::trivia::column_of(src, offset)
}
