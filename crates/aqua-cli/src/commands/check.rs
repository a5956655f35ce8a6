//! `aqua check`: type-checks Aqua files and reports diagnostics for people or for CI.
//!
//! This module reads files (the checker itself does no IO) and prints; the rules live in
//! `aqua-typecheck`.

use std::collections::HashSet;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aqua_typecheck::{Checked, ConstOverride, Options, SourceLoader};
use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use codespan_reporting::files::Files;

use crate::cli::{CheckArgs, CheckFormat, ColorChoice};
use crate::render;

/// Reads imported files from disk.
pub(crate) struct FsLoader;

impl SourceLoader for FsLoader {
    fn load(&mut self, path: &Path) -> Option<String> {
        std::fs::read_to_string(path).ok()
    }
}

/// One diagnostic flattened for machine-readable output.
struct Flat {
    file: String,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
    severity: &'static str,
    code: String,
    message: String,
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

/// Runs `aqua check`: exit 0 when clean, 1 on errors, 2 for unreadable paths or bad options.
pub fn run(args: &CheckArgs, color: ColorChoice) -> ExitCode {
    let constants = match parse_constants(&args.constants) {
        Ok(constants) => constants,
        Err(code) => return code,
    };
    let files = match collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let options = Options { import_roots: args.imports.clone(), constants };
    let mut seen = HashSet::new();
    let (mut errors, mut warnings) = (0, 0);
    for file in &files {
        let checked = aqua_typecheck::check(file, None, &mut FsLoader, &options);
        let diagnostics: Vec<Diagnostic<usize>> =
            checked.diagnostics().into_iter().filter(|d| seen.insert(key(&checked, d))).collect();
        for diagnostic in &diagnostics {
            match diagnostic.severity {
                Severity::Error | Severity::Bug => errors += 1,
                _ => warnings += 1,
            }
        }
        emit(&checked, &diagnostics, args.format, color);
    }
    if args.format == CheckFormat::Human && errors + warnings > 0 {
        eprintln!("{}", render::summary(errors, warnings));
    }
    if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Identifies a diagnostic across checks, so a problem in a shared import is reported once.
fn key(checked: &Checked, diagnostic: &Diagnostic<usize>) -> String {
    let flat = flatten(checked, diagnostic);
    format!("{}:{}:{}:{}:{}", flat.file, flat.line, flat.column, flat.code, flat.message)
}

fn emit(
    checked: &Checked,
    diagnostics: &[Diagnostic<usize>],
    format: CheckFormat,
    color: ColorChoice,
) {
    let mut out = std::io::stdout().lock();
    match format {
        CheckFormat::Human => render::emit(checked.files.files(), diagnostics, color),
        CheckFormat::Json => {
            for diagnostic in diagnostics {
                let flat = flatten(checked, diagnostic);
                let object = serde_json::json!({
                    "file": flat.file,
                    "line": flat.line,
                    "column": flat.column,
                    "end": { "line": flat.end_line, "column": flat.end_column },
                    "severity": flat.severity,
                    "code": flat.code,
                    "message": flat.message,
                });
                if writeln!(out, "{object}").is_err() {
                    return;
                }
            }
        }
        CheckFormat::Github => {
            for diagnostic in diagnostics {
                let flat = flatten(checked, diagnostic);
                let level = if flat.severity == "error" { "error" } else { "warning" };
                let written = writeln!(
                    out,
                    "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
                    escape_property(&flat.file),
                    flat.line,
                    flat.column,
                    flat.end_line,
                    flat.end_column,
                    flat.code,
                    escape_data(&flat.message)
                );
                // A closed pipe (`| head`) ends the output quietly.
                if written.is_err() {
                    return;
                }
            }
        }
    }
}

/// The file, 1-based start and end positions, severity, code and message of a diagnostic.
fn flatten(checked: &Checked, diagnostic: &Diagnostic<usize>) -> Flat {
    let files = checked.files.files();
    let primary = diagnostic.labels.iter().find(|l| l.style == LabelStyle::Primary);
    let (file, start, end) = match primary {
        Some(label) => {
            let name = files.name(label.file_id).map(|n| n.to_string()).unwrap_or_default();
            let start = files.location(label.file_id, label.range.start).ok();
            let end = files.location(label.file_id, label.range.end).ok();
            (name, start, end)
        }
        None => (String::new(), None, None),
    };
    let (line, column) = start.map_or((1, 1), |l| (l.line_number, l.column_number));
    let (end_line, end_column) = end.map_or((line, column), |l| (l.line_number, l.column_number));
    let severity = match diagnostic.severity {
        Severity::Error | Severity::Bug => "error",
        Severity::Warning => "warning",
        Severity::Note | Severity::Help => "note",
    };
    Flat {
        file,
        line,
        column,
        end_line,
        end_column,
        severity,
        code: diagnostic.code.clone().unwrap_or_default(),
        message: diagnostic.message.clone(),
    }
}

/// Escapes a GitHub annotation message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a GitHub annotation property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

/// The `.aqua` files named by the arguments: files as given, directories searched recursively
/// in name order.
pub(crate) fn collect_files(paths: &[PathBuf]) -> Result<Vec<PathBuf>, String> {
    let mut files = Vec::new();
    for path in paths {
        let metadata = std::fs::metadata(path)
            .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
        if metadata.is_dir() {
            walk(path, &mut files)?;
        } else {
            files.push(path.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<(), String> {
    let entries = std::fs::read_dir(dir)
        .map_err(|error| format!("cannot read directory `{}`: {error}", dir.display()))?;
    let mut paths: Vec<PathBuf> = entries.filter_map(|e| e.ok().map(|e| e.path())).collect();
    paths.sort();
    for path in paths {
        if path.is_dir() {
            walk(&path, files)?;
        } else if path.extension().is_some_and(|e| e == "aqua") {
            files.push(path);
        }
    }
    Ok(())
}
