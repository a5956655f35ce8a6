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
    /// An exported function named by a reserved word of JavaScript (`delete`, `new`, …): its
    /// generated function could not be declared. Export it under another name (`export f as g`).
    #[error("C003 `{0}` is a reserved word of JavaScript; export the function under another name")]
    ReservedName(SmolStr),
    /// An export names a function or service that does not exist (a checker invariant broke).
    #[error("C002 dangling export `{0}`")]
    Dangling(SmolStr),
}
