//! `aqua check` on the examples, on broken programs, with imports, overrides and CI formats.

use std::path::PathBuf;

use crate::support::{aqua, data_file, stderr, stdout};

/// Writes `text` to `relative` under a per-process directory, creating subdirectories.
fn nested_file(relative: &str, text: &str) -> PathBuf {
    let path = crate::support::scratch_path("check").join(relative);
    std::fs::create_dir_all(path.parent().expect("a parent directory")).expect("directories");
    std::fs::write(&path, text).expect("file");
    path
}

#[test]
fn check_accepts_the_examples_with_warnings_only() {
    for name in ["01-hello.aqua", "02-modules.aqua", "24-abilities.aqua", "35-builtin-lib.aqua"] {
        let out = aqua(&["--color", "never", "check", &data_file("aqua", name)]);
        assert!(out.status.success(), "{name}: {}", stderr(&out));
    }
}

#[test]
fn check_reports_errors_with_codes_and_exit_1() {
    let out = aqua(&["--color", "never", "check", &data_file("aqua", "36-compile-errors.aqua")]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    for code in ["error[T001]", "error[T002]", "error[T003]", "warning[T053]"] {
        assert!(text.contains(code), "{code} missing in {text}");
    }
    assert!(text.contains("4 errors"), "{text}");
}

#[test]
fn check_json_has_one_object_per_diagnostic() {
    let file = data_file("aqua", "36-compile-errors.aqua");
    let out = aqua(&["check", "--format", "json", &file]);
    assert_eq!(out.status.code(), Some(1));
    let objects: Vec<serde_json::Value> = stdout(&out)
        .lines()
        .map(|line| serde_json::from_str(line).expect("one JSON object per line"))
        .collect();
    let errors: Vec<&serde_json::Value> =
        objects.iter().filter(|o| o["severity"] == "error").collect();
    assert_eq!(errors.len(), 4, "{objects:?}");
    let first = errors[0];
    assert_eq!((first["line"].as_u64(), first["column"].as_u64()), (Some(15), Some(17)));
    assert_eq!(first["code"], "T002");
    assert!(first["file"].as_str().is_some_and(|f| f.ends_with("36-compile-errors.aqua")));
}

#[test]
fn check_github_prints_workflow_annotations() {
    let out = aqua(&["check", "--format", "github", &data_file("aqua", "36-compile-errors.aqua")]);
    let text = stdout(&out);
    assert!(
        text.lines().any(|l| l.starts_with("::error file=") && l.contains("title=T001::")),
        "{text}"
    );
}

#[test]
fn check_resolves_import_roots_and_reports_missing_modules() {
    let lib = nested_file("lib/Shared.aqua", "aqua Shared declares *\n\nconst LIMIT = 3\n");
    let main = nested_file(
        "app/main.aqua",
        "aqua Main\n\nimport \"Shared\"\n\nfunc f() -> u32:\n  <- LIMIT\n",
    );
    let root = lib.parent().expect("lib dir").to_string_lossy().into_owned();
    let main = main.to_string_lossy().into_owned();
    let without = aqua(&["--color", "never", "check", &main]);
    assert_eq!(without.status.code(), Some(1));
    assert!(
        stderr(&without).contains("error[T023]: cannot find module `Shared`"),
        "{}",
        stderr(&without)
    );
    let with = aqua(&["--color", "never", "check", "-I", &root, &main]);
    assert!(with.status.success(), "{}", stderr(&with));
}

#[test]
fn a_file_that_is_not_utf8_is_unreadable_not_missing() {
    let broken = crate::support::scratch_path("latin1.aqua");
    std::fs::write(&broken, b"aqua Latin\n\n-- caf\xe9\n").expect("file");
    let main = nested_file("uses-latin1.aqua", "aqua Main\n\nimport \"../latin1.aqua\"\n");
    for (path, at) in [(&broken, "latin1.aqua:1:1"), (&main, "uses-latin1.aqua:3:8")] {
        let out = aqua(&["--color", "never", "check", &path.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(1));
        let text = stderr(&out);
        let expected = "error[T041]: cannot read module `";
        assert!(text.contains(expected) && text.contains("valid UTF-8"), "{text}");
        assert!(text.contains(at) && !text.contains("T023"), "{text}");
    }
}

#[test]
fn check_finds_packages_in_node_modules_above_the_working_directory() {
    // An npm-installed package two folders above the file, which is named relative to the
    // working directory: the walk goes up from the file's absolute folder, as Node.js does.
    nested_file(
        "proj/node_modules/@acme/spell/spell.aqua",
        "aqua Spell declares *\n\nconst SPELL = \"spell\"\n",
    );
    let main = nested_file(
        "proj/src/app/main.aqua",
        "aqua Main\n\nimport \"@acme/spell/spell.aqua\"\n\nfunc f() -> string:\n  <- SPELL\n",
    );
    let output = crate::support::aqua_command(&["--color", "never", "check", "main.aqua"])
        .current_dir(main.parent().expect("app dir"))
        .output()
        .expect("the aqua binary runs");
    assert!(output.status.success(), "{}", stderr(&output));
}

#[test]
fn check_const_overrides_are_validated() {
    let file = data_file("aqua", "03-constants.aqua");
    let ok = aqua(&["check", "--const", "LIMIT = 10", "--const", "ENABLED=false", &file]);
    assert!(ok.status.success(), "{}", stderr(&ok));
    let unknown = aqua(&["--color", "never", "check", "--const", "LIMT = 1", &file]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("did you mean `LIMIT`?"), "{}", stderr(&unknown));
    let bad = aqua(&["check", "--const", "LIMIT", &file]);
    assert_eq!(bad.status.code(), Some(2));
}

#[test]
fn check_walks_directories_and_fails_on_missing_paths() {
    let out = aqua(&["check", "--format", "json", &data_file("aqua", "")]);
    assert_eq!(out.status.code(), Some(1), "36-compile-errors.aqua is in the directory");
    let missing = aqua(&["check", "no/such/file.aqua"]);
    assert_eq!(missing.status.code(), Some(2));
}
