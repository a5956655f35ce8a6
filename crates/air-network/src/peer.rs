//! What a peer does with an arriving particle, written once for every driver: invoke the
//! interpreter, make the service calls it asks for, feed their results back and invoke again,
//! until it asks for no more calls; then the particle goes to the peers it named.
//!
//! A reply may come later (`peer.timeout`, a slow service): the peer goes on with the results it
//! has, and the driver invokes it again when the reply is due ([`Handled::later`]).

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use air_vm::error::{FatalError, VmError};
use air_vm::step::{CallRequest, CallResult, RunParameters};
use air_vm::value::JValue;
use air_vm::verify::VerifiedSignatures;

use crate::invoke::{Interpreter, Invocation, Script};
use crate::services::TimedReply;

/// One service call made on a peer, with its answer: the one call record of every driver,
/// serialised in the reference oracle's shape.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CallRecord {
    /// The peer's name.
    pub peer: String,
    /// The service id.
    pub service: String,
    /// The function.
    pub function: String,
    /// The arguments.
    pub args: Vec<JValue>,
    /// 0, or the service's error code.
    pub ret_code: i32,
    /// The result, or the error message.
    pub result: JValue,
    /// The id the interpreter gave the call (not part of the oracle's shape).
    #[serde(skip)]
    pub call_id: u32,
    /// Whether the peer has no service with this id (not part of the oracle's shape).
    #[serde(skip)]
    pub unknown_service: bool,
    /// The `call` instruction's span in the script (see `CallRequest::span`; not part of the
    /// oracle's shape).
    #[serde(skip)]
    pub span: air_syntax::Span,
}

impl CallRecord {
    /// The call's answer as the interpreter receives it.
    pub fn call_result(&self) -> CallResult {
        CallResult { ret_code: self.ret_code, result: self.result.to_string() }
    }
}

/// An invocation that did not return 0: its code and message.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct StepError {
    /// The interpreter's return code.
    pub ret_code: i64,
    /// Its message.
    pub message: String,
}

impl StepError {
    /// Whether the step was stopped by its instruction budget (`Limits::max_instructions`).
    pub fn is_instruction_limit(&self) -> bool {
        self.ret_code == FatalError::InstructionLimit(0).code()
    }
}

/// A call whose answer arrives `after_ms` of simulated time after it was made.
#[derive(Debug, Clone, PartialEq)]
pub struct Later {
    /// The call and its answer.
    pub call: CallRecord,
    /// The delay in ms.
    pub after_ms: u64,
}

/// The peer, the script and how to run it: what stays the same across a peer's invocations.
pub struct PeerRun<'a> {
    /// The peer's name, for the call records.
    pub peer: &'a str,
    /// The script.
    pub script: &'a Script,
    /// The particle's and the peer's parameters.
    pub params: &'a RunParameters,
    /// The interpreter.
    pub interpreter: &'a mut dyn Interpreter,
    /// Signatures found valid earlier in the run, if the peers share them.
    pub verified: Option<&'a VerifiedSignatures>,
    /// The most invocations this particle may take here.
    pub max_steps: usize,
    /// The most instructions these invocations may execute together (the rest of the run's
    /// budget).
    pub max_instructions: u64,
    /// Whether calls answered at once are answered within the invocation that makes them,
    /// where that gives exactly the outcome of the round trip (one invocation per result
    /// otherwise).
    pub answer_inline: bool,
}

/// What the peer did with the particle.
#[derive(Debug, Clone, Default)]
pub struct Handled {
    /// The data the peer keeps and sends on.
    pub data: Vec<u8>,
    /// The calls answered at once, in the order they were made.
    pub calls: Vec<CallRecord>,
    /// The calls whose answers arrive later.
    pub later: Vec<Later>,
    /// The invocations that failed.
    pub errors: Vec<StepError>,
    /// The peer ids the particle goes to next (this peer's own id included, if named).
    pub next_peers: BTreeSet<String>,
    /// For each peer id of `next_peers`, the span of the first instruction that sent the
    /// particle there.
    pub sent_by: BTreeMap<String, air_syntax::Span>,
    /// Invocations run.
    pub steps: usize,
    /// Instructions the invocations executed.
    pub instructions: u64,
    /// Whether the peer stopped with calls still to make because a budget (steps or
    /// instructions) ran out.
    pub cut_short: bool,
}

/// Handles a particle: `current_data` arrived (empty for a wake-up), `call_results` are answers
/// that were due (a wake-up's), `answer` answers each call the interpreter asks for, given its
/// arguments read as JSON values (once a call: the record keeps them).
pub fn handle_particle(
    run: PeerRun<'_>,
    prev_data: Vec<u8>,
    current_data: Vec<u8>,
    call_results: BTreeMap<u32, CallResult>,
    answer: &mut dyn FnMut(&CallRequest, &[JValue]) -> TimedReply,
) -> Handled {
    let PeerRun {
        peer,
        script,
        params,
        interpreter,
        verified,
        max_steps,
        max_instructions,
        answer_inline,
    } = run;
    let mut handled = Handled { data: prev_data, ..Handled::default() };
    let mut current = current_data;
    let mut results = call_results;
    // Replies made for an inline answer but not taken there (late or too large): the call is
    // requested as usual and gets this reply, without asking the service twice.
    let mut held: BTreeMap<u32, TimedReply> = BTreeMap::new();
    // Results answered inline by an invocation that then failed fatally, for the round trips
    // that replace it.
    let mut replies: BTreeMap<u32, CallResult> = BTreeMap::new();
    let mut inline_now = answer_inline;
    loop {
        handled.steps += 1;
        let invocation =
            Invocation { prev_data: &handled.data, current_data: &current, params, verified };
        let outcome = if inline_now {
            let given = results.clone();
            let mut answered = BTreeMap::new();
            let calls = &mut handled.calls;
            let limit = params.limits.call_result_size;
            let mut inline = |request: &CallRequest| {
                let args = request.argument_values();
                let reply = answer(request, &args);
                let result = CallResult {
                    ret_code: reply.reply.ret_code,
                    result: reply.reply.result.to_string(),
                };
                if reply.after_ms != 0 || result.result.len() as u64 > limit {
                    held.insert(request.call_id, reply);
                    return None;
                }
                calls.push(record(peer, request, args, reply));
                answered.insert(request.call_id, result.clone());
                Some(result)
            };
            let outcome = interpreter.invoke_answering(script, invocation, results, &mut inline);
            if !answered.is_empty() && matches!(outcome.error, Some(VmError::Fatal(_))) {
                // The round trip keeps the data of the invocation before the failing one: take
                // that path from here, with the answers already made.
                handled.steps -= 1;
                replies = answered;
                results = given;
                inline_now = false;
                continue;
            }
            outcome
        } else {
            interpreter.invoke(script, invocation, results)
        };
        handled.instructions += outcome.instructions;
        if outcome.ret_code != 0 {
            let error = StepError { ret_code: outcome.ret_code, message: outcome.error_message };
            handled.errors.push(error);
        }
        for (id, span) in outcome.next_peers.iter().zip(&outcome.next_peer_spans) {
            handled.sent_by.entry(id.clone()).or_insert(*span);
        }
        handled.next_peers.extend(outcome.next_peers);
        handled.data = outcome.data;
        if outcome.call_requests.is_empty() {
            return handled;
        }
        if handled.steps >= max_steps || handled.instructions >= max_instructions {
            handled.cut_short = true;
            return handled;
        }
        let mut requests = outcome.call_requests;
        requests.sort_by_key(|request| request.call_id);
        results = BTreeMap::new();
        for request in requests {
            if let Some(result) = replies.remove(&request.call_id) {
                results.insert(request.call_id, result);
                continue;
            }
            let args = request.argument_values();
            let timed = match held.remove(&request.call_id) {
                Some(timed) => timed,
                None => answer(&request, &args),
            };
            let after_ms = timed.after_ms;
            let call = record(peer, &request, args, timed);
            if after_ms == 0 {
                results.insert(call.call_id, call.call_result());
                handled.calls.push(call);
            } else {
                handled.later.push(Later { call, after_ms });
            }
        }
        if results.is_empty() {
            return handled;
        }
        current = Vec::new();
    }
}

/// The record of `request`, whose arguments are `args`, answered on `peer` with `timed`.
fn record(peer: &str, request: &CallRequest, args: Vec<JValue>, timed: TimedReply) -> CallRecord {
    let TimedReply { reply, unknown_service, .. } = timed;
    CallRecord {
        peer: peer.to_owned(),
        service: request.service_id.clone(),
        function: request.function_name.clone(),
        args,
        ret_code: reply.ret_code,
        result: reply.result,
        call_id: request.call_id,
        unknown_service,
        span: request.span,
    }
}
