//! The answers to editor requests on an analysed document: hover, go to definition, completion,
//! document symbols and formatting. Each answers what it can on a broken file.

use std::path::{Path, PathBuf};

use aqua_syntax::Span;
use aqua_syntax::ast::{Field, TypeKind};
use aqua_syntax::token::RawToken;
use aqua_typecheck::modules::normalize;
use logos::Logos;
use lsp_types::{
    CompletionItem, CompletionItemKind, DocumentSymbol, Hover, HoverContents, Location,
    MarkupContent, MarkupKind, ParameterInformation, ParameterLabel, SignatureHelp,
    SignatureInformation, SymbolKind, TextEdit, Url, WorkspaceEdit,
};

use crate::analysis::{Analysis, LoadedFile};
use crate::document::{Document, range_in};
use crate::symbols::{self, Definition, DefinitionKind};

/// What a name refers to: a span in one of the analysed files, and what to show on hover.
struct Target {
    /// Index into `Analysis::files`.
    file: usize,
    /// The name where it is defined.
    span: Span,
    /// Markdown for hover.
    hover: String,
    /// Whether it is a local of a function of the document (a parameter or a bound name).
    local: bool,
}

/// The hover text at `offset`: what the name there refers to, or else the type of the
/// innermost expression around it (a literal, an operation, a field access, an index, a call).
pub fn hover(analysis: &Analysis, document: &Document, offset: usize) -> Option<Hover> {
    // The mouse points at a character: a name just before it (as the cursor of completion is)
    // is not what is hovered.
    let on_name = analysis
        .files
        .first()
        .and_then(|file| symbols::name_at(&file.text, offset))
        .is_some_and(|name| offset < name.span.end as usize);
    let (value, span) = match resolve(analysis, offset).filter(|_| on_name) {
        Some((target, span)) => (target.hover, span),
        None => {
            let expr = analysis.types.expr_at(offset)?;
            let text = source_text(document.text(), expr.span);
            let text = if text.contains('\n') { "(expression)" } else { text };
            (format!("```aqua\n{text}: {}\n```", expr.ty), expr.span)
        }
    };
    Some(Hover {
        contents: HoverContents::Markup(MarkupContent { kind: MarkupKind::Markdown, value }),
        range: Some(document.range(span.start as usize, span.end as usize)),
    })
}

/// Where the name at `offset` is defined.
pub fn definition(analysis: &Analysis, document_uri: &Url, offset: usize) -> Option<Location> {
    let (target, _) = resolve(analysis, offset)?;
    let file = analysis.files.get(target.file)?;
    let uri = if target.file == 0 { document_uri.clone() } else { file.uri()? };
    let range = range_in(&file.text, target.span.start as usize, target.span.end as usize);
    Some(Location { uri, range })
}

/// Finds what the name at `offset` of the document (file 0) refers to, and the name's span.
fn resolve(analysis: &Analysis, offset: usize) -> Option<(Target, Span)> {
    let document = analysis.files.first()?;
    let name = symbols::name_at(&document.text, offset)?;
    if let Some(qualifier) = name.qualifier {
        let (file, definition) = find_definition(analysis, qualifier)?;
        let member = definition.members().iter().find(|m| m.name.name == name.name)?;
        let hover = member_hover(file, &definition, member);
        let index = file_index(analysis, file);
        return Some((
            Target { file: index, span: member.name.span, hover, local: false },
            name.span,
        ));
    }
    if let Some(func) = symbols::enclosing_func(document.module(), name.span.start) {
        let locals = symbols::locals_before(func, name.span.start);
        if let Some(local) = locals.iter().rev().find(|l| l.name.name == name.name) {
            let checked = analysis
                .types
                .locals
                .iter()
                .filter(|t| t.name == local.name.name && t.span.contains(local.name.span))
                .min_by_key(|t| t.span.end - t.span.start);
            let text = match (checked, local.ty) {
                (Some(checked), _) => format!("{}: {}", local.name.name, checked.ty),
                (None, Some(ty)) => {
                    format!("{}: {}", local.name.name, source_text(&document.text, ty.span))
                }
                (None, None) => first_line(source_text(&document.text, local.span)).to_string(),
            };
            let hover = format!("```aqua\n{text}\n```");
            return Some((
                Target { file: 0, span: local.name.span, hover, local: true },
                name.span,
            ));
        }
    }
    let (file, definition) = find_definition(analysis, name.name)?;
    let hover = definition_hover(file, &definition);
    let index = file_index(analysis, file);
    Some((Target { file: index, span: definition.name.span, hover, local: false }, name.span))
}

/// The definition named `name`, looked up in the document first, then in the loaded imports.
fn find_definition<'a>(
    analysis: &'a Analysis,
    name: &str,
) -> Option<(&'a LoadedFile, Definition<'a>)> {
    analysis.files.iter().find_map(|file| {
        symbols::definitions(file.module())
            .into_iter()
            .find(|d| d.name.name == name)
            .map(|d| (file, d))
    })
}

fn file_index(analysis: &Analysis, file: &LoadedFile) -> usize {
    analysis.files.iter().position(|f| std::ptr::eq(f, file)).unwrap_or(0)
}

fn definition_hover(file: &LoadedFile, definition: &Definition<'_>) -> String {
    let text = match definition.kind {
        DefinitionKind::Func(func) => {
            let comments = aqua_fmt::trivia::Comments::of(&file.text);
            let end =
                aqua_fmt::trivia::previous_token_end(&file.text, &comments, func.body.span.start);
            let header = file.text.get(definition.span.start as usize..end as usize).unwrap_or("");
            header.strip_suffix(':').unwrap_or(header).to_string()
        }
        _ => source_text(&file.text, definition.span).trim_end().to_string(),
    };
    with_doc(&text, doc_comment(&file.text, definition.span.start), &file.key)
}

fn member_hover(file: &LoadedFile, definition: &Definition<'_>, member: &Field) -> String {
    let text = format!(
        "{} {}:\n  {}",
        definition.keyword(),
        definition.name.name,
        source_text(&file.text, member.span)
    );
    with_doc(&text, doc_comment(&file.text, member.span.start), &file.key)
}

fn with_doc(code: &str, doc: String, key: &str) -> String {
    let mut hover = format!("```aqua\n{code}\n```");
    if !doc.is_empty() {
        hover.push_str("\n\n");
        hover.push_str(&doc);
    }
    if key.starts_with("stdlib:") {
        hover.push_str(&format!("\n\n*{key}* (embedded standard library)"));
    }
    hover
}

/// The comment lines directly above the line at `offset`, without their `--`.
fn doc_comment(text: &str, offset: u32) -> String {
    let line_start = text[..offset as usize].rfind('\n').map_or(0, |idx| idx + 1);
    let mut lines = Vec::new();
    for line in text[..line_start].lines().rev() {
        let Some(comment) = line.trim_start().strip_prefix("--") else { break };
        lines.push(comment.trim());
    }
    lines.reverse();
    lines.join("\n")
}

fn source_text(text: &str, span: Span) -> &str {
    text.get(span.start as usize..span.end as usize).unwrap_or("")
}

fn first_line(text: &str) -> &str {
    text.lines().next().unwrap_or("")
}

/// Completion at `offset`: the members of a service, ability or data type after `Name.`,
/// otherwise the local names, the definitions of the document and its imports, and keywords.
pub fn completion(analysis: &Analysis, offset: usize) -> Vec<CompletionItem> {
    let Some(document) = analysis.files.first() else { return Vec::new() };
    if let Some(qualifier) = symbols::qualifier_before(&document.text, offset) {
        // `Srv.` names a definition; `user.` a local whose checked type is a data type.
        let type_name = local_type_name(analysis, qualifier, offset);
        let found = find_definition(analysis, qualifier)
            .or_else(|| type_name.and_then(|name| find_definition(analysis, name)));
        let Some((file, definition)) = found else {
            return Vec::new();
        };
        return definition
            .members()
            .iter()
            .map(|member| CompletionItem {
                label: member.name.name.to_string(),
                kind: Some(if matches!(member.ty.kind, TypeKind::Arrow(_)) {
                    CompletionItemKind::METHOD
                } else {
                    CompletionItemKind::FIELD
                }),
                detail: Some(source_text(&file.text, member.span).to_string()),
                ..CompletionItem::default()
            })
            .collect();
    }
    let mut items = Vec::new();
    let mut seen = std::collections::HashSet::new();
    if let Some(func) = symbols::enclosing_func(document.module(), offset as u32) {
        for local in symbols::locals_before(func, offset as u32).iter().rev() {
            if seen.insert(local.name.name.to_string()) {
                items.push(item(&local.name.name, CompletionItemKind::VARIABLE, None));
            }
        }
    }
    for file in &analysis.files {
        for definition in symbols::definitions(file.module()) {
            if seen.insert(definition.name.name.to_string()) {
                let kind = match definition.kind {
                    DefinitionKind::Func(_) => CompletionItemKind::FUNCTION,
                    DefinitionKind::Service(_) => CompletionItemKind::MODULE,
                    DefinitionKind::Ability(_) => CompletionItemKind::INTERFACE,
                    DefinitionKind::Data(_) => CompletionItemKind::STRUCT,
                    DefinitionKind::Alias => CompletionItemKind::TYPE_PARAMETER,
                    DefinitionKind::Const => CompletionItemKind::CONSTANT,
                };
                items.push(item(&definition.name.name, kind, Some(definition.keyword())));
            }
        }
    }
    for keyword in KEYWORDS {
        items.push(item(keyword, CompletionItemKind::KEYWORD, None));
    }
    items
}

/// The name of the checked type of the local `name` bound last before `offset`, when it is a
/// named type (`User`, also a qualified `Lib.User`'s last part).
fn local_type_name<'a>(analysis: &'a Analysis, name: &str, offset: usize) -> Option<&'a str> {
    let local = analysis
        .types
        .locals
        .iter()
        .filter(|t| t.name == name && (t.span.start as usize) < offset)
        .max_by_key(|t| t.span.start)?;
    let ty = local.ty.rsplit('.').next().unwrap_or(local.ty.as_str());
    ty.chars().all(|c| c.is_ascii_alphanumeric() || c == '_').then_some(ty)
}

/// Keywords that start a statement or a definition.
const KEYWORDS: &[&str] = &[
    "on",
    "via",
    "for",
    "par",
    "co",
    "parseq",
    "join",
    "if",
    "else",
    "try",
    "catch",
    "otherwise",
    "func",
    "service",
    "data",
    "ability",
    "alias",
    "const",
    "import",
    "use",
    "export",
];

fn item(label: &str, kind: CompletionItemKind, detail: Option<&str>) -> CompletionItem {
    CompletionItem {
        label: label.to_string(),
        kind: Some(kind),
        detail: detail.map(str::to_string),
        ..CompletionItem::default()
    }
}

/// The outline of the document: its definitions, with members as children.
pub fn document_symbols(document: &Document) -> Vec<DocumentSymbol> {
    let parsed = aqua_syntax::parse(document.text());
    symbols::definitions(&parsed.module)
        .iter()
        .map(|definition| {
            let kind = match definition.kind {
                DefinitionKind::Func(_) => SymbolKind::FUNCTION,
                DefinitionKind::Service(_) => SymbolKind::INTERFACE,
                DefinitionKind::Ability(_) => SymbolKind::INTERFACE,
                DefinitionKind::Data(_) => SymbolKind::STRUCT,
                DefinitionKind::Alias => SymbolKind::TYPE_PARAMETER,
                DefinitionKind::Const => SymbolKind::CONSTANT,
            };
            let children: Vec<DocumentSymbol> = definition
                .members()
                .iter()
                .map(|member| {
                    let kind = if matches!(member.ty.kind, TypeKind::Arrow(_)) {
                        SymbolKind::METHOD
                    } else {
                        SymbolKind::FIELD
                    };
                    symbol(document, &member.name.name, kind, member.span, member.name.span, None)
                })
                .collect();
            let children = (!children.is_empty()).then_some(children);
            symbol(
                document,
                &definition.name.name,
                kind,
                definition.span,
                definition.name.span,
                children,
            )
        })
        .collect()
}

#[allow(deprecated)] // `deprecated` is a required field of the protocol type.
fn symbol(
    document: &Document,
    name: &str,
    kind: SymbolKind,
    span: Span,
    name_span: Span,
    children: Option<Vec<DocumentSymbol>>,
) -> DocumentSymbol {
    DocumentSymbol {
        name: name.to_string(),
        detail: None,
        kind,
        tags: None,
        deprecated: None,
        range: document.range(span.start as usize, span.end as usize),
        selection_range: document.range(name_span.start as usize, name_span.end as usize),
        children,
    }
}

/// The edits that format the document: none when it is formatted, `None` when it has syntax
/// errors (the diagnostics say why).
pub fn formatting(document: &Document) -> Option<Vec<TextEdit>> {
    let formatted = aqua_fmt::format(document.text()).ok()?;
    if formatted == document.text() {
        return Some(Vec::new());
    }
    let range = document.range(0, document.text().len());
    Some(vec![TextEdit { range, new_text: formatted }])
}

/// What a references request looks for: one definition, named by the file that holds it and
/// its span there, so that any analysed document can be searched for it.
#[derive(Debug, Clone)]
pub struct ReferenceTarget {
    /// The normalised path (or standard library key) of the defining file.
    pub file: PathBuf,
    /// The defining name's span in that file.
    pub span: Span,
    /// The name.
    pub name: String,
    /// Whether it is a local of a function (found only in its own document).
    pub local: bool,
}

/// The definition that the name at `offset` of the document refers to.
pub fn reference_target(analysis: &Analysis, offset: usize) -> Option<ReferenceTarget> {
    let (target, _) = resolve(analysis, offset)?;
    let defining = analysis.files.get(target.file)?;
    Some(ReferenceTarget {
        file: normalize(Path::new(&defining.key)),
        span: target.span,
        name: source_text(&defining.text, target.span).to_string(),
        local: target.local,
    })
}

/// Every place of the analysed document (file 0, at `document_uri`) whose name refers to
/// `target`, the declaration itself left out.
pub fn references_in(
    analysis: &Analysis,
    document_uri: &Url,
    target: &ReferenceTarget,
) -> Vec<Location> {
    let Some(document) = analysis.files.first() else { return Vec::new() };
    let mut locations = Vec::new();
    for (token, range) in RawToken::lexer(&document.text).spanned() {
        let Ok(RawToken::Lower(text) | RawToken::Upper(text)) = token else { continue };
        if text != target.name {
            continue;
        }
        let Some((found, _)) = resolve(analysis, range.start) else { continue };
        let Some(file) = analysis.files.get(found.file) else { continue };
        let is_declaration = found.file == 0 && found.span.start as usize == range.start;
        let same = found.span == target.span && normalize(Path::new(&file.key)) == target.file;
        if same && !is_declaration {
            let range = range_in(&document.text, range.start, range.end);
            locations.push(Location { uri: document_uri.clone(), range });
        }
    }
    locations
}

/// The edits that rename the local name at `offset` (a parameter or a bound name) everywhere in
/// its function; `None` for other names or an invalid new name.
pub fn rename(
    analysis: &Analysis,
    document_uri: &Url,
    offset: usize,
    new_name: &str,
) -> Option<WorkspaceEdit> {
    let target = reference_target(analysis, offset)?;
    let mut lexed = RawToken::lexer(new_name);
    let valid = matches!(lexed.next(), Some(Ok(RawToken::Lower(_)))) && lexed.next().is_none();
    if !target.local || !valid {
        return None;
    }
    let edits = definition(analysis, document_uri, offset)
        .into_iter()
        .chain(references_in(analysis, document_uri, &target))
        .filter(|location| &location.uri == document_uri)
        .map(|location| TextEdit { range: location.range, new_text: new_name.to_string() })
        .collect();
    let mut changes = std::collections::HashMap::new();
    changes.insert(document_uri.clone(), edits);
    Some(WorkspaceEdit { changes: Some(changes), ..WorkspaceEdit::default() })
}

/// Signature help inside a call: the callee's signature, with the parameter the cursor is in.
pub fn signature_help(analysis: &Analysis, offset: usize) -> Option<SignatureHelp> {
    let document = analysis.files.first()?;
    let (open_paren, commas) = enclosing_call(&document.text, offset)?;
    let (target, _) = resolve(analysis, open_paren)?;
    let file = analysis.files.get(target.file)?;
    let (label, params) = signature_of(file, target.span)?;
    let parameters = params
        .into_iter()
        .map(|param| ParameterInformation {
            label: ParameterLabel::Simple(param),
            documentation: None,
        })
        .collect();
    Some(SignatureHelp {
        signatures: vec![SignatureInformation {
            label,
            documentation: None,
            parameters: Some(parameters),
            active_parameter: None,
        }],
        active_signature: Some(0),
        active_parameter: Some(u32::try_from(commas).unwrap_or(u32::MAX)),
    })
}

/// The `(` of the innermost call open at `offset`, and how many of its commas come before.
fn enclosing_call(text: &str, offset: usize) -> Option<(usize, usize)> {
    let bytes = text.as_bytes();
    let (mut depth, mut commas) = (0usize, 0usize);
    let mut idx = offset.min(bytes.len());
    // Calls rarely span more than a few lines: look back a bounded distance.
    let limit = idx.saturating_sub(4096);
    while idx > limit {
        idx -= 1;
        match bytes[idx] {
            b')' | b']' => depth += 1,
            b'(' | b'[' if depth > 0 => depth -= 1,
            b'(' => return Some((idx, commas)),
            b'[' => return None,
            b',' if depth == 0 => commas += 1,
            _ => {}
        }
    }
    None
}

/// The signature of the function or method whose name is at `span` in `file`: its label and
/// its parameters as they appear in the label.
fn signature_of(file: &LoadedFile, span: Span) -> Option<(String, Vec<String>)> {
    for definition in symbols::definitions(file.module()) {
        if let DefinitionKind::Func(func) = definition.kind
            && func.name.span == span
        {
            let params: Vec<String> = func
                .signature
                .params
                .iter()
                .map(|p| source_text(&file.text, p.span).to_string())
                .collect();
            let results = &func.signature.results;
            let mut label = format!("{}({})", func.name.name, params.join(", "));
            if let (Some(first), Some(last)) = (results.first(), results.last()) {
                let text = file.text.get(first.span.start as usize..last.span.end as usize);
                label.push_str(&format!(" -> {}", text.unwrap_or("")));
            }
            return Some((label, params));
        }
        if let Some(member) = definition.members().iter().find(|m| m.name.span == span) {
            let TypeKind::Arrow(arrow) = &member.ty.kind else { return None };
            let params: Vec<String> = arrow
                .args
                .iter()
                .map(|arg| match &arg.name {
                    Some(name) => {
                        format!("{}: {}", name.name, source_text(&file.text, arg.ty.span))
                    }
                    None => source_text(&file.text, arg.ty.span).to_string(),
                })
                .collect();
            let label =
                format!("{}.{}", definition.name.name, source_text(&file.text, member.span));
            return Some((label, params));
        }
    }
    None
}
