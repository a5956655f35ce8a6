//! `aqua compile`: type-checks Aqua files and writes, per input file, one AIR script per
//! exported function plus a description of each with js-client's type descriptors (`air`), or
//! js-client code (`ts`, `js`), mirroring the input folders under the output folder; or prints
//! the AIR descriptions as JSON.
//!
//! This module does the IO; the checking is `aqua-typecheck`'s, the lowering `air-codegen`'s and
//! the client code `aqua-client`'s. Diagnostics are rendered as `aqua check` renders them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::rc::Rc;

use air_codegen::CompiledFunction;
use aqua_client::{ClientError, ClientModule, Target};
use aqua_typecheck::Checked;
use codespan_reporting::diagnostic::Severity;
use serde_json::{Map, Value as Json, json};

use crate::cli::{ColorChoice, CompileArgs, CompileTarget};
use crate::commands::air_map::{self, LocatedScript};
use crate::commands::input::{FsLoader, Reported, collect_files, parse_constants};
use crate::commands::report::Flat;
use crate::render;

/// What one input file produced.
struct Output {
    /// Where its outputs go under OUT: the input's path below the folder argument it was found
    /// in (its file name for a file argument), without the extension.
    relative: PathBuf,
    functions: Vec<CompiledFunction>,
    /// Its client side, with an error for each export js-client cannot carry.
    client: ClientModule,
    client_errors: Vec<ClientError>,
    /// Its place among the inputs.
    input: usize,
    /// The Aqua files its check loaded (shared by its group), for its source maps.
    sources: Rc<aqua_syntax::SourceMap>,
}

/// Runs `aqua compile`: exit 0 when everything compiled, 1 on errors, 2 for bad arguments.
pub fn run(args: &CompileArgs, color: ColorChoice) -> ExitCode {
    if let Err(code) = crate::commands::legacy::check_compile(args) {
        return code;
    }
    let constants = match parse_constants(&args.constants) {
        Ok(constants) => constants,
        Err(code) => return code,
    };
    if args.output.is_none() && !args.json && args.call.is_none() {
        eprintln!("error: give an output directory with `-o OUT`, or `--json`");
        return ExitCode::from(2);
    }
    let target = args.target();
    if target != CompileTarget::Air && (args.json || args.call.is_some()) {
        eprintln!(
            "error: `--json` and `--call` give AIR; they cannot be combined with `--target ts|js`"
        );
        return ExitCode::from(2);
    }
    let inputs = match inputs(&args.paths, args.output.is_some()) {
        Ok(inputs) => inputs,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    if args.call.is_some() && inputs.len() != 1 {
        eprintln!("error: `--call` needs exactly one file");
        return ExitCode::from(2);
    }
    let check_options = aqua_typecheck::Options { import_roots: args.imports.clone(), constants };
    let options = args.lowering.options();
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    let mut reported = Reported::default();
    let mut outputs = Vec::new();
    // One check of each group of files whose imports meet: a module several of them import is
    // checked once, and only one group's typed program is held at a time.
    let files: Vec<PathBuf> = inputs.iter().map(|(file, _)| file.clone()).collect();
    for (group, mut each) in aqua_typecheck::check_groups(&files, &mut FsLoader, &check_options) {
        let diagnostics = reported.fresh(&each.checked);
        for diagnostic in &diagnostics {
            let flat = Flat::of(&each.checked, diagnostic);
            if matches!(diagnostic.severity, Severity::Error | Severity::Bug) {
                errors.push(flat);
            } else {
                warnings.push(flat);
            }
        }
        if !args.json {
            render::emit(&each.checked.files, &diagnostics, color);
        }
        // The group's Aqua files, for the source maps of its outputs (lowering needs only the
        // typed program).
        let sources = Rc::new(std::mem::take(&mut each.checked.files));
        for (position, &index) in group.iter().enumerate() {
            let Some((file, relative)) = inputs.get(index) else { continue };
            if !each.is_ok(position) {
                continue;
            }
            let checked = &each.select(position).checked;
            match lower(checked, (index, relative), &sources, args.call.as_deref(), &options) {
                Ok(output) => {
                    if target != CompileTarget::Air {
                        for error in &output.client_errors {
                            reported.errors += 1;
                            eprintln!("error: {}: {error}", file.display());
                        }
                    }
                    outputs.push(output)
                }
                Err(error) => {
                    reported.errors += 1;
                    if !args.json {
                        let internal =
                            if error.is_internal() { "internal compiler error: " } else { "" };
                        eprintln!("error: {}: {internal}{error}", file.display());
                    }
                    let text = error.to_string();
                    let message = text.strip_prefix(error.code()).unwrap_or(&text).trim_start();
                    let name = file.display().to_string();
                    errors.push(Flat::file_error(&name, error.code(), message));
                }
            }
        }
    }
    // In the order of the inputs, whatever their groups.
    outputs.sort_by_key(|output| output.input);
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
            if let Err(message) = write_outputs(dir, &outputs, target) {
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

/// Lowers the exported functions of a checked file, or one `--call`, and describes them for
/// js-client.
fn lower(
    checked: &Checked,
    (input, relative): (usize, &Path),
    sources: &Rc<aqua_syntax::SourceMap>,
    call: Option<&str>,
    options: &air_codegen::Options,
) -> Result<Output, air_codegen::error::LowerError> {
    let functions = match call {
        Some(call) => air_codegen::compile_call(&checked.program, call, options).map(|f| vec![f]),
        None => air_codegen::compile(&checked.program, options),
    }?;
    let (client, client_errors) = aqua_client::describe_lenient(&checked.program, &functions);
    let sources = sources.clone();
    Ok(Output { relative: relative.to_owned(), functions, client, client_errors, input, sources })
}

/// The input files with their place under OUT (see [`Output::relative`]). Two different files
/// that would write the same outputs are an error when `writing`; a file given twice is compiled
/// once.
fn inputs(paths: &[PathBuf], writing: bool) -> Result<Vec<(PathBuf, PathBuf)>, String> {
    let mut inputs = Vec::new();
    let mut places: HashMap<PathBuf, PathBuf> = HashMap::new();
    for path in paths {
        for file in collect_files(std::slice::from_ref(path))? {
            let below = if file == *path {
                PathBuf::from(file.file_name().unwrap_or_default())
            } else {
                file.strip_prefix(path).map_or_else(|_| file.clone(), Path::to_path_buf)
            };
            let relative = below.with_extension("");
            let identity = std::fs::canonicalize(&file).unwrap_or_else(|_| file.clone());
            match places.get(&relative) {
                Some(other) if *other == identity => continue,
                Some(other) if writing => {
                    return Err(format!(
                        "`{}` and `{}` would both write `{}.*` in the output folder; compile them \
                         separately or from a common parent folder",
                        other.display(),
                        file.display(),
                        relative.display()
                    ));
                }
                _ => {
                    places.insert(relative.clone(), identity);
                    inputs.push((file, relative));
                }
            }
        }
    }
    Ok(inputs)
}

/// The description of one function, with its `FunctionCallDef` (`def`) when js-client can
/// call it, and with or without its AIR.
fn describe(function: &CompiledFunction, client: &ClientModule, with_air: bool) -> Json {
    let mut meta = function.meta.to_json();
    if let Json::Object(map) = &mut meta {
        if let Some(def) = client.functions.iter().find(|f| f.name == function.meta.name) {
            map.insert("def".into(), json!(def.def));
        }
        if with_air {
            map.insert("air".into(), Json::String(air_syntax::print_pretty(&function.air)));
        }
    }
    meta
}

/// The `ServiceDef` of every exported service js-client can serve.
fn service_defs(client: &ClientModule) -> Map<String, Json> {
    client.services.iter().map(|s| (s.name.to_string(), json!(s.def))).collect()
}

/// The functions with their AIR, and the diagnostics in the shape `check --format json` prints.
fn json_report(outputs: &[Output], errors: &[Flat], warnings: &[Flat]) -> Json {
    let (mut functions, mut services) = (Map::new(), Map::new());
    for output in outputs {
        for function in &output.functions {
            functions.insert(function.meta.name.clone(), describe(function, &output.client, true));
        }
        services.extend(service_defs(&output.client));
    }
    let flat = |list: &[Flat]| list.iter().map(Flat::to_json).collect::<Vec<_>>();
    json!({"functions": functions, "services": services, "errors": flat(errors),
        "warnings": flat(warnings)})
}

/// Writes each output into its folder under `dir`: `<stem>.<function>.air`, its source map
/// `<stem>.<function>.air.map.json` and `<stem>.meta.json` (air), `<stem>.ts` (ts), `<stem>.js`
/// and `<stem>.d.ts` (js).
fn write_outputs(dir: &Path, outputs: &[Output], target: CompileTarget) -> Result<(), String> {
    for output in outputs {
        let base = dir.join(&output.relative);
        let folder = base.parent().unwrap_or(dir);
        std::fs::create_dir_all(folder).map_err(|e| {
            // `create_dir_all` says "File exists" for a file where a folder should be.
            match folder.ancestors().find(|path| path.is_file()) {
                Some(file) if file == folder => {
                    format!("cannot write into `{}`: it is a file, not a folder", file.display())
                }
                Some(file) => format!(
                    "cannot create the output folder `{}`: `{}` is a file",
                    folder.display(),
                    file.display()
                ),
                None => format!("cannot create `{}`: {e}", folder.display()),
            }
        })?;
        let stem = base.file_name().unwrap_or_default().to_string_lossy().into_owned();
        let source = output.relative.with_extension("aqua").to_string_lossy().replace('\\', "/");
        match target {
            CompileTarget::Air => {
                let mut meta = Map::new();
                for function in &output.functions {
                    let air = format!("{stem}.{}.air", function.meta.name);
                    write(&folder.join(&air), air_syntax::print_pretty(&function.air))?;
                    match LocatedScript::new(function) {
                        Ok(located) => {
                            let map = air_map::map_file(&located, &air, &output.sources);
                            let map = serde_json::to_string(&map).unwrap_or_default();
                            write(&folder.join(format!("{air}.map.json")), map + "\n")?;
                        }
                        // An internal compiler error, but the script may still be of use.
                        Err(error) => eprintln!("warning: no source map for `{air}`: {error}"),
                    }
                    let description = describe(function, &output.client, false);
                    meta.insert(function.meta.name.clone(), description);
                }
                let services = service_defs(&output.client);
                let meta = json!({"functions": meta, "services": services});
                let text = serde_json::to_string_pretty(&meta).unwrap_or_default();
                write(&folder.join(format!("{stem}.meta.json")), text + "\n")?;
            }
            CompileTarget::Ts => {
                let generated = aqua_client::generate(&output.client, Target::TypeScript, &source);
                write(&folder.join(format!("{stem}.ts")), generated.code)?;
            }
            CompileTarget::Js => {
                let generated = aqua_client::generate(&output.client, Target::JavaScript, &source);
                write(&folder.join(format!("{stem}.js")), generated.code)?;
                let declarations = generated.declarations.unwrap_or_default();
                write(&folder.join(format!("{stem}.d.ts")), declarations)?;
            }
        }
    }
    Ok(())
}

fn write(path: &Path, text: String) -> Result<(), String> {
    std::fs::write(path, text).map_err(|e| format!("cannot write `{}`: {e}", path.display()))
}
