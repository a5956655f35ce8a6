//! A diagnostic on a very long line shows a window around its label, with `…` for what is left
//! out and the original line and column in its header.

use aqua_syntax::diagnostics::render_errors;
use aqua_syntax::window::MAX_SHOWN_LINE;

#[test]
fn a_diagnostic_on_a_long_line_shows_a_window_with_the_original_column() {
    let terms = vec!["1"; 200_000].join(", ");
    let source = format!("aqua M\n\nfunc f() -> []u8:\n  x = [{terms}, §]\n  <- x\n");
    let parsed = aqua_syntax::parse(&source);
    assert!(!parsed.errors.is_empty());
    let rendered = render_errors("long.aqua", &source, &parsed.errors);
    let column = source.lines().nth(3).and_then(|line| line.find('§')).unwrap_or(0) + 1;
    assert!(rendered.contains(&format!("long.aqua:4:{column}")), "{rendered}");
    assert!(rendered.contains("…1, 1, 1"), "{rendered}");
    assert!(rendered.contains("§]"), "{rendered}");
    let longest = rendered.lines().map(|line| line.chars().count()).max().unwrap_or(0);
    assert!(longest < MAX_SHOWN_LINE + 40, "a line of {longest} characters:\n{rendered}");
}

#[test]
fn a_long_label_is_cut_at_the_window() {
    let source =
        format!("aqua M\n\nfunc f(x: {}string) -> string:\n  <- \"a\"\n", "?".repeat(5_000));
    let parsed = aqua_syntax::parse(&source);
    let rendered = render_errors("deep.aqua", &source, &parsed.errors);
    assert!(rendered.contains("error[S016]"), "{rendered}");
    assert!(rendered.contains("deep.aqua:3:11"), "{rendered}");
    assert!(rendered.contains("?…"), "{rendered}");
    assert!(rendered.len() < 2_000, "{} bytes:\n{rendered}", rendered.len());
}

#[test]
fn ordinary_lines_are_shown_whole() {
    let source = "aqua M\n\nfunc f() -> u8:\n  <- §\n";
    let parsed = aqua_syntax::parse(source);
    let rendered = render_errors("short.aqua", source, &parsed.errors);
    assert!(rendered.contains("  <- §"), "{rendered}");
    assert!(!rendered.contains('…'), "{rendered}");
}
