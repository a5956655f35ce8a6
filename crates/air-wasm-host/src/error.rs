//! Errors of loading a component and of calling one of its functions.

/// Why a component could not be loaded as a service.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LoadError {
    /// The bytes are neither a valid component binary nor valid component text.
    #[error("not a valid WebAssembly component: {0}")]
    Invalid(String),
    /// An exported function uses a type that has no Aqua counterpart.
    #[error("function `{function}` uses the component type `{ty}`, which Aqua services cannot use")]
    UnsupportedType {
        /// The export.
        function: String,
        /// The offending type, in WIT notation.
        ty: String,
    },
    /// An exported function returns more than one value; Aqua service functions have at most one.
    #[error(
        "function `{function}` returns {count} values; Aqua service functions return at most one"
    )]
    TooManyResults {
        /// The export.
        function: String,
        /// How many results it declares.
        count: usize,
    },
    /// The component imports functions the host does not provide.
    #[error("the component needs imports that the host does not provide: {0}")]
    Instantiation(String),
}

/// Why a call failed. Each becomes a failed service call (`ret_code` non-zero) for the caller.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CallError {
    /// No exported function has this name.
    #[error("service has no function `{function}`; it has: {available}")]
    UnknownFunction {
        /// The requested name.
        function: String,
        /// The names it has, comma separated.
        available: String,
    },
    /// The number of arguments differs from the function's parameters.
    #[error("function `{function}` takes {expected} argument(s), got {given}")]
    Arity {
        /// The function.
        function: String,
        /// Its parameter count.
        expected: usize,
        /// The arguments given.
        given: usize,
    },
    /// An argument does not fit the parameter's type.
    #[error("argument `{param}` of `{function}`: {reason}")]
    Argument {
        /// The function.
        function: String,
        /// The parameter.
        param: String,
        /// What did not fit.
        reason: String,
    },
    /// The function trapped (a Wasm runtime error).
    #[error("function `{function}` trapped: {reason}")]
    Trap {
        /// The function.
        function: String,
        /// The trap message.
        reason: String,
    },
    /// The function used up its fuel (instruction budget).
    #[error("function `{function}` ran out of fuel after {fuel} units")]
    OutOfFuel {
        /// The function.
        function: String,
        /// The budget it had.
        fuel: u64,
    },
    /// The function tried to grow its memory beyond the limit.
    #[error("function `{function}` exceeded the memory limit of {limit} bytes")]
    OutOfMemory {
        /// The function.
        function: String,
        /// The limit.
        limit: usize,
    },
    /// The function returned a value that cannot be represented as JSON (e.g. a NaN float).
    #[error("function `{function}` returned a value JSON cannot hold: {reason}")]
    Result {
        /// The function.
        function: String,
        /// What could not be converted.
        reason: String,
    },
}
