//! The variables of one execution: scalars, canon streams and canon maps with fold and `new`
//! scopes, streams and stream maps, and fold iterators.
//!
//! A scope is opened by every fold iteration and every `new`; names set inside are dropped when it
//! closes. In the global scope a scalar is write-once (AquaVM's `ShadowingIsNotAllowed`).
//!
//! `next` runs the following iteration inside the current one (a recursion), so the scope of the
//! iteration that called `next` stays open below it. As in AquaVM, that scope is *hidden* while the
//! recursion runs: a scalar (or canon) whose innermost value was set by an earlier iteration reads
//! as not yet set, so the later iteration waits for its own value instead of reading a stale one.

use std::cell::{OnceCell, RefCell};
use std::rc::Rc;

use crate::error::FatalError;
use crate::origin::Origin;
use crate::trace::Generation;
use crate::value::{CanonVal, FxHashMap as HashMap, JValue, Val};

/// The most values a stream may hold (AquaVM's `STREAM_MAX_SIZE`).
pub const STREAM_MAX_SIZE: usize = 1024;

/// A stream, shared so that a fold sees values appended while it runs.
pub type StreamRef = Rc<RefCell<Stream>>;

/// A stream's values in order: by generation (AquaVM's: values this peer already held, then
/// values that just arrived, then values produced in this run; see `generation.rs`), then in
/// the order they were added, so a value learned later never overtakes one learned earlier.
#[derive(Debug, Default)]
pub struct Stream {
    values: Vec<Val>,
    generations: Vec<Generation>,
    /// Parallel to `values`: where each value comes from (see `crate::origin`).
    origins: Vec<Origin>,
}

impl Stream {
    /// The values in order.
    pub fn values(&self) -> &[Val] {
        &self.values
    }

    /// The number of values.
    pub fn len(&self) -> usize {
        self.values.len()
    }

    /// Whether the stream is empty.
    pub fn is_empty(&self) -> bool {
        self.values.is_empty()
    }

    /// The value at `idx`.
    pub fn get(&self, idx: usize) -> Option<&Val> {
        self.values.get(idx)
    }

    /// Where each value comes from, in order.
    pub(crate) fn origins(&self) -> &[Origin] {
        &self.origins
    }

    /// Inserts a value from `origin` at the end of its generation.
    fn insert(&mut self, generation: Generation, value: Val, origin: Origin) {
        let pos = self
            .generations
            .iter()
            .rposition(|other| *other <= generation)
            .map_or(0, |pos| pos + 1);
        self.values.insert(pos, value);
        self.generations.insert(pos, generation);
        self.origins.insert(pos, origin);
    }
}

/// The kinds of names that scopes track.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Scalar,
    Canon,
    CanonMap,
}

struct Slot<T> {
    depth: u32,
    value: Option<T>,
}

/// All variables of an execution.
#[derive(Default)]
pub struct Variables {
    scalars: HashMap<String, Vec<Slot<Val>>>,
    canons: HashMap<String, Vec<Slot<CanonVal>>>,
    canon_maps: HashMap<String, Vec<Slot<CanonVal>>>,
    streams: HashMap<String, Vec<StreamRef>>,
    stream_maps: HashMap<String, Vec<StreamRef>>,
    iterators: HashMap<String, Vec<IteratorValue>>,
    depth: u32,
    scope_log: Vec<Vec<(Kind, String)>>,
    /// The depths of iterations whose `next` is running (AquaVM's depths not in `allowed_depths`).
    hidden: Vec<u32>,
}

impl Variables {
    /// Opens a scope (a fold iteration or a `new`).
    pub fn enter_scope(&mut self) {
        self.depth += 1;
        self.scope_log.push(Vec::new());
    }

    /// Closes the innermost scope, dropping what was defined in it.
    pub fn exit_scope(&mut self) {
        let Some(names) = self.scope_log.pop() else { return };
        for (kind, name) in names.into_iter().rev() {
            match kind {
                Kind::Scalar => pop_slot(&mut self.scalars, &name),
                Kind::Canon => pop_slot(&mut self.canons, &name),
                Kind::CanonMap => pop_slot(&mut self.canon_maps, &name),
            }
        }
        self.depth = self.depth.saturating_sub(1);
    }

    /// Hides the current scope while the following fold iteration runs (`next`); returns what
    /// [`Variables::reveal_scope`] needs to show it again.
    pub fn hide_scope(&mut self) -> u32 {
        self.hidden.push(self.depth);
        self.depth
    }

    /// Shows again a scope hidden by [`Variables::hide_scope`].
    pub fn reveal_scope(&mut self, depth: u32) {
        if let Some(pos) = self.hidden.iter().rposition(|hidden| *hidden == depth) {
            self.hidden.remove(pos);
        }
    }

    /// The innermost value of a name, unless its scope is hidden (then it reads as unset, even
    /// when an outer scope has a value: AquaVM looks at the innermost cell only).
    fn visible<'v, T>(&self, slots: Option<&'v Vec<Slot<T>>>) -> Option<&'v T> {
        let slot = slots?.last()?;
        if slot.depth > 0 && self.hidden.contains(&slot.depth) {
            return None;
        }
        slot.value.as_ref()
    }

    fn log(&mut self, kind: Kind, name: &str) {
        if let Some(names) = self.scope_log.last_mut() {
            names.push((kind, name.to_owned()));
        }
    }

    /// Checks that a scalar named `name` may be set now.
    pub fn check_scalar_settable(&self, name: &str) -> Result<(), FatalError> {
        self.check_not_iterator(name)?;
        match self.scalars.get(name) {
            Some(slots) => check_not_shadowing(self.depth, name, slots),
            None => Ok(()),
        }
    }

    /// A scalar may not take the name of a bound fold iterator.
    fn check_not_iterator(&self, name: &str) -> Result<(), FatalError> {
        // Most scripts set scalars outside any fold: no lookup then.
        if !self.iterators.is_empty()
            && self.iterators.get(name).is_some_and(|stack| !stack.is_empty())
        {
            return Err(FatalError::IterableShadowing(name.to_owned()));
        }
        Ok(())
    }

    /// Sets a scalar in the current scope.
    pub fn set_scalar(&mut self, name: &str, value: Val) -> Result<(), FatalError> {
        self.check_not_iterator(name)?;
        let depth = self.depth;
        // One lookup for the check and the set: a new name (the usual case) is inserted at once.
        let pushed = set_slot_checked(&mut self.scalars, name, depth, value, |slots| {
            check_not_shadowing(depth, name, slots)
        })?;
        if pushed {
            self.log(Kind::Scalar, name);
        }
        Ok(())
    }

    /// The value of a scalar or fold iterator, if it is set.
    pub fn scalar(&self, name: &str) -> Option<&Val> {
        match self.iterator(name) {
            Some(value) => Some(value.val()),
            None => self.visible(self.scalars.get(name)),
        }
    }

    /// The JSON value of a scalar or fold iterator, if it is set, without making the iterator's
    /// value (a call's peer is usually the iterator of a fold over an array of peers).
    pub fn scalar_json(&self, name: &str) -> Option<&JValue> {
        match self.iterator(name) {
            Some(value) => value.json(),
            None => self.visible(self.scalars.get(name)).map(Val::json),
        }
    }

    /// The innermost fold iterator of that name, if one is bound.
    fn iterator(&self, name: &str) -> Option<&IteratorValue> {
        self.iterators.get(name).and_then(|stack| stack.last())
    }

    /// Sets a canon stream.
    pub fn set_canon(&mut self, name: &str, value: CanonVal) {
        let depth = self.depth;
        if set_slot(&mut self.canons, name, depth, value) {
            self.log(Kind::Canon, name);
        }
    }

    /// A canon stream, if set.
    pub fn canon(&self, name: &str) -> Option<&CanonVal> {
        self.visible(self.canons.get(name))
    }

    /// Sets a canon map (its elements are `{key, value}` objects).
    pub fn set_canon_map(&mut self, name: &str, value: CanonVal) {
        let depth = self.depth;
        if set_slot(&mut self.canon_maps, name, depth, value) {
            self.log(Kind::CanonMap, name);
        }
    }

    /// A canon map, if set.
    pub fn canon_map(&self, name: &str) -> Option<&CanonVal> {
        self.visible(self.canon_maps.get(name))
    }

    /// Opens `new` for a name of the given kind: it starts undefined or empty. Only that name is
    /// scoped; [`Variables::end_new`] restores it.
    pub fn declare_new(&mut self, kind: air_syntax::VariableKind, name: &str) {
        use air_syntax::VariableKind as V;
        let depth = self.depth;
        let name = name.to_owned();
        match kind {
            V::Scalar => self.scalars.entry(name).or_default().push(Slot { depth, value: None }),
            V::CanonStream => {
                self.canons.entry(name).or_default().push(Slot { depth, value: None })
            }
            V::CanonStreamMap => {
                self.canon_maps.entry(name).or_default().push(Slot { depth, value: None })
            }
            V::Stream => self.streams.entry(name).or_default().push(StreamRef::default()),
            V::StreamMap => self.stream_maps.entry(name).or_default().push(StreamRef::default()),
        }
    }

    /// Closes the `new` scope of a name.
    pub fn end_new(&mut self, kind: air_syntax::VariableKind, name: &str) {
        use air_syntax::VariableKind as V;
        match kind {
            V::Scalar => pop_slot(&mut self.scalars, name),
            V::CanonStream => pop_slot(&mut self.canons, name),
            V::CanonStreamMap => pop_slot(&mut self.canon_maps, name),
            V::Stream => pop_stream(&mut self.streams, name),
            V::StreamMap => pop_stream(&mut self.stream_maps, name),
        }
    }

    /// The innermost stream of that name, if it exists.
    pub fn stream(&self, name: &str) -> Option<StreamRef> {
        self.streams.get(name)?.last().cloned()
    }

    /// The innermost stream map of that name, if it exists.
    pub fn stream_map(&self, name: &str) -> Option<StreamRef> {
        self.stream_maps.get(name)?.last().cloned()
    }

    /// Adds a value of that generation to a stream, creating a global one on first write.
    pub(crate) fn push_stream(
        &mut self,
        name: &str,
        generation: Generation,
        origin: Origin,
        value: Val,
    ) -> Result<(), FatalError> {
        let streams = self.streams.entry(name.to_owned()).or_default();
        push_to(streams, name, generation, origin, value)
    }

    /// Adds a `{key, value}` object of that generation to a stream map, creating a global one on
    /// first write.
    pub(crate) fn push_stream_map(
        &mut self,
        name: &str,
        generation: Generation,
        origin: Origin,
        value: Val,
    ) -> Result<(), FatalError> {
        let streams = self.stream_maps.entry(name.to_owned()).or_default();
        push_to(streams, name, generation, origin, value)
    }

    /// Binds a fold iterator.
    pub fn push_iterator(&mut self, name: &str, value: IteratorValue) {
        // The name is owned once per fold, not once per iteration.
        match self.iterators.get_mut(name) {
            Some(stack) => stack.push(value),
            None => {
                self.iterators.insert(name.to_owned(), vec![value]);
            }
        }
    }

    /// Unbinds the innermost fold iterator of that name.
    pub fn pop_iterator(&mut self, name: &str) {
        if let Some(stack) = self.iterators.get_mut(name) {
            stack.pop();
        }
    }
}

/// A fold iterator's value: a value, or an element of an array value made into one (with its
/// `.$.[i]` lens) only when something reads it whole. Most iterations read only the element's
/// JSON, or nothing: a replayed call on the element's peer compares texts.
pub enum IteratorValue {
    /// A value as it is (a canon's or a stream's element).
    Ready(Val),
    /// Element `idx` of `array`, a JSON array that long.
    Element {
        /// The array value.
        array: Val,
        /// The element's index.
        idx: usize,
        /// The element as a value, once read whole.
        made: OnceCell<Val>,
    },
}

impl IteratorValue {
    /// An iterator bound to element `idx` of `array`, which must be a JSON array that long.
    pub fn element(array: Val, idx: usize) -> IteratorValue {
        IteratorValue::Element { array, idx, made: OnceCell::new() }
    }

    /// The element's JSON value (`None` only for an index past the array's end).
    fn json(&self) -> Option<&JValue> {
        match self {
            IteratorValue::Ready(val) => Some(val.json()),
            IteratorValue::Element { array, idx, .. } => array.json().get(*idx),
        }
    }

    /// The value, made on first use.
    fn val(&self) -> &Val {
        match self {
            IteratorValue::Ready(val) => val,
            IteratorValue::Element { array, idx, made } => made.get_or_init(|| Val {
                value: crate::element::element(&array.value, *idx),
                tetraplet: array.tetraplet.with_element_lens(*idx),
            }),
        }
    }
}

/// Outside every scope (at `depth` 0) a scalar is set once.
fn check_not_shadowing(depth: u32, name: &str, slots: &[Slot<Val>]) -> Result<(), FatalError> {
    let top = slots.last();
    if depth == 0 && top.is_some_and(|slot| slot.depth == 0 && slot.value.is_some()) {
        return Err(FatalError::ShadowingIsNotAllowed(name.to_owned()));
    }
    Ok(())
}

fn set_slot<T>(map: &mut HashMap<String, Vec<Slot<T>>>, name: &str, depth: u32, value: T) -> bool {
    let Ok(pushed) =
        set_slot_checked(map, name, depth, value, |_| Ok::<(), std::convert::Infallible>(()));
    pushed
}

/// [`set_slot`] after `check` passes on the name's slots, found by the same lookup (a new name
/// has none to check).
fn set_slot_checked<T, E>(
    map: &mut HashMap<String, Vec<Slot<T>>>,
    name: &str,
    depth: u32,
    value: T,
    check: impl FnOnce(&[Slot<T>]) -> Result<(), E>,
) -> Result<bool, E> {
    Ok(match map.get_mut(name) {
        Some(slots) => {
            check(slots)?;
            set_in(slots, depth, value)
        }
        None => {
            map.insert(name.to_owned(), vec![Slot { depth, value: Some(value) }]);
            depth > 0
        }
    })
}

/// Sets the value of a name's slots at `depth`, pushing a slot when the innermost one is of an
/// outer scope; whether it pushed into a scope (which then logs the name, to drop it on exit).
fn set_in<T>(slots: &mut Vec<Slot<T>>, depth: u32, value: T) -> bool {
    match slots.last_mut() {
        Some(slot) if slot.depth == depth => {
            slot.value = Some(value);
            false
        }
        _ => {
            slots.push(Slot { depth, value: Some(value) });
            depth > 0
        }
    }
}

fn pop_slot<T>(map: &mut HashMap<String, Vec<Slot<T>>>, name: &str) {
    if let Some(slots) = map.get_mut(name) {
        slots.pop();
    }
}

fn pop_stream(map: &mut HashMap<String, Vec<StreamRef>>, name: &str) {
    if let Some(streams) = map.get_mut(name) {
        streams.pop();
    }
}

fn push_to(
    streams: &mut Vec<StreamRef>,
    name: &str,
    generation: Generation,
    origin: Origin,
    value: Val,
) -> Result<(), FatalError> {
    if streams.is_empty() {
        streams.push(StreamRef::default());
    }
    let stream = streams.last().cloned().unwrap_or_default();
    let mut stream = stream.borrow_mut();
    if stream.len() >= STREAM_MAX_SIZE {
        return Err(FatalError::StreamSizeLimit(name.to_owned(), STREAM_MAX_SIZE));
    }
    stream.insert(generation, value, origin);
    Ok(())
}
