//! The server never crashes: random edit sequences (ranges anywhere, even past the end of the
//! text) interleaved with every kind of request, sent to the server in process. No panic, and
//! every request gets exactly one response with its id.
//!
//! Set `AQUA_FUZZ_CASES` to change the number of sequences (1,000 by default).

#![allow(clippy::disallowed_methods)] // The number of cases comes from the environment.

use aqua_lsp::Server;
use aqua_typecheck::MemoryLoader;
use lsp_server::{Message, Notification, Request, RequestId};
use proptest::prelude::*;
use serde_json::json;

fn cases() -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|v| v.parse().ok()).unwrap_or(1000)
}

const URI: &str = "file:///work/main.aqua";
const START: &str = "aqua Main\n\nimport \"lib.aqua\"\n\nfunc f(key: string) -> string:\n  value <- Store.get(key)\n  on key via key:\n    Store.put(key, value)\n  <- value\n";
const LIB: &str = "aqua Lib declares *\n\nservice Store(\"store\"):\n  get(key: string) -> string\n  put(key: string, value: string)\n";

/// Text fragments an edit inserts: tokens, layout, comments, unicode, nothing.
const FRAGMENTS: &[&str] = &[
    "",
    " ",
    "\n",
    "\n  ",
    "\t",
    "(",
    ")",
    "[",
    "]",
    ":",
    ".",
    ",",
    "<-",
    "->",
    "\"",
    "-- c\n",
    "Store.",
    "func g():\n  ",
    "if x:\n",
    "é",
    "😀",
    "on ",
    "value",
    "x <- f(",
    "\r\n",
];

#[derive(Debug, Clone)]
enum Step {
    Edit { start: (u32, u32), end: (u32, u32), fragment: usize },
    Replace(usize),
    Request { method: usize, line: u32, character: u32 },
}

fn step() -> impl Strategy<Value = Step> {
    let position = (0u32..14, 0u32..40);
    prop_oneof![
        6 => (position.clone(), position.clone(), 0..FRAGMENTS.len())
            .prop_map(|(start, end, fragment)| Step::Edit { start, end, fragment }),
        1 => (0..FRAGMENTS.len()).prop_map(Step::Replace),
        4 => (0usize..METHODS.len(), 0u32..14, 0u32..40)
            .prop_map(|(method, line, character)| Step::Request { method, line, character }),
    ]
}

const METHODS: &[&str] = &[
    "textDocument/hover",
    "textDocument/definition",
    "textDocument/completion",
    "textDocument/documentSymbol",
    "textDocument/formatting",
    "textDocument/references",
    "textDocument/rename",
    "textDocument/semanticTokens/full",
    "textDocument/signatureHelp",
    "aqua/unknown",
];

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_string(), params))
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), ..ProptestConfig::default() })]

    #[test]
    fn random_edit_sequences_never_crash_the_server(steps in proptest::collection::vec(step(), 1..12)) {
        let mut loader = MemoryLoader::new();
        loader.files.insert("/work/lib.aqua".into(), LIB.into());
        let mut server = Server::new(Box::new(loader));
        server.handle(notification("textDocument/didOpen", json!({ "textDocument": {
            "uri": URI, "languageId": "aqua", "version": 1, "text": START } })));
        let mut version = 1;
        for (idx, step) in steps.into_iter().enumerate() {
            match step {
                Step::Edit { start, end, fragment } => {
                    version += 1;
                    let replies = server.handle(notification("textDocument/didChange", json!({
                        "textDocument": { "uri": URI, "version": version },
                        "contentChanges": [{ "range": {
                            "start": { "line": start.0, "character": start.1 },
                            "end": { "line": end.0, "character": end.1 } },
                            "text": FRAGMENTS[fragment] }] })));
                    prop_assert_eq!(replies.len(), 1, "one publishDiagnostics per change");
                }
                Step::Replace(fragment) => {
                    version += 1;
                    server.handle(notification("textDocument/didChange", json!({
                        "textDocument": { "uri": URI, "version": version },
                        "contentChanges": [{ "text": FRAGMENTS[fragment] }] })));
                }
                Step::Request { method, line, character } => {
                    let id = RequestId::from(idx as i32);
                    let params = json!({
                        "textDocument": { "uri": URI },
                        "position": { "line": line, "character": character },
                        "options": { "tabSize": 2, "insertSpaces": true },
                        "context": { "includeDeclaration": true },
                        "newName": "renamed",
                    });
                    let request = Request::new(id.clone(), METHODS[method].to_string(), params);
                    let replies = server.handle(Message::Request(request));
                    prop_assert_eq!(replies.len(), 1);
                    let Message::Response(response) = &replies[0] else {
                        return Err(TestCaseError::fail("a request must get a response"));
                    };
                    prop_assert_eq!(&response.id, &id);
                    prop_assert_eq!(response.error.is_some(), METHODS[method] == "aqua/unknown");
                }
            }
        }
    }
}

/// The `uri` and error count of every diagnostics notification among `messages`.
fn published(messages: &[Message]) -> Vec<(String, usize)> {
    messages
        .iter()
        .filter_map(|message| match message {
            Message::Notification(n) if n.method == "textDocument/publishDiagnostics" => Some((
                n.params["uri"].as_str().unwrap_or("").to_string(),
                n.params["diagnostics"].as_array().map_or(0, Vec::len),
            )),
            _ => None,
        })
        .collect()
}

#[test]
fn a_change_in_an_open_import_rechecks_the_files_that_import_it() {
    let lib_uri = "file:///work/lib.aqua";
    let mut server = Server::new(Box::new(MemoryLoader::new()));
    server.handle(notification(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": lib_uri, "languageId": "aqua", "version": 1, "text": LIB } }),
    ));
    let opened = server.handle(notification(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": URI, "languageId": "aqua", "version": 1, "text": START } }),
    ));
    assert_eq!(published(&opened), [(lib_uri.to_string(), 0), (URI.to_string(), 0)]);
    // Rename `get` to `fetch` in the (unsaved) library: the importer now calls a missing method.
    let changed = server.handle(notification("textDocument/didChange", json!({
        "textDocument": { "uri": lib_uri, "version": 2 },
        "contentChanges": [{ "range": { "start": { "line": 3, "character": 2 },
                                        "end": { "line": 3, "character": 5 } }, "text": "fetch" }] })));
    assert_eq!(published(&changed), [(lib_uri.to_string(), 0), (URI.to_string(), 1)]);
}

#[test]
fn completion_after_a_struct_value_lists_its_fields() {
    let text = "aqua Main\n\ndata User:\n  name: string\n  age: u32\n\nfunc f(user: User) -> string:\n  n = user.name\n  <- n\n";
    let mut server = Server::new(Box::new(MemoryLoader::new()));
    server.handle(notification(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": URI, "languageId": "aqua", "version": 1, "text": text } }),
    ));
    let request = Request::new(
        RequestId::from(1),
        "textDocument/completion".to_string(),
        json!({
        "textDocument": { "uri": URI }, "position": { "line": 7, "character": 11 } }),
    );
    let replies = server.handle(Message::Request(request));
    let Some(Message::Response(response)) = replies.first() else { panic!("no response") };
    let labels: Vec<&str> = response
        .result
        .as_ref()
        .and_then(|r| r.as_array())
        .expect("items")
        .iter()
        .filter_map(|item| item["label"].as_str())
        .collect();
    assert_eq!(labels, ["name", "age"]);
}
