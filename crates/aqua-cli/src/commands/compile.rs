//! `aqua compile`: type-checks Aqua files and writes one AIR script per exported function plus a
//! description of each for client generators, or prints them all as JSON.
//!
//! This module does the IO; the checking is `aqua-typecheck`'s and the lowering `air-codegen`'s.
//! Diagnostics are rendered as `aqua check` renders them.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use air_codegen::CompiledFunction;
use aqua_typecheck::Checked;
use codespan_reporting::diagnostic::Severity;
use serde_json::{Map, Value as Json, json};

use crate::cli::{ColorChoice, CompileArgs};
use crate::commands::input::{FsLoader, Reported, collect_files, parse_constants};
use crate::commands::report::Flat;
use crate::render;

/// What one input file produced.
struct Output {
    stem: String,
    functions: Vec<CompiledFunction>,
}

/// Runs `aqua compile`: exit 0 when everything compiled, 1 on errors, 2 for bad arguments.
pub fn run(args: &CompileArgs, color: ColorChoice) -> ExitCode {
    let constants = match parse_constants(&args.constants) {
        Ok(constants) => constants,
        Err(code) => return code,
    };
    if args.output.is_none() && !args.json && args.call.is_none() {
        eprintln!("error: give an output directory with `-o OUT`, or `--json`");
        return ExitCode::from(2);
    }
    let files = match collect_files(&args.paths) {
        Ok(files) => files,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if args.call.is_some() && files.len() != 1 {
        eprintln!("error: `--call` needs exactly one file");
        return ExitCode::from(2);
    }
    let check_options = aqua_typecheck::Options { import_roots: args.imports.clone(), constants };
    let options = air_codegen::Options {
        no_xor: args.no_xor,
        no_relay: args.no_relay,
        tracing: args.tracing,
        empty_response: args.empty_response,
    };
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let mut reported = Reported::default();
    let mut outputs = Vec::new();
    for file in &files {
        let checked = aqua_typecheck::check(file, None, &mut FsLoader, &check_options);
        let diagnostics = reported.fresh(&checked);
        for diagnostic in &diagnostics {
            let flat = Flat::of(&checked, diagnostic);
            if matches!(diagnostic.severity, Severity::Error | Severity::Bug) {
                errors.push(flat);
            } else {
                warnings.push(flat);
            }
        }
        if !args.json {
            render::emit(checked.files.files(), &diagnostics, color);
        }
        if !checked.is_ok() {
            continue;
        }
        match lower(&checked, file, args.call.as_deref(), &options) {
            Ok(output) => outputs.push(output),
            Err(error) => {
                reported.errors += 1;
                if !args.json {
                    eprintln!("error: {}: internal compiler error: {error}", file.display());
                }
                let text = error.to_string();
                // A lowering error's text starts with its code (`L007 invalid function call`).
                let (code, message) = text.split_once(' ').unwrap_or(("", text.as_str()));
                errors.push(Flat::file_error(&file.display().to_string(), code, message));
            }
        }
    }
    let (error_count, warning_count) = (reported.errors, reported.warnings);
    let code = if error_count > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS };
    if args.json {
        println!("{}", json_report(&outputs, &errors, &warnings));
        return code;
    }
    if error_count + warning_count > 0 {
        eprintln!("{}", render::summary(error_count, warning_count));
    }
    match (&args.output, &args.call) {
        (Some(dir), _) => {
            if let Err(message) = write_outputs(dir, &outputs) {
                eprintln!("error: {message}");
                return ExitCode::from(2);
            }
        }
        (None, Some(_)) => {
            for function in outputs.iter().flat_map(|o| &o.functions) {
                print!("{}", air_syntax::print_pretty(&function.air));
            }
        }
        (None, None) => {}
    }
    code
}

/// Lowers the exported functions of a checked file, or one `--call`.
fn lower(
    checked: &Checked,
    file: &Path,
    call: Option<&str>,
    options: &air_codegen::Options,
) -> Result<Output, air_codegen::error::LowerError> {
    let stem =
        file.file_stem().map_or_else(|| "out".to_owned(), |s| s.to_string_lossy().into_owned());
    let functions = match call {
        Some(call) => air_codegen::compile_call(&checked.program, call, options).map(|f| vec![f]),
        None => air_codegen::compile(&checked.program, options),
    }?;
    Ok(Output { stem, functions })
}

/// The description of one function, with or without its AIR.
fn describe(function: &CompiledFunction, with_air: bool) -> Json {
    let mut meta = function.meta.to_json();
    if with_air && let Json::Object(map) = &mut meta {
        map.insert("air".into(), Json::String(air_syntax::print_pretty(&function.air)));
    }
    meta
}

/// The functions with their AIR, and the diagnostics in the shape `check --format json` prints.
fn json_report(outputs: &[Output], errors: &[Flat], warnings: &[Flat]) -> Json {
    let mut functions = Map::new();
    for function in outputs.iter().flat_map(|o| &o.functions) {
        functions.insert(function.meta.name.clone(), describe(function, true));
    }
    let flat = |list: &[Flat]| list.iter().map(Flat::to_json).collect::<Vec<_>>();
    json!({"functions": functions, "errors": flat(errors), "warnings": flat(warnings)})
}

/// Writes `OUT/<stem>.<function>.air` and `OUT/<stem>.meta.json`.
fn write_outputs(dir: &PathBuf, outputs: &[Output]) -> Result<(), String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("cannot create `{}`: {e}", dir.display()))?;
    for output in outputs {
        let mut meta = Map::new();
        for function in &output.functions {
            let path = dir.join(format!("{}.{}.air", output.stem, function.meta.name));
            std::fs::write(&path, air_syntax::print_pretty(&function.air))
                .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
            meta.insert(function.meta.name.clone(), describe(function, false));
        }
        let path = dir.join(format!("{}.meta.json", output.stem));
        let text = serde_json::to_string_pretty(&json!({"functions": meta})).unwrap_or_default();
        std::fs::write(&path, text + "\n")
            .map_err(|e| format!("cannot write `{}`: {e}", path.display()))?;
    }
    Ok(())
}
