//! Argument decoding with nox's rules and error texts (`particle-args`): positional, strictly
//! typed (an `i64` takes no float and no string), options as absent, `null`, `[]`, `[x]` or `x`.
//! Extra arguments are ignored unless a function takes an exact count ([`unary`], [`binary`]).

use std::fmt;

use air_vm::value::JValue;

/// Why an argument could not be decoded: nox's `ArgsError`. `Display` is the message, `Debug`
/// the second line of a wrapped error.
#[derive(Debug, Clone, PartialEq)]
pub enum ArgError {
    /// `Field 'NAME' is missing from args to call_service`
    MissingField(&'static str),
    /// `Error while deserializing field 'NAME': ERR`
    InvalidFormat {
        /// The argument's name.
        field: &'static str,
        /// What is wrong with it.
        err: String,
    },
    /// `Option's array must contain at most 1 element, 'NAME' was of N elements`
    NonUnaryOption {
        /// The argument's name.
        field: &'static str,
        /// The array's length.
        length: usize,
    },
    /// `Error deserializing field 'NAME': expected TYPE, got VALUE`
    DeserializeError {
        /// The argument's name.
        field: &'static str,
        /// The value given.
        value: JValue,
        /// The Rust type nox expected, as `std::any::type_name` spells it.
        expected_type: String,
    },
}

impl fmt::Display for ArgError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ArgError::MissingField(field) => {
                write!(f, "Field '{field}' is missing from args to call_service")
            }
            ArgError::InvalidFormat { field, err } => {
                write!(f, "Error while deserializing field '{field}': {err}")
            }
            ArgError::NonUnaryOption { field, length } => write!(
                f,
                "Option's array must contain at most 1 element, '{field}' was of {length} elements"
            ),
            ArgError::DeserializeError { field, value, expected_type } => {
                write!(
                    f,
                    "Error deserializing field '{field}': expected {expected_type}, got {value}"
                )
            }
        }
    }
}

/// A built-in's failure: the whole message the caller receives.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Failure(pub String);

impl Failure {
    /// A plain message, shown as is.
    pub fn plain(message: impl Into<String>) -> Failure {
        Failure(message.into())
    }

    /// A wrapped error: `Error: DISPLAY` and, on the next line, `DEBUG`.
    pub fn wrapped(error: &(impl fmt::Display + fmt::Debug)) -> Failure {
        Failure(format!("Error: {error}\n{error:?}"))
    }
}

impl From<ArgError> for Failure {
    fn from(error: ArgError) -> Failure {
        Failure::wrapped(&error)
    }
}

/// A Rust type an argument is decoded into, with the name nox's error gives it.
pub trait Decode: Sized {
    /// `std::any::type_name` with `alloc::…` paths stripped, as nox prints it.
    fn type_name() -> String;
    /// The value, if it has this type (serde's strict rules).
    fn decode(value: &JValue) -> Option<Self>;
}

impl Decode for i64 {
    fn type_name() -> String {
        "i64".into()
    }
    fn decode(value: &JValue) -> Option<i64> {
        value.as_i64()
    }
}

impl Decode for u64 {
    fn type_name() -> String {
        "u64".into()
    }
    fn decode(value: &JValue) -> Option<u64> {
        value.as_u64()
    }
}

impl Decode for usize {
    fn type_name() -> String {
        "usize".into()
    }
    fn decode(value: &JValue) -> Option<usize> {
        value.as_u64().and_then(|n| usize::try_from(n).ok())
    }
}

impl Decode for u32 {
    fn type_name() -> String {
        "u32".into()
    }
    fn decode(value: &JValue) -> Option<u32> {
        value.as_u64().and_then(|n| u32::try_from(n).ok())
    }
}

impl Decode for i32 {
    fn type_name() -> String {
        "i32".into()
    }
    fn decode(value: &JValue) -> Option<i32> {
        value.as_i64().and_then(|n| i32::try_from(n).ok())
    }
}

impl Decode for u8 {
    fn type_name() -> String {
        "u8".into()
    }
    fn decode(value: &JValue) -> Option<u8> {
        value.as_u64().and_then(|n| u8::try_from(n).ok())
    }
}

impl Decode for f64 {
    fn type_name() -> String {
        "f64".into()
    }
    fn decode(value: &JValue) -> Option<f64> {
        value.as_f64()
    }
}

impl Decode for bool {
    fn type_name() -> String {
        "bool".into()
    }
    fn decode(value: &JValue) -> Option<bool> {
        value.as_bool()
    }
}

impl Decode for String {
    fn type_name() -> String {
        "String".into()
    }
    fn decode(value: &JValue) -> Option<String> {
        value.as_str().map(str::to_owned)
    }
}

impl Decode for JValue {
    fn type_name() -> String {
        "serde_json::value::Value".into()
    }
    fn decode(value: &JValue) -> Option<JValue> {
        Some(value.clone())
    }
}

impl<T: Decode> Decode for Vec<T> {
    fn type_name() -> String {
        format!("Vec<{}>", T::type_name())
    }
    fn decode(value: &JValue) -> Option<Vec<T>> {
        value.as_array()?.iter().map(T::decode).collect()
    }
}

/// A JSON object.
pub type Object = serde_json::Map<String, JValue>;

impl Decode for Object {
    fn type_name() -> String {
        "serde_json::map::Map<String, serde_json::value::Value>".into()
    }
    fn decode(value: &JValue) -> Option<Object> {
        value.as_object().cloned()
    }
}

/// A key and a value, given as a two-element array `[key, value]`.
impl Decode for (String, JValue) {
    fn type_name() -> String {
        "(String, serde_json::value::Value)".into()
    }
    fn decode(value: &JValue) -> Option<(String, JValue)> {
        match value.as_array()?.as_slice() {
            [JValue::String(key), value] => Some((key.clone(), value.clone())),
            _ => None,
        }
    }
}

/// Strings decoded as a set (`array.intersect` and friends), in order, without duplicates.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StringSet(pub Vec<String>);

impl Decode for StringSet {
    fn type_name() -> String {
        "std::collections::hash::set::HashSet<String>".into()
    }
    fn decode(value: &JValue) -> Option<StringSet> {
        let mut items: Vec<String> = Vec::new();
        for item in value.as_array()? {
            let item = item.as_str()?;
            if !items.iter().any(|seen| seen == item) {
                items.push(item.to_owned());
            }
        }
        Some(StringSet(items))
    }
}

/// The arguments of one call, taken in order.
pub struct Args<'a> {
    rest: std::slice::Iter<'a, JValue>,
}

impl<'a> Args<'a> {
    /// The arguments, first to last.
    pub fn new(args: &'a [JValue]) -> Args<'a> {
        Args { rest: args.iter() }
    }

    /// The next argument, required.
    pub fn next<T: Decode>(&mut self, field: &'static str) -> Result<T, ArgError> {
        let value = self.rest.next().ok_or(ArgError::MissingField(field))?;
        T::decode(value).ok_or_else(|| ArgError::DeserializeError {
            field,
            value: value.clone(),
            expected_type: T::type_name(),
        })
    }

    /// The next argument as an option: absent, `null` and `[]` are none; `[x]` and `x` are
    /// some; a longer array is an error unless it is itself a `T`.
    pub fn next_opt<T: Decode>(&mut self, field: &'static str) -> Result<Option<T>, ArgError> {
        let Some(value) = self.rest.next() else { return Ok(None) };
        if let Some(items) = Vec::<T>::decode(value) {
            let length = items.len();
            if length > 1 {
                return Err(ArgError::NonUnaryOption { field, length });
            }
            return Ok(items.into_iter().next());
        }
        if let Some(item) = T::decode(value) {
            return Ok(Some(item));
        }
        if value.is_null() {
            return Ok(None);
        }
        Err(ArgError::DeserializeError {
            field,
            value: value.clone(),
            expected_type: format!("Option<{}>", T::type_name()),
        })
    }
}

/// A function of exactly one argument, `x` (nox's `unary`).
pub fn unary<X: Decode>(args: &[JValue]) -> Result<X, Failure> {
    if args.len() != 1 {
        return Err(Failure::plain(format!("expected 1 arguments, got {}", args.len())));
    }
    Ok(Args::new(args).next("x")?)
}

/// A function of exactly two arguments, `x` and `y` (nox's `binary`).
pub fn binary<X: Decode, Y: Decode>(args: &[JValue]) -> Result<(X, Y), Failure> {
    if args.len() != 2 {
        return Err(Failure::plain(format!("expected 2 arguments, got {}", args.len())));
    }
    let mut args = Args::new(args);
    let x = args.next("x")?;
    let y = args.next("y")?;
    Ok((x, y))
}
