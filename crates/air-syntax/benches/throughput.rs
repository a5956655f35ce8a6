//! Measures parsing, validation and printing throughput on a generated 10 MB script, in MB/s,
//! and the time of one parse and one validation of a chain of 200 nested `seq` calls (the VM
//! benchmark's long-chain200 script, parsed on each of its 406 invocations).
//! Run with `cargo bench -p air-syntax` (`CHAIN_ONLY=1` stops after the chain, for profiling).

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::hint::black_box;
use std::time::{Duration, Instant};

use air_syntax::{Instruction, Pair, Program, Span, parse, print_compact, print_pretty, validate};

/// Instructions in the reference compiler's style, used as the leaves of the generated tree.
const LEAVES: &[&str] = &[
    r#"(call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)"#,
    r#"(call -relay- ("op" "noop") [])"#,
    r#"(call %init_peer_id% ("callbackSrv" "response") [-res-flat-0 "text" 42 1.5 true])"#,
    r#"(new $-hop- (new #-hopc- (canon -relay- $-hop-  #-hopc-)))"#,
    r#"(ap -u-arg-.$.addr.[0]! $res)"#,
    r#"(ap ("name" -newName-arg-) %User_obj_copy_map)"#,
    r#"(xor (match #res_iter_canon.length add (null)) (next res_fold_var))"#,
    r#"(fold $res res_fold_var (seq (ap res_fold_var $res_test) (next res_fold_var)) (never))"#,
    r#"(call %init_peer_id% ("errorHandlingSrv" "error") [:error: 0])"#,
    r#"(fail :error:)"#,
];

const TARGET_BYTES: usize = 10 * 1024 * 1024;

/// Builds a balanced tree of `seq`, `par` and `xor` over `count` leaves.
fn tree(leaves: &[Instruction], start: usize, count: usize) -> Instruction {
    if count == 1 {
        return leaves[start % leaves.len()].clone();
    }
    let half = count / 2;
    let left = tree(leaves, start, half);
    let right = tree(leaves, start + half, count - half);
    let pair = Box::new(Pair { left, right, span: Span::DUMMY });
    match start % 3 {
        0 => Instruction::Seq(pair),
        1 => Instruction::Par(pair),
        _ => Instruction::Xor(pair),
    }
}

fn generate() -> String {
    let leaves: Vec<Instruction> =
        LEAVES.iter().map(|src| parse(src).expect("valid leaf").body).collect();
    let mut count = 1024;
    loop {
        let text = print_pretty(&Program { body: tree(&leaves, 0, count) });
        if text.len() >= TARGET_BYTES {
            return text;
        }
        count = count * TARGET_BYTES / text.len() + 1;
    }
}

/// Runs `work` several times and returns the fastest run.
fn fastest(mut work: impl FnMut()) -> Duration {
    (0..5)
        .map(|_| {
            let start = Instant::now();
            work();
            start.elapsed()
        })
        .min()
        .unwrap_or_default()
}

fn report(what: &str, bytes: usize, time: Duration) {
    let megabytes = bytes as f64 / 1e6;
    println!(
        "{what:<18} {:>8.1} MB/s  ({megabytes:.1} MB in {time:.2?})",
        megabytes / time.as_secs_f64()
    );
}

/// A chain of `steps` calls alternating between two peers, each on the previous result, nested
/// one `seq` deeper per call, as the VM benchmark's long-chain scenario.
fn chain(steps: usize) -> String {
    let mut text = String::from("(seq (call %init_peer_id% (\"getDataSrv\" \"a\") [] a) ");
    text.push_str("(seq (call %init_peer_id% (\"getDataSrv\" \"b\") [] b) ");
    text.push_str("(seq (call %init_peer_id% (\"getDataSrv\" \"seed\") [] v0) ");
    for step in 0..steps {
        let peer = if step % 2 == 0 { "a" } else { "b" };
        let next = step + 1;
        text.push_str(&format!("(seq (call {peer} (\"svc\" \"step\") [v{step}] v{next}) "));
    }
    text.push_str(&format!("(call %init_peer_id% (\"callbackSrv\" \"response\") [v{steps}])"));
    text.push_str(&")".repeat(steps + 3));
    text
}

/// Microseconds of one run of `work`: the fastest of five rounds of 200 runs.
fn micros_each(mut work: impl FnMut()) -> f64 {
    const RUNS: u32 = 200;
    let round = fastest(|| (0..RUNS).for_each(|_| work()));
    round.as_secs_f64() * 1e6 / f64::from(RUNS)
}

fn main() {
    let chain = chain(200);
    let chain_program = parse(&chain).expect("the chain parses");
    assert!(validate(&chain_program).is_empty(), "the chain is valid");
    println!(
        "chain of 200 calls ({} bytes): parse {:.1} µs, validate {:.1} µs",
        chain.len(),
        micros_each(|| drop(black_box(parse(black_box(&chain))))),
        micros_each(|| drop(black_box(validate(black_box(&chain_program))))),
    );
    if std::env::var_os("CHAIN_ONLY").is_some() {
        return;
    }
    let text = generate();
    let program = parse(&text).expect("the generated script parses");
    println!("generated script: {} bytes", text.len());
    report("parse", text.len(), fastest(|| drop(black_box(parse(black_box(&text))))));
    report("validate", text.len(), fastest(|| drop(black_box(validate(black_box(&program))))));
    report(
        "print (pretty)",
        text.len(),
        fastest(|| drop(black_box(print_pretty(black_box(&program))))),
    );
    let compact = print_compact(&program);
    report(
        "print (compact)",
        compact.len(),
        fastest(|| drop(black_box(print_compact(black_box(&program))))),
    );
    report(
        "parse (compact)",
        compact.len(),
        fastest(|| drop(black_box(parse(black_box(&compact))))),
    );
}
