//! What `aqua run` produces besides the result: the sequence diagram of `--graph`, and the check
//! of Aqua service declarations against the WebAssembly components a network hosts.

use crate::support::{aqua, stderr, stdout, temp_file};

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    path.to_string_lossy().into_owned()
}

#[test]
fn graph_draws_every_hop_between_the_peers_with_the_calls_made_there() {
    let graph = temp_file("pipeline.html", "");
    let out = aqua(&[
        "run",
        &example("pipeline.aqua"),
        "-f",
        "pipeline(key, f, t, s)",
        "--data",
        r#"{"key": "k", "f": "@alice", "t": "@bob", "s": "@carol"}"#,
        "--network",
        &example("pipeline.toml"),
        "--graph",
        graph.to_str().expect("utf-8 path"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), r#""stored at carol/7""#);
    let html = std::fs::read_to_string(&graph).expect("the graph was written");
    assert!(html.starts_with("<!DOCTYPE html>"));
    // One lifeline per peer that took part, the client first.
    let lanes: Vec<&str> = html
        .split(r#"<g class="peer">"#)
        .skip(1)
        .map(|g| g.split("text-anchor=\"middle\">").nth(1).and_then(|t| t.split('<').next()))
        .map(|name| name.expect("a peer box has a name"))
        .collect();
    assert_eq!(lanes, ["client", "relay", "alice", "bob", "carol"]);
    // client -> relay, relay <-> alice, bob, carol, relay -> client: 9 deliveries, 8 arrows.
    assert_eq!(html.matches(r#"<g class="hop">"#).count(), 9);
    assert_eq!(html.matches(r#"<line class="arrow""#).count(), 8);
    for call in [
        "fetch.get(&quot;k&quot;) → &quot;raw record 42&quot;",
        "transform.run(&quot;raw record 42&quot;)",
        "store.put(&quot;raw record 42&quot;) → &quot;stored at carol/7&quot;",
    ] {
        assert!(html.contains(call), "missing call {call}");
    }
    assert!(html.contains("result: &quot;stored at carol/7&quot;"));
    // Opens offline: nothing is fetched from anywhere.
    for external in ["<script", "src=", "href=", "@import", "url(http"] {
        assert!(!html.contains(external), "the page refers to something external: {external}");
    }
}

#[test]
fn graph_marks_a_failure_and_the_run_still_exits_1() {
    let graph = temp_file("failover.html", "");
    let script = temp_file(
        "fails.aqua",
        "aqua Fails declares *\n\nexport find\n\nservice Directory(\"directory\"):\n  find(key: string) -> string\n\nfunc find(key: string, host: string) -> string:\n  on host:\n    r <- Directory.find(key)\n  <- r\n",
    );
    let out = aqua(&[
        "run",
        script.to_str().expect("utf-8 path"),
        "-f",
        "find(key, host)",
        "--data",
        r#"{"key": "k", "host": "@alice"}"#,
        "--network",
        &example("failover.toml"),
        "--graph",
        graph.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let html = std::fs::read_to_string(&graph).expect("the graph is written for failed runs too");
    assert!(html.contains(r#"<text class="call failed""#), "the failed call is marked");
    assert!(html.contains("directory offline"));
    assert!(html.contains("error[X001]: the function failed on peer alice"));
    // The failed call names its Aqua line.
    assert!(html.contains("fails.aqua:10:10: Directory.find(key)"));
}

#[cfg(feature = "wasm")]
#[test]
fn a_declaration_that_disagrees_with_its_component_is_reported_before_running() {
    let dir =
        std::path::Path::new(&example("wasm-greeting.toml")).parent().map(|p| p.to_path_buf());
    let network = temp_file(
        "wasm.toml",
        &format!(
            "peers = [\"relay\", \"alice\"]\n\n[[service]]\nid = \"greeting\"\npeers = [\"alice\"]\nwasm = \"{}\"\n",
            dir.expect("examples dir").join("greeting.wat").display()
        ),
    );
    let script = temp_file(
        "wrong.aqua",
        "aqua Wrong declares *\n\nexport hi\n\nservice Greeting(\"greeting\"):\n  greet(name: string, times: u32) -> string\n  wave() -> bool\n\nfunc hi(host: string) -> string:\n  on host:\n    t <- Greeting.greet(\"x\", 2)\n  <- t\n",
    );
    let out = aqua(&[
        "--color",
        "never",
        "run",
        script.to_str().expect("utf-8 path"),
        "-f",
        "hi(host)",
        "--data",
        r#"{"host": "@alice"}"#,
        "--network",
        network.to_str().expect("utf-8 path"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(stdout(&out), "", "nothing ran");
    let err = stderr(&out);
    assert!(
        err.contains("error[R001]: service `Greeting` does not match the WebAssembly component"),
        "{err}"
    );
    assert!(err.contains("wrong.aqua:5:1"), "names the declaration: {err}");
    assert!(
        err.contains("`greet` takes 1 argument(s) in the component, but 2 in the declaration"),
        "{err}"
    );
    assert!(err.contains("the component exports no function `wave`"), "{err}");
}

#[test]
fn run_on_an_unreadable_file_exits_2_with_cannot_read() {
    let out = aqua(&["run", "/nonexistent/missing.aqua", "-f", "f()"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("cannot read `/nonexistent/missing.aqua`"), "{}", stderr(&out));
}

#[test]
fn run_takes_the_lowering_options_of_compile() {
    let source = temp_file(
        "run_lowering.aqua",
        "aqua M\n\nexport hello\n\nservice Op(\"op\"):\n  noop()\n\nfunc hello():\n  Op.noop()\n",
    );
    let source = source.to_string_lossy().into_owned();
    // A void function answers nothing (null), unless --empty-response sends an empty response.
    let cases: [(&[&str], &str); 5] = [
        (&[], "null"),
        (&["--no-xor"], "null"),
        (&["--no-relay"], "null"),
        (&["--tracing"], "null"),
        (&["--empty-response"], "[]"),
    ];
    for (flags, result) in cases {
        let mut args = vec!["run", source.as_str(), "-f", "hello()"];
        args.extend_from_slice(flags);
        let out = aqua(&args);
        assert!(out.status.success(), "{flags:?}: {}", stderr(&out));
        assert_eq!(stdout(&out).trim(), result, "{flags:?}");
    }
}

#[test]
fn the_reference_clis_flags_get_a_hint() {
    let source = example("pipeline.aqua");
    let cases: [(&[&str], &str); 4] = [
        (&["run", "-i", &source, "-f", "f()"], "give the file as an argument"),
        (&["run", &source, "-f", "f()", "--addr", "/dns4/relay/tcp/7777"], "--target ts"),
        (&["run", &source, "-f", "f()", "--data-path", "d.json"], "`--data-file d.json`"),
        (&["compile", "-i", &source, "-o", "out"], "give the sources as arguments"),
    ];
    for (args, hint) in cases {
        let out = aqua(args);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(stderr(&out).contains(hint), "{args:?}: {}", stderr(&out));
    }
}

/// A program whose functions take a string, a `u8`, an array of structs and an option.
fn arguments_program() -> String {
    let source = "aqua Args\n\nexport greet, total\n\ndata User:\n  name: string\n  age: u8\n\n\
                  func greet(who: string, times: u8) -> string:\n  <- who\n\n\
                  func total(users: []User, limit: ?u32) -> u32:\n  <- 1\n";
    temp_file("arguments.aqua", source).to_string_lossy().into_owned()
}

/// Runs `aqua run` on the arguments program; returns the exit code and stderr.
fn run_call(call: &str, data: &str) -> (Option<i32>, String) {
    let file = arguments_program();
    let out = aqua(&["--color", "never", "run", &file, "-f", call, "--data", data]);
    (out.status.code(), stderr(&out))
}

#[test]
fn each_argument_mistake_has_its_own_code_before_anything_runs() {
    let cases = [
        (
            "gret(who, n)",
            "{}",
            "error[R002]: no function `gret` in the file",
            "Did you mean `greet`?",
        ),
        (
            "greet(who)",
            "{}",
            "error[R003]: `greet` takes 2 arguments, the call gives 1",
            "expected greet(who: string, times: u8)",
        ),
        (
            "greet(who, n)",
            r#"{"who": "x"}"#,
            "error[R004]: `n` is not in --data",
            "the value of `times`",
        ),
        (
            "greet(3, 2)",
            "{}",
            "error[R005]: `who` is not a `string`: expected string, found 3",
            "-f:1:7",
        ),
        (
            "greet(who, n)",
            r#"{"who": "x", "n": 300}"#,
            "error[R005]: `times` is not a `u8`: 300 is out of the range of u8 (0 to 255)",
            "^ 300 here",
        ),
        (
            "total(us, l)",
            r#"{"us": [{"name": "a"}], "l": null}"#,
            "the field `age` of `User` is missing",
            "element 0",
        ),
        (
            "total(us, l)",
            r#"{"us": [], "l": [1, 2]}"#,
            "expected null, [] or [value], found [1,2]",
            "R005",
        ),
        (
            "gret(who, n",
            "{}",
            "error[R007]: cannot read the call: expected `name(arguments)`",
            "this `(` is not closed",
        ),
        ("greet(who, 3) x", "{}", "error[R007]", "text after the call's `)`"),
        ("gr-eet(who, 3)", "{}", "error[R007]: `gr-eet` is not a function name", "-f:1:1"),
        ("nothing(who, 3)", "{}", "error[R002]", "The file exports `greet`, `total`."),
        // Before R008 the two strings reached the AIR as one with a quote inside: a script that
        // does not parse.
        (r#"greet("a" "b", 3)"#, "{}", "error[R008]: unsupported argument `\"a\" \"b\"`", "-f:1:7"),
        ("greet(u.name, 3)", r#"{"u": {"name": "x"}}"#, "unsupported argument `u.name`", "R008"),
        ("greet(who, 1 + 2)", r#"{"who": "x"}"#, "unsupported argument `1 + 2`", "`times`"),
        ("total([], 0.30000000000000004)", "{}", "R008", "a float of at most 11 characters"),
        (
            "greet(who, n)",
            r#"{"who": "x", "n": 1e30}"#,
            "error[R005]: `times` is not a `u8`: 1e+30 is out of the range of u8 (0 to 255)",
            "R005",
        ),
    ];
    for (call, data, message, detail) in cases {
        let (code, stderr) = run_call(call, data);
        assert_eq!(code, Some(1), "{call}: {stderr}");
        assert!(stderr.contains(message) && stderr.contains(detail), "{call}: {stderr}");
    }
}

#[test]
fn an_unused_data_key_is_a_warning_and_the_run_goes_on() {
    let (code, stderr) = run_call("greet(who, 3)", r#"{"who": "x", "extra": 1}"#);
    assert_eq!(code, Some(0), "{stderr}");
    assert!(stderr.contains("warning[R006]: --data gives `extra`, which the call does not use"));
}

fn run_literals(call: &str, data: &str) -> std::process::Output {
    let file = crate::support::data_file("run", "literals.aqua");
    aqua(&["run", &file, "-f", call, "--data", data])
}

#[test]
fn every_aqua_literal_form_is_an_argument_of_f() {
    let out = run_literals(r#"echo(["a", "b, c"], nil, [[1, 2], [], [3]], true, 1.5)"#, "{}");
    assert!(out.status.success(), "{}", stderr(&out));
    let result: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(result, serde_json::json!([["a", "b, c"], [], [[1, 2], [], [3]], true, 1.5]));
    let out = run_literals("echo([], [7], [[1]], false, -2)", "{}");
    let result: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(result, serde_json::json!([[], [7], [[1]], false, -2]));
    // Names in an array come from --data, and count as used.
    let out = run_literals(r#"count([x, "y", x])"#, r#"{"x": "q"}"#);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!((stdout(&out).trim(), stderr(&out).as_str()), ("3", ""));
    let out = run_literals("count([x, 3])", "{}");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[R004]: `x` is not in --data"), "{}", stderr(&out));
    // A stream parameter takes an array literal, names in it included (it stopped with L003).
    for (call, expected) in [
        (r#"append(["a", x])"#, serde_json::json!(["a", "q", "last"])),
        ("append([])", serde_json::json!(["last"])),
    ] {
        let out = run_literals(call, r#"{"x": "q"}"#);
        assert!(out.status.success(), "{call}: {}", stderr(&out));
        let result: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
        assert_eq!(result, expected, "{call}");
    }
}

#[test]
fn callbacks_are_named_in_the_call_and_answered_from_data() {
    let out = run_literals(r#"greet("ann", loud, log)"#, r#"{"loud": "ANN!"}"#);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), r#""ANN!""#);
    // Each call of a callback is shown, in order.
    let text = stderr(&out);
    let (log, loud) = (text.find(r#"callback log("ann")"#), text.find(r#"callback loud("ann")"#));
    assert!(log.is_some() && loud.is_some() && log < loud, "{text}");
    // A callback that returns something needs its answer; a literal is no callback. Both once
    // asked for --data keys the way a value does.
    let out = run_literals(r#"greet("ann", loud, log)"#, "{}");
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("error[R004]: `loud` is not in --data"), "{text}");
    let help = "help: The callback returns `string`: give what the client answers it with, --data";
    assert!(text.contains(help), "{text}");
    assert!(
        text.contains("the answer of the callback `shout`") && !text.contains("`log`"),
        "{text}"
    );
    let out = run_literals(r#"greet("ann", "x", log)"#, "{}");
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("error[R008]: unsupported argument `\"x\"`"), "{}", stderr(&out));
    let out = run_literals(r#"greet("ann", loud, log)"#, r#"{"loud": 3}"#);
    assert!(stderr(&out).contains("error[R005]: `loud` is not a `string`"), "{}", stderr(&out));
}

#[test]
fn a_peer_is_named_by_its_marker_and_shown_by_name() {
    // "@bob" in an array literal of -f is bob's id; the result shows it as @bob again.
    let out = run_literals(r#"visit(["@bob", "@alice"])"#, "{}");
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), r#""on @bob""#);
    // A plain "bob" is text, in --data as in -f.
    let out =
        run_literals(r#"echo(xs, nil, [], true, 0)"#, r#"{"xs": ["bob", "@@bob", "@carol"]}"#);
    let result: serde_json::Value = serde_json::from_str(&stdout(&out)).expect("JSON");
    assert_eq!(result[0], serde_json::json!(["bob", "@@bob", "@carol"]));
    let out = run_literals(r#"visit(["@dave"])"#, "{}");
    assert_eq!(out.status.code(), Some(2));
    assert!(
        stderr(&out).contains("`@dave` names no peer of the network (its peers: alice, bob, carol"),
        "{}",
        stderr(&out)
    );
}

#[test]
fn a_parameter_named_by_an_air_keyword_runs_with_aqua_lines() {
    // A parameter named by an AIR keyword: its variable gets a suffix, so the printed AIR parses
    // back and the run keeps its source map (it once did not, and ran with a warning).
    let script = temp_file(
        "keyword.aqua",
        "aqua W declares *\n\nexport keep\n\nfunc keep(new: string) -> string:\n  <- new\n",
    );
    let out = aqua(&[
        "run",
        script.to_str().expect("utf-8 path"),
        "-f",
        "keep(new)",
        "--data",
        r#"{"new": "x"}"#,
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out).trim(), r#""x""#);
    assert!(!stderr(&out).contains("cannot name Aqua lines"), "{}", stderr(&out));
}

/// A peer given as text (`"@@carol"` is the text `@carol`, not carol's id) sends the particle
/// nowhere: the report names where it went and who sent it, not only that no result came.
#[test]
fn a_send_to_an_id_no_peer_has_is_named_in_the_report() {
    let out = aqua(&[
        "--color",
        "never",
        "run",
        &example("greeting.aqua"),
        "-f",
        "greetAll(ps, \"x\")",
        "--data",
        r#"{"ps": ["@alice", "@@carol"]}"#,
        "--network",
        &example("greeting.toml"),
    ]);
    assert_eq!(out.status.code(), Some(1), "{}", stderr(&out));
    let report = stderr(&out);
    assert!(report.contains("error[X005]"), "{report}");
    assert!(
        report.contains(
            "the particle was sent to `@carol`, which is no peer of the network (by relay)"
        ),
        "{report}"
    );
}
