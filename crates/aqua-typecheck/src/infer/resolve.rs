//! Name resolution at the top level: header lines (`import`, `use`, `export`), qualified names
//! and written types.
//!
//! Statements and expressions are not handled here; see `infer`.

use std::sync::Arc;

use aqua_syntax::ast::{self, HeaderItem, ImportName, QualifiedName, TypeExpr, TypeKind};
use foldhash::HashSet;
use smol_str::SmolStr;

use crate::env::{Def, Entry, Namespace};
use crate::error::{ExportProblem, NameKind, TypeError, Warning};
use crate::infer::{Checker, join_name};
use crate::suggest;
use crate::tast::{ConstId, Export, ExportTarget, ExprKind};
use crate::types::{ArrowType, Type};

/// Brings the names of imported modules into the module scope.
pub(crate) fn imports(
    ctx: &mut Checker,
    module: &ast::Module,
    deps: &[Option<usize>],
    declared: &[Arc<Namespace>],
) {
    for (index, item) in module.header_items.iter().enumerate() {
        let Some(Some(dep)) = deps.get(index) else {
            // An export line, or an import that failed (already reported): count it as used.
            if let Some(used) = ctx.scope.used_imports.get_mut(index) {
                *used = true;
            }
            continue;
        };
        let Some(target) = declared.get(*dep).cloned() else { continue };
        let target_path = ctx.program.modules.get(*dep).map(|m| m.path.clone()).unwrap_or_default();
        match item {
            HeaderItem::Import { .. } => {
                let mut names: Vec<_> = target.names.iter().collect();
                names.sort_by(|a, b| a.0.cmp(b.0));
                for (name, entry) in names {
                    import_entry(ctx, name, entry, index);
                }
            }
            HeaderItem::ImportFrom { names, .. } => {
                for import in names {
                    if let Some((entry, local)) = pick(ctx, &target, &target_path, import) {
                        import_entry(ctx, &local, &entry, index);
                    }
                }
            }
            HeaderItem::Use { alias, .. } => {
                let name = match alias {
                    Some(alias) => alias.parts.iter().map(|p| p.name.clone()).collect(),
                    None => module_name_parts(ctx, *dep),
                };
                use_namespace(ctx, &name, (*target).clone(), index, item_span(item));
            }
            HeaderItem::UseFrom { names, alias, .. } => {
                let mut namespace = Namespace::default();
                for import in names {
                    if let Some((entry, local)) = pick(ctx, &target, &target_path, import) {
                        namespace.names.insert(local, entry);
                    }
                }
                let name = match alias {
                    Some(alias) => alias.parts.iter().map(|p| p.name.clone()).collect(),
                    None => module_name_parts(ctx, *dep),
                };
                use_namespace(ctx, &name, namespace, index, item_span(item));
            }
            HeaderItem::Export { .. } => {}
        }
    }
}

fn item_span(item: &HeaderItem) -> aqua_syntax::Span {
    match item {
        HeaderItem::Import { span, .. }
        | HeaderItem::ImportFrom { span, .. }
        | HeaderItem::Use { span, .. }
        | HeaderItem::UseFrom { span, .. }
        | HeaderItem::Export { span, .. } => *span,
    }
}

fn module_name_parts(ctx: &Checker, dep: usize) -> Vec<SmolStr> {
    ctx.program
        .modules
        .get(dep)
        .map(|m| m.name.split('.').map(SmolStr::new).collect())
        .unwrap_or_default()
}

/// Brings one imported name into scope. Of two imports of one name the later wins, as in
/// Fluence's compiler: with warning T055 when the two definitions differ; when they mean the
/// same (two copies of one file, say a package's and a local one) the earlier stays, silently.
fn import_entry(ctx: &mut Checker, name: &SmolStr, entry: &Entry, line: usize) {
    if let Some(previous) = ctx.scope.names.get(name) {
        // The same definition reached twice (two imports of one file) is no clash.
        if previous.file == entry.file && previous.span == entry.span {
            return;
        }
        let span = ctx.program_span_hint(line);
        let namespaces =
            matches!(previous.def, Def::Namespace(_)) || matches!(entry.def, Def::Namespace(_));
        let Some(previous_line) = previous.import.filter(|_| !namespaces) else {
            ctx.error(TypeError::Redefined { span, name: name.clone(), previous: None });
            return;
        };
        if same_meaning(ctx, &previous.def, &entry.def) {
            return;
        }
        let previous = ctx.import_spans.get(previous_line).copied();
        ctx.warn(Warning::ImportReplaced { span, name: name.clone(), previous });
    }
    ctx.scope.names.insert(name.clone(), Entry { import: Some(line), ..entry.clone() });
}

/// Whether two imported definitions of one name mean the same: equal types, services with
/// equal methods and default ids, constants with equal values, or one function.
fn same_meaning(ctx: &Checker, a: &Def, b: &Def) -> bool {
    let program = &ctx.program;
    match (a, b) {
        (Def::Type(a), Def::Type(b)) => a == b,
        (Def::Const(a), Def::Const(b)) => {
            let value = |id: &ConstId| program.constants.get(id.0 as usize).map(|c| &c.value);
            value(a).is_some() && value(a) == value(b)
        }
        (Def::Service(a), Def::Service(b)) => {
            let (Some(a), Some(b)) =
                (program.services.get(a.0 as usize), program.services.get(b.0 as usize))
            else {
                return false;
            };
            let literal_id = |service: &crate::tast::Service| match &service.default_id {
                None => Some(None),
                Some(expr) => match &expr.kind {
                    ExprKind::Literal(literal) => Some(Some(literal.clone())),
                    _ => None,
                },
            };
            a.ty == b.ty && literal_id(a).is_some() && literal_id(a) == literal_id(b)
        }
        (Def::Func(a), Def::Func(b)) => a == b,
        _ => false,
    }
}

/// Finds `a.b` of an import list in the target's declared names.
fn pick(
    ctx: &mut Checker,
    target: &Namespace,
    path: &str,
    import: &ImportName,
) -> Option<(Entry, SmolStr)> {
    let Some(entry) = find(target, &import.name).cloned() else {
        let wanted = join_name(&import.name);
        let candidates = suggest::similar(&wanted, target.names.keys());
        ctx.error(TypeError::NotDeclared {
            span: import.name.span,
            name: wanted,
            module: path.to_string(),
            candidates,
        });
        return None;
    };
    let local = match &import.alias {
        Some(alias) => alias.parts.last().map(|p| p.name.clone()),
        None => import.name.parts.last().map(|p| p.name.clone()),
    }?;
    Some((entry, local))
}

/// Adds `namespace` under the (possibly dotted) name `path`, merging with existing namespaces.
fn use_namespace(
    ctx: &mut Checker,
    path: &[SmolStr],
    namespace: Namespace,
    line: usize,
    span: aqua_syntax::Span,
) {
    let Some((first, rest)) = path.split_first() else { return };
    let nested = nest(rest, namespace);
    let merged = match ctx.scope.names.get(first) {
        Some(Entry { def: Def::Namespace(existing), .. }) => merge((**existing).clone(), nested),
        Some(_) => {
            ctx.error(TypeError::Redefined { span, name: first.clone(), previous: None });
            return;
        }
        None => nested,
    };
    let entry =
        Entry { def: Def::Namespace(Arc::new(merged)), file: ctx.file, span, import: Some(line) };
    ctx.scope.names.insert(first.clone(), entry);
}

fn nest(path: &[SmolStr], namespace: Namespace) -> Namespace {
    match path.split_last() {
        None => namespace,
        Some((last, init)) => {
            let mut outer = Namespace::default();
            let entry = Entry {
                def: Def::Namespace(Arc::new(namespace)),
                file: 0,
                span: aqua_syntax::Span::default(),
                import: None,
            };
            outer.names.insert(last.clone(), entry);
            nest(init, outer)
        }
    }
}

fn merge(mut into: Namespace, from: Namespace) -> Namespace {
    for (name, entry) in from.names {
        let merged = match (into.names.remove(&name), &entry.def) {
            (Some(Entry { def: Def::Namespace(a), .. }), Def::Namespace(b)) => {
                Entry { def: Def::Namespace(Arc::new(merge((*a).clone(), (**b).clone()))), ..entry }
            }
            _ => entry,
        };
        into.names.insert(name, merged);
    }
    into
}

/// Resolves `A.B.c` through namespaces in the module scope.
pub(crate) fn lookup_qualified(ctx: &mut Checker, name: &QualifiedName) -> Option<Entry> {
    let (first, rest) = name.parts.split_first()?;
    let mut entry = ctx.scope.lookup(&first.name)?;
    for part in rest {
        let Def::Namespace(namespace) = &entry.def else { return None };
        entry = namespace.names.get(&part.name)?.clone();
    }
    Some(entry)
}

/// What a module exports to the host: what it inherits from its imports (see
/// [`inherited_exports`]), then its own `export` lines, which win a name or a definition they
/// share (`export f as g` of an inherited `f` exports `g` alone). The errors of
/// its own lines are reported only for an entry (`report`); elsewhere a faulty export is left out.
pub(crate) fn exports(
    ctx: &mut Checker,
    module: &ast::Module,
    inherited: Vec<Export>,
    report: bool,
) -> Vec<Export> {
    let mut own = Vec::new();
    for item in &module.header_items {
        let HeaderItem::Export { names, .. } = item else { continue };
        for export in names {
            let (export, error) = export_one(ctx, export);
            match error {
                Some(error) if report => ctx.error(error),
                Some(_) => continue,
                None => {}
            }
            own.extend(export);
        }
    }
    let own_names: HashSet<&SmolStr> = own.iter().map(|o| &o.name).collect();
    let own_targets: HashSet<ExportTarget> = own.iter().map(|o| o.target).collect();
    let mut all: Vec<Export> = inherited
        .into_iter()
        .filter(|e| !own_names.contains(&e.name) && !own_targets.contains(&e.target))
        .collect();
    all.extend(own);
    all
}

/// The host exports a module inherits from the modules it imports, as the reference compiler
/// gives them: each function or service that an imported module exports (its own or inherited
/// in turn) and that an `import` line brings into this module unrenamed, under the name it is
/// exported by, first come first. `use` lines bring none. `exported` holds every module's exports, by
/// index in the graph.
pub(crate) fn inherited_exports(
    module: &ast::Module,
    deps: &[Option<usize>],
    declared: &[Arc<Namespace>],
    exported: &[Vec<Export>],
) -> Vec<Export> {
    let mut inherited: Vec<Export> = Vec::new();
    let mut names: HashSet<SmolStr> = HashSet::default();
    for (index, item) in module.header_items.iter().enumerate() {
        let Some(Some(dep)) = deps.get(index) else { continue };
        let (Some(namespace), Some(exports)) = (declared.get(*dep), exported.get(*dep)) else {
            continue;
        };
        // The functions and services the line brings in, as export targets.
        let brought: HashSet<ExportTarget> = match item {
            HeaderItem::Import { .. } => {
                namespace.names.values().filter_map(|entry| export_target(&entry.def)).collect()
            }
            // A name imported under an alias carries no export (as in the reference).
            HeaderItem::ImportFrom { names, .. } => names
                .iter()
                .filter(|import| import.alias.is_none())
                .filter_map(|import| find(namespace, &import.name))
                .filter_map(|entry| export_target(&entry.def))
                .collect(),
            _ => continue,
        };
        for export in exports {
            if brought.contains(&export.target) && names.insert(export.name.clone()) {
                inherited.push(Export { span: item_span(item), ..export.clone() });
            }
        }
    }
    inherited
}

/// `a.b.c` in a namespace, through nested namespaces.
fn find<'n>(namespace: &'n Namespace, name: &QualifiedName) -> Option<&'n Entry> {
    let (last, path) = name.parts.split_last()?;
    let mut names = &namespace.names;
    for part in path {
        match &names.get(&part.name)?.def {
            Def::Namespace(inner) => names = &inner.names,
            _ => return None,
        }
    }
    names.get(&last.name)
}

/// The export target of a function or service (what a module's host exports can inherit).
fn export_target(def: &Def) -> Option<ExportTarget> {
    match def {
        Def::Func(id) => Some(ExportTarget::Func(*id)),
        Def::Service(id) => Some(ExportTarget::Service(*id)),
        _ => None,
    }
}

/// One item of an `export` line: what it exports (none if the name is unknown or names a
/// module or an ability) and the error, if any. A function that returns an arrow or takes
/// abilities is still listed beside its error.
fn export_one(ctx: &mut Checker, export: &ImportName) -> (Option<Export>, Option<TypeError>) {
    let name = export
        .alias
        .as_ref()
        .and_then(|a| a.parts.last())
        .or(export.name.parts.last())
        .map(|i| i.name.clone())
        .unwrap_or_default();
    let span = export.span;
    let bad = |reason| TypeError::BadExport { span, name: join_name(&export.name), reason };
    let Some(entry) = lookup_qualified(ctx, &export.name) else {
        return (None, Some(bad(ExportProblem::Unknown)));
    };
    let mut error = None;
    let target = match entry.def {
        Def::Func(id) => {
            let Some(func) = ctx.program.functions.get(id.0 as usize) else { return (None, None) };
            let returns_arrow =
                func.ty.results.iter().any(|t| matches!(t, Type::Arrow(_) | Type::Ability(_)));
            if returns_arrow {
                error = Some(bad(ExportProblem::ReturnsArrow));
            } else if !func.abilities.is_empty() {
                error = Some(bad(ExportProblem::TakesAbility));
            }
            ExportTarget::Func(id)
        }
        Def::Service(id) => ExportTarget::Service(id),
        Def::Const(id) => ExportTarget::Const(id),
        Def::Type(Type::Ability(_)) => return (None, Some(bad(ExportProblem::Ability))),
        Def::Type(_) => ExportTarget::Type,
        Def::Namespace(_) => return (None, Some(bad(ExportProblem::Unknown))),
    };
    (Some(Export { name, target, span }), error)
}

/// Resolves a written type. `place` names where data types are required, if anywhere.
pub(crate) fn resolve_type(ctx: &mut Checker, ty: &TypeExpr) -> Type {
    match &ty.kind {
        TypeKind::Scalar(s) => Type::Scalar(*s),
        TypeKind::Top => Type::Top,
        TypeKind::Bottom => Type::Bottom,
        TypeKind::Array(elem) => Type::Array(Arc::new(data_type(ctx, elem, "array element"))),
        TypeKind::Option(elem) => Type::Option(Arc::new(data_type(ctx, elem, "option element"))),
        TypeKind::Stream(elem) => Type::Stream(Arc::new(data_type(ctx, elem, "stream element"))),
        TypeKind::StreamMap(elem) => {
            Type::StreamMap(Arc::new(data_type(ctx, elem, "stream map value")))
        }
        TypeKind::Arrow(arrow) => Type::Arrow(Arc::new(resolve_arrow(ctx, arrow))),
        TypeKind::Named(name) => named_type(ctx, name),
    }
}

/// Resolves a type that must be a data type.
pub(crate) fn data_type(ctx: &mut Checker, ty: &TypeExpr, place: &'static str) -> Type {
    let resolved = resolve_type(ctx, ty);
    if resolved.is_data() {
        resolved
    } else {
        ctx.error(TypeError::BadTypeHere { span: ty.span, ty: resolved, place });
        Type::Error
    }
}

fn named_type(ctx: &mut Checker, name: &QualifiedName) -> Type {
    match lookup_qualified(ctx, name).map(|e| e.def) {
        Some(Def::Type(ty)) => ty,
        Some(Def::Service(id)) => ctx
            .program
            .services
            .get(id.0 as usize)
            .map(|s| Type::Service(s.ty.clone()))
            .unwrap_or(Type::Error),
        Some(other) => {
            ctx.error(TypeError::WrongKind {
                span: name.span,
                name: join_name(name),
                expected: "type",
                found: other.describe(),
            });
            Type::Error
        }
        None => {
            let wanted = join_name(name);
            if let Some(defined) = ctx.later.get(&wanted).copied() {
                ctx.error(TypeError::ForwardReference { span: name.span, name: wanted, defined });
                return Type::Error;
            }
            let types = ctx
                .scope
                .names
                .iter()
                .filter(|(_, e)| matches!(e.def, Def::Type(_) | Def::Service(_)))
                .map(|(n, _)| n);
            let candidates = suggest::similar(&wanted, types);
            ctx.error(TypeError::UnknownName {
                span: name.span,
                name: wanted,
                kind: NameKind::Type,
                candidates,
            });
            Type::Error
        }
    }
}

/// Resolves a written arrow type.
pub(crate) fn resolve_arrow(ctx: &mut Checker, arrow: &ast::ArrowType) -> ArrowType {
    let abilities = arrow.abilities.iter().map(|name| resolve_ability(ctx, name)).collect();
    let params = arrow
        .args
        .iter()
        .map(|arg| (arg.name.as_ref().map(|n| n.name.clone()), resolve_type(ctx, &arg.ty)))
        .collect();
    let results = arrow.results.iter().map(|ty| resolve_type(ctx, ty)).collect();
    ArrowType { abilities, params, results }
}

/// Resolves `{Ab}` in a signature to the name the ability has inside and its type.
pub(crate) fn resolve_ability(ctx: &mut Checker, name: &QualifiedName) -> (SmolStr, Type) {
    let local = name.parts.last().map(|p| p.name.clone()).unwrap_or_default();
    let ty = named_type(ctx, name);
    let ty = match ty {
        Type::Ability(_) | Type::Service(_) | Type::Error => ty,
        other => {
            ctx.error(TypeError::WrongKind {
                span: name.span,
                name: join_name(name),
                expected: "ability",
                found: if matches!(other, Type::Struct(_)) { "struct" } else { "type" },
            });
            Type::Error
        }
    };
    (local, ty)
}

impl Checker<'_> {
    /// A span for problems of header line `line` of the current module, when no better one is
    /// known: the whole module is not available here, so the start of the file is used.
    pub(crate) fn program_span_hint(&self, line: usize) -> aqua_syntax::Span {
        self.import_spans.get(line).copied().unwrap_or_default()
    }
}

/// Spans of the header items of a module, by index.
pub(crate) fn header_spans(module: &ast::Module) -> Vec<aqua_syntax::Span> {
    module.header_items.iter().map(item_span).collect()
}
