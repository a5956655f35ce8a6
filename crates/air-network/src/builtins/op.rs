//! The `op` service: identity, arrays, string and byte helpers, base58 and SHA-256.
//! `sha256_string` really hashes (the documented contract, and the JS client's answer); nox
//! only wraps the string's bytes as a multihash digest.

use sha2::{Digest, Sha256};

use super::Outcome;
use super::args::{Args, Failure};
use air_vm::value::JValue;

/// Why base58 or UTF-8 decoding failed (nox's `HostClosureCallError`).
#[derive(Debug)]
pub enum DecodeError {
    /// Not base58.
    DecodeBase58(bs58::decode::Error),
    /// Not UTF-8.
    DecodeUTF8(std::string::FromUtf8Error),
}

impl std::fmt::Display for DecodeError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DecodeError::DecodeBase58(error) => write!(f, "decode base58 failed: {error}"),
            DecodeError::DecodeUTF8(error) => {
                write!(f, "decode from bytes to UTF8 failed: {error}")
            }
        }
    }
}

/// An `op` function, or `None` for an unknown one.
pub fn call(function: &str, args: &[JValue]) -> Option<Outcome> {
    let result = match function {
        "noop" => return Some(Outcome::Empty),
        "identity" => return Some(identity(args)),
        "array" => Ok(JValue::Array(args.to_vec())),
        "array_length" => array_length(args),
        "concat" => concat(args),
        "concat_strings" => concat_strings(args),
        "string_to_b58" => Args::new(args)
            .next::<String>("string")
            .map(|text| bs58::encode(text).into_string().into())
            .map_err(Failure::from),
        "string_from_b58" => string_from_b58(args),
        "bytes_to_b58" => Args::new(args)
            .next::<Vec<u8>>("bytes")
            .map(|bytes| bs58::encode(bytes).into_string().into())
            .map_err(Failure::from),
        "bytes_from_b58" => {
            b58_argument(args, "b58_string").map(|bytes| JValue::from(bytes.to_vec()))
        }
        "sha256_string" => sha256_string(args),
        _ => return None,
    };
    Some(result.into())
}

/// Base58 text decoded to bytes, with nox's error.
pub fn decode_b58(text: &str) -> Result<Vec<u8>, Failure> {
    bs58::decode(text)
        .into_vec()
        .map_err(|error| Failure::wrapped(&DecodeError::DecodeBase58(error)))
}

/// `op array_length` (also `array.length`): the length of the one array argument.
pub fn array_length(args: &[JValue]) -> Result<JValue, Failure> {
    match args {
        [JValue::Array(items)] => Ok(items.len().into()),
        [_] => Err(Failure::plain("op array_length's argument must be an array")),
        other => Err(Failure::plain(format!(
            "op array_length accepts exactly 1 argument: {} found",
            other.len()
        ))),
    }
}

fn identity(args: &[JValue]) -> Outcome {
    match args {
        [] => Outcome::Empty,
        [one] => Outcome::Ok(one.clone()),
        many => Outcome::Err(format!(
            "identity accepts up to 1 arguments, received {} arguments",
            many.len()
        )),
    }
}

fn concat(args: &[JValue]) -> Result<JValue, Failure> {
    let mut items = Vec::new();
    for (index, arg) in args.iter().enumerate() {
        match arg {
            JValue::Array(array) => items.extend(array.iter().cloned()),
            _ => {
                return Err(Failure::plain(format!(
                    "all arguments of 'concat' must be arrays: argument #{index} is not"
                )));
            }
        }
    }
    Ok(JValue::Array(items))
}

fn concat_strings(args: &[JValue]) -> Result<JValue, Failure> {
    let mut text = String::new();
    for (index, arg) in args.iter().enumerate() {
        match arg {
            JValue::String(part) => text.push_str(part),
            _ => {
                return Err(Failure::plain(format!(
                    "all arguments of 'concat_strings' must be strings: argument #{index} is not"
                )));
            }
        }
    }
    Ok(JValue::String(text))
}

fn b58_argument(args: &[JValue], field: &'static str) -> Result<Vec<u8>, Failure> {
    let text: String = Args::new(args).next(field)?;
    decode_b58(&text)
}

fn string_from_b58(args: &[JValue]) -> Result<JValue, Failure> {
    let bytes = b58_argument(args, "b58_string")?;
    String::from_utf8(bytes)
        .map(JValue::String)
        .map_err(|error| Failure::wrapped(&DecodeError::DecodeUTF8(error)))
}

/// `sha256_string(s, digest_only?, as_bytes?)`: the SHA-256 multihash (`12 20 ‖ digest`) of
/// the string, or only the digest; base58 text, or an array of bytes.
fn sha256_string(args: &[JValue]) -> Result<JValue, Failure> {
    let mut args = Args::new(args);
    let text: String = args.next("string")?;
    let digest_only: Option<bool> = args.next_opt("digest_only")?;
    let as_bytes: Option<bool> = args.next_opt("as_bytes")?;
    let digest = Sha256::digest(text.as_bytes());
    let bytes = if digest_only == Some(true) {
        digest.to_vec()
    } else {
        [&[0x12, 0x20][..], &digest[..]].concat()
    };
    Ok(if as_bytes == Some(true) {
        JValue::from(bytes)
    } else {
        JValue::String(bs58::encode(bytes).into_string())
    })
}
