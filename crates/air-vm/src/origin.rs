//! Where each stream value comes from: the place in the trace of the state that produced it (a
//! call with a stream output, an `ap` to a stream or stream map). Merging aligns states by place,
//! so a value's origin is the same on every peer, whatever its content there. A fold over a
//! stream keys its iterations by it, as AquaVM keys them by the producing state's position: a
//! stream that holds other values on another peer (an `ap` of the peer's own `:error:`), or
//! equal values in another order, replays the same iterations everywhere.
//!
//! Places are written as in [`crate::trace`]'s signed digests (a chain of BLAKE3 blocks, one per
//! subtrace on the way and one for the state), and a subtrace's chain is computed only when a
//! value below it needs it.

use std::cell::OnceCell;

use crate::placed::{chain_down, index_segment, subtrace_chain};
use crate::trace::IterKey;
use crate::value::Hash;

/// A subtrace of this run, by its index in [`Origins`].
pub(crate) type SubtraceId = usize;

/// Where a value comes from: the state at `index` of subtrace `at`. Its key
/// ([`Origins::key`]) is computed only when a fold over the value's stream needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Origin {
    /// The subtrace.
    pub at: SubtraceId,
    /// The state's index in it.
    pub index: usize,
}

/// The subtraces entered so far in one run, each with its parent and the state and branch that
/// lead to it; their chains are computed on first use.
pub(crate) struct Origins {
    nodes: Vec<Node>,
}

/// A subtrace: below the state at `index` of subtrace `parent`, through `branch` (a par's side,
/// a fold iteration's segment or the fold's end, at most 21 bytes).
struct Node {
    parent: SubtraceId,
    index: usize,
    branch: [u8; 21],
    branch_len: u8,
    chain: OnceCell<Hash>,
}

impl Origins {
    /// The root subtrace alone (its id is [`Origins::ROOT`]).
    pub fn new() -> Origins {
        let root = Node {
            parent: Origins::ROOT,
            index: 0,
            branch: [0; 21],
            branch_len: 0,
            chain: OnceCell::from([0; 32]),
        };
        Origins { nodes: vec![root] }
    }

    /// The whole trace, whose chain is all zeros.
    pub const ROOT: SubtraceId = 0;

    /// The subtrace reached from `parent` by the state at `index` and then `branch`.
    pub fn child(&mut self, parent: SubtraceId, index: usize, branch: &[u8]) -> SubtraceId {
        let mut node =
            Node { parent, index, branch: [0; 21], branch_len: 0, chain: OnceCell::new() };
        let len = branch.len().min(node.branch.len());
        node.branch[..len].copy_from_slice(&branch[..len]);
        node.branch_len = len as u8;
        self.nodes.push(node);
        self.nodes.len() - 1
    }

    /// The key of a value from `origin`: the first 16 bytes of the producing state's place
    /// chain (the key a fold over the value's stream gives its iteration).
    pub fn key(&self, origin: Origin) -> IterKey {
        let chain = chain_down(&self.chain(origin.at), &index_segment(origin.index));
        let mut digest = [0; 16];
        digest.copy_from_slice(&chain[..16]);
        IterKey { digest, nth: 0 }
    }

    /// The chain of subtrace `at`, computing its ancestors' as needed (iteratively: subtraces
    /// nest as deep as a `fold … par` has elements). The root's chain is known, so the walk up
    /// always ends.
    fn chain(&self, at: SubtraceId) -> Hash {
        let mut pending = Vec::new();
        let mut id = at;
        let mut chain = loop {
            let Some(node) = self.nodes.get(id) else { break [0; 32] };
            if let Some(chain) = node.chain.get() {
                break *chain;
            }
            pending.push(node);
            id = node.parent;
        };
        for node in pending.into_iter().rev() {
            let branch = &node.branch[..usize::from(node.branch_len)];
            let below = subtrace_chain(&chain, node.index, branch);
            chain = *node.chain.get_or_init(|| below);
        }
        chain
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placed::{FOLD_END_SEGMENT, LEFT_SEGMENT, RIGHT_SEGMENT, iteration_segment};

    /// The chain of a path of segments, one link for each index segment with the branch
    /// segment after it (if any), from the root's zeros.
    fn chain_of(segments: &[&[u8]]) -> Hash {
        segments.chunks(2).fold([0; 32], |chain, step| chain_down(&chain, &step.concat()))
    }

    #[test]
    fn a_values_key_is_its_place_chain_however_deep() {
        let mut origins = Origins::new();
        // The par at index 2 of the root, its right branch; in it, a stream fold at index 0 and
        // its iteration for some key; in that, the value's state at index 3. Then the same fold's
        // end, and a sibling par branch.
        let right = origins.child(Origins::ROOT, 2, &RIGHT_SEGMENT);
        let iteration_key = IterKey { digest: [7; 16], nth: 0 };
        let iteration = origins.child(right, 0, &iteration_segment(&iteration_key));
        let end = origins.child(right, 0, &FOLD_END_SEGMENT);
        let left = origins.child(Origins::ROOT, 2, &LEFT_SEGMENT);
        let path = [
            &index_segment(2)[..],
            &RIGHT_SEGMENT,
            &index_segment(0),
            &iteration_segment(&iteration_key),
            &index_segment(3),
        ];
        let expected = chain_of(&path);
        let key = origins.key(Origin { at: iteration, index: 3 });
        assert_eq!(key.digest[..], expected[..16]);
        assert_eq!(key.nth, 0);
        // Computed once and kept: asking again, or from a sibling first, changes nothing.
        let _ = origins.key(Origin { at: end, index: 0 });
        assert_eq!(origins.key(Origin { at: iteration, index: 3 }), key);
        // Other places, other keys.
        let others = [
            origins.key(Origin { at: iteration, index: 2 }),
            origins.key(Origin { at: end, index: 3 }),
            origins.key(Origin { at: left, index: 3 }),
            origins.key(Origin { at: Origins::ROOT, index: 3 }),
        ];
        assert!(others.iter().all(|other| *other != key));
        let root_value = chain_of(&[&index_segment(3)]);
        assert_eq!(others[3].digest[..], root_value[..16]);
    }
}
