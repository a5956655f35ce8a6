//! The checker never panics: every example and case is checked again with each line removed and
//! truncated at many points, which exercises the error paths on half-written programs. Also a
//! tidy check: every diagnostic code is documented in `docs/diagnostics.md` and has a case.

// The test reads its fixtures from disk; the library itself does no IO.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)]

use std::path::{Path, PathBuf};

fn repo_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn sources() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for dir in ["tests/data/aqua", "tests/cases/types"] {
        let mut paths: Vec<PathBuf> = std::fs::read_dir(repo_root().join(dir))
            .expect("fixture directory")
            .map(|e| e.expect("entry").path())
            .filter(|p| p.extension().is_some_and(|e| e == "aqua"))
            .collect();
        paths.sort();
        for path in paths {
            let text = std::fs::read_to_string(&path).expect("fixture");
            out.push((path.to_string_lossy().into_owned(), text));
        }
    }
    out
}

#[test]
fn mutilated_programs_never_panic() {
    let mut checks = 0;
    for (name, source) in sources() {
        let lines: Vec<&str> = source.lines().collect();
        for skip in 0..lines.len() {
            let text: Vec<&str> =
                lines.iter().enumerate().filter(|(i, _)| *i != skip).map(|(_, l)| *l).collect();
            aqua_typecheck::check_source(&name, &text.join("\n"));
            checks += 1;
        }
        let cuts = (1..source.len()).step_by(11).filter(|i| source.is_char_boundary(*i));
        for cut in cuts {
            aqua_typecheck::check_source(&name, &source[..cut]);
            checks += 1;
        }
    }
    assert!(checks > 1000, "only {checks} mutilated programs were checked");
}

/// Expressions of many types that random statements are assembled from.
const ATOMS: [&str; 30] = [
    "x",
    "s",
    "m",
    "\"a\"",
    "1",
    "-2",
    "1.5",
    "true",
    "nil",
    "[x]",
    "?[x]",
    "*[x]",
    "x + 1",
    "s!",
    "s[x]",
    "m.get(\"k\")",
    "D(a = \"q\")",
    "Srv.call",
    "Ab.g(x)",
    "x == 1",
    "!true",
    "s.length",
    "Ab",
    "D",
    "Srv",
    "f",
    "y",
    "x * 1.5",
    "[]",
    "PARTICLE_TTL",
];

/// Statement shapes; `#` is replaced by an atom and `@` by a fresh name.
const SHAPES: [&str; 14] = [
    "@ <- Srv.call(#)",
    "@ = #",
    "s <<- #",
    "m <<- #, #",
    "Ab.g(#)",
    "join #",
    "@ = D(a = #)",
    "@ = #.copy(a = #)",
    "@ <- #(#)",
    "on # via #:\n    Srv.call(#)",
    "if #:\n    @ = #",
    "for @ <- #:\n    s <<- #",
    "@, @ <- Ab.g(#)",
    "co Srv.call(#)",
];

/// Random statements over a fixed prelude, from a fixed seed: mostly well-formed, badly typed.
#[test]
fn random_programs_never_panic() {
    let prelude = "aqua Fuzz declares *\n\nservice Srv(\"srv\"):\n  call(s: string) -> string\n\n\
                   data D:\n  a: string\n\nability Ab:\n  g(x: u32) -> u32\n\n";
    let mut state: u64 = 0x2545_f491_4f6c_dd1d;
    let mut next = move |bound: usize| {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state % bound as u64) as usize
    };
    let (mut parsed, mut fresh) = (0, 0);
    for _ in 0..3000 {
        let mut body = String::from("func f{Ab}(x: u32, s: *string, m: %u64) -> string:\n");
        for _ in 0..1 + next(5) {
            let mut line = String::new();
            for c in SHAPES[next(SHAPES.len())].chars() {
                match c {
                    '#' => line.push_str(ATOMS[next(ATOMS.len())]),
                    '@' => {
                        fresh += 1;
                        line.push_str(&format!("v{fresh}"));
                    }
                    c => line.push(c),
                }
            }
            body.push_str(&format!("  {line}\n"));
        }
        body.push_str("  <- \"done\"\n");
        let checked = aqua_typecheck::check_source("fuzz.aqua", &format!("{prelude}{body}"));
        parsed += usize::from(checked.syntax_errors.is_empty());
    }
    // Most programs must get past the parser for this to test the checker.
    assert!(parsed >= 1500, "only {parsed} random programs parsed");
}

#[test]
fn every_code_is_documented_and_has_a_case() {
    let library =
        std::fs::read_to_string(repo_root().join("crates/aqua-typecheck/src/diagnostics.rs"))
            .expect("diagnostics.rs");
    let docs = std::fs::read_to_string(repo_root().join("docs/diagnostics.md")).expect("docs");
    let snapshots: String =
        std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/snapshots"))
            .expect("snapshots")
            .map(|e| std::fs::read_to_string(e.expect("entry").path()).expect("snapshot"))
            .collect();
    let codes: Vec<&str> = library
        .split('"')
        .filter(|s| {
            s.len() == 4 && s.starts_with('T') && s[1..].chars().all(|c| c.is_ascii_digit())
        })
        .collect();
    assert!(codes.len() >= 40, "found only {} codes", codes.len());
    for code in codes {
        assert!(docs.contains(&format!("| {code} |")), "{code} is not in docs/diagnostics.md");
        assert!(snapshots.contains(&format!("[{code}]")), "{code} has no snapshot case");
    }
}

/// Hostile nesting ends in one diagnostic, never a stack overflow: a parameter typed with
/// 30,000 nested `?` (the parser's bound) and a chain of 200,000 data types each containing the
/// previous one (the checker's bound).
#[test]
fn deeply_nested_types_are_reported_not_overflowed() {
    let deep_option =
        format!("aqua M\n\nfunc f(x: {}string) -> string:\n  <- \"a\"\n", "?".repeat(30_000));
    let checked = aqua_typecheck::check_source("deep-option.aqua", &deep_option);
    let codes: Vec<String> = checked.diagnostics().iter().filter_map(|d| d.code.clone()).collect();
    assert_eq!(codes, ["S016"]);

    let mut chain = String::from("aqua M\n\ndata D0:\n  x: string\n");
    for i in 1..200_000 {
        chain.push_str(&format!("data D{i}:\n  x: D{}\n", i - 1));
    }
    let checked = aqua_typecheck::check_source("deep-chain.aqua", &chain);
    let codes: Vec<String> = checked.diagnostics().iter().filter_map(|d| d.code.clone()).collect();
    assert_eq!(codes, ["T040"]);
}
