//! The execution trace: a tree of executed states that lets a script resume where it stopped.
//!
//! Unlike AquaVM's flat trace with subtrace lengths, `par` holds its two subtraces and a stream
//! `fold` holds one subtrace per iterated value, keyed by the value's origin, so merging is a
//! structural walk. This module defines the states and their signed digests; merging lives in
//! `merge.rs` and the byte format in `data.rs`.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

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
    placed: PlacedCache,
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
    fn digest_given(&self, tag: u8, tetraplet_hash: impl FnOnce() -> Hash) -> Hash {
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
struct TetrapletHashes {
    known: FxHashMap<*const Tetraplet, Hash>,
}

impl TetrapletHashes {
    fn of(&mut self, tetraplet: &Rc<Tetraplet>) -> Hash {
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
    placed: PlacedCache,
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
    fn digest_given(&self, tetraplets: &mut TetrapletHashes) -> Hash {
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

/// Calls `visit(peer, digest)` for every result in `trace` that a peer must sign: executed and
/// failed calls (unused ones too) and executed canons. The digest is the result's own digest
/// bound to its place in the trace (see [`Place`]), so a signature also covers where each result
/// stands: a result moved to another place no longer matches its peer's signature.
pub fn visit_signed<'t>(trace: &'t [State], visit: &mut dyn FnMut(&'t str, Hash)) {
    Visitor::new(None).placed(trace, &mut Place::default(), visit);
}

/// The digest [`visit_signed`] gives each signed result of `trace`, in its order, with the
/// result's peer: what particle data carries after its trace.
pub fn placed_digests(trace: &[State]) -> Vec<(&str, Hash)> {
    let mut placed = Vec::new();
    visit_signed(trace, &mut |peer, digest| placed.push((peer, digest)));
    placed
}

/// [`visit_signed`] taking each result's digest from `carried` (in visit order) instead of
/// computing it: for data this peer wrote itself, which carries the digests it computed then.
/// Each result remembers its digest at its place, so data arriving later that shares the result
/// at that place does not compute it either. Results beyond `carried` are not visited (a decoded
/// trace carries exactly one digest for each).
pub fn visit_carried<'t>(
    trace: &'t [State],
    carried: &[Hash],
    visit: &mut dyn FnMut(&'t str, Hash),
) {
    Visitor::new(Some(carried.iter())).placed(trace, &mut Place::default(), visit);
}

/// Each peer's sorted result digests, by peer (unordered: a peer id is a long string with a
/// common prefix, slow to order; where order matters, the signatures' map gives it).
pub type PeerResults = FxHashMap<String, Vec<Hash>>;

/// Each peer's sorted digests (as [`collect_results`](crate::verify::collect_results) gives them)
/// of the `(peer, digest)` pairs of [`placed_digests`].
pub fn group_results<'t>(placed: impl IntoIterator<Item = (&'t str, Hash)>) -> PeerResults {
    let mut grouping = Grouping::default();
    for (peer, digest) in placed {
        grouping.add(peer, digest);
    }
    grouping.finish()
}

/// Digests gathered by peer. They are grouped by where their peer id's text lies first: a
/// decoded trace holds each string once, so a peer's results share one text, and an address
/// hashes far faster than a 52-byte id. Groups whose ids are equal texts at different places
/// are merged at the end.
#[derive(Default)]
pub(crate) struct Grouping<'t> {
    slots: FxHashMap<(usize, usize), usize>,
    groups: Vec<(&'t str, Vec<Hash>)>,
}

impl<'t> Grouping<'t> {
    pub(crate) fn add(&mut self, peer: &'t str, digest: Hash) {
        let groups = &mut self.groups;
        let slot = *self.slots.entry((peer.as_ptr() as usize, peer.len())).or_insert_with(|| {
            groups.push((peer, Vec::new()));
            groups.len() - 1
        });
        self.groups[slot].1.push(digest);
    }

    /// Each peer's digests, sorted.
    pub(crate) fn finish(self) -> PeerResults {
        let groups = self.groups;
        let mut by_peer = PeerResults::default();
        by_peer.reserve(groups.len());
        for (peer, digests) in groups {
            match by_peer.get_mut(peer) {
                Some(held) => held.extend(digests),
                None => {
                    by_peer.insert(peer.to_owned(), digests);
                }
            }
        }
        for digests in by_peer.values_mut() {
            digests.sort_unstable();
        }
        by_peer
    }
}

/// Whether `state` is a result a peer signs (what [`visit_signed`] visits).
pub(crate) fn is_signed(state: &State) -> bool {
    matches!(
        state,
        State::Call(CallState::Executed { .. } | CallState::Failed(_))
            | State::Canon(CanonState::Executed(_))
    )
}

/// The places a result was bound to, each with the tag it was used with and the bound digest: a
/// step visits the held, the arrived and the new trace, which share most results at the same
/// places. Most results stand at one place; one decoded for many places (the same call answered
/// alike in every iteration of a loop, decoded once) keeps a map, so that every visit finds each
/// of its places' binds instead of the last one only.
#[derive(Debug, Default)]
struct PlacedCache {
    binds: RefCell<Binds>,
}

/// The binds of [`PlacedCache`], by tag and place.
#[derive(Debug, Default)]
enum Binds {
    #[default]
    None,
    One(u8, PlaceId, Hash),
    Many(FxHashMap<(u8, PlaceId), Hash>),
}

impl PlacedCache {
    /// The most places one result remembers; past it, it starts over (a bound on memory for
    /// data a peer keeps across steps).
    const MAX_PLACES: usize = 1 << 16;

    /// The digest bound at `place` with `tag`, if known.
    fn get(&self, tag: u8, place: &PlaceId) -> Option<Hash> {
        match &*self.binds.try_borrow().ok()? {
            Binds::None => None,
            Binds::One(known_tag, known, bound) => {
                (*known_tag == tag && known == place).then_some(*bound)
            }
            Binds::Many(binds) => binds.get(&(tag, *place)).copied(),
        }
    }

    /// Remembers `bound` as the digest bound at `place` with `tag`.
    fn insert(&self, tag: u8, place: PlaceId, bound: Hash) {
        let Ok(mut binds) = self.binds.try_borrow_mut() else { return };
        match &mut *binds {
            Binds::Many(map) if map.len() < Self::MAX_PLACES => {
                map.insert((tag, place), bound);
            }
            Binds::One(known_tag, known, known_bound) if (*known_tag, *known) != (tag, place) => {
                // A result seen at a second place is usually one of many (a loop's): room for
                // a few more from the start.
                let mut map = FxHashMap::with_capacity_and_hasher(16, Default::default());
                map.insert((*known_tag, *known), *known_bound);
                map.insert((tag, place), bound);
                *binds = Binds::Many(map);
            }
            _ => *binds = Binds::One(tag, place, bound),
        }
    }
}

/// The key of the keyed BLAKE3 hash that chains a place's segments (a domain of its own).
const PLACE_CHAIN_KEY: &[u8; 32] = b"aqua-rs/place-chain/v2 (a step) ";

/// The key of the keyed BLAKE3 hash that binds a result's digest to its place.
const PLACED_RESULT_KEY: &[u8; 32] = b"aqua-rs/placed-result/v3 (place)";

/// How a place enters a bind: its path itself while the path is shorter than 32 bytes, else the
/// chain digest of the subtrace holding the state followed by the state's index segment (37
/// bytes). The two never collide (their lengths differ). A short path's bind hashes one BLAKE3
/// block and a long one's two, but naming a place hashes nothing beyond the chains of the
/// subtraces on its path, each computed once a visit: a visit that finds every result's bind
/// already known (data this peer held) hashes one block a subtrace, not one a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
struct PlaceId {
    bytes: [u8; PlaceId::LONG],
    len: u8,
}

impl PlaceId {
    /// The length of a long path's identity: a chain and an index segment.
    const LONG: usize = 32 + 5;

    fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The path of a state from the root of the trace: for each subtrace on the way, the index in
/// it and which branch, fold iteration or fold end was entered. Merging joins traces state by
/// state along these same paths, so a result keeps its place in every merged trace.
///
/// A path alternates index segments and branch segments and ends with an index segment. A short
/// path identifies its place by itself; a long one by its chain digest, one link per step down:
/// the root's chain is all zeros, a subtrace's is `keyed_blake3(PLACE_CHAIN_KEY, parent's chain
/// ‖ index segment ‖ branch segment)` (the state that holds it and the branch entered), and a
/// state's is `keyed_blake3(PLACE_CHAIN_KEY, its subtrace's chain ‖ index segment)`. Binding a
/// result to its place then costs the same at any depth (a `fold … par` over n peers nests n
/// subtraces), and each subtrace's chain is computed once a visit, when a result below it is
/// first bound.
#[derive(Debug, Default)]
struct Place {
    /// The segments entered, one after another.
    bytes: Vec<u8>,
    /// Where each segment starts in `bytes`.
    starts: Vec<usize>,
    /// The chain digests of the subtraces on the path (the prefixes of 2, 4, … segments), as far
    /// as computed.
    chains: Vec<Hash>,
}

impl Place {
    const INDEX: u8 = b'i';
    const LEFT: u8 = b'l';
    const RIGHT: u8 = b'r';
    const ITERATION: u8 = b'f';
    const FOLD_END: u8 = b'e';

    /// Runs `inside` with `segment` appended to the path, then removes it. Every segment has a
    /// fixed length for its tag, so distinct paths have distinct encodings.
    fn within<R>(&mut self, segment: &[u8], inside: impl FnOnce(&mut Place) -> R) -> R {
        let length = self.bytes.len();
        // Index segments and branch segments alternate, starting with an index segment.
        debug_assert_eq!(
            segment.first() == Some(&Place::INDEX),
            self.starts.len().is_multiple_of(2)
        );
        self.starts.push(length);
        self.bytes.extend_from_slice(segment);
        let result = inside(self);
        self.bytes.truncate(length);
        self.starts.pop();
        self.chains.truncate(self.starts.len() / 2);
        result
    }

    /// The chain digest of the innermost subtrace on the path, computing the missing ones.
    fn subtrace_chain(&mut self) -> Hash {
        let subtraces = self.starts.len() / 2;
        while self.chains.len() < subtraces {
            let level = self.chains.len();
            let parent = level.checked_sub(1).map_or([0; 32], |up| self.chains[up]);
            let end = self.starts.get(2 * level + 2).copied().unwrap_or(self.bytes.len());
            let step = &self.bytes[self.starts[2 * level]..end];
            self.chains.push(chain_down(&parent, step));
        }
        self.chains.last().copied().unwrap_or([0; 32])
    }

    /// The identity in a bind (see [`PlaceId`]) of the state this path ends at.
    fn id(&mut self) -> PlaceId {
        let mut bytes = [0; PlaceId::LONG];
        match self.bytes.len() {
            len @ 0..32 => {
                bytes[..len].copy_from_slice(&self.bytes);
                PlaceId { bytes, len: len as u8 }
            }
            _ => {
                bytes[..32].copy_from_slice(&self.subtrace_chain());
                // A state's path ends with its index segment.
                let index = &self.bytes[self.starts[self.starts.len() - 1]..];
                debug_assert_eq!(index.len(), 5);
                bytes[32..32 + index.len()].copy_from_slice(index);
                PlaceId { bytes, len: (32 + index.len()) as u8 }
            }
        }
    }

    /// Records that a result used with `tag` has the bound digest `bound` at this place.
    fn seed(&mut self, cache: &PlacedCache, tag: u8, bound: Hash) {
        cache.insert(tag, self.id(), bound);
    }

    /// `digest` (of a result used with `tag`) bound to this place, from `cache` when the result
    /// was bound to this very place with this tag before.
    fn bind_cached(&mut self, cache: &PlacedCache, tag: u8, digest: impl FnOnce() -> Hash) -> Hash {
        let id = self.id();
        if let Some(bound) = cache.get(tag, &id) {
            return bound;
        }
        let bound = bind(digest(), &id);
        cache.insert(tag, id, bound);
        bound
    }
}

/// The segment of the state at `index` of a subtrace.
pub(crate) fn index_segment(index: usize) -> [u8; 5] {
    let index = u32::try_from(index).unwrap_or(u32::MAX).to_le_bytes();
    [Place::INDEX, index[0], index[1], index[2], index[3]]
}

/// The segment of a `par`'s left branch.
pub(crate) const LEFT_SEGMENT: [u8; 1] = [Place::LEFT];

/// The segment of a `par`'s right branch.
pub(crate) const RIGHT_SEGMENT: [u8; 1] = [Place::RIGHT];

/// The segment of a stream fold's last instruction.
pub(crate) const FOLD_END_SEGMENT: [u8; 1] = [Place::FOLD_END];

/// The segment of a stream fold's iteration for the value with this key.
pub(crate) fn iteration_segment(key: &IterKey) -> [u8; 21] {
    let mut segment = [Place::ITERATION; 21];
    segment[1..17].copy_from_slice(&key.digest);
    segment[17..].copy_from_slice(&key.nth.to_le_bytes());
    segment
}

/// The chain digest of a place one step below the place whose chain is `parent`: `step` is an
/// index segment followed by a branch segment (a subtrace) or an index segment alone (a state).
/// See [`Place`]; the root's chain is all zeros.
pub(crate) fn chain_down(parent: &Hash, step: &[u8]) -> Hash {
    keyed_block(PLACE_CHAIN_KEY, parent, step)
}

/// The chain digest of the subtrace entered by `branch` from the state at `index` of the subtrace
/// whose chain is `parent` (see [`Place`]).
pub(crate) fn subtrace_chain(parent: &Hash, index: usize, branch: &[u8]) -> Hash {
    let mut step = [0u8; 5 + 21];
    step[..5].copy_from_slice(&index_segment(index));
    let len = 5 + branch.len().min(21);
    step[5..len].copy_from_slice(&branch[..len - 5]);
    chain_down(parent, &step[..len])
}

/// `digest` bound to the place identified by `place`: `keyed_blake3(PLACED_RESULT_KEY, digest ‖
/// place)`, one BLAKE3 block for a short path, two for a long one.
fn bind(digest: Hash, place: &PlaceId) -> Hash {
    keyed_block(PLACED_RESULT_KEY, &digest, place.as_bytes())
}

/// `keyed_blake3(key, head ‖ tail)`, hashed from a buffer on the stack when `tail` fits in it
/// (segments and place identities always do).
fn keyed_block(key: &[u8; 32], head: &Hash, tail: &[u8]) -> Hash {
    let mut block = [0; 128];
    let Some(rest) = block.get_mut(32..32 + tail.len()) else {
        return *blake3::Hasher::new_keyed(key).update(head).update(tail).finalize().as_bytes();
    };
    rest.copy_from_slice(tail);
    block[..32].copy_from_slice(head);
    *blake3::keyed_hash(key, &block[..32 + tail.len()]).as_bytes()
}

/// A visit of the signed results of a trace, with their digests computed, or taken from
/// `carried`.
struct Visitor<'c> {
    carried: Option<std::slice::Iter<'c, Hash>>,
    tetraplets: TetrapletHashes,
}

impl<'c> Visitor<'c> {
    fn new(carried: Option<std::slice::Iter<'c, Hash>>) -> Self {
        Visitor { carried, tetraplets: TetrapletHashes::default() }
    }

    /// The bound digest of a result used with `tag` at `place`: the next carried one (then
    /// remembered at the place), or computed by `digest` unless cached. `None` once the carried
    /// digests ran out.
    fn bound(
        &mut self,
        cache: &PlacedCache,
        tag: u8,
        place: &mut Place,
        digest: impl FnOnce(&mut TetrapletHashes) -> Hash,
    ) -> Option<Hash> {
        match &mut self.carried {
            Some(carried) => {
                let bound = *carried.next()?;
                place.seed(cache, tag, bound);
                Some(bound)
            }
            None => {
                let tetraplets = &mut self.tetraplets;
                Some(place.bind_cached(cache, tag, || digest(tetraplets)))
            }
        }
    }

    /// Visits the signed results of `trace` at `place`.
    fn placed<'t>(
        &mut self,
        trace: &'t [State],
        place: &mut Place,
        visit: &mut dyn FnMut(&'t str, Hash),
    ) {
        for (index, state) in trace.iter().enumerate() {
            place.within(&index_segment(index), |place| self.state(state, place, visit));
        }
    }

    fn state<'t>(
        &mut self,
        state: &'t State,
        place: &mut Place,
        visit: &mut dyn FnMut(&'t str, Hash),
    ) {
        match state {
            State::Call(CallState::Executed { output, result }) => {
                self.call(result, output_tag(*output), place, visit)
            }
            State::Call(CallState::Failed(result)) => self.call(result, FAILED_TAG, place, visit),
            State::Canon(CanonState::Executed(result)) => {
                let digest = |tetraplets: &mut TetrapletHashes| result.digest_given(tetraplets);
                if let Some(bound) = self.bound(&result.placed, 0, place, digest) {
                    visit(&result.peer, bound)
                }
            }
            State::Call(_) | State::Ap(_) | State::Canon(_) => {}
            State::Par(par) => crate::grow(|| {
                place.within(&LEFT_SEGMENT, |place| self.placed(&par.left, place, visit));
                place.within(&RIGHT_SEGMENT, |place| self.placed(&par.right, place, visit));
            }),
            State::Fold(fold) => crate::grow(|| {
                for iteration in &fold.iterations {
                    let segment = iteration_segment(&iteration.key);
                    place.within(&segment, |place| self.placed(&iteration.trace, place, visit));
                }
                place.within(&FOLD_END_SEGMENT, |place| self.placed(&fold.last, place, visit));
            }),
        }
    }

    /// A call's result, used with `tag` (executed, or failed).
    fn call<'t>(
        &mut self,
        result: &'t ServiceResult,
        tag: u8,
        place: &mut Place,
        visit: &mut dyn FnMut(&'t str, Hash),
    ) {
        let digest = |tetraplets: &mut TetrapletHashes| {
            result.digest_given(tag, || tetraplets.of(&result.tetraplet))
        };
        if let Some(bound) = self.bound(&result.placed, tag, place, digest) {
            visit(&result.tetraplet.peer_pk, bound);
        }
    }
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

    /// The digests `visit_signed` reports, in order.
    pub(crate) fn signed(trace: &[State]) -> Vec<Hash> {
        let mut digests = Vec::new();
        visit_signed(trace, &mut |_, digest| digests.push(digest));
        digests
    }

    #[test]
    fn a_result_is_bound_to_its_path_or_to_its_subtraces_chain_and_index_as_defined() {
        // `levels` pars, each entered by its left branch at index 0, around one result at
        // index 1 of the innermost subtrace (after a sent call).
        let result = ServiceResult::new(
            Stored::from_json(serde_json::json!("v")),
            Tetraplet::peer("p"),
            [2; 32],
        );
        let digest = result.digest(output_tag(OutputKind::Scalar));
        let sent = State::Call(CallState::Sent { sender: "q".into(), call_id: None });
        let call = State::Call(CallState::Executed { output: OutputKind::Scalar, result });
        let keyed = |head: &[u8], tail: &[u8]| {
            *blake3::Hasher::new_keyed(PLACED_RESULT_KEY)
                .update(head)
                .update(tail)
                .finalize()
                .as_bytes()
        };
        for levels in 0..6 {
            let mut trace = vec![sent.clone(), call.clone()];
            for _ in 0..levels {
                trace = vec![State::Par(Box::new(ParState { left: trace, right: Vec::new() }))];
            }
            let mut path = Vec::new();
            let mut chain = [0; 32];
            for _ in 0..levels {
                let step = [&index_segment(0)[..], &LEFT_SEGMENT].concat();
                path.extend_from_slice(&step);
                chain = *blake3::Hasher::new_keyed(PLACE_CHAIN_KEY)
                    .update(&chain)
                    .update(&step)
                    .finalize()
                    .as_bytes();
            }
            path.extend_from_slice(&index_segment(1));
            // Paths below 32 bytes (up to four levels) are themselves; longer ones are the
            // innermost subtrace's chain and the index segment.
            let expected = match path.len() {
                0..32 => keyed(&digest, &path),
                _ => keyed(&digest, &[&chain[..], &index_segment(1)].concat()),
            };
            assert_eq!(signed(&trace), vec![expected], "{levels} levels");
        }
    }

    #[test]
    fn a_result_at_many_places_remembers_the_bind_of_each() {
        // One result object at five places (as decoding makes it for a call answered alike in
        // every iteration). Digests carried for them are found again at every place by the next
        // visit: carried digests that are not the computed ones show it computes none.
        let result = ServiceResult::new(
            Stored::from_json(serde_json::json!(null)),
            Tetraplet::peer("p"),
            [4; 32],
        );
        let call = State::Call(CallState::Executed { output: OutputKind::Unused, result });
        let trace = vec![call; 5];
        let computed = signed(&trace);
        let carried: Vec<Hash> = (0u8..5).map(|n| [n; 32]).collect();
        assert!(computed.iter().all(|digest| !carried.contains(digest)));
        let mut seeded = Vec::new();
        visit_carried(&trace, &carried, &mut |_, digest| seeded.push(digest));
        assert_eq!(seeded, carried);
        assert_eq!(signed(&trace), carried);
    }

    #[test]
    fn bound_digests_are_cached_per_place_and_tag() {
        // One shared result at several places and with two tags, visited again and again, gives
        // the digests of results never visited before.
        let fresh = || {
            ServiceResult::new(
                Stored::from_json(serde_json::json!(1)),
                Tetraplet::peer("p"),
                [1; 32],
            )
        };
        let shared = fresh();
        let call = |result: &Rc<ServiceResult>, output| {
            State::Call(CallState::Executed { output, result: result.clone() })
        };
        let build = |result: &dyn Fn() -> Rc<ServiceResult>| {
            vec![
                call(&result(), OutputKind::Scalar),
                State::Par(Box::new(ParState {
                    left: vec![call(&result(), OutputKind::Unused)],
                    right: vec![
                        call(&result(), OutputKind::Scalar),
                        State::Call(CallState::Failed(result())),
                    ],
                })),
            ]
        };
        let shared_trace = build(&|| shared.clone());
        let expected = signed(&build(&fresh));
        assert_eq!(expected.iter().collect::<std::collections::HashSet<_>>().len(), 4);
        for _ in 0..3 {
            assert_eq!(signed(&shared_trace), expected);
        }
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
