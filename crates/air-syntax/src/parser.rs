//! The only module that names LALRPOP: runs the generated parser over the lexer's tokens and
//! converts LALRPOP's errors into [`AirSyntaxError`] in one function, [`from_lalrpop`]. Valid
//! scripts take the faster hand-written parser of `descent.rs` first.
//!
//! It must not validate: name resolution and the other static checks live in `validate.rs`.

use lalrpop_util::{ParseError, lalrpop_mod};

use crate::ast::{Program, Span};
use crate::error::{AirSyntaxError, LexError};
use crate::lexer::{Keyword, Lexer, Token};

lalrpop_mod!(
    #[allow(
        clippy::all,
        clippy::pedantic,
        clippy::unwrap_used,
        clippy::expect_used,
        unused_imports,
        unused_qualifications,
        dead_code
    )]
    grammar
);

/// Parses one AIR script. Offsets in spans are relative to `src`.
pub fn parse(src: &str) -> Result<Program, AirSyntaxError> {
    parse_at(src, 0)
}

/// Parses one AIR script that starts at byte `base` of its file, so spans are file offsets.
pub fn parse_at(src: &str, base: u32) -> Result<Program, AirSyntaxError> {
    // The fast parser takes every valid script; LALRPOP parses the others to report the error.
    match parse_fast(src, base) {
        Some(program) => Ok(program),
        None => parse_with_lalrpop(src, base),
    }
}

/// Parses with the hand-written parser only: `None` for anything it does not take (every
/// invalid script, and no valid one); for tests that hold it to the LALRPOP parser.
#[doc(hidden)]
pub fn parse_fast(src: &str, base: u32) -> Option<Program> {
    if !offsets_fit(src, base) {
        return None;
    }
    crate::descent::parse(Lexer::new(src, base)).map(|body| Program { body })
}

/// Parses with the LALRPOP parser only (what [`parse_at`] falls back on for invalid scripts);
/// for tests that hold the fast parser to it.
#[doc(hidden)]
pub fn parse_with_lalrpop(src: &str, base: u32) -> Result<Program, AirSyntaxError> {
    if !offsets_fit(src, base) {
        return Err(AirSyntaxError::TooLarge);
    }
    let end = base + src.len() as u32;
    grammar::ScriptParser::new()
        .parse(Lexer::new(src, base))
        .map(|body| Program { body })
        .map_err(|error| from_lalrpop(error, end))
}

/// Whether every offset of `src`, starting at `base`, fits in a `u32` span.
fn offsets_fit(src: &str, base: u32) -> bool {
    u32::try_from(src.len()).ok().and_then(|len| len.checked_add(base)).is_some()
}

/// Converts a LALRPOP error; `end` is the offset of the end of the script.
fn from_lalrpop(error: ParseError<u32, Token<'_>, LexError>, end: u32) -> AirSyntaxError {
    match error {
        ParseError::InvalidToken { location } => AirSyntaxError::Lex(LexError {
            kind: crate::error::LexErrorKind::UnexpectedCharacter,
            span: Span::new(location, location.saturating_add(1).min(end)),
        }),
        ParseError::UnrecognizedEof { location, expected } => AirSyntaxError::UnexpectedEnd {
            expected: describe_expected(&expected),
            span: Span::new(location, location),
        },
        // LALRPOP reports a token after a complete script as unrecognized with nothing expected.
        ParseError::UnrecognizedToken { token: (start, token, stop), expected }
            if expected.is_empty() =>
        {
            AirSyntaxError::ExtraToken {
                found: describe_token(&token),
                span: Span::new(start, stop),
            }
        }
        ParseError::UnrecognizedToken { token: (start, token, stop), expected } => {
            AirSyntaxError::UnexpectedToken {
                found: describe_token(&token),
                expected: describe_expected(&expected),
                span: Span::new(start, stop),
            }
        }
        ParseError::ExtraToken { token: (start, token, stop) } => AirSyntaxError::ExtraToken {
            found: describe_token(&token),
            span: Span::new(start, stop),
        },
        ParseError::User { error } => AirSyntaxError::Lex(error),
    }
}

/// A short human description of a token, such as "`)`" or "stream `$foo`".
fn describe_token(token: &Token<'_>) -> String {
    let fixed = match token {
        Token::LParen => "`(`",
        Token::RParen => "`)`",
        Token::LBracket => "`[`",
        Token::RBracket => "`]`",
        Token::InitPeerId => "`%init_peer_id%`",
        Token::Timestamp => "`%timestamp%`",
        Token::Ttl => "`%ttl%`",
        Token::LastError(_) => "`%last_error%`",
        Token::Error(_) => "`:error:`",
        Token::Str(text) => return format!("string `\"{text}\"`"),
        Token::Int(value) => return format!("integer `{value}`"),
        Token::Float(value) => return format!("float `{value}`"),
        Token::Bool(value) => return format!("boolean `{value}`"),
        Token::Scalar(name) => return format!("scalar `{name}`"),
        Token::ScalarLens((name, _)) => return format!("scalar `{name}` with a lens"),
        Token::Stream(name) => return format!("stream `${name}`"),
        Token::StreamMap(name) => return format!("stream map `%{name}`"),
        Token::Canon(name) => return format!("canon stream `#{name}`"),
        Token::CanonLens((name, _)) => return format!("canon stream `#{name}` with a lens"),
        Token::CanonMap(name) => return format!("canon map `#%{name}`"),
        Token::CanonMapLens((name, _)) => return format!("canon map `#%{name}` with a lens"),
        Token::Keyword(keyword) => return format!("keyword `{}`", keyword_text(*keyword)),
    };
    fixed.to_owned()
}

fn keyword_text(keyword: Keyword) -> &'static str {
    match keyword {
        Keyword::Call => "call",
        Keyword::Canon => "canon",
        Keyword::Ap => "ap",
        Keyword::Seq => "seq",
        Keyword::Par => "par",
        Keyword::Xor => "xor",
        Keyword::Null => "null",
        Keyword::Never => "never",
        Keyword::New => "new",
        Keyword::Fail => "fail",
        Keyword::Fold => "fold",
        Keyword::Next => "next",
        Keyword::Match => "match",
        Keyword::Mismatch => "mismatch",
    }
}

/// The terminals that count as plain values when grouping an `expected` list.
const VALUE_TERMINALS: &[&str] = &[
    "Str",
    "Int",
    "Float",
    "Bool",
    "InitPeerId",
    "Timestamp",
    "Ttl",
    "LastError",
    "ErrorValue",
    "Scalar",
    "ScalarLens",
    "Canon",
    "CanonLens",
    "CanonMap",
    "CanonMapLens",
];

/// Describes LALRPOP's expected terminals: keywords become "an instruction", and a long list of
/// value terminals becomes "a value". At most five entries are kept.
fn describe_expected(expected: &[String]) -> Vec<String> {
    let is_keyword = |name: &str| {
        name.starts_with('"') && name.len() > 3 && name[1..].starts_with(char::is_alphabetic)
    };
    let keywords = expected.iter().filter(|name| is_keyword(name)).count();
    let values = expected.iter().filter(|name| VALUE_TERMINALS.contains(&name.as_str())).count();
    let mut described = Vec::new();
    if keywords > 3 {
        described.push("an instruction keyword".to_owned());
    }
    if values > 5 {
        described.push("a value".to_owned());
    }
    for name in expected {
        if (keywords > 3 && is_keyword(name))
            || (values > 5 && VALUE_TERMINALS.contains(&name.as_str()))
        {
            continue;
        }
        let text = describe_terminal(name);
        if !described.contains(&text) {
            described.push(text);
        }
    }
    described.truncate(5);
    described
}

fn describe_terminal(name: &str) -> String {
    let text = match name {
        "Str" => "a string literal",
        "Int" => "an integer",
        "Float" => "a float",
        "Bool" => "a boolean",
        "InitPeerId" => "`%init_peer_id%`",
        "Timestamp" => "`%timestamp%`",
        "Ttl" => "`%ttl%`",
        "LastError" => "`%last_error%`",
        "ErrorValue" => "`:error:`",
        "Scalar" => "a scalar",
        "ScalarLens" => "a scalar with a lens",
        "Stream" => "a stream",
        "StreamMap" => "a stream map",
        "Canon" => "a canon stream",
        "CanonLens" => "a canon stream with a lens",
        "CanonMap" => "a canon map",
        "CanonMapLens" => "a canon map with a lens",
        quoted => return format!("`{}`", quoted.trim_matches('"')),
    };
    text.to_owned()
}
