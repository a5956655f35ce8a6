//! `canon`: snapshot a stream or a stream map on one peer; the snapshot is fixed afterwards.
//! A canon for another peer sends the particle there (Aqua's hop).

use std::rc::Rc;

use air_syntax::{Canon, CanonForm, Instruction};

use super::resolve::key_value;
use super::{Exec, ExecResult};
use crate::error::{CatchableError, FatalError};
use crate::merge::{kind, merge_canon};
use crate::trace::{CanonResult, CanonState, State};
use crate::value::{CanonVal, JValue, Tetraplet, Val, describe};

impl<'p> Exec<'p, '_> {
    /// `(canon peer source target)`
    pub fn exec_canon(&mut self, canon: &'p Canon, instruction: &'p Instruction) -> ExecResult {
        let peer = match self.resolve(&canon.peer) {
            Ok(None) => return self.join(),
            Ok(Some(resolved)) => match resolved.to_json() {
                JValue::String(peer) => peer,
                other => {
                    let name = super::text::variable_name(&canon.peer);
                    let error = CatchableError::NonStringInTriplet(name, describe(&other));
                    return Err(self.raise(
                        error,
                        instruction,
                        Some(self.params.current_peer_id.to_owned()),
                    ));
                }
            },
            Err(error) => {
                return Err(self.raise(
                    error,
                    instruction,
                    Some(self.params.current_peer_id.to_owned()),
                ));
            }
        };
        let (prev, current) = self.pop_states();
        let merged = merge_canon(as_canon(prev)?, as_canon(current)?)?;
        let local = peer == self.params.current_peer_id;
        match merged {
            Some(CanonState::Executed(result)) => {
                if *result.peer != *peer {
                    return Err(FatalError::ParametersMismatch(format!(
                        "canon snapshot taken by {}, the canon is on {peer}",
                        result.peer
                    ))
                    .into());
                }
                self.push_state(State::Canon(CanonState::Executed(result.clone())));
                self.bind_canon(canon, &result)
            }
            Some(_) | None if local => {
                let elements = self.snapshot(&canon.form);
                let result = CanonResult::new(Rc::from(peer.as_str()), elements);
                self.push_state(State::Canon(CanonState::Executed(result.clone())));
                self.bind_canon(canon, &result)
            }
            Some(sent) => {
                self.push_state(State::Canon(sent));
                self.join()
            }
            None => {
                let sender: Rc<str> = Rc::from(self.params.current_peer_id);
                self.push_state(State::Canon(CanonState::Sent { sender }));
                self.next_peers.entry(peer).or_insert(canon.span);
                self.join()
            }
        }
    }

    fn snapshot(&self, form: &CanonForm) -> Vec<Val> {
        let stream = match form {
            CanonForm::Stream { stream, .. } => self.vars.stream(&stream.name),
            CanonForm::Map { map, .. } | CanonForm::MapToScalar { map, .. } => {
                self.vars.stream_map(&map.name)
            }
        };
        stream.map(|stream| stream.borrow().values().to_vec()).unwrap_or_default()
    }

    fn bind_canon(&mut self, canon: &Canon, result: &CanonResult) -> ExecResult {
        let value = result.to_canon();
        match &canon.form {
            CanonForm::Stream { canon, .. } => self.vars.set_canon(&canon.name, value),
            CanonForm::Map { canon, .. } => self.vars.set_canon_map(&canon.name, value),
            CanonForm::MapToScalar { scalar, .. } => {
                let object = first_values(&value);
                let tetraplet = Tetraplet::peer(&result.peer);
                self.vars.set_scalar(&scalar.name, Val::new(object, tetraplet))?;
            }
        }
        Ok(())
    }
}

/// `{key: first value}` of a canon map.
fn first_values(map: &CanonVal) -> JValue {
    let mut object = serde_json::Map::new();
    for element in map.elements.iter() {
        let (key, value) = key_value(element.json());
        object.entry(key).or_insert(value);
    }
    JValue::Object(object)
}

fn as_canon(state: Option<State>) -> Result<Option<CanonState>, FatalError> {
    match state {
        None => Ok(None),
        Some(State::Canon(canon)) => Ok(Some(canon)),
        Some(other) => {
            Err(FatalError::Trace(format!("expected a canon state, found {}", kind(&other))))
        }
    }
}
