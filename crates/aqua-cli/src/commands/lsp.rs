//! `aqua lsp`: the language server over standard input and output, for editors.
//!
//! The server itself is `aqua-lsp`; this module owns its IO: the stdio connection and the loader
//! that reads imported files from disk.

use std::process::ExitCode;

use lsp_server::Connection;

use crate::commands::input::FsLoader;

/// Runs `aqua lsp` until the editor shuts it down: exit 0 after a clean shutdown, 1 when the
/// client broke the protocol or went away.
pub fn run() -> ExitCode {
    let (connection, io_threads) = Connection::stdio();
    let served = aqua_lsp::serve(&connection, Box::new(FsLoader));
    drop(connection);
    let joined = io_threads.join();
    match (served, joined) {
        (Ok(()), Ok(())) => ExitCode::SUCCESS,
        (Err(error), _) => {
            eprintln!("error: aqua lsp: {error}");
            ExitCode::FAILURE
        }
        (_, Err(error)) => {
            eprintln!("error: aqua lsp: {error}");
            ExitCode::FAILURE
        }
    }
}
