//! Diagnostics latency: the time from an edit of an open document to the diagnostics the
//! server publishes for it (re-check included), on the generated program of the parser benchmark
//! at 1,000 and 10,000 lines, in process. The goal is 50 ms at 10,000 lines.
//!
//! It also opens the 100,000-line program and prints the heap the server keeps for it and its
//! peak while checking (goal: under 100 MB).
//!
//! Run with `cargo bench -p aqua-lsp`. It uses the allocator of the `aqua` binary (mimalloc),
//! wrapped to count live bytes while the memory is measured (and only then).
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::time::Instant;

use aqua_lsp::Server;
use aqua_typecheck::MemoryLoader;
use lsp_server::{Message, Notification};
use serde_json::json;

#[path = "../../aqua-syntax/benches/support/program.rs"]
mod program;

/// mimalloc, counting heap bytes only while [`memory`] measures them.
#[global_allocator]
static ALLOCATOR: bench_alloc::Counting<mimalloc::MiMalloc> =
    bench_alloc::Counting::new(mimalloc::MiMalloc);

const URI: &str = "file:///bench/main.aqua";

fn notification(method: &str, params: serde_json::Value) -> Message {
    Message::Notification(Notification::new(method.to_string(), params))
}

fn measure(lines: usize) {
    let src = program::program(lines);
    let actual_lines = src.lines().count();
    let mut server = Server::new(Box::new(MemoryLoader::new()));
    let opened = server.handle(notification(
        "textDocument/didOpen",
        json!({ "textDocument": {
        "uri": URI, "languageId": "aqua", "version": 1, "text": src } }),
    ));
    assert_eq!(opened.len(), 1, "diagnostics are published on open");
    let mut best = f64::MAX;
    for version in 2..12 {
        // Type one character at the end of line 5, then measure until the diagnostics are back.
        let edit = json!({
            "textDocument": { "uri": URI, "version": version },
            "contentChanges": [{ "range": { "start": { "line": 5, "character": 0 },
                                            "end": { "line": 5, "character": 0 } },
                                 "text": if version % 2 == 0 { " " } else { "" } }] });
        let start = Instant::now();
        let replies = server.handle(notification("textDocument/didChange", edit));
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(replies.len(), 1);
    }
    println!("{actual_lines:>8} lines  edit to diagnostics {:>7.1} ms (best of 10)", best * 1e3);
}

/// Opens the program of `lines` lines and prints the heap kept for it and the peak.
fn memory(lines: usize) {
    let src = program::program(lines);
    let actual_lines = src.lines().count();
    let source_mb = src.len() as f64 / 1e6;
    let (server, heap) = bench_alloc::heap_of(|| {
        let mut server = Server::new(Box::new(MemoryLoader::new()));
        server.handle(notification(
            "textDocument/didOpen",
            json!({ "textDocument": {
            "uri": URI, "languageId": "aqua", "version": 1, "text": src } }),
        ));
        server
    });
    let kept = heap.kept as f64 / 1e6;
    let peak = heap.peak as f64 / 1e6;
    println!(
        "{actual_lines:>8} lines ({source_mb:.1} MB) open: heap kept {kept:>7.1} MB, peak while checking {peak:>7.1} MB"
    );
    drop(server);
}

fn main() {
    println!("aqua-lsp diagnostics latency");
    for lines in [1_000, 10_000] {
        measure(lines);
    }
    memory(100_000);
}
