//! The formatter's laws on every Aqua file of the repository that parses, and on mutated
//! programs: the tree is unchanged (spans aside), formatting is idempotent, and comments come out
//! in equal number and order.
//!
//! Set `AQUA_FUZZ_CASES` (for example to 100000) for a deeper run.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

#[path = "support/common.rs"]
mod common;

use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// The repository files without syntax errors.
fn clean_files() -> Vec<(String, String)> {
    common::repository_files()
        .into_iter()
        .filter(|(_, src)| aqua_syntax::parse(src).errors.is_empty())
        .collect()
}

#[test]
fn every_repository_file_obeys_the_laws() {
    let files = clean_files();
    assert!(files.len() > 100, "expected the repository's Aqua files, found {}", files.len());
    for (name, src) in &files {
        common::check_laws(name, src);
    }
}

#[test]
fn a_byte_order_mark_is_kept_and_the_laws_hold_with_it() {
    for (name, src) in clean_files().into_iter().take(20) {
        let marked = format!("\u{feff}{src}");
        let formatted = aqua_fmt::format(&marked).expect("a clean file with a mark formats");
        let plain = aqua_fmt::format(&src).expect("a clean file formats");
        assert_eq!(formatted, format!("\u{feff}{plain}"), "{name}");
        common::check_laws(&name, &marked);
    }
}

#[test]
fn broken_lists_have_no_trailing_comma() {
    // Fluence's compiler rejects a comma before a closing bracket; a formatted file must still
    // compile there. The narrow width breaks every list that has more than one item.
    let mut broken_lists = 0;
    for (name, src) in clean_files() {
        let formatted = aqua_fmt::format_with_width(&src, 20).expect("a clean file formats");
        let lines: Vec<&str> = formatted.lines().collect();
        for pair in lines.windows(2) {
            let closes = pair[1].trim_start().starts_with([')', ']']);
            assert!(
                !(closes && pair[0].trim_end().ends_with(',')),
                "{name}: a trailing comma before `{}`",
                pair[1].trim()
            );
            broken_lists += usize::from(closes);
        }
    }
    assert!(broken_lists > 50, "expected many broken lists, found {broken_lists}");
}

#[test]
fn files_with_syntax_errors_are_refused() {
    let broken: Vec<_> = common::repository_files()
        .into_iter()
        .filter(|(_, src)| !aqua_syntax::parse(src).errors.is_empty())
        .collect();
    assert!(broken.len() > 40, "expected the syntax cases, found {}", broken.len());
    for (name, src) in &broken {
        assert!(aqua_fmt::format(src).is_err(), "{name}: formatted despite syntax errors");
    }
}

/// Edits that keep many programs valid while moving layout and comments around.
const EDITS: &[&str] = &[
    " ",
    "  ",
    "\n",
    "\n\n",
    " -- note",
    "\n-- a comment line\n",
    "\n  -- indented comment\n",
    "\t",
    "(",
    ")",
    ",",
    "\n    ",
];

/// Inserts `edit` after the `at`-th character boundary (modulo the length).
fn insert(src: &str, at: usize, edit: &str) -> String {
    let boundaries: Vec<usize> =
        src.char_indices().map(|(idx, _)| idx).chain([src.len()]).collect();
    let idx = boundaries[at % boundaries.len()];
    format!("{}{edit}{}", &src[..idx], &src[idx..])
}

/// Puts a comment at the end of the `line`-th line (modulo the number of lines).
fn comment_line_end(src: &str, line: usize, text: &str) -> String {
    let lines: Vec<&str> = src.split('\n').collect();
    let target = line % lines.len();
    let mut out = Vec::with_capacity(lines.len());
    for (idx, current) in lines.iter().enumerate() {
        if idx == target {
            out.push(format!("{current} -- {text}"));
        } else {
            out.push((*current).to_string());
        }
    }
    out.join("\n")
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// Random insertions of spaces, line breaks, brackets and comments: whenever the result still
    /// parses, the laws hold.
    #[test]
    fn mutated_programs_obey_the_laws(
        file in 0usize..1000,
        edits in proptest::collection::vec((any::<usize>(), 0..EDITS.len()), 1..4),
    ) {
        let files = clean_files();
        let (name, src) = &files[file % files.len()];
        let mut mutated = src.clone();
        for (at, edit) in edits {
            mutated = insert(&mutated, at, EDITS[edit]);
        }
        if aqua_syntax::parse(&mutated).errors.is_empty() {
            common::check_laws(name, &mutated);
        } else {
            prop_assert!(aqua_fmt::format(&mutated).is_err());
        }
    }

    /// Comments at the end of random lines always survive in place and in order.
    #[test]
    fn comments_at_line_ends_survive(
        file in 0usize..1000,
        lines in proptest::collection::vec(any::<usize>(), 1..6),
    ) {
        let files = clean_files();
        let (name, src) = &files[file % files.len()];
        let mut mutated = src.clone();
        for (idx, line) in lines.into_iter().enumerate() {
            mutated = comment_line_end(&mutated, line, &format!("c{idx}"));
        }
        if aqua_syntax::parse(&mutated).errors.is_empty() {
            common::check_laws(name, &mutated);
        }
    }
}

/// The comments the lexer skips: in each gap between two tokens, from `--` to the gap's end.
fn comments_by_lexer(src: &str) -> Vec<(u32, u32)> {
    use aqua_syntax::token::RawToken;
    use logos::Logos;
    let mut comments = Vec::new();
    let mut gap_start = 0;
    let mut lexer = RawToken::lexer(src);
    loop {
        let token = lexer.next();
        let gap_end = if token.is_some() { lexer.span().start } else { src.len() };
        if let Some(offset) = src[gap_start..gap_end].find("--") {
            let start = gap_start + offset;
            let end = src[start..gap_end].find('\n').map_or(gap_end, |at| start + at);
            let end = start + src[start..end].trim_end_matches([' ', '\t', '\r', '\x0c']).len();
            comments.push((start as u32, end as u32));
        }
        match token {
            Some(_) => gap_start = lexer.span().end,
            None => return comments,
        }
    }
}

fn comments_by_scan(src: &str) -> Vec<(u32, u32)> {
    aqua_fmt::trivia::Comments::of(src).spans().iter().map(|c| (c.start, c.end)).collect()
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    /// The formatter's comment scan finds exactly the comments the lexer skips.
    #[test]
    fn comment_scan_agrees_with_the_lexer(src in "([a-z\"<>\\- \n]|--|<-|<<-|->){0,60}") {
        prop_assert_eq!(comments_by_scan(&src), comments_by_lexer(&src));
    }
}

#[test]
fn comment_scan_agrees_with_the_lexer_on_repository_files() {
    for (name, src) in common::repository_files() {
        assert_eq!(comments_by_scan(&src), comments_by_lexer(&src), "{name}");
    }
}
