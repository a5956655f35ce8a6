//! Every workflow in `examples/` runs end to end with `aqua run` on its network file, and gives
//! the result it is meant to show.

use serde_json::{Value, json};

use crate::support::{aqua, stderr, stdout};

fn example(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples").join(name);
    path.to_string_lossy().into_owned()
}

/// Runs `aqua run` on an example and parses the printed result.
fn run(file: &str, call: &str, data: &str, network: &str) -> Value {
    let (file, network) = (example(file), example(network));
    let out = aqua(&[
        "--color",
        "never",
        "run",
        &file,
        "-f",
        call,
        "--data",
        data,
        "--network",
        &network,
    ]);
    assert!(out.status.success(), "{file}: {}", stderr(&out));
    serde_json::from_str(&stdout(&out))
        .unwrap_or_else(|e| panic!("{file}: result is not JSON ({e}): {}", stdout(&out)))
}

#[test]
fn pipeline_chains_three_peers() {
    let data = r#"{"key": "k", "f": "@alice", "t": "@bob", "s": "@carol"}"#;
    let result = run("pipeline.aqua", "pipeline(key, f, t, s)", data, "pipeline.toml");
    assert_eq!(result, json!("stored at carol/7"));
}

#[test]
fn pipeline_trace_shows_results_going_straight_to_the_next_peer() {
    let data = r#"{"key": "k", "f": "@alice", "t": "@bob", "s": "@carol"}"#;
    let out = aqua(&[
        "run",
        &example("pipeline.aqua"),
        "-f",
        "pipeline(key, f, t, s)",
        "--data",
        data,
        "--network",
        &example("pipeline.toml"),
        "--trace",
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let trace = stderr(&out);
    let alice = "12D3KooWQCkBm1BYtkHpocxCwMgR8yjitEeHGx8spzcDLGt2gkBm";
    assert!(trace.starts_with("peers:\n  client  "), "{trace}");
    assert!(
        trace.contains(&format!("\n  alice   {alice}\n")),
        "the legend names peer ids: {trace}"
    );
    assert!(trace.contains("relay -> bob\n    transform.run([\"raw record 42\"])"), "{trace}");
    assert!(
        trace.contains("relay -> client\n    callbackSrv.response([\"stored at carol/7\"])"),
        "{trace}"
    );
}

#[test]
fn greeting_fans_out_with_par_and_join() {
    let data = r#"{"peers": ["@alice", "@bob", "@carol"]}"#;
    let result = run("greeting.aqua", r#"greetAll(peers, "hi")"#, data, "greeting.toml");
    assert_eq!(result, json!(["hi", "hi", "hi"]));
}

#[test]
fn failover_catches_a_remote_failure() {
    let result = run(
        "failover.aqua",
        r#"lookup("x", p, b)"#,
        r#"{"p": "@alice", "b": "@bob"}"#,
        "failover.toml",
    );
    assert_eq!(result, json!("found in the backup directory"));
}

#[test]
fn aggregate_sums_a_stream_filled_on_three_peers() {
    let result = run(
        "aggregate.aqua",
        "totals(peers)",
        r#"{"peers": ["@alice", "@bob", "@carol"]}"#,
        "aggregate.toml",
    );
    let readings: Vec<u64> = serde_json::from_value(result[0].clone()).expect("readings");
    let mut sorted = readings.clone();
    sorted.sort();
    assert_eq!(sorted, [10, 12, 20], "{result}");
    assert_eq!(result[1], json!(42));
}

#[cfg(feature = "wasm")]
#[test]
fn wasm_greeting_calls_a_component_on_a_remote_peer() {
    let result = run(
        "wasm-greeting.aqua",
        r#"greetRemote("Aqua", h)"#,
        r#"{"h": "@alice"}"#,
        "wasm-greeting.toml",
    );
    assert_eq!(result, json!("Hello, Aqua!"));
}

#[test]
fn a_failure_nobody_catches_is_reported_with_its_peer() {
    let out = aqua(&[
        "--color",
        "never",
        "run",
        &example("failover.aqua"),
        "-f",
        r#"lookup("x", p, b)"#,
        "--data",
        r#"{"p": "@alice", "b": "@alice"}"#,
        "--network",
        &example("failover.toml"),
    ]);
    assert_eq!(out.status.code(), Some(1));
    let text = stderr(&out);
    assert!(text.contains("error[X001]: the function failed on peer alice"), "{text}");
    assert!(text.contains("directory offline"), "{text}");
    // The error that reached the client is the backup's call; the primary's, caught, is listed.
    assert!(text.contains("examples/failover.aqua:16:16"), "{text}");
    assert!(text.contains("warning[X002]: the call directory.find failed on peer alice"), "{text}");
    assert!(text.contains("examples/failover.aqua:13:16"), "{text}");
}

#[test]
fn the_default_network_runs_a_script_without_a_network_file() {
    let out = aqua(&[
        "run",
        &example("greeting.aqua"),
        "-f",
        "greetOne(p, \"x\")",
        "--data",
        r#"{"p": "@alice"}"#,
    ]);
    assert_eq!(out.status.code(), Some(1), "no peer hosts `greeting` in the default network");
    assert!(stderr(&out).contains("Service with id 'greeting' not found"), "{}", stderr(&out));
}

#[test]
fn a_function_without_results_prints_null_when_it_finishes() {
    let source = "aqua NoResult declares *\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nexport ping\n\nfunc ping():\n  Op.noop()\n";
    let path = crate::support::temp_file("no-result.aqua", source);
    let out = aqua(&["run", &path.to_string_lossy(), "-f", "ping()"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "null\n");
}

#[test]
fn deploy_creates_a_wasm_service_at_run_time_and_calls_it() {
    let out = aqua(&[
        "--color",
        "never",
        "run",
        &example("deploy.aqua"),
        "-f",
        "deploy(peer, wasm, name)",
        "--data-file",
        &example("deploy.json"),
        "--network",
        &example("deploy.toml"),
    ]);
    assert!(out.status.success(), "{}", stderr(&out));
    let result: Value = serde_json::from_str(&stdout(&out)).expect("the result is JSON");
    assert_eq!(result[1], json!("Hello, Fluence!"));
    let service_id = result[0].as_str().unwrap_or_default();
    let shape: Vec<usize> = service_id.split('-').map(str::len).collect();
    assert_eq!(shape, [8, 4, 4, 4, 12], "a UUID-shaped service id: {service_id}");
    // deploy.json carries greeting.wat in base64: keep them in step.
    let data = std::fs::read_to_string(example("deploy.json")).expect("deploy.json");
    let data: Value = serde_json::from_str(&data).expect("deploy.json is JSON");
    let wat = std::fs::read(example("greeting.wat")).expect("greeting.wat");
    let wasm = data["wasm"].as_str().expect("a base64 string");
    assert_eq!(wasm, base64_of(&wat), "regenerate deploy.json from greeting.wat");
}

/// Standard base64 with padding.
fn base64_of(bytes: &[u8]) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::new();
    for chunk in bytes.chunks(3) {
        let n = chunk.iter().enumerate().fold(0u32, |n, (i, b)| n | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

const DEADLINE_DATA: &str = r#"{"name": "aqua", "primary": "@alice", "backup": "@bob"}"#;

#[test]
fn deadline_takes_the_primary_answer_when_it_comes_in_time() {
    let result =
        run("deadline.aqua", "lookup(name, primary, backup)", DEADLINE_DATA, "deadline.toml");
    assert_eq!(result, "found by alice, the primary");
}

#[test]
fn deadline_takes_its_failover_branch_when_the_network_file_takes_the_primary_down() {
    let result =
        run("deadline.aqua", "lookup(name, primary, backup)", DEADLINE_DATA, "deadline-down.toml");
    assert_eq!(result, "found by bob, the backup");
}

/// The same two branches from the command line: `--down`, and a primary slower than the
/// deadline (a network file whose directory answers after 2 s).
#[test]
fn deadline_branches_from_flags_and_service_delays() {
    let down = aqua(&[
        "run",
        &example("deadline.aqua"),
        "-f",
        "lookup(name, primary, backup)",
        "--data",
        DEADLINE_DATA,
        "--network",
        &example("deadline.toml"),
        "--down",
        "alice",
    ]);
    assert!(down.status.success(), "{}", stderr(&down));
    assert_eq!(stdout(&down).trim(), r#""found by bob, the backup""#);
    let slow = crate::support::temp_file(
        "deadline-slow.toml",
        "peers = [\"relay\", \"alice\", \"bob\"]\n\n[[service]]\nid = \"directory\"\npeers = [\"alice\"]\n\
         functions.find = { result = \"late alice\", delay = 2000 }\n\n[[service]]\nid = \"directory\"\n\
         peers = [\"bob\"]\nfunctions.find = { result = \"bob for {arg0}\" }\n",
    );
    let slow = aqua(&[
        "run",
        &example("deadline.aqua"),
        "-f",
        "lookup(name, primary, backup)",
        "--data",
        DEADLINE_DATA,
        "--network",
        &slow.to_string_lossy(),
    ]);
    assert!(slow.status.success(), "{}", stderr(&slow));
    assert_eq!(stdout(&slow).trim(), r#""bob for aqua""#, "the template filled in the argument");
}

#[test]
fn network_file_faults_are_checked() {
    let cases = [
        ("peers = [\"a\"]\n[peer.b]\ndown = true\n", "[peer.b]: peer `b` is not in `peers`"),
        ("peers = [\"a\"]\nloss = 1.5\n", "`loss` must be between 0 and 1, not 1.5"),
        ("peers = [\"a\"]\nlatency = [5, 1]\n", "the latency range [5, 1] runs backwards"),
    ];
    for (text, message) in cases {
        let file = crate::support::temp_file("faulty.toml", text);
        let out = aqua(&[
            "run",
            &example("deadline.aqua"),
            "-f",
            "lookup(name, primary, backup)",
            "--network",
            &file.to_string_lossy(),
        ]);
        assert_eq!(out.status.code(), Some(2), "{text}");
        assert!(stderr(&out).contains(message), "{text}: {}", stderr(&out));
    }
}
