//! One shared copy of each value the typed program holds many times (local names, literals).
//!
//! This module only keeps the copies; it knows nothing of what they mean.

use std::hash::Hash;
use std::sync::Arc;

use foldhash::HashSet;

/// The copy of `value` in `shared`; `make` builds one (added to `shared`) if there is none yet.
pub(crate) fn share<T: ?Sized + Eq + Hash>(
    shared: &mut HashSet<Arc<T>>,
    value: &T,
    make: impl FnOnce(&T) -> Arc<T>,
) -> Arc<T> {
    if let Some(copy) = shared.get(value) {
        return copy.clone();
    }
    let copy = make(value);
    shared.insert(copy.clone());
    copy
}
