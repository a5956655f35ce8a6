//! Snapshots of parse and validation diagnostics: one bad script per file in `cases/`, rendered
//! without colour. A case whose name ends in `-ok` documents a script that is accepted.

use std::path::Path;

use air_syntax::{FormatError, diagnostics, format_document, parse, render_plain, validate};

/// Parses and validates `src` and renders every diagnostic, or "no errors".
fn report(name: &str, src: &str) -> String {
    let diagnostics = match parse(src) {
        Err(error) => vec![error.to_diagnostic(())],
        Ok(program) => validate(&program).iter().map(|error| error.to_diagnostic(())).collect(),
    };
    if diagnostics.is_empty() {
        return "no errors\n".to_owned();
    }
    render_plain(name, src, &diagnostics)
}

#[test]
fn bad_scripts() {
    insta::glob!("cases/*.air", |path| {
        let src = std::fs::read_to_string(path).expect("readable case");
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        let out = report(&name, &src);
        let is_ok_case = name.ends_with("-ok.air");
        assert_eq!(out == "no errors\n", is_ok_case, "{name}: {out}");
        insta::assert_snapshot!(format!("----- SOURCE\n{src}----- ERRORS\n{out}"));
    });
}

#[test]
fn comment_inside_a_script_is_not_formatted() {
    let src = ";; ==== function foo\n(seq\n (null) ; dropped by the printer\n (null)\n)\n";
    let error = format_document(src, false).expect_err("the comment would be lost");
    assert!(matches!(error, FormatError::CommentInScript { .. }));
    let out = render_plain("foo.air", src, &[error.to_diagnostic(())]);
    insta::assert_snapshot!(format!("----- SOURCE\n{src}----- ERRORS\n{out}"));
}

#[test]
fn format_keeps_comment_lines_and_formats_each_script() {
    let src = ";; header\n;; ==== function foo\n(seq (null)   (never))\n\n;; ==== function bar\n(xor\n(null) (null))\n";
    let formatted = format_document(src, false).expect("valid scripts");
    insta::assert_snapshot!(formatted);
    let compact = format_document(src, true).expect("valid scripts");
    insta::assert_snapshot!(compact);
    assert_eq!(format_document(&formatted, false).as_deref(), Ok(formatted.as_str()));
}

/// Every documented code appears in some snapshot, except those no input can trigger here.
#[test]
fn every_code_is_tested() {
    // A001 guards LALRPOP's InvalidToken, which an external lexer never produces; A016 needs a
    // script over 4 GiB.
    let untestable = ["A001", "A016"];
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots");
    let mut all = String::new();
    for entry in std::fs::read_dir(dir).expect("snapshots exist") {
        let path = entry.expect("readable entry").path();
        all.push_str(&std::fs::read_to_string(path).expect("readable snapshot"));
    }
    for (code, meaning) in diagnostics::CODES {
        if !untestable.contains(code) {
            assert!(all.contains(&format!("[{code}]")), "{code} ({meaning}) has no snapshot");
        }
    }
}
