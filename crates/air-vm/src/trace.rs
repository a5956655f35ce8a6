//! The execution trace: a tree of executed states that lets a script resume where it stopped.
//!
//! Unlike AquaVM's flat trace with subtrace lengths, `par` holds its two subtraces and a stream
//! `fold` holds one subtrace per iterated value, keyed by the value's origin, so merging is a
//! structural walk. This module defines the states and their results' digests; binding them to
//! their places (what a peer signs) lives in `placed.rs`, merging in `merge.rs` and the byte
//! format in `data.rs`.

use std::cell::OnceCell;
use std::rc::Rc;

use crate::binds::PlacedCache;
use crate::value::{CanonVal, FxHashMap, Hash, Stored, Tetraplet, Val};

/// One executed state.
#[derive(Debug, Clone, PartialEq)]
pub enum State {
    /// A `call`.
    Call(CallState),
    /// A `par` with its left and right subtraces.
    Par(Box<ParState>),
    /// A `fold` over a stream or a stream map.
    Fold(FoldState),
    /// An `ap` into a stream or a stream map (the value is recomputed on replay), with the
    /// value's generation.
    Ap(Generation),
    /// A `canon`.
    Canon(CanonState),
}

/// The two subtraces of a `par`.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParState {
    /// The left branch's states.
    pub left: Vec<State>,
    /// The right branch's states.
    pub right: Vec<State>,
}

impl Drop for ParState {
    /// A `fold … par` over n peers nests n pars; the branches are dropped on a stack that grows
    /// on the heap, so dropping a deep trace cannot overflow the thread's stack.
    fn drop(&mut self) {
        // Replay empties the branches it takes: nothing to drop, no stack to check.
        if self.left.is_empty() && self.right.is_empty() {
            return;
        }
        let branches = (std::mem::take(&mut self.left), std::mem::take(&mut self.right));
        crate::grow(|| drop(branches));
    }
}

/// The state of a `call`.
#[derive(Debug, Clone, PartialEq)]
pub enum CallState {
    /// The call was sent (to another peer) or requested from the host (with a call id).
    Sent {
        /// The peer that sent or requested it.
        sender: Rc<str>,
        /// The host call id, for a call requested on `sender` itself.
        call_id: Option<u32>,
    },
    /// The call returned a value.
    Executed {
        /// Where the value went.
        output: OutputKind,
        /// The result.
        result: Rc<ServiceResult>,
    },
    /// The service failed; the value is `{"ret_code": n, "message": "<json text>"}`.
    Failed(Rc<ServiceResult>),
}

/// A stream value's generation: when the value became known to the peer that wrote the data
/// (AquaVM's generations). A stream is ordered by generation, then by execution order; the
/// numbers are local to one peer's data and are not signed (see `generation.rs`).
pub type Generation = u32;

/// Where a call's value went.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum OutputKind {
    /// A scalar.
    Scalar,
    /// A stream, with the value's generation.
    Stream(Generation),
    /// Nowhere: the call has no output.
    Unused,
}

/// A call result with what it was computed from.
#[derive(Debug)]
pub struct ServiceResult {
    /// The returned value (or the failure object).
    pub value: Rc<Stored>,
    /// The peer, service and function that produced it.
    pub tetraplet: Rc<Tetraplet>,
    /// The hash of the JSON array of arguments.
    pub args_hash: Hash,
    digest: OnceCell<(u8, Hash)>,
    pub(crate) placed: PlacedCache,
}

impl PartialEq for ServiceResult {
    fn eq(&self, other: &Self) -> bool {
        self.value == other.value
            && self.tetraplet == other.tetraplet
            && self.args_hash == other.args_hash
    }
}

impl ServiceResult {
    /// A new result.
    pub fn new(value: Rc<Stored>, tetraplet: Rc<Tetraplet>, args_hash: Hash) -> Rc<Self> {
        Rc::new(ServiceResult {
            value,
            tetraplet,
            args_hash,
            digest: OnceCell::new(),
            placed: PlacedCache::default(),
        })
    }

    /// The digest a peer signs for this result, bound to how the result is used.
    pub fn digest(&self, tag: u8) -> Hash {
        self.digest_given(tag, || tetraplet_hash(&self.tetraplet))
    }

    /// [`ServiceResult::digest`], with the tetraplet's hash from `tetraplet_hash` if needed.
    pub(crate) fn digest_given(&self, tag: u8, tetraplet_hash: impl FnOnce() -> Hash) -> Hash {
        match self.digest.get() {
            Some((cached_tag, digest)) if *cached_tag == tag => *digest,
            Some(_) => self.compute_digest(tag, tetraplet_hash()),
            None => {
                let digest = self.compute_digest(tag, tetraplet_hash());
                let _ = self.digest.set((tag, digest));
                digest
            }
        }
    }

    /// `blake3(CALL_RESULT_DOMAIN ‖ tag ‖ hash(value) ‖ hash(tetraplet) ‖ args_hash)`: two
    /// BLAKE3 blocks, hashed from the stack.
    fn compute_digest(&self, tag: u8, tetraplet_hash: Hash) -> Hash {
        const DOMAIN: &[u8] = CALL_RESULT_DOMAIN;
        const LEN: usize = DOMAIN.len() + 1 + 3 * 32;
        let mut bytes = [0u8; LEN];
        bytes[..DOMAIN.len()].copy_from_slice(DOMAIN);
        bytes[DOMAIN.len()] = tag;
        let hashes = &mut bytes[DOMAIN.len() + 1..];
        hashes[..32].copy_from_slice(&self.value.hash());
        hashes[32..64].copy_from_slice(&tetraplet_hash);
        hashes[64..].copy_from_slice(&self.args_hash);
        *blake3::hash(&bytes).as_bytes()
    }
}

/// The domain of a call result's digest.
const CALL_RESULT_DOMAIN: &[u8] = b"aqua-rs/call-result/v2";

/// The domain of a canon result's digest.
const CANON_RESULT_DOMAIN: &[u8] = b"aqua-rs/canon-result/v2";

/// The domain of a tetraplet's hash.
const TETRAPLET_DOMAIN: &[u8] = b"aqua-rs/tetraplet";

/// The hash a digest takes of a tetraplet: `blake3(TETRAPLET_DOMAIN ‖ each part's length (u64,
/// little endian) and bytes)`. Results share their tetraplets, so a digest that hashes this hash
/// instead of the parts hashes two blocks, not four, and the parts once per tetraplet.
fn tetraplet_hash(tetraplet: &Tetraplet) -> Hash {
    let mut bytes = Vec::with_capacity(TETRAPLET_DOMAIN.len() + tetraplet_len(tetraplet));
    bytes.extend_from_slice(TETRAPLET_DOMAIN);
    write_tetraplet(&mut bytes, tetraplet);
    *blake3::hash(&bytes).as_bytes()
}

/// The [`tetraplet_hash`]es of the tetraplets met in one visit of a trace, by address. The
/// visited trace holds every `Rc` for the whole visit, so no address is reused meanwhile.
#[derive(Debug, Default)]
pub(crate) struct TetrapletHashes {
    known: FxHashMap<*const Tetraplet, Hash>,
}

impl TetrapletHashes {
    pub(crate) fn of(&mut self, tetraplet: &Rc<Tetraplet>) -> Hash {
        *self.known.entry(Rc::as_ptr(tetraplet)).or_insert_with(|| tetraplet_hash(tetraplet))
    }
}

/// The state of a `canon`.
#[derive(Debug, Clone, PartialEq)]
pub enum CanonState {
    /// The particle was sent to the canon's peer.
    Sent {
        /// The sender.
        sender: Rc<str>,
    },
    /// The snapshot was taken.
    Executed(Rc<CanonResult>),
}

/// A canon snapshot: the peer that took it and the elements.
#[derive(Debug)]
pub struct CanonResult {
    /// The peer that took the snapshot.
    pub peer: Rc<str>,
    /// The stream's elements at that moment.
    pub elements: Vec<Val>,
    digest: OnceCell<Hash>,
    pub(crate) placed: PlacedCache,
}

impl PartialEq for CanonResult {
    fn eq(&self, other: &Self) -> bool {
        self.digest() == other.digest()
    }
}

impl CanonResult {
    /// A new snapshot.
    pub fn new(peer: Rc<str>, elements: Vec<Val>) -> Rc<Self> {
        Rc::new(CanonResult {
            peer,
            elements,
            digest: OnceCell::new(),
            placed: PlacedCache::default(),
        })
    }

    /// The digest the canon's peer signs.
    pub fn digest(&self) -> Hash {
        self.digest_given(&mut TetrapletHashes::default())
    }

    /// [`CanonResult::digest`], with the tetraplets' hashes from `tetraplets`:
    /// `blake3(CANON_RESULT_DOMAIN ‖ len(peer) ‖ peer ‖ count ‖ (hash(value) ‖ hash(tetraplet))…)`,
    /// lengths and count as u64 little endian, hashed from one contiguous buffer.
    pub(crate) fn digest_given(&self, tetraplets: &mut TetrapletHashes) -> Hash {
        *self.digest.get_or_init(|| {
            let mut bytes = Vec::with_capacity(64 + self.peer.len() + 64 * self.elements.len());
            bytes.extend_from_slice(CANON_RESULT_DOMAIN);
            bytes.extend_from_slice(&(self.peer.len() as u64).to_le_bytes());
            bytes.extend_from_slice(self.peer.as_bytes());
            bytes.extend_from_slice(&(self.elements.len() as u64).to_le_bytes());
            // Elements often share one tetraplet: its hash is looked up once for a run of them.
            let mut previous: Option<(&Rc<Tetraplet>, Hash)> = None;
            for element in &self.elements {
                bytes.extend_from_slice(&element.value.hash());
                let hash = match previous {
                    Some((tetraplet, hash)) if Rc::ptr_eq(tetraplet, &element.tetraplet) => hash,
                    _ => tetraplets.of(&element.tetraplet),
                };
                previous = Some((&element.tetraplet, hash));
                bytes.extend_from_slice(&hash);
            }
            *blake3::hash(&bytes).as_bytes()
        })
    }

    /// The snapshot as a canon stream value.
    pub fn to_canon(&self) -> CanonVal {
        CanonVal { peer: self.peer.clone(), elements: Rc::new(self.elements.clone()) }
    }
}

/// Appends the hashed form of a tetraplet: each part's length (u64, little endian) and bytes.
fn write_tetraplet(bytes: &mut Vec<u8>, tetraplet: &Tetraplet) {
    for part in [
        &*tetraplet.peer_pk,
        &*tetraplet.service_id,
        &*tetraplet.function_name,
        tetraplet.lens.as_str(),
    ] {
        bytes.extend_from_slice(&(part.len() as u64).to_le_bytes());
        bytes.extend_from_slice(part.as_bytes());
    }
}

/// The length of [`write_tetraplet`]'s bytes.
fn tetraplet_len(tetraplet: &Tetraplet) -> usize {
    32 + tetraplet.peer_pk.len()
        + tetraplet.service_id.len()
        + tetraplet.function_name.len()
        + tetraplet.lens.len()
}

/// The state of a fold over a stream: one subtrace per iterated value, sorted by key.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct FoldState {
    /// The iterations, sorted by key, keys unique.
    pub iterations: Vec<FoldIteration>,
    /// The states of the last instruction.
    pub last: Vec<State>,
}

/// The subtrace of one iterated stream value.
#[derive(Debug, Clone, PartialEq)]
pub struct FoldIteration {
    /// Which value.
    pub key: IterKey,
    /// The states of the body for that value.
    pub trace: Vec<State>,
}

/// Identifies a stream value by its origin: the first 16 bytes of the place chain of the state
/// that produced it, the same on every peer whatever the value's content there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IterKey {
    /// The first 16 bytes of the producing state's place chain.
    pub digest: [u8; 16],
    /// 0; a second value of one origin, which no well-formed trace has, would be 1.
    pub nth: u32,
}

/// Tag mixed into a call result digest for each output kind.
pub fn output_tag(output: OutputKind) -> u8 {
    match output {
        OutputKind::Scalar => 1,
        OutputKind::Stream(_) => 2,
        OutputKind::Unused => 3,
    }
}

/// Tag mixed into a failed call's digest.
pub const FAILED_TAG: u8 = 4;

/// Whether `state` is a result a peer signs (what [`visit_signed`](crate::placed::visit_signed)
/// visits).
pub(crate) fn is_signed(state: &State) -> bool {
    matches!(
        state,
        State::Call(CallState::Executed { .. } | CallState::Failed(_))
            | State::Canon(CanonState::Executed(_))
    )
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// A tetraplet's hash as defined, one BLAKE3 update per field: the contiguous buffers the
    /// digests hash must give the same bytes, or every stored signature would break.
    fn tetraplet_by_parts(tetraplet: &Tetraplet) -> Hash {
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"aqua-rs/tetraplet");
        let parts: [&str; 4] =
            [&tetraplet.peer_pk, &tetraplet.service_id, &tetraplet.function_name, &tetraplet.lens];
        for part in parts {
            hasher.update(&(part.len() as u64).to_le_bytes());
            hasher.update(part.as_bytes());
        }
        *hasher.finalize().as_bytes()
    }

    #[test]
    fn digests_hash_the_fields_in_order() {
        let shared = Rc::new(Tetraplet {
            peer_pk: "12D3KooWpeer".into(),
            service_id: "srv".into(),
            function_name: "f".into(),
            lens: ".$.a".into(),
        });
        let value = Stored::from_json(serde_json::json!({"a": [1, 2]}));
        let result = ServiceResult::new(value.clone(), shared.clone(), [7; 32]);
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"aqua-rs/call-result/v2");
        hasher.update(&[2]);
        hasher.update(&value.hash());
        hasher.update(&tetraplet_by_parts(&shared));
        hasher.update(&[7; 32]);
        assert_eq!(result.digest(2), *hasher.finalize().as_bytes());

        let other = Tetraplet::peer("other");
        let elements = [&shared, &shared, &other, &shared]
            .map(|tetraplet| Val { value: value.clone(), tetraplet: tetraplet.clone() });
        let canon = CanonResult::new(Rc::from("p"), elements.to_vec());
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"aqua-rs/canon-result/v2");
        hasher.update(&1u64.to_le_bytes());
        hasher.update(b"p");
        hasher.update(&4u64.to_le_bytes());
        for element in &elements {
            hasher.update(&element.value.hash());
            hasher.update(&tetraplet_by_parts(&element.tetraplet));
        }
        assert_eq!(canon.digest(), *hasher.finalize().as_bytes());
    }
}
