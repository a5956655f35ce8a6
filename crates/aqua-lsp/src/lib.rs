//! The Aqua language server behind `aqua lsp`: diagnostics on open and on every change (with
//! their codes, across imports), formatting, document symbols, hover, go to definition, find
//! references, rename of local names, completion, signature help and semantic tokens, over the Language Server
//! Protocol with incremental text sync.
//!
//! The caller (the `aqua` binary) owns the connection and the file system: it passes a
//! [`lsp_server::Connection`] (stdio) and a [`SourceLoader`] for files that are not open, so this
//! crate does no IO of its own. [`Server`] is a state machine from one client message to the
//! messages to send back, which tests drive in process.

// Library code never panics on input and never prints: errors are values (tests may unwrap).
#![deny(missing_docs, clippy::unwrap_used, clippy::expect_used)]
#![deny(clippy::print_stdout, clippy::print_stderr)]
#![cfg_attr(test, allow(clippy::unwrap_used, clippy::expect_used))]

mod analysis;
mod document;
mod features;
mod local_types;
mod semantic;
mod server;
mod symbols;

pub use aqua_typecheck::SourceLoader;
pub use server::Server;

use lsp_server::{Connection, Message, ProtocolError};
use lsp_types::{
    CompletionOptions, HoverProviderCapability, OneOf, SemanticTokensFullOptions,
    SemanticTokensOptions, SemanticTokensServerCapabilities, ServerCapabilities,
    SignatureHelpOptions, TextDocumentSyncCapability, TextDocumentSyncKind,
};

/// What the server can do, as announced in its `initialize` answer.
pub fn capabilities() -> ServerCapabilities {
    ServerCapabilities {
        text_document_sync: Some(TextDocumentSyncCapability::Kind(
            TextDocumentSyncKind::INCREMENTAL,
        )),
        hover_provider: Some(HoverProviderCapability::Simple(true)),
        definition_provider: Some(OneOf::Left(true)),
        completion_provider: Some(CompletionOptions {
            trigger_characters: Some(vec![".".to_string()]),
            ..CompletionOptions::default()
        }),
        document_symbol_provider: Some(OneOf::Left(true)),
        document_formatting_provider: Some(OneOf::Left(true)),
        references_provider: Some(OneOf::Left(true)),
        signature_help_provider: Some(SignatureHelpOptions {
            trigger_characters: Some(vec!["(".to_string(), ",".to_string()]),
            ..SignatureHelpOptions::default()
        }),
        rename_provider: Some(OneOf::Left(true)),
        semantic_tokens_provider: Some(SemanticTokensServerCapabilities::SemanticTokensOptions(
            SemanticTokensOptions {
                legend: semantic::legend(),
                full: Some(SemanticTokensFullOptions::Bool(true)),
                ..SemanticTokensOptions::default()
            },
        )),
        ..ServerCapabilities::default()
    }
}

/// Why the server stopped before the client shut it down.
#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    /// The client broke the protocol (for example, no `initialize` first).
    #[error("protocol error: {0}")]
    Protocol(#[from] ProtocolError),
    /// The connection closed while answering.
    #[error("the client closed the connection")]
    Closed,
}

/// Runs the server on `connection` until the client shuts it down: answers `initialize`, then
/// every request and notification, reading files that are not open through `loader`.
pub fn serve(connection: &Connection, loader: Box<dyn SourceLoader>) -> Result<(), ServeError> {
    // Plain data of the protocol crate: encoding it cannot fail.
    let capabilities = serde_json::to_value(capabilities()).unwrap_or_default();
    let (id, _params) = connection.initialize_start()?;
    connection.initialize_finish(
        id,
        serde_json::json!({
            "capabilities": capabilities,
            "serverInfo": { "name": "aqua-lsp", "version": env!("CARGO_PKG_VERSION") },
        }),
    )?;
    let mut server = Server::new(loader);
    for message in &connection.receiver {
        if let Message::Request(request) = &message
            && connection.handle_shutdown(request)?
        {
            return Ok(());
        }
        for reply in server.handle(message) {
            connection.sender.send(reply).map_err(|_| ServeError::Closed)?;
        }
    }
    Ok(())
}
