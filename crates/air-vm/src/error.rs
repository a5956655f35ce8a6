//! The errors of a step, one enum per phase, with AquaVM's numeric codes.
//!
//! Catchable errors can be handled by `xor`; fatal (uncatchable) ones abort the step and keep the
//! previous data; preparation errors happen before execution (parsing, data, signatures).
//! Variants carry data; `Display` gives a one-line message for logs and `:error:` objects.

use thiserror::Error;

/// Any error a step can end with.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum VmError {
    /// The script, the data, the keys or the call results were rejected before execution.
    #[error(transparent)]
    Preparation(#[from] PreparationError),
    /// A catchable error reached the root of the script.
    #[error(transparent)]
    Catchable(#[from] CatchableError),
    /// An uncatchable error: the data is inconsistent or a limit was hit.
    #[error(transparent)]
    Fatal(#[from] FatalError),
    /// The step ran but left something undone.
    #[error(transparent)]
    Farewell(#[from] FarewellError),
}

impl VmError {
    /// AquaVM's numeric code of this error.
    pub fn code(&self) -> i64 {
        match self {
            VmError::Preparation(error) => error.code(),
            VmError::Catchable(error) => error.code(),
            VmError::Fatal(error) => error.code(),
            VmError::Farewell(error) => error.code(),
        }
    }
}

/// Errors found before execution (codes 1..=10). The step returns the previous data unchanged.
#[derive(Debug, Clone, PartialEq, Error)]
pub enum PreparationError {
    /// The script does not parse or fails validation.
    #[error("air can't be parsed: {0}")]
    AirParse(String),
    /// The previous or the incoming data is malformed.
    #[error("data can't be decoded: {0}")]
    Data(#[from] DataError),
    /// The call results are malformed.
    #[error("call results can't be decoded: {0}")]
    CallResults(String),
    /// The secret key does not belong to the current peer id.
    #[error("the key pair does not match the current peer id {0}")]
    MalformedKeyPair(String),
    /// The signatures of the incoming data are wrong.
    #[error("signature check failed: {0}")]
    Signature(#[from] SignatureError),
    /// A size limit was exceeded.
    #[error("size limit exceeded: {what} is {size} bytes, the limit is {limit}")]
    SizeLimit {
        /// What was too large.
        what: &'static str,
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
}

impl PreparationError {
    /// AquaVM's numeric code.
    pub fn code(&self) -> i64 {
        match self {
            PreparationError::AirParse(_) => 1,
            PreparationError::Data(_) => 2,
            PreparationError::CallResults(_) => 5,
            PreparationError::MalformedKeyPair(_) => 7,
            PreparationError::Signature(_) => 9,
            PreparationError::SizeLimit { .. } => 10,
        }
    }
}

/// Why particle data could not be decoded. Each kind of damage has its own variant.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum DataError {
    /// The data does not start with the format's magic bytes.
    #[error("not particle data: bad magic bytes")]
    BadMagic,
    /// The data has a format version this VM does not read.
    #[error("unsupported data format version {0}")]
    UnsupportedVersion(u8),
    /// The data ends in the middle of an item.
    #[error("data truncated at byte {0}")]
    Truncated(usize),
    /// Bytes remain after the last item.
    #[error("{0} unexpected bytes after the data")]
    TrailingBytes(usize),
    /// An unknown tag byte.
    #[error("unknown {what} tag {tag} at byte {at}")]
    BadTag {
        /// What kind of item was read.
        what: &'static str,
        /// The tag found.
        tag: u8,
        /// Where.
        at: usize,
    },
    /// A reference into a table is out of range.
    #[error("{what} index {index} out of range")]
    BadIndex {
        /// Which table.
        what: &'static str,
        /// The index.
        index: u64,
    },
    /// A string is not UTF-8.
    #[error("invalid UTF-8 in a string at byte {0}")]
    InvalidUtf8(usize),
    /// A stored value is not JSON.
    #[error("value {0} is not valid JSON")]
    InvalidJson(usize),
    /// A long value's carried hash is not the hash of its text.
    #[error("value {0} does not match its hash")]
    ValueHashMismatch(usize),
    /// A varint is longer than 64 bits.
    #[error("overlong number at byte {0}")]
    BadVarint(usize),
    /// The trace nests deeper than the limit.
    #[error("trace nesting deeper than {0}")]
    TooDeep(usize),
    /// A table holds an entry twice, entries out of order, or unused entries, or a carried
    /// placed digest is not its result's.
    #[error(
        "data is not in canonical form (reordered, duplicated or unused entries, or wrong placed digests)"
    )]
    NonCanonical,
    /// A count is larger than the remaining data could hold.
    #[error("count {0} larger than the data")]
    BadCount(u64),
    /// The data does not carry one placed digest for each signed result of its trace.
    #[error("{count} placed digests at byte {at} for {signed} signed results")]
    PlacedDigestCount {
        /// Where the digests start.
        at: usize,
        /// How many digests the data carries.
        count: usize,
        /// How many signed results its trace holds.
        signed: usize,
    },
}

/// Why the signatures of incoming data were rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum SignatureError {
    /// Results are attributed to a peer that did not sign them.
    #[error("results attributed to peer {0} carry no signature of it")]
    MissingSignature(String),
    /// A signature does not verify over the peer's results and the particle id.
    #[error("signature mismatch for peer {0}")]
    BadSignature(String),
    /// A signature is stored for a peer that owns no result.
    #[error("signature of peer {0} covers no result")]
    UnexpectedSignature(String),
    /// A peer id is not the libp2p form of an ed25519 key.
    #[error("invalid peer id {0}")]
    InvalidPeerId(String),
    /// The incoming data drops or replaces results of a peer that this peer already holds.
    #[error("incoming data rewrites the history of peer {0}")]
    HistoryRewritten(String),
}

/// Errors that `xor` can catch (codes 10000..).
#[derive(Debug, Clone, PartialEq, Error)]
pub enum CatchableError {
    /// A service call returned a non-zero ret code.
    #[error("Local service error, ret_code is {ret_code}, error message is '{message}'")]
    LocalServiceError {
        /// The service's ret code.
        ret_code: i32,
        /// The JSON text the service returned.
        message: String,
    },
    /// `match` operands differ.
    #[error("compared values do not match")]
    MatchValuesNotEqual,
    /// `mismatch` operands are equal.
    #[error("compared values do not mismatch")]
    MismatchValuesEqual,
    /// A value has the wrong JSON type.
    #[error("expected {expected}, got '{got}'")]
    IncompatibleValueType {
        /// The expected type.
        expected: &'static str,
        /// The value found.
        got: String,
    },
    /// A scalar fold over a non-array: the iterable as AquaVM prints it, and the value.
    #[error("expression '{0}' returned non-array value '{1}' for fold iterable")]
    FoldIteratesOverNonArray(String, String),
    /// A `fail` instruction threw an object. The message quotes the object, cut at 4 KiB: an
    /// object rethrown in a loop quotes the message before it, which would otherwise double in
    /// size on every iteration.
    #[error(
        "fail with '{}' is used without corresponding xor",
        crate::value::describe_up_to(.0, 4096)
    )]
    UserError(serde_json::Value),
    /// A lens could not be applied.
    #[error("{0}")]
    Lens(String),
    /// `fail` was given something that is not an error object: AquaVM's text of the fault.
    #[error("{0}")]
    InvalidErrorObject(String),
    /// `.length` on something that is not an array.
    #[error(
        "the length functor could applied only to an array-like value, but it's applied to '{0}'"
    )]
    LengthNotArray(String),
    /// A peer id, service id or function name is not a string: the variable and its value.
    #[error("call cannot resolve non-String triplet variable part `{0}` with value '{1}'")]
    NonStringInTriplet(String, String),
    /// A stream map key is neither a string nor an integer: the map's name.
    #[error("unsupported type for %{0} map's key")]
    StreamMapKey(String),
}

impl CatchableError {
    /// AquaVM's numeric code.
    pub fn code(&self) -> i64 {
        match self {
            CatchableError::LocalServiceError { .. } => 10000,
            CatchableError::MatchValuesNotEqual => 10001,
            CatchableError::MismatchValuesEqual => 10002,
            CatchableError::IncompatibleValueType { .. } => 10004,
            CatchableError::FoldIteratesOverNonArray(..) => 10005,
            CatchableError::UserError(_) => 10006,
            CatchableError::Lens(_) => 10007,
            CatchableError::InvalidErrorObject(_) => 10008,
            CatchableError::LengthNotArray(_) => 10010,
            CatchableError::NonStringInTriplet(..) => 10011,
            CatchableError::StreamMapKey(_) => 10012,
        }
    }
}

/// Uncatchable errors (codes 20000..): the step keeps the previous data.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FatalError {
    /// Previous and incoming traces contradict each other, or a state has the wrong kind.
    #[error("trace error: {0}")]
    Trace(String),
    /// A scalar is defined with the name of a fold iterator.
    #[error("variable with name '{0}' can't be shadowed, shadowing isn't supported for iterables")]
    IterableShadowing(String),
    /// A global scalar is set twice.
    #[error("trying to shadow variable '{0}', but shadowing is allowed only inside fold blocks")]
    ShadowingIsNotAllowed(String),
    /// A stream holds more values than allowed: its name and the limit.
    #[error("stream size goes over the allowed limit of {1}")]
    StreamSizeLimit(String, usize),
    /// A replayed result was produced with other arguments or by another peer or service.
    #[error("instruction parameters mismatch: {0}")]
    ParametersMismatch(String),
    /// A replayed call result went where the call does not put it (a scalar, a stream, or
    /// nowhere): the kind the trace records.
    #[error("call result value {0} doesn't match with corresponding instruction")]
    CallResultMismatch(&'static str),
    /// Fold recursion is deeper than the VM allows.
    #[error("fold recursion deeper than {0}")]
    RecursionLimit(usize),
    /// The step executed more instructions than its limit allows (replayed ones included).
    #[error("the step executed more than {0} instructions")]
    InstructionLimit(u64),
}

impl FatalError {
    /// AquaVM's numeric code (ours past 20020 for errors AquaVM does not have).
    pub fn code(&self) -> i64 {
        match self {
            FatalError::Trace(_) => 20000,
            FatalError::IterableShadowing(_) => 20004,
            FatalError::ShadowingIsNotAllowed(_) => 20007,
            FatalError::StreamSizeLimit(..) => 20013,
            FatalError::ParametersMismatch(_) => 20017,
            FatalError::CallResultMismatch(_) => 20006,
            FatalError::RecursionLimit(_) => 20021,
            FatalError::InstructionLimit(_) => 20022,
        }
    }
}

/// Errors found after execution (codes 30000..): the new data is still returned.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FarewellError {
    /// The host supplied results for calls that the script did not consume.
    #[error("call results {0:?} were not processed")]
    UnprocessedCallResult(Vec<u32>),
}

impl FarewellError {
    /// AquaVM's numeric code.
    pub fn code(&self) -> i64 {
        match self {
            FarewellError::UnprocessedCallResult(_) => 30000,
        }
    }
}
