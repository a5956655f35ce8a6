//! Elements of array values as stored values, remembered by content across steps.
//!
//! A fold over an array binds each element to its iterator; an iteration that passes its element
//! on (a call's argument) needs it as a [`Stored`] value with its hash. Every step replays every
//! iteration, so a `fold … par` over n peers made and hashed n elements a step, n² over the
//! fan-out's steps. An element is a function of the array's content: remembered under the
//! array's hash and the index, it is made and hashed once per thread, for every step and peer.
//!
//! Only arrays whose hash is already known are looked up (hashing an array to save hashing one
//! element would cost more); a known hash was computed here, checked when its data arrived, or
//! is in the peer's own data, as every digest trusts it. Only elements of at most
//! [`MAX_ELEMENT_LEN`] bytes of text are kept; the memory is bounded by [`MAX_KEPT_BYTES`] and
//! [`MAX_ENTRIES`], and the memo starts over when either is reached.

use std::cell::RefCell;
use std::rc::Rc;

use crate::value::{FxHashMap as HashMap, Hash, JValue, Stored};

/// The longest element text kept (longer values carry their hash in the data anyway).
pub(crate) const MAX_ELEMENT_LEN: usize = 1024;

/// The element text kept in all, in bytes, before the memo starts over.
pub(crate) const MAX_KEPT_BYTES: usize = 8 << 20;

/// The elements kept, before the memo starts over.
pub(crate) const MAX_ENTRIES: usize = 1 << 16;

/// Elements by their array's hash and index, and the bytes of text they hold.
#[derive(Default)]
struct Memo {
    elements: HashMap<(Hash, usize), Rc<Stored>>,
    bytes: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// Element `idx` of `array` (`null` past the end or if `array` is not an array) as a stored
/// value: the one made before for an array of the same content, if it was kept.
pub(crate) fn element(array: &Stored, idx: usize) -> Rc<Stored> {
    let make = || Stored::from_json(array.json().get(idx).cloned().unwrap_or(JValue::Null));
    let Some(hash) = array.known_hash() else { return make() };
    let key = (hash, idx);
    if let Some(found) = MEMO.with(|memo| memo.borrow().elements.get(&key).cloned()) {
        return found;
    }
    let made = make();
    let len = made.text().len();
    if len <= MAX_ELEMENT_LEN {
        MEMO.with(|memo| {
            let mut memo = memo.borrow_mut();
            if memo.elements.len() >= MAX_ENTRIES || memo.bytes + len > MAX_KEPT_BYTES {
                memo.elements.clear();
                memo.bytes = 0;
            }
            memo.bytes += len;
            memo.elements.insert(key, made.clone());
        });
    }
    made
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn hashed(json: JValue) -> Rc<Stored> {
        let stored = Stored::from_json(json);
        let _ = stored.hash();
        stored
    }

    #[test]
    fn an_element_is_made_once_for_arrays_of_the_same_content() {
        let first = hashed(json!(["a", {"b": 1}, 3]));
        let second = hashed(json!(["a", {"b": 1}, 3]));
        let made = element(&first, 1);
        assert_eq!(made.json().as_ref(), &json!({"b": 1}));
        assert!(Rc::ptr_eq(&made, &element(&second, 1)));
        // Another index, another array, past the end: other values.
        assert_eq!(element(&second, 0).json().as_ref(), &json!("a"));
        assert_eq!(element(&hashed(json!(["x", {"b": 2}])), 1).json().as_ref(), &json!({"b": 2}));
        assert_eq!(element(&first, 7).json().as_ref(), &JValue::Null);
    }

    #[test]
    fn arrays_without_a_known_hash_are_not_looked_up() {
        let array = Stored::from_json(json!(["z", "y"]));
        let made = element(&array, 1);
        assert_eq!(made.json().as_ref(), &json!("y"));
        assert!(!Rc::ptr_eq(&made, &element(&array, 1)));
    }

    #[test]
    fn the_memo_starts_over_when_full() {
        let array = hashed(json!(["a"]));
        let first = element(&array, 0);
        // Indices past the end are kept too (as `null`): fill the memo to its limit.
        for idx in 1..MAX_ENTRIES {
            let _ = element(&array, idx);
        }
        assert!(Rc::ptr_eq(&first, &element(&array, 0)));
        let _ = element(&array, MAX_ENTRIES);
        let again = element(&array, 0);
        assert!(!Rc::ptr_eq(&first, &again));
        assert_eq!(again.json().as_ref(), &json!("a"));
    }

    #[test]
    fn long_elements_are_not_kept() {
        let long = "x".repeat(MAX_ELEMENT_LEN);
        let array = hashed(json!([long]));
        let made = element(&array, 0);
        assert_eq!(made.text().len(), MAX_ELEMENT_LEN + 2);
        assert!(!Rc::ptr_eq(&made, &element(&array, 0)));
    }
}
