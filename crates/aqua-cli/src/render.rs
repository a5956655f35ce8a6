//! The only place that writes diagnostics to the terminal.

use codespan_reporting::diagnostic::Diagnostic;
use codespan_reporting::files::Files;
use codespan_reporting::term::{self, termcolor};

use crate::cli::ColorChoice;

/// Writes diagnostics to standard error, coloured as `color` asks.
pub fn emit<'f, F: Files<'f>>(
    files: &'f F,
    diagnostics: &[Diagnostic<F::FileId>],
    color: ColorChoice,
) {
    let choice = match color {
        ColorChoice::Always => termcolor::ColorChoice::Always,
        ColorChoice::Never => termcolor::ColorChoice::Never,
        ColorChoice::Auto if std::io::IsTerminal::is_terminal(&std::io::stderr()) => {
            termcolor::ColorChoice::Auto
        }
        ColorChoice::Auto => termcolor::ColorChoice::Never,
    };
    // Rendered into a buffer and written in large pieces: written straight to the unbuffered
    // stream, each diagnostic took dozens of small writes, and thousands of warnings spent more
    // time in system calls than checking took.
    let writer = termcolor::BufferWriter::stderr(choice);
    let config = term::Config::default();
    let mut buffer = writer.buffer();
    for diagnostic in diagnostics {
        // A diagnostic on a very long line shows a window of it, not megabytes of text.
        // Failing to write to stderr leaves nothing better to report to.
        if aqua_syntax::window::needs_window(files, diagnostic) {
            let (windowed, diagnostic) = aqua_syntax::window::window(files, diagnostic);
            let _ = term::emit_to_write_style(&mut buffer, &config, &windowed, &diagnostic);
        } else {
            let _ = term::emit_to_write_style(&mut buffer, &config, files, diagnostic);
        }
        if buffer.len() >= FLUSH_AT {
            let _ = writer.print(&buffer);
            buffer.clear();
        }
    }
    let _ = writer.print(&buffer);
}

/// How much rendered text is held before it is written out.
const FLUSH_AT: usize = 64 * 1024;

/// The closing line after diagnostics, e.g. `2 errors, 1 warning`.
pub fn summary(errors: usize, warnings: usize) -> String {
    let plural = |n: usize, word: &str| format!("{n} {word}{}", if n == 1 { "" } else { "s" });
    match (errors, warnings) {
        (e, 0) => format!("{} found", plural(e, "error")),
        (0, w) => format!("{} found", plural(w, "warning")),
        (e, w) => format!("{}, {} found", plural(e, "error"), plural(w, "warning")),
    }
}
