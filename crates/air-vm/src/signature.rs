//! Peer identities and signatures: libp2p peer ids of ed25519 keys, and the signature each peer
//! puts on the results it owns, bound to the particle id.
//!
//! A peer id is base58 of the identity multihash of the protobuf public key
//! (`00 24 08 01 12 20 <32 bytes>`), the familiar `12D3KooW…`. The signed message is a domain
//! string and the BLAKE3 hash of the particle id and the sorted digests of the peer's results,
//! each bound to its place in the trace (see `trace.rs`).

use std::cell::RefCell;
use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use ed25519_dalek::{Signature, Signer, SigningKey, Verifier, VerifyingKey};
use sha2::{Digest, Sha256};

use crate::value::Hash;

const PEER_ID_PREFIX: [u8; 6] = [0x00, 0x24, 0x08, 0x01, 0x12, 0x20];
const DOMAIN: &[u8] = b"aqua-rs/particle-data/v2";

/// An ed25519 key pair of a peer.
#[derive(Clone)]
pub struct KeyPair {
    signing: SigningKey,
    /// The peer id of the key, computed once (a step compares it with the peer it runs on).
    peer_id: Arc<str>,
    /// The last data signature made with this key (clones share it): a step that adds no
    /// result of its peer signs the same message again, and ed25519 signatures are
    /// deterministic, so the same signature is returned without computing it.
    last_signed: Arc<Mutex<Option<LastSigned>>>,
}

/// A message and its signature.
#[derive(Clone, Copy)]
struct LastSigned {
    message: Message,
    signature: [u8; 64],
}

impl std::fmt::Debug for KeyPair {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "KeyPair({})", self.peer_id())
    }
}

impl KeyPair {
    /// The key pair with the given 32-byte secret seed.
    pub fn from_seed(seed: [u8; 32]) -> KeyPair {
        let signing = SigningKey::from_bytes(&seed);
        let peer_id = peer_id_of(&signing.verifying_key()).into();
        KeyPair { signing, peer_id, last_signed: Arc::default() }
    }

    /// The key pair of a named test peer: the seed is `sha256(name)`, as in the reference oracle.
    pub fn from_name(name: &str) -> KeyPair {
        KeyPair::from_seed(Sha256::digest(name.as_bytes()).into())
    }

    /// The secret seed.
    pub fn seed(&self) -> [u8; 32] {
        self.signing.to_bytes()
    }

    /// The libp2p peer id of the public key.
    pub fn peer_id(&self) -> String {
        self.peer_id.to_string()
    }

    /// [`KeyPair::peer_id`], borrowed.
    pub fn peer_id_str(&self) -> &str {
        &self.peer_id
    }

    /// Signs arbitrary bytes (the `sig` built-in service); `None` for bytes in the particle
    /// data's signature domain, so that no caller can have a peer forge its own data signature.
    pub fn sign_bytes(&self, data: &[u8]) -> Option<[u8; 64]> {
        (!data.starts_with(DOMAIN)).then(|| self.signing.sign(data).to_bytes())
    }

    /// Whether `signature` is this key's signature of `data`; a malformed one is not.
    pub fn verify_bytes(&self, data: &[u8], signature: &[u8]) -> bool {
        let Ok(signature) = <[u8; 64]>::try_from(signature) else { return false };
        self.signing.verifying_key().verify(data, &Signature::from_bytes(&signature)).is_ok()
    }

    /// Signs `digests` (sorted here) for `particle_id`.
    pub fn sign(&self, particle_id: &str, digests: &mut [Hash]) -> [u8; 64] {
        digests.sort_unstable();
        let message = message(particle_id, digests);
        let last = self.last_signed.lock().ok().and_then(|last| *last);
        if let Some(last) = last.filter(|last| last.message == message) {
            return last.signature;
        }
        let signature = self.signing.sign(&message).to_bytes();
        if let Ok(mut last) = self.last_signed.lock() {
            *last = Some(LastSigned { message, signature });
        }
        signature
    }
}

/// The peer id of an ed25519 public key.
pub fn peer_id_of(key: &VerifyingKey) -> String {
    let mut bytes = PEER_ID_PREFIX.to_vec();
    bytes.extend_from_slice(key.as_bytes());
    bs58::encode(bytes).into_string()
}

/// How many decoded public keys [`public_key_of`] remembers (per thread) before it starts over.
const KEY_CACHE_SIZE: usize = 4096;

thread_local! {
    /// Peer ids already decoded into public keys: decoding base58 and decompressing the curve
    /// point cost about a quarter of a signature check, and a peer checks the same signers again
    /// and again.
    static KEYS: RefCell<HashMap<String, VerifyingKey>> = RefCell::new(HashMap::new());
}

/// The ed25519 public key in a peer id, if it is one.
pub fn public_key_of(peer_id: &str) -> Option<VerifyingKey> {
    if let Some(key) = KEYS.with(|keys| keys.borrow().get(peer_id).copied()) {
        return Some(key);
    }
    let key = decode_public_key(peer_id)?;
    KEYS.with(|keys| {
        let mut keys = keys.borrow_mut();
        if keys.len() >= KEY_CACHE_SIZE {
            keys.clear();
        }
        keys.insert(peer_id.to_owned(), key);
    });
    Some(key)
}

fn decode_public_key(peer_id: &str) -> Option<VerifyingKey> {
    let bytes = bs58::decode(peer_id).into_vec().ok()?;
    let key = bytes.strip_prefix(&PEER_ID_PREFIX[..])?;
    let key: [u8; 32] = key.try_into().ok()?;
    VerifyingKey::from_bytes(&key).ok()
}

/// Whether `signature` by `key` covers `digests` (sorted) for `particle_id`.
pub fn verify(
    key: &VerifyingKey,
    particle_id: &str,
    digests: &[Hash],
    signature: &[u8; 64],
) -> bool {
    key.verify(&message(particle_id, digests), &Signature::from_bytes(signature)).is_ok()
}

/// A signed message: [`DOMAIN`] and a BLAKE3 hash.
type Message = [u8; DOMAIN.len() + 32];

/// The message a peer signs for its `digests` (sorted) in `particle_id`: the domain and
/// `blake3(len(particle_id) ‖ particle_id ‖ digests)`, the length as u64 little endian. ed25519
/// runs SHA-512 over the message twice to sign and once to verify: over the digests themselves
/// (format 7) that cost grew with the peer's results (a quarter of the signing in a 200-hop
/// chain); BLAKE3 hashes them once, several times faster.
fn message(particle_id: &str, digests: &[Hash]) -> Message {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&(particle_id.len() as u64).to_le_bytes());
    hasher.update(particle_id.as_bytes());
    hasher.update(digests.as_flattened());
    let mut message = [0; DOMAIN.len() + 32];
    message[..DOMAIN.len()].copy_from_slice(DOMAIN);
    message[DOMAIN.len()..].copy_from_slice(hasher.finalize().as_bytes());
    message
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_repeated_signature_is_the_one_computed() {
        let key = KeyPair::from_name("alice");
        let clone = key.clone();
        let mut digests = [[2u8; 32], [1u8; 32]];
        let first = key.sign("p1", &mut digests.clone());
        // Remembered, shared by clones, and equal to a fresh computation.
        assert_eq!(clone.sign("p1", &mut digests), first);
        let fresh = KeyPair::from_name("alice").sign("p1", &mut digests);
        assert_eq!(fresh, first);
        // Another message is signed anew and verifies.
        let other = key.sign("p2", &mut digests);
        assert_ne!(other, first);
        let public = key.signing.verifying_key();
        assert!(verify(&public, "p2", &digests, &other));
        let again = key.sign("p1", &mut digests);
        assert!(verify(&public, "p1", &digests, &again));
    }

    #[test]
    fn public_keys_are_decoded_once_and_the_same_from_memory() {
        let key = KeyPair::from_name("bob");
        let id = key.peer_id();
        assert_eq!(key.peer_id_str(), peer_id_of(&key.signing.verifying_key()));
        let first = public_key_of(&id).expect("a peer id");
        assert!(KEYS.with(|keys| keys.borrow().contains_key(&id)));
        assert_eq!(public_key_of(&id), Some(first));
        assert_eq!(first, key.signing.verifying_key());
        // What is not a peer id is refused every time and not remembered.
        for _ in 0..2 {
            assert_eq!(public_key_of("12D3KooWnotapeerid"), None);
        }
        assert!(!KEYS.with(|keys| keys.borrow().contains_key("12D3KooWnotapeerid")));
    }
}
