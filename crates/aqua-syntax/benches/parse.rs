//! Parser throughput: parses generated programs of 10,000 and 100,000 lines and prints lines per
//! second, MB/s and the peak heap use, so that linearity shows side by side.
//!
//! Run with `cargo bench -p aqua-syntax --bench parse`.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.
#![allow(unsafe_code)] // The counting allocator below must implement `GlobalAlloc`.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

#[path = "support/program.rs"]
mod program;
use program::program;

/// Wraps the system allocator and records the current and peak number of live bytes.
struct CountingAllocator;

static CURRENT: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

// SAFETY: every call is forwarded unchanged to the system allocator; only counters are added.
unsafe impl GlobalAlloc for CountingAllocator {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let now = CURRENT.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
        PEAK.fetch_max(now, Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.alloc(layout) }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        CURRENT.fetch_sub(layout.size(), Ordering::Relaxed);
        // SAFETY: same contract as the caller's.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static ALLOCATOR: CountingAllocator = CountingAllocator;

fn measure(lines: usize) {
    let src = program(lines);
    let actual_lines = src.lines().count();
    // Warm up once, then take the best of five runs.
    let warm = aqua_syntax::parse(&src);
    assert!(warm.errors.is_empty(), "the generated program must parse");
    drop(warm);
    let mut best = f64::MAX;
    let mut peak = 0;
    for _ in 0..5 {
        let base = CURRENT.load(Ordering::Relaxed);
        PEAK.store(base, Ordering::Relaxed);
        let start = Instant::now();
        let parsed = aqua_syntax::parse(&src);
        let elapsed = start.elapsed().as_secs_f64();
        peak = PEAK.load(Ordering::Relaxed) - base;
        std::hint::black_box(&parsed);
        best = best.min(elapsed);
    }
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
}
