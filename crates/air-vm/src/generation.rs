//! Stream generations across runs: the order in which stream values became known to a peer.
//!
//! As in AquaVM, a stream lists the values whose states this peer already held (in the order of
//! their stored generations), then the values that just arrived (in the order of the sender's
//! generations), then the values produced in this run, each generation in execution order. Every
//! run stores the generations it used, so the order a peer saw is kept on its later runs.
//!
//! Generation numbers are local to the data of one peer. Before a run, [`renumber`] maps the
//! previous data's generations to `0..P` and the incoming data's to `P..P + C` (both keeping their
//! order and dropping gaps), and the run gives its new values `P + C`. One number then orders a
//! value the way AquaVM's previous / current / new matrices do, a state held on both sides keeps
//! the previous data's generation (the smaller one, as the merge keeps), and the output stores
//! these numbers. They stay small: no generation exceeds the number of stream states of the
//! previous and the incoming data together.

use std::collections::BTreeMap;

use crate::trace::{CallState, Generation, OutputKind, State};

/// Renumbers the generations of `prev` and `current` into one order (previous data first) and
/// returns the generation of the values this run produces.
pub(crate) fn renumber(prev: &mut [State], current: &mut [State]) -> Generation {
    let prev_count = renumber_from(prev, 0);
    let current_count = renumber_from(current, prev_count);
    prev_count.saturating_add(current_count)
}

/// Renumbers the generations of `trace` to `0..n` in order, as the next step on this data would.
pub(crate) fn compact(trace: &mut [State]) {
    renumber_from(trace, 0);
}

/// Maps the distinct generations of `trace` in order to `start..start + n`; returns `n`.
fn renumber_from(trace: &mut [State], start: Generation) -> Generation {
    let mut seen: BTreeMap<Generation, Generation> = BTreeMap::new();
    visit(trace, &mut |generation| {
        seen.insert(*generation, 0);
    });
    if seen.is_empty() {
        return 0;
    }
    let mut next = start;
    for rank in seen.values_mut() {
        *rank = next;
        next = next.saturating_add(1);
    }
    let identity = seen.iter().all(|(from, to)| from == to);
    if !identity {
        visit(trace, &mut |generation| {
            if let Some(to) = seen.get(generation) {
                *generation = *to;
            }
        });
    }
    next - start
}

/// Calls `f` on every generation stored in `trace`.
fn visit(trace: &mut [State], f: &mut dyn FnMut(&mut Generation)) {
    for state in trace {
        match state {
            State::Ap(generation)
            | State::Call(CallState::Executed { output: OutputKind::Stream(generation), .. }) => {
                f(generation)
            }
            State::Par(par) => crate::grow(|| {
                visit(&mut par.left, f);
                visit(&mut par.right, f);
            }),
            State::Fold(fold) => crate::grow(|| {
                for iteration in &mut fold.iterations {
                    visit(&mut iteration.trace, f);
                }
                visit(&mut fold.last, f);
            }),
            State::Call(_) | State::Canon(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn previous_generations_come_first_and_gaps_are_dropped() {
        let mut prev = vec![State::Ap(4), State::Ap(1), State::Ap(4)];
        let mut current = vec![State::Ap(0), State::Ap(7)];
        assert_eq!(renumber(&mut prev, &mut current), 4);
        assert_eq!(prev, vec![State::Ap(1), State::Ap(0), State::Ap(1)]);
        assert_eq!(current, vec![State::Ap(2), State::Ap(3)]);
    }

    #[test]
    fn empty_traces_start_at_zero() {
        assert_eq!(renumber(&mut [], &mut []), 0);
        let mut current = vec![State::Ap(3)];
        assert_eq!(renumber(&mut [], &mut current), 1);
        assert_eq!(current, vec![State::Ap(0)]);
    }
}
