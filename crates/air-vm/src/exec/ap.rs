//! `ap`: put a value into a scalar, a stream or a stream map.

use air_syntax::{Ap, ApMap, ApResult, Instruction};

use super::{Exec, ExecResult};
use crate::error::{CatchableError, FatalError};
use crate::merge::kind;
use crate::trace::{Generation, State};
use crate::value::{JValue, Val};

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
                let generation = self.replay_ap()?;
                let origin = self.last_state_origin();
                self.vars.push_stream(&name.name, generation, origin, val)?;
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
            _ => {
                let error = CatchableError::StreamMapKey(ap.map.name.clone());
                return Err(self.raise(error, instruction, None));
            }
        };
        let generation = self.replay_ap()?;
        let entry = serde_json::json!({"key": key, "value": value.json().clone()});
        let origin = self.last_state_origin();
        let entry = Val::new(entry, value.tetraplet);
        self.vars.push_stream_map(&ap.map.name, generation, origin, entry)?;
        Ok(())
    }

    /// Replays or writes an `Ap` state; returns the value's generation: the previous data's if
    /// it held the state, else the incoming data's, else this run's.
    fn replay_ap(&mut self) -> Result<Generation, FatalError> {
        let (prev, current) = self.pop_states();
        let mut generation = None::<Generation>;
        for state in [prev, current].into_iter().flatten() {
            match state {
                State::Ap(stored) => {
                    generation = Some(generation.map_or(stored, |other| other.min(stored)));
                }
                other => {
                    return Err(FatalError::Trace(format!(
                        "expected an ap state, found {}",
                        kind(&other)
                    )));
                }
            }
        }
        let generation = generation.unwrap_or(self.new_generation);
        self.push_state(State::Ap(generation));
        Ok(generation)
    }
}
