//! `aqua check`: type-checks Aqua files and reports diagnostics for people or for CI.
//!
//! This module reads files (the checker itself does no IO) and prints; the rules live in
//! `aqua-typecheck`.

use std::io::Write;
use std::process::ExitCode;

use aqua_typecheck::{Checked, Options};
use codespan_reporting::diagnostic::Diagnostic;

use crate::cli::{CheckArgs, CheckFormat, ColorChoice};
use crate::commands::input::{FsLoader, Reported, collect_files, parse_constants};
use crate::commands::report::Flat;
use crate::render;

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
    let mut reported = Reported::default();
    // One check of each group of files whose imports meet: a module several of them import is
    // checked once, and only one group's typed program is held at a time.
    for (_, each) in aqua_typecheck::check_groups(&files, &mut FsLoader, &options) {
        let diagnostics = reported.fresh(&each.checked);
        emit(&each.checked, &diagnostics, args.format, color);
    }
    let (errors, warnings) = (reported.errors, reported.warnings);
    if args.format == CheckFormat::Human && errors + warnings > 0 {
        eprintln!("{}", render::summary(errors, warnings));
    }
    if errors > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

fn emit(
    checked: &Checked,
    diagnostics: &[Diagnostic<usize>],
    format: CheckFormat,
    color: ColorChoice,
) {
    if format == CheckFormat::Human {
        render::emit(&checked.files, diagnostics, color);
        return;
    }
    // Buffered: standard output writes each line on its own otherwise.
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for diagnostic in diagnostics {
        let flat = Flat::of(checked, diagnostic);
        let line = match format {
            CheckFormat::Github => flat.to_github(),
            _ => flat.to_json().to_string(),
        };
        // A closed pipe (`| head`) ends the output quietly.
        if writeln!(out, "{line}").is_err() {
            return;
        }
    }
    let _ = out.flush();
}
