//! `aqua parse`: prints the syntax tree of one file, or its syntax errors.

use std::io::{BufWriter, Write};
use std::process::ExitCode;

use aqua_syntax::SourceMap;

use crate::cli::{ColorChoice, ParseArgs};
use crate::render;

/// Runs `aqua parse`: exit 0 with the tree on stdout, 1 with diagnostics on stderr, 2 if the file
/// cannot be read.
pub fn run(args: &ParseArgs, color: ColorChoice) -> ExitCode {
    let name = args.file.display().to_string();
    let source = match std::fs::read_to_string(&args.file) {
        Ok(source) => source,
        Err(error) => {
            eprintln!("error: cannot read `{name}`: {error}");
            return ExitCode::from(2);
        }
    };
    if !args.json
        && let Some(outline) = clean_outline(&source)
    {
        let mut out = std::io::stdout().lock();
        if let Err(error) = out.write_all(outline.as_bytes()).and_then(|()| out.flush()) {
            eprintln!("error: cannot write the syntax tree: {error}");
            return ExitCode::from(2);
        }
        return ExitCode::SUCCESS;
    }
    let parsed = aqua_syntax::parse(&source);
    if args.json {
        // A reader that stops early (`| head`) ends the process by SIGPIPE first (main.rs).
        if let Err(error) = write_json(&parsed.module) {
            eprintln!("error: cannot write the syntax tree: {error}");
            return ExitCode::from(2);
        }
    } else if let Err(error) = write_outline(&parsed.module) {
        eprintln!("error: cannot write the syntax tree: {error}");
        return ExitCode::from(2);
    }
    if parsed.errors.is_empty() {
        return ExitCode::SUCCESS;
    }
    let mut files = SourceMap::new();
    let file = files.add(name, source.as_str());
    let diagnostics: Vec<_> =
        parsed.errors.iter().map(|e| e.to_diagnostic(file, &source)).collect();
    render::emit(&files, &diagnostics, color);
    eprintln!("{}", render::summary(parsed.errors.len(), 0));
    ExitCode::FAILURE
}

/// The outline of a source without syntax errors, written definition by definition as each is
/// parsed, each definition's tree dropped once written: the text is several times smaller than
/// the tree. `None` if the source has errors (the whole tree is then parsed again, to report
/// them).
fn clean_outline(source: &str) -> Option<String> {
    // An outline is about twice its source; pages reserved beyond it are never touched.
    let mut outline = String::with_capacity(source.len().saturating_mul(3));
    let clean = aqua_syntax::parse_parts(source, |part| {
        aqua_syntax::pretty::write_part(&part, &mut outline);
    });
    clean.then_some(outline)
}

/// Streams the tree to stdout as pretty JSON through a buffer, so the text is never held whole:
/// its memory stays that of the tree, whatever the size of the output.
fn write_json(module: &aqua_syntax::ast::Module) -> std::io::Result<()> {
    let mut out = BufWriter::with_capacity(64 * 1024, std::io::stdout().lock());
    serde_json::to_writer_pretty(&mut out, module)?;
    out.write_all(b"\n")?;
    out.flush()
}

/// Streams the outline to stdout through a buffer, as [`write_json`] does the JSON.
fn write_outline(module: &aqua_syntax::ast::Module) -> std::io::Result<()> {
    let mut out = FmtToIo {
        inner: BufWriter::with_capacity(64 * 1024, std::io::stdout().lock()),
        error: None,
    };
    if aqua_syntax::pretty::write_outline(module, &mut out).is_err() {
        return Err(out.error.unwrap_or_else(|| std::io::Error::other("formatting failed")));
    }
    out.inner.flush()
}

/// Text formatted into a byte writer, keeping the writer's first error (`fmt::Error` has none).
struct FmtToIo<W: Write> {
    inner: W,
    error: Option<std::io::Error>,
}

impl<W: Write> std::fmt::Write for FmtToIo<W> {
    fn write_str(&mut self, text: &str) -> std::fmt::Result {
        self.inner.write_all(text.as_bytes()).map_err(|error| {
            self.error = Some(error);
            std::fmt::Error
        })
    }
}
