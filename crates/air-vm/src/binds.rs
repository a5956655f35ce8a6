//! What a result remembers of where it was bound: the identity of a place in a bind
//! ([`PlaceId`]) and each result's binds by tag and place ([`PlacedCache`]), which `placed.rs`
//! fills and reads and `trace.rs`'s results hold.

use std::cell::RefCell;

use crate::value::{FxHashMap, Hash};

/// How a place enters a bind: its path itself while the path is shorter than 32 bytes, else the
/// chain digest of the subtrace holding the state followed by the state's index segment (37
/// bytes). The two never collide (their lengths differ). A short path's bind hashes one BLAKE3
/// block and a long one's two, but naming a place hashes nothing beyond the chains of the
/// subtraces on its path, each computed once a visit: a visit that finds every result's bind
/// already known (data this peer held) hashes one block a subtrace, not one a result.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) struct PlaceId {
    pub(crate) bytes: [u8; PlaceId::LONG],
    pub(crate) len: u8,
}

impl PlaceId {
    /// The length of a long path's identity: a chain and an index segment.
    pub(crate) const LONG: usize = 32 + 5;

    /// The identity's bytes, as a bind hashes them.
    pub(crate) fn as_bytes(&self) -> &[u8] {
        &self.bytes[..usize::from(self.len)]
    }
}

/// The places a result was bound to, each with the tag it was used with and the bound digest: a
/// step visits the held, the arrived and the new trace, which share most results at the same
/// places. Most results stand at one place; one decoded for many places (the same call answered
/// alike in every iteration of a loop, decoded once) keeps a map, so that every visit finds each
/// of its places' binds instead of the last one only.
#[derive(Debug, Default)]
pub(crate) struct PlacedCache {
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
    pub(crate) fn get(&self, tag: u8, place: &PlaceId) -> Option<Hash> {
        match &*self.binds.try_borrow().ok()? {
            Binds::None => None,
            Binds::One(known_tag, known, bound) => {
                (*known_tag == tag && known == place).then_some(*bound)
            }
            Binds::Many(binds) => binds.get(&(tag, *place)).copied(),
        }
    }

    /// Remembers `bound` as the digest bound at `place` with `tag`.
    pub(crate) fn insert(&self, tag: u8, place: PlaceId, bound: Hash) {
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

#[cfg(test)]
mod tests {
    use super::*;

    fn place(n: usize) -> PlaceId {
        let mut bytes = [0; PlaceId::LONG];
        bytes[..8].copy_from_slice(&(n as u64).to_le_bytes());
        PlaceId { bytes, len: 8 }
    }

    #[test]
    fn a_result_remembers_each_place_up_to_the_limit_then_starts_over() {
        let cache = PlacedCache::default();
        for n in 0..PlacedCache::MAX_PLACES {
            cache.insert(1, place(n), [n as u8; 32]);
        }
        assert_eq!(cache.get(1, &place(0)), Some([0; 32]));
        assert_eq!(cache.get(2, &place(0)), None);
        assert_eq!(cache.get(1, &place(7)), Some([7; 32]));
        let last = PlacedCache::MAX_PLACES;
        cache.insert(1, place(last), [9; 32]);
        assert_eq!(cache.get(1, &place(0)), None);
        assert_eq!(cache.get(1, &place(last)), Some([9; 32]));
    }
}
