//! Throughput of `aqua_typecheck::check` on a generated multi-module program.
//!
//! `cargo bench -p aqua-typecheck` checks programs of 10,000 and 100,000 lines (modules of about
//! 1,000 lines, each importing the one before and using another under a namespace) and prints
//! lines per second, peak memory and its ratio to the size of the source (with the system
//! allocator; `-- write LINES DIR` writes the program out, to measure the `aqua` binary). Each
//! size runs in a child process of this binary so that the peak resident set size (`VmHWM`)
//! belongs to that size alone. It then checks every module as a file of its own, as
//! `aqua check DIR` does: together with `check_each`, and each alone with `check` (what the CLI
//! did before: quadratic in a chain of imports), and prints both times and their ratio. Last, a
//! chain of modules that export all their functions, which the last one inherits.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

// A benchmark binary may read /proc and spawn itself; the library does neither.

use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::time::Instant;

use aqua_typecheck::{MemoryLoader, Options};

/// Functions per module; each is about 13 lines.
const FUNCS_PER_MODULE: usize = 75;

fn main() {
    let mut args = std::env::args().skip(1).filter(|a| a != "--bench");
    let first = args.next();
    // `-- write LINES DIR` writes the program to DIR, to measure `aqua check DIR/modN.aqua`.
    if first.as_deref() == Some("write") {
        let lines = args.next().and_then(|a| a.parse::<usize>().ok()).unwrap_or(100_000);
        let dir = args.next().expect("a directory to write the program to");
        let (loader, _, modules) = generate(lines);
        std::fs::create_dir_all(&dir).expect("the directory is created");
        for (name, source) in &loader.files {
            std::fs::write(Path::new(&dir).join(name), &**source).expect("a module is written");
        }
        println!("wrote {modules} modules to {dir}; the entry is mod{}.aqua", modules - 1);
        return;
    }
    match first.and_then(|a| a.parse::<usize>().ok()) {
        Some(lines) => run(lines),
        None => {
            let exe = std::env::current_exe().expect("the benchmark binary's path");
            for lines in [10_000, 100_000] {
                let status = std::process::Command::new(&exe)
                    .arg(lines.to_string())
                    .status()
                    .expect("the benchmark runs");
                assert!(status.success(), "benchmark for {lines} lines failed");
            }
            check_export_chain(60, 150);
        }
    }
}

/// A chain of `modules` modules that each declare and export all `functions` of theirs and
/// import the one before whole: the last one exports every function of the chain, inherited
/// through each import (as the reference compiler's exports are). Prints the best of three.
fn check_export_chain(modules: usize, functions: usize) {
    let mut loader = MemoryLoader::new();
    for i in 0..modules {
        let mut out = format!("aqua Chain{i} declares *\n\nexport ");
        let names: Vec<String> = (0..functions).map(|j| format!("f{i}_{j}")).collect();
        out.push_str(&names.join(", "));
        if i > 0 {
            let _ = write!(out, "\nimport \"chain{}.aqua\"", i - 1);
        }
        out.push_str("\n\n");
        for name in &names {
            let _ = writeln!(out, "func {name}(x: string) -> string:\n  <- x\n");
        }
        loader.add(format!("chain{i}.aqua"), out);
    }
    let entry = format!("chain{}.aqua", modules - 1);
    let mut best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        let checked =
            aqua_typecheck::check(Path::new(&entry), None, &mut loader, &Options::default());
        best = best.min(start.elapsed().as_secs_f64());
        assert!(checked.is_ok(), "{:?}", checked.errors.first());
        assert_eq!(checked.program.exports.len(), modules * functions, "every export inherited");
    }
    println!(
        "export chain of {modules} modules x {functions} exported functions: {:.1} ms",
        best * 1000.0
    );
}

/// Generates and checks a program of about `lines` lines, three times, and prints the best run.
fn run(lines: usize) {
    let (mut loader, total_lines, modules) = generate(lines);
    let entry = format!("mod{}.aqua", modules - 1);
    let mut parse_best = f64::MAX;
    for _ in 0..3 {
        let start = Instant::now();
        for source in loader.files.values() {
            std::hint::black_box(aqua_syntax::parse(source));
        }
        parse_best = parse_best.min(start.elapsed().as_secs_f64());
    }
    let mut best = f64::MAX;
    // The loader shares its files with the checker (as the CLI's loader, which keeps none, leaves
    // one copy), so one serves every run and the source is counted once.
    for _ in 0..3 {
        let start = Instant::now();
        let checked =
            aqua_typecheck::check(Path::new(&entry), None, &mut loader, &Options::default());
        let seconds = start.elapsed().as_secs_f64();
        assert!(
            checked.is_ok(),
            "the generated program must check: {:?} {:?}",
            checked.errors.first(),
            checked.syntax_errors.first()
        );
        assert_eq!(checked.program.modules.len(), modules);
        best = best.min(seconds);
    }
    let source_bytes: usize = loader.files.values().map(|source| source.len()).sum();
    let peak = peak_rss_kib().map_or(f64::NAN, |kib| kib as f64 * 1024.0);
    println!(
        "check {total_lines:>7} lines in {modules:>3} modules ({:.2} MB): {:>7.1} ms (parsing {:.1} ms), {:>9.0} lines/s, peak RSS {:.1} MiB ({:.1}x the source)",
        source_bytes as f64 / 1e6,
        best * 1000.0,
        parse_best * 1000.0,
        total_lines as f64 / best,
        peak / (1024.0 * 1024.0),
        peak / source_bytes as f64,
    );
    check_folder(&mut loader, modules);
}

/// Checks every module as a file of its own: once together, then each alone.
fn check_folder(loader: &mut MemoryLoader, modules: usize) {
    let options = Options::default();
    let paths: Vec<PathBuf> = (0..modules).map(|i| PathBuf::from(format!("mod{i}.aqua"))).collect();
    let start = Instant::now();
    let each = aqua_typecheck::check_each(&paths, loader, &options);
    let together = start.elapsed().as_secs_f64();
    assert!((0..modules).all(|index| each.is_ok(index)), "every file checks");
    assert_eq!(each.checked.program.modules.len(), modules, "each module checked once");
    drop(each);
    let start = Instant::now();
    for path in &paths {
        assert!(aqua_typecheck::check(path, None, loader, &options).is_ok(), "{path:?} checks");
    }
    let alone = start.elapsed().as_secs_f64();
    println!(
        "  every one of the {modules:>3} files: together {:>7.1} ms, each alone {:>8.1} ms ({:.1}x)",
        together * 1000.0,
        alone * 1000.0,
        alone / together,
    );
}

/// Peak resident set size of this process in KiB (Linux only).
fn peak_rss_kib() -> Option<u64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// A program of about `lines` lines: returns the loader, the exact line count and the number
/// of modules.
fn generate(lines: usize) -> (MemoryLoader, usize, usize) {
    let per_module = module_source(1).lines().count();
    let modules = (lines / per_module).max(2);
    let mut loader = MemoryLoader::new();
    let mut total = 0;
    for index in 0..modules {
        let source = module_source(index);
        total += source.lines().count();
        loader.add(format!("mod{index}.aqua"), source);
    }
    (loader, total, modules)
}

/// Module `i`: a struct, a service, and functions that use the previous module's function
/// (imported) and the one before it (through a namespace).
fn module_source(i: usize) -> String {
    let mut out = String::new();
    let _ = writeln!(out, "aqua Mod{i} declares f{i}_0, Rec{i}, Svc{i}, LIMIT{i}\n");
    if i >= 1 {
        let _ = writeln!(out, "import f{p}_0 from \"mod{p}.aqua\"", p = i - 1);
    }
    if i >= 2 {
        let _ = writeln!(out, "use \"mod{p}.aqua\" as M{p}", p = i - 2);
    }
    let _ = writeln!(out, "\nconst LIMIT{i} = 10\n");
    let _ = writeln!(out, "data Rec{i}:\n  a: string\n  b: u32\n  tags: []string\n");
    let _ = writeln!(
        out,
        "service Svc{i}(\"svc{i}\"):\n  call(s: string) -> string\n  num(x: u32) -> u32\n  many() -> []string\n"
    );
    for j in (0..FUNCS_PER_MODULE).rev() {
        let _ = writeln!(out, "func f{i}_{j}(x: string, n: u32) -> string, u32:");
        let _ = writeln!(out, "  r <- Svc{i}.call(x)");
        let _ = writeln!(out, "  m <- Svc{i}.num(n + LIMIT{i})");
        let callee = match (i, j) {
            (0, _) => format!("Svc{i}.call(r)"),
            (1, _) => format!("f{p}_0(r, m)", p = i - 1),
            _ if j % 2 == 0 => format!("f{p}_0(r, m)", p = i - 1),
            _ => format!("M{p}.f{p}_0(r, m)", p = i - 2),
        };
        let call = if i == 0 { format!("t <- {callee}") } else { format!("t, k <- {callee}") };
        let _ = writeln!(out, "  on x via r:\n    {call}");
        let _ = writeln!(out, "  record = Rec{i}(a = r, b = m, tags = [r, x])");
        let _ = writeln!(out, "  out: *string");
        let _ = writeln!(out, "  for tag <- record.tags par:\n    out <<- tag");
        let _ = writeln!(out, "  if m > 10 && record.b != 3:\n    out <- Svc{i}.call(t)");
        let _ = writeln!(out, "  <- out!, record.b\n");
    }
    out
}
