//! Byte spans into one source file, and the file table used to render diagnostics.

use std::cmp::Ordering;
use std::ops::Range;
use std::sync::{Arc, OnceLock};

use codespan_reporting::files;

use serde::Serialize;

/// A half-open byte range `start..end` into one source file.
#[derive(Clone, Copy, Default, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Span {
    /// First byte of the range.
    pub start: u32,
    /// One past the last byte of the range.
    pub end: u32,
}

impl Span {
    /// Creates the span `start..end`.
    pub fn new(start: u32, end: u32) -> Span {
        Span { start, end }
    }

    /// The empty span at `offset`.
    pub fn point(offset: u32) -> Span {
        Span { start: offset, end: offset }
    }

    /// The smallest span covering both `self` and `other`.
    pub fn to(self, other: Span) -> Span {
        Span { start: self.start.min(other.start), end: self.end.max(other.end) }
    }

    /// The range as `usize` offsets, for slicing the source.
    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    /// Whether `other` lies inside `self`.
    pub fn contains(self, other: Span) -> bool {
        self.start <= other.start && other.end <= self.end
    }
}

impl std::fmt::Debug for Span {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}..{}", self.start, self.end)
    }
}

/// Identifies a file in a [`SourceMap`].
pub type FileId = usize;

/// The source files of one run, for rendering diagnostics (it is codespan's file table). A
/// text is shared (`Arc<str>`), so that a caller who keeps the files it serves does not hold a
/// second copy of each, and the start of each line is found only when a diagnostic is rendered
/// (a checked program of 100,000 lines held 0.8 MB of line starts that nothing read).
#[derive(Debug, Default, Clone)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

/// One file of a [`SourceMap`].
#[derive(Debug, Clone)]
struct SourceFile {
    name: String,
    source: Arc<str>,
    /// The byte offset of each line's first character, once asked for.
    line_starts: OnceLock<Box<[usize]>>,
}

impl SourceMap {
    /// An empty map.
    pub fn new() -> SourceMap {
        SourceMap::default()
    }

    /// Adds a file and returns its id.
    pub fn add(&mut self, name: impl Into<String>, source: impl Into<Arc<str>>) -> FileId {
        let file =
            SourceFile { name: name.into(), source: source.into(), line_starts: OnceLock::new() };
        self.files.push(file);
        self.files.len() - 1
    }

    /// The source text of a file, if the id is known.
    pub fn source(&self, file: FileId) -> Option<&str> {
        self.files.get(file).map(|file| &*file.source)
    }

    /// The source text of a file as the map holds it (shared, not copied), if the id is known.
    pub fn shared_source(&self, file: FileId) -> Option<Arc<str>> {
        self.files.get(file).map(|file| file.source.clone())
    }

    /// The name of a file, if the id is known.
    pub fn name(&self, file: FileId) -> Option<&str> {
        self.files.get(file).map(|file| file.name.as_str())
    }

    /// How many files there are (their ids are `0..len`).
    pub fn len(&self) -> usize {
        self.files.len()
    }

    /// Whether there are no files.
    pub fn is_empty(&self) -> bool {
        self.files.is_empty()
    }

    fn file(&self, file: FileId) -> Result<&SourceFile, files::Error> {
        self.files.get(file).ok_or(files::Error::FileMissing)
    }
}

impl SourceFile {
    fn line_starts(&self) -> &[usize] {
        self.line_starts.get_or_init(|| files::line_starts(&self.source).collect())
    }

    /// The start of line `line_index`, or the end of the text for the line after the last one.
    fn line_start(&self, line_index: usize) -> Result<usize, files::Error> {
        let starts = self.line_starts();
        match line_index.cmp(&starts.len()) {
            Ordering::Less => Ok(starts.get(line_index).copied().unwrap_or_default()),
            Ordering::Equal => Ok(self.source.len()),
            Ordering::Greater => {
                Err(files::Error::LineTooLarge { given: line_index, max: starts.len() - 1 })
            }
        }
    }
}

/// As codespan's `SimpleFiles`, whose lookups these are.
impl<'a> files::Files<'a> for SourceMap {
    type FileId = FileId;
    type Name = String;
    type Source = &'a str;

    fn name(&'a self, file: FileId) -> Result<String, files::Error> {
        Ok(self.file(file)?.name.clone())
    }

    fn source(&'a self, file: FileId) -> Result<&'a str, files::Error> {
        Ok(&self.file(file)?.source)
    }

    fn line_index(&'a self, file: FileId, byte_index: usize) -> Result<usize, files::Error> {
        let starts = self.file(file)?.line_starts();
        Ok(starts.binary_search(&byte_index).unwrap_or_else(|next_line| next_line - 1))
    }

    fn line_range(&'a self, file: FileId, line_index: usize) -> Result<Range<usize>, files::Error> {
        let file = self.file(file)?;
        Ok(file.line_start(line_index)?..file.line_start(line_index + 1)?)
    }
}
