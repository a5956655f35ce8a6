//! `aqua parse`: prints the syntax tree of one file, or its syntax errors.

use std::process::ExitCode;

use aqua_syntax::SourceMap;

use crate::cli::{ColorChoice, ParseArgs};
use crate::render;

/// Runs `aqua parse`: exit 0 with the tree on stdout, 1 with diagnostics on stderr, 2 if the file
/// cannot be read.
pub fn run(args: &ParseArgs, color: ColorChoice) -> ExitCode {
    let name = args.file.display().to_string();
    let source = match std::fs::read_to_string(&args.file) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("error: cannot read `{name}`: {error}");
            return ExitCode::from(2);
        }
    };
    let parsed = aqua_syntax::parse(&source);
    if args.json {
        match serde_json::to_string_pretty(&parsed.module) {
            Ok(json) => println!("{json}"),
            Err(error) => {
                eprintln!("error: cannot serialise the syntax tree: {error}");
                return ExitCode::from(2);
            }
        }
    } else {
        print!("{}", aqua_syntax::pretty::outline(&parsed.module));
    }
    if parsed.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    let mut files = SourceMap::new();
    let file = files.add(name, source.as_str());
    let diagnostics: Vec<_> =
        parsed.errors.iter().map(|e| e.to_diagnostic(file, &source)).collect();
    render::emit(files.files(), &diagnostics, color);
    eprintln!("{}", render::summary(parsed.errors.len(), 0));
    ExitCode::FAILURE
}
