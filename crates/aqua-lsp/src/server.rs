//! The server's state and message dispatch, as a plain state machine: each incoming message gives
//! the messages to send back. The message loop in `lib.rs` only moves messages, so tests can drive
//! the state machine in process.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aqua_typecheck::modules::normalize;
use aqua_typecheck::{LoadError, SourceLoader};
use lsp_server::{ErrorCode, Message, Notification, Request, Response};
use lsp_types::notification::{
    DidChangeTextDocument, DidCloseTextDocument, DidOpenTextDocument, Notification as _,
    PublishDiagnostics,
};
use lsp_types::request::{
    Completion, DocumentSymbolRequest, Formatting, GotoDefinition, HoverRequest, References,
    Rename, Request as _, SemanticTokensFullRequest, SignatureHelpRequest,
};
use lsp_types::{
    CompletionResponse, DocumentSymbolResponse, GotoDefinitionResponse, PublishDiagnosticsParams,
    SemanticTokensResult, TextDocumentPositionParams, Url,
};

use crate::analysis::{self, Analysis};
use crate::document::Document;
use crate::{features, semantic};

/// `aqua/stdlibSource { uri }`: the text of an embedded standard library file
/// (`aqua-stdlib:///builtin.aqua`), which go to definition may point at; `null` for other URIs.
pub const STDLIB_SOURCE: &str = "aqua/stdlibSource";

/// An open document and its latest analysis.
struct Open {
    document: Document,
    path: PathBuf,
    version: i32,
    analysis: Analysis,
}

/// The language server's state: the open documents and the loader for files that are not open.
pub struct Server {
    open: HashMap<Url, Open>,
    loader: Box<dyn SourceLoader>,
}

impl Server {
    /// A server that reads files that are not open through `loader`.
    pub fn new(loader: Box<dyn SourceLoader>) -> Server {
        Server { open: HashMap::new(), loader }
    }

    /// Handles one message from the client and returns the messages to send back.
    pub fn handle(&mut self, message: Message) -> Vec<Message> {
        match message {
            Message::Request(request) => vec![Message::Response(self.request(request))],
            Message::Notification(notification) => self.notification(notification),
            Message::Response(_) => Vec::new(),
        }
    }

    fn request(&mut self, request: Request) -> Response {
        let id = request.id.clone();
        let result = match request.method.as_str() {
            HoverRequest::METHOD => self.at_position(request, |open, offset, _| {
                features::hover(&open.analysis, &open.document, offset)
            }),
            GotoDefinition::METHOD => self.at_position(request, |open, offset, uri| {
                features::definition(&open.analysis, uri, offset)
                    .map(GotoDefinitionResponse::Scalar)
            }),
            Completion::METHOD => self.at_position(request, |open, offset, _| {
                Some(CompletionResponse::Array(features::completion(&open.analysis, offset)))
            }),
            SignatureHelpRequest::METHOD => self.at_position(request, |open, offset, _| {
                features::signature_help(&open.analysis, offset)
            }),
            References::METHOD => self.references(request),
            Rename::METHOD => {
                let new_name = request.params["newName"].as_str().unwrap_or("").to_string();
                self.at_position(request, |open, offset, uri| {
                    features::rename(&open.analysis, uri, offset, &new_name)
                })
            }
            SemanticTokensFullRequest::METHOD => self
                .on_document::<lsp_types::SemanticTokensParams, _, _>(
                    request,
                    |params| params.text_document.uri,
                    |open| Some(SemanticTokensResult::Tokens(semantic::tokens(&open.document))),
                ),
            DocumentSymbolRequest::METHOD => self
                .on_document::<lsp_types::DocumentSymbolParams, _, _>(
                    request,
                    |params| params.text_document.uri,
                    |open| {
                        Some(DocumentSymbolResponse::Nested(features::document_symbols(
                            &open.document,
                        )))
                    },
                ),
            Formatting::METHOD => self.on_document::<lsp_types::DocumentFormattingParams, _, _>(
                request,
                |params| params.text_document.uri,
                |open| features::formatting(&open.document),
            ),
            STDLIB_SOURCE => {
                let uri = request.params["uri"].as_str().and_then(|uri| Url::parse(uri).ok());
                to_json(uri.as_ref().and_then(analysis::stdlib_source))
            }
            _ => Err((ErrorCode::MethodNotFound, format!("unknown request `{}`", request.method))),
        };
        match result {
            Ok(value) => Response { id, result: Some(value), error: None },
            Err((code, message)) => Response::new_err(id, code as i32, message),
        }
    }

    /// Finds the references of the definition at a position: in every open document and in
    /// every file on disk that the document loaded (those not open are checked for this); a
    /// local's only in its own document.
    fn references(&mut self, request: Request) -> Result<serde_json::Value, (ErrorCode, String)> {
        let params: lsp_types::ReferenceParams = parse_params(request)?;
        let position = params.text_document_position;
        let uri = position.text_document.uri;
        let Some(open) = self.open.get(&uri) else { return Ok(serde_json::Value::Null) };
        let offset = open.document.offset(position.position);
        let Some(target) = features::reference_target(&open.analysis, offset) else {
            return Ok(serde_json::Value::Null);
        };
        let mut locations = Vec::new();
        if params.context.include_declaration {
            locations.extend(features::definition(&open.analysis, &uri, offset));
        }
        if target.local {
            locations.extend(features::references_in(&open.analysis, &uri, &target));
            return to_json(locations);
        }
        let mut uris: Vec<&Url> = self.open.keys().collect();
        uris.sort();
        for other in uris {
            locations.extend(features::references_in(&self.open[other].analysis, other, &target));
        }
        let open_paths: HashMap<PathBuf, String> = self
            .open
            .values()
            .map(|open| (normalize(&open.path), open.document.text().to_string()))
            .collect();
        let closed: Vec<(Url, PathBuf, String)> = open
            .analysis
            .files
            .iter()
            .skip(1)
            .filter_map(|file| {
                let path = normalize(Path::new(&file.key));
                let file_uri = Url::from_file_path(&path).ok()?;
                (!open_paths.contains_key(&path)).then(|| (file_uri, path, file.text.to_string()))
            })
            .collect();
        for (file_uri, path, text) in closed {
            let document = Document::new(text);
            let mut loader = Overlay { open: &open_paths, fallback: self.loader.as_mut() };
            let analysis = analysis::analyse(&path, &document, &mut loader);
            locations.extend(features::references_in(&analysis, &file_uri, &target));
        }
        to_json(locations)
    }

    /// Answers a request about a position in an open document (`null` for unknown documents).
    fn at_position<R: serde::Serialize>(
        &self,
        request: Request,
        answer: impl FnOnce(&Open, usize, &Url) -> Option<R>,
    ) -> Result<serde_json::Value, (ErrorCode, String)> {
        let params: PositionParams = parse_params(request)?;
        let position = params.position_params;
        let Some(open) = self.open.get(&position.text_document.uri) else {
            return Ok(serde_json::Value::Null);
        };
        let offset = open.document.offset(position.position);
        to_json(answer(open, offset, &position.text_document.uri))
    }

    fn on_document<P: serde::de::DeserializeOwned, R: serde::Serialize, F>(
        &self,
        request: Request,
        uri_of: F,
        answer: impl FnOnce(&Open) -> Option<R>,
    ) -> Result<serde_json::Value, (ErrorCode, String)>
    where
        F: FnOnce(P) -> Url,
    {
        let params: P = parse_params(request)?;
        match self.open.get(&uri_of(params)) {
            Some(open) => to_json(answer(open)),
            None => Ok(serde_json::Value::Null),
        }
    }

    fn notification(&mut self, notification: Notification) -> Vec<Message> {
        match notification.method.as_str() {
            DidOpenTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidOpenTextDocumentParams>(DidOpenTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let item = params.text_document;
                let path = path_of(&item.uri);
                let open = Open {
                    document: Document::new(item.text),
                    path,
                    version: item.version,
                    analysis: Analysis::default(),
                };
                self.open.insert(item.uri, open);
                self.recheck_all()
            }
            DidChangeTextDocument::METHOD => {
                let Ok(params) = notification.extract::<lsp_types::DidChangeTextDocumentParams>(
                    DidChangeTextDocument::METHOD,
                ) else {
                    return Vec::new();
                };
                let Some(open) = self.open.get_mut(&params.text_document.uri) else {
                    return Vec::new();
                };
                for change in params.content_changes {
                    open.document.apply(change);
                }
                open.version = params.text_document.version;
                self.recheck_all()
            }
            DidCloseTextDocument::METHOD => {
                let Ok(params) = notification
                    .extract::<lsp_types::DidCloseTextDocumentParams>(DidCloseTextDocument::METHOD)
                else {
                    return Vec::new();
                };
                let uri = params.text_document.uri;
                self.open.remove(&uri);
                let mut messages = self.recheck_all();
                messages.push(publish(uri, Vec::new(), None));
                messages
            }
            _ => Vec::new(),
        }
    }

    /// Checks every open document again (a change in one may change the documents that import
    /// it) and publishes their diagnostics.
    fn recheck_all(&mut self) -> Vec<Message> {
        let texts: HashMap<PathBuf, String> = self
            .open
            .values()
            .map(|open| (normalize(&open.path), open.document.text().to_string()))
            .collect();
        let mut uris: Vec<Url> = self.open.keys().cloned().collect();
        uris.sort();
        let mut messages = Vec::with_capacity(uris.len());
        for uri in uris {
            let Some(open) = self.open.get_mut(&uri) else { continue };
            let mut loader = Overlay { open: &texts, fallback: self.loader.as_mut() };
            open.analysis = analysis::analyse(&open.path, &open.document, &mut loader);
            messages.push(publish(uri, open.analysis.diagnostics.clone(), Some(open.version)));
        }
        messages
    }
}

/// The position parameters shared by hover, definition and completion.
#[derive(serde::Deserialize)]
struct PositionParams {
    #[serde(flatten)]
    position_params: TextDocumentPositionParams,
}

/// Reads imports from the open documents first, then through the server's loader.
struct Overlay<'a> {
    open: &'a HashMap<PathBuf, String>,
    fallback: &'a mut dyn SourceLoader,
}

impl SourceLoader for Overlay<'_> {
    fn load(&mut self, path: &Path) -> Result<String, LoadError> {
        match self.open.get(&normalize(path)) {
            Some(text) => Ok(text.clone()),
            None => self.fallback.load(path),
        }
    }
}

fn publish(uri: Url, diagnostics: Vec<lsp_types::Diagnostic>, version: Option<i32>) -> Message {
    let params = PublishDiagnosticsParams { uri, diagnostics, version };
    Message::Notification(Notification::new(PublishDiagnostics::METHOD.to_string(), params))
}

fn parse_params<P: serde::de::DeserializeOwned>(
    request: Request,
) -> Result<P, (ErrorCode, String)> {
    serde_json::from_value(request.params)
        .map_err(|error| (ErrorCode::InvalidParams, format!("invalid parameters: {error}")))
}

fn to_json<R: serde::Serialize>(value: R) -> Result<serde_json::Value, (ErrorCode, String)> {
    serde_json::to_value(value).map_err(|error| (ErrorCode::InternalError, error.to_string()))
}

/// The file path of a document URI; other schemes (`untitled:`) get their path as written.
fn path_of(uri: &Url) -> PathBuf {
    uri.to_file_path().unwrap_or_else(|()| PathBuf::from(uri.path()))
}
