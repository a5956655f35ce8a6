//! `seq`, `par`, `xor` and `new`: control flow, completeness and error catching.

use std::mem::take;

use air_syntax::{Instruction, New, Pair};

use super::{Exec, ExecError, ExecResult};
use crate::error::FatalError;
use crate::placed::{LEFT_SEGMENT, RIGHT_SEGMENT};
use crate::trace::{ParState, State};

impl<'p> Exec<'p, '_> {
    /// `(seq left right)`: right runs only if left succeeded and is complete.
    pub fn exec_seq(&mut self, pair: &'p Pair) -> ExecResult {
        self.complete = true;
        self.exec(&pair.left)?;
        if self.complete {
            self.exec(&pair.right)?;
        }
        Ok(())
    }

    /// `(par left right)`: both run, each in its own subtrace; one success is enough.
    pub fn exec_par(&mut self, pair: &'p Pair) -> ExecResult {
        let (prev, current) = self.pop_states();
        let mut prev = as_par(prev)?;
        let mut current = as_par(current)?;
        let (prev_left, current_left) = (take(&mut prev.left), take(&mut current.left));
        // A call left waiting in the left branch would not stop the right one.
        self.inline_blocked += 1;
        let left_origin = self.enter_below(&LEFT_SEGMENT);
        let right_origin = self.enter_below(&RIGHT_SEGMENT);
        let left = self.exec_branch(&pair.left, prev_left, current_left, left_origin);
        self.inline_blocked -= 1;
        let (left, left_result, left_complete) = left?;
        let (prev_right, current_right) = (take(&mut prev.right), take(&mut current.right));
        // After a complete left branch, a call waiting in the right one would not stop what
        // follows the par.
        let blocks = usize::from(left_complete);
        self.inline_blocked += blocks;
        let right = self.exec_branch(&pair.right, prev_right, current_right, right_origin);
        self.inline_blocked -= blocks;
        let (right, right_result, right_complete) = right?;
        self.push_state(State::Par(Box::new(ParState { left, right })));
        self.complete = left_complete || right_complete;
        match (left_result, right_result) {
            (Err(_), Err(error)) => Err(error),
            // As AquaVM: a par with a successful branch lets a later error set `%last_error%`
            // again, but not `:error:`, which keeps a failed branch's error until an `xor`
            // catches (tests/data/agree/par-keeps-error.aqua).
            _ => {
                self.last_error_settable = true;
                Ok(())
            }
        }
    }

    /// Runs one branch of a par; a catchable error makes it count as incomplete.
    #[allow(clippy::type_complexity)]
    fn exec_branch(
        &mut self,
        branch: &'p Instruction,
        prev: Vec<State>,
        current: Vec<State>,
        origin: crate::origin::SubtraceId,
    ) -> Result<(Vec<State>, ExecResult, bool), ExecError> {
        self.push_frame(prev, current, origin);
        self.complete = !matches!(branch, Instruction::Next(_));
        let result = self.exec(branch);
        let trace = self.pop_frame()?;
        match result {
            Err(ExecError::Fatal(error)) => Err(ExecError::Fatal(error)),
            Err(error) => Ok((trace, Err(error), false)),
            Ok(()) => Ok((trace, Ok(()), self.complete)),
        }
    }

    /// `(xor left right)`: right runs when left raised a catchable error.
    pub fn exec_xor(&mut self, pair: &'p Pair) -> ExecResult {
        match self.exec(&pair.left) {
            Err(ExecError::Catchable(raised)) => {
                self.complete = true;
                self.last_error_settable = true;
                self.error_settable = true;
                self.caught.push(*raised);
                let result = self.exec(&pair.right);
                self.caught.pop();
                // As AquaVM: `:error:` goes back to "no error" unless an error raised in the
                // right branch holds it (a failed par branch there keeps it), and a right branch
                // that succeeded lets the next error set it again, held or not.
                if self.error_settable {
                    self.error = None;
                }
                if result.is_ok() {
                    self.error_settable = true;
                }
                result
            }
            other => other,
        }
    }

    /// `(new variable body)`: a fresh variable for the body.
    pub fn exec_new(&mut self, new: &'p New) -> ExecResult {
        self.vars.declare_new(new.variable.kind, &new.variable.name.name);
        let result = self.exec(&new.body);
        self.vars.end_new(new.variable.kind, &new.variable.name.name);
        result
    }
}

fn as_par(state: Option<State>) -> Result<ParState, FatalError> {
    match state {
        None => Ok(ParState::default()),
        Some(State::Par(par)) => Ok(*par),
        Some(other) => Err(FatalError::Trace(format!(
            "expected a par state, found {}",
            crate::merge::kind(&other)
        ))),
    }
}
