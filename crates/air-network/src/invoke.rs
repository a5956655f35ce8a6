//! One invocation of the interpreter on one peer: the only place that calls `air_vm`'s step
//! function. Every driver (the scheduler, the scenario driver, a one-peer tool) goes through
//! [`Interpreter::invoke`], so a benchmark can time invocations and a tool can replay one.

use std::collections::BTreeMap;

use air_syntax::Program;
use air_vm::step::{
    CallRequest, CallResult, LocalAnswer, RunParameters, StepInputs, StepOutcome, step,
    step_program_answering, step_program_with,
};
use air_vm::verify::VerifiedSignatures;

/// A script as the peers run it: parsed once, or kept as text when it does not parse (every
/// invocation then fails with the parser's error, as on AquaVM).
#[derive(Debug, Clone)]
pub enum Script {
    /// A parsed and validated script.
    Parsed(Program),
    /// A script that does not parse or validate, as written.
    Unparsable(String),
}

impl Script {
    /// Parses and validates `text`; a script that fails is kept as text.
    pub fn from_text(text: &str) -> Script {
        match air_syntax::parse_and_validate(text) {
            Ok(program) => Script::Parsed(program),
            Err(_) => Script::Unparsable(text.to_owned()),
        }
    }
}

impl From<Program> for Script {
    fn from(program: Program) -> Script {
        Script::Parsed(program)
    }
}

/// Everything one invocation receives besides the script: AquaVM's `execute_air` inputs.
#[derive(Debug, Clone, Copy)]
pub struct Invocation<'a> {
    /// The data this peer kept from its previous invocation.
    pub prev_data: &'a [u8],
    /// The data that arrived (empty when the peer is woken with call results only).
    pub current_data: &'a [u8],
    /// The particle's and the peer's parameters.
    pub params: &'a RunParameters,
    /// Signatures found valid earlier in this simulated run, if the peers share them.
    pub verified: Option<&'a VerifiedSignatures>,
}

/// Runs the interpreter for a peer. [`Vm`] is the interpreter itself; a benchmark wraps it to
/// time each invocation, a tool to record them.
pub trait Interpreter {
    /// Runs one invocation with the results of the calls the previous one asked for.
    fn invoke(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
    ) -> StepOutcome;

    /// [`Interpreter::invoke`] where `answer` may answer new local calls within the invocation,
    /// with exactly the outcome of requesting them and invoking again with their results (see
    /// [`air_vm::step::step_program_answering`]). By default every call is requested.
    fn invoke_answering(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
        answer: &mut dyn FnMut(&CallRequest) -> Option<CallResult>,
    ) -> StepOutcome {
        let _ = answer;
        self.invoke(script, invocation, call_results)
    }
}

/// The AIR interpreter of `air-vm`.
#[derive(Debug, Clone, Copy, Default)]
pub struct Vm;

impl Interpreter for Vm {
    fn invoke(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
    ) -> StepOutcome {
        invoke(script, invocation, call_results)
    }

    fn invoke_answering(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
        answer: &mut dyn FnMut(&CallRequest) -> Option<CallResult>,
    ) -> StepOutcome {
        invoke_answering(script, invocation, call_results, answer)
    }
}

/// Checks that `bytes` are well-formed particle data (empty data is), before handing them to an
/// invocation: a tool can then say which of its inputs is broken, and how.
pub fn check_data(bytes: &[u8]) -> Result<(), air_vm::error::DataError> {
    air_vm::data::decode(bytes).map(|_| ())
}

/// The one-peer, one-particle entry point: previous data, current data and call results in,
/// the step's outcome out (new data, call requests, next peers, return code).
pub fn invoke(
    script: &Script,
    invocation: Invocation<'_>,
    call_results: BTreeMap<u32, CallResult>,
) -> StepOutcome {
    let Invocation { prev_data, current_data, params, verified } = invocation;
    match script {
        Script::Parsed(program) => {
            step_program_with(program, prev_data, current_data, params, call_results, verified)
        }
        Script::Unparsable(text) => step(text, prev_data, current_data, params, call_results),
    }
}

/// [`invoke`] where `answer` may answer new local calls within the invocation (see
/// [`Interpreter::invoke_answering`]).
pub fn invoke_answering<'a>(
    script: &Script,
    invocation: Invocation<'a>,
    call_results: BTreeMap<u32, CallResult>,
    answer: &'a mut LocalAnswer<'a>,
) -> StepOutcome {
    let Invocation { prev_data, current_data, params, verified } = invocation;
    match script {
        Script::Parsed(program) => {
            let inputs =
                StepInputs { prev_data, current_data, params, call_results, known: verified };
            step_program_answering(program, inputs, Some(answer))
        }
        Script::Unparsable(text) => step(text, prev_data, current_data, params, call_results),
    }
}
