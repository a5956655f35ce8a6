//! The Node suite (`tests/node/run.mjs`): our generated TypeScript and JavaScript, type-checked
//! with `tsc --strict` and run on js-client's in-process network of AquaVM peers beside the
//! reference compiler's code. It needs Node.js and `npm ci` in `tests/node`; without them it
//! skips with a message, unless `AQUA_REQUIRE_NODE=1` (set by `.ci/run`) makes that a failure.

#![allow(clippy::disallowed_methods)]

use std::path::Path;
use std::process::Command;

#[test]
fn generated_client_code_runs_on_js_clients_peers() {
    let suite = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/node");
    let node = Command::new("node").arg("--version").output();
    let installed = suite.join("node_modules/@fluencelabs/js-client/package.json").is_file()
        && suite.join("node_modules/typescript/package.json").is_file();
    let missing = match (&node, installed) {
        (Ok(out), true) if out.status.success() => None,
        (Ok(out), false) if out.status.success() => {
            Some("its packages are not installed (run `npm ci` in tests/node)")
        }
        _ => Some("Node.js is not installed"),
    };
    if let Some(reason) = missing {
        let required = std::env::var("AQUA_REQUIRE_NODE").is_ok_and(|v| v == "1");
        assert!(!required, "the Node suite cannot run: {reason}, and AQUA_REQUIRE_NODE=1");
        eprintln!("skipped: the Node suite (tests/node/run.mjs) needs Node.js: {reason}");
        return;
    }
    let out = Command::new("node")
        .arg(suite.join("run.mjs"))
        .env("AQUA", env!("CARGO_BIN_EXE_aqua"))
        .output()
        .expect("node runs");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "the Node suite failed:\n{text}");
    assert!(text.contains("all results equal expected.json"), "{text}");
}
