//! `aqua lsp` driven as an editor drives it: JSON-RPC over the process's standard input and
//! output, with `Content-Length` framing.

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use serde_json::{Value, json};

use crate::support::temp_file;

/// An editor's end of the connection to a running `aqua lsp`.
pub struct Client {
    child: Child,
    stdin: ChildStdin,
    stdout: BufReader<ChildStdout>,
    next_id: i64,
    /// Notifications received while waiting for responses.
    notifications: Vec<Value>,
}

impl Client {
    fn start() -> Client {
        Client::start_with(env!("CARGO_BIN_EXE_aqua"), &["lsp".to_string()])
    }

    /// Starts the server with the given command line.
    pub fn start_with(command: &str, args: &[String]) -> Client {
        let mut child = Command::new(command)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("aqua lsp starts");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = BufReader::new(child.stdout.take().expect("stdout"));
        Client { child, stdin, stdout, next_id: 1, notifications: Vec::new() }
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        write!(self.stdin, "Content-Length: {}\r\n\r\n{body}", body.len()).expect("sent");
        self.stdin.flush().expect("flushed");
    }

    fn receive(&mut self) -> Value {
        let mut length = 0;
        loop {
            let mut line = String::new();
            self.stdout.read_line(&mut line).expect("a header line");
            assert!(!line.is_empty(), "the server closed its output");
            let line = line.trim_end();
            if line.is_empty() {
                break;
            }
            if let Some(value) = line.strip_prefix("Content-Length: ") {
                length = value.parse().expect("a length");
            }
        }
        let mut body = vec![0; length];
        self.stdout.read_exact(&mut body).expect("a body");
        serde_json::from_slice(&body).expect("JSON")
    }

    /// Sends a request and returns its result, keeping notifications that arrive before it.
    pub fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        loop {
            let message = self.receive();
            if message["id"] == json!(id) {
                assert!(message.get("error").is_none(), "{method} failed: {message}");
                return message["result"].clone();
            }
            self.notifications.push(message);
        }
    }

    /// Sends a notification.
    pub fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// The next diagnostics published for `uri`.
    /// Waits for the server to exit and returns whether it exited successfully.
    pub fn wait(&mut self) -> bool {
        self.child.wait().expect("the server exits").success()
    }

    fn diagnostics(&mut self, uri: &str) -> Vec<Value> {
        loop {
            let found = self.notifications.iter().position(|n| {
                n["method"] == "textDocument/publishDiagnostics" && n["params"]["uri"] == uri
            });
            if let Some(idx) = found {
                let notification = self.notifications.remove(idx);
                return notification["params"]["diagnostics"]
                    .as_array()
                    .cloned()
                    .unwrap_or_default();
            }
            let message = self.receive();
            self.notifications.push(message);
        }
    }
}

fn at(uri: &str, line: u32, character: u32) -> Value {
    json!({ "textDocument": { "uri": uri }, "position": { "line": line, "character": character } })
}

const LIB: &str = "aqua Lib declares *\n\n-- Stores and fetches values.\nservice Store(\"store\"):\n  -- Gets the value under a key.\n  get(key: string) -> string\n  put(key: string, value: string)\n";
const MAIN: &str = "aqua Main\n\nimport \"lsp-lib.aqua\"\n\nfunc fetch(key: string) -> string:\n  value <- Store.get(key)\n  <- missing\n";

#[test]
fn an_editor_session_over_stdio() {
    let lib = temp_file("lsp-lib.aqua", LIB);
    let main = temp_file("lsp-main.aqua", MAIN);
    let main_uri = format!("file://{}", main.display());
    let lib_uri = format!("file://{}", lib.display());
    let mut client = Client::start();

    let init = client
        .request("initialize", json!({ "capabilities": {}, "processId": null, "rootUri": null }));
    assert_eq!(init["capabilities"]["textDocumentSync"], 2, "incremental sync: {init}");
    assert_eq!(init["capabilities"]["hoverProvider"], true);
    client.notify("initialized", json!({}));

    // Open a file with an error: the diagnostic comes with its code.
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": main_uri, "languageId": "aqua", "version": 1, "text": MAIN } }),
    );
    let diagnostics = client.diagnostics(&main_uri);
    // The unknown name, and the warning that `value` is never read.
    let codes: Vec<&str> = diagnostics.iter().filter_map(|d| d["code"].as_str()).collect();
    assert_eq!(codes, ["T051", "T001"], "{diagnostics:?}");
    let error = &diagnostics[1];
    assert_eq!(error["severity"], 1);
    assert_eq!(error["range"]["start"], json!({ "line": 6, "character": 5 }));
    assert_eq!(error["message"], "unknown name `missing`: not found in this scope");

    // Fix it with an incremental change: `missing` becomes `value`; the diagnostic is cleared.
    client.notify("textDocument/didChange", json!({
        "textDocument": { "uri": main_uri, "version": 2 },
        "contentChanges": [{ "range": { "start": { "line": 6, "character": 5 },
                                        "end": { "line": 6, "character": 12 } }, "text": "value" }] }));
    assert_eq!(client.diagnostics(&main_uri), Vec::<Value>::new());

    // Hover on a method of an imported service: its signature and doc comment.
    let hover = client.request("textDocument/hover", at(&main_uri, 5, 18));
    let text = hover["contents"]["value"].as_str().unwrap_or("");
    assert!(text.contains("get(key: string) -> string"), "{hover}");
    assert!(text.contains("Gets the value under a key."), "{hover}");

    // Hover on a local bound by a call: its checked type.
    let hover = client.request("textDocument/hover", at(&main_uri, 5, 4));
    assert_eq!(hover["contents"]["value"], "```aqua\nvalue: string\n```", "{hover}");

    // Go to definition across the import.
    let definition = client.request("textDocument/definition", at(&main_uri, 5, 12));
    assert_eq!(definition["uri"], lib_uri, "{definition}");
    assert_eq!(definition["range"]["start"], json!({ "line": 3, "character": 8 }));

    // Signature help inside the call.
    let help = client.request("textDocument/signatureHelp", at(&main_uri, 5, 22));
    assert_eq!(help["signatures"][0]["label"], "Store.get(key: string) -> string", "{help}");
    assert_eq!(help["signatures"][0]["parameters"][0]["label"], "key: string", "{help}");
    assert_eq!(help["activeParameter"], 0);

    // References of the parameter `key` (declaration included), and its rename.
    let references = client.request(
        "textDocument/references",
        json!({
        "textDocument": { "uri": main_uri }, "position": { "line": 5, "character": 22 },
        "context": { "includeDeclaration": true } }),
    );
    let lines: Vec<&Value> =
        references.as_array().expect("locations").iter().map(|l| &l["range"]["start"]).collect();
    assert_eq!(
        lines,
        [&json!({ "line": 4, "character": 11 }), &json!({ "line": 5, "character": 21 })]
    );
    let rename = client.request("textDocument/rename", json!({
        "textDocument": { "uri": main_uri }, "position": { "line": 4, "character": 12 }, "newName": "k" }));
    assert_eq!(rename["changes"][main_uri.as_str()].as_array().map(Vec::len), Some(2), "{rename}");

    // Semantic tokens: `func` is the first token, a keyword (type 0 of the legend).
    let legend = &init["capabilities"]["semanticTokensProvider"]["legend"]["tokenTypes"];
    assert_eq!(legend[0], "keyword");
    let tokens = client.request(
        "textDocument/semanticTokens/full",
        json!({ "textDocument": { "uri": main_uri } }),
    );
    let data = tokens["data"].as_array().expect("data");
    assert_eq!(&data[..5], &[json!(0), json!(0), json!(4), json!(0), json!(0)], "`aqua` at 0:0");

    // Completion after `Store.`: the service's methods.
    client.notify("textDocument/didChange", json!({
        "textDocument": { "uri": main_uri, "version": 3 },
        "contentChanges": [{ "range": { "start": { "line": 6, "character": 0 },
                                        "end": { "line": 6, "character": 0 } }, "text": "  Store.\n" }] }));
    let completion = client.request("textDocument/completion", at(&main_uri, 6, 8));
    let labels: Vec<&str> =
        completion.as_array().expect("items").iter().filter_map(|i| i["label"].as_str()).collect();
    assert_eq!(labels, ["get", "put"], "{completion}");

    // Formatting of a messy text: one edit with the canonical layout.
    client.notify("textDocument/didChange", json!({
        "textDocument": { "uri": main_uri, "version": 4 },
        "contentChanges": [{ "text": "aqua Main\nimport \"lsp-lib.aqua\"\nfunc fetch(key:string)->string:\n    value<-Store.get(key)\n    <-value\n" }] }));
    let edits = client.request(
        "textDocument/formatting",
        json!({
        "textDocument": { "uri": main_uri }, "options": { "tabSize": 2, "insertSpaces": true } }),
    );
    assert_eq!(
        edits[0]["newText"],
        "aqua Main\n\nimport \"lsp-lib.aqua\"\n\nfunc fetch(key: string) -> string:\n  value <- Store.get(key)\n  <- value\n"
    );

    // The outline.
    let symbols = client
        .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": lib_uri } }));
    assert_eq!(symbols, Value::Null, "a document that is not open has no symbols");
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": lib_uri, "languageId": "aqua", "version": 1, "text": LIB } }),
    );
    let symbols = client
        .request("textDocument/documentSymbol", json!({ "textDocument": { "uri": lib_uri } }));
    assert_eq!(symbols[0]["name"], "Store", "{symbols}");
    assert_eq!(symbols[0]["children"][0]["name"], "get", "{symbols}");

    // Go to definition into the embedded standard library, whose text the editor then asks for.
    let std_uri = main_uri.replace("lsp-main.aqua", "lsp-std.aqua");
    let std_text =
        "aqua Std\n\nimport \"@fluencelabs/aqua-lib/builtin.aqua\"\n\nfunc f():\n  Op.noop()\n";
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": std_uri, "languageId": "aqua", "version": 1, "text": std_text } }),
    );
    let definition = client.request("textDocument/definition", at(&std_uri, 5, 3));
    assert_eq!(definition["uri"], "aqua-stdlib:///builtin.aqua", "{definition}");
    let source =
        client.request("aqua/stdlibSource", json!({ "uri": "aqua-stdlib:///builtin.aqua" }));
    let line = definition["range"]["start"]["line"].as_u64().expect("a line") as usize;
    let text = source.as_str().expect("the embedded text");
    assert!(text.lines().nth(line).is_some_and(|l| l.starts_with("service Op(")), "{definition}");

    // Shut down and exit cleanly.
    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    let status = client.child.wait().expect("the server exits");
    assert!(status.success(), "{status}");
}

const REFS_LIB: &str = "aqua RefsLib declares *\n\ndata Pair:\n  name: string\n  size: u32\n\nservice Store(\"store\"):\n  get(key: string) -> Pair\n\nfunc twice(key: string) -> string:\n  a <- Store.get(key)\n  <- a.name\n";
const REFS_MAIN: &str = "aqua RefsMain\n\nimport \"refs-lib.aqua\"\n\nfunc fetch(key: string) -> u32:\n  pair <- Store.get(key)\n  b <- twice(pair.name)\n  <- pair.size + 1\n";

#[test]
fn references_across_files_and_hover_on_expressions() {
    let lib = temp_file("refs-lib.aqua", REFS_LIB);
    let main = temp_file("refs-main.aqua", REFS_MAIN);
    let main_uri = format!("file://{}", main.display());
    let lib_uri = format!("file://{}", lib.display());
    let mut client = Client::start();
    client.request("initialize", json!({ "capabilities": {}, "processId": null, "rootUri": null }));
    client.notify("initialized", json!({}));
    client.notify(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": main_uri, "languageId": "aqua", "version": 1, "text": REFS_MAIN } }),
    );
    let codes: Vec<Value> =
        client.diagnostics(&main_uri).iter().map(|d| d["code"].clone()).collect();
    assert_eq!(codes, [json!("T051")], "only `b` is never read");

    // `Store` is used in the document and in the imported file, which is not open: both found,
    // with the declaration.
    let references = client.request(
        "textDocument/references",
        json!({
        "textDocument": { "uri": main_uri }, "position": { "line": 5, "character": 12 },
        "context": { "includeDeclaration": true } }),
    );
    let mut found: Vec<(String, u64, u64)> = references
        .as_array()
        .expect("locations")
        .iter()
        .map(|l| {
            let start = &l["range"]["start"];
            let uri = l["uri"].as_str().unwrap_or_default().to_string();
            (uri, start["line"].as_u64().unwrap_or(99), start["character"].as_u64().unwrap_or(99))
        })
        .collect();
    found.sort();
    let mut expected = vec![
        (lib_uri.clone(), 6, 8),   // the declaration
        (lib_uri.clone(), 10, 7),  // `Store.get` in `twice`
        (main_uri.clone(), 5, 10), // `Store.get` in `fetch`
    ];
    expected.sort();
    assert_eq!(found, expected, "{references}");

    // A function of the import, without the declaration: the one use in the document.
    let references = client.request(
        "textDocument/references",
        json!({
        "textDocument": { "uri": main_uri }, "position": { "line": 6, "character": 8 },
        "context": { "includeDeclaration": false } }),
    );
    let starts: Vec<&Value> =
        references.as_array().expect("locations").iter().map(|l| &l["range"]["start"]).collect();
    assert_eq!(starts, [&json!({ "line": 6, "character": 7 })], "{references}");

    // Hover on expressions that are not names: fields of a struct value, calls.
    let hover = client.request("textDocument/hover", at(&main_uri, 6, 20));
    assert_eq!(hover["contents"]["value"], "```aqua\npair.name: string\n```", "{hover}");
    let hover = client.request("textDocument/hover", at(&main_uri, 7, 11));
    assert_eq!(hover["contents"]["value"], "```aqua\npair.size: u32\n```", "{hover}");
    let hover = client.request("textDocument/hover", at(&main_uri, 6, 22));
    assert_eq!(hover["contents"]["value"], "```aqua\ntwice(pair.name): string\n```", "{hover}");
    let hover = client.request("textDocument/hover", at(&main_uri, 5, 23));
    assert_eq!(hover["contents"]["value"], "```aqua\nStore.get(key): Pair\n```", "{hover}");

    assert_eq!(client.request("shutdown", Value::Null), Value::Null);
    client.notify("exit", Value::Null);
    assert!(client.child.wait().expect("the server exits").success());
}
