//! `aqua service from-wasm`: the Aqua declaration of a WebAssembly component.

use std::process::ExitCode;

use crate::cli::FromWasmArgs;

/// Runs `aqua service from-wasm`: prints the declaration, or exits 1 if the file is not a usable
/// component (or exports no function) or the id or name cannot be written in Aqua, and 2 if it
/// cannot be read.
#[cfg(feature = "wasm")]
pub fn from_wasm(args: &FromWasmArgs) -> ExitCode {
    use air_wasm_host::{Limits, WasmService, aqua_declaration};

    if let Some(problem) = unwritable(args) {
        eprintln!("error: {problem}");
        return ExitCode::FAILURE;
    }
    let bytes = match std::fs::read(&args.file) {
        Ok(bytes) => bytes,
        Err(error) => {
            eprintln!("error: cannot read `{}`: {error}", args.file.display());
            return ExitCode::from(2);
        }
    };
    let service = match WasmService::load(&bytes, Limits::default()) {
        Ok(service) => service,
        Err(error) => {
            eprintln!("error: `{}`: {error}", args.file.display());
            return ExitCode::FAILURE;
        }
    };
    if service.functions().is_empty() {
        eprintln!(
            "error: `{}` exports no function: an Aqua service declares at least one",
            args.file.display()
        );
        return ExitCode::FAILURE;
    }
    let name = args.name.clone().unwrap_or_else(|| service_name(&args.file));
    print!("{}", aqua_declaration(&name, &args.id, service.functions()));
    ExitCode::SUCCESS
}

/// Why `--id` or `--name` cannot stand in an Aqua declaration, if so: an Aqua string has no
/// escapes, and a service's name is a capitalised name.
#[cfg(feature = "wasm")]
fn unwritable(args: &FromWasmArgs) -> Option<String> {
    if args.id.contains(['"', '\n', '\r']) {
        return Some(format!(
            "--id {:?}: an Aqua string cannot hold a quote or a line break",
            args.id
        ));
    }
    let name = args.name.as_deref()?;
    let capitalised = name.starts_with(|c: char| c.is_ascii_uppercase())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    (!capitalised).then(|| {
        format!(
            "--name `{name}`: a service's name is a capital letter, then letters, digits or `_`"
        )
    })
}

/// Without the `wasm` feature there is no component support to ask.
#[cfg(not(feature = "wasm"))]
pub fn from_wasm(_args: &FromWasmArgs) -> ExitCode {
    eprintln!("error: this `aqua` was built without WebAssembly support (cargo feature `wasm`)");
    ExitCode::from(2)
}

/// `my-service.wasm` → `MyService`.
#[cfg(feature = "wasm")]
fn service_name(file: &std::path::Path) -> String {
    let stem = file.file_stem().and_then(|s| s.to_str()).unwrap_or("Service");
    let name: String = stem
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
                .unwrap_or_default()
        })
        .collect();
    if name.starts_with(|c: char| c.is_ascii_uppercase()) { name } else { format!("Service{name}") }
}
