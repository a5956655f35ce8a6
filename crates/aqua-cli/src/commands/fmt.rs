//! `aqua fmt`: rewrites Aqua files in the canonical layout of `aqua-fmt`, checks that they are in
//! it (`--check`), or formats standard input to standard output (`-`).
//!
//! A file with syntax errors is left untouched and its errors are reported.

use std::io::{Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use aqua_syntax::SourceMap;

use crate::cli::{ColorChoice, FmtArgs};
use crate::commands::input::collect_files;
use crate::render;

/// What happened to one file.
enum Outcome {
    Unchanged,
    Changed,
    /// Syntax errors, already reported.
    Invalid,
}

/// Runs `aqua fmt`: exit 0 when everything is formatted (or was rewritten), 1 when a file has
/// syntax errors or, with `--check`, would change; 2 when a path cannot be read or written.
pub fn run(args: &FmtArgs, color: ColorChoice) -> ExitCode {
    if args.paths.iter().any(|p| p.as_os_str() == "-") {
        if args.paths.len() > 1 {
            eprintln!("error: `-` (standard input) cannot be combined with other paths");
            return ExitCode::from(2);
        }
        return stdin(args.check, color);
    }
    let files = match collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let mut failed = false;
    for path in &files {
        match file(path, args.check, color) {
            Ok(Outcome::Unchanged) => {}
            Ok(Outcome::Changed) if args.check => {
                println!("{}", path.display());
                failed = true;
            }
            Ok(Outcome::Changed) => {}
            Ok(Outcome::Invalid) => failed = true,
            Err(message) => {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Formats one file in place (or only compares, with `check`).
fn file(path: &PathBuf, check: bool, color: ColorChoice) -> Result<Outcome, String> {
    let source = std::fs::read_to_string(path)
        .map_err(|error| format!("cannot read `{}`: {error}", path.display()))?;
    let Some(formatted) = format_or_report(&path.display().to_string(), &source, color) else {
        return Ok(Outcome::Invalid);
    };
    if formatted == source {
        return Ok(Outcome::Unchanged);
    }
    if !check {
        write_file(path, &formatted)?;
    }
    Ok(Outcome::Changed)
}

/// Writes through a temporary file renamed over the original, so that an interrupted run never
/// leaves a half-written source.
fn write_file(path: &Path, text: &str) -> Result<(), String> {
    let mut temporary = path.as_os_str().to_owned();
    temporary.push(".aqua-fmt.tmp");
    let temporary = PathBuf::from(temporary);
    std::fs::write(&temporary, text).and_then(|()| std::fs::rename(&temporary, path)).map_err(
        |error| {
            let _ = std::fs::remove_file(&temporary);
            format!("cannot write `{}`: {error}", path.display())
        },
    )
}

/// Formats standard input to standard output; with `check`, prints nothing and exits 1 when the
/// input is not formatted.
fn stdin(check: bool, color: ColorChoice) -> ExitCode {
    let mut source = String::new();
    if let Err(error) = std::io::stdin().read_to_string(&mut source) {
        eprintln!("error: cannot read standard input: {error}");
        return ExitCode::from(2);
    }
    let Some(formatted) = format_or_report("<stdin>", &source, color) else {
        return ExitCode::FAILURE;
    };
    if check {
        return if formatted == source { ExitCode::SUCCESS } else { ExitCode::FAILURE };
    }
    let mut stdout = std::io::stdout().lock();
    if let Err(error) = stdout.write_all(formatted.as_bytes()).and_then(|()| stdout.flush()) {
        eprintln!("error: cannot write standard output: {error}");
        return ExitCode::from(2);
    }
    ExitCode::SUCCESS
}

/// The formatted text, or `None` after reporting the syntax errors.
fn format_or_report(name: &str, source: &str, color: ColorChoice) -> Option<String> {
    match aqua_fmt::format(source) {
        Ok(formatted) => Some(formatted),
        Err(errors) => {
            let mut files = SourceMap::new();
            let file = files.add(name, source);
            let diagnostics: Vec<_> =
                errors.iter().map(|e| e.to_diagnostic(file, source)).collect();
            render::emit(&files, &diagnostics, color);
            eprintln!("{}: not formatted: {}", name, render::summary(errors.len(), 0));
            None
        }
    }
}
