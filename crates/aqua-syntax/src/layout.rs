//! The layout pass: turns raw tokens into parser tokens with `Newline`, `Indent` and `Dedent`.
//!
//! Indentation is compared as a string, as the reference compiler does: a child line's indentation
//! must extend its parent's, and all lines of one block must have the same indentation string.
//! Newlines inside brackets vanish, and blank or comment-only lines never change the indentation.
//! Problems are collected on the side so that the token stream stays well formed for the parser.

use std::collections::VecDeque;

use logos::{Logos, SpannedIter};

use crate::error::SyntaxError;
use crate::span::Span;
use crate::token::RawToken;

/// A token as the parser sees it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Token<'s> {
    /// A token from the lexer.
    Raw(RawToken<'s>),
    /// The end of a logical line.
    Newline,
    /// The start of an indented block.
    Indent,
    /// The end of an indented block.
    Dedent,
}

/// The deepest nesting of blocks accepted; deeper blocks are reported, so that no recursive pass
/// over the tree can overflow the stack.
pub const MAX_BLOCK_DEPTH: usize = 100;

/// The deepest bracket nesting passed to the parser. Deeper brackets (and what they hold) are
/// reported once and skipped: the parser's error recovery costs the depth of its stack for every
/// token it discards, so a syntax error inside 80,000 brackets took seconds. Expressions are
/// bounded more tightly afterwards (`depth.rs`), so no valid program reaches this.
pub const MAX_BRACKET_DEPTH: usize = 256;

/// A token with its byte offsets, as LALRPOP consumes it.
pub type Spanned<'s> = (u32, Token<'s>, u32);

/// The layout iterator over one source text.
pub struct Layout<'s> {
    src: &'s str,
    lexer: std::iter::Peekable<SpannedIter<'s, RawToken<'s>>>,
    /// Indentation strings of the open blocks; the first is the top level. A level pushed without
    /// an `Indent` (an over-indented line that opens no block) is marked `false`.
    stack: Vec<(&'s str, bool)>,
    /// The last token emitted, to know whether a line opens a block or continues after a comma.
    last: Option<RawToken<'s>>,
    /// Where the last token emitted ends.
    last_end: usize,
    /// Open brackets: the token, its span and the indentation of its line. Newlines are ignored
    /// while any is open, unless the next line is indented no deeper than the bracket's line.
    brackets: Vec<(RawToken<'s>, Span, &'s str)>,
    /// Brackets past [`MAX_BRACKET_DEPTH`] being skipped: how many are open, and the
    /// indentation of the line where skipping began.
    skipping: Option<(usize, &'s str)>,
    /// The indentation of the current line.
    line_indent: &'s str,
    pending: VecDeque<Spanned<'s>>,
    /// Whether a token was emitted since the last `Newline`.
    line_open: bool,
    finished: bool,
    errors: Vec<SyntaxError>,
}

/// U+FEFF, which a file may open with.
pub const BYTE_ORDER_MARK: char = '\u{feff}';

impl<'s> Layout<'s> {
    /// Starts the layout pass over `src`.
    pub fn new(src: &'s str) -> Layout<'s> {
        let mut lexer = RawToken::lexer(src);
        // A byte order mark opening the file is not text (editors on Windows write one); the
        // reference compiler reads past it too. Spans stay offsets into `src`.
        let bom = if src.starts_with(BYTE_ORDER_MARK) { BYTE_ORDER_MARK.len_utf8() } else { 0 };
        lexer.bump(bom);
        let body = src.get(bom..).unwrap_or_default();
        let mut layout = Layout {
            src,
            lexer: lexer.spanned().peekable(),
            stack: vec![("", true)],
            last: None,
            last_end: 0,
            brackets: Vec::new(),
            skipping: None,
            line_indent: "",
            pending: VecDeque::new(),
            line_open: false,
            finished: false,
            errors: Vec::new(),
        };
        let first_indent = body.len() - body.trim_start_matches([' ', '\t']).len();
        if first_indent > 0
            && layout.lexer.peek().is_some_and(|(tok, _)| !matches!(tok, Ok(RawToken::Newline(_))))
        {
            layout.errors.push(SyntaxError::UnexpectedIndentation {
                span: Span::new(to_u32(bom), to_u32(bom + first_indent)),
            });
        }
        layout
    }

    /// The problems found so far (lexical and indentation errors).
    pub fn take_errors(&mut self) -> Vec<SyntaxError> {
        std::mem::take(&mut self.errors)
    }

    fn push(&mut self, start: usize, token: Token<'s>, end: usize) {
        self.pending.push_back((to_u32(start), token, to_u32(end)));
    }

    /// Handles one raw token, queueing what the parser should see; an ordinary token is
    /// returned instead (nothing is queued when the lexer is asked for a token).
    fn feed(&mut self, token: RawToken<'s>, range: std::ops::Range<usize>) -> Option<Spanned<'s>> {
        // Only deep brackets are skipped: the common case costs one comparison.
        let may_skip = self.skipping.is_some() || self.brackets.len() >= MAX_BRACKET_DEPTH;
        if may_skip && self.skip(token, &range) {
            return None;
        }
        match token {
            RawToken::Newline(indent) => return self.newline(indent, range),
            RawToken::UnterminatedStr(text) => {
                self.errors.push(SyntaxError::UnterminatedString { span: span_of(&range) });
                self.line_open = true;
                self.last = Some(token);
                self.last_end = range.end;
                self.push(range.start, Token::Raw(RawToken::UnterminatedStr(text)), range.end);
            }
            _ => {
                self.track_brackets(token, &range);
                self.line_open = true;
                self.last = Some(token);
                self.last_end = range.end;
                return Some((to_u32(range.start), Token::Raw(token), to_u32(range.end)));
            }
        }
        None
    }

    /// Skips the tokens inside brackets nested past [`MAX_BRACKET_DEPTH`]; true if `token` was
    /// skipped. Skipping ends at the matching closer, or at a line indented no deeper than the
    /// line where it began (the brackets were never closed).
    fn skip(&mut self, token: RawToken<'s>, range: &std::ops::Range<usize>) -> bool {
        let opens = matches!(
            token,
            RawToken::LParen
                | RawToken::LBracket
                | RawToken::LBrace
                | RawToken::OptionOpen
                | RawToken::StreamOpen
        );
        let closes = matches!(token, RawToken::RParen | RawToken::RBracket | RawToken::RBrace);
        match (&mut self.skipping, token) {
            (None, _) if opens && self.brackets.len() >= MAX_BRACKET_DEPTH => {
                if !self.errors.iter().any(|e| matches!(e, SyntaxError::TooDeep { .. })) {
                    let span = span_of(range);
                    self.errors.push(SyntaxError::TooDeep { span, limit: MAX_BRACKET_DEPTH });
                }
                self.skipping = Some((1, self.line_indent));
                true
            }
            (None, _) => false,
            (Some((_, started)), RawToken::Newline(indent)) => {
                let next_closes = matches!(
                    self.lexer.peek(),
                    Some((Ok(RawToken::RParen | RawToken::RBracket | RawToken::RBrace), _))
                );
                if next_closes || indent.len() > started.len() {
                    return true;
                }
                self.skipping = None;
                false
            }
            (Some((open, _)), _) => {
                if opens {
                    *open += 1;
                } else if closes {
                    *open -= 1;
                    if *open == 0 {
                        self.skipping = None;
                    }
                }
                true
            }
        }
    }

    fn track_brackets(&mut self, token: RawToken<'s>, range: &std::ops::Range<usize>) {
        match token {
            RawToken::LParen
            | RawToken::LBracket
            | RawToken::LBrace
            | RawToken::OptionOpen
            | RawToken::StreamOpen => self.brackets.push((token, span_of(range), self.line_indent)),
            // The guard pops the opener that this bracket closes; with none open, it is unmatched.
            RawToken::RParen | RawToken::RBracket | RawToken::RBrace
                if self.brackets.pop().is_none() =>
            {
                self.errors.push(SyntaxError::UnmatchedBracket { span: span_of(range) });
            }
            _ => {}
        }
    }

    /// Handles a line break; `indent` is the indentation of the line that follows.
    /// The `Newline` token is returned when nothing is queued before it (the usual case), so
    /// that it need not go through the queue; what follows it is queued.
    fn newline(&mut self, indent: &'s str, range: std::ops::Range<usize>) -> Option<Spanned<'s>> {
        // Blank and comment-only lines: the last newline of a run decides the indentation.
        // The indentation ends its newline token (after `\n` and any `\r`).
        let mut indent = indent;
        let mut indent_start = range.end - indent.len();
        while let Some((Ok(RawToken::Newline(next)), next_range)) = self.lexer.peek() {
            indent = next;
            indent_start = next_range.end - next.len();
            self.lexer.next();
        }
        self.lexer.peek()?; // The end of the file closes everything.
        if self.continues_line(indent) {
            return None; // Inside brackets and after a comma, a line break continues the line.
        }
        self.line_indent = indent;
        if !self.line_open {
            // Only blank lines so far: the first real line must not be indented.
            if !indent.is_empty() {
                self.errors.push(SyntaxError::UnexpectedIndentation {
                    span: Span::new(to_u32(indent_start), to_u32(indent_start + indent.len())),
                });
            }
            return None;
        }
        let newline = (to_u32(self.last_end), Token::Newline, to_u32(self.last_end));
        let direct = if self.pending.is_empty() {
            Some(newline)
        } else {
            self.pending.push_back(newline);
            None
        };
        self.line_open = false;
        let indent_span = Span::new(to_u32(indent_start), to_u32(indent_start + indent.len()));
        self.indent_to(indent, indent_span, range.start);
        direct
    }

    /// Whether a line break inside brackets or after a comma continues the logical line. A line
    /// indented no deeper than an open bracket's line (and not starting with a closing bracket)
    /// means the bracket was never closed: it is reported and closed here, so parsing goes on.
    fn continues_line(&mut self, next_indent: &str) -> bool {
        let next_closes = matches!(
            self.lexer.peek(),
            Some((Ok(RawToken::RParen | RawToken::RBracket | RawToken::RBrace), _))
        );
        while let Some(&(opener, span, opener_indent)) = self.brackets.last() {
            if next_closes || next_indent.len() > opener_indent.len() {
                return true;
            }
            self.brackets.pop();
            self.errors.push(SyntaxError::UnclosedBracket { span });
            let closer = match opener {
                RawToken::LParen => RawToken::RParen,
                RawToken::LBrace => RawToken::RBrace,
                _ => RawToken::RBracket,
            };
            self.push(self.last_end, Token::Raw(closer), self.last_end);
        }
        self.last == Some(RawToken::Comma)
    }

    /// Compares the new line's indentation with the open blocks and queues `Indent` / `Dedent`s.
    /// `Dedent`s are empty tokens at `line_end`, the end of the last line of the closed block.
    fn indent_to(&mut self, indent: &'s str, span: Span, line_end: usize) {
        let top = self.top();
        if indent == top {
            return;
        }
        let at = line_end;
        if indent.len() > top.len() {
            if !indent.starts_with(top) {
                self.inconsistent(top, indent, span);
            }
            let opens_block =
                self.last == Some(RawToken::Colon) && self.open_blocks() < MAX_BLOCK_DEPTH;
            if opens_block {
                self.push(span.start as usize, Token::Indent, span.end as usize);
            } else if self.last == Some(RawToken::Colon) {
                // Reported once: every deeper line would say the same.
                if !self.errors.iter().any(|e| matches!(e, SyntaxError::TooDeep { .. })) {
                    self.errors.push(SyntaxError::TooDeep { span, limit: MAX_BLOCK_DEPTH });
                }
            } else {
                self.errors.push(SyntaxError::UnexpectedIndentation { span });
            }
            self.stack.push((indent, opens_block));
            return;
        }
        // A shorter indentation closes blocks until one with the same string.
        while self.stack.len() > 1 && self.top().len() > indent.len() {
            if let Some((_, true)) = self.stack.pop() {
                self.push(at, Token::Dedent, at);
            }
        }
        let top = self.top();
        if top != indent {
            // No enclosing block has this indentation; go on as if it matched the nearest one.
            self.inconsistent(top, indent, span);
        }
    }

    /// How many blocks are open (levels that emitted an `Indent`).
    fn open_blocks(&self) -> usize {
        self.stack.iter().filter(|(_, opened)| *opened).count() - 1
    }

    fn inconsistent(&mut self, block_indent: &str, line_indent: &str, span: Span) {
        self.errors.push(SyntaxError::InconsistentIndentation {
            span,
            block_indent: block_indent.to_string(),
            line_indent: line_indent.to_string(),
        });
    }

    fn top(&self) -> &'s str {
        self.stack.last().map_or("", |(indent, _)| indent)
    }

    /// At the end of input: closes the last line, every block, and reports open brackets.
    fn finish(&mut self) {
        self.finished = true;
        let end = self.last_end;
        for (_, span, _) in std::mem::take(&mut self.brackets) {
            self.errors.push(SyntaxError::UnclosedBracket { span });
        }
        if self.line_open {
            self.push(end, Token::Newline, end);
        }
        while self.stack.len() > 1 {
            if let Some((_, true)) = self.stack.pop() {
                self.push(end, Token::Dedent, end);
            }
        }
    }
}

impl<'s> Layout<'s> {
    /// The next token for the parser (the iterator's item without its `Result`, which is never
    /// an error: problems are collected on the side).
    #[inline]
    pub fn next_token(&mut self) -> Option<Spanned<'s>> {
        loop {
            if let Some(token) = self.pending.pop_front() {
                return Some(token);
            }
            if self.finished {
                return None;
            }
            match self.lexer.next() {
                Some((Ok(token), range)) => {
                    if let Some(token) = self.feed(token, range) {
                        return Some(token);
                    }
                }
                Some((Err(()), range)) => {
                    let found = self.src[range.start..].chars().next().unwrap_or('\u{fffd}');
                    self.errors.push(SyntaxError::UnexpectedChar { span: span_of(&range), found });
                }
                None => self.finish(),
            }
        }
    }
}

impl<'s> Iterator for Layout<'s> {
    type Item = Result<Spanned<'s>, SyntaxError>;

    fn next(&mut self) -> Option<Self::Item> {
        self.next_token().map(Ok)
    }
}

fn span_of(range: &std::ops::Range<usize>) -> Span {
    Span::new(to_u32(range.start), to_u32(range.end))
}

/// Converts a byte offset; sources are limited to 4 GiB by `parse`.
pub(crate) fn to_u32(offset: usize) -> u32 {
    u32::try_from(offset).unwrap_or(u32::MAX)
}
