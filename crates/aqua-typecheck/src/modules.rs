//! Finding, loading and ordering the modules of a program.
//!
//! Import paths resolve relative to the importing file, then against each import root in order,
//! then (for a package path such as `@scope/pkg/file.aqua`) in the `node_modules` folder of the
//! importing file's folder and of each folder above it, as Node.js finds packages; the standard
//! library paths resolve to the embedded `stdlib/` sources first. Files come from a
//! [`SourceLoader`] that the caller implements: this module does no IO. Cycles are reported with
//! the whole cycle, missing files with every place searched.

use std::collections::HashMap;
use std::path::{Component, Path, PathBuf};
use std::sync::Arc;

use aqua_syntax::ast::{HeaderItem, Module, StringLit};
use aqua_syntax::{FileId, SourceMap, SyntaxError};

use crate::error::{InFile, TypeError};
use crate::stdlib;

/// Gives the checker the text of source files. The CLI reads them from disk; tests and
/// benchmarks serve them from memory.
pub trait SourceLoader {
    /// The contents of the file at `path`.
    fn load(&mut self, path: &Path) -> Result<String, LoadError>;

    /// [`SourceLoader::load`] as shared text, which is what the checker calls: a loader that
    /// keeps its files overrides it to hand out its own copy instead of a second one.
    fn load_shared(&mut self, path: &Path) -> Result<Arc<str>, LoadError> {
        self.load(path).map(Arc::from)
    }

    /// The absolute form of a folder path, from which `node_modules` folders are searched up to
    /// the root. The default keeps the path as it is (a relative path is then walked up to its
    /// first component only).
    fn absolute(&self, dir: &Path) -> PathBuf {
        dir.to_path_buf()
    }
}

/// Why a loader gives no text for a path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoadError {
    /// No file is there: an import search goes on to the next place.
    NotFound,
    /// A file is there but cannot be read (not UTF-8, no permission): the search stops, and the
    /// reason is reported.
    Unreadable(String),
}

impl From<std::io::Error> for LoadError {
    /// A missing file, or a folder or a path through a file where the file was looked for, is
    /// [`LoadError::NotFound`]; any other failure to read is [`LoadError::Unreadable`].
    fn from(error: std::io::Error) -> LoadError {
        use std::io::ErrorKind;
        match error.kind() {
            ErrorKind::NotFound | ErrorKind::IsADirectory | ErrorKind::NotADirectory => {
                LoadError::NotFound
            }
            _ => LoadError::Unreadable(error.to_string()),
        }
    }
}

/// A loader over an in-memory map from paths to sources, which it shares with the checked
/// program's [`SourceMap`].
#[derive(Debug, Clone, Default)]
pub struct MemoryLoader {
    /// The files.
    pub files: HashMap<PathBuf, Arc<str>>,
}

impl MemoryLoader {
    /// An empty loader.
    pub fn new() -> MemoryLoader {
        MemoryLoader::default()
    }

    /// Adds a file.
    pub fn add(&mut self, path: impl Into<PathBuf>, source: impl Into<Arc<str>>) -> &mut Self {
        self.files.insert(normalize(&path.into()), source.into());
        self
    }
}

impl SourceLoader for MemoryLoader {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        self.load_shared(path).map(|source| source.to_string())
    }

    fn load_shared(&mut self, path: &Path) -> Result<Arc<str>, LoadError> {
        self.files.get(&normalize(path)).cloned().ok_or(LoadError::NotFound)
    }
}

/// A parsed module and the modules its header lines refer to.
#[derive(Debug)]
pub struct LoadedModule {
    /// The path it was loaded from (`stdlib:builtin.aqua` for embedded files).
    pub path: String,
    /// Its file in the source map.
    pub file: FileId,
    /// The syntax tree; only the header and the header lines while `deferred`.
    pub ast: Module,
    /// For each header item, the index of the loaded module it imports (None for `export`
    /// lines and imports that failed).
    pub deps: Vec<Option<usize>>,
    /// The definitions are not parsed yet: the checker parses the whole file when it comes to
    /// it, so that the trees of all modules are not held at once, and reports its syntax errors.
    pub deferred: bool,
}

/// All modules of a program in dependency order: every module comes after the ones it imports
/// (with one entry, the entry module is last).
#[derive(Debug, Default)]
pub struct ModuleGraph {
    /// The modules, dependencies first.
    pub modules: Vec<LoadedModule>,
    /// The files, for rendering diagnostics.
    pub files: SourceMap,
    /// Syntax errors of every file.
    pub syntax_errors: Vec<InFile<SyntaxError>>,
    /// Import errors (missing and unreadable files, cycles).
    pub errors: Vec<InFile<TypeError>>,
}

enum State {
    Loading,
    Done(usize),
}

struct GraphBuilder<'l> {
    loader: &'l mut dyn SourceLoader,
    roots: &'l [PathBuf],
    graph: ModuleGraph,
    states: HashMap<String, State>,
    stack: Vec<String>,
    /// Whether a module whose header lines the fast parser takes is parsed only that far.
    defer: bool,
}

/// Loads each entry and everything it imports into one graph, where a module that several
/// entries import is loaded once. Each entry comes with its text when the caller already has it.
/// Returns the graph and, per entry in order, its module or why its file could not be loaded. With `defer`, a module is parsed only as far as its header lines when the fast
/// parser takes them (the module is then `deferred`; its syntax errors are reported when it is
/// parsed whole); otherwise every module is parsed whole.
pub(crate) fn load_each(
    entries: Vec<(&Path, Option<String>)>,
    loader: &mut dyn SourceLoader,
    roots: &[PathBuf],
    defer: bool,
) -> (ModuleGraph, Vec<Result<usize, LoadError>>) {
    let mut builder = GraphBuilder {
        loader,
        roots,
        graph: ModuleGraph::default(),
        states: HashMap::new(),
        stack: Vec::new(),
        defer,
    };
    let mut modules = Vec::with_capacity(entries.len());
    for (entry, entry_source) in entries {
        let key = normalize(entry).to_string_lossy().into_owned();
        if let Some(State::Done(index)) = builder.states.get(&key) {
            modules.push(Ok(*index));
            continue;
        }
        let source = match entry_source {
            Some(source) => Ok(Arc::from(source)),
            None => builder.loader.load_shared(entry),
        };
        modules.push(source.map(|source| builder.visit(key, source)));
    }
    (builder.graph, modules)
}

impl GraphBuilder<'_> {
    fn visit(&mut self, key: String, source: Arc<str>) -> usize {
        self.states.insert(key.clone(), State::Loading);
        self.stack.push(key.clone());
        let header = if self.defer { aqua_syntax::parse_header(&source) } else { None };
        let deferred = header.is_some();
        let (module, errors) = match header {
            Some(module) => (module, Vec::new()),
            None => {
                let parsed = aqua_syntax::parse(&source);
                (parsed.module, parsed.errors)
            }
        };
        let file = self.graph.files.add(key.clone(), source);
        self.graph.syntax_errors.extend(errors.into_iter().map(|value| InFile { file, value }));
        let mut deps = Vec::with_capacity(module.header_items.len());
        for item in &module.header_items {
            let dep = match import_path(item) {
                Some(path) => self.import(&key, file, path),
                None => None,
            };
            deps.push(dep);
        }
        self.stack.pop();
        let index = self.graph.modules.len();
        self.graph.modules.push(LoadedModule {
            path: key.clone(),
            file,
            ast: module,
            deps,
            deferred,
        });
        self.states.insert(key, State::Done(index));
        index
    }

    fn import(&mut self, from: &str, file: FileId, path: &StringLit) -> Option<usize> {
        let (key, source) = match self.find(from, &path.value) {
            Ok(found) => found,
            Err(missing) => {
                let value = match missing {
                    Missing::Nowhere(searched) => TypeError::ModuleNotFound {
                        span: path.span,
                        path: path.value.clone(),
                        searched,
                    },
                    Missing::Unreadable { file: found, reason } => {
                        TypeError::ModuleUnreadable { span: path.span, file: found, reason }
                    }
                };
                self.graph.errors.push(InFile { file, value });
                return None;
            }
        };
        match self.states.get(&key) {
            Some(State::Done(index)) => Some(*index),
            Some(State::Loading) => {
                let start = self.stack.iter().position(|k| *k == key).unwrap_or(0);
                let mut cycle: Vec<String> = self.stack[start..].to_vec();
                cycle.push(key);
                let value = TypeError::ImportCycle { span: path.span, cycle };
                self.graph.errors.push(InFile { file, value });
                None
            }
            None => Some(self.visit(key, source)),
        }
    }

    /// Finds an import: the embedded standard library, then relative to the importing file, then
    /// each root, then each `node_modules` above the importing file. Returns the key and the
    /// source, or why there is none.
    fn find(&mut self, from: &str, path: &str) -> Result<(String, Arc<str>), Missing> {
        if let Some((key, source)) = stdlib::lookup(from, path) {
            if let Some(State::Done(_) | State::Loading) = self.states.get(key) {
                return Ok((key.to_string(), Arc::from("")));
            }
            return Ok((key.to_string(), Arc::from(source)));
        }
        let base = Path::new(from).parent().map(Path::to_path_buf).unwrap_or_default();
        let mut searched = Vec::new();
        let packages = if from.starts_with(stdlib::KEY_PREFIX) {
            Vec::new()
        } else {
            node_modules_dirs(&self.loader.absolute(&base), path)
        };
        for dir in std::iter::once(&base).chain(self.roots.iter()).chain(packages.iter()) {
            for candidate in candidates(dir, path) {
                let key = candidate.to_string_lossy().into_owned();
                if self.states.contains_key(&key) {
                    return Ok((key, Arc::from("")));
                }
                match self.loader.load_shared(&candidate) {
                    Ok(source) => return Ok((key, source)),
                    Err(LoadError::NotFound) => searched.push(key),
                    Err(LoadError::Unreadable(reason)) => {
                        return Err(Missing::Unreadable { file: key, reason });
                    }
                }
            }
        }
        Err(Missing::Nowhere(searched))
    }
}

/// Why an import has no source.
enum Missing {
    /// No file in any place searched (each listed).
    Nowhere(Vec<String>),
    /// The first file found cannot be read.
    Unreadable { file: String, reason: String },
}

/// The `node_modules` folders Node.js would search for a package path imported from a file in
/// `base`: `base/node_modules`, then the same in each folder above (none for a relative or
/// absolute import path).
fn node_modules_dirs(base: &Path, path: &str) -> Vec<PathBuf> {
    if path.starts_with('.') || path.starts_with('/') {
        return Vec::new();
    }
    base.ancestors()
        .filter(|dir| dir.file_name().is_none_or(|name| name != "node_modules"))
        .map(|dir| dir.join("node_modules"))
        .collect()
}

fn import_path(item: &HeaderItem) -> Option<&StringLit> {
    match item {
        HeaderItem::Import { path, .. }
        | HeaderItem::ImportFrom { path, .. }
        | HeaderItem::Use { path, .. }
        | HeaderItem::UseFrom { path, .. } => Some(path),
        HeaderItem::Export { .. } => None,
    }
}

/// The files an import of `path` may name inside `dir`: with `.aqua` added when it is missing.
fn candidates(dir: &Path, path: &str) -> Vec<PathBuf> {
    let joined = normalize(&dir.join(path));
    if path.ends_with(".aqua") {
        vec![joined]
    } else {
        vec![normalize(&dir.join(format!("{path}.aqua"))), joined]
    }
}

/// Removes `.` and resolves `..` components without touching the file system.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for component in path.components() {
        match component {
            Component::CurDir => {}
            Component::ParentDir => {
                if matches!(out.components().next_back(), Some(Component::Normal(_))) {
                    out.pop();
                } else {
                    out.push("..");
                }
            }
            other => out.push(other.as_os_str()),
        }
    }
    out
}
