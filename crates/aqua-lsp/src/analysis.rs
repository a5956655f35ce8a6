//! One check of an open document and what the editor features need from it: the diagnostics of
//! the document, and the syntax trees of every file the check loaded (the document, its imports
//! and the embedded standard library), to find definitions across imports.

use std::path::Path;
use std::sync::Arc;

use aqua_syntax::ast::Module;
use aqua_typecheck::{Options, SourceLoader};
use codespan_reporting::diagnostic::{Diagnostic, LabelStyle, Severity};
use lsp_types::{DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString, Url};

use crate::document::{Document, range_in};
use crate::local_types::{self, DocumentTypes};

/// A file loaded by a check.
#[derive(Debug)]
pub struct LoadedFile {
    /// Its path (or `stdlib:NAME` for the embedded standard library).
    pub key: String,
    /// Its text (shared with the checked program's file table).
    pub text: Arc<str>,
    /// Its syntax tree, parsed when a feature first needs it (not on every keystroke).
    module: std::cell::OnceCell<Module>,
}

impl LoadedFile {
    /// The syntax tree of the file.
    pub fn module(&self) -> &Module {
        self.module.get_or_init(|| aqua_syntax::parse(&self.text).module)
    }

    /// The URI of the file, when it is on disk.
    pub fn uri(&self) -> Option<Url> {
        url_of_key(&self.key)
    }
}

/// The outcome of checking one document.
#[derive(Debug, Default)]
pub struct Analysis {
    /// The document's diagnostics, in the protocol's form.
    pub diagnostics: Vec<lsp_types::Diagnostic>,
    /// Every loaded file; the document itself is first.
    pub files: Vec<LoadedFile>,
    /// The checked types of the names and expressions of the document's functions.
    pub types: DocumentTypes,
}

/// Checks the document at `path` whose text is `document` and converts the results.
pub fn analyse(path: &Path, document: &Document, loader: &mut dyn SourceLoader) -> Analysis {
    let checked =
        aqua_typecheck::check(path, Some(document.text().to_string()), loader, &Options::default());
    // The texts are the checked program's own (shared), not copies of them.
    let files: Vec<LoadedFile> = (0..checked.files.len())
        .filter_map(|id| {
            let key = checked.files.name(id)?.to_owned();
            let text = checked.files.shared_source(id)?;
            Some(LoadedFile { key, text, module: std::cell::OnceCell::new() })
        })
        .collect();
    let diagnostics = checked
        .diagnostics()
        .iter()
        .filter_map(|diagnostic| convert(diagnostic, document, &files))
        .collect();
    let types = local_types::of_document(checked.program);
    Analysis { diagnostics, files, types }
}

/// Converts a diagnostic whose primary label lies in the document (file 0); others belong to
/// the imported file they point at.
fn convert(
    diagnostic: &Diagnostic<usize>,
    document: &Document,
    files: &[LoadedFile],
) -> Option<lsp_types::Diagnostic> {
    let primary = diagnostic.labels.iter().find(|l| l.style == LabelStyle::Primary)?;
    if primary.file_id != 0 {
        return None;
    }
    let severity = match diagnostic.severity {
        Severity::Bug | Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Note => DiagnosticSeverity::INFORMATION,
        Severity::Help => DiagnosticSeverity::HINT,
    };
    let mut message = diagnostic.message.clone();
    if !primary.message.is_empty() {
        message.push_str(&format!(": {}", primary.message));
    }
    for note in &diagnostic.notes {
        message.push('\n');
        message.push_str(note);
    }
    let related = diagnostic
        .labels
        .iter()
        .filter(|l| l.style == LabelStyle::Secondary)
        .filter_map(|label| {
            let file = files.get(label.file_id)?;
            let uri = file.uri()?;
            let range = range_in(&file.text, label.range.start, label.range.end);
            Some(DiagnosticRelatedInformation {
                location: Location { uri, range },
                message: label.message.clone(),
            })
        })
        .collect::<Vec<_>>();
    Some(lsp_types::Diagnostic {
        range: document.range(primary.range.start, primary.range.end),
        severity: Some(severity),
        code: diagnostic.code.clone().map(NumberOrString::String),
        source: Some("aqua".to_string()),
        message,
        related_information: (!related.is_empty()).then_some(related),
        ..lsp_types::Diagnostic::default()
    })
}

/// The URI scheme of the embedded standard library's files (`aqua-stdlib:///builtin.aqua`);
/// editors read them with the `aqua/stdlibSource` request and show them read-only.
pub const STDLIB_SCHEME: &str = "aqua-stdlib";

/// The URI of a loaded file's key: a file on disk, or an embedded standard library file.
pub fn url_of_key(key: &str) -> Option<Url> {
    if let Some(name) = key.strip_prefix(aqua_typecheck::stdlib::KEY_PREFIX) {
        return Url::parse(&format!("{STDLIB_SCHEME}:///{name}")).ok();
    }
    Url::from_file_path(key).ok()
}

/// The text of the embedded standard library file a `aqua-stdlib:` URI names.
pub fn stdlib_source(uri: &Url) -> Option<&'static str> {
    if uri.scheme() != STDLIB_SCHEME {
        return None;
    }
    let key =
        format!("{}{}", aqua_typecheck::stdlib::KEY_PREFIX, uri.path().trim_start_matches('/'));
    aqua_typecheck::stdlib::FILES.iter().find(|(name, _)| *name == key).map(|(_, text)| *text)
}
