//! Every example program parses without errors, and its tree matches the snapshot.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

#[test]
fn examples_parse_cleanly() {
    insta::glob!("../../../tests/data/aqua", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("example is readable");
        let parsed = aqua_syntax::parse(&src);
        let name = path.file_name().and_then(|n| n.to_str()).unwrap_or("example");
        assert!(
            parsed.errors.is_empty(),
            "{name} has syntax errors:\n{}",
            aqua_syntax::diagnostics::render_errors(name, &src, &parsed.errors)
        );
        insta::assert_snapshot!(aqua_syntax::pretty::outline(&parsed.module));
    });
}
