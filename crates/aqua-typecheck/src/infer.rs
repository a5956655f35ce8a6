//! The checker's state and the driver that checks one module after another.
//!
//! `infer/items.rs` checks top-level definitions, `infer/stmt.rs` statements, `infer/expr.rs`
//! expressions and `infer/call.rs` calls and constructors. This module owns the shared state:
//! the program being built, the module scope, the local scopes and the problem lists.

mod call;
mod expr;
mod items;
mod resolve;
mod stmt;

use foldhash::HashMap;
use std::sync::Arc;

use aqua_syntax::ast::{self, Declares, HeaderItem, Literal};
use aqua_syntax::{FileId, Span};
use smol_str::SmolStr;

use crate::ConstOverride;
use crate::env::{Def, Entry, Locals, ModuleScope, Namespace};
use crate::error::{InFile, TypeError, Warning};
use crate::modules::{LoadedModule, ModuleGraph};
use crate::tast::{Export, ModuleId, ModuleInfo, Program};
use crate::types::{ScalarType, StructType, Type};

/// The shared state of a whole check.
pub(crate) struct Checker<'o> {
    /// The program built so far.
    pub program: Program,
    /// Errors of every module.
    pub errors: Vec<InFile<TypeError>>,
    /// Warnings of every module.
    pub warnings: Vec<InFile<Warning>>,
    /// `--const` overrides and whether each was used.
    pub overrides: &'o [ConstOverride],
    /// Which overrides matched a constant.
    pub overrides_used: Vec<bool>,
    /// The file being checked.
    pub file: FileId,
    /// The module being checked.
    pub module: ModuleId,
    /// Its top-level names.
    pub scope: ModuleScope,
    /// Names defined further down in the current module, for forward-reference errors.
    pub later: HashMap<SmolStr, Span>,
    /// The local scopes of the function being checked.
    pub locals: Locals,
    /// Result types expected by the innermost function or closure being checked.
    pub returns: Vec<Type>,
    /// The `Error` struct of `catch e` and `LAST_ERROR`.
    pub error_type: Arc<StructType>,
    /// Spans of the current module's header items.
    pub import_spans: Vec<Span>,
    /// The nesting depth of every measured data, ability and service type, by the address of
    /// its shared definition (kept alive here, so that the address stays its own).
    pub type_depths: HashMap<usize, (usize, Type)>,
    /// Every literal of the typed program so far, each held once and shared by its uses.
    pub literals: foldhash::HashSet<Arc<Literal>>,
}

impl<'o> Checker<'o> {
    /// A checker with an empty program.
    pub fn new(overrides: &'o [ConstOverride]) -> Checker<'o> {
        let error_type = Arc::new(StructType {
            name: "Error".into(),
            fields: vec![
                ("message".into(), Type::STRING),
                ("error_code".into(), Type::Scalar(ScalarType::I64)),
                ("instruction".into(), Type::STRING),
                ("peer_id".into(), Type::STRING),
            ],
        });
        Checker {
            program: Program::default(),
            errors: Vec::new(),
            warnings: Vec::new(),
            overrides,
            overrides_used: vec![false; overrides.len()],
            file: 0,
            module: ModuleId(0),
            scope: ModuleScope::default(),
            later: HashMap::default(),
            locals: Locals::new(),
            returns: Vec::new(),
            error_type,
            import_spans: Vec::new(),
            type_depths: HashMap::default(),
            literals: foldhash::HashSet::default(),
        }
    }

    /// Records an error in the current file.
    pub fn error(&mut self, value: TypeError) {
        self.errors.push(InFile { file: self.file, value });
    }

    /// Records a warning in the current file.
    pub fn warn(&mut self, value: Warning) {
        self.warnings.push(InFile { file: self.file, value });
    }

    /// Checks every module of the graph, dependencies first; `entries` are the checked files
    /// (each a module of the graph, or `None` for a file that could not be loaded). A deferred
    /// module is parsed whole when its turn comes (its syntax errors are added to the graph's),
    /// and each module's syntax tree is emptied once the module is checked. Returns what each
    /// entry exports, in the order of `entries`; or `None`, having stopped, if the whole parse of
    /// a deferred module found other header lines than the parse of its header alone (possible
    /// only when it has syntax errors): the graph then has to be loaded again with every module
    /// parsed whole.
    pub fn check_graph(
        &mut self,
        graph: &mut ModuleGraph,
        entries: &[Option<usize>],
    ) -> Option<Vec<Vec<Export>>> {
        let mut declared: Vec<Arc<Namespace>> = Vec::with_capacity(graph.modules.len());
        let mut is_entry = vec![false; graph.modules.len()];
        for index in entries.iter().flatten() {
            if let Some(flag) = is_entry.get_mut(*index) {
                *flag = true;
            }
        }
        // Every module's host exports: a module inherits those of its imports.
        let mut exported: Vec<Vec<Export>> = Vec::with_capacity(graph.modules.len());
        for (index, loaded) in graph.modules.iter_mut().enumerate() {
            if loaded.deferred {
                let source = graph.files.source(loaded.file).unwrap_or_default();
                let parsed = aqua_syntax::parse(source);
                let module = &parsed.module;
                if module.header != loaded.ast.header
                    || module.header_items != loaded.ast.header_items
                {
                    return None;
                }
                let file = loaded.file;
                let errors = parsed.errors.into_iter().map(|value| InFile { file, value });
                graph.syntax_errors.extend(errors);
                loaded.ast = parsed.module;
                loaded.deferred = false;
            }
            let entry = is_entry.get(index).copied().unwrap_or(false);
            let (names, module_exports) = self.check_module(loaded, &declared, &exported, entry);
            declared.push(Arc::new(names));
            exported.push(module_exports);
            // The typed program replaces the tree: holding both for every module until the
            // end nearly doubled the peak memory of checking.
            let span = loaded.ast.span;
            let empty =
                ast::Module { header: None, header_items: Vec::new(), items: Vec::new(), span };
            drop(std::mem::replace(&mut loaded.ast, empty));
        }
        let exports_of = |entry: &Option<usize>| {
            entry.and_then(|index| exported.get(index).cloned()).unwrap_or_default()
        };
        Some(entries.iter().map(exports_of).collect())
    }

    /// Checks one module and returns the names it declares to importers and what it exports to
    /// the host. Its items are taken out of the tree and each is dropped once checked, so that a
    /// large module's tree shrinks while its typed program grows.
    fn check_module(
        &mut self,
        loaded: &mut LoadedModule,
        declared: &[Arc<Namespace>],
        exported: &[Vec<Export>],
        is_entry: bool,
    ) -> (Namespace, Vec<Export>) {
        let items = std::mem::take(&mut loaded.ast.items);
        let module = &loaded.ast;
        self.file = loaded.file;
        self.module = ModuleId(self.program.modules.len() as u32);
        let name = module
            .header
            .as_ref()
            .map(|h| join_name(&h.name))
            .unwrap_or_else(|| SmolStr::new("Main"));
        self.program.modules.push(ModuleInfo {
            name,
            file: loaded.file,
            path: loaded.path.clone(),
        });
        self.scope = ModuleScope {
            names: HashMap::default(),
            used_imports: vec![false; module.header_items.len()],
            used_names: Default::default(),
        };
        self.import_spans = resolve::header_spans(module);
        resolve::imports(self, module, &loaded.deps, declared);
        self.later = items_names(&items);
        let has_items = !items.is_empty();
        for item in items {
            self.check_item(&item);
        }
        let inherited = resolve::inherited_exports(module, &loaded.deps, declared, exported);
        let exports = resolve::exports(self, module, inherited, is_entry);
        let declared = self.declared_names(module);
        if has_items {
            self.warn_unused_imports(module);
        }
        (declared, exports)
    }

    fn warn_unused_imports(&mut self, module: &ast::Module) {
        for (index, item) in module.header_items.iter().enumerate() {
            if let HeaderItem::ImportFrom { names, .. } = item {
                self.warn_unused_names(names, index);
                continue;
            }
            let used = self.scope.used_imports.get(index).copied().unwrap_or(true);
            if used {
                continue;
            }
            let span = match item {
                HeaderItem::ImportFrom { .. } => continue,
                HeaderItem::Import { span, .. }
                | HeaderItem::Use { span, .. }
                | HeaderItem::UseFrom { span, .. } => *span,
                HeaderItem::Export { .. } => continue,
            };
            self.warn(Warning::UnusedImport { span, name: None });
        }
    }

    /// Warns about each name of an `import a, b from` line that is never used.
    fn warn_unused_names(&mut self, names: &[ast::ImportName], line: usize) {
        for import in names {
            let local = import.alias.as_ref().unwrap_or(&import.name).parts.last();
            let Some(local) = local else { continue };
            let imported_here =
                self.scope.names.get(&local.name).is_some_and(|e| e.import == Some(line));
            if imported_here && !self.scope.used_names.contains(&local.name) {
                let name = Some(local.name.clone());
                self.warn(Warning::UnusedImport { span: import.span, name });
            }
        }
    }

    /// What the module shows importers, as its `declares` says.
    fn declared_names(&mut self, module: &ast::Module) -> Namespace {
        let Some(declares) = module.header.as_ref().and_then(|h| h.declares.as_ref()) else {
            return Namespace::default();
        };
        let mut names = HashMap::default();
        match declares {
            Declares::All(_) => {
                for (name, entry) in &self.scope.names {
                    names.insert(name.clone(), Entry { import: None, ..entry.clone() });
                }
            }
            Declares::Names(list) => {
                for qualified in list {
                    let Some(last) = qualified.parts.last() else { continue };
                    match resolve::lookup_qualified(self, qualified) {
                        Some(entry) => {
                            names.insert(last.name.clone(), Entry { import: None, ..entry });
                        }
                        None => self.error(TypeError::DeclaredNotDefined {
                            span: qualified.span,
                            name: join_name(qualified),
                        }),
                    }
                }
            }
        }
        Namespace { names }
    }

    /// Adds a top-level name, reporting a clash with an earlier one.
    pub fn define_top(&mut self, name: &ast::Ident, def: Def, import: Option<usize>) {
        if let Some(previous) = self.scope.names.get(&name.name) {
            let previous = match previous.import {
                Some(line) => self.import_spans.get(line).copied(),
                None => (previous.file == self.file).then_some(previous.span),
            };
            self.error(TypeError::Redefined { span: name.span, name: name.name.clone(), previous });
            return;
        }
        let entry = Entry { def, file: self.file, span: name.span, import };
        self.scope.names.insert(name.name.clone(), entry);
    }
}

/// The shared copy of `literal` in `literals`, added if it is not there yet.
pub(crate) fn share_literal(
    literals: &mut foldhash::HashSet<Arc<Literal>>,
    literal: &Literal,
) -> Arc<Literal> {
    crate::intern::share(literals, literal, |literal| Arc::new(literal.clone()))
}

/// `A.B.C` as one string.
pub(crate) fn join_name(name: &ast::QualifiedName) -> SmolStr {
    let parts: Vec<&str> = name.parts.iter().map(|p| p.name.as_str()).collect();
    SmolStr::new(parts.join("."))
}

fn items_names(items: &[ast::Item]) -> HashMap<SmolStr, Span> {
    let mut names = HashMap::default();
    for item in items {
        let name = match item {
            ast::Item::Const(c) => &c.name,
            ast::Item::Alias(a) => &a.name,
            ast::Item::Data(d) => &d.name,
            ast::Item::Service(s) => &s.name,
            ast::Item::Ability(a) => &a.name,
            ast::Item::Func(f) => &f.name,
            ast::Item::Error(_) => continue,
        };
        names.entry(name.name.clone()).or_insert(name.span);
    }
    names
}
