//! The scenario driver: runs a script over simulated peers with mocked services, as the reference
//! oracle (`reference/oracle.mjs`) does, and summarises the run in the oracle's `--json` shape.
//!
//! Peers are named by strings, with ed25519 seeds `sha256(name)`; `@name@` in the script becomes
//! that peer's id. Particles are delivered first in, first out; a step's next peers are queued in
//! name order. Mocks are looked up as `peer/service/function`, `*/service/function`, then
//! `*/service/*`; `math` and `cmp` calls no mock covers are computed. The driver does no IO.

use std::collections::{BTreeMap, BTreeSet, HashMap, VecDeque};

use crate::builtins;
use crate::signature::KeyPair;
use crate::step::{
    CallRequest, CallResult, Limits, RunParameters, StepOutcome, step, step_program,
};
use crate::value::JValue;

/// A scenario in the reference format.
#[derive(Debug, Clone)]
pub struct Scenario {
    /// The script, with `@name@` placeholders.
    pub air: String,
    /// The peer that starts the particle.
    pub init_peer: String,
    /// Every peer, by name.
    pub peers: Vec<String>,
    /// The particle id.
    pub particle_id: String,
    /// The particle's timestamp in ms.
    pub timestamp: u64,
    /// The particle's ttl in ms.
    pub ttl: u32,
    /// Mocked services: `"peer|*/service/function|*"` to a result template.
    pub services: BTreeMap<String, JValue>,
}

impl Scenario {
    /// Reads a scenario from its JSON text.
    pub fn from_json(text: &str) -> Result<Scenario, String> {
        let json: JValue = serde_json::from_str(text).map_err(|error| error.to_string())?;
        let text_field = |name: &str| json.get(name).and_then(JValue::as_str).map(str::to_owned);
        let air = text_field("air").ok_or("the scenario has no \"air\" string")?;
        let peers: Vec<String> = match json.get("peers") {
            Some(JValue::Array(peers)) => {
                peers.iter().filter_map(JValue::as_str).map(str::to_owned).collect()
            }
            _ => return Err("the scenario has no \"peers\" array".into()),
        };
        let init_peer = text_field("init_peer").or_else(|| peers.first().cloned());
        let init_peer = init_peer.ok_or("the scenario has no \"init_peer\"")?;
        if !peers.contains(&init_peer) {
            return Err(format!("init peer {init_peer} is not among the peers"));
        }
        let services = match json.get("services") {
            Some(JValue::Object(map)) => map.clone().into_iter().collect(),
            _ => BTreeMap::new(),
        };
        Ok(Scenario {
            air,
            init_peer,
            peers,
            particle_id: text_field("particle_id").unwrap_or_else(|| "particle-1".into()),
            timestamp: json.get("timestamp").and_then(JValue::as_u64).unwrap_or(1_700_000_000_000),
            ttl: json.get("ttl").and_then(JValue::as_u64).map_or(60_000, |ttl| ttl as u32),
            services,
        })
    }
}

/// One service call of a run.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRecord {
    /// The peer's name.
    pub peer: String,
    /// The service.
    pub service: String,
    /// The function.
    pub function: String,
    /// The arguments.
    pub args: Vec<JValue>,
    /// 0 or the service's error code.
    pub ret_code: i32,
    /// The result, or the error message.
    pub result: JValue,
}

/// A step that did not return 0.
#[derive(Debug, Clone, PartialEq)]
pub struct ErrorRecord {
    /// The peer's name.
    pub peer: String,
    /// The code.
    pub ret_code: i64,
    /// The message.
    pub message: String,
}

/// The summary of a run, in the oracle's `--json` shape.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Summary {
    /// Peer ids by name.
    pub peers: BTreeMap<String, String>,
    /// Every call, in order.
    pub calls: Vec<CallRecord>,
    /// Particles delivered.
    pub hops: usize,
    /// Steps that failed.
    pub errors: Vec<ErrorRecord>,
    /// The size of each peer's final data.
    pub data_bytes: BTreeMap<String, usize>,
    /// Total interpreter time (sum of step durations), not part of the JSON.
    pub step_time: std::time::Duration,
    /// Number of step invocations, not part of the JSON.
    pub invocations: usize,
}

impl Summary {
    /// The summary as compact JSON with the oracle's key order.
    pub fn to_json(&self) -> String {
        let calls: Vec<String> = self.calls.iter().map(|call| {
            format!(
                "{{\"peer\":{},\"service\":{},\"function\":{},\"args\":{},\"ret_code\":{},\"result\":{}}}",
                JValue::from(call.peer.as_str()),
                JValue::from(call.service.as_str()),
                JValue::from(call.function.as_str()),
                JValue::Array(call.args.clone()),
                call.ret_code,
                call.result
            )
        }).collect();
        let errors: Vec<String> = self
            .errors
            .iter()
            .map(|error| {
                format!(
                    "{{\"peer\":{},\"ret_code\":{},\"message\":{}}}",
                    JValue::from(error.peer.as_str()),
                    error.ret_code,
                    JValue::from(error.message.as_str())
                )
            })
            .collect();
        let peers = serde_json::to_string(&self.peers).unwrap_or_default();
        let data_bytes = serde_json::to_string(&self.data_bytes).unwrap_or_default();
        format!(
            "{{\"peers\":{peers},\"calls\":[{}],\"hops\":{},\"errors\":[{}],\"data_bytes\":{data_bytes}}}",
            calls.join(","),
            self.hops,
            errors.join(",")
        )
    }
}

/// What happened during a run, for printing.
#[derive(Debug, Clone)]
pub enum Event<'a> {
    /// A step finished.
    Step {
        /// The peer's name.
        peer: &'a str,
        /// The outcome.
        outcome: &'a StepOutcome,
        /// Next peers by name.
        next: Vec<String>,
        /// How long the step took.
        time: std::time::Duration,
    },
    /// A service call was answered.
    Call(&'a CallRecord, u32),
}

/// Options of a run.
#[derive(Debug, Clone, Copy)]
pub struct RunOptions {
    /// The most particles delivered.
    pub max_hops: usize,
    /// Size limits of every step.
    pub limits: Limits,
}

impl Default for RunOptions {
    fn default() -> Self {
        RunOptions { max_hops: 10_000, limits: Limits::default() }
    }
}

/// Compares the calls of two summaries in the oracle's JSON shape (`{"calls": [...]}`) as
/// multisets, which is what conformance means for calls: `Err` lists the calls missing and extra.
pub fn compare_calls(expected: &JValue, ours: &JValue) -> Result<(), String> {
    let multiset = |summary: &JValue| {
        let calls = summary["calls"].as_array().into_iter().flatten();
        let mut calls: Vec<String> = calls.map(JValue::to_string).collect();
        calls.sort();
        calls
    };
    let (want, got) = (multiset(expected), multiset(ours));
    if want == got {
        return Ok(());
    }
    let missing: Vec<_> = want.iter().filter(|call| !got.contains(call)).collect();
    let extra: Vec<_> = got.iter().filter(|call| !want.contains(call)).collect();
    Err(format!("calls differ\n  missing: {missing:#?}\n  extra: {extra:#?}"))
}

/// Runs a scenario to the end and returns its summary.
pub fn run_scenario(scenario: &Scenario) -> Result<Summary, String> {
    run_scenario_with(scenario, RunOptions::default(), &mut |_| {})
}

/// Runs a scenario, reporting every step and call to `observe`.
pub fn run_scenario_with(
    scenario: &Scenario,
    options: RunOptions,
    observe: &mut dyn FnMut(Event<'_>),
) -> Result<Summary, String> {
    let keys: BTreeMap<&str, KeyPair> =
        scenario.peers.iter().map(|name| (name.as_str(), KeyPair::from_name(name))).collect();
    let ids: BTreeMap<&str, String> =
        keys.iter().map(|(name, key)| (*name, key.peer_id())).collect();
    let names: HashMap<&str, &str> = ids.iter().map(|(name, id)| (id.as_str(), *name)).collect();
    let mut air = scenario.air.clone();
    for (name, id) in &ids {
        air = air.replace(&format!("@{name}@"), id);
    }
    // A script that does not parse fails every step with code 1, as on AquaVM.
    let program = air_syntax::parse_and_validate(&air).ok();
    let mut summary = Summary {
        peers: ids.iter().map(|(name, id)| ((*name).to_owned(), id.clone())).collect(),
        ..Summary::default()
    };
    let mut prev: HashMap<&str, Vec<u8>> = HashMap::new();
    let mut queue: VecDeque<(&str, Vec<u8>)> = VecDeque::new();
    queue.push_back((scenario.init_peer.as_str(), Vec::new()));
    while let Some((peer, data)) = queue.pop_front() {
        if summary.hops >= options.max_hops {
            break;
        }
        summary.hops += 1;
        let Some(key) = keys.get(peer) else { continue };
        let params = RunParameters {
            init_peer_id: ids.get(scenario.init_peer.as_str()).cloned().unwrap_or_default(),
            current_peer_id: ids.get(peer).cloned().unwrap_or_default(),
            particle_id: scenario.particle_id.clone(),
            timestamp: scenario.timestamp,
            ttl: scenario.ttl,
            key: key.clone(),
            limits: options.limits,
        };
        let mut prev_data = prev.remove(peer).unwrap_or_default();
        let mut current = data;
        let mut results = BTreeMap::new();
        let mut next: BTreeSet<String> = BTreeSet::new();
        loop {
            let started = std::time::Instant::now();
            let outcome = match &program {
                Some(program) => step_program(program, &prev_data, &current, &params, results),
                None => step(&air, &prev_data, &current, &params, results),
            };
            let time = started.elapsed();
            summary.step_time += time;
            summary.invocations += 1;
            if outcome.ret_code != 0 {
                summary.errors.push(ErrorRecord {
                    peer: peer.to_owned(),
                    ret_code: outcome.ret_code,
                    message: outcome.error_message.clone(),
                });
            }
            let next_names: Vec<String> = outcome
                .next_peers
                .iter()
                .map(|id| names.get(id.as_str()).map_or(id.clone(), |name| (*name).to_owned()))
                .collect();
            observe(Event::Step { peer, outcome: &outcome, next: next_names, time });
            next.extend(outcome.next_peers.iter().cloned());
            prev_data = outcome.data;
            if outcome.call_requests.is_empty() {
                break;
            }
            let mut requests = outcome.call_requests;
            requests.sort_by_key(|request| request.call_id);
            results = BTreeMap::new();
            for request in requests {
                let record = answer(scenario, &ids, peer, &params, &request);
                observe(Event::Call(&record, request.call_id));
                let result_text = record.result.to_string();
                results.insert(
                    request.call_id,
                    CallResult { ret_code: record.ret_code, result: result_text },
                );
                summary.calls.push(record);
            }
            current = Vec::new();
        }
        summary.data_bytes.insert(peer.to_owned(), prev_data.len());
        let mut targets: Vec<(&str, String)> = next
            .into_iter()
            .filter_map(|id| names.get(id.as_str()).map(|name| (*name, id)))
            .collect();
        targets.sort();
        for (name, _) in targets {
            if name != peer {
                queue.push_back((name, prev_data.clone()));
            }
        }
        prev.insert(peer, prev_data);
    }
    Ok(summary)
}

fn answer(
    scenario: &Scenario,
    ids: &BTreeMap<&str, String>,
    peer: &str,
    params: &RunParameters,
    request: &CallRequest,
) -> CallRecord {
    let (service, function) = (&request.service_id, &request.function_name);
    let keys = [
        format!("{peer}/{service}/{function}"),
        format!("*/{service}/{function}"),
        format!("*/{service}/*"),
    ];
    let mock = keys.iter().find_map(|key| scenario.services.get(key));
    let args = &request.arguments;
    let (ret_code, result) = match mock {
        Some(template) => {
            let value = substitute(template, args, ids);
            match value.get("$error") {
                Some(code) if value.is_object() => {
                    let code = code.as_i64().map_or(1, |code| code as i32);
                    (code, value.get("message").cloned().unwrap_or(JValue::Null))
                }
                _ => (0, value),
            }
        }
        None => match builtins::math_cmp(service, function, args) {
            Some(Ok(value)) => (0, value),
            Some(Err((code, message))) => (code, message),
            None => {
                let _ = params;
                (1, JValue::String(format!("service {service}.{function} not found on {peer}")))
            }
        },
    };
    CallRecord {
        peer: peer.to_owned(),
        service: service.clone(),
        function: function.clone(),
        args: args.clone(),
        ret_code,
        result,
    }
}

/// Fills a mock template: `$peer:NAME`, `$args`, `$arg0` and `{arg0}` in strings.
fn substitute(template: &JValue, args: &[JValue], ids: &BTreeMap<&str, String>) -> JValue {
    match template {
        JValue::String(text) => {
            if let Some(name) = text.strip_prefix("$peer:") {
                return ids.get(name).map_or(JValue::Null, |id| JValue::String(id.clone()));
            }
            if text == "$args" {
                return JValue::Array(args.to_vec());
            }
            if text == "$arg0" {
                return args.first().cloned().unwrap_or(JValue::Null);
            }
            if text.contains("{arg0}") {
                let arg0 = match args.first() {
                    Some(JValue::String(arg)) => arg.clone(),
                    Some(other) => other.to_string(),
                    None => "\"\"".to_owned(),
                };
                return JValue::String(text.replace("{arg0}", &arg0));
            }
            template.clone()
        }
        JValue::Array(items) => {
            JValue::Array(items.iter().map(|item| substitute(item, args, ids)).collect())
        }
        JValue::Object(map) => JValue::Object(
            map.iter().map(|(key, value)| (key.clone(), substitute(value, args, ids))).collect(),
        ),
        other => other.clone(),
    }
}
