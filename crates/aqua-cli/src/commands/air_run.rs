//! `aqua air run`: run an AIR script on one local peer with the built-in services, or a scenario
//! (simulated peers and mocked services) in the reference oracle's format.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use air_vm::scenario::{Event, RunOptions, Scenario, run_scenario_with};
use air_vm::{CallResult, KeyPair, Limits, RunParameters, step_program};
use serde_json::Value;

use crate::cli::AirRunArgs;

/// The particle id and timestamp of a local run.
const LOCAL_PARTICLE: &str = "local-particle";
const LOCAL_TIMESTAMP: u64 = 1_700_000_000_000;

/// Runs `aqua air run`.
pub fn run(args: &AirRunArgs) -> ExitCode {
    match (&args.scenario, &args.file) {
        (Some(scenario), _) => run_scenario_file(scenario, args.json),
        (None, Some(file)) => run_local(file),
        (None, None) => {
            eprintln!("error: give an AIR file or --scenario FILE");
            ExitCode::FAILURE
        }
    }
}

fn read(path: &Path) -> Option<String> {
    match std::fs::read_to_string(path) {
        Ok(text) => Some(text),
        Err(error) => {
            eprintln!("error: cannot read {}: {error}", path.display());
            None
        }
    }
}

fn run_scenario_file(path: &Path, json: bool) -> ExitCode {
    let Some(text) = read(path) else { return ExitCode::FAILURE };
    let scenario = match Scenario::from_json(&text) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut print = |event: Event<'_>| {
        if json {
            return;
        }
        match event {
            Event::Step { peer, outcome, next, time } => println!(
                "[{peer}] run: ret_code={} err={} next_peers={} data={}B ({:.2}ms)",
                outcome.ret_code,
                Value::from(outcome.error_message.as_str()),
                Value::from(next),
                outcome.data.len(),
                time.as_secs_f64() * 1000.0
            ),
            Event::Call(call, id) => println!(
                "  [{}] call #{id} {}.{}({}) -> ret_code={} {}",
                call.peer,
                call.service,
                call.function,
                Value::Array(call.args.clone()),
                call.ret_code,
                call.result
            ),
        }
    };
    if !json {
        for peer in &scenario.peers {
            println!("peer {peer} = {}", KeyPair::from_name(peer).peer_id());
        }
    }
    match run_scenario_with(&scenario, RunOptions::default(), &mut print) {
        Ok(summary) => {
            if json {
                println!("{}", summary.to_json());
            } else {
                println!("done after {} hops", summary.hops);
            }
            if summary.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
            ExitCode::FAILURE
        }
    }
}

fn run_local(path: &Path) -> ExitCode {
    let Some(src) = read(path) else { return ExitCode::FAILURE };
    let program = match air_syntax::parse_and_validate(&src) {
        Ok(program) => program,
        Err(error) => {
            eprintln!("error: {} is not a valid AIR script: {error:?}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let key = KeyPair::from_name("local");
    let peer_id = key.peer_id();
    let params = RunParameters {
        init_peer_id: peer_id.clone(),
        current_peer_id: peer_id.clone(),
        particle_id: LOCAL_PARTICLE.into(),
        timestamp: LOCAL_TIMESTAMP,
        ttl: 60_000,
        key,
        limits: Limits::default(),
    };
    println!("peer local = {peer_id}");
    let (mut data, mut results, mut unanswered) = (Vec::new(), BTreeMap::new(), 0usize);
    loop {
        let outcome = step_program(&program, &data, &[], &params, results);
        data = outcome.data;
        if outcome.ret_code != 0 {
            println!("error {}: {}", outcome.ret_code, outcome.error_message);
        }
        for peer in &outcome.next_peers {
            println!("not sent: the particle would go to {peer}");
        }
        if outcome.call_requests.is_empty() {
            println!("done: {} bytes of data", data.len());
            return if outcome.ret_code == 0 && unanswered == 0 {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            };
        }
        results = BTreeMap::new();
        for request in outcome.call_requests {
            let (service, function) = (&request.service_id, &request.function_name);
            let args = Value::Array(request.arguments.clone());
            let answer = air_vm::builtins::local(
                service,
                function,
                &request.arguments,
                &peer_id,
                LOCAL_TIMESTAMP,
            );
            let (ret_code, result) = match answer {
                Some(Ok(value)) => (0, value),
                Some(Err((code, message))) => (code, message),
                None => {
                    unanswered += 1;
                    println!(
                        "call #{} {service}.{function}({args}) -> no such service",
                        request.call_id
                    );
                    let message = format!("service {service}.{function} not found");
                    (1, Value::String(message))
                }
            };
            if ret_code == 0 || answer_found(service, function) {
                println!(
                    "call #{} {service}.{function}({args}) -> ret_code={ret_code} {result}",
                    request.call_id
                );
            }
            results.insert(request.call_id, CallResult { ret_code, result: result.to_string() });
        }
    }
}

fn answer_found(service: &str, function: &str) -> bool {
    air_vm::builtins::local(service, function, &[], "", 0).is_some()
}
