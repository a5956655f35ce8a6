//! Signed results bound to their places: the digests a peer signs.
//!
//! Every executed or failed call and executed canon is signed by its peer as its own digest
//! (`trace.rs`) bound to its place in the trace: the path from the root, named by itself while
//! short and by its subtrace's chain digest and index beyond (see `docs/particle-format.md`).
//! [`visit_signed`] computes them, remembering each result's binds (`binds.rs`) so that the
//! held, the arrived and the new trace of one step, which share most results at the same places,
//! hash each once; [`visit_carried`] takes them from the digests a peer's own data carries.

use crate::binds::{PlaceId, PlacedCache};
use crate::trace::{
    CallState, CanonState, FAILED_TAG, IterKey, ServiceResult, State, TetrapletHashes, output_tag,
};
use crate::value::{FxHashMap, Hash};

/// Calls `visit(peer, digest)` for every result in `trace` that a peer must sign: executed and
/// failed calls (unused ones too) and executed canons. The digest is the result's own digest
/// bound to its place in the trace (see `Place`), so a signature also covers where each result
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

/// Each peer's sorted digests of data this peer wrote itself, with the placed digests it carries
/// (see [`visit_carried`]): what [`group_results`] gives for them, hashing nothing.
pub fn collect_carried(trace: &[State], carried: &[Hash]) -> PeerResults {
    let mut grouping = Grouping::default();
    visit_carried(trace, carried, &mut |peer, digest| grouping.add(peer, digest));
    grouping.finish()
}

/// Each peer's sorted result digests, by peer (unordered: a peer id is a long string with a
/// common prefix, slow to order; where order matters, the signatures' map gives it).
pub type PeerResults = FxHashMap<String, Vec<Hash>>;

/// Each peer's sorted digests of the `(peer, digest)` pairs of [`placed_digests`].
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
struct Grouping<'t> {
    slots: FxHashMap<(usize, usize), usize>,
    groups: Vec<(&'t str, Vec<Hash>)>,
}

impl<'t> Grouping<'t> {
    /// Adds one of `peer`'s digests.
    fn add(&mut self, peer: &'t str, digest: Hash) {
        let groups = &mut self.groups;
        let slot = *self.slots.entry((peer.as_ptr() as usize, peer.len())).or_insert_with(|| {
            groups.push((peer, Vec::new()));
            groups.len() - 1
        });
        self.groups[slot].1.push(digest);
    }

    /// Each peer's digests, sorted.
    fn finish(self) -> PeerResults {
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

/// The key of the keyed BLAKE3 hash that chains a place's segments (a domain of its own).
const PLACE_CHAIN_KEY: &[u8; 32] = b"aqua-rs/place-chain/v2 (a step) ";

/// The key of the keyed BLAKE3 hash that binds a result's digest to its place.
const PLACED_RESULT_KEY: &[u8; 32] = b"aqua-rs/placed-result/v3 (place)";

/// The path of a state from the root of the trace: for each subtrace on the way, the index in
/// it and which branch, fold iteration or fold end was entered. Merging joins traces state by
/// state along these same paths, so a result keeps its place in every merged trace.
///
/// A path alternates index segments and branch segments and ends with an index segment. A short
/// path identifies its place by itself; a long one by the chain digest of the subtrace holding
/// the state and the state's index segment ([`PlaceId`]). Chains take one link per step down:
/// the root's chain is all zeros, a subtrace's is `keyed_blake3(PLACE_CHAIN_KEY, parent's chain
/// ‖ index segment ‖ branch segment)` (the state that holds it and the branch entered). Binding a
/// result to its place then costs the same at any depth (a `fold … par` over n peers nests n
/// subtraces), and each subtrace's chain is computed once a visit, when a result below it is
/// first named.
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
    use std::rc::Rc;

    use super::*;
    use crate::trace::{OutputKind, ParState};
    use crate::value::{Stored, Tetraplet};

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
    fn a_peers_results_are_collected_together_wherever_its_id_is_stored() {
        // Each result's tetraplet holds its own copy of the peer id text.
        let executed = |peer: &str, value: u32| {
            let result = ServiceResult::new(
                Stored::from_json(serde_json::json!(value)),
                Tetraplet::peer(peer),
                [0; 32],
            );
            State::Call(CallState::Executed { output: OutputKind::Scalar, result })
        };
        let trace = vec![executed("p", 1), executed("q", 2), executed("p", 3), executed("p", 4)];
        let results = group_results(placed_digests(&trace));
        assert_eq!(results.len(), 2);
        assert_eq!(results["q"].len(), 1);
        // The same digests, sorted, as the results of `p` found one by one.
        let mut one_by_one = Vec::new();
        visit_signed(&trace, &mut |peer, digest| {
            if peer == "p" {
                one_by_one.push(digest);
            }
        });
        assert_eq!(one_by_one.len(), 3);
        one_by_one.sort_unstable();
        assert_eq!(results["p"], one_by_one);
    }
}
