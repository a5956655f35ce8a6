//! Decode / re-encode AquaVM 0.62 particle data (msgpack envelope around an rkyv 0.7 archive,
//! size_32 + archive_be), so that the trace can be edited.
//!
//! tamper dump IN                 -> prints {"versions":..., "trace":..., "lcid":..., "cid_info":..., "signatures":...} as JSON
//! tamper trace IN                -> prints only the trace as JSON
//! tamper set-trace IN TRACE.json OUT -> replaces the trace (JSON, same format as `trace`) keeping everything else
//! tamper roundtrip IN OUT        -> decode and re-encode unchanged
use air_interpreter_data::{ExecutionTrace, ExecutedState, InterpreterData, InterpreterDataEnvelope};
use std::borrow::Cow;

fn load(path: &str) -> (air_interpreter_data::Versions, InterpreterData) {
    let bytes = std::fs::read(path).expect("read input");
    let env = InterpreterDataEnvelope::try_from_slice(&bytes).expect("envelope");
    let data = InterpreterData::try_from_slice(&env.inner_data).expect("inner rkyv data");
    (env.versions, data)
}

fn store(path: &str, versions: air_interpreter_data::Versions, data: &InterpreterData) {
    let inner = data.serialize().expect("rkyv serialize");
    let env = InterpreterDataEnvelope { versions, inner_data: Cow::Owned(inner) };
    let bytes = env.serialize().expect("msgpack serialize");
    std::fs::write(path, bytes).expect("write output");
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    match args.get(1).map(String::as_str) {
        Some("dump") => {
            let (v, d) = load(&args[2]);
            let out = serde_json::json!({ "versions": v, "data": d });
            println!("{}", serde_json::to_string_pretty(&out).unwrap());
        }
        Some("trace") => {
            let (_, d) = load(&args[2]);
            println!("{}", serde_json::to_string(&d.trace).unwrap());
        }
        Some("set-trace") => {
            let (v, mut d) = load(&args[2]);
            let text = std::fs::read_to_string(&args[3]).expect("read trace json");
            let states: Vec<ExecutedState> = serde_json::from_str(&text).expect("trace json");
            d.trace = ExecutionTrace::from(states);
            store(&args[4], v, &d);
        }
        Some("roundtrip") => {
            let (v, d) = load(&args[2]);
            store(&args[3], v, &d);
        }
        _ => {
            eprintln!("usage: tamper dump|trace IN | set-trace IN TRACE.json OUT | roundtrip IN OUT");
            std::process::exit(2);
        }
    }
}
