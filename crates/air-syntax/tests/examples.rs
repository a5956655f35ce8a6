//! Every script of the reference compiler's `.air` files parses, validates and round-trips byte
//! for byte, in both layouts.

use std::path::PathBuf;

use air_syntax::{
    Segment, format_document, parse, print_compact, print_pretty, split_scripts, validate,
};

fn example_files() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/air");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/data/air exists")
        .map(|entry| entry.expect("readable directory entry").path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "air"))
        .map(|path| {
            let text = std::fs::read_to_string(&path).expect("readable example");
            (path.file_name().unwrap_or_default().to_string_lossy().into_owned(), text)
        })
        .collect();
    files.sort();
    assert!(files.len() >= 30, "expected the reference examples, found {}", files.len());
    files
}

#[test]
fn every_example_script_round_trips() {
    let mut scripts = 0;
    for (name, text) in example_files() {
        for segment in split_scripts(&text) {
            let Segment::Script { text: script, inner_comment, .. } = segment else { continue };
            assert_eq!(inner_comment, None, "{name}: comment inside a script");
            let program = parse(script).unwrap_or_else(|error| panic!("{name}: {error}"));
            let errors = validate(&program);
            assert!(errors.is_empty(), "{name}: {errors:?}");
            let expected = format!("{}\n", script.trim_end());
            assert_eq!(print_pretty(&program), expected, "{name}: pretty layout differs");
            let compact = print_compact(&program);
            assert!(!compact.contains('\n'));
            let reparsed = parse(&compact).unwrap_or_else(|error| panic!("{name}: {error}"));
            assert_eq!(reparsed.without_spans(), program.without_spans(), "{name}: compact");
            scripts += 1;
        }
    }
    assert!(scripts >= 80, "only {scripts} scripts found");
}

#[test]
fn formatting_an_example_file_changes_nothing() {
    for (name, text) in example_files() {
        let formatted =
            format_document(&text, false).unwrap_or_else(|error| panic!("{name}: {error}"));
        assert_eq!(formatted, text, "{name}");
    }
}

/// The deepest accepted script parses, validates, prints and drops on a test thread's stack;
/// one level more is an error, not a stack overflow.
#[test]
fn deepest_script_is_handled_and_deeper_is_rejected() {
    let depth = air_syntax::lexer::MAX_NESTING as usize;
    let script = |levels: usize| {
        let mut src = "(seq (null) ".repeat(levels - 1);
        src.push_str("(null)");
        src.push_str(&")".repeat(levels - 1));
        src
    };
    let program = parse(&script(depth)).expect("the deepest script parses");
    assert!(validate(&program).is_empty());
    let printed = print_pretty(&program);
    assert_eq!(parse(&printed).map(|program| program.without_spans()), Ok(program.without_spans()));
    let error = parse(&script(depth + 1)).expect_err("too deep");
    assert!(matches!(
        error,
        air_syntax::AirSyntaxError::Lex(air_syntax::LexError {
            kind: air_syntax::LexErrorKind::NestingTooDeep,
            ..
        })
    ));
}

#[test]
fn a_script_whose_offsets_overflow_u32_is_too_large_for_both_parsers() {
    let src = "(null)";
    let last_base = u32::MAX - src.len() as u32;
    assert!(air_syntax::parse_at(src, last_base).is_ok());
    assert_eq!(air_syntax::parse_fast(src, last_base + 1), None);
    assert_eq!(air_syntax::parse_at(src, last_base + 1), Err(air_syntax::AirSyntaxError::TooLarge));
}
