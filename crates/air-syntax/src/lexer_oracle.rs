//! The lexer's differential test: the logos scanner the lexer replaced (kept here as the
//! oracle, with logos a dev-dependency) and the hand-written one must give the same tokens, the
//! same spans and the same errors, in the same order, on any input.

use logos::Logos;
use proptest::prelude::*;

use crate::ast::Span;
use crate::error::{LexError, LexErrorKind};
use crate::lexer::{Lexer, MAX_NESTING, Spanned, Token, classify_word};

#[derive(Logos, Debug, Clone, Copy, PartialEq)]
#[logos(skip r"[ \t\r\n\x0B\x0C]+")]
enum RawToken {
    #[token("(")]
    LParen,
    #[token(")")]
    RParen,
    #[token("[")]
    LBracket,
    #[token("]")]
    RBracket,
    #[regex(r#""[^"]*"?"#)]
    Str,
    #[regex(r";[^\n]*", allow_greedy = true)]
    Comment,
    #[regex(r#"[^ \t\r\n\x0B\x0C()\[\]";]"#, word_rest)]
    Word,
}

fn word_rest(lex: &mut logos::Lexer<'_, RawToken>) {
    let rest = lex.remainder().as_bytes();
    let mut depth = 0usize;
    let mut len = 0;
    while let Some(&byte) = rest.get(len) {
        match byte {
            b' ' | b'\t' | b'\r' | b'\n' | 0x0B | 0x0C | b'(' | b')' | b'"' => break,
            b'[' => depth += 1,
            b']' if depth == 0 => break,
            b']' => depth -= 1,
            _ => {}
        }
        len += 1;
    }
    lex.bump(len);
}

/// The tokens of `src` as the logos lexer gave them.
fn oracle(src: &str, base: u32) -> Vec<Spanned<'_>> {
    let mut inner = RawToken::lexer(src);
    let mut depth = 0;
    let mut tokens = Vec::new();
    while let Some(raw) = inner.next() {
        let range = inner.span();
        let span = Span::new(base + range.start as u32, base + range.end as u32);
        let token = match raw {
            Ok(RawToken::LParen) => {
                depth += 1;
                if depth > MAX_NESTING {
                    tokens.push(Err(LexError { kind: LexErrorKind::NestingTooDeep, span }));
                    continue;
                }
                Ok(Token::LParen)
            }
            Ok(RawToken::RParen) => {
                depth = u32::saturating_sub(depth, 1);
                Ok(Token::RParen)
            }
            Ok(RawToken::LBracket) => Ok(Token::LBracket),
            Ok(RawToken::RBracket) => Ok(Token::RBracket),
            Ok(RawToken::Comment) => continue,
            Ok(RawToken::Str) => {
                let slice = inner.slice();
                match slice.strip_prefix('"').and_then(|body| body.strip_suffix('"')) {
                    Some(body) if slice.len() >= 2 => Ok(Token::Str(body)),
                    _ => Err(LexError {
                        kind: LexErrorKind::UnterminatedString,
                        span: Span::new(span.start, span.start + 1),
                    }),
                }
            }
            Ok(RawToken::Word) => classify_word(inner.slice(), span),
            Err(()) => Err(LexError { kind: LexErrorKind::UnexpectedCharacter, span }),
        };
        tokens.push(token.map(|token| (span.start, token, span.end)));
    }
    tokens
}

/// Text made mostly of AIR's delimiters, tags and name characters, with some of anything.
fn air_like() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        4 => prop::sample::select(vec![
            "(", ")", "[", "]", "\"", ";", " ", "\n", "\t", "\u{b}", "\u{c}", "\r", "$", "#",
            "%", "#$", "#%", ".", ".$", ".[", "!", "-", "+", "call", "seq", "true", ":error:",
            "%last_error%", "%init_peer_id%", "1.5", "-7", "x", "length", "é", "\u{a0}",
        ])
        .prop_map(str::to_owned),
        2 => "[a-z0-9_]{1,4}",
        1 => any::<char>().prop_map(String::from),
    ];
    prop::collection::vec(piece, 0..40).prop_map(|pieces| pieces.concat())
}

/// The number of cases: `AQUA_FUZZ_CASES` when set (as the other fuzz tests), else 2,000.
#[allow(clippy::disallowed_methods)] // A test's case count, as the fuzz tests read it.
fn cases() -> u32 {
    std::env::var("AQUA_FUZZ_CASES").ok().and_then(|cases| cases.parse().ok()).unwrap_or(2000)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(cases()))]

    #[test]
    fn the_scanner_lexes_as_the_logos_lexer(src in air_like(), base in 0u32..100) {
        let tokens: Vec<_> = Lexer::new(&src, base).collect();
        prop_assert_eq!(tokens, oracle(&src, base));
    }
}

#[test]
fn nesting_past_the_limit_lexes_as_the_logos_lexer() {
    let deep = "(".repeat(MAX_NESTING as usize + 3) + ")";
    assert_eq!(Lexer::new(&deep, 0).collect::<Vec<_>>(), oracle(&deep, 0));
    assert!(Lexer::new(&deep, 0).any(|token| token.is_err()));
}
