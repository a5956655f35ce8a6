//! `aqua compile`: type-checks Aqua files and writes one AIR script per exported function plus a
//! description of each for client generators, or prints them all as JSON.
//!
//! This module does the IO; the checking is `aqua-typecheck`'s and the lowering `air-codegen`'s.
//! Diagnostics are rendered as `aqua check` renders them.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use air_codegen::CompiledFunction;
use aqua_typecheck::Checked;
use codespan_reporting::diagnostic::{Diagnostic, Severity};
use serde_json::{Map, Value as Json, json};

use crate::cli::{ColorChoice, CompileArgs};
use crate::commands::check::{FsLoader, collect_files, parse_constants};
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
    let (mut error_count, mut warning_count) = (0, 0);
    let mut outputs = Vec::new();
    let mut seen = HashSet::new();
    for file in &files {
        let checked = aqua_typecheck::check(file, None, &mut FsLoader, &check_options);
        let diagnostics: Vec<Diagnostic<usize>> = checked
            .diagnostics()
            .into_iter()
            .filter(|d| {
                seen.insert(format!(
                    "{:?}{:?}{}",
                    d.code,
                    d.labels.first().map(|l| (l.file_id, l.range.clone())),
                    d.message
                ))
            })
            .collect();
        for diagnostic in &diagnostics {
            let text = aqua_syntax::diagnostics::render_plain(
                &checked.files,
                std::slice::from_ref(diagnostic),
            );
            if matches!(diagnostic.severity, Severity::Error | Severity::Bug) {
                error_count += 1;
                errors.push(text);
            } else {
                warning_count += 1;
                warnings.push(text);
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
            Err(message) => {
                error_count += 1;
                if !args.json {
                    eprintln!("error: {}: {message}", file.display());
                }
                errors.push(format!("{}: {message}", file.display()));
            }
        }
    }
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
) -> Result<Output, String> {
    let stem =
        file.file_stem().map_or_else(|| "out".to_owned(), |s| s.to_string_lossy().into_owned());
    let functions = match call {
        Some(call) => air_codegen::compile_call(&checked.program, call, options).map(|f| vec![f]),
        None => air_codegen::compile(&checked.program, options),
    };
    let functions = functions.map_err(|error| format!("internal compiler error: {error}"))?;
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

fn json_report(outputs: &[Output], errors: &[String], warnings: &[String]) -> Json {
    let mut functions = Map::new();
    for function in outputs.iter().flat_map(|o| &o.functions) {
        functions.insert(function.meta.name.clone(), describe(function, true));
    }
    json!({"functions": functions, "errors": errors, "warnings": warnings})
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
