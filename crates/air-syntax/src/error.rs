//! The errors of this crate: lexing and parsing ([`AirSyntaxError`]) and static validation
//! ([`ValidationError`]). Variants hold data only (spans and names); prose lives in
//! `diagnostics.rs`, apart from the one-line `Display` used in logs.

use thiserror::Error;

use crate::ast::Span;

/// A lexical error with its span.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{kind} at {}..{}", span.start, span.end)]
pub struct LexError {
    /// What went wrong.
    pub kind: LexErrorKind,
    /// Where.
    pub span: Span,
}

/// The kinds of lexical errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum LexErrorKind {
    /// A character that cannot start a token.
    #[error("unexpected character")]
    UnexpectedCharacter,
    /// A `"` without its closing `"`.
    #[error("unterminated string literal")]
    UnterminatedString,
    /// A number such as `.5`.
    #[error("number with a leading dot")]
    LeadingDot,
    /// An integer outside the i64 range.
    #[error("integer out of range")]
    IntegerOverflow,
    /// A float literal longer than 11 characters.
    #[error("float literal too long")]
    FloatTooLong,
    /// A word made of digits and several dots.
    #[error("invalid number")]
    InvalidNumber,
    /// A tag such as `$` with no name after it.
    #[error("empty variable name")]
    EmptyName,
    /// A character that is not allowed in a variable name.
    #[error("invalid character {0:?} in a name")]
    InvalidNameCharacter(char),
    /// A lens that is neither `.length` nor `.$` followed by accessors.
    #[error("invalid lens")]
    InvalidLens,
    /// `.$` with no accessor after it.
    #[error("empty lens")]
    EmptyLens,
    /// A lens on a stream or stream map.
    #[error("lens on a stream")]
    LensOnStream,
    /// The legacy `#x` with a one-character name and a lens.
    #[error("legacy canon name too short for a lens")]
    ShortLegacyCanon,
    /// More nested parentheses than [`crate::lexer::MAX_NESTING`].
    #[error("nesting too deep")]
    NestingTooDeep,
}

/// An error that stops parsing.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum AirSyntaxError {
    /// The lexer rejected a word.
    #[error(transparent)]
    Lex(#[from] LexError),
    /// A token that the grammar does not allow here.
    #[error("unexpected {found} at {}..{}", span.start, span.end)]
    UnexpectedToken {
        /// The token's description, such as "`)`".
        found: String,
        /// Descriptions of what could come instead.
        expected: Vec<String>,
        /// The token.
        span: Span,
    },
    /// The script ended early.
    #[error("unexpected end of script at {}", span.start)]
    UnexpectedEnd {
        /// Descriptions of what could come instead.
        expected: Vec<String>,
        /// An empty span at the end.
        span: Span,
    },
    /// A token after the complete script.
    #[error("extra {found} after the script at {}..{}", span.start, span.end)]
    ExtraToken {
        /// The token's description.
        found: String,
        /// The token.
        span: Span,
    },
    /// The text is longer than 4 GiB, so offsets do not fit in a span.
    #[error("script too large")]
    TooLarge,
}

/// A static validation error (spec section 3.3). AquaVM reports these as parse errors.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum ValidationError {
    /// A variable used with no definition earlier in the text.
    #[error("undefined variable {name} at {}..{}", span.start, span.end)]
    UndefinedVariable {
        /// The variable as written, tag included, such as `$s`.
        name: String,
        /// The use.
        span: Span,
    },
    /// `(next i)` outside any fold over `i`.
    #[error("undefined iterator {name} in next at {}..{}", span.start, span.end)]
    UndefinedIterator {
        /// The iterator's name.
        name: String,
        /// The `next` instruction.
        span: Span,
    },
    /// A second `(next i)` in one fold.
    #[error("multiple next for iterator {name} at {}..{}", span.start, span.end)]
    MultipleNext {
        /// The iterator's name.
        name: String,
        /// The second `next`.
        span: Span,
        /// The first `next`.
        first: Span,
    },
    /// `(new i ...)` where `i` is the iterator of an enclosing fold.
    #[error("new on iterator {name} at {}..{}", span.start, span.end)]
    NewOnIterator {
        /// The iterator's name.
        name: String,
        /// The variable in `new`.
        span: Span,
        /// The fold that binds the iterator.
        fold: Span,
    },
    /// A fold that binds the iterator of an enclosing fold again.
    #[error("iterator {name} bound twice at {}..{}", span.start, span.end)]
    IteratorBoundTwice {
        /// The iterator's name.
        name: String,
        /// The inner binding.
        span: Span,
        /// The outer binding.
        first: Span,
    },
    /// A key in `(ap (key value) %m)` that is not a string, integer, scalar or lensed canon.
    #[error("unsupported map key at {}..{}", span.start, span.end)]
    UnsupportedMapKey {
        /// The key.
        span: Span,
    },
    /// `(fail 0 "...")`.
    #[error("fail with error code 0 at {}..{}", span.start, span.end)]
    FailCodeZero {
        /// The code.
        span: Span,
    },
    /// An instruction that runs after `next` in a stream or stream map fold.
    #[error("instruction after next at {}..{}", span.start, span.end)]
    InstructionAfterNext {
        /// The instruction after `next`.
        span: Span,
        /// The `next`.
        next: Span,
    },
}

impl AirSyntaxError {
    /// The primary span of the error.
    pub fn span(&self) -> Span {
        match self {
            AirSyntaxError::Lex(error) => error.span,
            AirSyntaxError::UnexpectedToken { span, .. }
            | AirSyntaxError::UnexpectedEnd { span, .. }
            | AirSyntaxError::ExtraToken { span, .. } => *span,
            AirSyntaxError::TooLarge => Span::DUMMY,
        }
    }
}

impl ValidationError {
    /// The primary span of the error.
    pub fn span(&self) -> Span {
        match self {
            ValidationError::UndefinedVariable { span, .. }
            | ValidationError::UndefinedIterator { span, .. }
            | ValidationError::MultipleNext { span, .. }
            | ValidationError::NewOnIterator { span, .. }
            | ValidationError::IteratorBoundTwice { span, .. }
            | ValidationError::UnsupportedMapKey { span }
            | ValidationError::FailCodeZero { span }
            | ValidationError::InstructionAfterNext { span, .. } => *span,
        }
    }
}

/// An error that stops `format_document`.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
pub enum FormatError {
    /// A script does not parse.
    #[error(transparent)]
    Syntax(#[from] AirSyntaxError),
    /// A `;` comment inside a script, which the printer would drop.
    #[error("comment inside a script at {}..{}", span.start, span.end)]
    CommentInScript {
        /// The comment.
        span: Span,
    },
}
