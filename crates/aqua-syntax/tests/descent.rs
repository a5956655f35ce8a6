//! The hand-written parser against the LALRPOP grammar: on every `.aqua` file of the repository
//! and on mutations of them, `parse` (fast parser first) gives the same tree, spans included,
//! and the same errors as `parse_with_lalrpop`, and the fast parser takes every file that has no
//! syntax error. On every file the fast parser takes, `parse_header` gives the same header lines.
//! `parse_parts` is clean exactly when there is nothing to report, and its parts are then the
//! tree, and their outlines its outline.
//! Set `AQUA_FUZZ_CASES` for a deeper run.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

use std::path::{Path, PathBuf};

use aqua_syntax::{Part, parse, parse_fast, parse_header, parse_parts, parse_with_lalrpop};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

/// Every `.aqua` file below `dir`, skipping build output and dependencies.
fn collect(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.filter_map(|entry| entry.ok()) {
        let path = entry.path();
        let name = entry.file_name();
        if path.is_dir() {
            if !matches!(name.to_str(), Some("target" | "node_modules" | ".git")) {
                collect(&path, out);
            }
        } else if path.extension().is_some_and(|ext| ext == "aqua") {
            out.push(path);
        }
    }
}

/// The sources of every `.aqua` file of the repository, in a stable order.
fn sources() -> Vec<(PathBuf, String)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut paths = Vec::new();
    for dir in ["examples", "stdlib", "tests", "crates", "editors"] {
        collect(&root.join(dir), &mut paths);
    }
    paths.sort();
    paths
        .into_iter()
        .filter_map(|path| std::fs::read_to_string(&path).ok().map(|src| (path, src)))
        .collect()
}

/// Both parsers agree on `src`; returns whether the fast parser took it.
fn agree(src: &str) -> bool {
    let fast = parse(src);
    let slow = parse_with_lalrpop(src);
    assert_eq!(fast.module, slow.module, "trees differ on:\n{src}");
    assert_eq!(fast.errors, slow.errors, "errors differ on:\n{src}");
    parts_agree(src, &slow);
    match parse_fast(src) {
        Some(parsed) => {
            assert_eq!(parsed.module, slow.module, "the fast parser's tree differs on:\n{src}");
            assert_eq!(parsed.errors, slow.errors, "the fast parser's errors differ on:\n{src}");
            let header = parse_header(src);
            let header = header.unwrap_or_else(|| panic!("no header lines parsed from:\n{src}"));
            assert_eq!(header.header, slow.module.header, "headers differ on:\n{src}");
            assert_eq!(
                header.header_items, slow.module.header_items,
                "header lines differ:\n{src}"
            );
            assert!(header.items.is_empty());
            true
        }
        None => false,
    }
}

/// `parse_parts` on `src` against the whole parse `whole` of it.
fn parts_agree(src: &str, whole: &aqua_syntax::Parsed) {
    let mut parts = Vec::new();
    let clean = parse_parts(src, |part| parts.push(part));
    assert_eq!(clean, whole.errors.is_empty(), "parse_parts said clean = {clean} on:\n{src}");
    if !clean {
        return;
    }
    let mut outline = String::new();
    parts.iter().for_each(|part| aqua_syntax::pretty::write_part(part, &mut outline));
    assert_eq!(outline, aqua_syntax::pretty::outline(&whole.module), "outlines differ on:\n{src}");
    let mut parts = parts.into_iter();
    let Some(Part::Module(mut module)) = parts.next() else { panic!("no module first:\n{src}") };
    assert!(module.items.is_empty());
    for part in parts {
        let Part::Item(item) = part else { panic!("a second module part:\n{src}") };
        module.items.push(item);
    }
    assert_eq!(module, whole.module, "the parts differ from the tree on:\n{src}");
}

#[test]
fn parse_parts_stops_at_whatever_the_whole_parse_reports() {
    let deep = "1 + ".repeat(250) + "1";
    let cases = [
        // The checks after parsing: a return inside a nested block, an expression too deep.
        "aqua M\n\nfunc f() -> u8:\n  <- 1\n\nfunc g() -> u8:\n  if true:\n    <- 1\n  <- 2\n"
            .to_string(),
        format!("aqua M\n\nfunc f() -> u8:\n  <- 1\n\nfunc g() -> u8:\n  <- {deep}\n"),
        // The header: missing, or spelt `module`.
        "func f() -> u8:\n  <- 1\n".to_string(),
        "module M\n\nfunc f() -> u8:\n  <- 1\n".to_string(),
        // A syntax error in the last definition, and a stray character the layout reports.
        "aqua M\n\nfunc f() -> u8:\n  <- 1\n\nfunc g( -> u8:\n  <- 2\n".to_string(),
        "aqua M\n\nfunc f() -> u8:\n  <- 1\n§\n".to_string(),
    ];
    for src in &cases {
        let whole = parse(src);
        assert!(!whole.errors.is_empty(), "no error in:\n{src}");
        let mut seen = 0;
        assert!(!parse_parts(src, |_| seen += 1), "parse_parts said clean on:\n{src}");
        parts_agree(src, &whole);
    }
    // Clean with long lines and returns last in bodies, which make the checks run.
    let long = format!(
        "aqua M\n\nfunc f() -> u8:\n  if true:\n    x = 1\n  <- {}\n",
        "1 + ".repeat(60) + "1"
    );
    parts_agree(&long, &parse(&long));
    assert!(parse(&long).errors.is_empty());
}

#[test]
fn every_repository_file_parses_the_same_and_the_valid_ones_fast() {
    let sources = sources();
    assert!(sources.len() > 200, "found only {} .aqua files", sources.len());
    let mut fast = 0;
    for (path, src) in &sources {
        let took = agree(src);
        if parse_with_lalrpop(src).errors.is_empty() {
            assert!(took, "the fast parser gave up on the valid {}", path.display());
        }
        fast += usize::from(took);
    }
    assert!(fast > sources.len() / 2, "the fast parser took only {fast} of {}", sources.len());
}

/// Tokens and fragments that make mutations reach many parser states.
const FRAGMENTS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    ":",
    ",",
    ".",
    "<-",
    "<<-",
    "->",
    "=",
    "==",
    "!",
    "?",
    "*",
    "%",
    "-",
    "-1",
    "+",
    "**",
    "&&",
    "||",
    "<",
    ">=",
    "\n",
    "\n  ",
    "\n    ",
    "  ",
    "x",
    "Srv",
    "u32",
    "\"s\"",
    "1",
    "2.5",
    "true",
    "on",
    "via",
    "for",
    "par",
    "try",
    "rec",
    "if",
    "else",
    "catch",
    "otherwise",
    "co",
    "join",
    "parseq",
    "func",
    "data",
    "use",
    "as",
    "from",
    "[]",
    "?[]",
    "*[]",
    "?[",
    "*[",
    "%init_peer_id%",
    "⊤",
    "⊥",
    "-- c",
    "x = ",
    "f(a = 1)",
    "{A}",
    "(s: string) -> string:",
];

#[derive(Debug, Clone)]
enum Mutation {
    Insert(usize, usize),
    Delete(usize, usize),
    Replace(usize, usize, usize),
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 0..FRAGMENTS.len()).prop_map(|(at, f)| Mutation::Insert(at, f)),
        (any::<usize>(), 1usize..12).prop_map(|(at, n)| Mutation::Delete(at, n)),
        (any::<usize>(), 1usize..6, 0..FRAGMENTS.len())
            .prop_map(|(at, n, f)| Mutation::Replace(at, n, f)),
    ]
}

fn boundary(src: &str, at: usize) -> usize {
    let mut at = at % (src.len() + 1);
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(src: &str, mutation: &Mutation) -> String {
    let (at, delete, insert) = match *mutation {
        Mutation::Insert(at, f) => (at, 0, FRAGMENTS[f]),
        Mutation::Delete(at, n) => (at, n, ""),
        Mutation::Replace(at, n, f) => (at, n, FRAGMENTS[f]),
    };
    let start = boundary(src, at);
    let end = boundary(src, start + delete.min(src.len() - start));
    format!("{}{insert}{}", &src[..start], &src[end..])
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn mutated_files_parse_the_same(
        file in any::<prop::sample::Index>(),
        mutations in prop::collection::vec(mutation(), 1..4),
    ) {
        let sources = SOURCES.with(|sources| sources.clone());
        let src = &sources[file.index(sources.len())].1;
        let mut src = src.clone();
        for mutation in &mutations {
            src = apply(&src, mutation);
        }
        agree(&src);
    }
}

thread_local! {
    static SOURCES: std::rc::Rc<Vec<(PathBuf, String)>> = std::rc::Rc::new(sources());
}

#[path = "../benches/support/program.rs"]
mod program;

#[test]
fn the_benchmark_program_takes_the_fast_parser() {
    let src = program::program(20_000);
    assert!(parse_with_lalrpop(&src).errors.is_empty());
    let parsed = parse_fast(&src);
    assert!(parsed.is_some(), "the fast parser gave up on the benchmark's program");
}

/// Sources of 256 KiB and more are lexed on another thread, ahead of the parser: the same trees,
/// errors and parts, with errors early (the parser stops while the lexing thread is still going),
/// late, and from the layout pass (known to the lexing thread only).
#[test]
fn large_sources_parse_the_same_with_the_lexer_ahead() {
    let src = program::program(20_000);
    assert!(src.len() >= 256 * 1024, "the program is only {} bytes", src.len());
    let body = src.find("\nfunc ").unwrap_or(0);
    let variants = [
        src.clone(),
        // A syntax error in the first definition, one in the last, a stray character at the end.
        format!("{}\nfunc broken( -> u8:\n  <- 1\n{}", &src[..body], &src[body..]),
        format!("{src}\nfunc broken( -> u8:\n  <- 1\n"),
        format!("{src}\n§\n"),
        // A misplaced return in the last definition: found by the checks after parsing.
        format!("{src}\nfunc g() -> u8:\n  if true:\n    <- 1\n  <- 2\n"),
    ];
    for (n, variant) in variants.iter().enumerate() {
        let fast = parse(variant);
        let slow = parse_with_lalrpop(variant);
        assert_eq!(fast.module, slow.module, "trees differ on variant {n}");
        assert_eq!(fast.errors, slow.errors, "errors differ on variant {n}");
        assert_eq!(fast.errors.is_empty(), n == 0, "variant {n}: {:?}", fast.errors);
        parts_agree(variant, &slow);
    }
}
