//! What passes between the interpreter and its host: the calls a step asks for and their
//! results. Below both `step` and `exec`, which use them.

use std::rc::Rc;

use crate::value::{CanonVal, JValue, Stored, Tetraplet};

/// The host's answer to a call request.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CallResult {
    /// 0 for success, anything else for a service error.
    pub ret_code: i32,
    /// The result as JSON text (the error message for a failure).
    pub result: String,
}

/// A call the host must make on this peer.
#[derive(Debug, Clone, PartialEq)]
pub struct CallRequest {
    /// The id to answer with.
    pub call_id: u32,
    /// The service.
    pub service_id: String,
    /// The function.
    pub function_name: String,
    /// The arguments, as the interpreter holds them ([`CallRequest::argument_values`] reads them).
    pub arguments: Vec<Argument>,
    /// Where each argument comes from (one per element for canon streams).
    pub tetraplets: Vec<Vec<Tetraplet>>,
    /// The `call` instruction's span in the script: its place in the AIR text when the script
    /// was parsed from text, so that a host can tell which instruction asked (source maps).
    pub span: air_syntax::Span,
}

impl CallRequest {
    /// The arguments as JSON values, read from the interpreter's text (the host's work: a step
    /// does not parse what only its host reads, as AquaVM hands its host the arguments as text).
    pub fn argument_values(&self) -> Vec<JValue> {
        self.arguments.iter().map(Argument::to_json).collect()
    }
}

/// One argument of a [`CallRequest`]: a value as stored (its JSON text, or the value if it was
/// parsed before) or a canon stream's elements. Equal when their JSON values are.
#[derive(Debug, Clone)]
pub struct Argument(ArgumentValue);

#[derive(Debug, Clone)]
enum ArgumentValue {
    Stored(Rc<Stored>),
    Canon(CanonVal),
}

impl Argument {
    /// A stored value.
    pub fn stored(value: Rc<Stored>) -> Argument {
        Argument(ArgumentValue::Stored(value))
    }

    /// A canon stream, passed as the array of its elements.
    pub fn canon(canon: CanonVal) -> Argument {
        Argument(ArgumentValue::Canon(canon))
    }

    /// The JSON value, read from the stored text unless it was parsed before.
    pub fn to_json(&self) -> JValue {
        match &self.0 {
            ArgumentValue::Stored(value) => value.to_json(),
            ArgumentValue::Canon(canon) => canon.to_json(),
        }
    }
}

impl PartialEq for Argument {
    fn eq(&self, other: &Argument) -> bool {
        self.to_json() == other.to_json()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_argument_is_read_from_its_text_when_the_host_asks() {
        let text: Rc<[u8]> = Rc::from(&br#"{"a":[1,"x"]}"#[..]);
        let argument = Argument::stored(Stored::from_text(text));
        assert_eq!(argument.to_json(), serde_json::json!({"a": [1, "x"]}));
        let same = Argument::stored(Stored::from_json(serde_json::json!({"a": [1, "x"]})));
        assert_eq!(argument, same, "equal by value, whether held as text or parsed");
        let other = Argument::stored(Stored::from_json(serde_json::json!({"a": [1]})));
        assert_ne!(argument, other);
    }
}
