//! `call`: resolve the triplet and arguments, merge the call's states, and either replay a
//! result, consume a host result, request the call from the host or send the particle on.

use std::borrow::Cow;
use std::rc::Rc;

use air_syntax::{Call, CallOutput, Instruction, Value, ValueKind};

use super::{Exec, ExecError, ExecResult, Resolved};
use crate::canonical::is_canonical;
use crate::error::{CatchableError, FatalError};
use crate::merge::{kind, merge_call};
use crate::request::CallRequest;
use crate::trace::{CallState, OutputKind, ServiceResult, State};
use crate::value::{Hash, JValue, Stored, Tetraplet, Val, describe, hash_of_hashes};

/// A resolved call: where, what, and with which arguments. The service and function are
/// usually literals, borrowed from the script; the tetraplet is made only for a new result or a
/// request, not for a replayed one (compared part by part).
struct Target<'p> {
    peer: String,
    service: Cow<'p, str>,
    function: Cow<'p, str>,
    args: Option<Vec<Resolved>>,
}

impl Target<'_> {
    /// The call's tetraplet (without a lens).
    fn tetraplet(&self) -> Rc<Tetraplet> {
        Rc::new(Tetraplet {
            peer_pk: Rc::from(self.peer.as_str()),
            service_id: Rc::from(&*self.service),
            function_name: Rc::from(&*self.function),
            lens: String::new(),
        })
    }

    /// Whether `tetraplet` is this call's.
    fn is_of(&self, tetraplet: &Tetraplet) -> bool {
        *tetraplet.peer_pk == *self.peer
            && *tetraplet.service_id == *self.service
            && *tetraplet.function_name == *self.function
            && tetraplet.lens.is_empty()
    }
}

impl<'p> Exec<'p, '_> {
    /// `(call peer (service function) [args] output?)`
    pub fn exec_call(&mut self, call: &'p Call, instruction: &'p Instruction) -> ExecResult {
        let Some(target) = self.resolve_target(call, instruction)? else { return self.join() };
        if let Some(CallOutput::Scalar(name)) = &call.output {
            self.vars.check_scalar_settable(&name.name)?;
        }
        let local = target.peer == self.params.current_peer_id;
        if local && target.args.is_none() {
            return self.join();
        }
        let (prev, current) = self.pop_states();
        let merged = merge_call(as_call(prev)?, as_call(current)?)?;
        match merged {
            Some(CallState::Executed { output, result }) => {
                // As AquaVM: first whether the result went where this call puts it, then (only
                // when the call keeps it) whether this call made it. A call without output
                // (`errorHandlingSrv.error`, `callbackSrv.response`) is not checked, so an
                // `:error:` chosen otherwise on a later run passes there.
                check_output_kind(call.output.as_ref(), output)?;
                if call.output.is_some() {
                    self.check_replayed(&result, &target)?;
                }
                self.push_state(State::Call(CallState::Executed {
                    output,
                    result: result.clone(),
                }));
                let val = Val { value: result.value.clone(), tetraplet: result.tetraplet.clone() };
                self.bind_output(call, output, val)
            }
            Some(CallState::Failed(result)) => {
                self.check_replayed(&result, &target)?;
                self.push_state(State::Call(CallState::Failed(result.clone())));
                let error = failure_error(result.value.json());
                Err(self.raise(error, instruction, Some(target.peer.clone())))
            }
            Some(CallState::Sent { sender, call_id: Some(id) })
                if local && *sender == *self.params.current_peer_id =>
            {
                match self.call_results.remove(&id) {
                    Some(result) => self.consume(call, instruction, &target, result),
                    None => {
                        self.push_state(State::Call(CallState::Sent { sender, call_id: Some(id) }));
                        self.join()
                    }
                }
            }
            // A new call, or one another peer sent here: requested, or answered inline.
            Some(_) | None if local => self.answer_or_request(call, instruction, &target),
            Some(sent) => {
                self.push_state(State::Call(sent));
                self.join()
            }
            None => {
                let sender: Rc<str> = Rc::from(self.params.current_peer_id);
                self.push_state(State::Call(CallState::Sent { sender, call_id: None }));
                self.next_peers.entry(target.peer).or_insert(call.span);
                self.join()
            }
        }
    }

    fn resolve_target(
        &mut self,
        call: &'p Call,
        instruction: &Instruction,
    ) -> Result<Option<Target<'p>>, ExecError> {
        let Some(peer) = self.triplet_part(&call.peer, instruction)? else { return Ok(None) };
        let Some(service) = self.triplet_part(&call.service, instruction)? else { return Ok(None) };
        let Some(function) = self.triplet_part(&call.function, instruction)? else {
            return Ok(None);
        };
        let mut args = Some(Vec::with_capacity(call.args.len()));
        for value in &call.args {
            match self.resolve(value) {
                Ok(Some(resolved)) => {
                    if let Some(args) = &mut args {
                        args.push(resolved);
                    }
                }
                Ok(None) => args = None,
                // As AquaVM: once the triplet is known, an argument's error carries the call's
                // peer, wherever it is raised (tests/data/agree/bad-argument-peer.aqua).
                Err(error) => {
                    return Err(self.raise(error, instruction, Some(peer.into_owned())));
                }
            }
        }
        Ok(Some(Target { peer: peer.into_owned(), service, function, args }))
    }

    /// The peer, service or function of a call; a failure is raised on this peer.
    fn triplet_part(
        &mut self,
        value: &'p Value,
        instruction: &Instruction,
    ) -> Result<Option<Cow<'p, str>>, ExecError> {
        self.resolve_string(value).map_err(|error| {
            let here = Some(self.params.current_peer_id.to_owned());
            self.raise(error, instruction, here)
        })
    }

    fn resolve_string(&self, value: &'p Value) -> Result<Option<Cow<'p, str>>, CatchableError> {
        // The common forms of a peer, service or function name, without building a value.
        match &value.kind {
            ValueKind::Str(text) => return Ok(Some(Cow::Borrowed(text))),
            ValueKind::InitPeerId => return Ok(Some(self.params.init_peer_id.to_owned().into())),
            ValueKind::Scalar { name, lens: None } => {
                let Some(json) = self.vars.scalar_json(name) else { return Ok(None) };
                return match json {
                    JValue::String(text) => Ok(Some(Cow::Owned(text.clone()))),
                    other => Err(CatchableError::NonStringInTriplet(name.clone(), describe(other))),
                };
            }
            _ => {}
        }
        let Some(resolved) = self.resolve(value)? else { return Ok(None) };
        match resolved.to_json() {
            JValue::String(text) => Ok(Some(Cow::Owned(text))),
            other => Err(CatchableError::NonStringInTriplet(
                super::text::variable_name(value),
                describe(&other),
            )),
        }
    }

    fn check_replayed(&self, result: &ServiceResult, target: &Target) -> Result<(), FatalError> {
        if !target.is_of(&result.tetraplet) {
            return Err(FatalError::ParametersMismatch(format!(
                "the result was produced by {}/{}/{}, the call is {}/{}/{}",
                result.tetraplet.peer_pk,
                result.tetraplet.service_id,
                result.tetraplet.function_name,
                target.peer,
                target.service,
                target.function
            )));
        }
        if let Some(args) = &target.args
            && args_hash(args) != result.args_hash
        {
            return Err(FatalError::ParametersMismatch(
                "the result was produced with other arguments".into(),
            ));
        }
        Ok(())
    }

    fn request(&mut self, target: &Target, span: air_syntax::Span) -> ExecResult {
        let request = self.new_request(target, span);
        self.send_request(request)
    }

    /// A new local call: answered at once by the host's [`LocalAnswer`](super::LocalAnswer)
    /// where that gives exactly what the round trip would, else requested.
    ///
    /// The round trip requests the call, ends the step, and replays the whole trace in the next
    /// step with the result. Answering inline is the same when this step would do nothing after
    /// the request ([`Exec::may_answer_inline`]): the next step would replay this one unchanged up
    /// to the call and go on from there, as the inline answer does. Its new stream values belong
    /// to a later step, so they get a later generation (and the generations are renumbered
    /// without gaps at the end, as the next step would).
    fn answer_or_request(
        &mut self,
        call: &'p Call,
        instruction: &'p Instruction,
        target: &Target,
    ) -> ExecResult {
        if !self.may_answer_inline() {
            return self.request(target, call.span);
        }
        let request = self.new_request(target, call.span);
        let answered = self.answer.as_mut().and_then(|answer| answer(&request));
        match answered {
            Some(result) => {
                self.inlined = true;
                self.new_generation = self.new_generation.saturating_add(1);
                self.consume(call, instruction, target, result)
            }
            None => self.send_request(request),
        }
    }

    /// Whether a call reached now may be answered inline: the host answers calls, this step
    /// has requested nothing yet, every result it was given is consumed (a later step would not
    /// get them), and no open `par` or stream fold would go on after the call waits.
    fn may_answer_inline(&self) -> bool {
        self.answer.is_some()
            && self.inline_blocked == 0
            && self.requests.is_empty()
            && self.call_results.is_empty()
    }

    /// The request for a new local call, with the next call id.
    fn new_request(&mut self, target: &Target, span: air_syntax::Span) -> CallRequest {
        let args = target.args.as_deref().unwrap_or_default();
        self.last_call_id = self.last_call_id.wrapping_add(1);
        CallRequest {
            call_id: self.last_call_id,
            service_id: target.service.to_string(),
            function_name: target.function.to_string(),
            arguments: args.iter().map(Resolved::to_argument).collect(),
            tetraplets: args.iter().map(Resolved::tetraplets).collect(),
            span,
        }
    }

    /// Asks the host for the call and waits for the result.
    fn send_request(&mut self, request: CallRequest) -> ExecResult {
        let call_id = request.call_id;
        self.requests.push(request);
        let sender: Rc<str> = Rc::from(self.params.current_peer_id);
        self.push_state(State::Call(CallState::Sent { sender, call_id: Some(call_id) }));
        self.join()
    }

    fn consume(
        &mut self,
        call: &Call,
        instruction: &Instruction,
        target: &Target,
        result: crate::request::CallResult,
    ) -> ExecResult {
        let hash = args_hash(target.args.as_deref().unwrap_or_default());
        let value = match stored_result(&result) {
            Ok(value) => value,
            Err(ret_code) => {
                let failure = serde_json::json!({"ret_code": ret_code, "message": result.result});
                let stored =
                    ServiceResult::new(Stored::from_json(failure), target.tetraplet(), hash);
                self.push_state(State::Call(CallState::Failed(stored)));
                let error = CatchableError::LocalServiceError { ret_code, message: result.result };
                return Err(self.raise(error, instruction, Some(target.peer.clone())));
            }
        };
        let output = match &call.output {
            Some(CallOutput::Scalar(_)) => OutputKind::Scalar,
            Some(CallOutput::Stream(_)) => OutputKind::Stream(self.new_generation),
            None => OutputKind::Unused,
        };
        let stored = ServiceResult::new(value, target.tetraplet(), hash);
        self.push_state(State::Call(CallState::Executed { output, result: stored.clone() }));
        let val = Val { value: stored.value.clone(), tetraplet: stored.tetraplet.clone() };
        self.bind_output(call, output, val)
    }

    /// Binds a call's value; a stream value goes into the generation its state records (a
    /// replayed result with no stream generation gets this run's).
    fn bind_output(&mut self, call: &Call, output: OutputKind, val: Val) -> ExecResult {
        match &call.output {
            Some(CallOutput::Scalar(name)) => self.vars.set_scalar(&name.name, val)?,
            Some(CallOutput::Stream(name)) => {
                let generation = match output {
                    OutputKind::Stream(generation) => generation,
                    OutputKind::Scalar | OutputKind::Unused => self.new_generation,
                };
                let origin = self.last_state_origin();
                self.vars.push_stream(&name.name, generation, origin, val)?;
            }
            None => {}
        }
        Ok(())
    }
}

/// Whether a replayed result's kind (where it went) is the one `output` gives it.
fn check_output_kind(output: Option<&CallOutput>, kind: OutputKind) -> Result<(), FatalError> {
    match (output, kind) {
        (Some(CallOutput::Scalar(_)), OutputKind::Scalar)
        | (Some(CallOutput::Stream(_)), OutputKind::Stream(_))
        | (None, OutputKind::Unused) => Ok(()),
        (_, OutputKind::Scalar) => Err(FatalError::CallResultMismatch("Scalar")),
        (_, OutputKind::Stream(_)) => Err(FatalError::CallResultMismatch("Stream")),
        (_, OutputKind::Unused) => Err(FatalError::CallResultMismatch("Unused")),
    }
}

/// The value of a successful call result, or the ret code of a failed one (`i32::MAX` for a
/// result that is not JSON). A result in canonical form (what hosts write with serde_json) is
/// stored as it is; any other text is parsed, and written again when its text is needed.
fn stored_result(result: &crate::request::CallResult) -> Result<Rc<Stored>, i32> {
    if result.ret_code == 0 && is_canonical(&result.result) {
        return Ok(Stored::from_text(Rc::from(result.result.as_bytes())));
    }
    match serde_json::from_str::<JValue>(&result.result) {
        Ok(value) if result.ret_code == 0 => Ok(Stored::from_parsed(value, result.result.len())),
        Ok(_) => Err(result.ret_code),
        Err(_) => Err(i32::MAX),
    }
}

fn args_hash(args: &[Resolved]) -> Hash {
    hash_of_hashes(args.iter().map(|arg| arg.stored().hash()))
}

fn failure_error(failure: &JValue) -> CatchableError {
    let ret_code = failure.get("ret_code").and_then(JValue::as_i64).unwrap_or(i64::from(i32::MAX));
    let message = failure.get("message").and_then(JValue::as_str).unwrap_or_default();
    CatchableError::LocalServiceError {
        ret_code: i32::try_from(ret_code).unwrap_or(i32::MAX),
        message: message.to_owned(),
    }
}

fn as_call(state: Option<State>) -> Result<Option<CallState>, FatalError> {
    match state {
        None => Ok(None),
        Some(State::Call(call)) => Ok(Some(call)),
        Some(other) => {
            Err(FatalError::Trace(format!("expected a call state, found {}", kind(&other))))
        }
    }
}
