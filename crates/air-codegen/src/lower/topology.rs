//! Topology: where code runs and the hops that take the particle there and back.
//!
//! A location is a peer and the relays it is reached through (`on PEER via R…`); the script
//! starts at `%init_peer_id%` via `-relay-`. Entering a location from its parent goes through
//! the parent's relays in reverse, then the new location's relays; leaving goes the other way.
//! Calls themselves move the particle to their peer, so hops are only emitted for relays (and,
//! in `par` branches, for the parent peer, so that results flow back; and for the peer itself
//! when the block's calls on it are inside a `for … par` or `co` that goes on at once). A failure inside a
//! location is caught there and rethrown after the hops back, so it reaches the init peer.

use air_syntax::ast::{FoldIterable, Instruction, Pair, Value};
use aqua_typecheck::tast::Expr;
use aqua_typecheck::types::Type;

use crate::Options;
use crate::build::{self, scalar};
use crate::error::Result;
use crate::lower::{Frame, Lowerer};

/// A place where code runs.
#[derive(Debug, Clone)]
pub struct Location {
    /// The peer.
    pub peer: Value,
    /// The relays in front of it, outermost first.
    pub via: Vec<Via>,
    /// Whether `via` is the script's relay put in front of an `on INIT_PEER_ID` that names no
    /// relays (the program did not name it; see [`Lowerer::location`]).
    pub relay_implied: bool,
}

/// Two locations are the same place when their peers and relays are, however the relays came.
impl PartialEq for Location {
    fn eq(&self, other: &Location) -> bool {
        self.peer == other.peer && self.via == other.via
    }
}

/// One `via` item.
#[derive(Debug, Clone, PartialEq)]
pub enum Via {
    /// One relay.
    Peer(Value),
    /// A collection of relays, in order.
    Many(Value),
}

impl Location {
    /// The init peer, reached through `-relay-` unless `--no-relay`.
    pub fn top(options: &Options) -> Location {
        let via = if options.no_relay { Vec::new() } else { vec![Via::Peer(scalar("-relay-"))] };
        Location { peer: build::init_peer(), via, relay_implied: false }
    }
}

impl Lowerer<'_> {
    /// The location of `on peer via …`, with its values computed into `out`.
    pub(crate) fn location(
        &mut self,
        frame: &mut Frame,
        peer: &Expr,
        via: &[Expr],
        out: &mut Vec<Instruction>,
    ) -> Result<Location> {
        let bound = self.lower_expr(frame, peer, out, None)?;
        let peer = self.value_of(bound, out)?;
        let mut relays = Vec::with_capacity(via.len());
        for relay in via {
            let many = matches!(relay.ty, Type::Array(_) | Type::Option(_) | Type::Stream(_));
            let bound = self.lower_expr(frame, relay, out, None)?;
            let value = self.value_of(bound, out)?;
            relays.push(if many { Via::Many(value) } else { Via::Peer(value) });
        }
        // The init peer is a client behind its relay: a block on it with no relays of its own
        // is reached through that relay, as the script's own start is (random seed 50007).
        let relay_implied = relays.is_empty() && peer == build::init_peer();
        if relay_implied {
            relays = Location::top(self.options).via;
        }
        Ok(Location { peer, via: relays, relay_implied })
    }

    /// Runs `body` at `location`, entered from the current one, going on at `goes_on` (the
    /// current location when `None`). `None` when nothing is emitted.
    pub(crate) fn lower_on(
        &mut self,
        location: Location,
        goes_on: Option<&Location>,
        body: impl FnOnce(&mut Self) -> Result<Instruction>,
    ) -> Result<Option<Instruction>> {
        let parent = self.here();
        let (in_par, quiet) = (self.in_par, self.quiet);
        // A block on the peer we are on does not move: in a `par` branch, the blocks inside it
        // are the branch's way out, and bring their results back as the branch would (random
        // seed 29237).
        let stays = location.peer == parent.peer;
        // Except one with relays of its own that makes values: it brings them back through its
        // relays to where the `par` goes on, as the reference's AIR does. The block around it
        // may take its own way out at the end of the `par`'s first branch, which can run before
        // this branch's values exist (a first branch failing at once; random seed 63070).
        let own_way = stays && in_par && !quiet && location.via != parent.via;
        // A `par` branch brings its results to where the `par` goes on (the reference's route).
        let return_to =
            if stays && !own_way { None } else { self.par_return.take().filter(|_| in_par) };
        self.locations.push(location.clone());
        self.in_par = in_par && stays && !own_way;
        let result = body(self);
        self.in_par = in_par;
        self.par_return = None;
        self.locations.pop();
        // A callback that ended the block left the particle at the init peer, where the block
        // returns to: the hops out would be a round trip for nothing.
        let exit = !std::mem::take(&mut self.ended_at_top);
        let body = result?;
        if matches!(body, Instruction::Null(_)) {
            return Ok(None);
        }
        if location == parent {
            return Ok(Some(body));
        }
        // A body that never moves the particle (stream writes alone) runs where the hops in leave
        // it. Those are the relays the program names: not the one implied in front of an `on
        // INIT_PEER_ID` it is inside, nor one in front of a peer it does not go to (the
        // reference's AIR writes such values on the init peer, where a later read there finds
        // them at once: random seed 52221, shrunk).
        let moves = moves_anywhere(&body);
        let parent_via = if moves || !parent.relay_implied { &parent.via[..] } else { &[] };
        let mut into: Vec<Via> = parent_via.iter().rev().cloned().collect();
        into.extend(location.via.iter().cloned());
        // Such a body writes after the last visit of the peer we are on, as the reference's does:
        // `on p via INIT_PEER_ID` at the client, or `on q via p` on `p`, writes where it is,
        // instead of going out through the relay only to come back (random seed 75107, whose
        // `for` over the stream at the client, after a `par`, then missed the value).
        if !moves {
            // The block's peer itself is reached only by a call: a path that ends there (`on
            // HOST_PEER_ID` at the client) leaves the particle where the way there starts.
            into = dedup(into);
            if matches!(into.last(), Some(Via::Peer(last)) if *last == location.peer) {
                into.pop();
            }
            into = from_last_visit(into, &parent.peer);
            if into.is_empty() && return_to.as_ref().is_none_or(|to| *to == parent) {
                return Ok(Some(body));
            }
        }
        // The first call on the peer takes the particle there, unless the body can finish before
        // it: a `for … par` or `co` goes on at once, and the last relay would then take the hops
        // out before the peer's results exist (a hop taken is not taken again).
        let enter_peer = goes_on_before_reaching(&body, &location.peer);
        if enter_peer {
            into.push(Via::Peer(location.peer.clone()));
        }
        // The last hop may be left to the body's first call only when that call is on the
        // block's peer: a body that starts elsewhere (an `on` block inside `on HOST_PEER_ID`)
        // must take it, or the particle would skip the relay (random seed 40016).
        let first_on_peer = !enter_peer && only_moves_to(&body, End::First, &location.peer);
        let into = trim(dedup(into), Some(&parent.peer), first_on_peer.then_some(&location.peer));
        let into = self.through_relay(into, &parent.peer, moves.then_some(&location.peer));
        let mut back: Vec<Via> = location.via.iter().rev().cloned().collect();
        back.extend(parent.via.iter().cloned());
        // Another location of the peer we are on (`on INIT_PEER_ID` at the top level): the
        // particle stays, as with the reference. Going out through the relays and back would let
        // a `par` branch elsewhere leave the relay before the values this block makes
        // (tests/data/agree/on-init-peer-in-par.aqua).
        let (into, mut back) = if stays { (Vec::new(), Vec::new()) } else { (into, back) };
        if in_par {
            back.push(Via::Peer(parent.peer.clone()));
        }
        let back = dedup(back);
        // A body that surely ends on the peer where the block goes on has taken the particle
        // there: the way out would be a round trip (an `on INIT_PEER_ID` ending a block on
        // another peer; random seed 54133, whose extra hops left the particle on the relay).
        let goes_on = goes_on.unwrap_or(&parent);
        let arrived = !in_par && ends_surely_on(&body, &goes_on.peer);
        // Where the way out leads when it does not end there itself (then the next call goes on).
        let mut out_to = Some(&parent.peer);
        // A `par` branch that binds nothing has nothing to bring back, nor a body that arrived.
        let out_path = if !exit || in_par && quiet || arrived {
            Vec::new()
        } else if let Some(to) = return_to.filter(|to| *to != parent) {
            out_to = None;
            // Out through this block's relays, then in through those of where the `par` goes on.
            let mut path: Vec<Via> = location.via.iter().rev().cloned().collect();
            path.extend(to.via.iter().cloned());
            path.push(Via::Peer(to.peer.clone()));
            from_last_visit(dedup(path), &location.peer)
        } else {
            // A first hop back to the block's peer is left out only when the body surely ends
            // there; one that ends on another peer (an inner `on` block) goes back through it.
            let ends_on_peer = only_moves_to(&body, End::Last, &location.peer);
            trim(back.clone(), ends_on_peer.then_some(&location.peer), None)
        };
        // A body that ends with a `par` of two statements takes the way out at the end of the
        // `par`'s first branch, and to the parent peer itself, as the reference's AIR does: a
        // `par` is complete as soon as either branch is, so hops after it could leave when only
        // the other branch had run, and pass the next call on before the first branch's results
        // exist; a hop or a call sent is not sent again (random seed 29050).
        let mut body = body;
        let exits_from_par = !out_path.is_empty() && last_par(&mut body).is_some();
        let out_path = if exits_from_par {
            dedup(out_path.into_iter().chain([Via::Peer(parent.peer.clone())]).collect())
        } else {
            out_path
        };
        let out_path = if out_path.is_empty() {
            out_path
        } else {
            self.through_relay(out_path, &location.peer, out_to)
        };
        let mut main = self.hops(&into, false);
        let out_hops = self.hops(&out_path, true);
        match last_par(&mut body).filter(|_| exits_from_par) {
            Some(pair) => {
                let left = std::mem::replace(&mut pair.left, build::null());
                let taken = build::seq_all(std::iter::once(left).chain(out_hops.clone()).collect());
                // A first branch that fails takes the way out too, then fails again (the `par`
                // drops the failure when the other branch succeeds): otherwise nothing would
                // ever take it, and what the other branch made would stay where it is (found
                // while shrinking random seed 63070).
                pair.left = if self.options.no_xor {
                    taken
                } else {
                    let failed = out_hops.into_iter().chain([build::fail_error()]).collect();
                    build::xor(taken, build::seq_all(failed))
                };
                main.push(body);
            }
            None => {
                main.push(body);
                main.extend(out_hops);
            }
        }
        let main = build::seq_all(main);
        if self.options.no_xor || back.is_empty() {
            return Ok(Some(main));
        }
        let back = self.through_relay(back, &location.peer, None);
        let mut error_path = self.hops(&back, true);
        error_path.push(build::fail_error());
        Ok(Some(build::xor(main, build::seq_all(error_path))))
    }

    /// `path`, walked from `from` towards `to`, with the relay put in wherever the particle would
    /// otherwise go between the init peer and another peer directly: the init peer is a client
    /// behind its relay, which it alone reaches (a route `via INIT_PEER_ID`, a block on the init
    /// peer). Unchanged with `--no-relay`.
    fn through_relay(&self, path: Vec<Via>, from: &Value, to: Option<&Value>) -> Vec<Via> {
        let Some(Via::Peer(relay)) = Location::top(self.options).via.into_iter().next() else {
            return path;
        };
        let init = build::init_peer();
        let is = |via: &Via, peer: &Value| matches!(via, Via::Peer(at) if at == peer);
        let crosses = |here: &Via, stop: &Via| {
            let between = |a: &Via, b: &Via| is(a, &init) && !is(b, &relay) && !is(b, &init);
            between(here, stop) || between(stop, here)
        };
        let mut out: Vec<Via> = Vec::with_capacity(path.len() + 2);
        let mut here = Via::Peer(from.clone());
        for stop in path {
            if crosses(&here, &stop) {
                out.push(Via::Peer(relay.clone()));
            }
            out.push(stop.clone());
            here = stop;
        }
        // The destination itself is reached by the body's first call, not by a hop.
        if let Some(to) = to
            && crosses(&here, &Via::Peer(to.clone()))
        {
            out.push(Via::Peer(relay.clone()));
        }
        dedup(out)
    }

    /// The hop instructions of a path; `backwards` walks relay collections in reverse.
    fn hops(&mut self, path: &[Via], backwards: bool) -> Vec<Instruction> {
        path.iter()
            .map(|via| match via {
                Via::Peer(peer) => build::hop(peer.clone()),
                Via::Many(peers) => {
                    let item = self.names.fresh("-via-peer-");
                    let step = build::hop(scalar(&item));
                    let body = if backwards {
                        build::seq(build::next(&item), step)
                    } else {
                        build::seq(step, build::next(&item))
                    };
                    build::fold(FoldIterable::Value(peers.clone()), &item, body, build::null())
                }
            })
            .collect()
    }
}

/// The `par` of two statements that `body` ends with, through `seq` and `new`, if it ends with
/// one (not a `for … par` or `co`, whose `par` has `(null)` on its right and goes on at once).
fn last_par(body: &mut Instruction) -> Option<&mut Pair> {
    let mut last = body;
    loop {
        match last {
            Instruction::Seq(pair) => last = &mut pair.right,
            Instruction::New(new) => last = &mut new.body,
            Instruction::Par(pair) if !matches!(pair.right, Instruction::Null(_)) => {
                return Some(pair);
            }
            _ => return None,
        }
    }
}

/// Whether `body` can reach its end before anything runs on `peer`: along the sequence it starts
/// with, a `par` whose other side is `(null)` (`for … par`, `co`) and that calls `peer` comes
/// before a call on `peer`. (A body that never calls `peer` runs wherever the particle is.)
fn goes_on_before_reaching(body: &Instruction, peer: &Value) -> bool {
    let mut stack = vec![body];
    while let Some(instruction) = stack.pop() {
        match instruction {
            Instruction::Seq(pair) => {
                stack.push(&pair.right);
                stack.push(&pair.left);
            }
            Instruction::New(new) => stack.push(&new.body),
            Instruction::Par(pair)
                if matches!(pair.right, Instruction::Null(_)) && calls(&pair.left, peer) =>
            {
                return true;
            }
            Instruction::Call(call) if call.peer == *peer => return false,
            _ => {}
        }
    }
    false
}

/// Whether none of the first (or last) instructions of `body` that take the particle somewhere
/// (calls and canons) runs on another peer than `peer`.
fn only_moves_to(body: &Instruction, end: End, peer: &Value) -> bool {
    let mut at = Vec::new();
    moves_at(body, end, &mut at);
    at.iter().all(|at| *at == peer)
}

/// Whether `body` cannot complete without taking the particle somewhere, and every instruction
/// that can do so last runs on `peer`: the body leaves the particle there.
fn ends_surely_on(body: &Instruction, peer: &Value) -> bool {
    let mut at = Vec::new();
    let can_complete_unmoved = moves_at(body, End::Last, &mut at);
    !can_complete_unmoved && at.iter().all(|at| *at == peer)
}

/// Which end of a body [`moves_at`] looks at.
#[derive(Clone, Copy, PartialEq)]
enum End {
    /// What can run before anything else.
    First,
    /// What can run after everything else.
    Last,
}

/// Collects the peers of the calls and canons of `instruction` that can run first (or last)
/// among them; returns whether it can complete without running any, so that what comes after
/// (or before) it can be first (or last). A branch that ends in `fail` does not complete; an
/// `xor`'s handler runs only after its body moved, so it is never first.
fn moves_at<'a>(instruction: &'a Instruction, end: End, out: &mut Vec<&'a Value>) -> bool {
    match instruction {
        Instruction::Call(call) => {
            out.push(&call.peer);
            false
        }
        Instruction::Canon(canon) => {
            out.push(&canon.peer);
            false
        }
        Instruction::Seq(pair) => {
            let (near, far) = match end {
                End::First => (&pair.left, &pair.right),
                End::Last => (&pair.right, &pair.left),
            };
            moves_at(near, end, out) && moves_at(far, end, out)
        }
        Instruction::Xor(pair) if end == End::First => moves_at(&pair.left, end, out),
        Instruction::Par(pair) | Instruction::Xor(pair) => {
            let left = moves_at(&pair.left, end, out);
            moves_at(&pair.right, end, out) || left
        }
        Instruction::New(new) => moves_at(&new.body, end, out),
        Instruction::Fold(fold) => {
            moves_at(&fold.body, end, out);
            if let (End::Last, Some(last)) = (end, &fold.last) {
                moves_at(last, end, out);
            }
            true
        }
        Instruction::Match(test) | Instruction::Mismatch(test) => {
            moves_at(&test.body, end, out);
            true
        }
        Instruction::Never(_) | Instruction::Fail(_) => false,
        Instruction::Ap(_)
        | Instruction::ApMap(_)
        | Instruction::Null(_)
        | Instruction::Next(_) => true,
    }
}

/// Whether `instruction` has a call on `peer` anywhere inside.
fn calls(instruction: &Instruction, peer: &Value) -> bool {
    let mut stack = vec![instruction];
    while let Some(instruction) = stack.pop() {
        if let Instruction::Call(call) = instruction
            && call.peer == *peer
        {
            return true;
        }
        stack.extend(instruction.children());
    }
    false
}

/// Whether `instruction` has a call or a canon anywhere inside: something that runs on a peer.
/// The hops of inner blocks do not count: a block whose inner blocks only write streams goes
/// where their relays lead, not to its own peer first.
fn moves_anywhere(instruction: &Instruction) -> bool {
    let mut stack = vec![instruction];
    while let Some(instruction) = stack.pop() {
        match instruction {
            Instruction::Call(_) => return true,
            Instruction::Canon(canon) if !build::is_hop(canon) => return true,
            _ => {}
        }
        stack.extend(instruction.children());
    }
    false
}

/// Removes consecutive repetitions.
fn dedup(mut path: Vec<Via>) -> Vec<Via> {
    path.dedup();
    path
}

/// The path after its last hop to `from`, where we are: a way back there and out again is a
/// detour.
fn from_last_visit(path: Vec<Via>, from: &Value) -> Vec<Via> {
    let last = path.iter().rposition(|via| matches!(via, Via::Peer(peer) if peer == from));
    match last {
        Some(at) => path.into_iter().skip(at + 1).collect(),
        None => path,
    }
}

/// Removes a first hop to where we are and a last hop to where the next call goes anyway.
fn trim(mut path: Vec<Via>, from: Option<&Value>, to: Option<&Value>) -> Vec<Via> {
    if let (Some(Via::Peer(first)), Some(from)) = (path.first(), from)
        && first == from
    {
        path.remove(0);
    }
    if let (Some(Via::Peer(last)), Some(to)) = (path.last(), to)
        && last == to
    {
        path.pop();
    }
    path
}
