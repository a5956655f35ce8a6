//! An open text document: its text, incremental edits, and conversion between byte offsets and
//! LSP positions (lines and UTF-16 code units, the protocol's default encoding).
//!
//! Positions out of range are clamped, never trusted: a confused client cannot make the server
//! panic.

use lsp_types::{Position, Range, TextDocumentContentChangeEvent};

/// The text of one open document.
#[derive(Debug, Clone)]
pub struct Document {
    text: String,
    /// Byte offsets where lines start; the first is 0.
    line_starts: Vec<usize>,
}

impl Document {
    /// A document with `text`.
    pub fn new(text: String) -> Document {
        let line_starts = line_starts(&text);
        Document { text, line_starts }
    }

    /// The current text.
    pub fn text(&self) -> &str {
        &self.text
    }

    /// Applies one change: a range replaced by new text, or the whole text when no range is given.
    pub fn apply(&mut self, change: TextDocumentContentChangeEvent) {
        match change.range {
            None => self.text = change.text,
            Some(range) => {
                let start = self.offset(range.start);
                let end = self.offset(range.end).max(start);
                self.text.replace_range(start..end, &change.text);
            }
        }
        self.line_starts = line_starts(&self.text);
    }

    /// The byte offset of `position`, clamped to the text and to a character boundary.
    pub fn offset(&self, position: Position) -> usize {
        let Some(&line_start) = self.line_starts.get(position.line as usize) else {
            return self.text.len();
        };
        let line_end =
            self.line_starts.get(position.line as usize + 1).map_or(self.text.len(), |e| e - 1);
        let line = &self.text[line_start..line_end.max(line_start)];
        let mut units = 0;
        for (idx, ch) in line.char_indices() {
            if units >= position.character as usize {
                return line_start + idx;
            }
            units += ch.len_utf16();
        }
        line_start + line.len()
    }

    /// The position of byte `offset` (clamped to the text).
    pub fn position(&self, offset: usize) -> Position {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        let line = self.line_starts.partition_point(|start| *start <= offset) - 1;
        let line_start = self.line_starts[line];
        let character: usize = self.text[line_start..offset].chars().map(char::len_utf16).sum();
        Position::new(to_u32(line), to_u32(character))
    }

    /// The range of the byte offsets `start..end`.
    pub fn range(&self, start: usize, end: usize) -> Range {
        Range::new(self.position(start), self.position(end))
    }
}

/// The range of `start..end` in a text that is not open (an imported file).
pub fn range_in(text: &str, start: usize, end: usize) -> Range {
    Document::new(text.to_string()).range(start, end)
}

fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(idx, _)| idx + 1)).collect()
}

fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}
