//! A small document language for one logical line and the printer that lays it out (Wadler's
//! "prettier printer", as Prettier and Gleam use it): a group is printed flat when it fits in the
//! remaining width, otherwise its line breaks become newlines, indented one level deeper.
//!
//! The printer only ever breaks inside brackets, so every layout it chooses reads back as the
//! same logical line.

use std::borrow::Cow;

/// One piece of a document.
#[derive(Debug, Clone)]
pub enum Doc<'a> {
    /// Text without line breaks.
    Text(Cow<'a, str>),
    /// A space when flat, a line break when the group breaks.
    Line,
    /// Nothing when flat, a line break when the group breaks.
    SoftLine,
    /// Contents indented one level deeper after each of their line breaks.
    Indent(Vec<Doc<'a>>),
    /// Contents printed flat if they fit, otherwise broken.
    Group(Vec<Doc<'a>>),
    /// Contents in sequence.
    Concat(Vec<Doc<'a>>),
}

impl<'a> Doc<'a> {
    /// Borrowed text.
    pub fn text(text: &'a str) -> Doc<'a> {
        Doc::Text(Cow::Borrowed(text))
    }
}

/// Whether the contents of a group are printed on one line.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Mode {
    Flat,
    Break,
}

/// Where a document starts and how its broken lines are indented.
#[derive(Debug, Clone, Copy)]
pub struct Layout {
    /// The column the document starts at.
    pub column: usize,
    /// The indentation of the line the document starts on.
    pub level: usize,
    /// How many spaces deeper each nested level is indented.
    pub step: usize,
}

/// Lays out `doc` as `layout` says, appending to `out`; lines aim at `width` columns.
pub fn print(doc: &Doc<'_>, layout: Layout, width: usize, out: &mut String) {
    let Layout { mut column, level, step } = layout;
    let mut stack: Vec<(usize, Mode, &Doc<'_>)> = vec![(level, Mode::Break, doc)];
    while let Some((level, mode, doc)) = stack.pop() {
        match doc {
            Doc::Text(text) => {
                out.push_str(text);
                column += text_width(text);
            }
            Doc::Line | Doc::SoftLine if mode == Mode::Break => {
                out.push('\n');
                out.extend(std::iter::repeat_n(' ', level));
                column = level;
            }
            Doc::Line => {
                out.push(' ');
                column += 1;
            }
            Doc::SoftLine => {}
            Doc::Indent(docs) => push_all(&mut stack, level + step, mode, docs),
            Doc::Concat(docs) => push_all(&mut stack, level, mode, docs),
            Doc::Group(docs) => {
                let fits =
                    mode == Mode::Flat || fits(docs, &stack, width.saturating_sub(column) as isize);
                let mode = if fits { Mode::Flat } else { Mode::Break };
                push_all(&mut stack, level, mode, docs);
            }
        }
    }
}

fn push_all<'d, 'a>(
    stack: &mut Vec<(usize, Mode, &'d Doc<'a>)>,
    level: usize,
    mode: Mode,
    docs: &'d [Doc<'a>],
) {
    stack.extend(docs.iter().rev().map(|doc| (level, mode, doc)));
}

/// Whether `docs` printed flat, followed by the rest of the line, fit in `remaining` columns.
fn fits(docs: &[Doc<'_>], rest: &[(usize, Mode, &Doc<'_>)], mut remaining: isize) -> bool {
    let mut pending: Vec<(Mode, &Doc<'_>)> = docs.iter().rev().map(|d| (Mode::Flat, d)).collect();
    let mut rest = rest.iter().rev();
    loop {
        let (mode, doc) = match pending.pop() {
            Some(next) => next,
            None => match rest.next() {
                Some(&(_, mode, doc)) => (mode, doc),
                None => return true,
            },
        };
        if remaining < 0 {
            return false;
        }
        match doc {
            Doc::Text(text) => remaining -= text_width(text) as isize,
            Doc::Line | Doc::SoftLine if mode == Mode::Break => return true,
            Doc::Line => remaining -= 1,
            Doc::SoftLine => {}
            Doc::Indent(docs) | Doc::Concat(docs) | Doc::Group(docs) => {
                pending.extend(docs.iter().rev().map(|d| (mode, d)));
            }
        }
        if remaining < 0 {
            return false;
        }
    }
}

/// The width of a text in columns: its characters (Aqua source is mostly ASCII).
fn text_width(text: &str) -> usize {
    if text.is_ascii() { text.len() } else { text.chars().count() }
}
