//! Broken programs: each must report at least one syntax error, and the rendered diagnostics
//! must match the snapshot.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

#[test]
fn bad_inputs_report_errors() {
    insta::glob!("../../../tests/cases/syntax", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("case is readable");
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("case");
        let parsed = aqua_syntax::parse(&src);
        assert!(!parsed.errors.is_empty(), "{name} parsed without errors");
        let rendered = aqua_syntax::diagnostics::render_errors(name, &src, &parsed.errors);
        insta::assert_snapshot!(format!("----- SOURCE\n{src}----- ERRORS\n{rendered}"));
    });
}
