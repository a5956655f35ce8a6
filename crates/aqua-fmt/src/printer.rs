//! The output side of the formatter: lines at an indentation, blank lines between them, and the
//! comments of the source placed where they were written.
//!
//! Every line the formatter writes comes from a source region (a statement, a member, a header
//! line). The comments before a region are written above it at its indentation, a comment after
//! it on the same source line stays at the end of its line, and a region with a comment inside
//! (a call broken over several lines with a comment between its arguments) is copied as written,
//! only re-indented, so that no comment ever moves to another construct.

use aqua_syntax::token::RawToken;
use logos::Logos;

use crate::doc::{self, Doc};
use crate::trivia::{self, Comments};

/// Spaces per indentation level.
pub const INDENT_WIDTH: usize = 2;

/// The column that lines should not pass.
pub const MAX_WIDTH: usize = 100;

/// Whether a blank line goes before a line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Blank {
    /// Never (the first line of a block or file, `else:` after its `if` block).
    Never,
    /// When the source had at least one blank line there.
    Keep,
    /// Always (between top-level definitions).
    Always,
}

/// The formatted text being written, with a cursor into the source's comments.
pub struct Printer<'a> {
    src: &'a str,
    comments: Comments,
    /// The next comment not yet written.
    next_comment: usize,
    /// Where the source of the last written line (or comment) ends.
    last_end: u32,
    depth: usize,
    /// The column lines aim at.
    width: usize,
    out: String,
}

impl<'a> Printer<'a> {
    /// Starts printing `src`, whose comments are `comments`, with lines that aim at `width`
    /// columns.
    pub fn new(src: &'a str, comments: Comments, width: usize) -> Printer<'a> {
        Printer {
            src,
            comments,
            next_comment: 0,
            last_end: 0,
            depth: 0,
            width,
            out: String::with_capacity(src.len() + src.len() / 8),
        }
    }

    /// The source text.
    pub fn src(&self) -> &'a str {
        self.src
    }

    /// Where the last token before `offset` ends (skipping comments and whitespace).
    pub fn token_end_before(&self, offset: u32) -> u32 {
        trivia::previous_token_end(self.src, &self.comments, offset)
    }

    /// Where the next token after the last written line starts.
    pub fn next_token(&self) -> u32 {
        trivia::next_token(self.src, self.last_end)
    }

    /// Writes one line for the source region `start..end`: the comments before it, a blank line
    /// as `blank` says, then `prefix` and the laid out `doc` (or the region as written, when a
    /// comment lies inside it), then the comment that follows on the same source line.
    pub fn line(&mut self, start: u32, end: u32, prefix: &str, doc: &Doc<'_>, blank: Blank) {
        self.start_line(start, blank);
        self.out.push_str(prefix);
        if self.comments.any_within(start, end) {
            self.verbatim(start, end);
        } else {
            let level = self.depth * INDENT_WIDTH;
            let layout = doc::Layout { column: level + prefix.len(), level, step: INDENT_WIDTH };
            doc::print(doc, layout, self.width, &mut self.out);
        }
        self.end_line(end);
    }

    /// Starts a line for a construct at `start`: its leading comments, the blank line and the
    /// indentation.
    fn start_line(&mut self, start: u32, blank: Blank) {
        let mut blank = blank;
        while let Some(comment) = self.comments.spans().get(self.next_comment).copied() {
            if comment.start >= start {
                break;
            }
            self.blank_line(comment.start, blank);
            self.indent();
            self.out.push_str(self.src[comment.range()].trim_end());
            self.out.push('\n');
            self.last_end = comment.end;
            self.next_comment += 1;
            blank = Blank::Keep;
        }
        self.blank_line(start, blank);
        self.indent();
    }

    /// Writes the comments that end a block: those on their own lines before `limit` (the next
    /// construct) indented at least as deep as the block's first line (`column`).
    pub fn block_end_comments(&mut self, column: usize) {
        let limit = self.next_token();
        while let Some(comment) = self.comments.spans().get(self.next_comment).copied() {
            if comment.start >= limit || trivia::column_of(self.src, comment.start) < column {
                break;
            }
            self.blank_line(comment.start, Blank::Keep);
            self.indent();
            self.out.push_str(self.src[comment.range()].trim_end());
            self.out.push('\n');
            self.last_end = comment.end;
            self.next_comment += 1;
        }
    }

    /// Writes the comments left at the end of the file and returns the text.
    pub fn finish(mut self) -> String {
        self.depth = 0;
        while let Some(comment) = self.comments.spans().get(self.next_comment).copied() {
            let blank = if self.out.is_empty() { Blank::Never } else { Blank::Keep };
            self.blank_line(comment.start, blank);
            self.out.push_str(self.src[comment.range()].trim_end());
            self.out.push('\n');
            self.last_end = comment.end;
            self.next_comment += 1;
        }
        self.out
    }

    /// Runs `body` one indentation level deeper.
    pub fn nested(&mut self, body: impl FnOnce(&mut Printer<'a>)) {
        self.depth += 1;
        body(self);
        self.depth -= 1;
    }

    fn blank_line(&mut self, start: u32, blank: Blank) {
        let wanted = match blank {
            Blank::Never => false,
            Blank::Always => true,
            Blank::Keep => trivia::line_breaks(self.src, self.last_end, start) >= 2,
        };
        if wanted && !self.out.is_empty() && !self.out.ends_with("\n\n") {
            self.out.push('\n');
        }
    }

    fn indent(&mut self) {
        self.out.extend(std::iter::repeat_n(' ', self.depth * INDENT_WIDTH));
    }

    /// Ends the line whose code ends at `end`, with the comment that follows it on its line.
    fn end_line(&mut self, end: u32) {
        self.last_end = self.last_end.max(end);
        if let Some(comment) = self.comments.spans().get(self.next_comment).copied()
            && comment.start >= end
            && trivia::line_breaks(self.src, end, comment.start) == 0
        {
            self.out.push(' ');
            self.out.push_str(self.src[comment.range()].trim_end());
            self.last_end = comment.end;
            self.next_comment += 1;
        }
        self.out.push('\n');
    }

    /// Copies `start..end` as written, shifting its continuation lines by as much as its first
    /// line moved. Line breaks inside string literals are left alone.
    fn verbatim(&mut self, start: u32, end: u32) {
        let text = &self.src[start as usize..end as usize];
        let old_indent = line_indent_width(self.src, start);
        let shift = (self.depth * INDENT_WIDTH) as isize - old_indent as isize;
        let mut copied = 0;
        for (token, range) in RawToken::lexer(text).spanned() {
            let Ok(RawToken::Newline(indent)) = token else { continue };
            self.out.push_str(text[copied..range.start].trim_end());
            self.out.push('\n');
            copied = range.end;
            let line_is_blank =
                text[range.end..].starts_with(['\n', '\r']) || range.end == text.len();
            if !line_is_blank {
                let width = (indent.chars().count() as isize + shift).max(0) as usize;
                self.out.extend(std::iter::repeat_n(' ', width));
            }
        }
        self.out.push_str(text[copied..].trim_end());
        // Comments inside the region were written with it.
        while self.comments.spans().get(self.next_comment).is_some_and(|c| c.start < end) {
            self.next_comment += 1;
        }
    }
}

/// The width of the indentation of the line that contains `offset`.
fn line_indent_width(src: &str, offset: u32) -> usize {
    let line_start = src[..offset as usize].rfind('\n').map_or(0, |idx| idx + 1);
    src[line_start..].chars().take_while(|c| *c == ' ' || *c == '\t').count()
}
