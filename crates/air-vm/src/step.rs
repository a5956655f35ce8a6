//! The step function: what a peer runs when a particle arrives, with AquaVM's contract.
//!
//! [`step`] takes the script, the data this peer kept, the data that arrived, the run parameters
//! and the results of the calls it asked for; it returns the new data, the calls to make, the
//! peers to send the particle to and a return code. It is pure and deterministic: no clock, no
//! randomness, no IO. Recursive parts (fold recursion, deep traces) grow the stack on demand
//! (`stacker`), so deep scripts and data never overflow the caller's stack.

use std::collections::BTreeMap;

use air_syntax::Program;

use crate::data::{self, Held, ParticleData};
use crate::error::{FarewellError, PreparationError, VmError};
pub use crate::exec::LocalAnswer;
use crate::exec::{self, ExecError, ExecInput, ExecParams};
use crate::kept::{Kept, KeptData};
use crate::placed::{PeerResults, collect_carried, group_results, placed_digests, visit_carried};
pub use crate::request::{Argument, CallRequest, CallResult};
use crate::signature::KeyPair;
use crate::value::Hash;
use crate::verify::{VerifiedSignatures, verify_incoming};

/// Limits of a step: sizes in bytes, and the work one step may do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// The largest script.
    pub air_size: u64,
    /// The largest incoming data.
    pub particle_size: u64,
    /// The largest single call result.
    pub call_result_size: u64,
    /// The most instructions one step may execute (replayed ones included); more ends the step
    /// with [`FatalError::InstructionLimit`](crate::error::FatalError::InstructionLimit).
    pub max_instructions: u64,
}

impl Default for Limits {
    /// AquaVM's defaults: 16 MiB scripts, 64 MiB data, 32 MiB call results; and ours: 100
    /// million instructions a step (AquaVM has no such limit).
    fn default() -> Self {
        Limits {
            air_size: 16 << 20,
            particle_size: 64 << 20,
            call_result_size: 32 << 20,
            max_instructions: DEFAULT_MAX_INSTRUCTIONS,
        }
    }
}

/// The default of [`Limits::max_instructions`]: far above what any real script needs in one step
/// (a 10,000-hop chain replays about 50,000), low enough to stop a runaway one in seconds.
pub const DEFAULT_MAX_INSTRUCTIONS: u64 = 100_000_000;

/// The parameters of one step.
#[derive(Debug, Clone)]
pub struct RunParameters {
    /// The peer that started the particle (`%init_peer_id%`).
    pub init_peer_id: String,
    /// The peer running this step.
    pub current_peer_id: String,
    /// The particle id; signatures are bound to it.
    pub particle_id: String,
    /// The particle's creation time in ms (`%timestamp%`).
    pub timestamp: u64,
    /// The particle's time to live in ms (`%ttl%`).
    pub ttl: u32,
    /// The current peer's key pair; its peer id must be `current_peer_id`.
    pub key: KeyPair,
    /// The size limits.
    pub limits: Limits,
}

/// What a step returns.
#[derive(Debug, Clone, PartialEq)]
pub struct StepOutcome {
    /// 0 on success, else the error's code.
    pub ret_code: i64,
    /// The error's message, empty on success.
    pub error_message: String,
    /// The error, if any.
    pub error: Option<VmError>,
    /// The new data to keep and to send on.
    pub data: Vec<u8>,
    /// The peers to send the particle to, sorted.
    pub next_peers: Vec<String>,
    /// Parallel to `next_peers`: the span in the script of the first instruction that sends
    /// the particle to each (a call on that peer, or a canon there: a hop), so a host can tell
    /// which code moved the particle (source maps).
    pub next_peer_spans: Vec<air_syntax::Span>,
    /// The calls to make on this peer.
    pub call_requests: Vec<CallRequest>,
    /// Instructions executed (replayed ones included), the step's share of a run's budget.
    pub instructions: u64,
}

/// Parses `script` and runs one step.
pub fn step(
    script: &str,
    prev_data: &[u8],
    current_data: &[u8],
    params: &RunParameters,
    call_results: BTreeMap<u32, CallResult>,
) -> StepOutcome {
    if script.len() as u64 > params.limits.air_size {
        let error = PreparationError::SizeLimit {
            what: "air",
            size: script.len() as u64,
            limit: params.limits.air_size,
        };
        return failed(prev_data, error.into());
    }
    match air_syntax::parse_and_validate(script) {
        Ok(program) => step_program(&program, prev_data, current_data, params, call_results),
        Err(error) => failed(prev_data, PreparationError::AirParse(error.to_string()).into()),
    }
}

/// Runs one step of an already parsed and validated program.
pub fn step_program(
    program: &Program,
    prev_data: &[u8],
    current_data: &[u8],
    params: &RunParameters,
    call_results: BTreeMap<u32, CallResult>,
) -> StepOutcome {
    step_program_with(program, prev_data, current_data, params, call_results, None)
}

/// [`step_program`] that skips signatures `known` has already found valid, and adds the ones it
/// verifies (a host shares one set among the peers it simulates).
pub fn step_program_with(
    program: &Program,
    prev_data: &[u8],
    current_data: &[u8],
    params: &RunParameters,
    call_results: BTreeMap<u32, CallResult>,
    known: Option<&VerifiedSignatures>,
) -> StepOutcome {
    let inputs = StepInputs { prev_data, current_data, params, call_results, known, kept: None };
    step_program_answering(program, inputs, None)
}

/// The inputs of [`step_program_answering`]: those of [`step_program_with`].
#[derive(Debug)]
pub struct StepInputs<'a> {
    /// The data this peer kept from its previous step.
    pub prev_data: &'a [u8],
    /// The data that arrived.
    pub current_data: &'a [u8],
    /// The run parameters.
    pub params: &'a RunParameters,
    /// The results of the calls the previous step requested.
    pub call_results: BTreeMap<u32, CallResult>,
    /// Signatures already found valid, if the host shares them.
    pub known: Option<&'a VerifiedSignatures>,
    /// This peer's kept data, if it keeps the decoded form of its data between steps (see
    /// [`KeptData`]): used when `prev_data` is what it was written as, replaced by this step's.
    pub kept: Option<&'a mut KeptData>,
}

/// [`step_program_with`] where `answer` may answer new local calls within the step.
///
/// A call is answered inline only where the outcome is exactly that of requesting it, getting
/// `answer`'s result back and running the next step with it (the same data, byte for byte, and
/// the same later requests); elsewhere, and when `answer` declines, the call is requested as
/// usual. `answer` must return only results the host would pass back (within
/// [`Limits::call_result_size`], ready at once).
pub fn step_program_answering<'a>(
    program: &Program,
    inputs: StepInputs<'a>,
    answer: Option<&'a mut LocalAnswer<'a>>,
) -> StepOutcome {
    let StepInputs { prev_data, current_data, params, call_results, known, mut kept } = inputs;
    let reused = kept.as_deref_mut().and_then(|kept| kept.take_for(prev_data));
    let inputs = Incoming { prev_data, current_data, call_results: &call_results, known };
    match prepare(inputs, params, reused) {
        Ok((prev, current, signatures)) => {
            let prepared = Prepared { prev, current, signatures, call_results };
            execute(program, prepared, prev_data, params, answer, kept)
        }
        Err(error) => failed(prev_data, error.into()),
    }
}

/// What arrived for a step, as [`prepare`] checks it.
struct Incoming<'a> {
    prev_data: &'a [u8],
    current_data: &'a [u8],
    call_results: &'a BTreeMap<u32, CallResult>,
    known: Option<&'a VerifiedSignatures>,
}

/// Decoded and verified inputs, ready to execute.
struct Prepared {
    prev: ParticleData,
    current: ParticleData,
    signatures: BTreeMap<String, [u8; 64]>,
    call_results: BTreeMap<u32, CallResult>,
}

type Decoded = (ParticleData, ParticleData, BTreeMap<String, [u8; 64]>);

/// Checks the sizes and the key, decodes the data (the previous data from `reused`, its kept
/// form, when given) and verifies the incoming signatures.
fn prepare(
    incoming: Incoming<'_>,
    params: &RunParameters,
    reused: Option<Kept>,
) -> Result<Decoded, PreparationError> {
    let Incoming { prev_data, current_data, call_results, known } = incoming;
    let limit = params.limits.particle_size;
    if current_data.len() as u64 > limit {
        let size = current_data.len() as u64;
        return Err(PreparationError::SizeLimit { what: "particle data", size, limit });
    }
    for result in call_results.values() {
        let (size, limit) = (result.result.len() as u64, params.limits.call_result_size);
        if size > limit {
            return Err(PreparationError::SizeLimit { what: "call result", size, limit });
        }
    }
    if params.key.peer_id_str() != params.current_peer_id {
        return Err(PreparationError::MalformedKeyPair(params.current_peer_id.clone()));
    }
    let (prev, prev_results, (current, current_results)) = match reused {
        Some(Kept { data: prev, results, values, .. }) => {
            // With nothing arrived, there is nothing to share the held values with.
            let current = if current_data.is_empty() {
                (ParticleData::default(), Default::default())
            } else {
                data::decode_arrived(current_data, &Held::new(values, &prev.trace))?
            };
            (prev, results, current)
        }
        None => {
            let (prev, held, placed) = data::decode_held(prev_data)?;
            // First: the visit leaves each held result's digest at its place, where the arrived
            // data's check of its own digests finds those of the results it shares (and the
            // step's own visit of its new trace). With nothing arrived, no signature is checked
            // against the held results, so they are not grouped by peer.
            let results = if current_data.is_empty() {
                visit_carried(&prev.trace, &placed, &mut |_, _| {});
                PeerResults::default()
            } else {
                collect_carried(&prev.trace, &placed)
            };
            let current = data::decode_arrived(current_data, &held)?;
            drop(held);
            (prev, results, current)
        }
    };
    let signatures = verify_incoming(
        &prev,
        &prev_results,
        &current,
        &current_results,
        &params.particle_id,
        known,
    )?;
    Ok((prev, current, signatures))
}

fn execute<'a>(
    program: &Program,
    prepared: Prepared,
    prev_data: &[u8],
    params: &'a RunParameters,
    answer: Option<&'a mut LocalAnswer<'a>>,
    kept: Option<&mut KeptData>,
) -> StepOutcome {
    let Prepared { prev, current, mut signatures, call_results } = prepared;
    let exec_params = ExecParams {
        init_peer_id: &params.init_peer_id,
        current_peer_id: &params.current_peer_id,
        timestamp: params.timestamp,
        ttl: params.ttl,
    };
    let input = ExecInput {
        prev: prev.trace,
        current: current.trace,
        call_results,
        last_call_id: prev.last_call_id,
        max_instructions: params.limits.max_instructions,
        answer: answer.map(|answer| answer as &mut LocalAnswer<'_>),
    };
    let output = exec::execute(program, &exec_params, input);
    let instructions = output.instructions;
    let error = match output.result {
        Err(ExecError::Fatal(error)) => {
            return StepOutcome { instructions, ..failed(prev_data, error.into()) };
        }
        Err(ExecError::Catchable(raised)) => Some(VmError::Catchable(raised.error)),
        Ok(()) if !output.unprocessed.is_empty() => {
            Some(FarewellError::UnprocessedCallResult(output.unprocessed).into())
        }
        Ok(()) => None,
    };
    let me = params.current_peer_id.as_str();
    // The data is kept only while this peer waits for call results: the host then runs it again
    // on this very data. Otherwise the next step here is far off, if it comes at all.
    let kept = kept.filter(|_| !output.requests.is_empty());
    // The data carries every result's placed digest; this peer signs its own, and the next step
    // on kept data needs every peer's.
    let placed = placed_digests(&output.trace);
    let mut mine: Vec<Hash> =
        placed.iter().filter(|(peer, _)| *peer == me).map(|(_, digest)| *digest).collect();
    if mine.is_empty() {
        signatures.remove(me);
    } else {
        signatures.insert(me.to_owned(), params.key.sign(&params.particle_id, &mut mine));
    }
    let results = kept.is_some().then(|| group_results(placed.iter().copied()));
    let placed: Vec<Hash> = placed.into_iter().map(|(_, digest)| digest).collect();
    let data = ParticleData { trace: output.trace, last_call_id: output.last_call_id, signatures };
    let (bytes, values) = data::encode_with_values(&data, &placed);
    if let (Some(kept), Some(results)) = (kept, results) {
        let bytes_digest = *blake3::hash(&bytes).as_bytes();
        kept.keep(Kept { bytes_digest, data, results, values });
    }
    StepOutcome {
        ret_code: error.as_ref().map_or(0, VmError::code),
        error_message: error.as_ref().map(ToString::to_string).unwrap_or_default(),
        error,
        data: bytes,
        next_peers: output.next_peers,
        next_peer_spans: output.next_peer_spans,
        call_requests: output.requests,
        instructions,
    }
}

/// The outcome of a step that failed before or outside execution: the previous data, unchanged.
fn failed(prev_data: &[u8], error: VmError) -> StepOutcome {
    StepOutcome {
        ret_code: error.code(),
        error_message: error.to_string(),
        error: Some(error),
        data: prev_data.to_vec(),
        next_peers: Vec::new(),
        next_peer_spans: Vec::new(),
        call_requests: Vec::new(),
        instructions: 0,
    }
}
