//! Syntax errors: data only. `diagnostics` turns them into rendered messages.

use serde::Serialize;

use crate::span::Span;

/// An error found while lexing or parsing Aqua source.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum SyntaxError {
    /// A character that starts no token.
    UnexpectedChar {
        /// The character.
        span: Span,
        /// What it is.
        found: char,
    },
    /// A string literal without its closing quote.
    UnterminatedString {
        /// From the opening quote to the end of the line.
        span: Span,
    },
    /// A line whose indentation string fits no enclosing block.
    InconsistentIndentation {
        /// The line's indentation.
        span: Span,
        /// The indentation of the block the line would belong to, as written.
        block_indent: String,
        /// The line's indentation, as written.
        line_indent: String,
    },
    /// An indented line that follows a line which opens no block.
    UnexpectedIndentation {
        /// The line's indentation.
        span: Span,
    },
    /// A bracket that is never closed.
    UnclosedBracket {
        /// The opening bracket.
        span: Span,
    },
    /// A closing bracket with no opening one.
    UnmatchedBracket {
        /// The closing bracket.
        span: Span,
    },
    /// A token the grammar does not allow here.
    UnexpectedToken {
        /// The token.
        span: Span,
        /// The token, described for people (`` `<-` ``, `end of line`).
        found: String,
        /// What would have been accepted, described for people, already grouped.
        expected: Vec<String>,
    },
    /// The file ended in the middle of a construct.
    UnexpectedEnd {
        /// The end of the file.
        span: Span,
        /// What would have been accepted.
        expected: Vec<String>,
    },
    /// A line ending with `:` that is not followed by an indented block.
    ExpectedBlock {
        /// Where the block should start.
        span: Span,
        /// The line that opens the block.
        opener: Span,
    },
    /// The file does not start with `aqua Name`.
    MissingHeader {
        /// The start of the file's first line.
        span: Span,
    },
    /// The obsolete `module Name` header.
    ModuleKeyword {
        /// The `module` keyword.
        span: Span,
    },
    /// An `else`, `catch`, `otherwise`, or `par` with nothing to attach to.
    Dangling {
        /// The keyword.
        span: Span,
        /// The keyword as written.
        keyword: &'static str,
        /// What must come before it, described for people.
        needs: &'static str,
    },
    /// `-` separated from the number it negates by white space.
    DetachedMinus {
        /// The `-` and the number.
        span: Span,
    },
    /// A `<- values` return inside a nested block instead of at the end of a function body.
    MisplacedReturn {
        /// The return statement.
        span: Span,
    },
    /// A comparison whose operand is another comparison without brackets: `a < b < c`.
    ChainedComparison {
        /// The second comparison operator.
        span: Span,
        /// The first comparison operator.
        first: Span,
    },
    /// An expression nested deeper than the parser accepts.
    TooDeep {
        /// The expression.
        span: Span,
        /// The deepest nesting accepted.
        limit: usize,
    },
    /// The source is larger than the 4 GiB that spans can address.
    TooLarge {
        /// The source length in bytes.
        len: usize,
    },
}

impl SyntaxError {
    /// The primary span of the error.
    pub fn span(&self) -> Span {
        match self {
            SyntaxError::UnexpectedChar { span, .. }
            | SyntaxError::UnterminatedString { span }
            | SyntaxError::InconsistentIndentation { span, .. }
            | SyntaxError::UnexpectedIndentation { span }
            | SyntaxError::UnclosedBracket { span }
            | SyntaxError::UnmatchedBracket { span }
            | SyntaxError::UnexpectedToken { span, .. }
            | SyntaxError::UnexpectedEnd { span, .. }
            | SyntaxError::ExpectedBlock { span, .. }
            | SyntaxError::MissingHeader { span }
            | SyntaxError::ModuleKeyword { span }
            | SyntaxError::Dangling { span, .. }
            | SyntaxError::DetachedMinus { span }
            | SyntaxError::MisplacedReturn { span }
            | SyntaxError::TooDeep { span, .. }
            | SyntaxError::ChainedComparison { span, .. } => *span,
            SyntaxError::TooLarge { .. } => Span::default(),
        }
    }
}
