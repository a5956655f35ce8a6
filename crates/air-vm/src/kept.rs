//! What a peer may keep between its steps besides the bytes: the decoded form of the data its
//! last step wrote. That data is the peer's own (it comes back as the next step's
//! `prev_data`), so the next step takes it as it is instead of decoding it and collecting its
//! results again: a hop then costs what arrived, not also what the peer already held.
//!
//! The kept form is only used for the very bytes it was written as (compared by BLAKE3 digest);
//! any other `prev_data` is decoded as usual. The outcome of a step is the same either way. A
//! step keeps its data only when it leaves call requests: the host then runs the peer again on
//! that data once the results are in (a local loop, a peer answering through its services).

use std::rc::Rc;

use crate::data::ParticleData;
use crate::placed::PeerResults;
use crate::value::{Hash, Stored};

/// A peer's kept data: empty, or the decoded form of the data its last step wrote.
#[derive(Debug, Default)]
pub struct KeptData {
    last: Option<Kept>,
}

/// The decoded form of one step's data, with what the next step derives from it.
#[derive(Debug)]
pub(crate) struct Kept {
    /// The BLAKE3 digest of the encoded data.
    pub bytes_digest: Hash,
    /// The data itself.
    pub data: ParticleData,
    /// Every peer's sorted, placed result digests in `data.trace`.
    pub results: PeerResults,
    /// The data's value table, in encoding order.
    pub values: Vec<Rc<Stored>>,
}

impl KeptData {
    /// Nothing kept yet.
    pub fn new() -> KeptData {
        KeptData::default()
    }

    /// Whether data is kept.
    pub fn is_empty(&self) -> bool {
        self.last.is_none()
    }

    /// Takes the kept data if it is the decoded form of `bytes`; forgets it either way.
    pub(crate) fn take_for(&mut self, bytes: &[u8]) -> Option<Kept> {
        let kept = self.last.take()?;
        (!bytes.is_empty() && kept.bytes_digest == *blake3::hash(bytes).as_bytes()).then_some(kept)
    }

    /// Keeps `kept` for the next step.
    pub(crate) fn keep(&mut self, kept: Kept) {
        self.last = Some(kept);
    }
}
