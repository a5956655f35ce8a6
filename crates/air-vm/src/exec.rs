//! The executor: walks the AST, replays the merged trace and writes the new one.
//!
//! Each instruction family lives in its own file under `exec/`. This module owns the state of one
//! execution ([`Exec`]): the trace frames (one per `par` branch and fold iteration, each reading
//! the previous and the incoming subtrace in step), completeness, errors, call requests and next
//! peers. It knows nothing about bytes or signatures.

mod ap;
mod call;
mod canon;
mod flow;
mod fold;
mod match_fail;
mod resolve;
mod text;

use std::collections::BTreeMap;
use std::rc::Rc;

use air_syntax::{Instruction, Program};

use crate::context::Variables;
use crate::error::{CatchableError, FatalError};
use crate::merge::merge_traces;
use crate::origin::{Origin, Origins, SubtraceId};
use crate::request::{CallRequest, CallResult};
use crate::trace::{Generation, State};
use crate::value::{JValue, Tetraplet};

pub(crate) use fold::FoldCursor;
pub(crate) use resolve::Resolved;

/// The deepest fold recursion (`next` inside `next`) allowed: the trace nesting the data format
/// accepts.
pub const MAX_FOLD_DEPTH: usize = crate::data::MAX_DEPTH;

/// What the executor needs from the run parameters.
pub(crate) struct ExecParams<'a> {
    pub init_peer_id: &'a str,
    pub current_peer_id: &'a str,
    pub timestamp: u64,
    pub ttl: u32,
}

/// A catchable error with the instruction that raised it.
#[derive(Debug, Clone)]
pub(crate) struct RaisedError {
    pub error: CatchableError,
    pub instruction: String,
    /// The peer of the call or canon that failed; `None` for other instructions.
    pub peer_id: Option<String>,
}

impl RaisedError {
    /// The `:error:` object.
    pub fn error_object(&self) -> JValue {
        let mut object = serde_json::Map::new();
        object.insert("error_code".into(), self.error.code().into());
        object.insert("message".into(), self.error.to_string().into());
        object.insert("instruction".into(), self.instruction.clone().into());
        if let Some(peer) = &self.peer_id {
            object.insert("peer_id".into(), peer.clone().into());
        }
        JValue::Object(object)
    }

    /// The `%last_error%` object: the thrown object for `fail`, else `:error:` with a peer id.
    pub fn last_error_object(&self, current_peer: &str) -> JValue {
        if let CatchableError::UserError(object) = &self.error {
            return object.clone();
        }
        let mut object = self.error_object();
        if let JValue::Object(map) = &mut object {
            map.entry("peer_id").or_insert_with(|| current_peer.into());
        }
        object
    }
}

/// Why an instruction stopped.
#[derive(Debug)]
pub(crate) enum ExecError {
    Catchable(Box<RaisedError>),
    Fatal(FatalError),
}

impl From<FatalError> for ExecError {
    fn from(error: FatalError) -> Self {
        ExecError::Fatal(error)
    }
}

/// The result of executing an instruction.
pub(crate) type ExecResult = Result<(), ExecError>;

/// One subtrace being replayed and rewritten.
pub(crate) struct Frame {
    prev: std::vec::IntoIter<State>,
    current: std::vec::IntoIter<State>,
    out: Vec<State>,
    /// Which subtrace of the trace this is (see [`crate::origin`]).
    origin: SubtraceId,
}

/// The state of one execution.
pub(crate) struct Exec<'p, 'a> {
    pub params: &'a ExecParams<'a>,
    frames: Vec<Frame>,
    pub call_results: BTreeMap<u32, CallResult>,
    pub last_call_id: u32,
    pub requests: Vec<CallRequest>,
    /// The peers to send the particle to, each with the first instruction that sends it there.
    pub next_peers: BTreeMap<String, air_syntax::Span>,
    pub complete: bool,
    pub vars: Variables,
    /// The open folds, innermost last, each under its iterator's name: `next` finds the
    /// innermost of that name (folds nest a few deep; a scan beats hashing the name).
    pub folds: Vec<(&'p str, FoldCursor<'p>)>,
    pub fold_depth: usize,
    pub last_error: Rc<JValue>,
    pub last_error_settable: bool,
    /// The error `:error:` holds, which `(fail :error:)` re-throws; `None` with no error. Its
    /// object is made when `:error:` is read ([`Exec::error_object`]), not at every raise.
    pub error: Option<Rc<RaisedError>>,
    pub error_settable: bool,
    pub caught: Vec<RaisedError>,
    /// The generation of stream values produced in this run.
    pub new_generation: Generation,
    /// Instructions executed so far.
    pub instructions: u64,
    /// The most instructions this step may execute.
    pub max_instructions: u64,
    /// Answers new local calls within the step, where that gives what the round trip through
    /// the host would (see [`Exec::may_answer_inline`]).
    pub answer: Option<&'a mut LocalAnswer<'a>>,
    /// Open places after which the round trip would go on with more work in the same step (the
    /// left branch of a `par`, its right branch after a complete left one, a stream fold): no
    /// call is answered inline inside them.
    pub inline_blocked: usize,
    /// Whether a call was answered inline (its continuation then counts as a later step).
    pub inlined: bool,
    /// The tetraplet of literals and errors (the init peer's), made once and shared.
    pub init_tetraplet: Rc<Tetraplet>,
    /// The subtraces entered, for the origins of stream values (shared with the stream folds,
    /// which compute their values' keys).
    pub origins: Rc<std::cell::RefCell<Origins>>,
}

/// Answers a local call at once, or declines (`None`): the call is then requested from the host.
pub type LocalAnswer<'a> = dyn FnMut(&CallRequest) -> Option<CallResult> + 'a;

/// What an execution produced.
pub(crate) struct ExecOutput {
    pub trace: Vec<State>,
    pub result: ExecResult,
    pub requests: Vec<CallRequest>,
    pub next_peers: Vec<String>,
    /// Parallel to `next_peers`: the span of the first instruction sending there.
    pub next_peer_spans: Vec<air_syntax::Span>,
    pub unprocessed: Vec<u32>,
    pub last_call_id: u32,
    pub instructions: u64,
}

/// The "no error" object.
pub(crate) fn no_error() -> JValue {
    serde_json::json!({"error_code": 0, "message": ""})
}

/// What one execution starts from besides the program and the parameters.
pub(crate) struct ExecInput<'a> {
    pub prev: Vec<State>,
    pub current: Vec<State>,
    pub call_results: BTreeMap<u32, CallResult>,
    pub last_call_id: u32,
    pub max_instructions: u64,
    /// Answers local calls within the step, if the host can.
    pub answer: Option<&'a mut LocalAnswer<'a>>,
}

/// Runs `program` over the merged `prev` and `current` traces.
pub(crate) fn execute<'a>(
    program: &Program,
    params: &'a ExecParams<'a>,
    input: ExecInput<'a>,
) -> ExecOutput {
    let ExecInput { mut prev, mut current, call_results, last_call_id, max_instructions, answer } =
        input;
    let new_generation = crate::generation::renumber(&mut prev, &mut current);
    let mut exec = Exec {
        params,
        frames: Vec::new(),
        call_results,
        last_call_id,
        requests: Vec::new(),
        next_peers: BTreeMap::new(),
        complete: true,
        vars: Variables::default(),
        folds: Vec::new(),
        fold_depth: 0,
        last_error: Rc::new(no_error()),
        last_error_settable: true,
        error: None,
        error_settable: true,
        caught: Vec::new(),
        new_generation,
        instructions: 0,
        max_instructions,
        answer,
        init_tetraplet: Tetraplet::peer(params.init_peer_id),
        origins: Rc::new(std::cell::RefCell::new(Origins::new())),
        inline_blocked: 0,
        inlined: false,
    };
    exec.push_frame(prev, current, Origins::ROOT);
    let mut result = exec.exec(&program.body);
    let trace = match exec.pop_frame() {
        Ok(mut trace) => {
            if exec.inlined {
                // The host's next step would have renumbered the generations without gaps.
                crate::generation::compact(&mut trace);
            }
            trace
        }
        Err(error) => {
            result = Err(ExecError::Fatal(error));
            Vec::new()
        }
    };
    ExecOutput {
        trace,
        result,
        requests: exec.requests,
        next_peers: exec.next_peers.keys().cloned().collect(),
        next_peer_spans: exec.next_peers.values().copied().collect(),
        unprocessed: exec.call_results.keys().copied().collect(),
        last_call_id: exec.last_call_id,
        instructions: exec.instructions,
    }
}

impl<'p> Exec<'p, '_> {
    /// Runs one instruction, growing the stack when recursion (fold, nesting) runs deep.
    pub fn exec(&mut self, instruction: &'p Instruction) -> ExecResult {
        self.instructions += 1;
        if self.instructions > self.max_instructions {
            return Err(FatalError::InstructionLimit(self.max_instructions).into());
        }
        crate::grow(|| self.exec_instruction(instruction))
    }

    fn exec_instruction(&mut self, instruction: &'p Instruction) -> ExecResult {
        match instruction {
            Instruction::Call(call) => self.exec_call(call, instruction),
            Instruction::Canon(canon) => self.exec_canon(canon, instruction),
            Instruction::Ap(ap) => self.exec_ap(ap, instruction),
            Instruction::ApMap(ap) => self.exec_ap_map(ap, instruction),
            Instruction::Seq(pair) => self.exec_seq(pair),
            Instruction::Par(pair) => self.exec_par(pair),
            Instruction::Xor(pair) => self.exec_xor(pair),
            Instruction::Null(_) => Ok(()),
            Instruction::Never(_) => {
                self.complete = false;
                Ok(())
            }
            Instruction::New(new) => self.exec_new(new),
            Instruction::Fail(fail) => self.exec_fail(fail, instruction),
            Instruction::Fold(fold) => self.exec_fold(fold, instruction),
            Instruction::Next(next) => self.exec_next(&next.iterator.name),
            Instruction::Match(match_) => self.exec_match(match_, instruction, true),
            Instruction::Mismatch(match_) => self.exec_match(match_, instruction, false),
        }
    }

    /// A join: the instruction waits for a variable, so the subgraph is incomplete.
    pub fn join(&mut self) -> ExecResult {
        self.complete = false;
        Ok(())
    }

    /// Turns a catchable error of `instruction` into an [`ExecError`], recording `%last_error%`.
    pub fn raise(
        &mut self,
        error: CatchableError,
        instruction: &Instruction,
        peer_id: Option<String>,
    ) -> ExecError {
        let raised =
            RaisedError { error, instruction: text::instruction_text(instruction), peer_id };
        self.raise_raised(raised)
    }

    /// Raises an already described error (a re-throw), recording `%last_error%` and `:error:`
    /// unless an earlier error not yet handled already set them (AquaVM's settable flags).
    pub fn raise_raised(&mut self, raised: RaisedError) -> ExecError {
        let touches_last_error = !matches!(
            raised.error,
            CatchableError::MatchValuesNotEqual | CatchableError::MismatchValuesEqual
        );
        if touches_last_error && self.last_error_settable {
            self.last_error = Rc::new(raised.last_error_object(self.params.current_peer_id));
            self.last_error_settable = false;
        }
        if self.error_settable {
            self.error = Some(Rc::new(raised.clone()));
            self.error_settable = false;
        }
        ExecError::Catchable(Box::new(raised))
    }

    /// The `:error:` object: the held error's, or the "no error" one.
    pub fn error_object(&self) -> JValue {
        self.error.as_ref().map_or_else(no_error, |raised| raised.error_object())
    }

    /// Starts subtrace `origin`.
    pub fn push_frame(&mut self, prev: Vec<State>, current: Vec<State>, origin: SubtraceId) {
        // The new subtrace holds at least what either side held: sized once, not grown.
        let out = Vec::with_capacity(prev.len().max(current.len()));
        self.frames.push(Frame {
            prev: prev.into_iter(),
            current: current.into_iter(),
            out,
            origin,
        });
    }

    /// Where the next state of the current subtrace goes: the subtrace and the index.
    pub fn next_place(&self) -> (SubtraceId, usize) {
        self.frames.last().map_or((Origins::ROOT, 0), |frame| (frame.origin, frame.out.len()))
    }

    /// The subtrace below the next state of the current subtrace, through `branch`.
    pub fn enter_below(&mut self, branch: &[u8]) -> SubtraceId {
        let (at, index) = self.next_place();
        self.origins.borrow_mut().child(at, index, branch)
    }

    /// The origin of a value produced by the state just pushed.
    pub fn last_state_origin(&self) -> Origin {
        let (at, next) = self.next_place();
        Origin { at, index: next.saturating_sub(1) }
    }

    /// Ends a subtrace; states nobody replayed are merged and kept, so no history is lost.
    pub fn pop_frame(&mut self) -> Result<Vec<State>, FatalError> {
        let Some(frame) = self.frames.pop() else { return Ok(Vec::new()) };
        let mut out = frame.out;
        // Usually every state was replayed: nothing is left to merge, nor a vector to make.
        if frame.prev.len() == 0 && frame.current.len() == 0 {
            return Ok(out);
        }
        out.extend(merge_traces(frame.prev.collect(), frame.current.collect())?);
        Ok(out)
    }

    /// The next previous and incoming states of the current subtrace.
    pub fn pop_states(&mut self) -> (Option<State>, Option<State>) {
        match self.frames.last_mut() {
            Some(frame) => (frame.prev.next(), frame.current.next()),
            None => (None, None),
        }
    }

    /// Appends a state to the current subtrace.
    pub fn push_state(&mut self, state: State) {
        if let Some(frame) = self.frames.last_mut() {
            frame.out.push(state);
        }
    }
}
