//! The trivia of a source file that the syntax tree does not keep: `--` comments, and the layout
//! questions the printer asks about the text between tokens (blank lines, line breaks).
//!
//! Comments are found by one scan over the bytes that reads string literals as the lexer does,
//! so a `--` inside a string is never mistaken for a comment (a property test compares the scan
//! with the lexer).

use aqua_syntax::Span;

/// The whitespace the lexer skips at the end of a line.
const TRAILING_SPACE: &[char] = &[' ', '\t', '\r', '\x0c'];

/// The comments of one source file, in source order (each without its trailing whitespace).
#[derive(Debug, Clone, Default)]
pub struct Comments {
    spans: Vec<Span>,
}

impl Comments {
    /// Finds every comment of `src`: outside string literals, `--` starts a comment that runs
    /// to the end of its line. A string literal runs to the next `"` (Aqua strings have no
    /// escapes), or to the end of its line when no `"` closes it, as the lexer reads it.
    pub fn of(src: &str) -> Comments {
        let bytes = src.as_bytes();
        let mut spans = Vec::new();
        let mut idx = 0;
        while idx < bytes.len() {
            match bytes[idx] {
                b'"' => {
                    let rest = &bytes[idx + 1..];
                    idx += 1 + match rest.iter().position(|b| *b == b'"') {
                        Some(close) => close + 1,
                        None => rest.iter().position(|b| *b == b'\n').unwrap_or(rest.len()),
                    };
                }
                // `<-` and `<<-` end in a `-` that cannot start a comment.
                b'<' if bytes[idx..].starts_with(b"<<-") => idx += 3,
                b'<' if bytes[idx..].starts_with(b"<-") => idx += 2,
                b'-' if bytes.get(idx + 1) == Some(&b'-') => {
                    let end = idx
                        + bytes[idx..]
                            .iter()
                            .position(|b| *b == b'\n')
                            .unwrap_or(bytes.len() - idx);
                    // Trailing whitespace (the `\r` of a CRLF line) is not part of the comment.
                    let text_end = idx + src[idx..end].trim_end_matches(TRAILING_SPACE).len();
                    spans.push(span(idx, text_end));
                    idx = end;
                }
                _ => idx += 1,
            }
        }
        Comments { spans }
    }

    /// The comment spans, in source order.
    pub fn spans(&self) -> &[Span] {
        &self.spans
    }

    /// The comment that ends exactly at `offset`, if any.
    pub fn ending_at(&self, offset: u32) -> Option<Span> {
        let idx = self.spans.partition_point(|c| c.end < offset);
        self.spans.get(idx).filter(|c| c.end == offset).copied()
    }

    /// Whether a comment starts inside `start..end`.
    pub fn any_within(&self, start: u32, end: u32) -> bool {
        let idx = self.spans.partition_point(|c| c.start < start);
        self.spans.get(idx).is_some_and(|c| c.start < end)
    }
}

/// The texts of the comments of `src`, without trailing whitespace, in source order.
pub fn comment_texts(src: &str) -> Vec<&str> {
    Comments::of(src).spans.iter().map(|c| src[c.range()].trim_end()).collect()
}

/// The number of line breaks in `src[start..end]`, a stretch of whitespace and comments.
pub fn line_breaks(src: &str, start: u32, end: u32) -> usize {
    let (start, end) = (start as usize, (end as usize).min(src.len()));
    if start >= end {
        return 0;
    }
    src.as_bytes()[start..end].iter().filter(|b| **b == b'\n').count()
}

/// Where the next token starts at or after `offset`, skipping whitespace and comments.
pub fn next_token(src: &str, offset: u32) -> u32 {
    let bytes = src.as_bytes();
    let mut idx = offset as usize;
    while idx < bytes.len() {
        match bytes[idx] {
            b' ' | b'\t' | b'\r' | b'\n' | b'\x0c' => idx += 1,
            b'-' if bytes.get(idx + 1) == Some(&b'-') => {
                idx += src[idx..].find('\n').unwrap_or(src.len() - idx);
            }
            _ => break,
        }
    }
    to_u32(idx)
}

/// Where the last token before `offset` ends, skipping whitespace and comments backwards.
pub fn previous_token_end(src: &str, comments: &Comments, offset: u32) -> u32 {
    let bytes = src.as_bytes();
    let mut idx = (offset as usize).min(bytes.len());
    loop {
        while idx > 0 && matches!(bytes[idx - 1], b' ' | b'\t' | b'\r' | b'\n' | b'\x0c') {
            idx -= 1;
        }
        match comments.ending_at(to_u32(idx)) {
            Some(comment) if idx > 0 => idx = comment.start as usize,
            _ => return to_u32(idx),
        }
    }
}

/// The indentation width (in characters) of the line that contains `offset`.
pub fn column_of(src: &str, offset: u32) -> usize {
    let line_start = src[..offset as usize].rfind('\n').map_or(0, |idx| idx + 1);
    src[line_start..offset as usize].chars().count()
}

fn span(start: usize, end: usize) -> Span {
    Span::new(to_u32(start), to_u32(end))
}

fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}
