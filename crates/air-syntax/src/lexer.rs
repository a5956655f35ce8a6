//! The AIR lexer: a byte scanner for brackets, strings, comments and words, and a classifier that
//! turns each word into a keyword, number, special value or tagged variable with its lens.
//!
//! It follows AquaVM's lexical rules (spec section 3.1): no escapes in strings, `;` comments,
//! words that keep balanced `[...]`, floats of at most 11 characters, names made of alphanumerics,
//! `_` and `-`. It must not build AST nodes beyond lenses, and it must not panic on any input.

use crate::ast::{Accessor, Lens, Span};
use crate::error::{LexError, LexErrorKind};

/// The longest float literal AquaVM accepts, in characters.
pub const MAX_FLOAT_LENGTH: usize = 11;

/// The deepest parenthesis nesting accepted. The printer, the validator and dropping a tree
/// recurse once per level, so a limit keeps hostile input from overflowing the stack.
pub const MAX_NESTING: u32 = 1024;

/// A parser token. Variable names borrow from the source; the tag is not part of the name.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Token<'s> {
    /// `(`
    LParen,
    /// `)`
    RParen,
    /// `[`
    LBracket,
    /// `]`
    RBracket,
    /// `"text"`, without the quotes.
    Str(&'s str),
    /// An integer such as `-7`.
    Int(i64),
    /// A float such as `1.5`.
    Float(f64),
    /// `true` or `false`.
    Bool(bool),
    /// `%init_peer_id%`
    InitPeerId,
    /// `%timestamp%`
    Timestamp,
    /// `%ttl%`
    Ttl,
    /// `%last_error%` with an optional lens.
    LastError(Option<LensText<'s>>),
    /// `:error:` with an optional lens.
    Error(Option<LensText<'s>>),
    /// A scalar without a lens: `x`.
    Scalar(&'s str),
    /// A scalar with a lens: `x.$.a`.
    ScalarLens((&'s str, LensText<'s>)),
    /// A stream: `$s`.
    Stream(&'s str),
    /// A stream map: `%m`.
    StreamMap(&'s str),
    /// A canon stream without a lens: `#c` or `#$c`.
    Canon(&'s str),
    /// A canon stream with a lens: `#c.length`.
    CanonLens((&'s str, LensText<'s>)),
    /// A canon map without a lens: `#%m`.
    CanonMap(&'s str),
    /// A canon map with a lens: `#%m.$.key`.
    CanonMapLens((&'s str, LensText<'s>)),
    /// An instruction keyword.
    Keyword(Keyword),
}

/// The instruction keywords.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Keyword {
    /// `call`
    Call,
    /// `canon`
    Canon,
    /// `ap`
    Ap,
    /// `seq`
    Seq,
    /// `par`
    Par,
    /// `xor`
    Xor,
    /// `null`
    Null,
    /// `never`
    Never,
    /// `new`
    New,
    /// `fail`
    Fail,
    /// `fold`
    Fold,
    /// `next`
    Next,
    /// `match`
    Match,
    /// `mismatch`
    Mismatch,
}

/// A token with its start and end offsets, as LALRPOP consumes it.
pub type Spanned<'s> = Result<(u32, Token<'s>, u32), LexError>;

/// Iterates the tokens of an AIR script. Comments and whitespace are skipped.
///
/// A hand-written byte scanner (AquaVM parses the script on every invocation, so the VM does
/// too): every delimiter is ASCII, so a word or string ends on a character boundary.
pub struct Lexer<'s> {
    src: &'s str,
    pos: usize,
    base: u32,
    depth: u32,
}

impl<'s> Lexer<'s> {
    /// A lexer over `src`, whose offsets are shifted by `base` (the offset of `src` in its file).
    pub fn new(src: &'s str, base: u32) -> Self {
        Self { src, pos: 0, base, depth: 0 }
    }

    fn span(&self, start: usize, end: usize) -> Span {
        // The caller checks that the whole file fits in u32 offsets.
        Span::new(self.base + start as u32, self.base + end as u32)
    }

    /// Skips whitespace and comments; the first byte of the next token, if any.
    pub(crate) fn skip_trivia(&mut self) -> Option<u8> {
        let bytes = self.src.as_bytes();
        loop {
            let byte = *bytes.get(self.pos)?;
            if is_space(byte) {
                self.pos += 1;
            } else if byte == b';' {
                let rest = &bytes[self.pos..];
                self.pos += rest.iter().position(|&byte| byte == b'\n').unwrap_or(rest.len());
            } else {
                return Some(byte);
            }
        }
    }

    /// Whether the next token starts with `byte`; consumes only trivia.
    pub(crate) fn at(&mut self, byte: u8) -> bool {
        self.skip_trivia() == Some(byte)
    }

    /// Takes the next token when it is the bracket or parenthesis `byte`, returning its offset,
    /// as [`Iterator::next`] would (a `(` past [`MAX_NESTING`] is an error: `None`, not taken).
    /// Without building a token: the hand-written parser knows what it expects.
    pub(crate) fn eat(&mut self, byte: u8) -> Option<u32> {
        if !self.at(byte) {
            return None;
        }
        match byte {
            b'(' if self.depth >= MAX_NESTING => return None,
            b'(' => self.depth += 1,
            b')' => self.depth = self.depth.saturating_sub(1),
            _ => {}
        }
        let start = self.pos;
        self.pos += 1;
        Some(self.base + start as u32)
    }

    /// Takes the next token when it is a bare word (not a bracket, a parenthesis or a string),
    /// returning its text unclassified: for keywords, which the parser expects by position.
    pub(crate) fn word(&mut self) -> Option<&'s str> {
        let byte = self.skip_trivia()?;
        if CLASSES[byte as usize] != Class::Word {
            return None;
        }
        let start = self.pos;
        let end = start + 1 + word_rest_len(&self.src.as_bytes()[start + 1..]);
        self.pos = end;
        Some(&self.src[start..end])
    }
}

/// What a byte means to the scanner: one table lookup instead of a chain of comparisons.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    /// Part of a word (or the start of one).
    Word,
    /// Whitespace between tokens.
    Space,
    /// `(`, `)` or `"`: ends a word.
    Delimiter,
    /// `[`: opens a bracket token, or a group within a word.
    Open,
    /// `]`: closes a bracket token, or a group within a word.
    Close,
}

/// The class of every byte.
static CLASSES: [Class; 256] = {
    let mut classes = [Class::Word; 256];
    let spaces = [b' ', b'\t', b'\r', b'\n', 0x0B, 0x0C];
    let mut i = 0;
    while i < spaces.len() {
        classes[spaces[i] as usize] = Class::Space;
        i += 1;
    }
    classes[b'(' as usize] = Class::Delimiter;
    classes[b')' as usize] = Class::Delimiter;
    classes[b'"' as usize] = Class::Delimiter;
    classes[b'[' as usize] = Class::Open;
    classes[b']' as usize] = Class::Close;
    classes
};

/// Whether `byte` is whitespace between tokens.
fn is_space(byte: u8) -> bool {
    CLASSES[byte as usize] == Class::Space
}

impl<'s> Iterator for Lexer<'s> {
    type Item = Spanned<'s>;

    fn next(&mut self) -> Option<Self::Item> {
        let byte = self.skip_trivia()?;
        let bytes = self.src.as_bytes();
        let start = self.pos;
        let (token, end) = match byte {
            b'(' => {
                self.depth += 1;
                if self.depth > MAX_NESTING {
                    self.pos = start + 1;
                    let span = self.span(start, start + 1);
                    return Some(Err(LexError { kind: LexErrorKind::NestingTooDeep, span }));
                }
                (Token::LParen, start + 1)
            }
            b')' => {
                self.depth = self.depth.saturating_sub(1);
                (Token::RParen, start + 1)
            }
            b'[' => (Token::LBracket, start + 1),
            b']' => (Token::RBracket, start + 1),
            b'"' => match bytes[start + 1..].iter().position(|&byte| byte == b'"') {
                Some(len) => (Token::Str(&self.src[start + 1..start + 1 + len]), start + len + 2),
                None => {
                    // The string runs to the end of the input; point at the opening quote.
                    self.pos = bytes.len();
                    let span = self.span(start, start + 1);
                    return Some(Err(LexError { kind: LexErrorKind::UnterminatedString, span }));
                }
            },
            _ => {
                // A word ends at an ASCII byte or at the end: always a character boundary.
                let end = start + 1 + word_rest_len(&bytes[start + 1..]);
                self.pos = end;
                let span = self.span(start, end);
                let token = classify_word(&self.src[start..end], span);
                return Some(token.map(|token| (span.start, token, span.end)));
            }
        };
        self.pos = end;
        let span = self.span(start, end);
        Some(Ok((span.start, token, span.end)))
    }
}

/// The length of the rest of a word after its first character: it ends at whitespace, `(`,
/// `)`, `"` or an unbalanced `]`, and keeps balanced `[...]` groups such as `x.$.[0]`.
fn word_rest_len(rest: &[u8]) -> usize {
    let mut depth = 0usize;
    let mut len = 0;
    while let Some(&byte) = rest.get(len) {
        match CLASSES[byte as usize] {
            Class::Word => {}
            Class::Space | Class::Delimiter => break,
            Class::Open => depth += 1,
            Class::Close if depth == 0 => break,
            Class::Close => depth -= 1,
        }
        len += 1;
    }
    len
}

/// Classifies one bare word by its first byte: keywords and `true`/`false` start with a
/// lowercase letter, special values with `%` or `:`, numbers with a digit, a dot or a sign; the
/// rest, and words of those starts that are none of them, are variables.
pub(crate) fn classify_word(word: &str, span: Span) -> Result<Token<'_>, LexError> {
    let lens_after = |prefix: &str| {
        let rest = &word[prefix.len()..];
        lex_optional_lens(rest, span, prefix.len())
    };
    match word.bytes().next().unwrap_or_default() {
        b'a'..=b'z' => match word {
            "true" => Ok(Token::Bool(true)),
            "false" => Ok(Token::Bool(false)),
            _ => keyword(word).map_or_else(|| lex_variable(word, span), |k| Ok(Token::Keyword(k))),
        },
        b'%' => match word {
            "%init_peer_id%" => Ok(Token::InitPeerId),
            "%timestamp%" => Ok(Token::Timestamp),
            "%ttl%" => Ok(Token::Ttl),
            _ if word.starts_with("%last_error%") => {
                Ok(Token::LastError(lens_after("%last_error%")?))
            }
            _ => lex_variable(word, span),
        },
        b':' if word.starts_with(":error:") => Ok(Token::Error(lens_after(":error:")?)),
        _ if looks_numeric(word) => lex_number(word, span),
        _ => lex_variable(word, span),
    }
}

/// Whether `word` cannot name a variable: an instruction keyword or `true`/`false`.
pub fn is_reserved_word(word: &str) -> bool {
    keyword(word).is_some() || word == "true" || word == "false"
}

pub(crate) fn keyword(word: &str) -> Option<Keyword> {
    Some(match word {
        "call" => Keyword::Call,
        "canon" => Keyword::Canon,
        "ap" => Keyword::Ap,
        "seq" => Keyword::Seq,
        "par" => Keyword::Par,
        "xor" => Keyword::Xor,
        "null" => Keyword::Null,
        "never" => Keyword::Never,
        "new" => Keyword::New,
        "fail" => Keyword::Fail,
        "fold" => Keyword::Fold,
        "next" => Keyword::Next,
        "match" => Keyword::Match,
        "mismatch" => Keyword::Mismatch,
        _ => return None,
    })
}

/// A word is a number when it is an optional sign followed by digits and dots only.
fn looks_numeric(word: &str) -> bool {
    let digits = word.strip_prefix(['-', '+']).unwrap_or(word);
    !digits.is_empty() && digits.bytes().all(|byte| byte.is_ascii_digit() || byte == b'.')
}

fn lex_number(word: &str, span: Span) -> Result<Token<'_>, LexError> {
    let digits = word.strip_prefix(['-', '+']).unwrap_or(word);
    let error = |kind| Err(LexError { kind, span });
    if digits.starts_with('.') {
        return error(LexErrorKind::LeadingDot);
    }
    match digits.bytes().filter(|&byte| byte == b'.').count() {
        0 => match word.parse::<i64>() {
            Ok(value) => Ok(Token::Int(value)),
            Err(_) => error(LexErrorKind::IntegerOverflow),
        },
        1 if word.chars().count() > MAX_FLOAT_LENGTH => error(LexErrorKind::FloatTooLong),
        1 => match word.parse::<f64>() {
            Ok(value) => Ok(Token::Float(value)),
            Err(_) => error(LexErrorKind::InvalidNumber),
        },
        _ => error(LexErrorKind::InvalidNumber),
    }
}

/// Whether `c` may appear in a variable name or a lens field.
pub fn is_name_char(c: char) -> bool {
    if c.is_ascii() { NAME_BYTES[c as usize] == NameByte::Name } else { c.is_alphanumeric() }
}

/// What a byte is to a name, as [`name_len`] reads it.
#[derive(Clone, Copy, PartialEq, Eq)]
enum NameByte {
    /// An ASCII name character.
    Name,
    /// Any other ASCII byte: the name ends.
    Other,
    /// A byte of a multi-byte character, which [`is_name_char`] decides.
    NonAscii,
}

/// The [`NameByte`] of every byte.
static NAME_BYTES: [NameByte; 256] = {
    let mut table = [NameByte::Other; 256];
    let mut byte = 0;
    while byte < 256 {
        let b = byte as u8;
        table[byte] = if !b.is_ascii() {
            NameByte::NonAscii
        } else if b.is_ascii_alphanumeric() || b == b'_' || b == b'-' {
            NameByte::Name
        } else {
            NameByte::Other
        };
        byte += 1;
    }
    table
};

/// The length in bytes of the name that starts `text`: ASCII bytes by table, any other
/// character by [`is_name_char`].
fn name_len(text: &str) -> usize {
    let bytes = text.as_bytes();
    let mut len = 0;
    while let Some(&byte) = bytes.get(len) {
        match NAME_BYTES[byte as usize] {
            NameByte::Name => len += 1,
            NameByte::Other => break,
            NameByte::NonAscii => {
                let rest = &text[len..];
                return len + rest.find(|c: char| !is_name_char(c)).unwrap_or(rest.len());
            }
        }
    }
    len
}

fn lex_variable(word: &str, span: Span) -> Result<Token<'_>, LexError> {
    enum Tag {
        Scalar,
        Stream,
        StreamMap,
        Canon { legacy: bool },
        CanonMap,
    }
    let bytes = word.as_bytes();
    let (tag, tag_len) = match (bytes.first(), bytes.get(1)) {
        (Some(b'#'), Some(b'$')) => (Tag::Canon { legacy: false }, 2),
        (Some(b'#'), Some(b'%')) => (Tag::CanonMap, 2),
        (Some(b'#'), _) => (Tag::Canon { legacy: true }, 1),
        (Some(b'$'), _) => (Tag::Stream, 1),
        (Some(b'%'), _) => (Tag::StreamMap, 1),
        _ => (Tag::Scalar, 0),
    };
    let body = &word[tag_len..];
    let name_len = name_len(body);
    let name = &body[..name_len];
    let rest = &body[name_len..];
    if name.is_empty() {
        let kind = match rest.chars().next() {
            None | Some('.') => LexErrorKind::EmptyName,
            Some(c) => LexErrorKind::InvalidNameCharacter(c),
        };
        return Err(LexError { kind, span });
    }
    let lens =
        if rest.is_empty() { None } else { lex_optional_lens(rest, span, tag_len + name_len)? };
    match (tag, lens) {
        (Tag::Scalar, None) => Ok(Token::Scalar(name)),
        (Tag::Scalar, Some(lens)) => Ok(Token::ScalarLens((name, lens))),
        (Tag::Stream, None) => Ok(Token::Stream(name)),
        (Tag::StreamMap, None) => Ok(Token::StreamMap(name)),
        (Tag::Stream | Tag::StreamMap, Some(_)) => {
            Err(LexError { kind: LexErrorKind::LensOnStream, span })
        }
        (Tag::Canon { .. }, None) => Ok(Token::Canon(name)),
        (Tag::Canon { legacy: true }, Some(_)) if name.chars().count() == 1 => {
            Err(LexError { kind: LexErrorKind::ShortLegacyCanon, span })
        }
        (Tag::Canon { .. }, Some(lens)) => Ok(Token::CanonLens((name, lens))),
        (Tag::CanonMap, None) => Ok(Token::CanonMap(name)),
        (Tag::CanonMap, Some(lens)) => Ok(Token::CanonMapLens((name, lens))),
    }
}

/// A lens as written after a variable (`.length`, `.$.a.[0]`), checked by the lexer: tokens hold
/// the text and stay `Copy`, and [`LensText::lens`] builds the tree when a node needs it.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LensText<'s>(&'s str);

impl LensText<'_> {
    /// The lens this text writes.
    pub fn lens(self) -> Lens {
        let Some(path) = self.0.strip_prefix(".$") else { return Lens::Length };
        let mut accessors = Vec::new();
        // The text was checked when it was lexed: the walk cannot fail here.
        let _ = walk_accessors(path, |accessor| accessors.push(accessor.to_owned()));
        Lens::Path(accessors)
    }
}

/// Checks what follows a variable name: nothing, `.length`, or `.$` and accessors. `offset` is
/// where `rest` starts within the word, used to point errors at the lens.
fn lex_optional_lens(
    rest: &str,
    span: Span,
    offset: usize,
) -> Result<Option<LensText<'_>>, LexError> {
    if rest.is_empty() {
        return Ok(None);
    }
    let lens_span = Span::new(span.start + offset as u32, span.end);
    let error = |kind| Err(LexError { kind, span: lens_span });
    if rest == ".length" {
        return Ok(Some(LensText(rest)));
    }
    let Some(path) = rest.strip_prefix(".$") else {
        return match rest.chars().next() {
            Some('.') => error(LexErrorKind::InvalidLens),
            Some(c) => error(LexErrorKind::InvalidNameCharacter(c)),
            None => Ok(None),
        };
    };
    let mut count = 0;
    walk_accessors(path, |_| count += 1).map_err(|kind| LexError { kind, span: lens_span })?;
    if count == 0 {
        return error(LexErrorKind::EmptyLens);
    }
    Ok(Some(LensText(rest)))
}

/// One accessor as written, borrowing the lens text.
enum AccessorText<'s> {
    Field(&'s str),
    Index(u32),
    ByScalar(&'s str),
}

impl AccessorText<'_> {
    fn to_owned(&self) -> Accessor {
        match *self {
            AccessorText::Field(name) => Accessor::Field(name.to_owned()),
            AccessorText::Index(index) => Accessor::Index(index),
            AccessorText::ByScalar(name) => Accessor::ByScalar(name.to_owned()),
        }
    }
}

/// Walks the accessors after `.$`: `.field`, `.[3]`, `[3]`, `.[x]`, `[x]`; the lens may end with
/// the ignored flattening sign `!`. Stops at the first malformed one.
fn walk_accessors<'p>(
    mut path: &'p str,
    mut visit: impl FnMut(AccessorText<'p>),
) -> Result<(), LexErrorKind> {
    while !path.is_empty() {
        let after_dot = path.strip_prefix('.');
        let (accessor, rest) = match after_dot.unwrap_or(path).strip_prefix('[') {
            Some(inside) => {
                let close = inside.find(']').ok_or(LexErrorKind::InvalidLens)?;
                (bracket_accessor(&inside[..close])?, &inside[close + 1..])
            }
            None => {
                let field_path = after_dot.ok_or(LexErrorKind::InvalidLens)?;
                let len = name_len(field_path);
                if len == 0 {
                    return Err(LexErrorKind::InvalidLens);
                }
                (AccessorText::Field(&field_path[..len]), &field_path[len..])
            }
        };
        visit(accessor);
        path = match rest.strip_prefix('!') {
            // The flattening sign is accepted only at the end of the lens, as the reference does.
            Some(after) if !after.is_empty() => return Err(LexErrorKind::InvalidLens),
            Some(after) => after,
            None => rest,
        };
    }
    Ok(())
}

fn bracket_accessor(inside: &str) -> Result<AccessorText<'_>, LexErrorKind> {
    if !inside.is_empty() && inside.bytes().all(|byte| byte.is_ascii_digit()) {
        return inside
            .parse::<u32>()
            .map(AccessorText::Index)
            .map_err(|_| LexErrorKind::InvalidLens);
    }
    if !inside.is_empty() && inside.chars().all(is_name_char) {
        return Ok(AccessorText::ByScalar(inside));
    }
    Err(LexErrorKind::InvalidLens)
}
