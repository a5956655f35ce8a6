//! Diagnostics for machines: one flat shape (file, start and end positions, severity, code,
//! message) that `check --format json` and `compile --json` both print, and GitHub annotations.

use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use codespan_reporting::files::Files;
use serde::Serialize;

use aqua_typecheck::Checked;

/// One diagnostic flattened for machine-readable output.
#[derive(Debug, Clone, Serialize)]
pub(crate) struct Flat {
    /// The file of the primary label (empty when there is none).
    pub file: String,
    /// 1-based line of the start.
    pub line: usize,
    /// 1-based column of the start.
    pub column: usize,
    /// 1-based end position.
    pub end: Position,
    /// `error`, `warning` or `note`.
    pub severity: &'static str,
    /// The stable code (`T002`), or empty.
    pub code: String,
    /// The title.
    pub message: String,
}

/// A 1-based line and column.
#[derive(Debug, Clone, Copy, Serialize)]
pub(crate) struct Position {
    /// The line.
    pub line: usize,
    /// The column.
    pub column: usize,
}

impl Flat {
    /// Flattens a diagnostic of a checked program.
    pub fn of(checked: &Checked, diagnostic: &Diagnostic<usize>) -> Flat {
        let files = &checked.files;
        let primary = diagnostic.labels.iter().find(|l| l.style == LabelStyle::Primary);
        let (file, start, end) = match primary {
            Some(label) => {
                let name = files.name(label.file_id).map(|n| n.to_string()).unwrap_or_default();
                let start = files.location(label.file_id, label.range.start).ok();
                let end = files.location(label.file_id, label.range.end).ok();
                (name, start, end)
            }
            None => (String::new(), None, None),
        };
        let (line, column) = start.map_or((1, 1), |l| (l.line_number, l.column_number));
        let end = end.map_or(Position { line, column }, |l| Position {
            line: l.line_number,
            column: l.column_number,
        });
        let severity = match diagnostic.severity {
            Severity::Error | Severity::Bug => "error",
            Severity::Warning => "warning",
            Severity::Note | Severity::Help => "note",
        };
        Flat {
            file,
            line,
            column,
            end,
            severity,
            code: diagnostic.code.clone().unwrap_or_default(),
            message: diagnostic.message.clone(),
        }
    }

    /// An error at the start of `file` (an internal compiler error, which has no span).
    pub fn file_error(file: &str, code: &str, message: &str) -> Flat {
        Flat {
            file: file.to_owned(),
            line: 1,
            column: 1,
            end: Position { line: 1, column: 1 },
            severity: "error",
            code: code.to_owned(),
            message: message.to_owned(),
        }
    }

    /// Identifies a diagnostic across the files of one run.
    pub fn key(&self) -> String {
        format!("{}:{}:{}:{}:{}", self.file, self.line, self.column, self.code, self.message)
    }

    /// The one JSON shape of a diagnostic.
    pub fn to_json(&self) -> serde_json::Value {
        serde_json::to_value(self).unwrap_or_default()
    }

    /// A GitHub Actions annotation line.
    pub fn to_github(&self) -> String {
        let level = if self.severity == "error" { "error" } else { "warning" };
        format!(
            "::{level} file={},line={},col={},endLine={},endColumn={},title={}::{}",
            escape_property(&self.file),
            self.line,
            self.column,
            self.end.line,
            self.end.column,
            self.code,
            escape_data(&self.message)
        )
    }
}

/// Escapes a GitHub annotation message.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25").replace('\r', "%0D").replace('\n', "%0A")
}

/// Escapes a GitHub annotation property value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}
