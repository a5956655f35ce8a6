//! The particle data format: a versioned, deterministic binary encoding of the trace, with every
//! value, string and tetraplet stored once. See `docs/particle-format.md`.
//!
//! Encoding is canonical: tables are ordered by first use in the trace, so one trace has exactly
//! one encoding, and [`decode`] rejects any other byte string (reordered, duplicated or unused
//! entries) with [`DataError::NonCanonical`]. Decoding never panics and bounds every count and
//! the nesting depth. This module does not check hashes against signatures (see `verify.rs`).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::canonical::is_canonical_bytes;
use crate::error::DataError;
use crate::placed::{PeerResults, group_results, placed_digests};
use crate::trace::{
    CallState, CanonResult, CanonState, FoldIteration, FoldState, Generation, IterKey, OutputKind,
    ParState, ServiceResult, State, is_signed,
};
use crate::value::{FxHashMap, FxHashSet, Hash, Stored, Tetraplet, Val};

/// The magic bytes every encoding starts with.
pub const MAGIC: &[u8; 4] = b"AQPD";
/// The format version this VM writes and reads.
pub const FORMAT_VERSION: u8 = 10;
/// Values whose text is at least this long carry their BLAKE3 hash after the text: a peer then
/// reads the hash of a long value from its own data instead of hashing the text again on every
/// step (a 1 MiB value took two fifths of a step to hash). A hash that arrived is checked.
pub const CARRIED_HASH_MIN_LEN: usize = 1024;
/// The deepest trace nesting (par, fold) accepted: a `fold … par` over n peers nests n pars, so
/// the fold recursion limit is this one (every pass over the trace grows its stack on the heap).
pub const MAX_DEPTH: usize = 100_000;

/// Everything a particle carries between peers besides the script.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct ParticleData {
    /// The trace.
    pub trace: Vec<State>,
    /// The last host call id used by the peer that holds this data.
    pub last_call_id: u32,
    /// Each peer's signature over its results, by peer id.
    pub signatures: BTreeMap<String, [u8; 64]>,
}

/// Encodes data canonically.
pub fn encode(data: &ParticleData) -> Vec<u8> {
    let placed: Vec<Hash> =
        placed_digests(&data.trace).into_iter().map(|(_, digest)| digest).collect();
    encode_with_values(data, &placed).0
}

/// [`encode`] given the trace's placed digests (those of [`placed_digests`], in order), also
/// returning the value table in encoding order (what [`Held::new`] takes).
pub(crate) fn encode_with_values(
    data: &ParticleData,
    placed: &[Hash],
) -> (Vec<u8>, Vec<Rc<Stored>>) {
    let mut tables = Tables::for_results(placed.len());
    let mut trace = Vec::new();
    tables.write_trace(&mut trace, &data.trace);
    write_varint(&mut trace, placed.len() as u64);
    trace.extend_from_slice(placed.as_flattened());
    let mut signatures = Vec::new();
    write_varint(&mut signatures, data.signatures.len() as u64);
    for (peer, signature) in &data.signatures {
        let idx = tables.string(peer);
        write_varint(&mut signatures, idx);
        signatures.extend_from_slice(signature);
    }
    let mut out = Vec::with_capacity(trace.len() + signatures.len() + tables.size_hint());
    out.extend_from_slice(MAGIC);
    out.push(FORMAT_VERSION);
    tables.write(&mut out);
    write_varint(&mut out, u64::from(data.last_call_id));
    out.extend_from_slice(&trace);
    out.extend_from_slice(&signatures);
    (out, tables.values)
}

/// Decodes data; empty bytes are empty data. Rejects anything [`encode`] would not produce.
///
/// The canonical form is checked while decoding, without encoding again: every varint minimal,
/// every table entry distinct and used, tables in the order of first use (the order [`encode`]
/// interns them in), signatures sorted by peer. Any other damage is reported first, as its own
/// error; [`DataError::NonCanonical`] only when the bytes decode but are not canonical.
pub fn decode(bytes: &[u8]) -> Result<ParticleData, DataError> {
    decode_with(bytes, Checks::All, None).map(|(data, _)| data)
}

/// Decodes data without the canonical-form check.
pub fn decode_unchecked(bytes: &[u8]) -> Result<ParticleData, DataError> {
    decode_with(bytes, Checks::NotCanonical, None).map(|(data, _)| data)
}

/// Decodes the data a peer holds (its own previous data, which it wrote itself), with what
/// [`decode_arrived`] may share and the placed digests it carries (for
/// [`visit_carried`](crate::placed::visit_carried)). Such data is trusted: its canonical form, its
/// values' JSON, its long values' carried hashes and its placed digests are not checked again
/// (scanning a 1 MiB value took a sixth of a step, hashing it two fifths; hashing every result
/// again, a fifth of a step of a long chain). A value that is not JSON all the same reads as
/// `null`, as [`Stored::json`] says; nothing panics.
pub fn decode_held(bytes: &[u8]) -> Result<(ParticleData, Held, Vec<Hash>), DataError> {
    let (data, mut decoded) = decode_with(bytes, Checks::Trusted, None)?;
    let placed = std::mem::take(&mut decoded.placed);
    Ok((data, Held::from_decoded(decoded), placed))
}

/// [`decode`] for the data that arrived at a peer holding `held`, with each peer's placed digests
/// (found to be its results' own while decoding). Values, tetraplets and call results the peer
/// already holds are shared instead of decoded again, so the hashes and digests computed for
/// them are computed once. The result and the errors are those of [`decode`].
pub fn decode_arrived(bytes: &[u8], held: &Held) -> Result<(ParticleData, PeerResults), DataError> {
    decode_with(bytes, Checks::All, Some(held)).map(|(data, decoded)| (data, decoded.by_peer))
}

/// What a peer holds, found by content, for [`decode_arrived`] to share.
#[derive(Default)]
pub struct Held {
    /// Values by [`value_key`] (of two with one key, the last: texts are compared before one
    /// is shared).
    values: FxHashMap<u64, Rc<Stored>>,
    /// Tetraplets by content.
    tetraplets: FxHashSet<Rc<Tetraplet>>,
    /// Call results by the addresses of their (held) value and tetraplet and their arguments'
    /// hash. The results keep those values and tetraplets alive, so no address is reused.
    results: FxHashMap<(usize, usize, Hash), Rc<ServiceResult>>,
}

impl std::fmt::Debug for Held {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "Held({} results)", self.results.len())
    }
}

impl Held {
    /// What a peer holding `trace`, with value table `values`, holds.
    pub fn new(values: Vec<Rc<Stored>>, trace: &[State]) -> Held {
        let mut held = Held::default();
        held.results.reserve(values.len());
        for value in values {
            held.values.insert(value_key(value.text()), value);
        }
        held.add_results(trace);
        held
    }

    /// What a peer holds once it decoded its own data: what that decoding made (no walk of the
    /// trace needed, as every result of the trace is among them).
    fn from_decoded(decoded: Decoded) -> Held {
        let Decoded { values, tetraplets, results, .. } = decoded;
        let values = values.into_iter().map(|value| (value_key(value.text()), value)).collect();
        Held { values, tetraplets: tetraplets.into_iter().collect(), results }
    }

    /// The held value with this text, if any.
    fn value(&self, text: &[u8]) -> Option<&Rc<Stored>> {
        self.values.get(&value_key(text)).filter(|value| value.text()[..] == *text)
    }

    fn result_key(
        value: &Rc<Stored>,
        tetraplet: &Rc<Tetraplet>,
        args_hash: Hash,
    ) -> (usize, usize, Hash) {
        (Rc::as_ptr(value) as usize, Rc::as_ptr(tetraplet) as usize, args_hash)
    }

    fn add_results(&mut self, trace: &[State]) {
        for state in trace {
            match state {
                State::Call(CallState::Executed { result, .. } | CallState::Failed(result)) => {
                    // Results share their tetraplets: a known one costs a reference count.
                    self.tetraplets.insert(result.tetraplet.clone());
                    let key = Self::result_key(&result.value, &result.tetraplet, result.args_hash);
                    self.results.entry(key).or_insert_with(|| result.clone());
                }
                State::Par(par) => crate::grow(|| {
                    self.add_results(&par.left);
                    self.add_results(&par.right);
                }),
                State::Fold(fold) => crate::grow(|| {
                    for iteration in &fold.iterations {
                        self.add_results(&iteration.trace);
                    }
                    self.add_results(&fold.last);
                }),
                State::Call(CallState::Sent { .. }) | State::Ap(_) | State::Canon(_) => {}
            }
        }
    }
}

/// A cheap key of a value's text: its length and at most 64 bytes at each end.
fn value_key(text: &[u8]) -> u64 {
    use std::hash::Hasher;
    let mut hasher = crate::value::FxHasher::default();
    hasher.write_usize(text.len());
    hasher.write(&text[..text.len().min(64)]);
    hasher.write(&text[text.len().saturating_sub(64)..]);
    hasher.finish()
}

/// What decoding checks beyond the structure of the bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Checks {
    /// The canonical form and that every value is JSON.
    All,
    /// That every value is JSON.
    NotCanonical,
    /// Nothing more, and carried hashes are taken as written: the data is this peer's own.
    Trusted,
}

/// What one decoding made: the value and tetraplet tables, the call results it did not take
/// from a [`Held`], the placed digests the data carries and, where they were checked, each
/// peer's.
#[derive(Default)]
struct Decoded {
    values: Vec<Rc<Stored>>,
    tetraplets: Vec<Rc<Tetraplet>>,
    results: FxHashMap<(usize, usize, Hash), Rc<ServiceResult>>,
    placed: Vec<Hash>,
    by_peer: PeerResults,
}

/// Decodes data, returning what it made too; shares what `held` holds.
fn decode_with(
    bytes: &[u8],
    checks: Checks,
    held: Option<&Held>,
) -> Result<(ParticleData, Decoded), DataError> {
    if bytes.is_empty() {
        return Ok((ParticleData::default(), Decoded::default()));
    }
    let mut reader = Reader { bytes, pos: 0, non_minimal: false };
    if reader.take(4)? != MAGIC {
        return Err(DataError::BadMagic);
    }
    let version = reader.byte()?;
    if version != FORMAT_VERSION {
        return Err(DataError::UnsupportedVersion(version));
    }
    let strings = reader.strings()?;
    let values = reader.values(held, checks != Checks::Trusted)?;
    let (tetraplets, tetraplet_parts) = reader.tetraplets(&strings, held)?;
    let last_call_id =
        u32::try_from(reader.varint()?).map_err(|_| DataError::BadVarint(reader.pos))?;
    let canonical = (checks == Checks::All).then_some(Canonical {
        tetraplet_parts,
        next_string: 0,
        next_value: 0,
        next_tetraplet: 0,
        ok: true,
    });
    // About one result a value: sized once rather than grown through every power of two.
    let results = FxHashMap::with_capacity_and_hasher(values.len(), Default::default());
    let mut ctx =
        DecodeCtx { reader, strings, values, tetraplets, canonical, held, results, signed: 0 };
    let (result, placed, by_peer) = ctx.finish(bytes, last_call_id, checks)?;
    let DecodeCtx { values, tetraplets, results, .. } = ctx;
    Ok((result, Decoded { values, tetraplets, results, placed, by_peer }))
}

impl DecodeCtx<'_> {
    /// Decodes the trace, its placed digests and the signatures, and checks the digests (then
    /// returning each peer's) and the canonical form if asked to.
    fn finish(
        &mut self,
        bytes: &[u8],
        last_call_id: u32,
        checks: Checks,
    ) -> Result<(ParticleData, Vec<Hash>, PeerResults), DataError> {
        let ctx = self;
        let trace = ctx.trace(0)?;
        let placed = ctx.placed()?;
        let signatures = ctx.signatures()?;
        if ctx.reader.pos != bytes.len() {
            return Err(DataError::TrailingBytes(bytes.len() - ctx.reader.pos));
        }
        if let Some(canonical) = &ctx.canonical
            && !(canonical.ok && !ctx.reader.non_minimal && ctx.tables_canonical(canonical))
        {
            return Err(DataError::NonCanonical);
        }
        // Carried digests other than the results' own are not what encoding the trace writes.
        // They are hashed afresh: those of results shared with held data were remembered at
        // their places when the held data was visited, and cost a comparison.
        let mut by_peer = PeerResults::default();
        if checks == Checks::All {
            let fresh = placed_digests(&trace);
            if !fresh.iter().map(|(_, digest)| digest).eq(&placed) {
                return Err(DataError::NonCanonical);
            }
            by_peer = group_results(fresh);
        }
        Ok((ParticleData { trace, last_call_id, signatures }, placed, by_peer))
    }
}

/// What the canonical-form check tracks while decoding: table entries must be used in order.
struct Canonical {
    /// The string indices of each tetraplet, interned (in this order) at its first use.
    tetraplet_parts: Vec<[u64; 4]>,
    /// How many strings were used so far; the next new one must have this index.
    next_string: u64,
    /// How many values were used so far.
    next_value: u64,
    /// How many tetraplets were used so far.
    next_tetraplet: u64,
    /// No entry was used before an earlier one, and signatures were sorted.
    ok: bool,
}

impl Canonical {
    /// Records a use of entry `idx` of a table whose first `next` entries were used.
    fn first_use(next: &mut u64, idx: u64, ok: &mut bool) -> bool {
        if idx == *next {
            *next += 1;
            true
        } else {
            *ok &= idx < *next;
            false
        }
    }

    fn string(&mut self, idx: u64) {
        Self::first_use(&mut self.next_string, idx, &mut self.ok);
    }

    fn value(&mut self, idx: u64) {
        Self::first_use(&mut self.next_value, idx, &mut self.ok);
    }

    fn tetraplet(&mut self, idx: u64) {
        if Self::first_use(&mut self.next_tetraplet, idx, &mut self.ok) {
            let parts = usize::try_from(idx).ok().and_then(|idx| self.tetraplet_parts.get(idx));
            if let Some(parts) = parts.copied() {
                for part in parts {
                    self.string(part);
                }
            }
        }
    }
}

#[derive(Default)]
struct Tables {
    strings: Vec<Rc<str>>,
    string_idx: FxHashMap<Rc<str>, u64>,
    values: Vec<Rc<Stored>>,
    value_idx: FxHashMap<Hash, u64>,
    tetraplets: Vec<[u64; 4]>,
    tetraplet_idx: FxHashMap<[u64; 4], u64>,
    /// Tetraplets already written, by address: many states share one `Rc<Tetraplet>`, and a
    /// known one needs neither its strings interned again nor its content hashed. The data being
    /// encoded holds every such `Rc` for the whole encoding, so no address is reused meanwhile.
    tetraplet_ptr: FxHashMap<*const Tetraplet, u64>,
}

impl Tables {
    /// Empty tables for data of about `results` signed results: each result usually brings a
    /// value of its own, so the value table is sized once instead of grown (and rehashed).
    fn for_results(results: usize) -> Tables {
        Tables {
            values: Vec::with_capacity(results),
            value_idx: FxHashMap::with_capacity_and_hasher(results, Default::default()),
            ..Tables::default()
        }
    }

    fn size_hint(&self) -> usize {
        self.values.iter().map(|value| value.text().len() + 4).sum::<usize>()
            + 64 * self.strings.len()
    }

    fn string(&mut self, text: &str) -> u64 {
        if let Some(idx) = self.string_idx.get(text) {
            return *idx;
        }
        let idx = self.strings.len() as u64;
        let text: Rc<str> = Rc::from(text);
        self.strings.push(text.clone());
        self.string_idx.insert(text, idx);
        idx
    }

    fn value(&mut self, value: &Rc<Stored>) -> u64 {
        let hash = value.hash();
        if let Some(idx) = self.value_idx.get(&hash) {
            return *idx;
        }
        let idx = self.values.len() as u64;
        self.values.push(value.clone());
        self.value_idx.insert(hash, idx);
        idx
    }

    fn tetraplet(&mut self, tetraplet: &Rc<Tetraplet>) -> u64 {
        let ptr = Rc::as_ptr(tetraplet);
        if let Some(idx) = self.tetraplet_ptr.get(&ptr) {
            return *idx;
        }
        // Interning a known tetraplet's strings again changes nothing: they were interned (in
        // this order) when it was first written, so the encoding stays the same.
        let idx = self.tetraplet_by_content(tetraplet);
        self.tetraplet_ptr.insert(ptr, idx);
        idx
    }

    fn tetraplet_by_content(&mut self, tetraplet: &Tetraplet) -> u64 {
        let key = [
            self.string(&tetraplet.peer_pk),
            self.string(&tetraplet.service_id),
            self.string(&tetraplet.function_name),
            self.string(&tetraplet.lens),
        ];
        if let Some(idx) = self.tetraplet_idx.get(&key) {
            return *idx;
        }
        let idx = self.tetraplets.len() as u64;
        self.tetraplets.push(key);
        self.tetraplet_idx.insert(key, idx);
        idx
    }

    fn write(&self, out: &mut Vec<u8>) {
        write_varint(out, self.strings.len() as u64);
        for text in &self.strings {
            write_bytes(out, text.as_bytes());
        }
        write_varint(out, self.values.len() as u64);
        for value in &self.values {
            write_bytes(out, value.text());
            if value.text().len() >= CARRIED_HASH_MIN_LEN {
                out.extend_from_slice(&value.hash());
            }
        }
        write_varint(out, self.tetraplets.len() as u64);
        for tetraplet in &self.tetraplets {
            for idx in tetraplet {
                write_varint(out, *idx);
            }
        }
    }

    fn write_trace(&mut self, out: &mut Vec<u8>, trace: &[State]) {
        write_varint(out, trace.len() as u64);
        for state in trace {
            crate::grow(|| self.write_state(out, state));
        }
    }

    fn write_state(&mut self, out: &mut Vec<u8>, state: &State) {
        match state {
            State::Call(CallState::Sent { sender, call_id }) => {
                out.push(0);
                let idx = self.string(sender);
                write_varint(out, idx);
                write_varint(out, call_id.map_or(0, |id| u64::from(id) + 1));
            }
            State::Call(CallState::Executed { output, result }) => {
                out.push(match output {
                    OutputKind::Scalar => 1,
                    OutputKind::Stream(_) => 2,
                    OutputKind::Unused => 3,
                });
                self.write_result(out, result);
                if let OutputKind::Stream(generation) = output {
                    write_varint(out, u64::from(*generation));
                }
            }
            State::Call(CallState::Failed(result)) => {
                out.push(4);
                self.write_result(out, result);
            }
            State::Par(par) => {
                out.push(5);
                self.write_trace(out, &par.left);
                self.write_trace(out, &par.right);
            }
            State::Fold(fold) => {
                out.push(6);
                write_varint(out, fold.iterations.len() as u64);
                for iteration in &fold.iterations {
                    out.extend_from_slice(&iteration.key.digest);
                    write_varint(out, u64::from(iteration.key.nth));
                    self.write_trace(out, &iteration.trace);
                }
                self.write_trace(out, &fold.last);
            }
            State::Ap(generation) => {
                out.push(7);
                write_varint(out, u64::from(*generation));
            }
            State::Canon(CanonState::Sent { sender }) => {
                out.push(8);
                let idx = self.string(sender);
                write_varint(out, idx);
            }
            State::Canon(CanonState::Executed(result)) => {
                out.push(9);
                let idx = self.string(&result.peer);
                write_varint(out, idx);
                write_varint(out, result.elements.len() as u64);
                for element in &result.elements {
                    let value = self.value(&element.value);
                    write_varint(out, value);
                    let tetraplet = self.tetraplet(&element.tetraplet);
                    write_varint(out, tetraplet);
                }
            }
        }
    }

    fn write_result(&mut self, out: &mut Vec<u8>, result: &ServiceResult) {
        let value = self.value(&result.value);
        write_varint(out, value);
        let tetraplet = self.tetraplet(&result.tetraplet);
        write_varint(out, tetraplet);
        out.extend_from_slice(&result.args_hash);
    }
}

fn write_varint(out: &mut Vec<u8>, mut value: u64) {
    while value >= 0x80 {
        out.push((value as u8) | 0x80);
        value >>= 7;
    }
    out.push(value as u8);
}

fn write_bytes(out: &mut Vec<u8>, bytes: &[u8]) {
    write_varint(out, bytes.len() as u64);
    out.extend_from_slice(bytes);
}

/// The decoded tetraplets and the string indices of each.
type TetrapletTable = (Vec<Rc<Tetraplet>>, Vec<[u64; 4]>);

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
    /// A varint was longer than needed (or lost bits): the bytes are not canonical.
    non_minimal: bool,
}

impl<'a> Reader<'a> {
    fn take(&mut self, len: usize) -> Result<&'a [u8], DataError> {
        let end = self.pos.checked_add(len).filter(|end| *end <= self.bytes.len());
        let end = end.ok_or(DataError::Truncated(self.pos))?;
        let slice = &self.bytes[self.pos..end];
        self.pos = end;
        Ok(slice)
    }

    fn byte(&mut self) -> Result<u8, DataError> {
        Ok(self.take(1)?[0])
    }

    fn varint(&mut self) -> Result<u64, DataError> {
        let start = self.pos;
        let mut value = 0u64;
        for shift in (0..64).step_by(7) {
            let byte = self.byte()?;
            value |= u64::from(byte & 0x7f) << shift;
            if byte & 0x80 == 0 {
                // A last byte of zero after others, or bits past the 64th, encode differently.
                self.non_minimal |= (byte == 0 && shift > 0) || (shift == 63 && byte > 1);
                return Ok(value);
            }
        }
        Err(DataError::BadVarint(start))
    }

    /// A count of items that each take at least `min_size` bytes.
    fn count(&mut self, min_size: usize) -> Result<usize, DataError> {
        let count = self.varint()?;
        let remaining = (self.bytes.len() - self.pos) as u64;
        if count.saturating_mul(min_size as u64) > remaining {
            return Err(DataError::BadCount(count));
        }
        Ok(count as usize)
    }

    fn bytes_item(&mut self) -> Result<&'a [u8], DataError> {
        let len = self.count(1)?;
        self.take(len)
    }

    fn strings(&mut self) -> Result<Vec<Rc<str>>, DataError> {
        let count = self.count(1)?;
        let mut strings = Vec::with_capacity(count);
        for _ in 0..count {
            let at = self.pos;
            let bytes = self.bytes_item()?;
            let text = std::str::from_utf8(bytes).map_err(|_| DataError::InvalidUtf8(at))?;
            strings.push(Rc::from(text));
        }
        Ok(strings)
    }

    /// The values table; `verify` checks that each value is JSON text and that each carried
    /// hash is the text's (else the data is the peer's own and both are trusted).
    fn values(&mut self, held: Option<&Held>, verify: bool) -> Result<Vec<Rc<Stored>>, DataError> {
        let count = self.count(2)?;
        let mut values = Vec::with_capacity(count);
        for idx in 0..count {
            let bytes = self.bytes_item()?;
            let carried = if bytes.len() >= CARRIED_HASH_MIN_LEN {
                let hash: Hash =
                    self.take(32)?.try_into().map_err(|_| DataError::Truncated(self.pos))?;
                Some(hash)
            } else {
                None
            };
            // Only data that arrived is checked; this peer's own hashes are the ones it computed.
            let mismatch =
                |value: &Stored| verify && carried.is_some_and(|hash| hash != value.hash());
            // A held value is JSON: the peer wrote it from values that passed this check.
            if let Some(value) = held.and_then(|held| held.value(bytes)) {
                if mismatch(value) {
                    return Err(DataError::ValueHashMismatch(idx));
                }
                values.push(value.clone());
                continue;
            }
            // The canonical form (what peers write) is recognised in one quick pass; anything
            // else is checked by serde_json.
            if verify
                && !is_canonical_bytes(bytes)
                && serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err()
            {
                return Err(DataError::InvalidJson(idx));
            }
            let value = match carried {
                Some(hash) if !verify => Stored::from_text_hashed(Rc::from(bytes), hash),
                _ => Stored::from_text(Rc::from(bytes)),
            };
            if mismatch(&value) {
                return Err(DataError::ValueHashMismatch(idx));
            }
            values.push(value);
        }
        Ok(values)
    }

    /// The tetraplets table, with the string indices of each entry.
    fn tetraplets(
        &mut self,
        strings: &[Rc<str>],
        held: Option<&Held>,
    ) -> Result<TetrapletTable, DataError> {
        let count = self.count(4)?;
        let mut tetraplets = Vec::with_capacity(count);
        let mut indices = Vec::with_capacity(count);
        for _ in 0..count {
            let mut parts: [Rc<str>; 4] = Default::default();
            let mut part_indices = [0u64; 4];
            for (part, part_idx) in parts.iter_mut().zip(&mut part_indices) {
                let idx = self.varint()?;
                let text = usize::try_from(idx).ok().and_then(|idx| strings.get(idx));
                *part = text.ok_or(DataError::BadIndex { what: "string", index: idx })?.clone();
                *part_idx = idx;
            }
            let [peer_pk, service_id, function_name, lens] = parts;
            let lens = lens.to_string();
            let tetraplet = Tetraplet { peer_pk, service_id, function_name, lens };
            let shared = held.and_then(|held| held.tetraplets.get(&tetraplet)).cloned();
            tetraplets.push(shared.unwrap_or_else(|| Rc::new(tetraplet)));
            indices.push(part_indices);
        }
        Ok((tetraplets, indices))
    }
}

struct DecodeCtx<'a> {
    reader: Reader<'a>,
    strings: Vec<Rc<str>>,
    values: Vec<Rc<Stored>>,
    tetraplets: Vec<Rc<Tetraplet>>,
    /// The canonical-form check, when asked for.
    canonical: Option<Canonical>,
    /// What the decoding peer holds, to share.
    held: Option<&'a Held>,
    /// The call results decoded so far, by [`Held::result_key`]: a result that occurs at many
    /// places (the same call answered alike in every iteration of a loop) is one object, whose
    /// digest is computed once.
    results: FxHashMap<(usize, usize, Hash), Rc<ServiceResult>>,
    /// How many signed results (executed and failed calls, executed canons) were decoded.
    signed: usize,
}

impl DecodeCtx<'_> {
    fn index<T: Clone>(
        &mut self,
        table: fn(&Self) -> &Vec<T>,
        what: &'static str,
        record: fn(&mut Canonical, u64),
    ) -> Result<T, DataError> {
        let idx = self.reader.varint()?;
        let item = usize::try_from(idx).ok().and_then(|idx| table(self).get(idx));
        let item = item.cloned().ok_or(DataError::BadIndex { what, index: idx })?;
        if let Some(canonical) = &mut self.canonical {
            record(canonical, idx);
        }
        Ok(item)
    }

    fn string(&mut self) -> Result<Rc<str>, DataError> {
        self.index(|ctx| &ctx.strings, "string", Canonical::string)
    }

    fn value(&mut self) -> Result<Rc<Stored>, DataError> {
        self.index(|ctx| &ctx.values, "value", Canonical::value)
    }

    fn tetraplet(&mut self) -> Result<Rc<Tetraplet>, DataError> {
        self.index(|ctx| &ctx.tetraplets, "tetraplet", Canonical::tetraplet)
    }

    /// Whether every table entry was used and no two entries of a table are equal (the encoder
    /// stores each string, value and tetraplet once).
    fn tables_canonical(&self, canonical: &Canonical) -> bool {
        let all_used = canonical.next_string == self.strings.len() as u64
            && canonical.next_value == self.values.len() as u64
            && canonical.next_tetraplet == self.tetraplets.len() as u64;
        if !all_used {
            return false;
        }
        // Each set sized once: the tables' lengths are known.
        let mut strings =
            FxHashSet::with_capacity_and_hasher(self.strings.len(), Default::default());
        if !self.strings.iter().all(|text| strings.insert(&**text)) {
            return false;
        }
        // Values are told apart by hash, as the encoder does; the hashes are needed later anyway.
        let mut values = FxHashSet::with_capacity_and_hasher(self.values.len(), Default::default());
        if !self.values.iter().all(|value| values.insert(value.hash())) {
            return false;
        }
        let count = canonical.tetraplet_parts.len();
        let mut tetraplets = FxHashSet::with_capacity_and_hasher(count, Default::default());
        canonical.tetraplet_parts.iter().all(|parts| tetraplets.insert(parts))
    }

    fn trace(&mut self, depth: usize) -> Result<Vec<State>, DataError> {
        if depth > MAX_DEPTH {
            return Err(DataError::TooDeep(MAX_DEPTH));
        }
        let count = self.reader.count(1)?;
        let mut trace = Vec::with_capacity(count);
        for _ in 0..count {
            trace.push(crate::grow(|| self.state(depth))?);
        }
        Ok(trace)
    }

    fn state(&mut self, depth: usize) -> Result<State, DataError> {
        let at = self.reader.pos;
        let tag = self.reader.byte()?;
        let state = match tag {
            0 => {
                let sender = self.string()?;
                let call_id = match self.reader.varint()? {
                    0 => None,
                    id => Some(u32::try_from(id - 1).map_err(|_| DataError::BadVarint(at))?),
                };
                State::Call(CallState::Sent { sender, call_id })
            }
            1..=3 => {
                let result = self.result()?;
                let output = match tag {
                    1 => OutputKind::Scalar,
                    2 => OutputKind::Stream(self.generation()?),
                    _ => OutputKind::Unused,
                };
                State::Call(CallState::Executed { output, result })
            }
            4 => State::Call(CallState::Failed(self.result()?)),
            5 => {
                let left = self.trace(depth + 1)?;
                let right = self.trace(depth + 1)?;
                State::Par(Box::new(ParState { left, right }))
            }
            6 => State::Fold(self.fold(depth)?),
            7 => State::Ap(self.generation()?),
            8 => State::Canon(CanonState::Sent { sender: self.string()? }),
            9 => State::Canon(CanonState::Executed(self.canon()?)),
            tag => return Err(DataError::BadTag { what: "state", tag, at }),
        };
        self.signed += usize::from(is_signed(&state));
        Ok(state)
    }

    /// The placed digests after the trace: exactly one for each signed result.
    fn placed(&mut self) -> Result<Vec<Hash>, DataError> {
        let at = self.reader.pos;
        let count = self.reader.count(32)?;
        if count != self.signed {
            return Err(DataError::PlacedDigestCount { at, count, signed: self.signed });
        }
        let bytes = self.reader.take(32 * count)?;
        Ok(bytes.as_chunks::<32>().0.to_vec())
    }

    fn result(&mut self) -> Result<Rc<ServiceResult>, DataError> {
        let value = self.value()?;
        let tetraplet = self.tetraplet()?;
        let args_hash: Hash =
            self.reader.take(32)?.try_into().map_err(|_| DataError::Truncated(self.reader.pos))?;
        let key = Held::result_key(&value, &tetraplet, args_hash);
        if let Some(result) = self.held.and_then(|held| held.results.get(&key)) {
            return Ok(result.clone());
        }
        let result = self
            .results
            .entry(key)
            .or_insert_with(|| ServiceResult::new(value, tetraplet, args_hash));
        Ok(result.clone())
    }

    fn generation(&mut self) -> Result<Generation, DataError> {
        let at = self.reader.pos;
        u32::try_from(self.reader.varint()?).map_err(|_| DataError::BadVarint(at))
    }

    fn fold(&mut self, depth: usize) -> Result<FoldState, DataError> {
        let count = self.reader.count(18)?;
        let mut iterations = Vec::with_capacity(count);
        for _ in 0..count {
            let digest: [u8; 16] = self
                .reader
                .take(16)?
                .try_into()
                .map_err(|_| DataError::Truncated(self.reader.pos))?;
            let nth = u32::try_from(self.reader.varint()?)
                .map_err(|_| DataError::BadVarint(self.reader.pos))?;
            let trace = self.trace(depth + 1)?;
            iterations.push(FoldIteration { key: IterKey { digest, nth }, trace });
        }
        if iterations.windows(2).any(|pair| pair[0].key >= pair[1].key) {
            return Err(DataError::NonCanonical);
        }
        let last = self.trace(depth + 1)?;
        Ok(FoldState { iterations, last })
    }

    fn canon(&mut self) -> Result<Rc<CanonResult>, DataError> {
        let peer = self.string()?;
        let count = self.reader.count(2)?;
        let mut elements = Vec::with_capacity(count);
        for _ in 0..count {
            let value = self.value()?;
            let tetraplet = self.tetraplet()?;
            elements.push(Val { value, tetraplet });
        }
        Ok(CanonResult::new(peer, elements))
    }

    fn signatures(&mut self) -> Result<BTreeMap<String, [u8; 64]>, DataError> {
        let count = self.reader.count(65)?;
        // Peers in strictly increasing order, as written, are gathered and the map built in one
        // pass (inserting each peer id compared it with a handful of others sharing a long
        // prefix); from the first one out of order on, they go into the map one by one, so that
        // a peer signing twice is caught where it stands.
        let mut in_order: Vec<(String, [u8; 64])> = Vec::with_capacity(count);
        let mut out_of_order: Option<BTreeMap<String, [u8; 64]>> = None;
        for _ in 0..count {
            let peer = self.string()?;
            let signature: [u8; 64] = self
                .reader
                .take(64)?
                .try_into()
                .map_err(|_| DataError::Truncated(self.reader.pos))?;
            let map = match &mut out_of_order {
                Some(map) => map,
                None if in_order.last().is_none_or(|(last, _)| **last < *peer) => {
                    in_order.push((String::from(&*peer), signature));
                    continue;
                }
                None => {
                    if let Some(canonical) = &mut self.canonical {
                        canonical.ok = false;
                    }
                    out_of_order.insert(std::mem::take(&mut in_order).into_iter().collect())
                }
            };
            if map.insert(String::from(&*peer), signature).is_some() {
                return Err(DataError::NonCanonical);
            }
        }
        Ok(out_of_order.unwrap_or_else(|| in_order.into_iter().collect()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::placed::tests::signed;
    use crate::trace::{CallState, OutputKind, ParState};

    /// The call results of a flat or par-nested trace, in trace order.
    fn results(trace: &[State]) -> Vec<Rc<ServiceResult>> {
        let mut found = Vec::new();
        for state in trace {
            match state {
                State::Call(CallState::Executed { result, .. }) => found.push(result.clone()),
                State::Par(par) => {
                    found.extend(results(&par.left));
                    found.extend(results(&par.right));
                }
                _ => {}
            }
        }
        found
    }

    #[test]
    fn a_result_at_many_places_decodes_to_one_object_bound_to_each_place() {
        let result = || {
            let value = Stored::from_json(serde_json::json!({"ok": true}));
            ServiceResult::new(value, Tetraplet::peer("p"), [3; 32])
        };
        let executed =
            || State::Call(CallState::Executed { output: OutputKind::Scalar, result: result() });
        let other = ServiceResult::new(
            Stored::from_json(serde_json::json!(2)),
            Tetraplet::peer("p"),
            [3; 32],
        );
        let trace = vec![
            executed(),
            State::Par(Box::new(ParState { left: vec![executed()], right: vec![executed()] })),
            State::Call(CallState::Executed { output: OutputKind::Scalar, result: other }),
        ];
        let data = ParticleData { trace, ..ParticleData::default() };
        let bytes = encode(&data);

        let (held, holding, _) = decode_held(&bytes).expect("decodes");
        let (arrived, _) = decode_arrived(&bytes, &holding).expect("decodes");
        for decoded in [&held, &arrived] {
            let found = results(&decoded.trace);
            assert_eq!(found.len(), 4);
            assert!(Rc::ptr_eq(&found[0], &found[1]) && Rc::ptr_eq(&found[0], &found[2]));
            assert!(!Rc::ptr_eq(&found[0], &found[3]));
            // One object, still bound to each of its places: the digests of distinct objects.
            assert_eq!(signed(&decoded.trace), signed(&data.trace));
        }
        let (held_first, arrived_first) = (results(&held.trace), results(&arrived.trace));
        assert!(Rc::ptr_eq(&held_first[0], &arrived_first[0]));
        assert_eq!(decode(&bytes).expect("decodes"), held);
    }

    #[test]
    fn signatures_out_of_order_are_not_canonical_and_a_peer_signing_twice_is_refused() {
        let signatures: BTreeMap<String, [u8; 64]> =
            ["a", "b", "c"].iter().zip(1u8..).map(|(p, n)| (p.to_string(), [n; 64])).collect();
        let data = ParticleData { signatures: signatures.clone(), ..ParticleData::default() };
        let bytes = encode(&data);
        assert_eq!(decode(&bytes).expect("decodes").signatures, signatures);
        // The signatures end the data: a count, then a string index and 64 bytes for each.
        let entry = |bytes: &[u8], nth: usize| bytes.len() - (3 - nth) * 65;
        let mut swapped = bytes.clone();
        let (first, second) = (entry(&bytes, 1), entry(&bytes, 2));
        swapped[first..second].copy_from_slice(&bytes[second..]);
        swapped[second..].copy_from_slice(&bytes[first..second]);
        assert_eq!(decode(&swapped), Err(DataError::NonCanonical));
        // Data a peer wrote itself is not checked for the canonical form: the same map.
        assert_eq!(decode_held(&swapped).expect("decodes").0.signatures, signatures);
        let mut twice = swapped.clone();
        twice[second] = swapped[first];
        assert_eq!(decode_held(&twice).map(|_| ()), Err(DataError::NonCanonical));
        let mut twice_in_order = bytes.clone();
        twice_in_order[second] = bytes[first];
        assert_eq!(decode_held(&twice_in_order).map(|_| ()), Err(DataError::NonCanonical));
    }
}
