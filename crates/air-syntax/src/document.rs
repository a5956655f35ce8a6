//! AIR files that hold several scripts, as the reference compiler writes them: comment lines
//! (such as `;; ==== function NAME`), blank lines, and scripts between them.
//!
//! This module splits such a file into segments and formats it, keeping comment and blank lines
//! where they are. It does no IO; `aqua-cli` reads and writes the files.

use crate::ast::{Program, Span};
use crate::error::{AirSyntaxError, FormatError};
use crate::parser::parse_at;
use crate::printer::{print_compact, print_pretty};

/// One part of an AIR file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Segment<'s> {
    /// A line whose first non-blank character is `;`, outside any script, newline included.
    Comment {
        /// The line.
        text: &'s str,
        /// Its span.
        span: Span,
    },
    /// A line holding only whitespace, outside any script, newline included.
    Blank {
        /// The line.
        text: &'s str,
        /// Its span.
        span: Span,
    },
    /// The lines of one script, from its first line to the line where its parentheses balance,
    /// last newline included.
    Script {
        /// The lines.
        text: &'s str,
        /// Their span.
        span: Span,
        /// The span of the first `;` comment inside the script, if any: formatting would lose it.
        inner_comment: Option<Span>,
    },
}

/// Splits a file into comment lines, blank lines and scripts.
pub fn split_scripts(src: &str) -> Vec<Segment<'_>> {
    let mut segments = Vec::new();
    let mut script: Option<ScriptScan> = None;
    let mut offset = 0usize;
    for line in src.split_inclusive('\n') {
        let start = offset;
        offset += line.len();
        let span = Span::new(start as u32, offset as u32);
        let scan = match script.as_mut() {
            Some(scan) => scan,
            None => {
                let trimmed = line.trim_start();
                if trimmed.is_empty() {
                    segments.push(Segment::Blank { text: line, span });
                    continue;
                }
                if trimmed.starts_with(';') {
                    segments.push(Segment::Comment { text: line, span });
                    continue;
                }
                script.insert(ScriptScan { start, depth: 0, in_string: false, inner_comment: None })
            }
        };
        scan.scan_line(line, start);
        if scan.depth <= 0 && !scan.in_string {
            segments.push(scan.finish(src, offset));
            script = None;
        }
    }
    if let Some(scan) = script {
        segments.push(scan.finish(src, src.len()));
    }
    segments
}

/// Parses every script of a file; each result pairs the script's segment span with its program.
/// Spans inside programs are file offsets.
pub fn parse_scripts(src: &str) -> Vec<(Span, Result<Program, AirSyntaxError>)> {
    split_scripts(src)
        .into_iter()
        .filter_map(|segment| match segment {
            Segment::Script { text, span, .. } => Some((span, parse_at(text, span.start))),
            Segment::Comment { .. } | Segment::Blank { .. } => None,
        })
        .collect()
}

/// Formats a file: comment and blank lines are kept, and each script is printed in the pretty
/// layout (or the compact one, followed by a newline). Fails on the first script that does not
/// parse or that holds a comment the printer would drop.
pub fn format_document(src: &str, compact: bool) -> Result<String, FormatError> {
    let mut out = String::with_capacity(src.len());
    for segment in split_scripts(src) {
        match segment {
            Segment::Comment { text, .. } | Segment::Blank { text, .. } => out.push_str(text),
            Segment::Script { text, span, inner_comment } => {
                if let Some(comment) = inner_comment {
                    return Err(FormatError::CommentInScript { span: comment });
                }
                let program = parse_at(text, span.start)?;
                if compact {
                    out.push_str(&print_compact(&program));
                    out.push('\n');
                } else {
                    out.push_str(&print_pretty(&program));
                }
            }
        }
    }
    Ok(out)
}

struct ScriptScan {
    start: usize,
    depth: i64,
    in_string: bool,
    inner_comment: Option<Span>,
}

impl ScriptScan {
    /// Tracks parenthesis depth over one line, skipping strings (which may span lines) and
    /// comments.
    fn scan_line(&mut self, line: &str, line_start: usize) {
        for (idx, byte) in line.bytes().enumerate() {
            match byte {
                b'"' => self.in_string = !self.in_string,
                _ if self.in_string => {}
                b'(' => self.depth += 1,
                b')' => self.depth -= 1,
                b';' => {
                    let comment_start = line_start + idx;
                    let comment_end = line_start + line.trim_end().len();
                    self.inner_comment.get_or_insert(Span::new(
                        comment_start as u32,
                        comment_end.max(comment_start) as u32,
                    ));
                    return;
                }
                _ => {}
            }
        }
    }

    fn finish<'s>(&self, src: &'s str, end: usize) -> Segment<'s> {
        Segment::Script {
            text: src.get(self.start..end).unwrap_or_default(),
            span: Span::new(self.start as u32, end as u32),
            inner_comment: self.inner_comment,
        }
    }
}
