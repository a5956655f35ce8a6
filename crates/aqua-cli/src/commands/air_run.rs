//! `aqua air run`: run an AIR script on one local peer with the built-in services (a network of
//! one peer), or a scenario (simulated peers and mocked services) in the reference oracle's
//! format. Both run on air-network's scheduler.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::ExitCode;

use air_network::invoke::{check_data, invoke};
use air_network::scenario::{Scenario, Summary};
use air_network::{
    CallRecord, Hop, Invocation, KeyPair, Limits, Network, RunOptions, RunParameters, Script, Stop,
    Vm,
};
use codespan_reporting::diagnostic::Diagnostic;
use codespan_reporting::files::SimpleFile;
use serde_json::Value;

use crate::cli::{AirRunArgs, ColorChoice};
use crate::commands::budget;
use crate::render;

/// The name of the one peer of a local run.
const LOCAL_PEER: &str = "local";

/// Runs `aqua air run`.
pub fn run(args: &AirRunArgs, color: ColorChoice) -> ExitCode {
    match (&args.scenario, &args.file) {
        (Some(scenario), _) => run_scenario_file(scenario, args),
        (None, Some(file)) if args.prev_data.is_some() => run_invocation(file, args, color),
        (None, Some(file)) => run_local(file, args, color),
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

fn run_scenario_file(path: &Path, args: &AirRunArgs) -> ExitCode {
    let (json, budget) = (args.json, &args.budget);
    let Some(text) = read(path) else { return ExitCode::FAILURE };
    let scenario = match Scenario::from_json(&text) {
        Ok(scenario) => scenario,
        Err(error) => {
            eprintln!("error: {}: {error}", path.display());
            return ExitCode::FAILURE;
        }
    };
    let mut network = scenario.network();
    let mut options = scenario.run_options();
    budget::apply(budget, &mut options);
    let script = scenario.script(&network);
    let init = scenario.init_peer.as_str();
    let report = network.run_with(&script, init, None, &options, &mut Vm::default(), &mut |_| {});
    let summary = Summary::of(&network, &report);
    if let Some(dir) = &args.save_data
        && let Err(code) = save_data(dir, &report.final_data)
    {
        return code;
    }
    if let Some(message) = budget::exceeded(budget, &report) {
        eprintln!("error: {message}");
        if !json {
            return ExitCode::FAILURE;
        }
    }
    if json {
        println!("{}", summary.to_json());
    } else {
        for peer in network.peers() {
            println!("peer {} = {}", peer.name, peer.id);
        }
        for hop in &report.hops {
            print_hop(hop);
        }
        println!("done after {} hops", summary.hops);
    }
    if summary.errors.is_empty() { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

/// Prints a hop's calls, then its outcome on the peer.
fn print_hop(hop: &Hop) {
    let peer = &hop.to;
    if let Some(why) = hop.dropped {
        println!("[{peer}] dropped: {why}");
        return;
    }
    for call in &hop.calls {
        println!("  [{peer}] call #{} {}", call.call_id, describe_call(call));
    }
    let (ret_code, message) =
        hop.error().map_or((0, ""), |error| (error.ret_code, error.message.as_str()));
    println!(
        "[{peer}] run: ret_code={ret_code} err={} next_peers={} data={}B",
        Value::from(message),
        Value::from(hop.next.clone()),
        hop.data_bytes
    );
}

fn describe_call(call: &CallRecord) -> String {
    let args = Value::Array(call.args.clone());
    format!(
        "{}.{}({args}) -> ret_code={} {}",
        call.service, call.function, call.ret_code, call.result
    )
}

/// The script of `path`, parsed and validated, or its diagnostics printed.
fn load_script(path: &Path, color: ColorChoice) -> Result<Script, ExitCode> {
    let Some(src) = read(path) else { return Err(ExitCode::FAILURE) };
    match air_syntax::parse_and_validate(&src) {
        Ok(program) => Ok(Script::from(program)),
        Err(error) => {
            let diagnostics: Vec<Diagnostic<()>> = match error {
                air_syntax::CheckError::Syntax(error) => vec![error.to_diagnostic(())],
                air_syntax::CheckError::Invalid(errors) => {
                    errors.iter().map(|error| error.to_diagnostic(())).collect()
                }
            };
            let file = SimpleFile::new(path.display().to_string(), &src);
            render::emit(&file, &diagnostics, color);
            Err(ExitCode::FAILURE)
        }
    }
}

/// Writes every peer's final data as `DIR/<peer>.data`.
fn save_data(dir: &Path, data: &BTreeMap<String, Vec<u8>>) -> Result<(), ExitCode> {
    let written = std::fs::create_dir_all(dir).and_then(|()| {
        data.iter()
            .try_for_each(|(peer, bytes)| std::fs::write(dir.join(format!("{peer}.data")), bytes))
    });
    written.map_err(|error| {
        eprintln!("error: cannot write the data to `{}`: {error}", dir.display());
        ExitCode::from(2)
    })
}

/// One invocation of one peer with the given previous and current data, through air-network's
/// one-peer entry point: prints the call requests, next peers and return code.
fn run_invocation(path: &Path, args: &AirRunArgs, color: ColorChoice) -> ExitCode {
    let script = match load_script(path, color) {
        Ok(script) => script,
        Err(code) => return code,
    };
    let (Some(prev_path), Some(current_path)) = (&args.prev_data, &args.current_data) else {
        return ExitCode::from(2);
    };
    let mut inputs = Vec::new();
    for (which, path) in [("previous", prev_path), ("current", current_path)] {
        let bytes = match std::fs::read(path) {
            Ok(bytes) => bytes,
            Err(error) => {
                eprintln!("error: cannot read `{}`: {error}", path.display());
                return ExitCode::from(2);
            }
        };
        if let Err(error) = check_data(&bytes) {
            let diagnostic = Diagnostic::error()
                .with_code("V002")
                .with_message(format!("the {which} data cannot be decoded"))
                .with_notes(vec![format!("`{}`: {error}", path.display())]);
            let file = SimpleFile::new(path.display().to_string(), "");
            render::emit(&file, &[diagnostic], color);
            return ExitCode::FAILURE;
        }
        inputs.push(bytes);
    }
    let key = KeyPair::from_name(&args.peer);
    let init_peer_id = match &args.init_peer {
        Some(name) => KeyPair::from_name(name).peer_id(),
        None => key.peer_id(),
    };
    let defaults = RunOptions::default();
    let params = RunParameters {
        init_peer_id,
        current_peer_id: key.peer_id(),
        particle_id: args.particle_id.clone(),
        timestamp: defaults.timestamp,
        ttl: defaults.ttl,
        key,
        limits: Limits { max_instructions: args.budget.step_budget, ..Limits::default() },
    };
    let invocation = Invocation {
        prev_data: &inputs[0],
        current_data: &inputs[1],
        params: &params,
        verified: None,
    };
    let outcome = invoke(&script, invocation, BTreeMap::new());
    println!("peer {} = {}", args.peer, params.current_peer_id);
    for request in &outcome.call_requests {
        let call_args = Value::Array(request.argument_values());
        println!(
            "call request #{} {}.{}({call_args})",
            request.call_id, request.service_id, request.function_name
        );
    }
    for peer in &outcome.next_peers {
        println!("next peer {peer}");
    }
    println!(
        "ret_code={} err={} data={}B",
        outcome.ret_code,
        Value::from(outcome.error_message.as_str()),
        outcome.data.len()
    );
    if let Some(dir) = &args.save_data {
        let data = BTreeMap::from([(args.peer.clone(), outcome.data)]);
        if let Err(code) = save_data(dir, &data) {
            return code;
        }
    }
    if outcome.ret_code == 0 { ExitCode::SUCCESS } else { ExitCode::FAILURE }
}

fn run_local(path: &Path, args: &AirRunArgs, color: ColorChoice) -> ExitCode {
    let budget = &args.budget;
    let script = match load_script(path, color) {
        Ok(script) => script,
        Err(code) => return code,
    };
    let mut network = Network::with_peers([LOCAL_PEER]);
    let mut options = RunOptions {
        particle_id: "local-particle".into(),
        faults: air_network::Faults { latency_ms: (0, 0), ..Default::default() },
        ..RunOptions::default()
    };
    budget::apply(budget, &mut options);
    let report =
        network.run_with(&script, LOCAL_PEER, None, &options, &mut Vm::default(), &mut |_| {});
    if let Some(dir) = &args.save_data
        && let Err(code) = save_data(dir, &report.final_data)
    {
        return code;
    }
    if let Some(id) = network.id_of(LOCAL_PEER) {
        println!("peer {LOCAL_PEER} = {id}");
    }
    let mut failed = report.stop != Stop::Done;
    for hop in &report.hops {
        for call in &hop.calls {
            failed |= call.unknown_service;
            if call.unknown_service {
                let args = Value::Array(call.args.clone());
                println!(
                    "call #{} {}.{}({args}) -> no such service",
                    call.call_id, call.service, call.function
                );
            } else {
                println!("call #{} {}", call.call_id, describe_call(call));
            }
        }
        for error in &hop.errors {
            failed = true;
            println!("error {}: {}", error.ret_code, error.message);
        }
        for peer in &hop.unreachable {
            println!("not sent: the particle would go to {peer}");
        }
    }
    let data = report.final_data.get(LOCAL_PEER).map_or(0, Vec::len);
    match report.stop {
        Stop::Done => println!("done: {data} bytes of data"),
        Stop::TtlExpired => println!("stopped: the particle's TTL expired"),
        Stop::StepLimit => println!("stopped: the run took too many steps"),
        Stop::InstructionBudget => println!("stopped: the run spent its instruction budget"),
    }
    if let Some(message) = budget::exceeded(budget, &report) {
        eprintln!("error: {message}");
        failed = true;
    }
    if failed { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}
