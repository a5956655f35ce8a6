//! Internal compiler errors of lowering. Lowering of an error-free typed program is total: each
//! variant here is a bug in the compiler (or input the checker should have rejected), never a
//! user error, and it is reported instead of panicking.

use smol_str::SmolStr;

/// An internal compiler error (code `L0xx`).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LowerError {
    /// An expression or statement the checker marked as erroneous reached lowering.
    #[error("L001 the program has errors; lowering needs an error-free program")]
    ErrorNode,
    /// A local was used before any binding (a checker invariant broke).
    #[error("L002 unbound local `{0}`")]
    Unbound(SmolStr),
    /// A value of the wrong kind appeared where another was needed (a checker invariant broke).
    #[error("L003 expected {expected}, found {found}")]
    Kind {
        /// What lowering needed.
        expected: &'static str,
        /// What it found.
        found: &'static str,
    },
    /// A literal that AIR cannot represent, such as an integer beyond `i64`.
    #[error("L004 literal `{0}` cannot be written in AIR")]
    Literal(String),
    /// A reference to a function, service or constant index that does not exist.
    #[error("L005 dangling reference to {0}")]
    Dangling(&'static str),
    /// Inlining nested deeper than the program's functions and closures allow: recursion,
    /// which the checker forbids (T036).
    #[error("L006 inlining deeper than {0} calls: recursion the checker did not report")]
    TooDeep(usize),
    /// `--call` text that is not `name(arg, ...)`, names an unknown function, gives it the wrong
    /// number of arguments or an argument that is not a name, a literal or an array of them.
    #[error(
        "L007 invalid function call `{0}`: expected `function(arguments)` naming a function of \
         the file, with as many arguments as it takes, each a name (fetched from the data), a \
         literal or an array of them"
    )]
    BadCall(String),
}

impl LowerError {
    /// The stable code (`L001`…), which also starts the `Display` text.
    pub fn code(&self) -> &'static str {
        match self {
            LowerError::ErrorNode => "L001",
            LowerError::Unbound(_) => "L002",
            LowerError::Kind { .. } => "L003",
            LowerError::Literal(_) => "L004",
            LowerError::Dangling(_) => "L005",
            LowerError::TooDeep(_) => "L006",
            LowerError::BadCall(_) => "L007",
        }
    }

    /// Whether this is the compiler's own fault rather than its input's: every error but a bad
    /// `--call` text (the checker lets no other fault of a program through).
    pub fn is_internal(&self) -> bool {
        !matches!(self, LowerError::BadCall(_))
    }
}

/// The result type of lowering.
pub type Result<T> = std::result::Result<T, LowerError>;
