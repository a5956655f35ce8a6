//! `aqua fmt`: in place, `--check`, standard input, broken and unreadable files.

use std::io::Write;
use std::process::Stdio;

use crate::support::{aqua, stderr, stdout, temp_file};

const MESSY: &str = "aqua   M\nfunc f( a:u32 )->u32:\n    x=a+1 -- keep me\n    <-x\n";
const FORMATTED: &str = "aqua M\n\nfunc f(a: u32) -> u32:\n  x = a + 1 -- keep me\n  <- x\n";

#[test]
fn fmt_rewrites_files_in_place_and_then_has_nothing_to_do() {
    let path = temp_file("fmt-in-place.aqua", MESSY);
    let name = path.to_string_lossy().into_owned();
    let out = aqua(&["fmt", &name]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), FORMATTED);
    let again = aqua(&["fmt", "--check", &name]);
    assert_eq!(again.status.code(), Some(0), "{}", stdout(&again));
    assert_eq!(stdout(&again), "");
}

#[test]
fn fmt_check_lists_files_that_would_change_and_leaves_them() {
    let messy = temp_file("fmt-check-messy.aqua", MESSY);
    let clean = temp_file("fmt-check-clean.aqua", FORMATTED);
    let out = aqua(&["fmt", "--check", &messy.to_string_lossy(), &clean.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), format!("{}\n", messy.display()));
    assert_eq!(std::fs::read_to_string(&messy).expect("readable"), MESSY);
}

#[test]
fn fmt_dash_formats_standard_input_to_standard_output() {
    let mut child = crate::support::aqua_command(&["fmt", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the aqua binary runs");
    child.stdin.take().expect("stdin").write_all(MESSY.as_bytes()).expect("written");
    let out = child.wait_with_output().expect("finished");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), FORMATTED);
}

#[test]
fn fmt_leaves_a_file_with_syntax_errors_untouched_and_reports_them() {
    let broken = "aqua M\nfunc f(:\n    x = 1\n";
    let path = temp_file("fmt-broken.aqua", broken);
    let out = aqua(&["--color", "never", "fmt", &path.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = stderr(&out);
    assert!(errors.contains("error[S007]"), "{errors}");
    assert!(errors.contains("fmt-broken.aqua:2:8"), "{errors}");
    assert!(errors.contains("not formatted: 1 error found"), "{errors}");
    assert_eq!(std::fs::read_to_string(&path).expect("readable"), broken);
}

#[test]
fn fmt_of_a_missing_file_exits_2() {
    let out = aqua(&["fmt", "/nonexistent/missing.aqua"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read `/nonexistent/missing.aqua`"), "{}", stderr(&out));
}

#[test]
fn fmt_check_accepts_every_example() {
    let examples = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples");
    let out = aqua(&["fmt", "--check", examples]);
    assert_eq!(out.status.code(), Some(0), "would change:\n{}", stdout(&out));
}
