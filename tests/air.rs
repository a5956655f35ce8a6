//! `aqua air fmt` and `aqua air check` on the reference examples and on broken files.

use crate::support::{aqua, temp_file};

fn example(name: &str) -> String {
    crate::support::data_file("air", name)
}

#[test]
fn check_and_fmt_accept_reference_examples() {
    for name in ["01-hello.air", "19-stream-maps.air", "26-join.air", "31-stream-scopes.air"] {
        let file = example(name);
        let check = aqua(&["air", "check", &file]);
        assert!(check.status.success(), "{name}: {}", String::from_utf8_lossy(&check.stderr));
        let fmt = aqua(&["air", "fmt", "--check", &file]);
        assert!(fmt.status.success(), "{name}: {}", String::from_utf8_lossy(&fmt.stderr));
    }
}

#[test]
fn fmt_prints_the_canonical_layout() {
    let path = temp_file("fmt.air", ";; ==== function foo\n(seq (null)  (never))\n");
    let path = path.to_string_lossy();
    let out = aqua(&["air", "fmt", &path]);
    assert!(out.status.success());
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        ";; ==== function foo\n(seq\n (null)\n (never)\n)\n"
    );
    assert_eq!(aqua(&["air", "fmt", "--check", &path]).status.code(), Some(1));
    let compact = aqua(&["air", "fmt", "--compact", &path]);
    assert_eq!(
        String::from_utf8_lossy(&compact.stdout),
        ";; ==== function foo\n(seq (null) (never))\n"
    );
}

#[test]
fn check_reports_errors_with_codes_and_exit_1() {
    let path = temp_file("bad.air", "(seq\n (next foo)\n (fail 0 \"zero\")\n)\n");
    let out = aqua(&["--color", "never", "air", "check", &path.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("error[A021]") && stderr.contains("error[A026]"), "{stderr}");
    let syntax = temp_file("syntax.air", "(seq (null))\n");
    let out = aqua(&["--color", "never", "air", "check", &syntax.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("error[A013]"));
    // A file without a script passed in silence; AquaVM refuses an empty script, so it is
    // remarked on (a warning: a document of scripts may hold none, as 19-stream-maps.air does).
    for (name, text) in [("empty.air", ""), ("comments.air", ";; only a comment\n\n")] {
        let path = temp_file(name, text);
        let out = aqua(&["--color", "never", "air", "check", &path.to_string_lossy()]);
        assert_eq!(out.status.code(), Some(0), "{name}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("warning:") && stderr.contains("holds no AIR script"), "{name}");
    }
}
