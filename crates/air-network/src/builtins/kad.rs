//! The `kad` service: Kademlia neighbourhoods over the simulated network. `neighborhood` ranks
//! every other peer by the XOR distance between sha256(key multihash) and sha256(peer id bytes),
//! as nox ranks its routing table (the key's bytes are wrapped as a sha2-256 multihash without
//! hashing unless `already_hashed`); `merge` ranks base58 items by the distance of their
//! sha256 to the target's.

use sha2::{Digest, Sha256};

use super::args::{ArgError, Args, Failure};
use super::op::decode_b58;
use super::{Context, Outcome};
use air_vm::value::JValue;

/// Kademlia's K, the default count.
const K_VALUE: usize = 20;
/// The largest digest a multihash holds (nox's `Multihash<64>`).
const MAX_DIGEST: u64 = 64;

/// A multihash error as nox reports it (`multihash::Error`).
#[derive(Debug)]
enum Kind {
    InvalidSize(u64),
    Varint(&'static str),
    Io(&'static str),
}

/// `multihash::Error`, whose `Debug` is `Error { kind: … }`.
#[derive(Debug)]
struct Error {
    kind: Kind,
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.kind {
            Kind::InvalidSize(size) => write!(f, "Invalid multihash size {size}."),
            Kind::Varint(message) | Kind::Io(message) => f.write_str(message),
        }
    }
}

impl From<Error> for Failure {
    fn from(error: Error) -> Failure {
        Failure::wrapped(&error)
    }
}

/// A `kad` function, or `None` for an unknown one.
pub fn call(ctx: &Context<'_>, function: &str, args: &[JValue]) -> Option<Outcome> {
    let result = match function {
        "neighborhood" => neighbours(ctx, args).map(|peers| peers.into()),
        "neigh_with_addrs" => neighbours(ctx, args).map(|peers| {
            let contacts =
                peers.into_iter().map(|id| serde_json::json!({"peer_id": id, "addresses": []}));
            JValue::Array(contacts.collect())
        }),
        "merge" => merge(args),
        _ => return None,
    };
    Some(result.into())
}

/// `neighborhood(key, already_hashed?, count?)`: the closest other peers, nearest first.
fn neighbours(ctx: &Context<'_>, args: &[JValue]) -> Result<Vec<String>, Failure> {
    let mut next = Args::new(args);
    let key: String = next.next("key")?;
    let key = bs58::decode(&key).into_vec().map_err(|error| ArgError::InvalidFormat {
        field: "key",
        err: format!("not a base58: {error}"),
    })?;
    let already_hashed: Option<bool> = next.next_opt("already_hashed")?;
    let count: Option<usize> = next.next_opt("count")?;
    let multihash = if already_hashed == Some(true) { check_multihash(&key)? } else { wrap(&key)? };
    let target = Sha256::digest(&multihash);
    let mut peers: Vec<(Vec<u8>, &String)> = ctx
        .network
        .iter()
        .filter(|id| id.as_str() != ctx.peer_id)
        .filter_map(|id| Some((distance(&target, &bs58::decode(id).into_vec().ok()?), id)))
        .collect();
    peers.sort();
    Ok(peers.into_iter().take(count.unwrap_or(K_VALUE)).map(|(_, id)| id.clone()).collect())
}

/// `merge(target, left, right, count?)`: both lists, nearest to the target first, without
/// duplicates, at most `count`.
fn merge(args: &[JValue]) -> Result<JValue, Failure> {
    let mut next = Args::new(args);
    let target: String = next.next("target")?;
    let left: Vec<String> = next.next("left")?;
    let right: Vec<String> = next.next("right")?;
    let count: Option<usize> = next.next_opt("count")?;
    let target = Sha256::digest(decode_b58(&target)?);
    let mut keys: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(left.len() + right.len());
    for item in left.iter().chain(&right) {
        let bytes = decode_b58(item)?;
        keys.push((distance(&target, &bytes), bytes));
    }
    keys.sort_by(|a, b| a.0.cmp(&b.0));
    keys.dedup();
    let merged = keys.into_iter().take(count.unwrap_or(K_VALUE));
    Ok(merged.map(|(_, bytes)| JValue::String(bs58::encode(bytes).into_string())).collect())
}

/// The XOR distance between a hashed target and sha256 of `preimage`, big-endian.
fn distance(target: &[u8], preimage: &[u8]) -> Vec<u8> {
    target.iter().zip(Sha256::digest(preimage)).map(|(a, b)| a ^ b).collect()
}

/// The key as the digest of a sha2-256 multihash, without hashing it (nox's `wrap`).
fn wrap(digest: &[u8]) -> Result<Vec<u8>, Error> {
    if digest.len() as u64 > MAX_DIGEST {
        return Err(Error { kind: Kind::InvalidSize(digest.len() as u64) });
    }
    let mut multihash = vec![0x12];
    push_varint(&mut multihash, digest.len() as u64);
    multihash.extend_from_slice(digest);
    Ok(multihash)
}

/// The key itself, if it is a well-formed multihash (code, size, digest and nothing more).
fn check_multihash(bytes: &[u8]) -> Result<Vec<u8>, Error> {
    let mut rest = bytes;
    let _code = read_varint(&mut rest)?;
    let size = read_varint(&mut rest)?;
    if size > MAX_DIGEST {
        return Err(Error { kind: Kind::InvalidSize(size) });
    }
    if (rest.len() as u64) < size {
        return Err(Error { kind: Kind::Io("failed to fill whole buffer") });
    }
    let trailing = rest.len() as u64 - size;
    if trailing > 0 {
        return Err(Error { kind: Kind::InvalidSize(trailing) });
    }
    Ok(bytes.to_vec())
}

fn read_varint(bytes: &mut &[u8]) -> Result<u64, Error> {
    let mut value: u64 = 0;
    for index in 0..10 {
        let Some((&byte, rest)) = bytes.split_first() else {
            return Err(Error { kind: Kind::Varint("not enough input bytes") });
        };
        *bytes = rest;
        value |= u64::from(byte & 0x7f) << (7 * index);
        if byte & 0x80 == 0 {
            return Ok(value);
        }
    }
    Err(Error { kind: Kind::Varint("input bytes exceed maximum") })
}

fn push_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8 & 0x7f) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}
