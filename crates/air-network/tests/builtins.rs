//! The native built-in services, function by function, against the answers and error texts of
//! a real Fluence peer (nox 0.28) as recorded from it. The facts are copied
//! here: every expected value below comes from the spec's tables (§2) and verified semantics
//! (§5), or from the simulator's documented choices (§7).

use air_network::builtins::{self, Context, Options, Outcome, PeerState};
use air_vm::KeyPair;
use serde_json::{Value, json};

/// A peer `host` in a network of four, answering a particle from `client`.
struct Host {
    state: PeerState,
    key: KeyPair,
    network: Vec<String>,
    init: String,
    now: u64,
}

impl Host {
    fn new() -> Host {
        let network: Vec<String> =
            ["client", "host", "alice", "bob"].iter().map(|name| id(name)).collect();
        Host {
            state: PeerState::default(),
            key: KeyPair::from_name("host"),
            network,
            init: id("client"),
            now: 1_700_000_000_123,
        }
    }

    fn outcome(&mut self, service: &str, function: &str, args: Value) -> Option<Outcome> {
        let args = args.as_array().expect("arguments are an array").clone();
        let peer_id = self.key.peer_id();
        let ctx = Context {
            peer_id: &peer_id,
            init_peer_id: &self.init,
            particle_id: "p1",
            now: self.now,
            tetraplets: &[],
            key: Some(&self.key),
            network: &self.network,
        };
        builtins::call(&mut self.state, &ctx, service, function, &args)
    }

    /// `(ret_code, result)` as the caller receives it.
    fn call(&mut self, service: &str, function: &str, args: Value) -> (i32, Value) {
        match self.outcome(service, function, args) {
            Some(outcome) => outcome.reply(),
            None => (1, Value::String(builtins::not_found(service, function))),
        }
    }
}

fn id(name: &str) -> String {
    KeyPair::from_name(name).peer_id()
}

/// Checks successful results: `(service, function, args, result)`.
fn assert_results(host: &mut Host, cases: &[(&str, &str, Value, Value)]) {
    for (service, function, args, expected) in cases {
        let (code, result) = host.call(service, function, args.clone());
        assert_eq!(
            (code, &result),
            (0, expected),
            "{service}.{function}({args}) gave {result} (code {code})"
        );
    }
}

/// Checks failures: `(service, function, args, message)`; a message ending in `…` is a prefix
/// (the first line of a wrapped error is what a simulator must match).
fn assert_errors(host: &mut Host, cases: &[(&str, &str, Value, &str)]) {
    for (service, function, args, expected) in cases {
        let (code, result) = host.call(service, function, args.clone());
        let message = result.as_str().unwrap_or_default();
        assert_eq!(code, 1, "{service}.{function}({args}) did not fail: {result}");
        match expected.strip_suffix('…') {
            Some(prefix) => assert!(
                message.starts_with(prefix),
                "{service}.{function}({args}): {message:?} does not start with {prefix:?}"
            ),
            None => assert_eq!(message, *expected, "{service}.{function}({args})"),
        }
    }
}

#[test]
fn op_answers_as_nox() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("op", "noop", json!(["any", 1]), json!("")),
            ("op", "identity", json!(["hi"]), json!("hi")),
            ("op", "identity", json!([[]]), json!([])),
            ("op", "identity", json!([]), json!("")),
            ("op", "array", json!(["a", 1]), json!(["a", 1])),
            ("op", "array", json!([]), json!([])),
            ("op", "array_length", json!([[1, 2, 3]]), json!(3)),
            ("op", "concat", json!([[0, 0], [1], [], [2]]), json!([0, 0, 1, 2])),
            ("op", "concat", json!([]), json!([])),
            ("op", "concat_strings", json!(["a", "b", "c"]), json!("abc")),
            ("op", "concat_strings", json!([]), json!("")),
            ("op", "string_to_b58", json!(["test"]), json!("3yZe7d")),
            ("op", "string_to_b58", json!(["test", "ignored"]), json!("3yZe7d")),
            ("op", "string_from_b58", json!(["3yZe7d"]), json!("test")),
            ("op", "bytes_to_b58", json!([[116, 101, 115, 116]]), json!("3yZe7d")),
            ("op", "bytes_from_b58", json!(["3yZe7d"]), json!([116, 101, 115, 116])),
            // The real SHA-256 multihash (§5.6: the documented contract and the JS client).
            (
                "op",
                "sha256_string",
                json!(["hello, world!"]),
                json!("QmVQ8pg6L1tpoWYeq6dpoWqnzZoSLCh7E96fCFXKvfKD3u"),
            ),
        ],
    );
    assert_errors(
        &mut host,
        &[
            (
                "op",
                "identity",
                json!([1, 2]),
                "identity accepts up to 1 arguments, received 2 arguments",
            ),
            (
                "op",
                "array_length",
                json!([]),
                "op array_length accepts exactly 1 argument: 0 found",
            ),
            (
                "op",
                "array_length",
                json!([[1], [2]]),
                "op array_length accepts exactly 1 argument: 2 found",
            ),
            ("op", "array_length", json!(["abc"]), "op array_length's argument must be an array"),
            (
                "op",
                "concat",
                json!([[1], "x"]),
                "all arguments of 'concat' must be arrays: argument #1 is not",
            ),
            (
                "op",
                "concat_strings",
                json!([1]),
                "all arguments of 'concat_strings' must be strings: argument #0 is not",
            ),
            (
                "op",
                "string_to_b58",
                json!([]),
                "Error: Field 'string' is missing from args to call_service\nMissingField(\"string\")",
            ),
            ("op", "string_from_b58", json!(["0OIl"]), "Error: decode base58 failed: …"),
            (
                "op",
                "string_from_b58",
                json!([bs58::encode([0xff]).into_string()]),
                "Error: decode from bytes to UTF8 failed: …",
            ),
            (
                "op",
                "bytes_to_b58",
                json!([[256]]),
                "Error: Error deserializing field 'bytes': expected Vec<u8>, got [256]…",
            ),
            ("op", "bytes_from_b58", json!(["0"]), "Error: decode base58 failed: …"),
            ("op", "foo", json!([]), "Service with id 'op' not found (function foo)"),
        ],
    );
}

#[test]
fn sha256_string_takes_nox_options() {
    let mut host = Host::new();
    let (_, digest) = host.call("op", "sha256_string", json!(["hello, world!", [true], [true]]));
    let digest: Vec<u8> = serde_json::from_value(digest).expect("bytes");
    assert_eq!(digest.len(), 32, "digest_only and as_bytes give the 32 digest bytes");
    let (_, multihash) = host.call("op", "sha256_string", json!(["hello, world!", [], [true]]));
    let multihash: Vec<u8> = serde_json::from_value(multihash).expect("bytes");
    assert_eq!(multihash[..2], [0x12, 0x20]);
    assert_eq!(multihash[2..], digest[..]);
    assert_errors(
        &mut host,
        &[(
            "op",
            "sha256_string",
            json!(["x", [true, false]]),
            "Error: Option's array must contain at most 1 element, 'digest_only' was of 2 elements…",
        )],
    );
}

#[test]
fn math_is_checked_i64_with_nox_quirks() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("math", "add", json!([2, 2]), json!(4)),
            ("math", "sub", json!([2, 3]), json!(-1)),
            ("math", "mul", json!([2, -1]), json!(-2)),
            ("math", "fmul", json!([10, 0.66]), json!(6)),
            ("math", "fmul", json!([0.5, 0.5]), json!(0)),
            ("math", "fmul", json!([-0.5, 3]), json!(-2)),
            ("math", "fmul", json!([1e300, 1e300]), json!(i64::MAX)),
            ("math", "div", json!([2, 3]), json!(0)),
            ("math", "div", json!([-7, 2]), json!(-3)),
            ("math", "rem", json!([10, 3]), json!(1)),
            ("math", "rem", json!([-7, 2]), json!(-1)),
            ("math", "rem", json!([7, -2]), json!(1)),
            ("math", "pow", json!([2, 2]), json!(4)),
            ("math", "pow", json!([2, 0]), json!(1)),
            ("math", "pow", json!([0, 0]), json!(1)),
            ("math", "log", json!([2, 4]), json!(2)),
            ("math", "log", json!([3, 10]), json!(2)),
            ("math", "log", json!([10, 1]), json!(0)),
        ],
    );
    assert_errors(
        &mut host,
        &[
            ("math", "add", json!([i64::MAX, i64::MAX]), "i64 add overflow"),
            // sub negates first: i64::MIN always fails, even where x - y would fit.
            ("math", "sub", json!([-1, i64::MIN]), "i64 neg overflow"),
            ("math", "sub", json!([i64::MIN, 1]), "i64 add overflow"),
            ("math", "mul", json!([i64::MAX, 2]), "i64 mul overflow"),
            ("math", "div", json!([2, 0]), "i64 div overflow"),
            ("math", "div", json!([i64::MIN, -1]), "i64 div overflow"),
            ("math", "rem", json!([2, 0]), "i64 rem overflow"),
            ("math", "rem", json!([i64::MIN, -1]), "i64 rem overflow"),
            ("math", "pow", json!([2, 64]), "i64 pow overflow"),
            ("math", "log", json!([1, 8]), "i64 log overflow"),
            ("math", "log", json!([2, 0]), "i64 log overflow"),
            ("math", "add", json!([1]), "expected 2 arguments, got 1"),
            ("math", "add", json!([1, 2, 3]), "expected 2 arguments, got 3"),
            (
                "math",
                "add",
                json!(["a", 1]),
                "Error: Error deserializing field 'x': expected i64, got \"a\"\nDeserializeError { field: \"x\", value: String(\"a\"), expected_type: \"i64\" }",
            ),
            (
                "math",
                "add",
                json!([u64::MAX, 1]),
                "Error: Error deserializing field 'x': expected i64, got 18446744073709551615…",
            ),
            (
                "math",
                "add",
                json!([1, 2.0]),
                "Error: Error deserializing field 'y': expected i64, got 2.0…",
            ),
            (
                "math",
                "pow",
                json!([2, -1]),
                "Error: Error deserializing field 'y': expected u32, got -1…",
            ),
            (
                "math",
                "fmul",
                json!(["1", 2]),
                "Error: Error deserializing field 'x': expected f64, got \"1\"…",
            ),
            ("math", "foo", json!([1, 2]), "Service with id 'math' not found (function foo)"),
        ],
    );
}

#[test]
fn cmp_returns_json_booleans_and_an_ordering() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("cmp", "gt", json!([2, 4]), json!(false)),
            ("cmp", "gte", json!([2, 2]), json!(true)),
            ("cmp", "lt", json!([2, 4]), json!(true)),
            ("cmp", "lte", json!([4, 2]), json!(false)),
            ("cmp", "cmp", json!([2, 4]), json!(-1)),
            ("cmp", "cmp", json!([2, -4]), json!(1)),
            ("cmp", "cmp", json!([2, 2]), json!(0)),
        ],
    );
    assert_errors(
        &mut host,
        &[
            (
                "cmp",
                "gt",
                json!([1.5, 1]),
                "Error: Error deserializing field 'x': expected i64, got 1.5…",
            ),
            ("cmp", "lt", json!([1]), "expected 2 arguments, got 1"),
        ],
    );
}

#[test]
fn array_functions_keep_the_order_of_first_appearance() {
    let mut host = Host::new();
    let (xs, ys) = (json!(["a", "b", "c", "a"]), json!(["c", "b", "d"]));
    assert_results(
        &mut host,
        &[
            ("array", "sum", json!([[1, 2, 3]]), json!(6)),
            ("array", "sum", json!([[]]), json!(0)),
            ("array", "dedup", json!([["c", "a", "c", "b"]]), json!(["c", "a", "b"])),
            ("array", "intersect", json!([xs, ys]), json!(["b", "c"])),
            ("array", "diff", json!([xs, ys]), json!(["a"])),
            ("array", "sdiff", json!([xs, ys]), json!(["a", "d"])),
            ("array", "slice", json!([[1, 2, 3, 4], 0, 2]), json!([1, 2])),
            ("array", "slice", json!([[], 5, 1]), json!([])),
            ("array", "length", json!([[1, 2]]), json!(2)),
        ],
    );
    assert_errors(
        &mut host,
        &[
            ("array", "sum", json!([[i64::MAX, 1]]), "i64 add overflow"),
            ("array", "sum", json!([[1], [2]]), "expected 1 arguments, got 2"),
            (
                "array",
                "sum",
                json!([[1.5]]),
                "Error: Error deserializing field 'x': expected Vec<i64>, got [1.5]…",
            ),
            (
                "array",
                "dedup",
                json!([[1]]),
                "Error: Error deserializing field 'x': expected Vec<String>, got [1]…",
            ),
            (
                "array",
                "intersect",
                json!([["a"], [1]]),
                "Error: Error deserializing field 'y': expected std::collections::hash::set::HashSet<String>, got [1]…",
            ),
            (
                "array",
                "slice",
                json!([[1]]),
                "invalid number of parameters. need array, start index and end index",
            ),
            ("array", "slice", json!(["x", 0, 1]), "first argument must be an array, was \"x\""),
            (
                "array",
                "slice",
                json!([[1], -1, 1]),
                "second argument (start index) must be an unsigned integer, was -1",
            ),
            (
                "array",
                "slice",
                json!([[1], 0, "1"]),
                "third argument (end index) must be an unsigned integer, was \"1\"",
            ),
            (
                "array",
                "slice",
                json!([[1, 2], 1, 3]),
                "slice indexes out of bounds. start index: 1, end index: 3, array length: 2",
            ),
            ("array", "length", json!(["x"]), "op array_length's argument must be an array"),
        ],
    );
}

#[test]
fn json_builds_parses_and_prints() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("json", "obj", json!(["name", "a", "num", 1]), json!({"name": "a", "num": 1})),
            ("json", "obj", json!([]), json!({})),
            ("json", "obj", json!(["k", 1, "k", 2]), json!({"k": 2})),
            ("json", "put", json!([{"b": 11}, "a", 10]), json!({"b": 11, "a": 10})),
            (
                "json",
                "puts",
                json!([{"b": 11}, "a", 10, "c", 12]),
                json!({"a": 10, "b": 11, "c": 12}),
            ),
            ("json", "parse", json!(["{\"a\":1}"]), json!({"a": 1})),
            ("json", "parse", json!(["[1, \"x\"]"]), json!([1, "x"])),
            ("json", "stringify", json!([{"a": 1}]), json!("{\"a\":1}")),
            ("json", "stringify", json!(["héllo"]), json!("\"héllo\"")),
            ("json", "obj_pairs", json!([[["a", 1], ["b", 2]]]), json!({"a": 1, "b": 2})),
            ("json", "puts_pairs", json!([{"a": 1}, [["b", 2]]]), json!({"a": 1, "b": 2})),
        ],
    );
    assert_errors(
        &mut host,
        &[
            // The text really is inverted on nox.
            (
                "json",
                "obj",
                json!(["k"]),
                "Expected odd number of arguments, got even. No value for key '\"k\"'",
            ),
            (
                "json",
                "obj",
                json!([1, 2]),
                "All keys must be of type string. Key of the following pair is of invalid type: (1, 2)",
            ),
            ("json", "put", json!([[], "a", 1]), "Error: Error deserializing field 'object': …"),
            (
                "json",
                "put",
                json!([{}, 1, 1]),
                "Error: Error deserializing field 'key': expected String, got 1…",
            ),
            ("json", "parse", json!(["{"]), "Error: error parsing json {…"),
            ("json", "parse", json!(["x", "y"]), "expected 1 arguments, got 2"),
            ("json", "puts_pairs", json!([[1], [["a", 1]]]), "expected json object, got [1]"),
            ("json", "obj_pairs", json!([[["a"]]]), "Error: Error deserializing field 'x': …"),
        ],
    );
    let (_, parsed) = host.call("json", "parse", json!(["nope"]));
    assert!(parsed.as_str().unwrap_or_default().contains("expected ident at line 1 column 2"));
}

#[test]
fn debug_console_and_stat() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("debug", "stringify", json!(["hello"]), json!("\"hello\"")),
            ("debug", "stringify", json!([{"a": "b"}]), json!("{\"a\":\"b\"}")),
            ("debug", "stringify", json!([]), json!("\"<empty argument list>\"")),
            ("debug", "stringify", json!(["a", "b"]), json!("[\"a\",\"b\"]")),
            ("run-console", "print", json!(["anything", 1]), json!("")),
        ],
    );
    assert_errors(
        &mut host,
        &[
            (
                "stat",
                "service_stat",
                json!(["nobody"]),
                "Error: Service with id 'nobody' not found on Host…",
            ),
            (
                "stat",
                "service_memory",
                json!([]),
                "Error: Field 'service_id' is missing from args to call_service…",
            ),
        ],
    );
}

#[test]
fn vault_keeps_files_per_particle() {
    let mut host = Host::new();
    let (code, path) = host.call("vault", "put", json!(["some data"]));
    assert_eq!(code, 0);
    let path = path.as_str().expect("a path").to_string();
    assert!(path.starts_with("/tmp/vault/p1-"), "{path}");
    assert_results(&mut host, &[("vault", "cat", json!([path.clone()]), json!("some data"))]);
    let name = path.rsplit('/').next().expect("a file name").to_string();
    assert_results(&mut host, &[("vault", "cat", json!([name]), json!("some data"))]);
    assert_errors(
        &mut host,
        &[("vault", "cat", json!(["/tmp/x"]), "Error reading vault file `/tmp/x`")],
    );
}

#[test]
fn peer_reads_the_virtual_clock_and_times_out_later() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("peer", "timestamp_ms", json!([]), json!(1_700_000_000_123u64)),
            ("peer", "timestamp_sec", json!([]), json!(1_700_000_000u64)),
            ("peer", "is_connected", json!([id("alice")]), json!(true)),
            ("peer", "is_connected", json!([id("host")]), json!(false)),
            ("peer", "connect", json!([id("bob"), []]), json!(true)),
            (
                "peer",
                "get_contact",
                json!([id("bob")]),
                json!({"peer_id": id("bob"), "addresses": []}),
            ),
            // An unknown peer is the empty string, not `[]` (nox's quirk).
            ("peer", "get_contact", json!([id("nobody")]), json!("")),
        ],
    );
    let identify = host.call("peer", "identify", json!([])).1;
    for field in ["external_addresses", "node_version", "air_version", "spell_version"] {
        assert!(identify.get(field).is_some(), "identify has {field}: {identify}");
    }
    let later = |after_ms, value: &str| {
        Some(Outcome::Later { after_ms, value: Value::String(value.into()) })
    };
    assert_eq!(host.outcome("peer", "timeout", json!([1000, "timeout"])), later(1000, "timeout"));
    assert_eq!(host.outcome("peer", "timeout", json!(["250", "late"])), later(250, "late"));
    assert_eq!(host.outcome("peer", "timeout", json!([[5]])), later(5, ""));
    assert_errors(
        &mut host,
        &[
            (
                "peer",
                "timeout",
                json!([]),
                "Error: Field 'duration_ms' is missing from args to call_service…",
            ),
            (
                "peer",
                "timeout",
                json!([-1, "x"]),
                "Error: Error deserializing field 'duration_ms': …",
            ),
            (
                "peer",
                "timeout",
                json!([1.5, "x"]),
                "Error: Error deserializing field 'duration_ms': …",
            ),
            (
                "peer",
                "timeout",
                json!(["soon", "x"]),
                "Error: Error while deserializing field duration_ms…",
            ),
            (
                "peer",
                "timeout",
                json!([10, 1]),
                "Error: Error deserializing field 'message': expected Option<String>, got 1…",
            ),
            ("peer", "is_connected", json!(["0"]), "Error: base-58 decode error: …"),
            (
                "peer",
                "is_connected",
                json!([]),
                "Error: Field 'peer_id' is missing from args to call_service…",
            ),
        ],
    );
}

#[test]
fn kad_neighborhood_excludes_the_caller_and_sorts_by_xor_distance() {
    use sha2::{Digest, Sha256};
    let mut host = Host::new();
    let key = bs58::encode("some key").into_string();
    let (code, found) = host.call("kad", "neighborhood", json!([key, [], []]));
    assert_eq!(code, 0, "{found}");
    let found: Vec<String> = serde_json::from_value(found).expect("peer ids");
    let mut expected: Vec<String> =
        ["client", "alice", "bob"].iter().map(|name| id(name)).collect();
    // The key's multihash wraps its bytes under code 0x12 (no hashing, as nox does); distances
    // are between sha256 of that multihash and sha256 of each peer id's bytes.
    let multihash = [&[0x12, 8][..], b"some key"].concat();
    let target = Sha256::digest(&multihash);
    let distance = |peer: &String| -> Vec<u8> {
        let bytes = bs58::decode(peer).into_vec().expect("base58");
        Sha256::digest(bytes).iter().zip(target.iter()).map(|(a, b)| a ^ b).collect()
    };
    expected.sort_by_key(distance);
    assert_eq!(found, expected);
    assert!(!found.contains(&id("host")), "never the peer itself");
    let (_, two) = host.call("kad", "neighborhood", json!([key, [false], [2]]));
    assert_eq!(two, json!(expected[..2]));
    let (_, hashed) = host.call("op", "sha256_string", json!(["some key"]));
    let (code, _) = host.call("kad", "neighborhood", json!([hashed, [true]]));
    assert_eq!(code, 0, "a sha256_string result is a multihash");
    let (_, addressed) = host.call("kad", "neigh_with_addrs", json!([key, [], [1]]));
    assert_eq!(addressed, json!([{"peer_id": expected[0], "addresses": []}]));
    assert_errors(
        &mut host,
        &[
            (
                "kad",
                "neighborhood",
                json!(["0OIl"]),
                "Error: Error while deserializing field 'key': not a base58: …",
            ),
            (
                "kad",
                "neighborhood",
                json!([bs58::encode("test").into_string(), [true]]),
                "Error: Invalid multihash…",
            ),
            (
                "kad",
                "neighborhood",
                json!([bs58::encode([7u8; 65]).into_string()]),
                "Error: Invalid multihash size 65.…",
            ),
            (
                "kad",
                "neighborhood",
                json!([key, [true, false]]),
                "Error: Option's array must contain at most 1 element, 'already_hashed' was of 2 elements…",
            ),
        ],
    );
}

#[test]
fn kad_merge_sorts_deduplicates_and_cuts() {
    use sha2::{Digest, Sha256};
    let mut host = Host::new();
    let target = id("host");
    let (alice, bob, client) = (id("alice"), id("bob"), id("client"));
    let (code, merged) = host.call("kad", "merge", json!([target, [alice, bob], [bob, client]]));
    assert_eq!(code, 0, "{merged}");
    let hashed = |text: &String| Sha256::digest(bs58::decode(text).into_vec().expect("b58"));
    let target_hash = hashed(&target);
    let mut expected = vec![alice.clone(), bob.clone(), client.clone()];
    expected.sort_by_key(|item| {
        hashed(item).iter().zip(target_hash.iter()).map(|(a, b)| a ^ b).collect::<Vec<u8>>()
    });
    assert_eq!(merged, json!(expected));
    let (_, one) = host.call("kad", "merge", json!([target, [alice], [bob, client], [1]]));
    assert_eq!(one, json!(expected[..1]));
    assert_errors(
        &mut host,
        &[("kad", "merge", json!([target, ["0"], []]), "Error: decode base58 failed: …")],
    );
}

#[test]
fn sig_signs_and_verifies_with_the_peer_key() {
    let mut host = Host::new();
    let (code, signed) = host.call("sig", "sign", json!([[1, 2, 3]]));
    assert_eq!(code, 0);
    assert_eq!(signed["success"], json!(true));
    assert_eq!(signed["error"], json!([]));
    let signature = signed["signature"][0].clone();
    assert_eq!(signature.as_array().map(Vec::len), Some(64));
    assert_results(
        &mut host,
        &[
            ("sig", "verify", json!([signature, [1, 2, 3]]), json!(true)),
            ("sig", "verify", json!([signature, [1, 2, 4]]), json!(false)),
            // A malformed signature is `false`, not an error.
            ("sig", "verify", json!([[1, 2, 3], [1, 2, 3]]), json!(false)),
            ("sig", "get_peer_id", json!([]), json!(id("host"))),
        ],
    );
    // Undecodable data is a soft failure inside the result.
    let (code, soft) = host.call("sig", "sign", json!([["x"]]));
    assert_eq!(code, 0);
    assert_eq!(soft["success"], json!(false));
    assert_eq!(soft["signature"], json!([]));
    let error = soft["error"][0].as_str().unwrap_or_default();
    assert!(error.starts_with("Error: Error deserializing field 'data': "), "{error}");
    assert_errors(
        &mut host,
        &[("sig", "verify", json!([[1], ["x"]]), "Error: Error deserializing field 'data': …")],
    );
    // Bytes that would pass for the peer's particle-data signature are never signed.
    let (_, refused) =
        host.call("sig", "sign", json!([b"aqua-rs/particle-data/v2 forged".to_vec()]));
    assert_eq!(refused["success"], json!(false));
}

#[test]
fn sig_origin_checks_are_hard_errors_when_on() {
    let mut host = Host::new();
    host.state.options = Options { sig_origin_checks: true, ..Options::default() };
    let message =
        format!("peer '{}' is not allowed to sign data on '{}'", id("client"), id("host"));
    assert_errors(&mut host, &[("sig", "sign", json!([[1]]), message.as_str())]);
    host.init = id("host");
    assert_errors(
        &mut host,
        &[(
            "sig",
            "sign",
            json!([[1]]),
            "expected tetraplet for a scalar argument, got tetraplet for an array: None, tetraplets",
        )],
    );
}

#[test]
fn guards_are_off_by_default_and_refuse_strangers_when_on() {
    let mut host = Host::new();
    assert_results(&mut host, &[("run-console", "print", json!(["hi"]), json!(""))]);
    host.state.options = Options { guards: true, ..Options::default() };
    let refused = "This function is only available to the host or worker spells";
    assert_errors(
        &mut host,
        &[
            ("run-console", "print", json!(["hi"]), refused),
            ("srv", "create", json!(["x"]), refused),
            ("dist", "add_blueprint", json!(["{}"]), refused),
            ("peer", "connect", json!([id("bob")]), refused),
        ],
    );
    host.state.options.privileged = vec![id("client")];
    assert_results(&mut host, &[("run-console", "print", json!(["hi"]), json!(""))]);
}

#[test]
fn workers_and_subnets_are_not_simulated() {
    let mut host = Host::new();
    assert_results(
        &mut host,
        &[
            ("worker", "list", json!([]), json!([])),
            ("worker", "get_worker_id", json!(["deal"]), json!([])),
        ],
    );
    let (code, resolved) = host.call("subnet", "resolve", json!(["deal"]));
    assert_eq!(code, 0);
    assert_eq!(resolved["success"], json!(false));
    assert_eq!(resolved["workers"], json!([]));
    assert_errors(
        &mut host,
        &[
            ("worker", "create", json!(["deal", []]), "worker.create: workers are not simulated…"),
            ("worker", "foo", json!([]), "Service with id 'worker' not found (function foo)"),
            ("nobody", "here", json!([]), "Service with id 'nobody' not found (function here)"),
        ],
    );
}

#[test]
fn a_lone_local_peer_answers_the_stateless_services() {
    let peer = id("client");
    let local = |service, function, args: Value| {
        builtins::local(service, function, args.as_array().expect("array"), &peer, 42)
    };
    assert_eq!(local("math", "add", json!([1, 2])), Some(Ok(json!(3))));
    assert_eq!(local("peer", "timestamp_ms", json!([])), Some(Ok(json!(42))));
    assert_eq!(local("peer", "timeout", json!([10, "now"])), Some(Ok(json!("now"))));
    assert_eq!(local("op", "noop", json!([])), Some(Ok(json!(""))));
    assert_eq!(local("srv", "list", json!([])), None);
}

#[test]
fn the_oracle_driver_keeps_the_reference_oracle_answers() {
    // The scenario driver answers `math` and `cmp` as the reference oracle does, which differs
    // from nox in texts: sub reports "add" overflow, bad types print the whole argument list.
    assert_eq!(
        builtins::math_cmp("math", "sub", &[json!(i64::MIN), json!(1)]),
        Some(Err((1, json!("i64 add overflow"))))
    );
    assert_eq!(
        builtins::math_cmp("math", "add", &[json!("a"), json!(1)]),
        Some(Err((1, json!("expected i64, got [\"a\",1]"))))
    );
    assert_eq!(builtins::math_cmp("op", "noop", &[]), None);
}

#[cfg(not(feature = "wasm"))]
#[test]
fn without_wasm_support_services_cannot_be_created() {
    use base64::Engine;
    let mut host = Host::new();
    let bytes = base64::engine::general_purpose::STANDARD.encode("(component)");
    let (code, module) = host.call("dist", "add_module", json!([bytes, {"name": "m"}]));
    assert_eq!(code, 0, "{module}");
    let (_, blueprint) = host.call("dist", "make_blueprint", json!(["m", [module]]));
    let (_, blueprint_id) = host.call("dist", "add_blueprint", json!([blueprint]));
    assert_errors(
        &mut host,
        &[(
            "srv",
            "create",
            json!([blueprint_id]),
            "Error: cannot create a Wasm service: air-vm was built without its `wasm` feature…",
        )],
    );
}

/// Every built-in function, called with arbitrary JSON arguments (and in arbitrary order, on one
/// peer whose state carries over), answers with `ret_code` 0 or 1 and never panics; a failure's
/// result is a message string.
mod fuzz {
    // The case count comes from the environment (`AQUA_FUZZ_CASES`), as in the other fuzz tests.
    #![allow(clippy::disallowed_methods)]

    use proptest::prelude::*;
    use serde_json::{Value, json};

    use super::Host;

    const FUNCTIONS: &[(&str, &[&str])] = &[
        (
            "op",
            &[
                "noop",
                "identity",
                "array",
                "array_length",
                "concat",
                "concat_strings",
                "string_to_b58",
                "string_from_b58",
                "bytes_to_b58",
                "bytes_from_b58",
                "sha256_string",
            ],
        ),
        (
            "peer",
            &[
                "identify",
                "timestamp_ms",
                "timestamp_sec",
                "timeout",
                "is_connected",
                "connect",
                "get_contact",
            ],
        ),
        ("kad", &["neighborhood", "merge", "neigh_with_addrs"]),
        (
            "srv",
            &[
                "create",
                "remove",
                "list",
                "add_alias",
                "resolve_alias",
                "resolve_alias_opt",
                "get_interface",
                "info",
            ],
        ),
        (
            "dist",
            &[
                "make_module_config",
                "default_module_config",
                "add_module",
                "add_module_from_vault",
                "add_module_bytes_from_vault",
                "list_modules",
                "get_module_interface",
                "make_blueprint",
                "add_blueprint",
                "load_blueprint",
                "list_blueprints",
                "get_blueprint",
                "load_module_config",
            ],
        ),
        ("sig", &["sign", "verify", "get_peer_id"]),
        ("stat", &["service_stat", "service_memory"]),
        ("debug", &["stringify"]),
        ("run-console", &["print"]),
        ("vault", &["put", "cat"]),
        ("math", &["add", "sub", "mul", "fmul", "div", "rem", "pow", "log"]),
        ("cmp", &["gt", "gte", "lt", "lte", "cmp"]),
        ("array", &["sum", "dedup", "intersect", "diff", "sdiff", "slice", "length"]),
        ("json", &["obj", "put", "puts", "parse", "stringify", "obj_pairs", "puts_pairs"]),
        (
            "worker",
            &["create", "get_worker_id", "remove", "list", "activate", "deactivate", "is_active"],
        ),
        ("subnet", &["resolve"]),
    ];

    fn leaf() -> impl Strategy<Value = Value> {
        prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::from),
            any::<i64>().prop_map(Value::from),
            any::<u64>().prop_map(Value::from),
            (-1e20f64..1e20).prop_map(|f| json!(f)),
            (0i64..300).prop_map(Value::from),
            "[a-zA-Z0-9+/=_ -]{0,12}".prop_map(Value::from),
            Just(json!("3yZe7d")),
            Just(json!("QmVQ8pg6L1tpoWYeq6dpoWqnzZoSLCh7E96fCFXKvfKD3u")),
            Just(json!("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy")),
            Just(json!("{\"name\":\"x\",\"dependencies\":[]}")),
        ]
    }

    fn value() -> impl Strategy<Value = Value> {
        leaf().prop_recursive(3, 24, 4, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..4).prop_map(Value::Array),
                prop::collection::vec(("[a-z_]{1,8}", inner), 0..4)
                    .prop_map(|pairs| Value::Object(pairs.into_iter().collect())),
            ]
        })
    }

    fn calls() -> impl Strategy<Value = Vec<(usize, usize, Vec<Value>)>> {
        prop::collection::vec(
            (
                0..FUNCTIONS.len(),
                any::<prop::sample::Index>(),
                prop::collection::vec(value(), 0..5),
            )
                .prop_map(|(service, function, args)| {
                    let index = function.index(FUNCTIONS[service].1.len());
                    (service, index, args)
                }),
            1..12,
        )
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(
            std::env::var("AQUA_FUZZ_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300)
        ))]

        #[test]
        fn arbitrary_arguments_never_panic(calls in calls()) {
            let mut host = Host::new();
            for (service, function, args) in calls {
                let (service, functions) = FUNCTIONS[service];
                let (code, result) = host.call(service, functions[function], Value::Array(args));
                prop_assert!(code == 0 || code == 1, "{service}.{}: code {code}", functions[function]);
                if code == 1 {
                    prop_assert!(result.is_string(), "{service}.{}: {result}", functions[function]);
                }
            }
        }
    }
}
