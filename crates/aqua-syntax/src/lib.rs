//! The Aqua front end: lexer, layout pass, parser, syntax tree and syntax diagnostics.
//!
//! [`parse`] never fails: it returns a tree (with error nodes where it had to recover) and the list
//! of problems found. It knows nothing about names or types; that is `aqua-typecheck`'s job.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod ahead;
pub mod assemble;
pub mod ast;
mod climb;
mod depth;
mod descent;
pub mod diagnostics;
pub mod error;
pub mod layout;
mod parser;
pub mod pretty;
mod shape;
pub mod span;
pub mod token;
pub mod window;

pub use error::SyntaxError;
pub use span::{FileId, SourceMap, Span};

/// The result of parsing one file: the tree and every syntax error, in source order.
#[derive(Debug, Clone)]
pub struct Parsed {
    /// The syntax tree; parts that failed to parse are error nodes.
    pub module: ast::Module,
    /// The problems found, sorted by position.
    pub errors: Vec<SyntaxError>,
}

/// The largest source the parser accepts (spans are 32-bit byte offsets).
pub const MAX_SOURCE_LEN: usize = u32::MAX as usize;

/// Parses one Aqua source file.
pub fn parse(src: &str) -> Parsed {
    if src.len() > MAX_SOURCE_LEN {
        let module = ast::Module {
            header: None,
            header_items: Vec::new(),
            items: Vec::new(),
            span: Span::default(),
        };
        return Parsed { module, errors: vec![SyntaxError::TooLarge { len: src.len() }] };
    }
    let (module, errors, checks) = parser::parse_module(src);
    finish(src, module, errors, checks)
}

/// One part of a module, as [`parse_parts`] hands them out.
#[derive(Debug, Clone)]
pub enum Part {
    /// The module with its header and header lines but no definitions (`items` is empty); first.
    Module(ast::Module),
    /// One definition, in source order.
    Item(ast::Item),
}

/// Parses one source file part by part, handing each part to `visit` as soon as it is read, so
/// that a caller that drops each part after use holds the largest definition rather than the
/// whole tree. True when the source is clean: the parts are then exactly [`parse`]'s tree, which
/// has no errors.
/// False as soon as [`parse`] would report something (or the fast parser leaves the source to
/// LALRPOP): the parts visited so far must be set aside and [`parse`] called, which reports.
pub fn parse_parts(src: &str, mut visit: impl FnMut(Part)) -> bool {
    src.len() <= MAX_SOURCE_LEN && descent::parse_parts(src, &mut visit)
}

/// The module header and the `import`/`use`/`export` lines of a source, without the definitions
/// after them (`items` is empty): what loading a module's imports needs. `None` when the fast
/// parser does not take them (a syntax error among them, or a form it leaves to LALRPOP). When
/// the whole source parses without errors they are those of [`parse`]; otherwise they may differ,
/// and a caller that defers the full parse compares the two.
pub fn parse_header(src: &str) -> Option<ast::Module> {
    if src.len() > MAX_SOURCE_LEN {
        return None;
    }
    descent::parse_header(src)
}

/// Parses with the LALRPOP parser only (what [`parse`] falls back on when the source has syntax
/// errors); for tests that hold the faster hand-written parser to it.
#[doc(hidden)]
pub fn parse_with_lalrpop(src: &str) -> Parsed {
    if src.len() > MAX_SOURCE_LEN {
        return parse(src);
    }
    let (module, errors) = parser::parse_module_with_lalrpop(src);
    finish(src, module, errors, Checks::ALL)
}

/// Parses with the hand-written parser only: `None` when the source has a syntax error (or
/// nests deeper than it goes); for tests that hold it to the LALRPOP parser.
#[doc(hidden)]
pub fn parse_fast(src: &str) -> Option<Parsed> {
    if src.len() > MAX_SOURCE_LEN {
        return None;
    }
    descent::parse(src).map(|parsed| finish(src, parsed.module, Vec::new(), parsed.checks))
}

/// Which checks after parsing may find something (the fast parser can tell when some cannot).
#[derive(Debug, Clone, Copy)]
struct Checks {
    /// An expression or type may nest past the limits of `depth.rs`.
    depth: bool,
    /// A return statement may stand where it must not.
    returns: bool,
}

impl Checks {
    const ALL: Checks = Checks { depth: true, returns: true };
}

/// The checks after parsing, and the errors in order, one per line.
fn finish(
    src: &str,
    mut module: ast::Module,
    mut errors: Vec<SyntaxError>,
    checks: Checks,
) -> Parsed {
    if checks.depth {
        depth::limit_module(&mut module, &mut errors);
    }
    shape::check_module(&module, src, &mut errors, checks.returns);
    errors.sort_by_key(|e| (e.span().start, e.span().end));
    errors.dedup();
    // Blocks past the nesting limit are not opened, so each of their lines would also report a
    // missing block: the one nesting error says it all.
    if let Some(deep) =
        errors.iter().find(|e| matches!(e, SyntaxError::TooDeep { .. })).map(|e| e.span().start)
    {
        errors
            .retain(|e| !(matches!(e, SyntaxError::ExpectedBlock { .. }) && e.span().start > deep));
    }
    Parsed { module, errors: first_per_line(src, errors) }
}

/// Keeps one error per line: later ones on the same line are almost always consequences of the
/// first. An unclosed bracket gives way to the parser's complaint on the same line.
fn first_per_line(src: &str, errors: Vec<SyntaxError>) -> Vec<SyntaxError> {
    let mut last_line = None;
    let (mut line, mut counted_to) = (0, 0);
    let mut kept = Vec::with_capacity(errors.len());
    for error in errors {
        // Errors are sorted, so lines are counted once, from the previous error onwards.
        let start = (error.span().start as usize).clamp(counted_to, src.len());
        line += src.as_bytes()[counted_to..start].iter().filter(|b| **b == b'\n').count();
        counted_to = start;
        if last_line != Some(line) {
            kept.push(error);
        } else if let Some(last) = kept.last_mut()
            && matches!(last, SyntaxError::UnclosedBracket { .. })
        {
            // The token the parser could not take says more than the bracket it left open.
            *last = error;
        }
        last_line = Some(line);
    }
    kept
}
