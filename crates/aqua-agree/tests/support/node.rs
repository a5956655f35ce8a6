//! Fluence's toolchain in one Node.js process (`tests/node/agree.mjs`, packages from the pinned
//! `tests/node/package.json`), shared by the test and the example.

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use aqua_agree::{Compiled, Reference};
use serde_json::{Value, json};

/// The Node driver and its pipes.
pub struct NodeReference {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

/// The folder of the Node suites (`tests/node`).
pub fn suite_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/node")
}

/// Why the reference cannot run here, if it cannot.
pub fn unavailable() -> Option<&'static str> {
    let node = Command::new("node").arg("--version").output();
    if !node.is_ok_and(|out| out.status.success()) {
        return Some("Node.js is not installed");
    }
    let packages = ["aqua-api", "avm", "marine-js"];
    let modules = suite_dir().join("node_modules/@fluencelabs");
    if !packages.iter().all(|p| modules.join(p).join("package.json").is_file()) {
        return Some("its packages are not installed (run `npm ci` in tests/node)");
    }
    None
}

impl NodeReference {
    /// Starts the driver.
    pub fn start() -> Result<NodeReference, String> {
        let mut child = Command::new("node")
            .arg(suite_dir().join("agree.mjs"))
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .map_err(|e| format!("cannot start node: {e}"))?;
        let input = child.stdin.take().ok_or("no stdin")?;
        let output = BufReader::new(child.stdout.take().ok_or("no stdout")?);
        Ok(NodeReference { child, input, output })
    }

    fn ask(&mut self, request: &Value) -> Result<Value, String> {
        writeln!(self.input, "{request}").map_err(|e| format!("node's stdin: {e}"))?;
        let mut line = String::new();
        self.output.read_line(&mut line).map_err(|e| format!("node's stdout: {e}"))?;
        if line.is_empty() {
            return Err("the Node driver stopped".into());
        }
        let reply: Value =
            serde_json::from_str(&line).map_err(|e| format!("node's answer is not JSON: {e}"))?;
        match reply.get("failure") {
            Some(failure) => Err(format!("the Node driver failed: {failure}")),
            None => Ok(reply),
        }
    }
}

impl Reference for NodeReference {
    fn compile(&mut self, source: &str) -> Result<Compiled, String> {
        let reply = self.ask(&json!({ "compile": source }))?;
        let errors = reply["errors"].as_array().into_iter().flatten();
        let functions = reply["functions"].as_object().into_iter().flatten();
        Ok(Compiled {
            errors: errors.map(|e| e.as_str().unwrap_or_default().to_owned()).collect(),
            functions: functions
                .map(|(name, air)| (name.clone(), air.as_str().unwrap_or_default().to_owned()))
                .collect(),
        })
    }

    fn run(&mut self, scenario: &Value) -> Result<Value, String> {
        self.ask(&json!({ "run": scenario }))
    }
}

impl Drop for NodeReference {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
