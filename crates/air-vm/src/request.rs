//! What passes between the interpreter and its host: the calls a step asks for and their
//! results. Below both `step` and `exec`, which use them.

use crate::value::{JValue, Tetraplet};

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
    /// The arguments.
    pub arguments: Vec<JValue>,
    /// Where each argument comes from (one per element for canon streams).
    pub tetraplets: Vec<Vec<Tetraplet>>,
    /// The `call` instruction's span in the script: its place in the AIR text when the script
    /// was parsed from text, so that a host can tell which instruction asked (source maps).
    pub span: air_syntax::Span,
}
