//! `aqua service from-wasm` on components written in the text format.

use crate::support::{aqua, stderr, stdout, temp_file};

fn component(name: &str) -> String {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../air-wasm-host/tests/components")
        .join(name);
    path.to_string_lossy().into_owned()
}

#[test]
fn from_wasm_prints_the_declaration() {
    let out = aqua(&["service", "from-wasm", &component("greeting.wat"), "--id", "greeting"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(stdout(&out), "service Greeting(\"greeting\"):\n  greet(name: string) -> string\n");
}

#[test]
fn from_wasm_declares_records_as_data() {
    let out =
        aqua(&["service", "from-wasm", &component("math.wat"), "--id", "math", "--name", "Math"]);
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        text.starts_with(
            "data StatsResult:\n  count: u32\n  total: u64\n\nservice Math(\"math\"):\n"
        ),
        "{text}"
    );
    assert!(text.contains("  stats(xs: []u32) -> StatsResult\n"), "{text}");
}

#[test]
fn from_wasm_rejects_what_is_not_a_component() {
    let path = temp_file("core.wat", "(module (func (export \"f\")))");
    let out = aqua(&["service", "from-wasm", &path.to_string_lossy(), "--id", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("not a valid WebAssembly component"), "{}", stderr(&out));
    let out = aqua(&["service", "from-wasm", "/nonexistent.wasm", "--id", "x"]);
    assert_eq!(out.status.code(), Some(2));
}

/// Every declaration printed is Aqua: an id with a quote, a name that is no service name and a
/// component without functions (once printed as `service Empty("x"):` with no body) are refused.
#[test]
fn from_wasm_refuses_what_aqua_cannot_declare() {
    let greeting = component("greeting.wat");
    for (extra, message) in [
        (["--id", "a\"b"], "an Aqua string cannot hold a quote"),
        (["--name", "my-service"], "a service's name is a capital letter"),
    ] {
        let mut args = vec!["service", "from-wasm", &greeting];
        args.extend(extra);
        if extra[0] != "--id" {
            args.extend(["--id", "x"]);
        }
        let out = aqua(&args);
        assert_eq!(out.status.code(), Some(1), "{extra:?}: {}", stderr(&out));
        assert!(stderr(&out).contains(message), "{}", stderr(&out));
        assert!(stdout(&out).is_empty());
    }
    let empty = temp_file("empty.wat", "(component)");
    let out = aqua(&["service", "from-wasm", &empty.to_string_lossy(), "--id", "x"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stderr(&out).contains("exports no function"), "{}", stderr(&out));
}
