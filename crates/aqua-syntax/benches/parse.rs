//! Parser throughput: parses generated programs of 10,000 and 100,000 lines and prints lines per
//! second, MB/s and the peak heap use, so that linearity shows side by side; then the same with
//! what `aqua parse` does: parse part by part and write the outline of each part, dropping its
//! tree.
//!
//! Run with `cargo bench -p aqua-syntax --bench parse`.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::time::Instant;

#[path = "support/program.rs"]
mod program;
use program::program;

/// mimalloc (the `aqua` binary's allocator), counting heap bytes only in the run that measures
/// them (counting in the timed runs would slow them).
#[global_allocator]
static ALLOCATOR: bench_alloc::Counting<mimalloc::MiMalloc> =
    bench_alloc::Counting::new(mimalloc::MiMalloc);

fn measure(lines: usize) {
    let src = program(lines);
    let actual_lines = src.lines().count();
    // Warm up once, then take the best of five runs.
    let warm = aqua_syntax::parse(&src);
    assert!(warm.errors.is_empty(), "the generated program must parse");
    drop(warm);
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let parsed = aqua_syntax::parse(&src);
        let elapsed = start.elapsed().as_secs_f64();
        std::hint::black_box(&parsed);
        best = best.min(elapsed);
    }
    let (parsed, heap) = bench_alloc::heap_of(|| aqua_syntax::parse(&src));
    std::hint::black_box(&parsed);
    let peak = heap.peak;
    let mb = src.len() as f64 / 1e6;
    println!(
        "{actual_lines:>8} lines {mb:>7.2} MB  {:>8.1} ms  {:>10.0} lines/s  {:>6.1} MB/s  peak heap {:>7.1} MB ({:.1}x source)",
        best * 1e3,
        actual_lines as f64 / best,
        mb / best,
        peak as f64 / 1e6,
        peak as f64 / src.len() as f64,
    );
}

/// `aqua parse`'s work without the process and its IO: the outline of a clean source, written as
/// each part is parsed.
fn measure_outline(lines: usize) {
    let src = program(lines);
    let actual_lines = src.lines().count();
    let outline = |src: &str| {
        let mut text = String::with_capacity(src.len() * 2);
        let clean = aqua_syntax::parse_parts(src, |part| {
            aqua_syntax::pretty::write_part(&part, &mut text);
        });
        assert!(clean, "the generated program must parse");
        text
    };
    std::hint::black_box(outline(&src));
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let text = outline(&src);
        best = best.min(start.elapsed().as_secs_f64());
        std::hint::black_box(&text);
    }
    let (text, heap) = bench_alloc::heap_of(|| outline(&src));
    println!(
        "{actual_lines:>8} lines  {:>8.1} ms  {:>10.0} lines/s  outline {:>5.1} MB  peak heap {:>7.1} MB ({:.1}x source)",
        best * 1e3,
        actual_lines as f64 / best,
        text.len() as f64 / 1e6,
        heap.peak as f64 / 1e6,
        heap.peak as f64 / src.len() as f64,
    );
}

/// A syntax error inside `n` nested brackets, `x = [[[…||…]]]`: error recovery must stay linear
/// (each doubling of `n` at most 2.2 times the time).
fn measure_deep_error(n: usize) -> f64 {
    let src = format!("aqua M\n\nfunc f():\n  x = {}||{}\n", "[".repeat(n), "]".repeat(n));
    let mut best = f64::MAX;
    for _ in 0..5 {
        let start = Instant::now();
        let parsed = aqua_syntax::parse(&src);
        best = best.min(start.elapsed().as_secs_f64());
        assert!(!parsed.errors.is_empty(), "the input has an error");
    }
    best
}

fn main() {
    println!("syntax error inside n nested brackets (best of 5)");
    let mut previous: Option<f64> = None;
    for n in [20_000, 40_000, 80_000] {
        let time = measure_deep_error(n);
        let growth = previous.map_or(String::new(), |p| format!("  x{:.2} per doubling", time / p));
        println!("{n:>8} brackets  {:>8.2} ms{growth}", time * 1e3);
        previous = Some(time);
    }
    println!("aqua-syntax parse benchmark (best of 5)");
    for lines in [10_000, 100_000] {
        measure(lines);
    }
    println!("parse part by part and write the outline, as `aqua parse` does (best of 5)");
    for lines in [10_000, 100_000] {
        measure_outline(lines);
    }
}
