//! Semantic tokens: the kind of every token of a document (keyword, type, function, string, …),
//! so that any editor colours Aqua correctly without a grammar of its own.
//!
//! Tokens come from the parser's lexer and comments from the formatter's scan; a token that spans
//! lines (a multi-line string) is sent line by line, as the protocol requires.

use aqua_syntax::token::RawToken;
use logos::Logos;
use lsp_types::{SemanticToken, SemanticTokenType, SemanticTokens, SemanticTokensLegend};

use crate::document::Document;

/// The token types, in the order of the legend.
const TYPES: &[SemanticTokenType] = &[
    SemanticTokenType::KEYWORD,
    SemanticTokenType::TYPE,
    SemanticTokenType::FUNCTION,
    SemanticTokenType::METHOD,
    SemanticTokenType::VARIABLE,
    SemanticTokenType::PROPERTY,
    SemanticTokenType::STRING,
    SemanticTokenType::NUMBER,
    SemanticTokenType::COMMENT,
    SemanticTokenType::OPERATOR,
];

const KEYWORD: u32 = 0;
const TYPE: u32 = 1;
const FUNCTION: u32 = 2;
const METHOD: u32 = 3;
const VARIABLE: u32 = 4;
const PROPERTY: u32 = 5;
const STRING: u32 = 6;
const NUMBER: u32 = 7;
const COMMENT: u32 = 8;
const OPERATOR: u32 = 9;

/// The legend announced in the server's capabilities.
pub fn legend() -> SemanticTokensLegend {
    SemanticTokensLegend { token_types: TYPES.to_vec(), token_modifiers: Vec::new() }
}

/// The semantic tokens of the whole document.
pub fn tokens(document: &Document) -> SemanticTokens {
    let text = document.text();
    let mut spans: Vec<(usize, usize, u32)> = Vec::new();
    let lexed: Vec<_> =
        RawToken::lexer(text).spanned().filter_map(|(t, r)| Some((t.ok()?, r))).collect();
    for (idx, (token, range)) in lexed.iter().enumerate() {
        let next = lexed.get(idx + 1).map(|(t, _)| *t);
        let previous = idx.checked_sub(1).map(|i| lexed[i].0);
        if let Some(kind) = classify(*token, previous, next) {
            spans.push((range.start, range.end, kind));
        }
    }
    for comment in aqua_fmt::trivia::Comments::of(text).spans() {
        spans.push((comment.start as usize, comment.end as usize, COMMENT));
    }
    spans.sort_unstable();
    encode(document, &spans)
}

fn classify(
    token: RawToken<'_>,
    previous: Option<RawToken<'_>>,
    next: Option<RawToken<'_>>,
) -> Option<u32> {
    let after_dot = previous == Some(RawToken::Dot);
    let before_call = matches!(next, Some(RawToken::LParen | RawToken::LBrace));
    Some(match token {
        RawToken::Newline(_) => return None,
        RawToken::Scalar(_) | RawToken::Top | RawToken::Bottom => TYPE,
        RawToken::Lower(_) if before_call && after_dot => METHOD,
        RawToken::Lower(_) if before_call => FUNCTION,
        RawToken::Lower(_) if after_dot => PROPERTY,
        RawToken::Lower(_) | RawToken::InitPeerId => VARIABLE,
        RawToken::Upper(name)
            if name.len() > 1 && !name.bytes().any(|b| b.is_ascii_lowercase()) =>
        {
            VARIABLE
        }
        RawToken::Upper(_) => TYPE,
        RawToken::Int(_) | RawToken::Float(_) => NUMBER,
        RawToken::Str(_) | RawToken::UnterminatedStr(_) => STRING,
        RawToken::LArrow
        | RawToken::Push
        | RawToken::RArrow
        | RawToken::Assign
        | RawToken::EqEq
        | RawToken::NotEq
        | RawToken::Lt
        | RawToken::LtEq
        | RawToken::Gt
        | RawToken::GtEq
        | RawToken::Plus
        | RawToken::Minus
        | RawToken::Star
        | RawToken::Slash
        | RawToken::Percent
        | RawToken::Pow
        | RawToken::Bang
        | RawToken::AndAnd
        | RawToken::OrOr => OPERATOR,
        RawToken::Dot
        | RawToken::Comma
        | RawToken::Colon
        | RawToken::Question
        | RawToken::LParen
        | RawToken::RParen
        | RawToken::LBracket
        | RawToken::RBracket
        | RawToken::LBrace
        | RawToken::RBrace
        | RawToken::EmptyBrackets
        | RawToken::OptionOpen
        | RawToken::StreamOpen
        | RawToken::OptionEmpty
        | RawToken::StreamEmpty => return None,
        _ => KEYWORD,
    })
}

/// Encodes sorted `(start, end, type)` byte spans relative to each other, one line at a time.
fn encode(document: &Document, spans: &[(usize, usize, u32)]) -> SemanticTokens {
    let text = document.text();
    let mut data = Vec::with_capacity(spans.len());
    let (mut last_line, mut last_start) = (0, 0);
    for &(start, end, kind) in spans {
        let mut piece_start = start;
        // A token over several lines (a multi-line string) is sent one line at a time.
        for line in text[start..end].split_inclusive('\n') {
            let piece_end = piece_start + line.trim_end_matches(['\n', '\r']).len();
            let from = document.position(piece_start);
            let to = document.position(piece_end);
            if to.character > from.character {
                let delta_line = from.line - last_line;
                let delta_start =
                    if delta_line == 0 { from.character - last_start } else { from.character };
                data.push(SemanticToken {
                    delta_line,
                    delta_start,
                    length: to.character - from.character,
                    token_type: kind,
                    token_modifiers_bitset: 0,
                });
                (last_line, last_start) = (from.line, from.character);
            }
            piece_start += line.len();
        }
    }
    SemanticTokens { result_id: None, data }
}
