//! `aqua parse` on an example and on broken input.

use crate::support::{aqua, aqua_command, data_file, stderr, stdout, temp_file};

#[test]
fn parse_prints_the_outline_of_an_example() {
    let out = aqua(&["parse", &data_file("aqua", "01-hello.aqua")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(text.starts_with("module @0.."), "{text}");
    assert!(text.contains("func hello(name: string) -> string"), "{text}");
}

#[test]
fn parse_json_is_valid_json_with_the_items() {
    let out = aqua(&["parse", "--json", &data_file("aqua", "04-data.aqua")]);
    assert!(out.status.success(), "{}", stderr(&out));
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).expect("valid JSON");
    let items = json["items"].as_array().expect("an items array");
    assert_eq!(items.len(), 7, "{json}");
    assert_eq!(json["header"]["name"]["parts"][0]["name"], "Data");
}

#[test]
fn parse_reports_every_error_and_exits_1() {
    let path =
        temp_file("broken.aqua", "aqua M\n\nfunc f(:\n  x = 1\n\nfunc g() -> u32:\n  <- 1 +\n");
    let out = aqua(&["--color", "never", "parse", &path.to_string_lossy()]);
    assert_eq!(out.status.code(), Some(1));
    let errors = stderr(&out);
    assert!(
        errors.contains("error[S007]: expected a name, a capitalised name or `)`, found `:`"),
        "{errors}"
    );
    assert!(errors.contains("error[S007]: expected an expression, found end of line"), "{errors}");
    assert!(errors.contains("broken.aqua:7:9"), "{errors}");
    assert!(errors.contains("2 errors found"), "{errors}");
}

#[test]
fn parse_of_a_missing_file_exits_2() {
    let out = aqua(&["parse", "/nonexistent/file.aqua"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read"), "{}", stderr(&out));
}

#[test]
fn a_reader_that_stops_early_ends_the_output_without_a_panic() {
    use std::io::Read;
    use std::process::Stdio;
    // Far more output than a pipe buffers, so the writer is still writing when the reader goes
    // away.
    let function = "func f(x: u32) -> u32:\n  y = x + 1\n  <- y\n\n";
    let path = temp_file("long-outline.aqua", &format!("aqua Long\n\n{}", function.repeat(20_000)));
    let path = path.to_string_lossy();
    for (args, start) in
        [(vec!["parse", &*path], &b"module @0.."[..]), (vec!["parse", "--json", &*path], &b"{"[..])]
    {
        let mut child = aqua_command(&args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("the aqua binary runs");
        let mut first = [0u8; 64];
        // The read end closes at the end of this statement, when the taken handle is dropped.
        child.stdout.take().expect("piped stdout").read_exact(&mut first).expect("some output");
        let out = child.wait_with_output().expect("the process ends");
        assert!(first.starts_with(start), "{args:?}: {}", String::from_utf8_lossy(&first));
        let errors = stderr(&out);
        assert!(!errors.contains("panicked"), "{args:?}: {errors}");
        assert_ne!(out.status.code(), Some(101), "{args:?}: the exit code of a panic: {errors}");
        assert!(errors.is_empty(), "{args:?}: a closed pipe is not an error: {errors}");
    }
}
