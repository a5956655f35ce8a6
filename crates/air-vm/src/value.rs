//! Runtime values: JSON values stored once by content hash, tetraplets, and values with provenance.
//!
//! A [`Stored`] value keeps its canonical JSON text (compact, sorted keys) and its parsed form,
//! each computed lazily from the other, and its BLAKE3 hash over the text. This module knows
//! nothing about the trace or the data format.

use std::cell::OnceCell;
use std::fmt;
use std::rc::Rc;

pub use serde_json::Value as JValue;

/// A 32-byte BLAKE3 content hash.
pub type Hash = [u8; 32];

/// A JSON value stored once, identified by the hash of its canonical text.
pub struct Stored {
    text: OnceCell<Rc<[u8]>>,
    json: OnceCell<Rc<JValue>>,
    hash: OnceCell<Hash>,
    /// The expected length of the text, when it is written from the parsed value.
    text_capacity: usize,
}

impl Stored {
    /// A stored value from a parsed JSON value.
    pub fn from_json(json: JValue) -> Rc<Stored> {
        Self::from_rc(Rc::new(json))
    }

    /// A stored value sharing a parsed JSON value.
    pub fn from_rc(json: Rc<JValue>) -> Rc<Stored> {
        Self::from_json_with_capacity(json, 0)
    }

    /// A stored value parsed from a JSON text of `text_len` bytes: its canonical text, usually as
    /// long, is written into a buffer of that size instead of one doubled again and again (a
    /// 1 MiB value otherwise costs a series of ever larger copies and fresh pages).
    pub fn from_parsed(json: JValue, text_len: usize) -> Rc<Stored> {
        Self::from_json_with_capacity(Rc::new(json), text_len)
    }

    fn from_json_with_capacity(json: Rc<JValue>, text_capacity: usize) -> Rc<Stored> {
        let stored = Stored {
            text: OnceCell::new(),
            json: OnceCell::new(),
            hash: OnceCell::new(),
            text_capacity,
        };
        let _ = stored.json.set(json);
        Rc::new(stored)
    }

    /// A stored value from its JSON text, trusted to be canonical; it is parsed on first use.
    pub fn from_text(text: Rc<[u8]>) -> Rc<Stored> {
        Self::with_text(text, None)
    }

    /// [`Stored::from_text`] with the text's hash, trusted to be right.
    pub fn from_text_hashed(text: Rc<[u8]>, hash: Hash) -> Rc<Stored> {
        Self::with_text(text, Some(hash))
    }

    fn with_text(text: Rc<[u8]>, hash: Option<Hash>) -> Rc<Stored> {
        let stored = Stored {
            text: OnceCell::from(text),
            json: OnceCell::new(),
            hash: hash.map_or_else(OnceCell::new, OnceCell::from),
            text_capacity: 0,
        };
        Rc::new(stored)
    }

    /// The canonical JSON text.
    pub fn text(&self) -> &Rc<[u8]> {
        self.text.get_or_init(|| {
            let json = self.json.get().map(|json| json.as_ref()).unwrap_or(&JValue::Null);
            let mut text = Vec::with_capacity(self.text_capacity.saturating_add(16));
            if serde_json::to_writer(&mut text, json).is_err() {
                text = b"null".to_vec();
            }
            Rc::from(text)
        })
    }

    /// The parsed JSON value (`null` if the stored text is not JSON, which decoding rules out).
    pub fn json(&self) -> &Rc<JValue> {
        self.json.get_or_init(|| {
            let text = self.text.get().map(|text| text.as_ref()).unwrap_or(b"null");
            Rc::new(parse_text(text))
        })
    }

    /// The parsed JSON value as an owned copy: cloned when it was parsed before, else parsed
    /// from the text without keeping the parsed form (a value passed on to a host as a call
    /// argument is then read once instead of parsed and then copied).
    pub fn to_json(&self) -> JValue {
        match (self.json.get(), self.text.get()) {
            (None, Some(text)) => parse_text(text),
            _ => JValue::clone(self.json()),
        }
    }

    /// The hash, if it was computed or carried already (never computes it).
    pub fn known_hash(&self) -> Option<Hash> {
        self.hash.get().copied()
    }

    /// The BLAKE3 hash of the canonical text.
    pub fn hash(&self) -> Hash {
        *self.hash.get_or_init(|| *blake3::hash(self.text()).as_bytes())
    }
}

impl fmt::Debug for Stored {
    fn fmt(&self, formatter: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(formatter, "{}", String::from_utf8_lossy(self.text()))
    }
}

impl PartialEq for Stored {
    fn eq(&self, other: &Self) -> bool {
        self.hash() == other.hash()
    }
}

/// The compact JSON text with sorted object keys (serde_json's map is a `BTreeMap`).
pub fn canonical_text(json: &JValue) -> Vec<u8> {
    serde_json::to_vec(json).unwrap_or_else(|_| b"null".to_vec())
}

/// The hash of a list of values (a call's arguments) given their hashes: a lone value's own
/// hash, else BLAKE3 over the domain `aqua-rs/arguments`, the count and the hashes, so a value's
/// text is hashed once however often it is passed, and a replayed call of one argument (the
/// common case) hashes nothing more. No JSON text starts with the domain, so a lone value's
/// hash is never that of a list. The empty list's hash (the arguments of most replayed calls,
/// `[]`) is computed once.
pub fn hash_of_hashes(mut hashes: impl ExactSizeIterator<Item = Hash>) -> Hash {
    static EMPTY: std::sync::OnceLock<Hash> = std::sync::OnceLock::new();
    match hashes.len() {
        0 => *EMPTY.get_or_init(|| hash_hashes_now(std::iter::empty())),
        1 => hashes.next().unwrap_or_default(),
        _ => hash_hashes_now(hashes),
    }
}

fn hash_hashes_now(hashes: impl ExactSizeIterator<Item = Hash>) -> Hash {
    const DOMAIN: &[u8] = b"aqua-rs/arguments";
    const HEAD: usize = DOMAIN.len() + 8;
    // One contiguous buffer hashed in a single call costs a fraction of the incremental hasher
    // (every replayed call hashes its arguments); up to 7 arguments fit on the stack.
    let count = hashes.len();
    let len = HEAD + 32 * count;
    let mut stack = [0u8; HEAD + 32 * 7];
    let mut heap = Vec::new();
    let bytes = match stack.get_mut(..len) {
        Some(bytes) => bytes,
        None => {
            heap.resize(len, 0);
            &mut heap[..]
        }
    };
    bytes[..DOMAIN.len()].copy_from_slice(DOMAIN);
    bytes[DOMAIN.len()..HEAD].copy_from_slice(&(count as u64).to_le_bytes());
    for (slot, hash) in bytes[HEAD..].chunks_exact_mut(32).zip(hashes) {
        slot.copy_from_slice(&hash);
    }
    *blake3::hash(bytes).as_bytes()
}

/// A fast non-cryptographic hasher (FxHash) for in-memory tables keyed by strings and hashes.
#[derive(Default, Clone, Copy)]
pub struct FxHasher {
    hash: u64,
}

impl std::hash::Hasher for FxHasher {
    fn write(&mut self, bytes: &[u8]) {
        const SEED: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut chunks = bytes.chunks_exact(8);
        for chunk in &mut chunks {
            let mut word = [0u8; 8];
            word.copy_from_slice(chunk);
            self.hash = (self.hash.rotate_left(5) ^ u64::from_le_bytes(word)).wrapping_mul(SEED);
        }
        for byte in chunks.remainder() {
            self.hash = (self.hash.rotate_left(5) ^ u64::from(*byte)).wrapping_mul(SEED);
        }
    }

    fn finish(&self) -> u64 {
        self.hash
    }
}

/// A `HashMap` with [`FxHasher`].
pub type FxHashMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<FxHasher>>;

/// A `HashSet` with [`FxHasher`].
pub type FxHashSet<K> = std::collections::HashSet<K, std::hash::BuildHasherDefault<FxHasher>>;

/// Where a value comes from: `{peer_pk, service_id, function_name, lens}`.
///
/// The peer, service and function are shared (`Rc<str>`): every element of an array and every
/// value taken from a result through a lens has the result's three, and a fold over an array
/// makes a tetraplet per element on every step. The lens is the value's own.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct Tetraplet {
    /// The peer that produced the value (the init peer for literals).
    pub peer_pk: Rc<str>,
    /// The service, empty for literals and canons.
    pub service_id: Rc<str>,
    /// The function, empty for literals and canons.
    pub function_name: Rc<str>,
    /// The lens applied to the original value, such as `.$.a.[0]`.
    pub lens: String,
}

impl Tetraplet {
    /// A tetraplet without service, function and lens.
    pub fn peer(peer_pk: &str) -> Rc<Tetraplet> {
        Rc::new(Tetraplet { peer_pk: Rc::from(peer_pk), ..Tetraplet::default() })
    }

    /// This tetraplet with `lens` appended.
    pub fn with_lens(&self, lens: &str) -> Rc<Tetraplet> {
        self.with_lens_from(lens.len(), |full| full.push_str(lens))
    }

    /// This tetraplet with the lens of array element `index` (`.$.[index]`) appended.
    pub fn with_element_lens(&self, index: usize) -> Rc<Tetraplet> {
        self.with_lens_from(24, |full| {
            // Without the formatting machinery: a fold over an array makes an element lens per
            // iteration on every step, and `write!` made each cost half again as much.
            full.push_str(".$.[");
            full.push_str(itoa::Buffer::new().format(index));
            full.push(']');
        })
    }

    /// This tetraplet with what `append` writes (about `extra` bytes) after its lens, built in
    /// one buffer (a clone then an append reallocated the lens; a fold over an array makes a
    /// tetraplet per element on every step).
    fn with_lens_from(&self, extra: usize, append: impl FnOnce(&mut String)) -> Rc<Tetraplet> {
        let mut lens = String::with_capacity(self.lens.len() + extra);
        lens.push_str(&self.lens);
        append(&mut lens);
        Rc::new(Tetraplet {
            peer_pk: self.peer_pk.clone(),
            service_id: self.service_id.clone(),
            function_name: self.function_name.clone(),
            lens,
        })
    }

    /// The tetraplet as a JSON object.
    pub fn to_json(&self) -> JValue {
        serde_json::json!({
            "peer_pk": &*self.peer_pk,
            "service_id": &*self.service_id,
            "function_name": &*self.function_name,
            "lens": self.lens,
        })
    }
}

/// A value with its tetraplet: what scalars, stream elements and canon elements hold.
#[derive(Debug, Clone)]
pub struct Val {
    /// The JSON value.
    pub value: Rc<Stored>,
    /// Where it comes from.
    pub tetraplet: Rc<Tetraplet>,
}

impl Val {
    /// A value from parsed JSON.
    pub fn new(json: JValue, tetraplet: Rc<Tetraplet>) -> Val {
        Val { value: Stored::from_json(json), tetraplet }
    }

    /// The parsed JSON.
    pub fn json(&self) -> &JValue {
        self.value.json()
    }
}

/// An immutable snapshot of a stream: what `#canon` names.
#[derive(Debug, Clone)]
pub struct CanonVal {
    /// The peer that took the snapshot.
    pub peer: Rc<str>,
    /// The elements, in stream order.
    pub elements: Rc<Vec<Val>>,
}

impl CanonVal {
    /// The snapshot as a JSON array.
    pub fn to_json(&self) -> JValue {
        JValue::Array(self.elements.iter().map(|element| element.json().clone()).collect())
    }

    /// The tetraplet of the snapshot as a whole.
    pub fn tetraplet(&self) -> Rc<Tetraplet> {
        Tetraplet::peer(&self.peer)
    }
}

/// A short JSON rendering of a value for error messages.
pub fn describe(json: &JValue) -> String {
    describe_up_to(json, 200)
}

/// The JSON text of a value, cut at `max` bytes with `…`.
pub fn describe_up_to(json: &JValue, max: usize) -> String {
    let text = json.to_string();
    if text.len() > max { format!("{}…", &text[..text.floor_char_boundary(max)]) } else { text }
}

/// A value's text parsed (`null` if it is not JSON). The text is checked as UTF-8 once, whole:
/// parsing bytes checked each string again on its own (a fold over an array of peer ids parses
/// the array on every step).
fn parse_text(text: &[u8]) -> JValue {
    std::str::from_utf8(text)
        .ok()
        .and_then(|text| serde_json::from_str(text).ok())
        .unwrap_or(JValue::Null)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_values_text_parses_as_json_or_reads_as_null() {
        let parsed = |text: &[u8]| Stored::from_text(Rc::from(text)).json().as_ref().clone();
        assert_eq!(parsed(br#"["a","b\u00e9",1]"#), serde_json::json!(["a", "b\u{e9}", 1]));
        assert_eq!(parsed(b"[\"\xff\"]"), JValue::Null);
        assert_eq!(parsed(b"not json"), JValue::Null);
    }

    #[test]
    fn element_lenses_write_the_index_in_decimal() {
        for index in [0, 7, 10, 99, 100, 1_234_567_890, usize::MAX] {
            let lens = Tetraplet::peer("p").with_lens(".$.a").with_element_lens(index).lens.clone();
            assert_eq!(lens, format!(".$.a.$.[{index}]"));
        }
    }

    /// The hash of arguments by its definition, one incremental update per part.
    fn hash_array_by_parts(values: &[Rc<Stored>]) -> Hash {
        if let [value] = values {
            return value.hash();
        }
        let mut hasher = blake3::Hasher::new();
        hasher.update(b"aqua-rs/arguments");
        hasher.update(&(values.len() as u64).to_le_bytes());
        for value in values {
            hasher.update(&value.hash());
        }
        *hasher.finalize().as_bytes()
    }

    #[test]
    fn lenses_append_to_the_lens() {
        let base = Tetraplet {
            peer_pk: "peer".into(),
            service_id: "srv".into(),
            function_name: "f".into(),
            lens: ".$.a".into(),
        };
        let element = base.with_element_lens(12);
        assert_eq!(element.lens, ".$.a.$.[12]");
        assert_eq!(*element, *base.with_lens(".$.[12]"));
        assert_eq!((&element.peer_pk, &element.service_id), (&base.peer_pk, &base.service_id));
    }

    #[test]
    fn argument_hashes_keep_their_definition() {
        let values: Vec<Rc<Stored>> =
            (0..10).map(|n| Stored::from_json(JValue::from(format!("arg {n}")))).collect();
        for count in 0..=values.len() {
            let hashes = values[..count].iter().map(|value| value.hash());
            assert_eq!(hash_of_hashes(hashes), hash_array_by_parts(&values[..count]));
        }
    }

    #[test]
    fn a_lone_argument_hashes_as_itself_and_a_list_as_no_json_text() {
        let value = Stored::from_json(JValue::from("x"));
        assert_eq!(hash_of_hashes([value.hash()].into_iter()), value.hash());
        // What a list of two is hashed over starts with the domain, so it is no value's text.
        let mut hashed = b"aqua-rs/arguments".to_vec();
        hashed.extend_from_slice(&2u64.to_le_bytes());
        hashed.extend_from_slice(&[value.hash(), value.hash()].concat());
        assert_eq!(
            hash_of_hashes([value.hash(), value.hash()].into_iter()),
            *blake3::hash(&hashed).as_bytes()
        );
        assert!(serde_json::from_slice::<JValue>(&hashed).is_err());
    }
}
