//! One invocation of the interpreter on one peer: the only place that calls `air_vm`'s step
//! function. Every driver (the scheduler, the scenario driver, a one-peer tool) goes through
//! [`Interpreter::invoke`], so a benchmark can time invocations and a tool can replay one.

use std::collections::BTreeMap;

use air_syntax::Program;
use air_vm::KeptData;
use air_vm::step::{
    CallRequest, CallResult, LocalAnswer, RunParameters, StepInputs, StepOutcome, step,
    step_program_answering,
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

/// The AIR interpreter of `air-vm`. Like a Fluence peer, each simulated peer keeps what its
/// last invocation wrote for a particle, here in decoded form too ([`KeptData`]), so that its
/// next invocation does not decode its own data again; [`Vm::forgetful`] keeps nothing. The
/// decoded form is several times the encoded one, so only the most recently run peers keep it:
/// that covers the revisits that matter (a peer getting its call results back, a local loop).
#[derive(Debug)]
pub struct Vm {
    kept: KeptByPeer,
}

impl Default for Vm {
    /// A VM whose peers keep their decoded data, within [`Vm::DEFAULT_KEPT_BYTES`] and
    /// [`Vm::MAX_KEPT_ENTRIES`].
    fn default() -> Vm {
        Vm::keeping(Vm::DEFAULT_KEPT_BYTES)
    }
}

impl Vm {
    /// The default budget of kept data: the encoded size of the data kept decoded, all peers
    /// together.
    pub const DEFAULT_KEPT_BYTES: usize = 32 << 20;

    /// How many peers (peer and particle) keep their data decoded at most.
    pub const MAX_KEPT_ENTRIES: usize = 16;

    /// A VM whose peers keep the decoded form of their data while the encoded sizes of all
    /// kept data stay within `budget` bytes and at most [`Vm::MAX_KEPT_ENTRIES`] peers keep any
    /// (the least recently used is forgotten first).
    pub fn keeping(budget: usize) -> Vm {
        Vm { kept: KeptByPeer { budget, ..KeptByPeer::default() } }
    }

    /// A VM that decodes every invocation's data, as AquaVM does.
    pub fn forgetful() -> Vm {
        Vm::keeping(0)
    }

    /// How many invocations so far started with their peer's data kept decoded.
    pub fn reuses(&self) -> usize {
        self.kept.reuses
    }

    /// One invocation, on the peer's kept data if it has any, keeping what the step leaves.
    fn run(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
        answer: Option<&mut LocalAnswer<'_>>,
    ) -> StepOutcome {
        let params = invocation.params;
        // The answer's borrows shortened to this call's (the kept entry lives in it).
        let answer = answer.map(|answer| answer as &mut LocalAnswer<'_>);
        let Some(mut entry) = self.kept.take(params) else {
            return invoke_keeping(script, invocation, call_results, answer, None);
        };
        let outcome =
            invoke_keeping(script, invocation, call_results, answer, Some(&mut entry.kept));
        entry.size = outcome.data.len();
        self.kept.put_back(entry);
        outcome
    }
}

/// The kept data of the most recently run peers (by peer id and particle id), least recently
/// used first, within a budget of encoded bytes.
#[derive(Debug, Default)]
struct KeptByPeer {
    entries: Vec<KeptEntry>,
    budget: usize,
    /// Invocations that found their peer's data kept.
    reuses: usize,
}

#[derive(Debug)]
struct KeptEntry {
    peer: String,
    particle: String,
    kept: KeptData,
    /// The encoded size of the kept data.
    size: usize,
}

impl KeptByPeer {
    /// Takes out the entry of the peer and particle of `params` (a new, empty one if there is
    /// none); `None` if nothing is kept at all.
    fn take(&mut self, params: &RunParameters) -> Option<KeptEntry> {
        if self.budget == 0 {
            return None;
        }
        let (peer, particle) = (&params.current_peer_id, &params.particle_id);
        let found = self.entries.iter().position(|e| e.peer == *peer && e.particle == *particle);
        Some(match found {
            Some(at) => {
                self.reuses += 1;
                self.entries.remove(at)
            }
            None => KeptEntry {
                peer: peer.clone(),
                particle: particle.clone(),
                kept: KeptData::new(),
                size: 0,
            },
        })
    }

    /// Puts `entry` back as the most recently used if it keeps anything, then forgets the least
    /// recently used entries while over the budget.
    fn put_back(&mut self, entry: KeptEntry) {
        if !entry.kept.is_empty() {
            self.entries.push(entry);
        }
        let mut total: usize = self.entries.iter().map(|entry| entry.size).sum();
        while total > self.budget || self.entries.len() > Vm::MAX_KEPT_ENTRIES {
            total -= self.entries.remove(0).size;
        }
    }
}

impl Interpreter for Vm {
    fn invoke(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
    ) -> StepOutcome {
        self.run(script, invocation, call_results, None)
    }

    fn invoke_answering(
        &mut self,
        script: &Script,
        invocation: Invocation<'_>,
        call_results: BTreeMap<u32, CallResult>,
        answer: &mut dyn FnMut(&CallRequest) -> Option<CallResult>,
    ) -> StepOutcome {
        self.run(script, invocation, call_results, Some(answer))
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
    invoke_keeping(script, invocation, call_results, None, None)
}

/// [`invoke`] where `answer` may answer new local calls within the invocation (see
/// [`Interpreter::invoke_answering`]).
pub fn invoke_answering<'a>(
    script: &Script,
    invocation: Invocation<'a>,
    call_results: BTreeMap<u32, CallResult>,
    answer: &'a mut LocalAnswer<'a>,
) -> StepOutcome {
    invoke_keeping(script, invocation, call_results, Some(answer), None)
}

/// [`invoke_answering`] with an optional `answer` and the peer's kept data, if it keeps any.
fn invoke_keeping<'a>(
    script: &Script,
    invocation: Invocation<'a>,
    call_results: BTreeMap<u32, CallResult>,
    answer: Option<&'a mut LocalAnswer<'a>>,
    kept: Option<&'a mut KeptData>,
) -> StepOutcome {
    let Invocation { prev_data, current_data, params, verified } = invocation;
    match script {
        Script::Parsed(program) => {
            let known = verified;
            let inputs = StepInputs { prev_data, current_data, params, call_results, known, kept };
            step_program_answering(program, inputs, answer)
        }
        Script::Unparsable(text) => step(text, prev_data, current_data, params, call_results),
    }
}
