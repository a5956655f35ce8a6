//! The `peer` service: node info, the virtual clock, `timeout` as a result that arrives later
//! on that clock, and connectivity, where every other peer of the simulated network counts as
//! connected and known.

use super::args::{ArgError, Args, Decode, Failure};
use super::{Context, Options, Outcome, guard};
use air_vm::value::JValue;

/// What `identify` reports as the node and interpreter versions.
const VERSION: &str = concat!("aqua-rs-", env!("CARGO_PKG_VERSION"));

/// A `peer` function, or `None` for an unknown one.
pub fn call(
    options: &Options,
    ctx: &Context<'_>,
    function: &str,
    args: &[JValue],
) -> Option<Outcome> {
    let result = match function {
        "identify" => Ok(serde_json::json!({
            "external_addresses": [],
            "node_version": VERSION,
            "air_version": VERSION,
            "spell_version": "",
            "allowed_binaries": [],
            "vm_info": null,
        })),
        "timestamp_ms" => Ok(ctx.now.into()),
        "timestamp_sec" => Ok((ctx.now / 1000).into()),
        "timeout" => return Some(timeout(args)),
        "is_connected" => {
            peer_argument(args, "peer_id").map(|peer| JValue::Bool(is_known(ctx, &peer)))
        }
        "connect" => guard(options, ctx).and_then(|()| {
            let mut next = Args::new(args);
            let peer: String = next.next("peer_id")?;
            parse_peer_id(&peer)?;
            let _addresses: Option<Vec<String>> = next.next_opt("addresses")?;
            Ok(JValue::Bool(is_known(ctx, &peer)))
        }),
        "get_contact" => {
            return Some(match peer_argument(args, "peer_id") {
                Ok(peer) if is_known(ctx, &peer) => {
                    Outcome::Ok(serde_json::json!({"peer_id": peer, "addresses": []}))
                }
                Ok(_) => Outcome::Empty,
                Err(Failure(message)) => Outcome::Err(message),
            });
        }
        _ => return None,
    };
    Some(result.into())
}

/// Another peer of the simulated network (nox: one in the connection pool).
fn is_known(ctx: &Context<'_>, peer: &str) -> bool {
    peer != ctx.peer_id && ctx.network.iter().any(|id| id == peer)
}

/// A duration given as a number or as numeric text (nox's `parse_from_str`).
enum NumberOrText {
    Text(String),
    Number(u64),
}

impl Decode for NumberOrText {
    fn type_name() -> String {
        "particle_builtins::builtins::parse_from_str::Either<u64>".into()
    }
    fn decode(value: &JValue) -> Option<NumberOrText> {
        match value {
            JValue::String(text) => Some(NumberOrText::Text(text.clone())),
            other => other.as_u64().map(NumberOrText::Number),
        }
    }
}

/// A numeric text that is not a `u64` (nox's `parse_from_str` error).
struct Error {
    field_name: String,
    err: std::num::ParseIntError,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Error while deserializing field {}", self.field_name)
    }
}

impl std::fmt::Debug for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Error")
            .field("field_name", &self.field_name)
            .field("err", &self.err)
            .finish()
    }
}

/// `timeout(duration_ms, message?)`: `message` (or `""`) after `duration_ms` of simulated
/// time; argument errors come at once.
fn timeout(args: &[JValue]) -> Outcome {
    let decoded = (|| -> Result<(u64, Option<String>), Failure> {
        let mut next = Args::new(args);
        let duration = match next.next_opt::<NumberOrText>("duration_ms")? {
            None => return Err(ArgError::MissingField("duration_ms").into()),
            Some(NumberOrText::Number(ms)) => ms,
            Some(NumberOrText::Text(text)) => text.parse().map_err(|err| {
                Failure::wrapped(&Error { field_name: "duration_ms".into(), err })
            })?,
        };
        let message: Option<String> = next.next_opt("message")?;
        Ok((duration, message))
    })();
    match decoded {
        Ok((after_ms, message)) => {
            Outcome::Later { after_ms, value: JValue::String(message.unwrap_or_default()) }
        }
        Err(Failure(message)) => Outcome::Err(message),
    }
}

/// A peer id argument, checked as libp2p parses one.
fn peer_argument(args: &[JValue], field: &'static str) -> Result<String, Failure> {
    let peer: String = Args::new(args).next(field)?;
    parse_peer_id(&peer)?;
    Ok(peer)
}

/// libp2p's `ParseError` for peer ids.
#[derive(Debug)]
enum ParseError {
    B58(bs58::decode::Error),
    UnsupportedCode(u64),
    InvalidMultihash,
}

impl std::fmt::Display for ParseError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ParseError::B58(error) => write!(f, "base-58 decode error: {error}"),
            ParseError::UnsupportedCode(code) => write!(f, "unsupported multihash code '{code}'"),
            ParseError::InvalidMultihash => f.write_str("invalid multihash"),
        }
    }
}

/// Checks that `text` is a peer id: base58 of an identity (code 0) or sha2-256 (code 0x12)
/// multihash.
pub fn parse_peer_id(text: &str) -> Result<(), Failure> {
    let bytes = bs58::decode(text).into_vec().map_err(|e| Failure::wrapped(&ParseError::B58(e)))?;
    let invalid = || Failure::wrapped(&ParseError::InvalidMultihash);
    let [code, size, digest @ ..] = bytes.as_slice() else { return Err(invalid()) };
    if usize::from(*size) != digest.len() || *size >= 0x80 {
        return Err(invalid());
    }
    match code {
        0x00 if digest.len() <= 42 => Ok(()),
        0x12 if digest.len() == 32 => Ok(()),
        0x00 | 0x12 => Err(invalid()),
        other => Err(Failure::wrapped(&ParseError::UnsupportedCode(u64::from(*other)))),
    }
}
