//! Helpers shared by the formatter's tests: the repository's Aqua files and the tree comparison
//! that ignores spans.
#![allow(dead_code)] // Each test binary uses a part of these helpers.

use std::path::{Path, PathBuf};

/// The repository root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Every `.aqua` file of the repository (examples, reference data, stdlib, test cases), sorted,
/// with its path relative to the root.
pub fn repository_files() -> Vec<(String, String)> {
    let mut files = Vec::new();
    for dir in
        ["examples", "stdlib", "tests/data/aqua", "tests/cases", "crates/aqua-fmt/tests/messy"]
    {
        collect(&root().join(dir), &mut files);
    }
    files.sort();
    files
        .into_iter()
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable test file");
            let name = path.strip_prefix(root()).unwrap_or(&path).display().to_string();
            (name, text)
        })
        .collect()
}

fn collect(dir: &Path, files: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            collect(&path, files);
        } else if path.extension().is_some_and(|ext| ext == "aqua") {
            files.push(path);
        }
    }
}

/// The tree of `src` as JSON without any span, for comparing trees of differently laid out text.
pub fn tree_without_spans(src: &str) -> serde_json::Value {
    let parsed = aqua_syntax::parse(src);
    let mut value = serde_json::to_value(&parsed.module).expect("the tree serializes");
    strip_spans(&mut value);
    value
}

fn strip_spans(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Object(map) => {
            map.remove("span");
            if map.len() == 2 && map.contains_key("start") && map.contains_key("end") {
                *value = serde_json::Value::Null;
                return;
            }
            map.values_mut().for_each(strip_spans);
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(strip_spans),
        _ => {}
    }
}

/// Checks the three laws on one source that parses without errors, and returns its formatting.
pub fn check_laws(name: &str, src: &str) -> String {
    let once = match aqua_fmt::format(src) {
        Ok(text) => text,
        Err(errors) => panic!("{name}: expected no syntax errors, got {errors:?}"),
    };
    let reparsed = aqua_syntax::parse(&once);
    assert!(
        reparsed.errors.is_empty(),
        "{name}: the formatted text has syntax errors {:?}\n{once}",
        reparsed.errors
    );
    assert_eq!(
        tree_without_spans(src),
        tree_without_spans(&once),
        "{name}: formatting changed the tree\n----- formatted\n{once}"
    );
    let twice = aqua_fmt::format(&once).expect("formatted text parses");
    assert_eq!(once, twice, "{name}: formatting is not idempotent\n----- once\n{once}");
    assert_eq!(
        aqua_fmt::trivia::comment_texts(src),
        aqua_fmt::trivia::comment_texts(&once),
        "{name}: comments differ\n----- formatted\n{once}"
    );
    once
}
