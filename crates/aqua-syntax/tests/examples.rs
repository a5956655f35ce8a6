//! Every example program parses without errors, and its tree matches the snapshot.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

use aqua_syntax::pretty::outline;

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
        insta::assert_snapshot!(outline(&parsed.module));
    });
}

/// The outline without its spans.
fn shape(outline: &str) -> Vec<&str> {
    outline.lines().map(|line| line.rsplit_once(" @").map_or(line, |(text, _)| text)).collect()
}

#[test]
fn a_byte_order_mark_opening_a_file_is_read_past() {
    insta::glob!("../../../tests/data/aqua", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("example is readable");
        let marked = format!("\u{feff}{src}");
        let plain = aqua_syntax::parse(&src);
        let parsed = aqua_syntax::parse(&marked);
        assert!(parsed.errors.is_empty(), "{}: {:?}", path.display(), parsed.errors);
        assert_eq!(parsed.module, aqua_syntax::parse_with_lalrpop(&marked).module);
        let (before, after) = (outline(&plain.module), outline(&parsed.module));
        assert_eq!(shape(&before), shape(&after), "{}", path.display());
        // Spans are offsets into the text as given, the mark's three bytes included.
        let start =
            |parsed: &aqua_syntax::Parsed| parsed.module.header.as_ref().map(|h| h.span.start);
        assert_eq!(start(&parsed), start(&plain).map(|s| s + 3));
    });
    // Only at the start: elsewhere it is an unexpected character, as any other.
    let inside = aqua_syntax::parse("aqua M\n\nfunc f():\n  \u{feff}x = 1\n");
    assert_eq!(inside.errors.len(), 1, "{:?}", inside.errors);
}

#[test]
fn every_line_ending_the_reference_takes_gives_the_same_tree() {
    insta::glob!("../../../tests/data/aqua", "*.aqua", |path| {
        let src = std::fs::read_to_string(path).expect("example is readable");
        let plain = outline(&aqua_syntax::parse(&src).module);
        for ending in ["\r\n", "\n\r"] {
            let ended = src.replace('\n', ending);
            let parsed = aqua_syntax::parse(&ended);
            assert!(parsed.errors.is_empty(), "{} {ending:?}: {:?}", path.display(), parsed.errors);
            assert_eq!(parsed.module, aqua_syntax::parse_with_lalrpop(&ended).module);
            assert_eq!(shape(&plain), shape(&outline(&parsed.module)), "{ending:?}");
        }
    });
}
