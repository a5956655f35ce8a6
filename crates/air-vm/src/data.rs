//! The particle data format: a versioned, deterministic binary encoding of the trace, with every
//! value, string and tetraplet stored once. See `docs/particle-format.md`.
//!
//! Encoding is canonical: tables are ordered by first use in the trace, so one trace has exactly
//! one encoding, and [`decode`] rejects any other byte string (reordered, duplicated or unused
//! entries) with [`DataError::NonCanonical`]. Decoding never panics and bounds every count and
//! the nesting depth. This module does not check hashes against signatures (see `verify.rs`).

use std::collections::BTreeMap;
use std::rc::Rc;

use crate::error::DataError;
use crate::trace::{
    CallState, CanonResult, CanonState, FoldIteration, FoldState, Generation, IterKey, OutputKind,
    ParState, ServiceResult, State,
};
use crate::value::{FxHashMap, Hash, Stored, Tetraplet, Val};

/// The magic bytes every encoding starts with.
pub const MAGIC: &[u8; 4] = b"AQPD";
/// The format version this VM writes and reads.
pub const FORMAT_VERSION: u8 = 3;
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
    let mut tables = Tables::default();
    let mut trace = Vec::new();
    tables.write_trace(&mut trace, &data.trace);
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
    out
}

/// Decodes data; empty bytes are empty data. Rejects anything [`encode`] would not produce.
pub fn decode(bytes: &[u8]) -> Result<ParticleData, DataError> {
    let data = decode_unchecked(bytes)?;
    if !bytes.is_empty() && encode(&data) != bytes {
        return Err(DataError::NonCanonical);
    }
    Ok(data)
}

/// Decodes data without the canonical-form check (for data this peer wrote itself).
pub fn decode_unchecked(bytes: &[u8]) -> Result<ParticleData, DataError> {
    if bytes.is_empty() {
        return Ok(ParticleData::default());
    }
    let mut reader = Reader { bytes, pos: 0 };
    if reader.take(4)? != MAGIC {
        return Err(DataError::BadMagic);
    }
    let version = reader.byte()?;
    if version != FORMAT_VERSION {
        return Err(DataError::UnsupportedVersion(version));
    }
    let strings = reader.strings()?;
    let values = reader.values()?;
    let tetraplets = reader.tetraplets(&strings)?;
    let last_call_id =
        u32::try_from(reader.varint()?).map_err(|_| DataError::BadVarint(reader.pos))?;
    let mut ctx = DecodeCtx { reader, strings, values, tetraplets };
    let trace = ctx.trace(0)?;
    let signatures = ctx.signatures()?;
    if ctx.reader.pos != bytes.len() {
        return Err(DataError::TrailingBytes(bytes.len() - ctx.reader.pos));
    }
    Ok(ParticleData { trace, last_call_id, signatures })
}

#[derive(Default)]
struct Tables {
    strings: Vec<Rc<str>>,
    string_idx: FxHashMap<Rc<str>, u64>,
    values: Vec<Rc<Stored>>,
    value_idx: FxHashMap<Hash, u64>,
    tetraplets: Vec<[u64; 4]>,
    tetraplet_idx: FxHashMap<[u64; 4], u64>,
}

impl Tables {
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

    fn tetraplet(&mut self, tetraplet: &Tetraplet) -> u64 {
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

struct Reader<'a> {
    bytes: &'a [u8],
    pos: usize,
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

    fn values(&mut self) -> Result<Vec<Rc<Stored>>, DataError> {
        let count = self.count(2)?;
        let mut values = Vec::with_capacity(count);
        for idx in 0..count {
            let bytes = self.bytes_item()?;
            if serde_json::from_slice::<serde::de::IgnoredAny>(bytes).is_err() {
                return Err(DataError::InvalidJson(idx));
            }
            values.push(Stored::from_text(Rc::from(bytes)));
        }
        Ok(values)
    }

    fn tetraplets(&mut self, strings: &[Rc<str>]) -> Result<Vec<Rc<Tetraplet>>, DataError> {
        let count = self.count(4)?;
        let mut tetraplets = Vec::with_capacity(count);
        for _ in 0..count {
            let mut parts = [const { String::new() }; 4];
            for part in &mut parts {
                let idx = self.varint()?;
                let text = usize::try_from(idx).ok().and_then(|idx| strings.get(idx));
                *part = text.ok_or(DataError::BadIndex { what: "string", index: idx })?.to_string();
            }
            let [peer_pk, service_id, function_name, lens] = parts;
            tetraplets.push(Rc::new(Tetraplet { peer_pk, service_id, function_name, lens }));
        }
        Ok(tetraplets)
    }
}

struct DecodeCtx<'a> {
    reader: Reader<'a>,
    strings: Vec<Rc<str>>,
    values: Vec<Rc<Stored>>,
    tetraplets: Vec<Rc<Tetraplet>>,
}

impl DecodeCtx<'_> {
    fn index<T: Clone>(
        &mut self,
        table: fn(&Self) -> &Vec<T>,
        what: &'static str,
    ) -> Result<T, DataError> {
        let idx = self.reader.varint()?;
        let item = usize::try_from(idx).ok().and_then(|idx| table(self).get(idx));
        item.cloned().ok_or(DataError::BadIndex { what, index: idx })
    }

    fn string(&mut self) -> Result<Rc<str>, DataError> {
        self.index(|ctx| &ctx.strings, "string")
    }

    fn value(&mut self) -> Result<Rc<Stored>, DataError> {
        self.index(|ctx| &ctx.values, "value")
    }

    fn tetraplet(&mut self) -> Result<Rc<Tetraplet>, DataError> {
        self.index(|ctx| &ctx.tetraplets, "tetraplet")
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
        Ok(state)
    }

    fn result(&mut self) -> Result<Rc<ServiceResult>, DataError> {
        let value = self.value()?;
        let tetraplet = self.tetraplet()?;
        let args_hash: Hash =
            self.reader.take(32)?.try_into().map_err(|_| DataError::Truncated(self.reader.pos))?;
        Ok(ServiceResult::new(value, tetraplet, args_hash))
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
        let mut signatures = BTreeMap::new();
        for _ in 0..count {
            let peer = self.string()?;
            let signature: [u8; 64] = self
                .reader
                .take(64)?
                .try_into()
                .map_err(|_| DataError::Truncated(self.reader.pos))?;
            if signatures.insert(peer.to_string(), signature).is_some() {
                return Err(DataError::NonCanonical);
            }
        }
        Ok(signatures)
    }
}
