//! Data-driven type-checker tests: every `tests/cases/types/*.aqua` is checked and its
//! diagnostics are snapshot. Files named `NNN-warn-*.aqua` must check with warnings only; every
//! other file must be rejected with at least one type error and no syntax error.
//!
//! A line `-- const: NAME = VALUE` at the top of a case passes `--const NAME = VALUE`. Modules
//! that cases import live in `tests/cases/types/lib/`.

// The test reads its fixtures from disk; the library itself does no IO.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};

use aqua_syntax::diagnostics::render_plain;
use aqua_typecheck::{ConstOverride, MemoryLoader, Options};

const CASES: &str = "tests/cases/types";

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every case and library file, keyed by its path relative to the repository root.
fn loader() -> MemoryLoader {
    let mut loader = MemoryLoader::new();
    for dir in [CASES.to_string(), format!("{CASES}/lib")] {
        for entry in std::fs::read_dir(repo_root().join(&dir)).expect("cases directory") {
            let path = entry.expect("directory entry").path();
            if path.extension().is_some_and(|e| e == "aqua") {
                let name = path.file_name().expect("file name").to_string_lossy().into_owned();
                let source = std::fs::read_to_string(&path).expect("case file");
                loader.add(format!("{dir}/{name}"), source);
            }
        }
    }
    loader
}

fn options(source: &str) -> Options {
    let constants = source
        .lines()
        .filter_map(|line| line.strip_prefix("-- const: "))
        .map(|text| ConstOverride::parse(text).expect("valid override in a case"))
        .collect();
    Options { import_roots: Vec::new(), constants }
}

#[test]
fn type_cases() {
    insta::glob!("../../../tests/cases/types", "*.aqua", |path| {
        let name = path.file_name().expect("file name").to_string_lossy().into_owned();
        let source = std::fs::read_to_string(path).expect("case file");
        let relative = format!("{CASES}/{name}");
        let checked =
            aqua_typecheck::check(Path::new(&relative), None, &mut loader(), &options(&source));
        let rendered = render_plain(&checked.files, &checked.diagnostics());
        assert!(checked.syntax_errors.is_empty(), "{name} has syntax errors:\n{rendered}");
        if name.contains("-warn-") {
            assert!(checked.errors.is_empty(), "{name} must only warn:\n{rendered}");
            assert!(!checked.warnings.is_empty(), "{name} must warn");
        } else {
            assert!(!checked.errors.is_empty(), "{name} must be rejected");
        }
        insta::assert_snapshot!(format!("----- SOURCE\n{source}----- DIAGNOSTICS\n{rendered}"));
    });
}
