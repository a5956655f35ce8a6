//! Prints every step and call of a scenario file: a debugging aid.

#![allow(clippy::disallowed_methods)]

use air_vm::scenario::{Event, RunOptions, Scenario, run_scenario_with};

fn main() {
    let path = std::env::args().nth(1).expect("usage: trace_scenario FILE");
    let text = std::fs::read_to_string(path).expect("readable file");
    let scenario = Scenario::from_json(&text).expect("valid scenario");
    let summary = run_scenario_with(&scenario, RunOptions::default(), &mut |event| match event {
        Event::Step { peer, outcome, next, .. } => eprintln!(
            "[{peer}] ret_code={} err={:?} next={next:?} data={}B",
            outcome.ret_code,
            outcome.error_message,
            outcome.data.len()
        ),
        Event::Call(call, id) => eprintln!(
            "  [{}] call #{id} {}.{}({}) -> {} {}",
            call.peer,
            call.service,
            call.function,
            serde_json::Value::Array(call.args.clone()),
            call.ret_code,
            call.result
        ),
    })
    .expect("scenario runs");
    eprintln!("{}", summary.to_json());
}
