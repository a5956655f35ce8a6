//! The VS Code extension in `editors/vscode/`: its TextMate grammar passes the sample files'
//! assertions (vscode-tmgrammar-test, installed by `npm ci` in tests/node), and the command line
//! its client builds (`server-command.js`) starts a working `aqua lsp`. Both need Node.js; without
//! it they skip with a message, unless `AQUA_REQUIRE_NODE=1` (set by `.ci/run`).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::{Value, json};

use crate::lsp::Client;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Whether Node.js (and, if named, an installed tool) can run; a skip message otherwise.
fn node_available(tool: Option<&Path>) -> bool {
    let node = Command::new("node").arg("--version").output().is_ok_and(|out| out.status.success());
    let reason = match (node, tool) {
        (false, _) => "Node.js is not installed",
        (true, Some(tool)) if !tool.is_file() => {
            "its tools are not installed (run `npm ci` in tests/node)"
        }
        _ => return true,
    };
    let required = std::env::var("AQUA_REQUIRE_NODE").is_ok_and(|v| v == "1");
    assert!(!required, "the VS Code extension tests cannot run: {reason}, and AQUA_REQUIRE_NODE=1");
    eprintln!("skipped: the VS Code extension tests need Node.js: {reason}");
    false
}

#[test]
fn vscode_grammar_passes_the_sample_assertions() {
    let tool = root().join("tests/node/node_modules/vscode-tmgrammar-test/dist/unit.js");
    if !node_available(Some(&tool)) {
        return;
    }
    let out = Command::new("node")
        .arg(&tool)
        .args(["-g", "editors/vscode/syntaxes/aqua.tmLanguage.json", "editors/vscode/test/*.aqua"])
        .current_dir(root())
        .output()
        .expect("node runs");
    let text =
        format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "grammar assertions failed:\n{text}");
    assert!(text.contains("syntax.aqua run successfuly"), "{text}");
}

#[test]
fn vscode_client_command_line_starts_the_server() {
    if !node_available(None) {
        return;
    }
    let script = root().join("editors/vscode/server-command.js");
    let settings = json!({ "path": env!("CARGO_BIN_EXE_aqua"), "extraArgs": ["--color", "never"] });
    let program = format!(
        "const {{ serverCommand }} = require({:?}); console.log(JSON.stringify(serverCommand({settings})));",
        script.display().to_string()
    );
    let out = Command::new("node").args(["-e", &program]).output().expect("node runs");
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let built: Value = serde_json::from_slice(&out.stdout).expect("JSON");
    let command = built["command"].as_str().expect("a command");
    let args: Vec<String> = built["args"]
        .as_array()
        .expect("arguments")
        .iter()
        .filter_map(|a| a.as_str().map(str::to_string))
        .collect();
    assert_eq!(args, ["--color", "never", "lsp"]);
    let mut client = Client::start_with(command, &args);
    let init = client
        .request("initialize", json!({ "capabilities": {}, "processId": null, "rootUri": null }));
    assert_eq!(init["serverInfo"]["name"], "aqua-lsp", "{init}");
    client.notify("initialized", json!({}));
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.wait(), "the server exits cleanly");
}
