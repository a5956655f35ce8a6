//! Formatter throughput: formats the generated program of the parser benchmark (10,000 and
//! 100,000 lines) and prints the time of `aqua_fmt::format` (parsing included), of parsing alone
//! and of printing alone, with lines per second.
//!
//! Run with `cargo bench -p aqua-fmt`. The goal is at most 0.3 s for 100,000 lines. It uses the
//! allocator of the `aqua` binary (mimalloc), so the figures are what `aqua fmt` costs.
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::time::Instant;

#[path = "../../aqua-syntax/benches/support/program.rs"]
mod program;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The best of five runs of `run`, in seconds.
fn best_of_five(mut run: impl FnMut()) -> f64 {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            run();
            start.elapsed().as_secs_f64()
        })
        .fold(f64::MAX, f64::min)
}

fn measure(lines: usize) {
    let src = program::program(lines);
    let actual_lines = src.lines().count();
    let once = aqua_fmt::format(&src).expect("the generated program parses");
    let twice = aqua_fmt::format(&once).expect("the formatted program parses");
    assert_eq!(once, twice, "formatting is idempotent on the benchmark program");
    let total = best_of_five(|| {
        std::hint::black_box(aqua_fmt::format(&src).ok());
    });
    let parse = best_of_five(|| {
        std::hint::black_box(aqua_syntax::parse(&src));
    });
    let parsed = aqua_syntax::parse(&src);
    let print = best_of_five(|| {
        std::hint::black_box(aqua_fmt::format_module(&src, &parsed.module));
    });
    println!(
        "{actual_lines:>8} lines  format {:>7.1} ms = parse {:>6.1} ms + print {:>6.1} ms (+ drop)  {:>9.0} lines/s",
        total * 1e3,
        parse * 1e3,
        print * 1e3,
        actual_lines as f64 / total,
    );
}

fn main() {
    println!("aqua-fmt format benchmark (best of 5)");
    for lines in [10_000, 100_000] {
        measure(lines);
    }
}
