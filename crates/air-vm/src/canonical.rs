//! Recognises JSON texts that are already canonical: exactly what `serde_json` writes for the
//! value they denote (compact, object keys ascending, strings escaped its way). A call result
//! whose text is canonical is stored as it is, instead of being parsed and written again (for a
//! 1 MiB result, a fifth of the step).
//!
//! The check is conservative: it answers `false` for any text it is not sure of (floats, keys
//! with escapes, very deep nesting, integers of more than 18 digits, any whitespace), and such
//! texts take the old way, parsed and written again. A property test holds it to `serde_json`.

/// Nesting below `serde_json`'s recursion limit (128), so every text accepted here parses.
const MAX_DEPTH: usize = 100;

/// Whether `text` is JSON in exactly the form `serde_json` writes for the value it denotes.
pub fn is_canonical(text: &str) -> bool {
    is_canonical_bytes(text.as_bytes())
}

/// [`is_canonical`] for bytes, which must also be UTF-8 (checked here, string by string).
pub fn is_canonical_bytes(text: &[u8]) -> bool {
    let mut scanner = Scanner { text, pos: 0 };
    scanner.value(0) && scanner.pos == scanner.text.len()
}

/// A cursor over the text.
struct Scanner<'a> {
    text: &'a [u8],
    pos: usize,
}

impl<'a> Scanner<'a> {
    fn peek(&self) -> Option<u8> {
        self.text.get(self.pos).copied()
    }

    fn value(&mut self, depth: usize) -> bool {
        match self.peek() {
            Some(b'{') => self.object(depth),
            Some(b'[') => self.array(depth),
            Some(b'"') => self.string().is_some(),
            Some(b't') => self.literal(b"true"),
            Some(b'f') => self.literal(b"false"),
            Some(b'n') => self.literal(b"null"),
            Some(b'-' | b'0'..=b'9') => self.integer(),
            _ => false,
        }
    }

    fn literal(&mut self, word: &[u8]) -> bool {
        let found = self.text[self.pos..].starts_with(word);
        if found {
            self.pos += word.len();
        }
        found
    }

    /// An integer as `serde_json` writes an `i64` or `u64`: no fraction, no exponent, no
    /// leading zero, not `-0` (which it reads as a float).
    fn integer(&mut self) -> bool {
        let start = self.pos;
        if self.peek() == Some(b'-') {
            self.pos += 1;
        }
        let digits_start = self.pos;
        while let Some(b'0'..=b'9') = self.peek() {
            self.pos += 1;
        }
        if matches!(self.peek(), Some(b'.' | b'e' | b'E')) {
            return false;
        }
        match &self.text[digits_start..self.pos] {
            [] => false,
            [b'0'] => digits_start == start,
            [b'0', ..] => false,
            digits => digits.len() <= 18,
        }
    }

    /// Takes `byte` if it is next.
    fn eat(&mut self, byte: u8) -> bool {
        let found = self.peek() == Some(byte);
        if found {
            self.pos += 1;
        }
        found
    }

    /// `open close` or `open item (, item)* close`, from the cursor on `open`; nesting deeper
    /// than [`MAX_DEPTH`] is not accepted.
    fn sequence(
        &mut self,
        depth: usize,
        close: u8,
        mut item: impl FnMut(&mut Self) -> bool,
    ) -> bool {
        if depth >= MAX_DEPTH {
            return false;
        }
        self.pos += 1;
        if self.eat(close) {
            return true;
        }
        loop {
            if !item(self) {
                return false;
            }
            if !self.eat(b',') {
                return self.eat(close);
            }
        }
    }

    fn array(&mut self, depth: usize) -> bool {
        self.sequence(depth, b']', |scanner| scanner.value(depth + 1))
    }

    /// An object whose keys (without escapes) ascend strictly, as in `serde_json`'s sorted map.
    fn object(&mut self, depth: usize) -> bool {
        let mut previous: Option<&[u8]> = None;
        self.sequence(depth, b'}', |scanner| {
            if scanner.peek() != Some(b'"') {
                return false;
            }
            let Some((key, escaped)) = scanner.string() else { return false };
            if escaped || previous.is_some_and(|previous| previous >= key) {
                return false;
            }
            previous = Some(key);
            scanner.eat(b':') && scanner.value(depth + 1)
        })
    }

    /// A string escaped as `serde_json` escapes: `\"`, `\\`, `\b`, `\f`, `\n`, `\r`, `\t`, and
    /// `\u00xx` (lowercase) for the other control characters; nothing else; UTF-8. Returns the
    /// body between the quotes and whether it holds an escape.
    fn string(&mut self) -> Option<(&'a [u8], bool)> {
        self.pos += 1;
        let start = self.pos;
        let mut escaped = false;
        let mut ascii = true;
        loop {
            ascii &= self.skip_plain();
            match self.peek()? {
                b'"' => {
                    let body = &self.text[start..self.pos];
                    self.pos += 1;
                    return (ascii || std::str::from_utf8(body).is_ok()).then_some((body, escaped));
                }
                b'\\' => {
                    escaped = true;
                    self.pos += self.escape_len()?;
                }
                // A raw control character (the only byte `skip_plain` stops at otherwise).
                _ => return None,
            }
        }
    }

    /// The length of the escape at the cursor, if `serde_json` writes it.
    fn escape_len(&self) -> Option<usize> {
        match *self.text.get(self.pos + 1)? {
            b'"' | b'\\' | b'b' | b'f' | b'n' | b'r' | b't' => Some(2),
            b'u' => {
                let hex = self.text.get(self.pos + 2..self.pos + 6)?;
                let low = match hex[3] {
                    digit @ b'0'..=b'9' => digit - b'0',
                    letter @ b'a'..=b'f' => letter - b'a' + 10,
                    _ => return None,
                };
                let code = match hex[..3] {
                    [b'0', b'0', b'0'] => low,
                    [b'0', b'0', b'1'] => 16 + low,
                    _ => return None,
                };
                // These five have short escapes, which serde_json uses.
                (!matches!(code, 0x08 | 0x09 | 0x0A | 0x0C | 0x0D)).then_some(6)
            }
            _ => None,
        }
    }

    /// Moves past bytes that need no escape, eight at a time while all are ASCII and none is a
    /// quote, a backslash or a control character. Returns whether all bytes passed were ASCII.
    fn skip_plain(&mut self) -> bool {
        const ONES: u64 = 0x0101_0101_0101_0101;
        const HIGH: u64 = 0x8080_8080_8080_8080;
        // Sets the high bit of every zero byte of `word` (and possibly of bytes above one).
        let zero_bytes = |word: u64| word.wrapping_sub(ONES) & !word & HIGH;
        let mut ascii = true;
        loop {
            while let Some(chunk) = self.text.get(self.pos..self.pos + 8) {
                let mut bytes = [0; 8];
                bytes.copy_from_slice(chunk);
                let word = u64::from_le_bytes(bytes);
                let special = zero_bytes(word ^ (ONES * u64::from(b'"')))
                    | zero_bytes(word ^ (ONES * u64::from(b'\\')))
                    | (word.wrapping_sub(ONES * 0x20) & !word & HIGH)
                    | (word & HIGH);
                if special != 0 {
                    break;
                }
                self.pos += 8;
            }
            // One byte at a time to the next special one, then back to words.
            let Some(byte) = self.peek() else { return ascii };
            if byte == b'"' || byte == b'\\' || byte < 0x20 {
                return ascii;
            }
            ascii &= byte.is_ascii();
            self.pos += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde_json::Value;

    /// Whether serde_json reads `text` and writes it back byte for byte.
    fn round_trips(text: &str) -> bool {
        serde_json::from_str::<Value>(text)
            .is_ok_and(|value| serde_json::to_string(&value).is_ok_and(|back| back == text))
    }

    #[test]
    fn accepts_what_serde_json_writes() {
        for text in [
            "null",
            "true",
            "0",
            "-7",
            "123456789012345678",
            r#""""#,
            "\"a\\\"b\\\\c\\n\\u001f\u{7f} é\"",
            "[]",
            "{}",
            r#"{"a":[1,{"b":null}],"b":"x"}"#,
        ] {
            assert!(round_trips(text), "{text} must be serde_json's own form");
            assert!(is_canonical(text), "{text} is canonical");
        }
    }

    #[test]
    fn rejects_other_forms() {
        for text in [
            "",
            " null",
            "[1, 2]",
            "-0",
            "01",
            "1.5",
            "1e3",
            "1234567890123456789",
            r#"{"b":1,"a":2}"#,
            r#"{"a":1,"a":2}"#,
            r#""\/""#,
            r#""\u0008""#,
            r#""\u001F""#,
            r#""\u0041""#,
            r#""\u007f""#,
            "\"\u{1}\"",
            r#"{"\n":1}"#,
            "[",
            "nul",
            "[1",
            "\"abc",
            "[1,]",
        ] {
            assert!(!is_canonical(text), "{text:?} must be rejected");
        }
        assert!(!is_canonical_bytes(b"\"\xff\""), "not UTF-8");
        assert!(!is_canonical_bytes(b"\"abcdefgh\xc3\""), "cut UTF-8");
        assert!(is_canonical_bytes("\"abcdefgh\u{e9}\u{1F600}ijklmnop\"".as_bytes()));
        let deep = format!("{}{}", "[".repeat(MAX_DEPTH + 1), "]".repeat(MAX_DEPTH + 1));
        assert!(!is_canonical(&deep));
    }

    /// JSON values without floats, as call results usually are.
    fn value() -> impl Strategy<Value = Value> {
        let leaf = prop_oneof![
            Just(Value::Null),
            any::<bool>().prop_map(Value::Bool),
            any::<i64>().prop_map(|n| Value::from(n % 1_000_000_000_000_000_000)),
            any::<u32>().prop_map(Value::from),
            ".{0,12}".prop_map(Value::String),
            "[\\x00-\\x20\"\\\\a-z\u{e9}]{0,24}".prop_map(Value::String),
        ];
        leaf.prop_recursive(4, 48, 6, |inner| {
            prop_oneof![
                prop::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
                prop::collection::btree_map("[a-z0-9_ \u{e9}]{0,6}", inner, 0..6)
                    .prop_map(|map| Value::Object(map.into_iter().collect())),
            ]
        })
    }

    proptest! {
        /// Every value without floats is written in a form the check accepts.
        #[test]
        fn serde_json_output_is_canonical(value in value()) {
            let text = serde_json::to_string(&value).unwrap();
            prop_assert!(is_canonical(&text), "{}", text);
        }

        /// Whatever the check accepts, serde_json reads and writes back unchanged: accepting a
        /// text is never wrong, for written texts and for texts damaged byte by byte.
        #[test]
        fn accepted_texts_round_trip(
            value in value(),
            edits in prop::collection::vec((any::<prop::sample::Index>(), any::<u8>()), 0..3),
        ) {
            let mut bytes = serde_json::to_vec(&value).unwrap();
            for (at, byte) in edits {
                if !bytes.is_empty() {
                    let at = at.index(bytes.len());
                    bytes[at] = byte;
                }
            }
            match std::str::from_utf8(&bytes) {
                Ok(text) if is_canonical(text) => prop_assert!(round_trips(text), "{}", text),
                Ok(_) => {}
                Err(_) => prop_assert!(!is_canonical_bytes(&bytes)),
            }
        }
    }
}
