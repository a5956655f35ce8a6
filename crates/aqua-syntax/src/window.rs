//! Diagnostics on very long lines (a 5 MB line of generated code) show a window around their
//! labels instead of the whole line: `…` marks what is left out, and the header still names the
//! original line and column. Diagnostics on ordinary lines are rendered as they are.

use std::ops::Range;

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::{Error, Files, Location};

/// Lines longer than this many bytes are shown as a window.
pub const MAX_SHOWN_LINE: usize = 240;

/// Bytes of context kept before the first and after the last label of a windowed line.
const CONTEXT: usize = 60;

/// What stands for the text left out.
const ELLIPSIS: &str = "…";

/// Whether a label of `diagnostic` starts or ends on a line longer than [`MAX_SHOWN_LINE`].
pub fn needs_window<'f, F: Files<'f>>(files: &'f F, diagnostic: &Diagnostic<F::FileId>) -> bool {
    diagnostic.labels.iter().any(|label| {
        [label.range.start, label.range.end].into_iter().any(|at| {
            let line = files.line_index(label.file_id, at);
            let range = line.and_then(|line| files.line_range(label.file_id, line));
            range.is_ok_and(|range| range.len() > MAX_SHOWN_LINE)
        })
    })
}

/// The files of `diagnostic` with their long lines cut to windows, and the diagnostic with its
/// labels moved onto them (file ids become indices into the windowed files).
pub fn window<'f, F: Files<'f>>(
    files: &'f F,
    diagnostic: &Diagnostic<F::FileId>,
) -> (Windowed, Diagnostic<usize>) {
    let mut ids: Vec<F::FileId> = Vec::new();
    for label in &diagnostic.labels {
        if !ids.contains(&label.file_id) {
            ids.push(label.file_id);
        }
    }
    let windowed = ids
        .iter()
        .map(|&id| {
            let name = files.name(id).map(|name| name.to_string()).unwrap_or_default();
            let source = files.source(id).map(|s| s.as_ref().to_owned()).unwrap_or_default();
            let positions: Vec<usize> = diagnostic
                .labels
                .iter()
                .filter(|label| label.file_id == id)
                .flat_map(|label| [label.range.start, label.range.end])
                .collect();
            WindowedFile::new(name, source, &positions)
        })
        .collect();
    let windowed = Windowed { files: windowed };
    let labels = diagnostic
        .labels
        .iter()
        .map(|label| {
            let index = ids.iter().position(|id| *id == label.file_id).unwrap_or(0);
            let file = &windowed.files[index];
            Label {
                style: label.style,
                file_id: index,
                range: file.to_window(label.range.start)..file.to_window(label.range.end),
                message: label.message.clone(),
            }
        })
        .collect();
    let remapped = Diagnostic {
        severity: diagnostic.severity,
        code: diagnostic.code.clone(),
        message: diagnostic.message.clone(),
        labels,
        notes: diagnostic.notes.clone(),
    };
    (windowed, remapped)
}

/// Files whose long lines are cut to windows, for rendering one diagnostic.
pub struct Windowed {
    files: Vec<WindowedFile>,
}

/// One windowed file: its new text and where each kept piece came from.
struct WindowedFile {
    name: String,
    original: String,
    original_lines: Vec<usize>,
    text: String,
    lines: Vec<usize>,
    /// Kept pieces in order: (start in the original, start in the new text, length).
    pieces: Vec<(usize, usize, usize)>,
}

impl WindowedFile {
    fn new(name: String, original: String, positions: &[usize]) -> WindowedFile {
        let original_lines = line_starts(&original);
        let mut text = String::new();
        let mut pieces = Vec::new();
        for (index, &start) in original_lines.iter().enumerate() {
            let end = original_lines.get(index + 1).copied().unwrap_or(original.len());
            let line = start..end;
            let kept = if line.len() > MAX_SHOWN_LINE {
                shown_part(&original, line.clone(), positions)
            } else {
                line.clone()
            };
            if kept.start > line.start {
                text.push_str(ELLIPSIS);
            }
            pieces.push((kept.start, text.len(), kept.len()));
            text.push_str(&original[kept.clone()]);
            if kept.end < line.end {
                text.push_str(ELLIPSIS);
                // Keep the line's own end of line.
                let ending = original[kept.end..line.end].trim_start_matches(|c| c != '\n');
                pieces.push((line.end - ending.len(), text.len(), ending.len()));
                text.push_str(ending);
            }
        }
        let lines = line_starts(&text);
        WindowedFile { name, original, original_lines, text, lines, pieces }
    }

    /// The position in the new text of an original position (clamped into the kept text).
    fn to_window(&self, at: usize) -> usize {
        let index = self.pieces.partition_point(|(start, _, _)| *start <= at).saturating_sub(1);
        let Some(&(start, new_start, len)) = self.pieces.get(index) else { return 0 };
        new_start + at.saturating_sub(start).min(len)
    }

    /// The original position of a position in the new text.
    fn to_original(&self, at: usize) -> usize {
        let index = self.pieces.partition_point(|(_, new_start, _)| *new_start <= at);
        let Some(&(start, new_start, len)) = self.pieces.get(index.saturating_sub(1)) else {
            return 0;
        };
        start + at.saturating_sub(new_start).min(len)
    }
}

/// The part of a long line to show: around the label positions on it, at most
/// [`MAX_SHOWN_LINE`] bytes, on character boundaries.
fn shown_part(source: &str, line: Range<usize>, positions: &[usize]) -> Range<usize> {
    let on_line: Vec<usize> =
        positions.iter().copied().filter(|at| line.contains(at) || *at == line.end).collect();
    let first = on_line.iter().copied().min().unwrap_or(line.start);
    let last = on_line.iter().copied().max().unwrap_or(line.start);
    let start = first.saturating_sub(CONTEXT).max(line.start);
    let end = (last + CONTEXT).min(line.end).min(start + MAX_SHOWN_LINE).max(start);
    floor_boundary(source, start)..floor_boundary(source, end)
}

fn floor_boundary(source: &str, mut at: usize) -> usize {
    while at > 0 && !source.is_char_boundary(at) {
        at -= 1;
    }
    at
}

/// The byte offsets where lines start.
fn line_starts(text: &str) -> Vec<usize> {
    std::iter::once(0).chain(text.match_indices('\n').map(|(at, _)| at + 1)).collect()
}

impl<'a> Files<'a> for Windowed {
    type FileId = usize;
    type Name = &'a str;
    type Source = &'a str;

    fn name(&'a self, id: usize) -> Result<&'a str, Error> {
        self.files.get(id).map(|file| file.name.as_str()).ok_or(Error::FileMissing)
    }

    fn source(&'a self, id: usize) -> Result<&'a str, Error> {
        self.files.get(id).map(|file| file.text.as_str()).ok_or(Error::FileMissing)
    }

    fn line_index(&'a self, id: usize, byte_index: usize) -> Result<usize, Error> {
        let file = self.files.get(id).ok_or(Error::FileMissing)?;
        Ok(file.lines.partition_point(|start| *start <= byte_index).saturating_sub(1))
    }

    fn line_range(&'a self, id: usize, line_index: usize) -> Result<Range<usize>, Error> {
        let file = self.files.get(id).ok_or(Error::FileMissing)?;
        let start = *file.lines.get(line_index).ok_or(Error::LineTooLarge {
            given: line_index,
            max: file.lines.len().saturating_sub(1),
        })?;
        let end = file.lines.get(line_index + 1).copied().unwrap_or(file.text.len());
        Ok(start..end)
    }

    /// The original line and column, though the text shown is windowed.
    fn location(&'a self, id: usize, byte_index: usize) -> Result<Location, Error> {
        let file = self.files.get(id).ok_or(Error::FileMissing)?;
        let at = file.to_original(byte_index);
        let line = file.original_lines.partition_point(|start| *start <= at).saturating_sub(1);
        let line_start = file.original_lines[line];
        let column = file.original[line_start..floor_boundary(&file.original, at)].chars().count();
        Ok(Location { line_number: line + 1, column_number: column + 1 })
    }
}
