//! What `check`, `compile`, `run` and `fmt` share on the way in: the file loader, the `.aqua`
//! files named on the command line, `--const` options, and diagnostics reported once across the
//! files of one run.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aqua_typecheck::{Checked, ConstOverride, LoadError, SourceLoader};
use codespan_reporting::diagnostic::{Diagnostic, Severity};

use crate::commands::report::Flat;

/// Reads imported files from disk.
pub(crate) struct FsLoader;

impl SourceLoader for FsLoader {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        Ok(std::fs::read_to_string(path)?)
    }

    fn absolute(&self, dir: &Path) -> std::path::PathBuf {
        // `std::path::absolute("")` fails: the folder of a file named without one is `.`.
        let dir = if dir.as_os_str().is_empty() { Path::new(".") } else { dir };
        std::path::absolute(dir).unwrap_or_else(|_| dir.to_path_buf())
    }
}

/// Parses the `--const` options; a malformed one is reported and gives exit code 2.
pub(crate) fn parse_constants(texts: &[String]) -> Result<Vec<ConstOverride>, ExitCode> {
    texts
        .iter()
        .map(|text| {
            ConstOverride::parse(text).map_err(|error| {
                eprintln!("error: invalid `--const {text}`: {error}");
                ExitCode::from(2)
            })
        })
        .collect()
}

/// The `.aqua` files named by the arguments: files as given, directories searched recursively
/// in name order. A directory reached again through a symbolic link (a link to an enclosing
/// folder makes a loop) is searched once.
pub(crate) fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    let mut searched = HashSet::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        if metadata.is_dir() {
            walk(path, &mut files, &mut searched)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(
    dir: &Path,
    files: &mut Vec<PathBuf>,
    searched: &mut HashSet<PathBuf>,
) -> Result<(), String> {
    let real = std::fs::canonicalize(dir)
        .map_err(|error| format!("cannot read directory `{}`: {error}", dir.display()))?;
    if !searched.insert(real) {
        return Ok(());
    }
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read directory `{}`: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files, searched)?;
        } else if path.extension().is_some_and(|e| e == "aqua") {
            files.push(path);
        }
    }
    Ok(())
}

/// The diagnostics of one run over several files: a problem in a module that several files
/// import is reported once, and errors and warnings are counted.
#[derive(Default)]
pub(crate) struct Reported {
    seen: HashSet<String>,
    /// Errors reported so far.
    pub errors: usize,
    /// Warnings reported so far.
    pub warnings: usize,
}

impl Reported {
    /// The diagnostics of `checked` not reported before, counted.
    pub fn fresh(&mut self, checked: &Checked) -> Vec<Diagnostic<usize>> {
        let fresh: Vec<Diagnostic<usize>> = checked
            .diagnostics()
            .into_iter()
            .filter(|diagnostic| self.seen.insert(Flat::of(checked, diagnostic).key()))
            .collect();
        for diagnostic in &fresh {
            match diagnostic.severity {
                Severity::Error | Severity::Bug => self.errors += 1,
                _ => self.warnings += 1,
            }
        }
        fresh
    }
}
