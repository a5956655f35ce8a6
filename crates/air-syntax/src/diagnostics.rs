//! Turns this crate's errors into codespan-reporting diagnostics with stable `A0xx` codes, and
//! renders them without colour for tests.
//!
//! Each error variant has one small function. This module must not write to the terminal: only
//! `aqua-cli/src/render.rs` does.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::files::SimpleFile;
use codespan_reporting::term;

use crate::ast::Span;
use crate::error::{AirSyntaxError, FormatError, LexError, LexErrorKind, ValidationError};

/// Every diagnostic code this crate emits, with its one-line meaning.
pub const CODES: &[(&str, &str)] = &[
    ("A001", "unexpected character"),
    ("A002", "unterminated string literal"),
    ("A003", "number with a leading dot"),
    ("A004", "integer out of range"),
    ("A005", "float literal too long"),
    ("A006", "invalid number"),
    ("A007", "empty variable name"),
    ("A008", "invalid character in a name"),
    ("A009", "invalid lens"),
    ("A010", "empty lens"),
    ("A011", "lens on a stream"),
    ("A012", "legacy canon name too short for a lens"),
    ("A013", "unexpected token"),
    ("A014", "unexpected end of script"),
    ("A015", "extra token after the script"),
    ("A016", "script too large"),
    ("A017", "nesting too deep"),
    ("A020", "undefined variable"),
    ("A021", "undefined iterator in next"),
    ("A022", "several next for one iterator"),
    ("A023", "new on a fold iterator"),
    ("A024", "iterator bound twice"),
    ("A025", "unsupported map key"),
    ("A026", "fail with error code 0"),
    ("A027", "instruction after next in a stream fold"),
    ("A030", "comment inside a script"),
];

/// Renders diagnostics about one file as plain text, without colour.
pub fn render_plain(name: &str, src: &str, diagnostics: &[Diagnostic<()>]) -> String {
    let file = SimpleFile::new(name, src);
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        match term::emit_into_string(&config, &file, diagnostic) {
            Ok(text) => out.push_str(&text),
            Err(error) => out.push_str(&format!("error: cannot render a diagnostic: {error}\n")),
        }
    }
    out
}

fn error<F: Copy>(code: &str, message: impl std::fmt::Display) -> Diagnostic<F> {
    Diagnostic::error().with_code(code).with_message(message)
}

fn primary<F: Copy>(file: F, span: Span, message: impl std::fmt::Display) -> Label<F> {
    Label::primary(file, span.range()).with_message(message)
}

fn secondary<F: Copy>(file: F, span: Span, message: impl std::fmt::Display) -> Label<F> {
    Label::secondary(file, span.range()).with_message(message)
}

/// Joins an `expected` list as "a, b or c".
fn one_of(expected: &[String]) -> String {
    match expected {
        [] => String::new(),
        [only] => only.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

impl AirSyntaxError {
    /// The diagnostic for this error, pointing into `file`.
    pub fn to_diagnostic<F: Copy>(&self, file: F) -> Diagnostic<F> {
        match self {
            AirSyntaxError::Lex(lex) => lex.to_diagnostic(file),
            AirSyntaxError::UnexpectedToken { found, expected, span } => {
                unexpected_token(file, found, expected, *span)
            }
            AirSyntaxError::UnexpectedEnd { expected, span } => {
                unexpected_end(file, expected, *span)
            }
            AirSyntaxError::ExtraToken { found, span } => {
                error("A015", "extra token after the script")
                    .with_labels(vec![primary(file, *span, format!("unexpected {found}"))])
                    .with_notes(vec!["note: An AIR script is exactly one instruction.".to_owned()])
            }
            AirSyntaxError::TooLarge => error("A016", "script too large")
                .with_notes(vec!["note: Offsets must fit in 32 bits.".to_owned()]),
        }
    }
}

fn unexpected_token<F: Copy>(
    file: F,
    found: &str,
    expected: &[String],
    span: Span,
) -> Diagnostic<F> {
    let diagnostic = error("A013", format!("unexpected {found}"));
    let label = if expected.is_empty() {
        primary(file, span, "not allowed here")
    } else {
        primary(file, span, format!("expected {}", one_of(expected)))
    };
    diagnostic.with_labels(vec![label])
}

fn unexpected_end<F: Copy>(file: F, expected: &[String], span: Span) -> Diagnostic<F> {
    let label = if expected.is_empty() {
        primary(file, span, "the script ends here")
    } else {
        primary(file, span, format!("expected {}", one_of(expected)))
    };
    error("A014", "unexpected end of script").with_labels(vec![label])
}

impl LexError {
    /// The diagnostic for this error, pointing into `file`.
    pub fn to_diagnostic<F: Copy>(&self, file: F) -> Diagnostic<F> {
        let (code, label, note) = lex_parts(&self.kind);
        let diagnostic =
            error(code, self.kind.to_string()).with_labels(vec![primary(file, self.span, label)]);
        match note {
            Some(note) => diagnostic.with_notes(vec![note.to_owned()]),
            None => diagnostic,
        }
    }
}

fn lex_parts(kind: &LexErrorKind) -> (&'static str, &'static str, Option<&'static str>) {
    match kind {
        LexErrorKind::UnexpectedCharacter => ("A001", "no token starts here", None),
        LexErrorKind::UnterminatedString => (
            "A002",
            "this string is never closed",
            Some("note: AIR strings have no escapes; a string ends at the next `\"`."),
        ),
        LexErrorKind::LeadingDot => {
            ("A003", "write a digit before the dot", Some("help: Write `0.5` instead of `.5`."))
        }
        LexErrorKind::IntegerOverflow => ("A004", "does not fit in a 64-bit signed integer", None),
        LexErrorKind::FloatTooLong => (
            "A005",
            "more than 11 characters",
            Some("note: AquaVM rejects longer float literals, for determinism."),
        ),
        LexErrorKind::InvalidNumber => ("A006", "a number has at most one dot", None),
        LexErrorKind::EmptyName => ("A007", "a name must follow the tag", None),
        LexErrorKind::InvalidNameCharacter(_) => (
            "A008",
            "not allowed in a name",
            Some("note: Names are made of letters, digits, `_` and `-`."),
        ),
        LexErrorKind::InvalidLens => (
            "A009",
            "not a valid lens",
            Some("note: A lens is `.length`, or `.$` followed by `.field`, `.[0]` or `.[x]`."),
        ),
        LexErrorKind::EmptyLens => ("A010", "`.$` needs at least one accessor", None),
        LexErrorKind::LensOnStream => (
            "A011",
            "streams and stream maps take no lens",
            Some("help: Canonicalize the stream with `canon` and apply the lens to the canon."),
        ),
        LexErrorKind::ShortLegacyCanon => (
            "A012",
            "AquaVM rejects `#x` with a one-character name and a lens",
            Some("help: Write the canon stream as `#$x`."),
        ),
        LexErrorKind::NestingTooDeep => (
            "A017",
            "more than 1024 nested parentheses",
            Some("note: The limit keeps deep scripts from overflowing the stack."),
        ),
    }
}

impl ValidationError {
    /// The diagnostic for this error, pointing into `file`.
    pub fn to_diagnostic<F: Copy>(&self, file: F) -> Diagnostic<F> {
        match self {
            ValidationError::UndefinedVariable { name, span } => {
                undefined_variable(file, name, *span)
            }
            ValidationError::UndefinedIterator { name, span } => {
                error("A021", format!("undefined iterator `{name}` in next")).with_labels(vec![
                    primary(file, *span, "no enclosing fold binds this iterator"),
                ])
            }
            ValidationError::MultipleNext { name, span, first } => {
                error("A022", format!("several next for iterator `{name}`")).with_labels(vec![
                    primary(file, *span, "second next"),
                    secondary(file, *first, "first next"),
                ])
            }
            ValidationError::NewOnIterator { name, span, fold } => {
                error("A023", format!("new on fold iterator `{name}`")).with_labels(vec![
                    primary(file, *span, "this is a fold iterator"),
                    secondary(file, *fold, "bound here"),
                ])
            }
            ValidationError::IteratorBoundTwice { name, span, first } => {
                error("A024", format!("iterator `{name}` bound twice")).with_labels(vec![
                    primary(file, *span, "bound again here"),
                    secondary(file, *first, "first bound here"),
                ])
            }
            ValidationError::UnsupportedMapKey { span } => unsupported_map_key(file, *span),
            ValidationError::FailCodeZero { span } => error("A026", "fail with error code 0")
                .with_labels(vec![primary(file, *span, "0 means success")])
                .with_notes(vec!["help: Use a non-zero error code.".to_owned()]),
            ValidationError::InstructionAfterNext { span, next } => {
                instruction_after_next(file, *span, *next)
            }
        }
    }
}

fn undefined_variable<F: Copy>(file: F, name: &str, span: Span) -> Diagnostic<F> {
    error("A020", format!("undefined variable `{name}`"))
        .with_labels(vec![primary(file, span, "not defined earlier in the script")])
        .with_notes(vec![
            "note: Variables are defined by call outputs, `ap`, `canon`, `new` and fold iterators."
                .to_owned(),
        ])
}

fn unsupported_map_key<F: Copy>(file: F, span: Span) -> Diagnostic<F> {
    error("A025", "unsupported map key")
        .with_labels(vec![primary(file, span, "not a valid key")])
        .with_notes(vec![
            "note: A key is a string, an integer, a scalar or a canon stream with a lens."
                .to_owned(),
        ])
}

fn instruction_after_next<F: Copy>(file: F, span: Span, next: Span) -> Diagnostic<F> {
    error("A027", "instruction after next in a stream fold")
        .with_labels(vec![
            primary(file, span, "runs after next"),
            secondary(file, next, "next of a stream fold"),
        ])
        .with_notes(vec![
            "note: In a fold over a stream or stream map, next must be the last instruction."
                .to_owned(),
        ])
}

impl FormatError {
    /// The diagnostic for this error, pointing into `file`.
    pub fn to_diagnostic<F: Copy>(&self, file: F) -> Diagnostic<F> {
        match self {
            FormatError::Syntax(syntax) => syntax.to_diagnostic(file),
            FormatError::CommentInScript { span } => error("A030", "comment inside a script")
                .with_labels(vec![primary(file, *span, "formatting would drop this comment")])
                .with_notes(vec![
                    "help: Move the comment to its own line before or after the script.".to_owned(),
                ]),
        }
    }
}
