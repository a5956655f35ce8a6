//! Checks of incoming data against its signatures and against the data this peer already holds.
//!
//! Every result in the incoming trace is attributed to a peer (the tetraplet's peer for calls,
//! the snapshot's peer for canons); that peer must have signed exactly the multiset of its
//! results' digests, each bound to its place in the trace, for this particle id. The incoming and
//! the held results of each peer must be one a sub-multiset of the other: a peer's history only
//! grows. Previous data is trusted, so a peer's signature is not checked again when all its
//! incoming results are already held.

use std::collections::{BTreeMap, HashSet};
use std::sync::Mutex;

use crate::data::ParticleData;
use crate::error::SignatureError;
use crate::placed::PeerResults;
use crate::signature::{public_key_of, verify};
use crate::value::Hash;

/// Signatures already found valid, shared by the peers of one simulated network so that a
/// signature checked on one hop is not checked again on the next.
///
/// Verification is a pure function of the peer id, the signed message and the signature; the set
/// holds a digest of all three, so a changed result, particle id or signature is a different
/// entry and is verified afresh. Everything else (who signed what, histories only growing) is
/// checked on every step as before.
#[derive(Debug, Default)]
pub struct VerifiedSignatures {
    seen: Mutex<HashSet<[u8; 32]>>,
}

impl VerifiedSignatures {
    /// An empty set.
    pub fn new() -> VerifiedSignatures {
        VerifiedSignatures::default()
    }

    /// How many signatures are known to be valid.
    pub fn len(&self) -> usize {
        self.seen.lock().map_or(0, |seen| seen.len())
    }

    /// Whether no signature is known yet.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// Checks `peer`'s `signature` over `digests`, remembering a success.
    fn check(
        &self,
        peer: &str,
        particle_id: &str,
        digests: &[Hash],
        signature: &[u8; 64],
    ) -> Result<(), SignatureError> {
        // BLAKE3 hashes the contiguous digests in parallel lanes: the entry of a peer with
        // thousands of results costs a fraction of a SHA-256 over them.
        let mut entry = blake3::Hasher::new_keyed(VERIFIED_ENTRY_KEY);
        for part in [peer.as_bytes(), particle_id.as_bytes()] {
            entry.update(&(part.len() as u64).to_le_bytes());
            entry.update(part);
        }
        entry.update(signature);
        entry.update(digests.as_flattened());
        let entry: [u8; 32] = *entry.finalize().as_bytes();
        if self.seen.lock().is_ok_and(|seen| seen.contains(&entry)) {
            return Ok(());
        }
        check_signature(peer, particle_id, digests, signature)?;
        if let Ok(mut seen) = self.seen.lock() {
            seen.insert(entry);
        }
        Ok(())
    }
}

/// The key of the keyed BLAKE3 hash naming an entry of [`VerifiedSignatures`] (a domain of its
/// own; the entries never leave the process, so any fixed key serves).
const VERIFIED_ENTRY_KEY: &[u8; 32] = b"aqua-rs/verified-signature/v2 ()";

/// Checks `peer`'s `signature` over `digests` with the key in its peer id.
fn check_signature(
    peer: &str,
    particle_id: &str,
    digests: &[Hash],
    signature: &[u8; 64],
) -> Result<(), SignatureError> {
    let key = public_key_of(peer).ok_or_else(|| SignatureError::InvalidPeerId(peer.to_owned()))?;
    if verify(&key, particle_id, digests, signature) {
        Ok(())
    } else {
        Err(SignatureError::BadSignature(peer.to_owned()))
    }
}

/// Verifies `current`, whose peers' results are `current_results` (see
/// [`group_results`](crate::placed::group_results)), and returns the signatures to keep for each
/// peer after merging; `verified` answers for signatures found valid before.
pub fn verify_incoming(
    prev: &ParticleData,
    prev_results: &PeerResults,
    current: &ParticleData,
    current_results: &PeerResults,
    particle_id: &str,
    verified: Option<&VerifiedSignatures>,
) -> Result<BTreeMap<String, [u8; 64]>, SignatureError> {
    for peer in current.signatures.keys() {
        if !current_results.contains_key(peer) {
            return Err(SignatureError::UnexpectedSignature(peer.clone()));
        }
    }
    // The peers are checked in order, so the first fault reported does not depend on hashing:
    // every peer with results has a signature (the signatures' map is ordered) but those missing
    // one, which are reported where they stand in that order.
    let unsigned = current_results.keys().filter(|peer| !current.signatures.contains_key(*peer));
    let first_unsigned = unsigned.min();
    // Each peer's history is compared with the held one once: whether it only grew, and
    // whether it brings anything new (whose signature is then kept).
    let mut histories = Vec::with_capacity(current.signatures.len());
    for (peer, signature) in &current.signatures {
        if let Some(unsigned) = first_unsigned.filter(|unsigned| *unsigned < peer) {
            return Err(SignatureError::MissingSignature(unsigned.clone()));
        }
        let digests = current_results.get(peer).map(Vec::as_slice).unwrap_or_default();
        let held = prev_results.get(peer).map(Vec::as_slice).unwrap_or_default();
        let grows = if digests.len() >= held.len() {
            is_sub_multiset(held, digests)
        } else {
            is_sub_multiset(digests, held)
        };
        let adds = digests.len() > held.len();
        histories.push((peer, signature, grows, adds));
        // Results this peer already holds, at the same places, were verified when they came
        // (or are its own): a signature over nothing else adds nothing, and is not kept (the
        // held one is). A peer's stale signature over part of its history (the client's own,
        // coming back with each worker's answer) is not verified again.
        if grows && !adds && prev.signatures.contains_key(peer) {
            continue;
        }
        match verified {
            Some(verified) => verified.check(peer, particle_id, digests, signature)?,
            None => check_signature(peer, particle_id, digests, signature)?,
        }
    }
    if let Some(unsigned) = first_unsigned {
        return Err(SignatureError::MissingSignature(unsigned.clone()));
    }
    let mut merged = prev.signatures.clone();
    for (peer, signature, grows, adds) in histories {
        if !grows {
            return Err(SignatureError::HistoryRewritten(peer.clone()));
        }
        if adds {
            merged.insert(peer.clone(), *signature);
        }
    }
    Ok(merged)
}

/// Whether sorted `small` is a sub-multiset of sorted `big`.
pub fn is_sub_multiset(small: &[Hash], big: &[Hash]) -> bool {
    let mut big = big.iter();
    'outer: for item in small {
        for candidate in big.by_ref() {
            if candidate == item {
                continue 'outer;
            }
            if candidate > item {
                return false;
            }
        }
        return false;
    }
    true
}
