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
            // As AquaVM: the error `:error:` holds, which is the one the enclosing xor caught
            // unless an earlier error not yet handled (a failed par branch) still holds it.
            FailKind::Error => match self.error.as_deref().or(self.caught.last()).cloned() {
                Some(raised) => return Err(self.raise_raised(raised)),
                None => super::no_error(),
            },
            FailKind::Value(value) => match self.resolve(value) {
                Ok(Some(resolved)) => resolved.to_json(),
                Ok(None) => return self.join(),
                Err(error) => return Err(self.raise(error, instruction, None)),
            },
        };
        if let Err(fault) = check_error_object(&object) {
            let error = CatchableError::InvalidErrorObject(fault);
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

/// Checks a thrown object as AquaVM does, in its order; the fault in AquaVM's words.
fn check_error_object(object: &JValue) -> Result<(), String> {
    let text = describe(object);
    let JValue::Object(fields) = object else {
        return Err(format!(
            "scalar should have an object type to be converted into error object, but '{text}' \
             doesn't have"
        ));
    };
    let field = |name: &str| {
        fields
            .get(name)
            .ok_or_else(|| format!("scalar '{text}' must have field with name '{name}'"))
    };
    let code = field("error_code")?;
    match code.as_i64().or_else(|| code.as_u64().map(|_| 1)) {
        None => return Err(format!("error_code of scalar '{text}' must have integer type")),
        Some(0) => return Err("error code must be non-zero, but it is zero".to_owned()),
        Some(_) => {}
    }
    if !field("message")?.is_string() {
        return Err(format!("message of scalar '{text}' must have string type"));
    }
    Ok(())
}
