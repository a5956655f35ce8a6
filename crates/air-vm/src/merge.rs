//! Merging of two traces, state by state: the CRDT join of previous and incoming data.
//!
//! Each state kind forms a join-semilattice: an executed or failed call beats a sent one, a sent
//! call with a host call id beats one without, and ties are broken by the smaller sender; of two
//! generations of one stream value the smaller is kept. So the merge is commutative, associative
//! and idempotent. (The executor renumbers generations first so that the smaller one is the
//! previous data's, as AquaVM keeps: see `generation.rs`.) Contradictions (two different results for
//! one call, two different canon snapshots, states of different kinds) are [`FatalError::Trace`].
//! The executor merges lazily, one state at a time; [`merge_traces`] merges whole traces.

use std::cmp::Ordering;
use std::collections::BTreeMap;
use std::mem::take;

use crate::error::FatalError;
use crate::trace::{
    CallState, CanonState, FoldIteration, FoldState, IterKey, OutputKind, ParState, State,
};

/// Merges two optional call states.
pub fn merge_call(
    prev: Option<CallState>,
    current: Option<CallState>,
) -> Result<Option<CallState>, FatalError> {
    let (prev, current) = match (prev, current) {
        (None, other) | (other, None) => return Ok(other),
        (Some(prev), Some(current)) => (prev, current),
    };
    use CallState::{Executed, Failed, Sent};
    let merged = match (prev, current) {
        (Sent { sender: s1, call_id: c1 }, Sent { sender: s2, call_id: c2 }) => {
            let rank = |call_id: &Option<u32>| call_id.is_some();
            let first_wins = match rank(&c1).cmp(&rank(&c2)) {
                Ordering::Greater => true,
                Ordering::Less => false,
                Ordering::Equal => (&s1, c1) <= (&s2, c2),
            };
            if first_wins {
                Sent { sender: s1, call_id: c1 }
            } else {
                Sent { sender: s2, call_id: c2 }
            }
        }
        (Sent { .. }, other) | (other @ (Executed { .. } | Failed(_)), Sent { .. }) => other,
        (Executed { output: o1, result: r1 }, Executed { output: o2, result: r2 }) => {
            let output = match (o1, o2) {
                (OutputKind::Stream(g1), OutputKind::Stream(g2)) => OutputKind::Stream(g1.min(g2)),
                (o1, o2) if o1 == o2 => o1,
                _ => return Err(incompatible("two different results of one call")),
            };
            if r1 != r2 {
                return Err(incompatible("two different results of one call"));
            }
            Executed { output, result: r1 }
        }
        (Failed(r1), Failed(r2)) => {
            if r1 != r2 {
                return Err(incompatible("two different failures of one call"));
            }
            Failed(r1)
        }
        (Executed { .. }, Failed(_)) | (Failed(_), Executed { .. }) => {
            return Err(incompatible("a call both executed and failed"));
        }
    };
    Ok(Some(merged))
}

/// Merges two optional canon states.
pub fn merge_canon(
    prev: Option<CanonState>,
    current: Option<CanonState>,
) -> Result<Option<CanonState>, FatalError> {
    let (prev, current) = match (prev, current) {
        (None, other) | (other, None) => return Ok(other),
        (Some(prev), Some(current)) => (prev, current),
    };
    let merged = match (prev, current) {
        (CanonState::Sent { sender: s1 }, CanonState::Sent { sender: s2 }) => {
            CanonState::Sent { sender: if s1 <= s2 { s1 } else { s2 } }
        }
        (CanonState::Sent { .. }, executed) | (executed, CanonState::Sent { .. }) => executed,
        (CanonState::Executed(r1), CanonState::Executed(r2)) => {
            if r1 != r2 {
                return Err(incompatible("two different snapshots of one canon"));
            }
            CanonState::Executed(r1)
        }
    };
    Ok(Some(merged))
}

/// Merges two fold states: iterations are joined by key, their subtraces merged.
pub fn merge_fold(prev: FoldState, current: FoldState) -> Result<FoldState, FatalError> {
    let mut iterations: BTreeMap<IterKey, Vec<State>> = BTreeMap::new();
    for iteration in prev.iterations {
        iterations.insert(iteration.key, iteration.trace);
    }
    for iteration in current.iterations {
        let trace = match iterations.remove(&iteration.key) {
            Some(existing) => merge_traces(existing, iteration.trace)?,
            None => iteration.trace,
        };
        iterations.insert(iteration.key, trace);
    }
    Ok(FoldState {
        iterations: iterations
            .into_iter()
            .map(|(key, trace)| FoldIteration { key, trace })
            .collect(),
        last: merge_traces(prev.last, current.last)?,
    })
}

/// Merges two optional states of any kind; kinds must agree.
pub fn merge_state(
    prev: Option<State>,
    current: Option<State>,
) -> Result<Option<State>, FatalError> {
    let (prev, current) = match (prev, current) {
        (None, other) | (other, None) => return Ok(other),
        (Some(prev), Some(current)) => (prev, current),
    };
    let merged = match (prev, current) {
        (State::Call(c1), State::Call(c2)) => merge_call(Some(c1), Some(c2))?.map(State::Call),
        (State::Canon(c1), State::Canon(c2)) => merge_canon(Some(c1), Some(c2))?.map(State::Canon),
        (State::Ap(g1), State::Ap(g2)) => Some(State::Ap(g1.min(g2))),
        (State::Par(p1), State::Par(p2)) => {
            let (mut p1, mut p2) = (*p1, *p2);
            let left = merge_traces(take(&mut p1.left), take(&mut p2.left))?;
            let right = merge_traces(take(&mut p1.right), take(&mut p2.right))?;
            Some(State::Par(Box::new(ParState { left, right })))
        }
        (State::Fold(f1), State::Fold(f2)) => Some(State::Fold(merge_fold(f1, f2)?)),
        (s1, s2) => {
            return Err(FatalError::Trace(format!(
                "incompatible states {} and {} at one position",
                kind(&s1),
                kind(&s2)
            )));
        }
    };
    Ok(merged)
}

/// Merges two traces position by position; the longer one's tail is kept.
pub fn merge_traces(prev: Vec<State>, current: Vec<State>) -> Result<Vec<State>, FatalError> {
    let mut merged = Vec::with_capacity(prev.len().max(current.len()));
    let mut prev = prev.into_iter();
    let mut current = current.into_iter();
    loop {
        match crate::grow(|| merge_state(prev.next(), current.next()))? {
            Some(state) => merged.push(state),
            None => return Ok(merged),
        }
    }
}

/// The name of a state's kind, for error messages.
pub fn kind(state: &State) -> &'static str {
    match state {
        State::Call(_) => "call",
        State::Par(_) => "par",
        State::Fold(_) => "fold",
        State::Ap(_) => "ap",
        State::Canon(_) => "canon",
    }
}

fn incompatible(what: &str) -> FatalError {
    FatalError::Trace(format!("incompatible states: {what}"))
}
