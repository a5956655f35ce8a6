//! `ap`: put a value into a scalar, a stream or a stream map.

use air_syntax::{Ap, ApMap, ApResult, Instruction};

use super::{Exec, ExecResult};
use crate::context::Section;
use crate::error::{CatchableError, FatalError};
use crate::merge::kind;
use crate::trace::State;
use crate::value::{JValue, Val, describe};

impl<'p> Exec<'p, '_> {
    /// `(ap argument result)`
    pub fn exec_ap(&mut self, ap: &'p Ap, instruction: &'p Instruction) -> ExecResult {
        let val = match self.resolve(&ap.argument) {
            Ok(Some(resolved)) => resolved.into_val(),
            Ok(None) => return self.join(),
            Err(error) => return Err(self.raise(error, instruction, None)),
        };
        match &ap.result {
            ApResult::Scalar(name) => self.vars.set_scalar(&name.name, val)?,
            ApResult::Stream(name) => {
                let section = self.replay_ap()?;
                self.vars.push_stream(&name.name, section, val)?;
            }
        }
        Ok(())
    }

    /// `(ap (key value) %map)`
    pub fn exec_ap_map(&mut self, ap: &'p ApMap, instruction: &'p Instruction) -> ExecResult {
        let (key, value) = match (self.resolve(&ap.key), self.resolve(&ap.value)) {
            (Ok(Some(key)), Ok(Some(value))) => (key.to_json(), value.into_val()),
            (Err(error), _) | (_, Err(error)) => return Err(self.raise(error, instruction, None)),
            _ => return self.join(),
        };
        let key = match key {
            JValue::String(_) => key,
            JValue::Number(ref number) if number.is_i64() || number.is_u64() => key,
            other => {
                let error = CatchableError::StreamMapKey(describe(&other));
                return Err(self.raise(error, instruction, None));
            }
        };
        let section = self.replay_ap()?;
        let entry = serde_json::json!({"key": key, "value": value.json().clone()});
        self.vars.push_stream_map(&ap.map.name, section, Val::new(entry, value.tetraplet))?;
        Ok(())
    }

    /// Replays or writes an `Ap` state; returns where the value's state came from.
    fn replay_ap(&mut self) -> Result<Section, FatalError> {
        let (prev, current) = self.pop_states();
        let section = match (&prev, &current) {
            (Some(_), _) => Section::Prev,
            (None, Some(_)) => Section::Current,
            (None, None) => Section::New,
        };
        for state in [prev, current].into_iter().flatten() {
            if state != State::Ap {
                return Err(FatalError::Trace(format!(
                    "expected an ap state, found {}",
                    kind(&state)
                )));
            }
        }
        self.push_state(State::Ap);
        Ok(section)
    }
}
