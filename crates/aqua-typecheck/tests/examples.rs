//! Every example of `tests/data/aqua` type-checks (except `36-compile-errors.aqua`, which fails
//! with the reference compiler's errors), and the typed signatures of its functions are snapshot.

// The test reads its fixtures from disk; the library itself does no IO.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::fmt::Write;
use std::path::{Path, PathBuf};

use aqua_syntax::diagnostics::render_plain;
use aqua_typecheck::tast::{ExportTarget, Program};
use aqua_typecheck::{Checked, MemoryLoader, Options};

fn data_dir() -> PathBuf {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/aqua");
    dir.canonicalize().expect("example directory")
}

/// A loader serving every example file.
fn loader() -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    let dir = data_dir();
    for entry in std::fs::read_dir(&dir).expect("example directory") {
        let path = entry.expect("directory entry").path();
        if path.extension().is_some_and(|e| e == "aqua") {
            let source = std::fs::read_to_string(&path).expect("example file");
            loader.add(path, source);
        }
    }
    loader
}

fn check_example(name: &str) -> Checked {
    let path = data_dir().join(name);
    aqua_typecheck::check(&path, None, &mut loader(), &Options::default())
}

/// The functions and exports of the entry module, one per line.
fn signatures(program: &Program) -> String {
    let mut out = String::new();
    let Some(entry) = program.entry else { return out };
    for func in program.functions.iter().filter(|f| f.module == entry) {
        let _ = writeln!(out, "func {}: {}", func.name, func.ty);
    }
    for service in program.services.iter().filter(|s| s.module == entry) {
        let methods: Vec<String> =
            service.ty.methods.iter().map(|(n, a)| format!("{n}: {a}")).collect();
        let _ = writeln!(out, "service {}: {}", service.name, methods.join("; "));
    }
    for export in &program.exports {
        let target = match export.target {
            ExportTarget::Func(id) => format!("func #{}", id.0),
            ExportTarget::Service(id) => format!("service #{}", id.0),
            ExportTarget::Const(id) => format!("const #{}", id.0),
            ExportTarget::Type => "type".to_string(),
        };
        let _ = writeln!(out, "export {} -> {target}", export.name);
    }
    out
}

fn render(checked: &Checked) -> String {
    let text = render_plain(&checked.files, &checked.diagnostics());
    text.replace(&data_dir().to_string_lossy().into_owned(), "tests/data/aqua")
}

#[test]
fn examples_check_and_signatures_match() {
    let mut names: Vec<String> = std::fs::read_dir(data_dir())
        .expect("example directory")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".aqua"))
        .collect();
    names.sort();
    let mut failures = Vec::new();
    for name in &names {
        let checked = check_example(name);
        let rendered = render(&checked);
        if name == "36-compile-errors.aqua" {
            continue;
        }
        if !checked.is_ok() {
            failures.push(format!("{name}:\n{rendered}"));
            continue;
        }
        let typed = aqua_typecheck::print::program(&checked.program);
        let snapshot = format!(
            "{}\n----- TYPED\n{typed}\n----- WARNINGS\n{rendered}",
            signatures(&checked.program)
        );
        insta::assert_snapshot!(name.trim_end_matches(".aqua").to_string(), snapshot);
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn compile_errors_example_reports_the_reference_errors() {
    let checked = check_example("36-compile-errors.aqua");
    let codes: Vec<&str> = checked.errors.iter().map(|e| e.value.code()).collect();
    assert_eq!(codes, ["T002", "T003", "T002", "T001"]);
    insta::assert_snapshot!(render(&checked));
}

#[test]
fn stdlib_checks_cleanly() {
    for (key, source) in aqua_typecheck::stdlib::FILES {
        let checked = aqua_typecheck::check_source(key, source);
        assert!(checked.is_ok(), "{key}: {}", render(&checked));
    }
}
