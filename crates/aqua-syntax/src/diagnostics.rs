//! Turns syntax errors into codespan diagnostics with codes, labels and notes.

use codespan_reporting::diagnostic::{Diagnostic, Label};
use codespan_reporting::term;

use crate::error::SyntaxError;
use crate::span::{FileId, SourceMap};

impl SyntaxError {
    /// The stable code of this kind of error (listed in `docs/diagnostics.md`).
    pub fn code(&self) -> &'static str {
        match self {
            SyntaxError::UnexpectedChar { .. } => "S001",
            SyntaxError::UnterminatedString { .. } => "S002",
            SyntaxError::InconsistentIndentation { .. } => "S003",
            SyntaxError::UnexpectedIndentation { .. } => "S004",
            SyntaxError::UnclosedBracket { .. } => "S005",
            SyntaxError::UnmatchedBracket { .. } => "S006",
            SyntaxError::UnexpectedToken { .. } => "S007",
            SyntaxError::UnexpectedEnd { .. } => "S008",
            SyntaxError::ExpectedBlock { .. } => "S009",
            SyntaxError::MissingHeader { .. } => "S010",
            SyntaxError::ModuleKeyword { .. } => "S011",
            SyntaxError::Dangling { .. } => "S012",
            SyntaxError::DetachedMinus { .. } => "S013",
            SyntaxError::MisplacedReturn { .. } => "S014",
            SyntaxError::TooLarge { .. } => "S015",
            SyntaxError::TooDeep { .. } => "S016",
            SyntaxError::ChainedComparison { .. } => "S017",
        }
    }

    /// The one-line message, without location.
    pub fn message(&self, source: &str) -> String {
        match self {
            SyntaxError::UnexpectedChar { found, .. } => {
                format!("unexpected character `{}`", found.escape_debug())
            }
            SyntaxError::UnterminatedString { .. } => "unterminated string literal".into(),
            SyntaxError::InconsistentIndentation { .. } => "inconsistent indentation".into(),
            SyntaxError::UnexpectedIndentation { .. } => "unexpected indentation".into(),
            SyntaxError::UnclosedBracket { span } => {
                format!("unclosed `{}`", &source[span.range()])
            }
            SyntaxError::UnmatchedBracket { span } => {
                format!("unmatched `{}`", &source[span.range()])
            }
            SyntaxError::UnexpectedToken { found, expected, .. } => match expected.as_slice() {
                [] => format!("unexpected {found}"),
                _ => format!("expected {}, found {found}", join_or(expected)),
            },
            SyntaxError::UnexpectedEnd { expected, .. } => match expected.as_slice() {
                [] => "unexpected end of file".into(),
                _ => format!("expected {}, found the end of the file", join_or(expected)),
            },
            SyntaxError::ExpectedBlock { opener, .. } => {
                format!("expected an indented block after `{}`", shorten(&source[opener.range()]))
            }
            SyntaxError::MissingHeader { .. } => "missing module header".into(),
            SyntaxError::ModuleKeyword { .. } => "the `module` header is obsolete".into(),
            SyntaxError::Dangling { keyword, needs, .. } => {
                format!("`{keyword}` without {needs} before it")
            }
            SyntaxError::DetachedMinus { .. } => "a minus sign must touch its number".into(),
            SyntaxError::MisplacedReturn { .. } => {
                "a return must be the last line of a function body".into()
            }
            SyntaxError::TooLarge { len } => {
                format!("the file is too large to parse ({len} bytes)")
            }
            SyntaxError::TooDeep { limit, .. } => {
                format!("nested deeper than {limit} levels")
            }
            SyntaxError::ChainedComparison { .. } => "comparisons do not chain".into(),
        }
    }

    /// Builds the diagnostic for this error in `file`, whose text is `source`.
    pub fn to_diagnostic(&self, file: FileId, source: &str) -> Diagnostic<FileId> {
        let span = self.span();
        let primary = Label::primary(file, span.range()).with_message(self.label());
        let mut diagnostic = Diagnostic::error()
            .with_code(self.code())
            .with_message(self.message(source))
            .with_labels(vec![primary]);
        if let SyntaxError::ExpectedBlock { opener, .. } = self {
            diagnostic.labels.push(
                Label::secondary(file, opener.range()).with_message("this line opens a block"),
            );
        }
        if let SyntaxError::ChainedComparison { first, .. } = self {
            diagnostic.labels.push(
                Label::secondary(file, first.range()).with_message("the comparison before it"),
            );
        }
        if let Some(note) = self.note() {
            diagnostic = diagnostic.with_notes(vec![note]);
        }
        diagnostic
    }

    fn label(&self) -> String {
        match self {
            SyntaxError::UnexpectedChar { .. } => "not part of any Aqua token".into(),
            SyntaxError::UnterminatedString { .. } => "this string has no closing `\"`".into(),
            SyntaxError::InconsistentIndentation { block_indent, .. } => {
                format!(
                    "expected the indentation of an enclosing block ({})",
                    describe_indent(block_indent)
                )
            }
            SyntaxError::UnexpectedIndentation { .. } => {
                "this line is indented, but the line before opens no block".into()
            }
            SyntaxError::UnclosedBracket { .. } => "opened here and never closed".into(),
            SyntaxError::UnmatchedBracket { .. } => "no bracket to close here".into(),
            SyntaxError::UnexpectedToken { .. } => "unexpected here".into(),
            SyntaxError::UnexpectedEnd { .. } => "the file ends here".into(),
            SyntaxError::ExpectedBlock { .. } => "expected an indented line here".into(),
            SyntaxError::MissingHeader { .. } => "expected `aqua ModuleName` here".into(),
            SyntaxError::ModuleKeyword { .. } => "replace `module` with `aqua`".into(),
            SyntaxError::Dangling { needs, .. } => format!("needs {needs} right before it"),
            SyntaxError::DetachedMinus { .. } => "remove the space after `-`".into(),
            SyntaxError::MisplacedReturn { .. } => "return inside a nested block".into(),
            SyntaxError::TooLarge { .. } => "".into(),
            SyntaxError::TooDeep { .. } => "too deeply nested".into(),
            SyntaxError::ChainedComparison { .. } => "a second comparison".into(),
        }
    }

    fn note(&self) -> Option<String> {
        Some(match self {
            SyntaxError::UnterminatedString { .. } => "Aqua strings have no escapes and cannot contain `\"`.".into(),
            SyntaxError::InconsistentIndentation { line_indent, .. } => format!(
                "This line is indented with {}. Indentation is compared as text: every line of a block must \
                 start with exactly the same spaces and tabs.",
                describe_indent(line_indent)
            ),
            SyntaxError::MissingHeader { .. } => "Every Aqua file starts with a header such as `aqua MyModule declares *`.".into(),
            SyntaxError::ModuleKeyword { .. } => "Since Aqua 0.14 the header is `aqua Name`, not `module Name`.".into(),
            SyntaxError::MisplacedReturn { .. } => {
                "Write the results into a stream inside the block and return the stream at the end of the function.".into()
            }
            SyntaxError::TooDeep { .. } => {
                "Split the expression into several assignments, the block into several functions, or the type into named aliases.".into()
            }
            SyntaxError::ChainedComparison { .. } => {
                "Compare two values at a time and join the results: `a < b && b < c`.".into()
            }
            SyntaxError::Dangling { keyword: "par", .. } => "`par` runs its statement in parallel with the one before it.".into(),
            _ => return None,
        })
    }
}

fn describe_indent(indent: &str) -> String {
    let spaces = indent.chars().filter(|c| *c == ' ').count();
    let tabs = indent.chars().filter(|c| *c == '\t').count();
    match (spaces, tabs) {
        (0, 0) => "no indentation".into(),
        (s, 0) => format!("{s} space{}", if s == 1 { "" } else { "s" }),
        (0, t) => format!("{t} tab{}", if t == 1 { "" } else { "s" }),
        (s, t) => format!(
            "{s} space{} and {t} tab{}",
            if s == 1 { "" } else { "s" },
            if t == 1 { "" } else { "s" }
        ),
    }
}

fn shorten(text: &str) -> String {
    let line = text.lines().next().unwrap_or("");
    if line.chars().count() > 48 {
        let mut out: String = line.chars().take(45).collect();
        out.push_str("...");
        out
    } else {
        line.to_string()
    }
}

fn join_or(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{} or {last}", init.join(", ")),
    }
}

/// Renders diagnostics without colour, for tests and plain-text output.
pub fn render_plain(files: &SourceMap, diagnostics: &[Diagnostic<FileId>]) -> String {
    let config = term::Config::default();
    let mut out = String::new();
    for diagnostic in diagnostics {
        let rendered = if crate::window::needs_window(files, diagnostic) {
            let (windowed, diagnostic) = crate::window::window(files, diagnostic);
            term::emit_into_string(&config, &windowed, &diagnostic)
        } else {
            term::emit_into_string(&config, files, diagnostic)
        };
        match rendered {
            Ok(text) => out.push_str(&text),
            Err(error) => out.push_str(&format!("error: cannot render a diagnostic: {error}\n")),
        }
    }
    out
}

/// Renders the syntax errors of one source file without colour.
pub fn render_errors(name: &str, source: &str, errors: &[SyntaxError]) -> String {
    let mut files = SourceMap::new();
    let file = files.add(name, source);
    let diagnostics: Vec<_> = errors.iter().map(|e| e.to_diagnostic(file, source)).collect();
    render_plain(&files, &diagnostics)
}
