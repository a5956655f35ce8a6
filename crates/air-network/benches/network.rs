//! The simulated network under load: a `fold … par` fan-out over 1,000 peers and chains of 1,000,
//! 2,000 and 10,000 hops. Prints particles (deliveries) per second, interpreter steps and the
//! peak heap. Memory comes from mimalloc, as in the `aqua` binary. First, a loop of local calls
//! on one peer (`for x <- xs: Op.noop()` as `aqua run` runs it) over 750, 3,000 and 12,000 items,
//! with calls answered inline and (at 750) with a round trip through the host for each.
//!
//! Run with `cargo bench -p air-network --bench network`.

#![allow(clippy::disallowed_methods, clippy::disallowed_macros)] // Benchmarks read the clock and print.

use std::collections::BTreeMap;
use std::time::Instant;

use air_network::{Client, Network, RunOptions, RunReport, Stop, Vm};
use air_vm::value::JValue;
use mimalloc::MiMalloc;

/// mimalloc, counting heap bytes only in a second run of each case (see `timed_run`).
#[global_allocator]
static ALLOCATOR: bench_alloc::Counting<MiMalloc> = bench_alloc::Counting::new(MiMalloc);

/// Every peer answers `op.identity`; the results come back to the client in a stream.
const FAN_OUT: &str = r#"
(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "peers") [] peers)
  (new $answers
   (seq
    (par
     (fold peers p
      (par
       (seq
        (call p ("op" "identity") [p] answer)
        (seq
         (ap answer $answers)
         (call %init_peer_id% ("op" "noop") [])
        )
       )
       (next p)
      )
      (never)
     )
     (null)
    )
    (seq
     (canon %init_peer_id% $answers #all)
     (call %init_peer_id% ("callbackSrv" "response") [#all.length])
    )
   )
  )
 )
 (null)
)"#;

/// The particle visits every peer in turn, then returns to the client.
const CHAIN: &str = r#"
(seq
 (seq
  (call %init_peer_id% ("getDataSrv" "peers") [] peers)
  (fold peers p
   (seq
    (call p ("op" "noop") [])
    (next p)
   )
  )
 )
 (call %init_peer_id% ("callbackSrv" "response") ["done"])
)"#;

/// `for x <- xs: Op.noop()` as `aqua compile` writes it.
const LOCAL_LOOP: &str = r#"
(xor
 (seq
  (seq
   (call %init_peer_id% ("getDataSrv" "-relay-") [] -relay-)
   (call %init_peer_id% ("getDataSrv" "xs") [] xs)
  )
  (fold xs x
   (seq
    (call %init_peer_id% ("op" "noop") [])
    (next x)
   )
   (null)
  )
 )
 (call %init_peer_id% ("errorHandlingSrv" "error") [:error: 0])
)"#;

/// What one run starts from: the network, the script and the client.
type Setup = (Network, air_network::Script, Client);

/// Runs what `setup` makes twice: timed, then with its heap counted (counting costs atomic
/// operations on every allocation: 10 to 17% of a fan-out's time, so a counted run is not timed).
/// Returns the timed run's report, its seconds and the counted run's peak heap bytes. `kept`:
/// each peer keeps its last data decoded (`Vm::default()`), or decodes every invocation's data
/// as AquaVM does (`Vm::forgetful()`).
fn timed_run(
    setup: &dyn Fn() -> Setup,
    options: &RunOptions,
    kept: bool,
) -> (RunReport, f64, usize) {
    let run = || {
        let (mut network, program, client) = setup();
        let mut vm = if kept { Vm::default() } else { Vm::forgetful() };
        network.run_with(&program, "client", Some(client), options, &mut vm, &mut |_| {})
    };
    let started = Instant::now();
    let report = run();
    let elapsed = started.elapsed().as_secs_f64();
    let (counted, heap) = bench_alloc::heap_of(run);
    assert_eq!(counted.steps, report.steps, "both runs take the same steps");
    (report, elapsed, heap.peak)
}

/// The local loop over `items` items on the init peer alone.
fn local_loop(items: usize, inline: bool, kept: bool) {
    let setup = || {
        let network = Network::with_peers(["client"]);
        let xs: Vec<JValue> = (0..items).map(|i| JValue::String(format!("item-{i}"))).collect();
        let client = Client::new(BTreeMap::from([("xs".to_string(), JValue::Array(xs))]), "");
        let program = air_network::Script::from(
            air_syntax::parse(LOCAL_LOOP).expect("the benchmark script parses"),
        );
        (network, program, client)
    };
    let options = RunOptions { answer_inline: inline, ..RunOptions::default() };
    let (report, elapsed, peak) = timed_run(&setup, &options, kept);
    assert_eq!(report.stop, Stop::Done, "the loop must finish");
    let calls: usize = report.hops.iter().map(|hop| hop.calls.len()).sum();
    assert_eq!(calls, items + 2, "one call per item, and the two arguments");
    assert!(report.hops.iter().all(|hop| hop.errors.is_empty()), "the loop must not fail");
    let how = if inline { "inline answers" } else { "a round trip per call" };
    let decoding = if kept { "" } else { ", decoding all" };
    let label = format!("local loop of {items} calls ({how}{decoding})");
    println!(
        "{label:<52} {:>6} steps {:>8.3} s {:>7.2} µs/item  peak heap {:>7.1} MB",
        report.steps,
        elapsed,
        elapsed * 1e6 / items as f64,
        peak as f64 / 1e6,
    );
}

/// One run: `script` over `hops` visits cycling through `peers` distinct peers.
#[derive(Clone, Copy)]
struct Case<'a> {
    label: &'a str,
    script: &'a str,
    hops: usize,
    peers: usize,
    /// Whether the peers share the signatures found valid (the network's default).
    shared: bool,
    /// Whether each peer keeps its last data decoded (`Vm::default()`), or decodes every
    /// invocation's data as AquaVM does (`Vm::forgetful()`).
    kept: bool,
}

fn measure(case: &Case<'_>) {
    let Case { label, script, hops, peers, shared, kept } = *case;
    let names: Vec<String> = (0..peers).map(|i| format!("peer-{i}")).collect();
    let setup = || {
        let mut all: Vec<&str> = names.iter().map(String::as_str).collect();
        all.push("client");
        let network = Network::with_peers(all);
        let ids: Vec<JValue> = (0..hops)
            .map(|hop| {
                JValue::String(network.id_of(&names[hop % peers]).unwrap_or_default().into())
            })
            .collect();
        let program = air_network::Script::from(
            air_syntax::parse(script).expect("the benchmark script parses"),
        );
        let client = Client::new(BTreeMap::from([("peers".to_string(), JValue::Array(ids))]), "");
        (network, program, client)
    };
    let options = RunOptions {
        max_steps: 10_000_000,
        ttl: u32::MAX,
        share_verified_signatures: shared,
        ..RunOptions::default()
    };
    let (report, elapsed, peak) = timed_run(&setup, &options, kept);
    if let Some(hop) =
        report.hops.iter().find(|hop| !hop.errors.is_empty() || hop.dropped.is_some())
    {
        panic!(
            "{label}: the hop to {} at {} ms failed: {:?} {:?}",
            hop.to, hop.at, hop.errors, hop.dropped
        );
    }
    assert_eq!(report.stop, Stop::Done, "{label} must finish");
    assert!(report.client.response().is_some(), "{label} must answer the client");
    let label = format!(
        "{label}{}{}",
        if shared { "" } else { ", every hop verifies all" },
        if kept { "" } else { ", decoding all" }
    );
    println!(
        "{label:<52} {:>6} deliveries {:>7} steps {:>8.2} s {:>9.0} particles/s  peak heap {:>7.1} MB",
        report.hops.len(),
        report.steps,
        elapsed,
        report.hops.len() as f64 / elapsed,
        peak as f64 / 1e6,
    );
}

fn main() {
    // One case, for profiling: `cargo bench -p air-network --bench network -- chain HOPS [PEERS]`,
    // `-- fan-out PEERS`, `-- local ITEMS` or `-- local-round-trip ITEMS`; `--unshared` turns the
    // sharing of verified signatures off, `--forgetful` the keeping of decoded data.
    let all_args: Vec<String> = std::env::args().skip(1).filter(|a| a != "--bench").collect();
    let shared = !all_args.iter().any(|a| a == "--unshared");
    let kept = !all_args.iter().any(|a| a == "--forgetful");
    let args: Vec<&String> = all_args.iter().filter(|a| !a.starts_with("--")).collect();
    let number = |at: usize| args.get(at).and_then(|a| a.parse::<usize>().ok());
    match (args.first().map(|a| a.as_str()), number(1)) {
        (Some("chain"), Some(hops)) => {
            let peers = number(2).unwrap_or(hops);
            return measure(&Case { label: "chain", script: CHAIN, hops, peers, shared, kept });
        }
        (Some("fan-out"), Some(peers)) => {
            let hops = peers;
            return measure(&Case { label: "fan-out", script: FAN_OUT, hops, peers, shared, kept });
        }
        (Some("local"), Some(items)) => return local_loop(items, true, kept),
        (Some("local-round-trip"), Some(items)) => return local_loop(items, false, kept),
        _ => {}
    }
    println!("air-vm network benchmark");
    for items in [750, 3_000, 12_000] {
        local_loop(items, true, true);
    }
    local_loop(750, false, true);
    local_loop(750, false, false);
    // Sharing verified signatures is the simulation's default but no real peer can do it; the
    // goals hold without it. Keeping decoded data is what any peer could do; "decoding all" is
    // AquaVM's way, for comparison.
    let fan_out = |shared, kept| Case {
        label: "fold par over 1,000 peers",
        script: FAN_OUT,
        hops: 1_000,
        peers: 1_000,
        shared,
        kept,
    };
    measure(&fan_out(true, true));
    measure(&fan_out(false, true));
    measure(&fan_out(false, false));
    // A chain's data grows with every hop and every hop carries all of it, so a chain costs
    // O(hops²) bytes processed (on AquaVM too). Without the shared set of verified signatures
    // every hop also re-verifies every earlier peer's signature, which dominated before.
    let chain =
        |hops, peers, label, shared, kept| Case { label, script: CHAIN, hops, peers, shared, kept };
    measure(&chain(1_000, 1_000, "chain of 1,000 hops (1,000 peers)", true, true));
    measure(&chain(1_000, 1_000, "chain of 1,000 hops (1,000 peers)", false, true));
    measure(&chain(2_000, 2_000, "chain of 2,000 hops (2,000 peers)", true, true));
    // 10,000 hops cycle through 100 peers: each keeps its copy of the particle's data, so 10,000
    // distinct peers would hold O(hops²) bytes between them.
    measure(&chain(10_000, 100, "chain of 10,000 hops (100 peers)", true, true));
    measure(&chain(10_000, 100, "chain of 10,000 hops (100 peers)", false, true));
}
