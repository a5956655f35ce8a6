//! `aqua air fmt` and `aqua air check`: read an AIR file (which may hold several scripts after
//! `;; ==== function NAME` lines), then format it or parse and validate every script in it.

use std::path::Path;
use std::process::ExitCode;

use codespan_reporting::diagnostic::Diagnostic;
use codespan_reporting::files::SimpleFile;

use crate::cli::{AirCheckArgs, AirFmtArgs, ColorChoice};
use crate::render;

/// Runs `aqua air fmt`: prints the canonical form, or with `--check` exits 1 when it differs.
pub fn fmt(args: &AirFmtArgs, color: ColorChoice) -> ExitCode {
    let Some(src) = read(&args.file) else { return ExitCode::FAILURE };
    let formatted = match air_syntax::format_document(&src, args.compact) {
        Ok(formatted) => formatted,
        Err(error) => {
            emit(&args.file, &src, &[error.to_diagnostic(())], color);
            return ExitCode::FAILURE;
        }
    };
    if args.check {
        if formatted == src {
            return ExitCode::SUCCESS;
        }
        eprintln!("{} is not in canonical AIR layout", args.file.display());
        return ExitCode::FAILURE;
    }
    print!("{formatted}");
    ExitCode::SUCCESS
}

/// Runs `aqua air check`: parses and validates every script, reports diagnostics, and exits 1
/// when any script has an error. A file with no script passes with a warning: a document of
/// scripts may hold none (the reference's output for a module it rejects is only comments), but
/// a script file left empty by mistake should not pass unremarked (AquaVM refuses an empty one).
pub fn check(args: &AirCheckArgs, color: ColorChoice) -> ExitCode {
    let Some(src) = read(&args.file) else { return ExitCode::FAILURE };
    let scripts = air_syntax::parse_scripts(&src);
    if scripts.is_empty() {
        eprintln!(
            "warning: {} holds no AIR script (only blank or comment lines)",
            args.file.display()
        );
        return ExitCode::SUCCESS;
    }
    let mut diagnostics = Vec::new();
    for (_, parsed) in scripts {
        match parsed {
            Ok(program) => diagnostics
                .extend(air_syntax::validate(&program).iter().map(|error| error.to_diagnostic(()))),
            Err(error) => diagnostics.push(error.to_diagnostic(())),
        }
    }
    if diagnostics.is_empty() {
        return ExitCode::SUCCESS;
    }
    emit(&args.file, &src, &diagnostics, color);
    ExitCode::FAILURE
}

fn read(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(src) => Some(src),
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", path.display());
            None
        }
    }
}

fn emit(path: &Path, src: &str, diagnostics: &[Diagnostic<()>], color: ColorChoice) {
    let file = SimpleFile::new(path.display().to_string(), src);
    render::emit(&file, diagnostics, color);
}
