//! The VM benchmark: the four scenarios of the reference benchmark suite (500 call requests, a
//! 200-hop chain, a 1 MiB value, 30 signers), run to the end on the scenario driver. Prints the
//! interpreter time (every invocation timed through air-network's `Interpreter` and summed over
//! the run), both with the script parsed once ("cached parse") and parsed again on every
//! invocation as AquaVM does ("parse each"), the peak heap memory, the final data size and the
//! final answer, beside AquaVM's figures measured on the same scenarios. Memory comes from
//! mimalloc, as in the `aqua` binary that runs the VM, and is counted in one more run of its own:
//! counting in the timed runs made them 5 to 10% slower than the VM they time.
//!
//! Run with `cargo bench -p air-network --bench vm`.

#![allow(clippy::print_stdout)]
#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use air_network::invoke::invoke;
use air_network::scenario::{Scenario, Summary, run_scenario_on};
use air_network::{CallResult, Interpreter, Invocation, Script, StepOutcome};
use mimalloc::MiMalloc;

/// The goal: at least ten times faster than AquaVM native on every scenario, counting the parse
/// of every invocation as AquaVM does (the "parse each" column); "target ms" is AquaVM / 10.
const TARGET_SPEEDUP: f64 = 10.0;

/// mimalloc (the `aqua` binary's allocator), counting heap bytes only in the run that measures
/// them: the timed runs pay nothing for the counting.
#[global_allocator]
static ALLOCATOR: bench_alloc::Counting<MiMalloc> = bench_alloc::Counting::new(MiMalloc);

/// One benchmark scenario with AquaVM's figures (native ms, wasm ms).
struct Bench {
    name: &'static str,
    json: &'static str,
    aquavm_native_ms: f64,
    aquavm_wasm_ms: f64,
    /// The client's final data size on AquaVM (oracle.mjs --json, avm 0.62.0).
    aquavm_data_bytes: usize,
}

const BENCHES: [Bench; 4] = [
    Bench {
        name: "call-requests500",
        json: include_str!("data/call-requests500.json"),
        aquavm_native_ms: 458.0,
        aquavm_wasm_ms: 7923.0,
        aquavm_data_bytes: 9020515,
    },
    Bench {
        name: "long-chain200",
        json: include_str!("data/long-chain200.json"),
        aquavm_native_ms: 458.0,
        aquavm_wasm_ms: 12786.0,
        aquavm_data_bytes: 100723,
    },
    Bench {
        name: "big-values1mb",
        json: include_str!("data/big-values1mb.json"),
        aquavm_native_ms: 32.8,
        aquavm_wasm_ms: 4266.0,
        aquavm_data_bytes: 1030827,
    },
    Bench {
        name: "multiple-sigs30",
        json: include_str!("data/multiple-sigs30.json"),
        aquavm_native_ms: 60.1,
        aquavm_wasm_ms: 1530.0,
        aquavm_data_bytes: 68043,
    },
];

/// The interpreter, timed: parses the script's text again on every invocation when `text` is
/// given (AquaVM's cost), else runs the script parsed once.
struct Timed {
    text: Option<String>,
    time: Duration,
    invocations: usize,
}

impl Interpreter for Timed {
    fn invoke(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
    ) -> StepOutcome {
        let started = Instant::now();
        let outcome = match &self.text {
            Some(text) => invoke(&Script::from_text(text), invocation, call_results),
            None => invoke(script, invocation, call_results),
        };
        self.time += started.elapsed();
        self.invocations += 1;
        outcome
    }
}

/// One run of a scenario: its summary, the interpreter's time and invocations.
fn run(bench: &Bench, parse_each: bool) -> (Summary, Duration, usize) {
    let scenario = Scenario::from_json(bench.json).expect("valid bench scenario");
    let mut network = scenario.network();
    let text = parse_each.then(|| scenario.air_text(&network));
    let mut timed = Timed { text, time: Duration::ZERO, invocations: 0 };
    let report = run_scenario_on(&scenario, &mut network, &mut timed);
    (Summary::of(&network, &report), timed.time, timed.invocations)
}

/// The peak heap of one run with the script parsed once, beyond what was live before it (a run
/// of its own: counting would slow the timed runs).
fn peak_heap(bench: &Bench) -> usize {
    let scenario = Scenario::from_json(bench.json).expect("valid bench scenario");
    let mut network = scenario.network();
    let mut timed = Timed { text: None, time: Duration::ZERO, invocations: 0 };
    bench_alloc::heap_of(|| run_scenario_on(&scenario, &mut network, &mut timed)).1.peak
}

/// The fastest of 20 parses (and validations) of the scenario's script, with the tree dropped:
/// the share of one invocation that parsing takes in the "parse each" column.
fn parse_time(bench: &Bench) -> Duration {
    let scenario = Scenario::from_json(bench.json).expect("valid bench scenario");
    let text = scenario.air_text(&scenario.network());
    (0..20)
        .map(|_| {
            let started = Instant::now();
            drop(std::hint::black_box(Script::from_text(&text)));
            started.elapsed()
        })
        .min()
        .unwrap_or_default()
}

/// The best time of `repeats` runs, with the last run's summary and invocations.
fn best_of(bench: &Bench, parse_each: bool, repeats: usize) -> (Summary, Duration, usize) {
    let mut best = Duration::MAX;
    let mut last = (Summary::default(), 0);
    for _ in 0..repeats {
        let (summary, time, invocations) = run(bench, parse_each);
        best = best.min(time);
        last = (summary, invocations);
    }
    (last.0, best, last.1)
}

fn main() {
    let filter: Vec<String> =
        std::env::args().skip(1).filter(|arg| !arg.starts_with("--")).collect();
    // REPEATS=100 makes a run long enough to profile the steady state.
    let repeats: usize = std::env::var("REPEATS").ok().and_then(|r| r.parse().ok()).unwrap_or(3);
    println!(
        "{:<18} {:>6} {:>12} {:>12} {:>9} {:>10} {:>9} {:>11} {:>12} {:>14} {:>12}  answer",
        "scenario",
        "steps",
        "parse each",
        "cached parse",
        "parse µs",
        "target ms",
        "peak MiB",
        "data bytes",
        "AquaVM data",
        "AquaVM native",
        "AquaVM wasm"
    );
    for bench in &BENCHES {
        if !filter.is_empty() && !filter.iter().any(|name| bench.name.contains(name.as_str())) {
            continue;
        }
        let (_, parse_each, _) = best_of(bench, true, repeats);
        let (summary, best, invocations) = best_of(bench, false, repeats);
        let peak = peak_heap(bench);
        let answer = summary
            .calls
            .iter()
            .rfind(|call| call.service == "callbackSrv")
            .map(|call| serde_json::Value::Array(call.args.clone()).to_string())
            .unwrap_or_default();
        let answer = if answer.len() > 40 { format!("{}…", &answer[..40]) } else { answer };
        let data = summary.data_bytes.get("client").copied().unwrap_or_default();
        println!(
            "{:<18} {:>6} {:>12.2} {:>12.2} {:>9.1} {:>10.1} {:>9.2} {:>11} {:>12} {:>11.1} ms {:>9.0} ms  {answer}",
            bench.name,
            invocations,
            parse_each.as_secs_f64() * 1000.0,
            best.as_secs_f64() * 1000.0,
            parse_time(bench).as_secs_f64() * 1e6,
            bench.aquavm_native_ms / TARGET_SPEEDUP,
            peak as f64 / (1024.0 * 1024.0),
            data,
            bench.aquavm_data_bytes,
            bench.aquavm_native_ms,
            bench.aquavm_wasm_ms,
        );
    }
}
