//! `fold` over scalars, canon streams and canon maps, `fold` over streams and stream maps, and
//! `next`.
//!
//! `next` runs the body for the following element recursively, so instructions after it run
//! while the recursion unwinds. A stream fold gives each value its own subtrace, keyed by the
//! value's origin (the place of the state that produced it; see `origin.rs`), iterates values
//! appended while it runs, behaves as if it ended in `never` without a last instruction, and
//! swallows catchable errors.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use air_syntax::{Fold, FoldIterable, Instruction, ValueKind};

use super::{Exec, ExecError, ExecResult, MAX_FOLD_DEPTH, Resolved};
use crate::context::{IteratorValue, StreamRef};
use crate::error::{CatchableError, FatalError};
use crate::merge::{kind, merge_fold, merge_traces};
use crate::origin::{Origins, SubtraceId};
use crate::placed::{FOLD_END_SEGMENT, iteration_segment};
use crate::trace::{FoldIteration, FoldState, IterKey, State};
use crate::value::{FxHashMap as HashMap, FxHashSet as HashSet, JValue, Val, describe};

/// An active fold, found by its iterator name from `next`.
pub(crate) struct FoldCursor<'p> {
    fold: &'p Fold,
    items: Items,
    idx: usize,
}

enum Items {
    Scalar(ScalarItems),
    Stream(Box<StreamIter>),
}

/// The elements of a fold over a value or a canon: a canon's elements, or a JSON array whose
/// element values (with their `.$.[i]` lens) are made when the body reaches them, so a fold that
/// runs few of its iterations costs little.
enum ScalarItems {
    Canon(Rc<Vec<Val>>),
    Array(Val),
}

impl ScalarItems {
    fn len(&self) -> usize {
        match self {
            ScalarItems::Canon(items) => items.len(),
            ScalarItems::Array(array) => array.json().as_array().map_or(0, Vec::len),
        }
    }

    fn get(&self, idx: usize) -> Option<IteratorValue> {
        match self {
            ScalarItems::Canon(items) => items.get(idx).cloned().map(IteratorValue::Ready),
            ScalarItems::Array(array) => {
                array.json().as_array()?.get(idx)?;
                Some(IteratorValue::element(array.clone(), idx))
            }
        }
    }
}

struct StreamIter {
    stream: StreamRef,
    prev: HashMap<IterKey, Vec<State>>,
    current: HashMap<IterKey, Vec<State>>,
    out: BTreeMap<IterKey, Vec<State>>,
    prev_last: Vec<State>,
    current_last: Vec<State>,
    out_last: Vec<State>,
    visited: HashSet<IterKey>,
    /// The value whose body runs now.
    at: Option<IterKey>,
    /// The keys for the stream length they were computed at.
    keys: std::cell::RefCell<(usize, Rc<Vec<IterKey>>)>,
    /// Where the fold's state goes: its iterations' subtraces are below it.
    place: (SubtraceId, usize),
    /// The run's subtraces, for the keys of the stream's values.
    origins: Rc<RefCell<Origins>>,
}

impl StreamIter {
    /// The keys of the stream's values, in stream order (recomputed when the stream changed).
    fn keys(&self) -> Rc<Vec<IterKey>> {
        let len = self.stream.borrow().len();
        let mut cache = self.keys.borrow_mut();
        if cache.0 != len || cache.1.len() != len {
            *cache = (len, Rc::new(self.compute_keys()));
        }
        cache.1.clone()
    }

    /// Each value's origin (see [`crate::origin`]); a second value of one origin, which a
    /// well-formed trace never has, gets the next occurrence number.
    fn compute_keys(&self) -> Vec<IterKey> {
        let mut counts: HashMap<[u8; 16], u32> = HashMap::default();
        let stream = self.stream.borrow();
        let origins = self.origins.borrow();
        stream
            .origins()
            .iter()
            .map(|origin| {
                let digest = origins.key(*origin).digest;
                let count = counts.entry(digest).or_insert(0);
                let key = IterKey { digest, nth: *count };
                *count += 1;
                key
            })
            .collect()
    }

    /// The first value after `after` (or from the start) not yet iterated in this run.
    fn unvisited_after(&self, after: Option<IterKey>) -> Option<usize> {
        let keys = self.keys();
        let start = match after {
            None => 0,
            Some(key) => {
                keys.iter().position(|other| *other == key).map_or(keys.len(), |pos| pos + 1)
            }
        };
        (start..keys.len()).find(|idx| !self.visited.contains(&keys[*idx]))
    }
}

impl<'p> Exec<'p, '_> {
    /// `(fold iterable iterator body last?)`
    pub fn exec_fold(&mut self, fold: &'p Fold, instruction: &'p Instruction) -> ExecResult {
        match &fold.iterable {
            FoldIterable::Value(value) => {
                let items = match self.fold_items(value) {
                    Ok(Some(items)) => items,
                    Ok(None) => return self.join(),
                    Err(error) => return Err(self.raise(error, instruction, None)),
                };
                if items.len() == 0 {
                    return Ok(());
                }
                let cursor = FoldCursor { fold, items: Items::Scalar(items), idx: 0 };
                let (result, _) = self.run_fold(fold, cursor)?;
                result
            }
            FoldIterable::Stream(name) => {
                let stream = self.vars.stream(&name.name);
                self.exec_stream_fold(fold, stream)
            }
            FoldIterable::StreamMap(name) => {
                let stream = self.vars.stream_map(&name.name);
                self.exec_stream_fold(fold, stream)
            }
        }
    }

    fn fold_items(&self, value: &air_syntax::Value) -> Result<Option<ScalarItems>, CatchableError> {
        if let ValueKind::CanonStreamMap { name, lens: None } = &value.kind {
            return Ok(self
                .vars
                .canon_map(name)
                .map(|map| ScalarItems::Canon(map.elements.clone())));
        }
        match self.resolve(value)? {
            None => Ok(None),
            Some(Resolved::Canon(canon)) => Ok(Some(ScalarItems::Canon(canon.elements.clone()))),
            Some(Resolved::Value(val)) => match val.json() {
                JValue::Array(_) => Ok(Some(ScalarItems::Array(val))),
                other => Err(CatchableError::FoldIteratesOverNonArray(
                    super::text::fold_iterable_text(value),
                    describe(other),
                )),
            },
        }
    }

    fn exec_stream_fold(&mut self, fold: &'p Fold, stream: Option<StreamRef>) -> ExecResult {
        let (prev, current) = self.pop_states();
        let prev = as_fold(prev)?;
        let current = as_fold(current)?;
        let place = self.next_place();
        let stream = match stream {
            Some(stream) if !stream.borrow().is_empty() => stream,
            _ => {
                self.push_state(State::Fold(merge_fold(prev, current)?));
                return self.join();
            }
        };
        let iter = StreamIter {
            stream,
            prev: prev.iterations.into_iter().map(|it| (it.key, it.trace)).collect(),
            current: current.iterations.into_iter().map(|it| (it.key, it.trace)).collect(),
            out: BTreeMap::new(),
            prev_last: prev.last,
            current_last: current.last,
            out_last: Vec::new(),
            visited: HashSet::default(),
            at: None,
            keys: std::cell::RefCell::new((0, Rc::new(Vec::new()))),
            place,
            origins: self.origins.clone(),
        };
        let cursor = FoldCursor { fold, items: Items::Stream(Box::new(iter)), idx: 0 };
        // A stream fold goes on with its other values when one waits.
        self.inline_blocked += 1;
        let chains = self.run_chains(fold, cursor);
        self.inline_blocked -= 1;
        let (result, cursor) = chains?;
        let Items::Stream(iter) = cursor.items else { return Ok(()) };
        let mut iterations: BTreeMap<IterKey, Vec<State>> = iter.out;
        let mut leftovers: BTreeMap<IterKey, (Vec<State>, Vec<State>)> = BTreeMap::new();
        for (key, trace) in iter.prev {
            leftovers.entry(key).or_default().0 = trace;
        }
        for (key, trace) in iter.current {
            leftovers.entry(key).or_default().1 = trace;
        }
        for (key, (prev, current)) in leftovers {
            iterations.insert(key, merge_traces(prev, current)?);
        }
        let mut last = iter.out_last;
        last.extend(merge_traces(iter.prev_last, iter.current_last)?);
        let iterations =
            iterations.into_iter().map(|(key, trace)| FoldIteration { key, trace }).collect();
        self.push_state(State::Fold(FoldState { iterations, last }));
        match result {
            Err(ExecError::Fatal(error)) => Err(ExecError::Fatal(error)),
            Err(ExecError::Catchable(_)) | Ok(()) => Ok(()),
        }
    }

    /// Runs the first element with `cursor` active; returns the result and the cursor.
    fn run_fold(
        &mut self,
        fold: &'p Fold,
        cursor: FoldCursor<'p>,
    ) -> Result<(ExecResult, FoldCursor<'p>), FatalError> {
        let name = fold.iterator.name.as_str();
        self.folds.push((name, cursor));
        let result = self.run_item(name, 0);
        let cursor = self.take_cursor(name)?;
        if let Err(ExecError::Fatal(error)) = result {
            return Err(error);
        }
        Ok((result, cursor))
    }

    /// Runs one chain per group of values not yet iterated (AquaVM runs one per generation, so
    /// values that arrive later are iterated even when an earlier chain waits); the fold is
    /// complete if any chain completes, and catchable errors are swallowed.
    fn run_chains(
        &mut self,
        fold: &'p Fold,
        cursor: FoldCursor<'p>,
    ) -> Result<(ExecResult, FoldCursor<'p>), FatalError> {
        let name = fold.iterator.name.as_str();
        self.folds.push((name, cursor));
        let mut complete = false;
        let mut start = Some(0);
        while let Some(idx) = start {
            self.complete = true;
            match self.run_item(name, idx) {
                Err(ExecError::Fatal(error)) => return Err(error),
                Err(ExecError::Catchable(_)) | Ok(()) => complete |= self.complete,
            }
            start = match self.cursor(name) {
                Some(FoldCursor { items: Items::Stream(iter), .. }) => iter.unvisited_after(None),
                _ => None,
            };
        }
        self.complete = complete;
        let cursor = self.take_cursor(name)?;
        Ok((Ok(()), cursor))
    }

    /// The innermost open fold over `name`.
    fn cursor(&mut self, name: &str) -> Option<&mut FoldCursor<'p>> {
        self.folds.iter_mut().rev().find(|(open, _)| *open == name).map(|(_, cursor)| cursor)
    }

    /// Closes the innermost open fold over `name`, returning its cursor.
    fn take_cursor(&mut self, name: &str) -> Result<FoldCursor<'p>, FatalError> {
        let at = self.folds.iter().rposition(|(open, _)| *open == name);
        let (_, cursor) = at
            .map(|at| self.folds.remove(at))
            .ok_or_else(|| FatalError::Trace("fold cursor lost".into()))?;
        Ok(cursor)
    }

    /// Runs the body for element `idx` of the innermost fold over `name`.
    fn run_item(&mut self, name: &str, idx: usize) -> ExecResult {
        if self.fold_depth >= MAX_FOLD_DEPTH {
            return Err(FatalError::RecursionLimit(MAX_FOLD_DEPTH).into());
        }
        let Some(cursor) = self.cursor(name) else { return Ok(()) };
        cursor.idx = idx;
        let fold: &'p Fold = cursor.fold;
        let body = &fold.body;
        let (item, key, traces) = match &mut cursor.items {
            Items::Scalar(items) => match items.get(idx) {
                Some(item) => (item, None, None),
                None => return Ok(()),
            },
            Items::Stream(iter) => {
                let Some(key) = iter.keys().get(idx).copied() else { return Ok(()) };
                iter.visited.insert(key);
                iter.at = Some(key);
                let item = iter.stream.borrow().get(idx).cloned();
                let Some(item) = item.map(IteratorValue::Ready) else { return Ok(()) };
                let prev = iter.prev.remove(&key).unwrap_or_default();
                let current = iter.current.remove(&key).unwrap_or_default();
                (item, Some(key), Some((prev, current, iter.place)))
            }
        };
        if let (Some(key), Some((prev, current, (at, index)))) = (key, traces) {
            let origin = self.origins.borrow_mut().child(at, index, &iteration_segment(&key));
            self.push_frame(prev, current, origin);
        }
        self.fold_depth += 1;
        self.vars.enter_scope();
        self.vars.push_iterator(name, item);
        let result = self.exec(body);
        self.vars.pop_iterator(name);
        self.vars.exit_scope();
        self.fold_depth -= 1;
        if let Some(key) = key {
            let trace = self.pop_frame()?;
            if let Some(FoldCursor { items: Items::Stream(iter), .. }) = self.cursor(name) {
                let merged = match iter.out.remove(&key) {
                    Some(existing) => merge_traces(existing, trace)?,
                    None => trace,
                };
                iter.out.insert(key, merged);
            }
        }
        result
    }

    /// `(next iterator)`
    pub fn exec_next(&mut self, name: &str) -> ExecResult {
        let Some(cursor) = self.cursor(name) else { return Ok(()) };
        let saved = cursor.idx;
        let (following, saved_at) = match &cursor.items {
            Items::Scalar(items) => (Some(saved + 1).filter(|idx| *idx < items.len()), None),
            Items::Stream(iter) => (iter.unvisited_after(iter.at), iter.at),
        };
        if let Some(following) = following {
            let hidden = self.vars.hide_scope();
            let result = self.run_item(name, following);
            self.vars.reveal_scope(hidden);
            if let Some(cursor) = self.cursor(name) {
                cursor.idx = saved;
                if let Items::Stream(iter) = &mut cursor.items {
                    iter.at = saved_at;
                }
            }
            return result;
        }
        let last = cursor.fold.last.as_ref();
        let stream = matches!(cursor.items, Items::Stream(_));
        match (last, stream) {
            (None, false) => Ok(()),
            (None, true) => self.join(),
            (Some(last), false) => self.exec(last),
            (Some(last), true) => self.exec_stream_last(name, last),
        }
    }

    fn exec_stream_last(&mut self, name: &str, last: &'p Instruction) -> ExecResult {
        let (prev, current, (at, index)) = match self.cursor(name) {
            Some(FoldCursor { items: Items::Stream(iter), .. }) => (
                std::mem::take(&mut iter.prev_last),
                std::mem::take(&mut iter.current_last),
                iter.place,
            ),
            _ => (Vec::new(), Vec::new(), self.next_place()),
        };
        let origin = self.origins.borrow_mut().child(at, index, &FOLD_END_SEGMENT);
        self.push_frame(prev, current, origin);
        let result = self.exec(last);
        let trace = self.pop_frame()?;
        if let Some(FoldCursor { items: Items::Stream(iter), .. }) = self.cursor(name) {
            let existing = std::mem::take(&mut iter.out_last);
            iter.out_last = merge_traces(existing, trace)?;
        }
        result
    }
}

fn as_fold(state: Option<State>) -> Result<FoldState, FatalError> {
    match state {
        None => Ok(FoldState::default()),
        Some(State::Fold(fold)) => Ok(fold),
        Some(other) => {
            Err(FatalError::Trace(format!("expected a fold state, found {}", kind(&other))))
        }
    }
}
