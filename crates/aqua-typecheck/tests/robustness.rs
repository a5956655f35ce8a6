//! The checker never panics: every example and case is checked again with each line removed and
//! truncated at many points, which exercises the error paths on half-written programs. Also a
//! tidy check: every diagnostic code is documented in `docs/diagnostics.md` and has a case.

// The test reads its fixtures from disk; the library itself does no IO.
#![allow(clippy::disallowed_methods)]

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
