//! Property tests: arbitrary input and mutated valid programs never panic the lexer or parser,
//! and every span the parser returns lies inside the source, on character boundaries, with
//! children inside their parents.
//!
//! Set `AQUA_FUZZ_CASES` (for example to 100000) for a deeper run.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Tests read their fixtures from disk.

use aqua_syntax::ast::*;
use aqua_syntax::{Span, parse};
use proptest::prelude::*;

fn cases() -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(256)
}

fn examples() -> Vec<String> {
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/../../tests/data/aqua");
    let mut sources: Vec<String> = std::fs::read_dir(dir)
        .expect("examples folder")
        .filter_map(|entry| entry.ok())
        .filter(|entry| entry.path().extension().is_some_and(|ext| ext == "aqua"))
        .map(|entry| std::fs::read_to_string(entry.path()).expect("example is readable"))
        .collect();
    sources.sort();
    sources
}

/// Tokens and fragments that make mutations likely to reach interesting parser states.
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
    "!",
    "?",
    "*",
    "%",
    "\n",
    "\n  ",
    "\n\t",
    "  ",
    "\"",
    "--",
    "func ",
    "on ",
    "via ",
    "for ",
    "par ",
    "co ",
    "if ",
    "else:",
    "try:",
    "catch e:",
    "otherwise:",
    "join ",
    "-1",
    "1.5",
    "⊤",
    "⊥",
    "%init_peer_id%",
    "?[",
    "*[",
    "[]",
];

#[derive(Debug, Clone)]
enum Mutation {
    Delete { at: usize, len: usize },
    Insert { at: usize, fragment: usize },
    DuplicateLine { line: usize },
    SwapLines { a: usize, b: usize },
    Truncate { at: usize },
}

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), 1usize..12).prop_map(|(at, len)| Mutation::Delete { at, len }),
        (any::<usize>(), 0..FRAGMENTS.len())
            .prop_map(|(at, fragment)| Mutation::Insert { at, fragment }),
        any::<usize>().prop_map(|line| Mutation::DuplicateLine { line }),
        (any::<usize>(), any::<usize>()).prop_map(|(a, b)| Mutation::SwapLines { a, b }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
    ]
}

fn floor_boundary(src: &str, at: usize) -> usize {
    let mut at = at % (src.len() + 1);
    while !src.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn apply(src: &str, mutation: &Mutation) -> String {
    let mut lines: Vec<&str> = src.split_inclusive('\n').collect();
    match *mutation {
        Mutation::Delete { at, len } => {
            let start = floor_boundary(src, at);
            let end = floor_boundary(src, (start + len).min(src.len()));
            format!("{}{}", &src[..start], &src[end.max(start)..])
        }
        Mutation::Insert { at, fragment } => {
            let at = floor_boundary(src, at);
            format!("{}{}{}", &src[..at], FRAGMENTS[fragment], &src[at..])
        }
        Mutation::DuplicateLine { line } if !lines.is_empty() => {
            let line = line % lines.len();
            lines.insert(line, lines[line]);
            lines.concat()
        }
        Mutation::SwapLines { a, b } if !lines.is_empty() => {
            let len = lines.len();
            lines.swap(a % len, b % len);
            lines.concat()
        }
        Mutation::Truncate { at } => src[..floor_boundary(src, at)].to_string(),
        _ => src.to_string(),
    }
}

fn check_spans(src: &str) {
    let parsed = parse(src);
    let len = src.len() as u32;
    let valid = |span: Span| {
        span.start <= span.end
            && span.end <= len
            && src.is_char_boundary(span.start as usize)
            && src.is_char_boundary(span.end as usize)
    };
    for error in &parsed.errors {
        assert!(valid(error.span()), "error span {:?} outside the source: {error:?}", error.span());
        let _ =
            aqua_syntax::diagnostics::render_errors("fuzz.aqua", src, std::slice::from_ref(error));
    }
    for item in &parsed.module.items {
        if let Item::Func(func) = item {
            assert!(valid(func.span), "function span {:?}", func.span);
            check_block(&func.body, func.span, &valid);
        }
    }
}

fn check_block(block: &Block, parent: Span, valid: &dyn Fn(Span) -> bool) {
    for stmt in &block.stmts {
        assert!(valid(stmt.span), "statement span {:?}", stmt.span);
        assert!(
            parent.contains(stmt.span),
            "statement {:?} outside its parent {parent:?}",
            stmt.span
        );
        let nested: Vec<&Block> = match &stmt.kind {
            StmtKind::On { body, .. }
            | StmtKind::For { body, .. }
            | StmtKind::ParSeq { body, .. }
            | StmtKind::Closure { body, .. } => vec![body],
            StmtKind::If { then_block, else_block, .. } => {
                std::iter::once(then_block).chain(else_block).collect()
            }
            StmtKind::Try { body, catch, otherwise } => std::iter::once(body)
                .chain(catch.as_ref().map(|c| &c.body))
                .chain(otherwise)
                .collect(),
            _ => Vec::new(),
        };
        for block in nested {
            check_block(block, stmt.span, valid);
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_text_never_panics(src in "\\PC{0,400}") {
        check_spans(&src);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..400)) {
        check_spans(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn mutated_examples_never_panic(
        example in any::<prop::sample::Index>(),
        mutations in proptest::collection::vec(mutation(), 1..6),
    ) {
        let sources = examples();
        let mut src = sources[example.index(sources.len())].clone();
        for mutation in &mutations {
            src = apply(&src, mutation);
        }
        check_spans(&src);
    }
}

#[test]
fn valid_examples_have_consistent_spans() {
    for src in examples() {
        check_spans(&src);
    }
}
