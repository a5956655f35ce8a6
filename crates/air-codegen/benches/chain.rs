//! Output size and time of compiling one function of many sequential calls.
//!
//! `cargo bench -p air-codegen --bench chain` compiles `func chain()` with 1,000, 2,000, 4,000
//! and 8,000 calls of `Op.noop()` and prints, for each, the time of checking, lowering and
//! printing the AIR, the AIR's size and the peak resident set size. Each size runs in a child
//! process of this binary so that the peak (`VmHWM`) belongs to that size alone. Linear output
//! keeps the bytes per call constant.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::fmt::Write;
use std::path::Path;
use std::time::Instant;

use air_codegen::Options;
use aqua_typecheck::MemoryLoader;

fn main() {
    let mut args = std::env::args().skip(1).filter(|arg| arg != "--bench");
    match args.next().and_then(|arg| arg.parse::<usize>().ok()) {
        Some(calls) => run(calls),
        None => {
            let exe = std::env::current_exe().expect("the benchmark binary's path");
            for calls in [1_000, 2_000, 4_000, 8_000] {
                let status = std::process::Command::new(&exe)
                    .arg(calls.to_string())
                    .status()
                    .expect("the benchmark runs");
                assert!(status.success(), "benchmark for {calls} calls failed");
            }
        }
    }
}

/// Compiles a chain of `calls` calls three times and prints the best times.
fn run(calls: usize) {
    let source = chain_source(calls);
    let (mut check_best, mut lower_best, mut print_best) = (f64::MAX, f64::MAX, f64::MAX);
    let mut bytes = 0;
    for _ in 0..3 {
        let mut loader = MemoryLoader::new();
        loader.add("chain.aqua", source.clone());
        let start = Instant::now();
        let checked = aqua_typecheck::check(
            Path::new("chain.aqua"),
            None,
            &mut loader,
            &aqua_typecheck::Options::default(),
        );
        assert!(checked.is_ok(), "the generated program must check: {:?}", checked.errors.first());
        let checked_at = Instant::now();
        let compiled = air_codegen::compile(&checked.program, &Options::default())
            .expect("the generated program lowers");
        let lowered_at = Instant::now();
        let text = air_syntax::print_pretty(&compiled[0].air);
        let printed_at = Instant::now();
        bytes = text.len();
        check_best = check_best.min((checked_at - start).as_secs_f64());
        lower_best = lower_best.min((lowered_at - checked_at).as_secs_f64());
        print_best = print_best.min((printed_at - lowered_at).as_secs_f64());
    }
    println!(
        "chain of {calls:>5} calls: check {:>6.1} ms, lower {:>6.1} ms, print {:>6.1} ms, AIR {:>10} bytes ({:>5.1} a call), peak RSS {} MiB",
        check_best * 1000.0,
        lower_best * 1000.0,
        print_best * 1000.0,
        bytes,
        bytes as f64 / calls as f64,
        peak_rss_kib().map_or("?".to_string(), |kib| format!("{:.1}", kib as f64 / 1024.0)),
    );
}

/// Peak resident set size of this process in KiB (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|line| line.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// One exported function of `calls` sequential service calls.
fn chain_source(calls: usize) -> String {
    let mut out = String::from("aqua Chain declares *\n\nexport chain\n\n");
    out.push_str("service Op(\"op\"):\n  noop()\n\nfunc chain():\n");
    for _ in 0..calls {
        let _ = writeln!(out, "  Op.noop()");
    }
    out
}
