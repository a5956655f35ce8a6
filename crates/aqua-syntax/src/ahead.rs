//! The layout pass run ahead of the parser on another thread, for large sources: the parser takes
//! tokens in chunks while the next ones are being lexed. Lexing and layout are about a third of
//! parsing, and neither allocates anything the parser keeps, so only the chunks cross threads
//! (and go back to be refilled).

use std::sync::mpsc::{Receiver, Sender, SyncSender, channel, sync_channel};
use std::thread::Scope;

use crate::error::SyntaxError;
use crate::layout::{Layout, Spanned};

/// Tokens in one chunk.
const CHUNK: usize = 16384;

/// Chunks lexed ahead of the parser, at most.
const IN_FLIGHT: usize = 2;

/// Where the parser's tokens come from.
pub(crate) enum Tokens<'s> {
    /// The layout pass, run as tokens are needed.
    Here(Layout<'s>),
    /// A layout pass on another thread.
    Ahead(Ahead<'s>),
}

impl<'s> Tokens<'s> {
    /// The next token, `None` at the end of the input.
    #[inline]
    pub(crate) fn next_token(&mut self) -> Option<Spanned<'s>> {
        match self {
            Tokens::Here(layout) => layout.next_token(),
            Tokens::Ahead(ahead) => ahead.next_token(),
        }
    }

    /// The errors of the layout pass; the whole input is lexed first.
    pub(crate) fn take_errors(&mut self) -> Vec<SyntaxError> {
        match self {
            Tokens::Here(layout) => layout.take_errors(),
            Tokens::Ahead(ahead) => {
                while ahead.next_token().is_some() {}
                std::mem::take(&mut ahead.errors)
            }
        }
    }
}

/// What the lexing thread sends.
enum Message<'s> {
    /// The next tokens.
    Tokens(Vec<Spanned<'s>>),
    /// The end of the input, with the layout pass's errors.
    End(Vec<SyntaxError>),
}

/// The parser's end of a layout pass on another thread.
pub(crate) struct Ahead<'s> {
    messages: Receiver<Message<'s>>,
    /// Emptied chunks, back to the lexing thread.
    spare: Sender<Vec<Spanned<'s>>>,
    chunk: Vec<Spanned<'s>>,
    /// The next token of `chunk`.
    at: usize,
    /// The layout pass's errors, once it has ended.
    errors: Vec<SyntaxError>,
}

/// Starts the layout pass over `src` on a thread of `scope`. The thread stops at the end of the
/// input, or as soon as the returned end is dropped.
pub(crate) fn spawn<'scope, 's>(scope: &'scope Scope<'scope, 's>, src: &'s str) -> Ahead<'s> {
    let (sender, messages) = sync_channel(IN_FLIGHT);
    let (spare, spares) = channel();
    scope.spawn(move || lex(src, &sender, &spares));
    Ahead { messages, spare, chunk: Vec::new(), at: 0, errors: Vec::new() }
}

/// The lexing thread: sends chunks of tokens, then the errors.
fn lex<'s>(src: &'s str, sender: &SyncSender<Message<'s>>, spares: &Receiver<Vec<Spanned<'s>>>) {
    let mut layout = Layout::new(src);
    loop {
        let mut chunk = spares.try_recv().unwrap_or_else(|_| Vec::with_capacity(CHUNK));
        while chunk.len() < CHUNK {
            match layout.next_token() {
                Some(token) => chunk.push(token),
                None => break,
            }
        }
        let ended = chunk.len() < CHUNK;
        // A send fails once the parser is gone: nobody wants the rest.
        if sender.send(Message::Tokens(chunk)).is_err() {
            return;
        }
        if ended {
            let _ = sender.send(Message::End(layout.take_errors()));
            return;
        }
    }
}

impl<'s> Ahead<'s> {
    #[inline]
    fn next_token(&mut self) -> Option<Spanned<'s>> {
        if let Some(token) = self.chunk.get(self.at) {
            self.at += 1;
            return Some(*token);
        }
        self.next_chunk()
    }

    /// Takes the next chunk and its first token; `None` at the end.
    #[cold]
    fn next_chunk(&mut self) -> Option<Spanned<'s>> {
        loop {
            match self.messages.recv() {
                Ok(Message::Tokens(chunk)) => {
                    let mut used = std::mem::replace(&mut self.chunk, chunk);
                    used.clear();
                    // The lexing thread may have ended; then the chunk is simply dropped.
                    let _ = self.spare.send(used);
                    self.at = 0;
                    if let Some(token) = self.chunk.first() {
                        self.at = 1;
                        return Some(*token);
                    }
                }
                Ok(Message::End(errors)) => {
                    self.errors = errors;
                    return None;
                }
                // Ended before (the end was taken) or the thread is gone.
                Err(_) => return None,
            }
        }
    }
}
