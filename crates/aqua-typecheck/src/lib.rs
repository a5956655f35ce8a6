//! Name resolution and type checking of Aqua programs, and the embedded standard library.
//!
//! [`check`] loads a module and everything it imports through a caller-supplied
//! [`SourceLoader`] (this crate does no IO), checks every module in dependency order, and returns
//! a [`Checked`] program: the typed AST of [`tast`] (for code generation), every syntax error,
//! type error and warning, and the files needed to render them. It never panics and never
//! stops at the first error: unknown types become [`types::Type::Error`], which fits anywhere.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]
#![warn(missing_docs)]

pub mod diagnostics;
pub mod env;
pub mod error;
mod groups;
mod infer;
mod intern;
pub mod modules;
pub mod print;
pub mod stdlib;
pub mod suggest;
pub mod tast;
pub mod types;

use std::path::{Path, PathBuf};

use aqua_syntax::ast::Literal;
use aqua_syntax::{FileId, SourceMap, SyntaxError};
use codespan_reporting::diagnostic::Diagnostic;
use smol_str::SmolStr;

pub use error::{InFile, TypeError, Warning};
pub use groups::{check_groups, import_groups};
pub use modules::{LoadError, MemoryLoader, SourceLoader};

/// Options of a check.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// `-I DIR`: where imports are searched after the importing file's directory, in order.
    pub import_roots: Vec<PathBuf>,
    /// `--const 'NAME = VALUE'` overrides.
    pub constants: Vec<ConstOverride>,
}

/// A `--const NAME = VALUE` override.
#[derive(Debug, Clone, PartialEq)]
pub struct ConstOverride {
    /// The constant's name.
    pub name: SmolStr,
    /// The new value.
    pub value: Literal,
}

/// Why a `--const` argument could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum OverrideError {
    /// No `=` in the argument.
    #[error("expected `NAME = VALUE`, found `{0}`")]
    Shape(String),
    /// The name is not an upper-case constant name.
    #[error("`{0}` is not a constant name (constants are UPPER_CASE)")]
    Name(String),
    /// The value is not a literal.
    #[error("`{0}` is not a literal (a number, a string in quotes, `true` or `false`)")]
    Value(String),
}

impl ConstOverride {
    /// Parses `NAME = VALUE` (spaces around `=` optional).
    pub fn parse(text: &str) -> Result<ConstOverride, OverrideError> {
        let (name, value) =
            text.split_once('=').ok_or_else(|| OverrideError::Shape(text.into()))?;
        let (name, value) = (name.trim(), value.trim());
        let upper = name.chars().next().is_some_and(|c| c.is_ascii_uppercase())
            && name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if !upper {
            return Err(OverrideError::Name(name.into()));
        }
        let value = parse_literal(value).ok_or_else(|| OverrideError::Value(value.into()))?;
        Ok(ConstOverride { name: name.into(), value })
    }
}

fn parse_literal(text: &str) -> Option<Literal> {
    match text {
        "true" => return Some(Literal::Bool(true)),
        "false" => return Some(Literal::Bool(false)),
        _ => {}
    }
    if let Some(inner) = text.strip_prefix('"').and_then(|t| t.strip_suffix('"')) {
        return (!inner.contains('"')).then(|| Literal::String(inner.to_string()));
    }
    let digits = text.strip_prefix('-').unwrap_or(text);
    let all_digits = |s: &str| !s.is_empty() && s.chars().all(|c| c.is_ascii_digit());
    if all_digits(digits) {
        return Some(Literal::Int(text.to_string()));
    }
    match digits.split_once('.') {
        Some((whole, frac)) if all_digits(whole) && all_digits(frac) => {
            Some(Literal::Float(text.to_string()))
        }
        _ => None,
    }
}

/// The outcome of a check.
#[derive(Debug)]
pub struct Checked {
    /// The typed program (complete only when there are no errors).
    pub program: tast::Program,
    /// Every loaded file, for rendering diagnostics.
    pub files: SourceMap,
    /// Syntax errors of every loaded file.
    pub syntax_errors: Vec<InFile<SyntaxError>>,
    /// Type and module errors.
    pub errors: Vec<InFile<TypeError>>,
    /// Warnings.
    pub warnings: Vec<InFile<Warning>>,
}

impl Checked {
    /// Whether the program has no syntax or type errors.
    pub fn is_ok(&self) -> bool {
        self.syntax_errors.is_empty() && self.errors.is_empty()
    }

    /// Every problem as a diagnostic, ordered by file and position: errors and warnings mixed.
    pub fn diagnostics(&self) -> Vec<Diagnostic<usize>> {
        let mut all: Vec<(usize, u32, u32, Diagnostic<usize>)> = Vec::new();
        for error in &self.syntax_errors {
            let source = self.files.source(error.file).unwrap_or("");
            let span = error.value.span();
            let diagnostic = error.value.to_diagnostic(error.file, source);
            all.push((error.file, span.start, span.end, diagnostic));
        }
        for error in &self.errors {
            let span = error.value.span();
            all.push((error.file, span.start, span.end, error.value.to_diagnostic(error.file)));
        }
        for warning in &self.warnings {
            let span = warning.value.span();
            all.push((
                warning.file,
                span.start,
                span.end,
                warning.value.to_diagnostic(warning.file),
            ));
        }
        all.sort_by_key(|(file, start, end, _)| (*file, *start, *end));
        all.into_iter().map(|(_, _, _, d)| d).collect()
    }
}

/// Checks the module at `path` and everything it imports. `source` is its text when the caller
/// has it already; otherwise it is loaded through `loader` like any import.
pub fn check(
    path: &Path,
    source: Option<String>,
    loader: &mut dyn SourceLoader,
    options: &Options,
) -> Checked {
    let mut each = check_loading(vec![(path, source)], loader, options, true);
    each.select(0);
    each.checked
}

/// Checks the modules at `paths` and everything they import, as [`check`] checks each, but
/// together: a module that several of them import is loaded and checked once, so checking every
/// file of a folder costs what checking the folder's program costs, not that times the number of
/// files. [`CheckedEach::select`] gives the outcome for each file.
pub fn check_each(
    paths: &[PathBuf],
    loader: &mut dyn SourceLoader,
    options: &Options,
) -> CheckedEach {
    let entries = paths.iter().map(|path| (path.as_path(), None)).collect();
    check_loading(entries, loader, options, true)
}

/// The outcome of [`check_each`]: one check of every module the files load, and what is each
/// file's own.
#[derive(Debug)]
pub struct CheckedEach {
    /// The typed program of every module, every file and every problem, each once. The program's
    /// [`entry`](tast::Program::entry) and [`exports`](tast::Program::exports) are those of the
    /// file last [`select`](CheckedEach::select)ed (none before the first).
    pub checked: Checked,
    entries: Vec<EntryOutcome>,
}

/// What belongs to one file of a [`CheckedEach`].
#[derive(Debug)]
struct EntryOutcome {
    module: Option<tast::ModuleId>,
    exports: Vec<tast::Export>,
    /// Neither the file nor any module it imports has a syntax or type error.
    ok: bool,
}

impl CheckedEach {
    /// How many files were checked.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether no file was checked.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Whether file `index` and every module it imports are free of syntax and type errors: what
    /// [`Checked::is_ok`] says of [`check`] of that file alone.
    pub fn is_ok(&self, index: usize) -> bool {
        self.entries.get(index).is_some_and(|entry| entry.ok)
    }

    /// The outcome for file `index`, as [`check`] of that file alone gives its program: the
    /// program's entry and exports become that file's. The program, files and problems are all
    /// the files' (a problem in a module the file does not import is there too; see
    /// [`CheckedEach::is_ok`]).
    pub fn select(&mut self, index: usize) -> &mut Self {
        if let Some(entry) = self.entries.get(index) {
            self.checked.program.entry = entry.module;
            self.checked.program.exports = entry.exports.clone();
        }
        self
    }
}

/// [`check_each`] of `entries`, each with its text if the caller has it, where `defer` first
/// parses each module only as far as its header lines.
fn check_loading(
    entries: Vec<(&Path, Option<String>)>,
    loader: &mut dyn SourceLoader,
    options: &Options,
    defer: bool,
) -> CheckedEach {
    // Modules are first parsed only as far as their header lines and parsed whole when checked,
    // so that the trees of a long chain of imports are not all held at once. If a module with
    // syntax errors has other header lines when parsed whole, everything is loaded again with
    // every module parsed whole (which cannot fail that way), as header lines decide what loads.
    let paths: Vec<&Path> = entries.iter().map(|(path, _)| *path).collect();
    let (mut entries, mut defer) = (entries, defer);
    loop {
        let (graph, modules) = modules::load_each(entries, loader, &options.import_roots, defer);
        match check_loaded(graph, modules, &paths, options) {
            Ok(checked) => return checked,
            Err(sources) => {
                entries = paths.iter().copied().zip(sources).collect();
                defer = false;
            }
        }
    }
}

/// Checks a loaded graph whose entries are `loaded` (from `paths`: each a module, or why its
/// file could not be loaded, which is reported against an empty file). If a deferred
/// module's header lines changed when it was parsed whole, stops and returns each entry file's
/// text to load again with.
fn check_loaded(
    mut graph: modules::ModuleGraph,
    loaded: Vec<Result<usize, LoadError>>,
    paths: &[&Path],
    options: &Options,
) -> Result<CheckedEach, Vec<Option<String>>> {
    let modules: Vec<Option<usize>> = loaded.iter().map(|m| m.as_ref().ok().copied()).collect();
    let mut entry_files = Vec::with_capacity(loaded.len());
    for (module, path) in loaded.into_iter().zip(paths) {
        let file = match module.map(|m| graph.modules.get(m).map(|loaded| loaded.file)) {
            Ok(Some(file)) => file,
            // The entry file itself could not be loaded: report it against an empty file.
            problem => {
                let name = path.to_string_lossy().into_owned();
                let file = graph.files.add(name.clone(), String::new());
                let span = aqua_syntax::Span::default();
                let value = match problem {
                    Err(LoadError::Unreadable(reason)) => {
                        TypeError::ModuleUnreadable { span, file: name, reason }
                    }
                    _ => {
                        TypeError::ModuleNotFound { span, path: name.clone(), searched: vec![name] }
                    }
                };
                graph.errors.push(InFile { file, value });
                file
            }
        };
        entry_files.push(file);
    }
    let mut checker = infer::Checker::new(&options.constants);
    let Some(exports) = checker.check_graph(&mut graph, &modules) else {
        let text = |(module, file): (&Option<usize>, &FileId)| {
            module.and_then(|_| graph.files.source(*file)).map(str::to_owned)
        };
        return Err(modules.iter().zip(&entry_files).map(text).collect());
    };
    // Deferred modules add their syntax errors as they are checked: back in file order, as if
    // each file's were added when it was loaded.
    graph.syntax_errors.sort_by_key(|error| error.file);
    let mut errors = std::mem::take(&mut graph.errors);
    errors.append(&mut checker.errors);
    let mut overrides_unknown = false;
    for (index, used) in checker.overrides_used.iter().enumerate() {
        if *used {
            continue;
        }
        let Some(override_) = options.constants.get(index) else { continue };
        let names = checker.program.constants.iter().map(|c| &c.name);
        let candidates = suggest::similar(&override_.name, names);
        overrides_unknown = true;
        errors.push(InFile {
            file: entry_files.first().copied().unwrap_or_default(),
            value: TypeError::UnknownOverride { name: override_.name.clone(), candidates },
        });
    }
    let entries = outcomes(&graph, &modules, exports, &errors, overrides_unknown);
    let checked = Checked {
        program: checker.program,
        files: graph.files,
        syntax_errors: graph.syntax_errors,
        errors,
        warnings: checker.warnings,
    };
    Ok(CheckedEach { checked, entries })
}

/// Each entry's outcome. A module is clean when neither its file nor a module it imports has an
/// error (modules come after their imports), and an unknown override spoils them all. The errors
/// of an `export` line count only for its own file: its module is checked as an entry once,
/// while a file that imports it would not see them when checked alone.
fn outcomes(
    graph: &modules::ModuleGraph,
    modules: &[Option<usize>],
    exports: Vec<Vec<tast::Export>>,
    errors: &[InFile<TypeError>],
    overrides_unknown: bool,
) -> Vec<EntryOutcome> {
    let mut failed_files = vec![overrides_unknown; graph.files.len()];
    let mut bad_exports = vec![false; graph.files.len()];
    for error in errors {
        let flags = match error.value {
            TypeError::BadExport { .. } => &mut bad_exports,
            _ => &mut failed_files,
        };
        if let Some(flag) = flags.get_mut(error.file) {
            *flag = true;
        }
    }
    for error in &graph.syntax_errors {
        if let Some(flag) = failed_files.get_mut(error.file) {
            *flag = true;
        }
    }
    let mut failed: Vec<bool> = Vec::with_capacity(graph.modules.len());
    for loaded in &graph.modules {
        let own = failed_files.get(loaded.file).copied().unwrap_or(true);
        let imported =
            loaded.deps.iter().flatten().any(|d| failed.get(*d).copied().unwrap_or(true));
        failed.push(own || imported);
    }
    let ok = |module: usize| {
        let file = graph.modules.get(module).map(|loaded| loaded.file);
        let exports_fail = file.is_none_or(|file| bad_exports.get(file).copied().unwrap_or(true));
        !failed.get(module).copied().unwrap_or(true) && !exports_fail
    };
    modules
        .iter()
        .zip(exports)
        .map(|(module, exports)| EntryOutcome {
            module: module.map(|m| tast::ModuleId(m as u32)),
            exports,
            ok: module.is_some_and(ok),
        })
        .collect()
}

/// Checks one source text that imports nothing but the standard library.
pub fn check_source(name: &str, source: &str) -> Checked {
    check(Path::new(name), Some(source.to_string()), &mut MemoryLoader::new(), &Options::default())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A program whose modules all have syntax errors after their header lines (and a type
    /// error, an unused import and an import that is missing).
    fn broken_chain() -> MemoryLoader {
        let mut loader = MemoryLoader::new();
        loader.add("a.aqua", "aqua A declares f\n\nfunc f() -> string:\n  <- \"a\"\n\nfunc g(:\n");
        loader.add(
            "b.aqua",
            "aqua B declares h\n\nimport f from \"a.aqua\"\n\nfunc h() -> u32:\n  x = f(\n  <- 1\n",
        );
        let main = "import h from \"b.aqua\"\nimport \"c.aqua\"\nimport \"a.aqua\"\n\nfunc main() -> string:\n  <- h(\n\nfunc k() -> string:\n  <- 1\n";
        loader.add("main.aqua", main);
        loader
    }

    #[test]
    fn parsing_modules_whole_when_checked_reports_the_same() {
        let path = Path::new("main.aqua");
        let options = Options::default();
        let deferred =
            check_loading(vec![(path, None)], &mut broken_chain(), &options, true).checked;
        let whole = check_loading(vec![(path, None)], &mut broken_chain(), &options, false).checked;
        let files: Vec<usize> = deferred.syntax_errors.iter().map(|e| e.file).collect();
        assert!(files.len() >= 3 && files.windows(2).all(|w| w[0] <= w[1]), "{files:?}");
        assert!(files.first() != files.last(), "syntax errors of several files: {files:?}");
        assert!(!deferred.errors.is_empty());
        assert_eq!(format!("{deferred:?}"), format!("{whole:?}"));
    }

    #[test]
    fn other_header_lines_in_the_whole_parse_load_everything_again() {
        let path = Path::new("main.aqua");
        let (mut graph, entries) =
            modules::load_each(vec![(path, None)], &mut broken_chain(), &[], true);
        let importer =
            graph.modules.iter_mut().find(|m| m.deferred && !m.ast.header_items.is_empty());
        importer.expect("a deferred module that imports").ast.header_items.clear();
        let entry_file = graph.modules[entries[0].clone().expect("the entry loads")].file;
        let text = graph.files.source(entry_file).map(str::to_owned);
        let result = check_loaded(graph, entries, &[path], &Options::default());
        assert_eq!(result.err(), Some(vec![text]));
    }

    #[test]
    fn a_missing_entry_file_is_an_error() {
        let checked =
            check(Path::new("nope.aqua"), None, &mut MemoryLoader::new(), &Options::default());
        assert_eq!(checked.errors.len(), 1);
        assert_eq!(checked.errors[0].value.code(), "T023");
        assert_eq!(checked.diagnostics().len(), 1);
    }

    #[test]
    fn overrides_parse_with_and_without_spaces() {
        let spaced = ConstOverride::parse("LIMIT = 10").expect("valid");
        assert_eq!(spaced, ConstOverride::parse("LIMIT=10").expect("valid"));
        assert_eq!(
            ConstOverride::parse("S = \"x\"").map(|o| o.value),
            Ok(Literal::String("x".into()))
        );
        assert_eq!(
            ConstOverride::parse("F = -1.5").map(|o| o.value),
            Ok(Literal::Float("-1.5".into()))
        );
        assert!(matches!(ConstOverride::parse("lower = 1"), Err(OverrideError::Name(_))));
        assert!(matches!(ConstOverride::parse("X = y"), Err(OverrideError::Value(_))));
        assert!(matches!(ConstOverride::parse("X"), Err(OverrideError::Shape(_))));
    }
}
