//! Errors of client generation: a type that js-client's descriptors cannot express.

use smol_str::SmolStr;

/// Why a function or service has no client code (code `C0xx`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ClientError {
    /// An argument or result type with no js-client descriptor (an ability, a service, a
    /// stream map, an arrow where data is needed).
    #[error("C001 `{item}`: the type `{ty}` cannot cross to js-client")]
    Unsupported {
        /// The function or service method.
        item: SmolStr,
        /// The type, as Aqua writes it.
        ty: String,
    },
    /// An export names a function or service that does not exist (a checker invariant broke).
    #[error("C002 dangling export `{0}`")]
    Dangling(SmolStr),
}
