//! `match`, `mismatch` and every form of `fail`.

use air_syntax::{Fail, FailKind, Instruction, Match};

use super::{Exec, ExecResult, RaisedError};
use crate::error::CatchableError;
use crate::value::{JValue, describe};

impl<'p> Exec<'p, '_> {
    /// `(match a b body)` when `equal`, `(mismatch a b body)` otherwise.
    pub fn exec_match(
        &mut self,
        match_: &'p Match,
        instruction: &'p Instruction,
        equal: bool,
    ) -> ExecResult {
        let (left, right) = match (self.resolve(&match_.left), self.resolve(&match_.right)) {
            (Ok(Some(left)), Ok(Some(right))) => (left.to_json(), right.to_json()),
            (Err(error), _) | (_, Err(error)) => return Err(self.raise(error, instruction, None)),
            _ => return self.join(),
        };
        if (left == right) == equal {
            return self.exec(&match_.body);
        }
        let error = if equal {
            CatchableError::MatchValuesNotEqual
        } else {
            CatchableError::MismatchValuesEqual
        };
        Err(self.raise(error, instruction, None))
    }

    /// `(fail ...)`
    pub fn exec_fail(&mut self, fail: &'p Fail, instruction: &'p Instruction) -> ExecResult {
        let object = match &fail.kind {
            FailKind::Literal { code, message, .. } => serde_json::json!({
                "error_code": code,
                "message": message,
                "instruction": super::text::instruction_text(instruction),
                "peer_id": self.params.init_peer_id,
            }),
            FailKind::LastError => (*self.last_error).clone(),
            FailKind::Error => match self.caught.last().cloned() {
                Some(raised) => return Err(self.raise_raised(raised)),
                None => (*self.error).clone(),
            },
            FailKind::Value(value) => match self.resolve(value) {
                Ok(Some(resolved)) => resolved.to_json(),
                Ok(None) => return self.join(),
                Err(error) => return Err(self.raise(error, instruction, None)),
            },
        };
        if !is_error_object(&object) {
            let error = CatchableError::InvalidErrorObject(describe(&object));
            return Err(self.raise(error, instruction, None));
        }
        let raised = RaisedError {
            error: CatchableError::UserError(object),
            instruction: super::text::instruction_text(instruction),
            peer_id: None,
        };
        Err(self.raise_raised(raised))
    }
}

fn is_error_object(object: &JValue) -> bool {
    let code_ok = object.get("error_code").and_then(JValue::as_i64).is_some_and(|code| code != 0);
    code_ok && object.get("message").is_some_and(JValue::is_string)
}
